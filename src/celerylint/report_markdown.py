"""One Markdown document for a whole project: summary, next steps, diagrams, inventory, findings.

Everything in it comes from one ``api.run``: the findings, and the project
model they were found on (diagrams and inventory read that same model).  The
document renders on GitHub/GitLab as is: diagrams are ```` ```mermaid ````
blocks.  It carries no timestamp, so regenerating it on an unchanged project
gives an identical file, and it is masked for secrets as a whole at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from celerylint import __version__
from celerylint.diagram.imports_view import ImportViewOptions, import_diagram
from celerylint.diagram.mermaid import render_mermaid
from celerylint.diagram.topology import topology_diagram
from celerylint.diagram.topology_view import deployment_names
from celerylint.docs import RuleDoc, load_docs
from celerylint.findings import Finding, Severity
from celerylint.inventory import build_inventory
from celerylint.inventory_format import InventoryFormat, markdown_table, render_inventory
from celerylint.project.celery.celery_model import celery_model
from celerylint.project_links import rule_doc_url
from celerylint.secrets import mask_secrets_in_text

if TYPE_CHECKING:
    from celerylint.api import RunResult
    from celerylint.project.model import Project

MAX_NEXT_STEPS = 5
WHY_SECTION = "Why it matters at runtime"
TOPOLOGY_INTRO = ("Beat entries and calling code send tasks, tasks land in queues, workers "
                  "(grouped by the deployment file that starts them) consume queues. Problems "
                  "found by the rules are drawn on the boxes they concern.")
SEVERITY_TITLES = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Info"}


def render_report(result: RunResult) -> str:
    """The whole report for one run, as Markdown text."""
    project = result.project
    findings = list(result.findings)
    docs = _docs()
    parts = [
        _header(project, result),
        _summary(findings),
        _next_steps(findings),
        _diagrams(project, findings),
        render_inventory(build_inventory(project), InventoryFormat.MARKDOWN, heading_level=2),
        _findings(findings, docs),
    ]
    text = "\n".join(part.rstrip("\n") + "\n" for part in parts)
    return mask_secrets_in_text(text)


def _docs() -> dict[str, RuleDoc]:
    try:
        return load_docs()
    except (OSError, ValueError):
        return {}  # a broken doc must not cost the user the report


def _header(project: Project, result: RunResult) -> str:
    return (f"# celerylint report: `{project.root.name}`\n\n"
            f"celerylint {__version__} checked {result.files_checked} files. Nothing was "
            "imported or executed; everything below comes from reading the code, settings, "
            "deployment and env files.\n")


def _summary(findings: Sequence[Finding]) -> str:
    counts = {severity: sum(1 for f in findings if f.severity is severity) for severity in Severity}
    lines = ["## Summary", ""]
    lines += markdown_table(("Severity", "Findings"),
                            [*((s.value, str(n)) for s, n in counts.items()),
                             ("total", str(len(findings)))])
    if findings:
        lines += ["", "By rule:", ""]
        lines += markdown_table(("Rule", "Severity", "Findings"),
                                ((f"`{code}` {name}", severity.value, str(count))
                                 for code, name, severity, count in _by_rule(findings)))
    return "\n".join(lines) + "\n"


def _by_rule(findings: Iterable[Finding]) -> list[tuple[str, str, Severity, int]]:
    """(code, name, severity, count), most severe first, then most frequent."""
    counts: dict[tuple[str, str, Severity], int] = {}
    for finding in findings:
        key = (finding.code, finding.name, finding.severity)
        counts[key] = counts.get(key, 0) + 1
    rows = [(code, name, severity, count) for (code, name, severity), count in counts.items()]
    return sorted(rows, key=lambda r: (r[2].rank, -r[3], r[0]))


def _triage_order(findings: Iterable[Finding]) -> list[tuple[str, str, Severity, int]]:
    """The rules to act on first: the most precise on the benchmark (so the first finding
    a newcomer reads is a true one), then the most severe, then the most frequent."""
    from celerylint.rules.precision import triage_key

    return sorted(_by_rule(findings), key=lambda r: triage_key(r[0], r[2].rank, r[3]))


def _next_steps(findings: Sequence[Finding]) -> str:
    from celerylint.rules.precision import precision_of

    lines = ["## Recommended next steps", ""]
    if not findings:
        lines.append("Nothing to fix. Keep `celerylint check` in CI so it stays that way, and "
                     "commit the diagrams with `celerylint graph topology -o docs/topology.mmd` "
                     "(checked with `--check`).")
        return "\n".join(lines) + "\n"
    for number, (code, name, severity, count) in enumerate(
            _triage_order(findings)[:MAX_NEXT_STEPS], start=1):
        first = next(f for f in findings if f.code == code)
        where = f"`{first.path}:{first.line}`" + (f" and {count - 1} more" if count > 1 else "")
        action = first.fix_hint or first.message
        measured = precision_of(code)
        precise = f", precision {measured.describe()}" if measured else ""
        lines.append(f"{number}. **{name}** (`{code}`, {severity.value}{precise}, {count}x, "
                     f"first at {where}): {action}")
    remaining = len(_by_rule(findings)) - MAX_NEXT_STEPS
    if remaining > 0:
        lines.append(f"\n{remaining} more rule(s) have findings; see [Findings](#findings).")
    return "\n".join(lines) + "\n"


def celery_packages(project: Project) -> tuple[str, ...]:
    """Packages that hold tasks or apps: the part of the import graph workers load."""
    model = celery_model(project)
    modules = {t.module for t in model.tasks} | {a.module for a in model.apps.values()}
    packages = set()
    for module in modules:
        facts = project.module(module)
        is_package = facts is not None and facts.is_package
        packages.add(module if is_package or "." not in module else module.rpartition(".")[0])
    return tuple(sorted(p for p in packages
                        if not any(p != q and p.startswith(q + ".") for q in packages)))


def _diagrams(project: Project, findings: Sequence[Finding]) -> str:
    lines = ["## Topology", "", TOPOLOGY_INTRO, "",
             "```mermaid", render_mermaid(topology_diagram(project, findings)).rstrip("\n"),
             "```", "", *_deployment_diagrams(project, findings),
             "## Imports of the Celery packages", ""]
    scope = celery_packages(project)
    if not scope:
        lines.append("_No package defines a Celery app or task._")
        return "\n".join(lines) + "\n"
    diagram = import_diagram(project, ImportViewOptions(scope=scope))
    names = ", ".join(f"`{p}`" for p in scope)
    intro = f"Packages with tasks or apps ({names}) and the modules they import or are imported by."
    lines += [intro, "", "```mermaid", render_mermaid(diagram).rstrip("\n"), "```"]
    return "\n".join(lines) + "\n"


def _deployment_diagrams(project: Project, findings: Sequence[Finding]) -> list[str]:
    """One system-level picture per deployment, when there is more than one to tell apart."""
    names = deployment_names(celery_model(project))
    if len(names) < 2:
        return []
    lines = ["### Each deployment", "",
             "What each deployment runs: its beat, its workers, the queues they consume, and "
             "the tasks sent to queues it leaves unconsumed (drawn with "
             "`celerylint graph topology --deployment NAME`).", ""]
    for name in names:
        diagram = topology_diagram(project, findings, deployment=name)
        lines += [f"#### `{name}`", "", "```mermaid", render_mermaid(diagram).rstrip("\n"),
                  "```", ""]
    return lines


def _why(doc: RuleDoc | None) -> str:
    """The first paragraph of the doc's runtime section, on one line."""
    if doc is None:
        return ""
    section = doc.sections.get(WHY_SECTION, "").strip()
    paragraph = section.split("\n\n")[0] if section else ""
    return " ".join(paragraph.split())


def _findings(findings: Sequence[Finding], docs: dict[str, RuleDoc]) -> str:
    lines = ["## Findings", ""]
    if not findings:
        lines.append("_No findings._")
        return "\n".join(lines) + "\n"
    for severity in Severity:
        chosen = [f for f in findings if f.severity is severity]
        if not chosen:
            continue
        lines += [f"### {SEVERITY_TITLES[severity]} ({len(chosen)})", ""]
        for code in sorted({f.code for f in chosen}):
            lines += _rule_block([f for f in chosen if f.code == code], docs.get(code))
    return "\n".join(lines) + "\n"


def _rule_block(findings: Sequence[Finding], doc: RuleDoc | None) -> list[str]:
    first = findings[0]
    lines = [f"#### `{first.code}` {first.name} ({len(findings)})", ""]
    why = _why(doc)
    if why:
        lines += [f"**Why it matters at runtime.** {why}", ""]
    if doc is not None:
        url = rule_doc_url(doc.path)
        where = f"[{doc.path}]({url})" if url else f"`celerylint rule {first.code}`"
        lines += [f"Rule documentation: {where}", ""]
    for finding in findings:
        lines.append(f"- `{finding.path}:{finding.line}:{finding.column}`: {finding.message}")
        if finding.fix_hint:
            lines.append(f"  - **How to fix:** {finding.fix_hint}")
    lines.append("")
    return lines


__all__ = ["celery_packages", "render_report"]
