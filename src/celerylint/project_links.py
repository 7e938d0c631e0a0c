"""Where celerylint's own documentation and issue tracker live, as its metadata says.

A link printed in a finding, a JSON record or a SARIF log must lead somewhere. The
package metadata (``[project.urls]`` in ``pyproject.toml``) is the one place that
knows; when it names no URL there is none to print, rather than a guessed one.
"""

from __future__ import annotations

from functools import lru_cache

DISTRIBUTION = "celerylint"


@lru_cache(maxsize=1)
def project_urls() -> dict[str, str]:
    """``Project-URL`` labels (lower-cased) to URLs; empty when not installed."""
    from importlib import metadata  # 15 ms to import: only a report that links pays it

    try:
        entries = metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return {}
    urls: dict[str, str] = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        if url.strip():
            urls[label.strip().lower()] = url.strip()
    return urls


def documentation_url() -> str | None:
    return project_urls().get("documentation")


def homepage_url() -> str | None:
    urls = project_urls()
    return urls.get("homepage") or urls.get("repository") or urls.get("source")


def issues_url() -> str | None:
    urls = project_urls()
    return urls.get("issues") or urls.get("bug tracker") or urls.get("tracker")


def rule_doc_url(doc_path: str) -> str | None:
    """``rules/calls/x.md`` under the Documentation URL, which points at ``rules/``."""
    base = documentation_url()
    if base is None:
        return None
    relative = doc_path.removeprefix("rules/")
    return f"{base.rstrip('/')}/{relative}"


def report_hint() -> str:
    """How to end an internal-error message: where to report it, when we know."""
    url = issues_url()
    return f"please report it at {url}" if url else "please report it to celerylint's maintainers"
