"""Which files the commented-out-code rule judges at all, decided from cheap facts.

Documentation trees, examples and archives keep code in comments on purpose
(a snippet shown in a guide, a file kept for reference), and no Celery process
loads them. Sphinx's generated ``conf.py`` lists every option it does not set
as a commented-out default ("values that are commented out serve to show the
default"). The skip works on the path *relative to the analysed root*, so it
holds whatever the scope of the run, and a user who wants such a tree judged
points celerylint at it (``celerylint check docs/``): the tree is then the root
and none of its folders matches.
"""

from __future__ import annotations

import re

from celerylint.source.facts import ModuleFacts

# Folder names (anywhere in the relative path) that hold documentation, examples
# or archived code rather than code a worker runs.
SKIPPED_FOLDERS = frozenset((
    "docs", "doc", "documentation", "examples", "example", "old_files", "archive",
    "archives", "archived", "attic",
))
# Settings only a Sphinx configuration assigns; two of them make a conf.py Sphinx's.
_SPHINX_SETTINGS = frozenset((
    "html_theme", "html_static_path", "master_doc", "root_doc", "source_suffix",
    "pygments_style", "exclude_patterns", "templates_path", "htmlhelp_basename",
    "latex_documents", "man_pages", "texinfo_documents", "intersphinx_mapping",
))
_SPHINX_TEMPLATE_RE = re.compile(r"serve to show the default|sphinx-quickstart", re.IGNORECASE)


def skip_reason(facts: ModuleFacts) -> str | None:
    """Why the rule does not judge this file, or None when it does."""
    folders = facts.path.split("/")[:-1]
    for folder in folders:
        if folder.lower() in SKIPPED_FOLDERS:
            return f"'{folder}/' holds documentation, examples or archived code"
        if folder.startswith(".") and folder not in (".", ".."):
            return f"'{folder}/' cannot be imported, so no Celery process loads it"
    if _is_sphinx_configuration(facts):
        return "a Sphinx conf.py lists the defaults it does not set as commented-out code"
    return None


def _is_sphinx_configuration(facts: ModuleFacts) -> bool:
    if any(_SPHINX_TEMPLATE_RE.search(comment.text) for comment in facts.comments):
        return True
    if facts.path.rsplit("/", 1)[-1] != "conf.py":
        return False
    assigned = {assignment.target for assignment in facts.assignments if not assignment.scope}
    return len(assigned & _SPHINX_SETTINGS) >= 2
