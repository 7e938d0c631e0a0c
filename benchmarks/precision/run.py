"""Precision benchmark: celerylint's default findings on pinned public projects,
matched against hand-written verdicts.

Standard library only, plus celerylint (run as ``python3 -m celerylint`` with
``src/`` on ``PYTHONPATH``). For each project of ``projects.toml`` whose mirror
exists, the pinned commit is extracted with ``git archive`` into a scratch
directory, celerylint runs on the project's ``subdir`` with default settings
(and again with ``--preview`` when the CLI has it), and every finding is matched
to a verdict in ``labels/<project>.jsonl``.

A label matches a finding on (code, path, message key) first; when several
labels share that key, the nearest line wins, so labels survive line shifts.
Exit status: 1 when a finding has no label, 0 otherwise.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
VERDICTS = ("true", "false", "unclear")


@dataclass(frozen=True)
class Project:
    name: str
    repo: str
    commit: str
    subdir: str

    @property
    def mirror_name(self) -> str:
        return self.repo.replace("/", "+")


@dataclass(frozen=True)
class Finding:
    code: str
    path: str
    line: int
    message: str

    @property
    def key(self) -> str:
        return message_key(self.message)


@dataclass
class Label:
    code: str
    path: str
    line: int
    key: str
    verdict: str
    reason: str


@dataclass
class Tally:
    findings: int = 0
    verdicts: Counter = field(default_factory=Counter)

    def add(self, verdict: str) -> None:
        self.findings += 1
        self.verdicts[verdict] += 1

    @property
    def precision(self) -> float | None:
        judged = self.verdicts["true"] + self.verdicts["false"]
        return self.verdicts["true"] / judged if judged else None


_POSITIONS = (
    (re.compile(r"\b(lines?|rows?|columns?|col)\s+\d+(\s*(?:-|–|and|to)\s*\d+)?"), r"\1 N"),
    (re.compile(r"(\S):\d+(?::\d+)?\b"), r"\1:N"),
)


def message_key(message: str) -> str:
    """The message with line numbers and columns blanked: stable across edits
    that only move code."""
    for pattern, replacement in _POSITIONS:
        message = pattern.sub(replacement, message)
    return message


def load_projects(path: Path) -> list[Project]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Project(p["name"], p["repo"], p["commit"], p.get("subdir", "."))
        for p in data["project"]
    ]


def materialise(project: Project, mirror_root: Path, work_dir: Path) -> Path | None:
    """Extract the pinned commit once; return the directory to analyse, or
    None when the mirror is absent."""
    git_dir = mirror_root / project.mirror_name / "repo"
    if not git_dir.is_dir():
        print(
            f"skip {project.name}: no mirror at {git_dir} "
            f"(bring it with the fetch tool: github:{project.repo})",
            file=sys.stderr,
        )
        return None
    tree = work_dir / project.name
    stamp = tree / ".precision-commit"
    if not (stamp.is_file() and stamp.read_text().strip() == project.commit):
        if tree.exists():
            subprocess.run(["rm", "-rf", str(tree)], check=True)
        tree.mkdir(parents=True)
        excluded = [f":(exclude,literal){path}" for path in absent_blobs(git_dir, project.commit)]
        if excluded:
            print(f"{project.name}: {len(excluded)} files whose blobs the mirror lacks "
                  "are left out", file=sys.stderr)
        archive = subprocess.run(
            ["git", "--git-dir", str(git_dir), "archive", "--format=tar", project.commit,
             "--", ".", *excluded],
            check=True,
            capture_output=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tree, filter="tar")
        stamp.write_text(project.commit + "\n")
    return (tree / project.subdir).resolve()


def absent_blobs(git_dir: Path, commit: str) -> list[str]:
    """Paths at `commit` whose blobs the mirror does not hold (a snapshot may
    list its largest files without their content)."""
    listing = subprocess.run(
        ["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z", commit],
        check=True, capture_output=True, text=True,
    ).stdout
    entries = [line.split("\t", 1) for line in listing.split("\0") if line]
    blobs = [(meta.split()[2], path) for meta, path in entries if meta.split()[1] == "blob"]
    checked = subprocess.run(
        ["git", "--git-dir", str(git_dir), "cat-file", "--batch-check"],
        input="".join(sha + "\n" for sha, _ in blobs),
        check=True, capture_output=True, text=True,
    ).stdout.splitlines()
    return [path for (_, path), answer in zip(blobs, checked) if answer.endswith(" missing")]


def celerylint_env() -> dict[str, str]:
    env = dict(os.environ)
    src = str(REPO_ROOT / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "") if env.get("PYTHONPATH") else src
    return env


def has_preview_flag() -> bool:
    help_text = subprocess.run(
        [sys.executable, "-m", "celerylint", "check", "--help"],
        capture_output=True, text=True, env=celerylint_env(),
    ).stdout
    return "--preview" in help_text


def run_celerylint(directory: Path, preview: bool) -> list[Finding]:
    command = [sys.executable, "-m", "celerylint", "check", ".", "--format", "json",
               "--no-cache", "--exit-zero"]
    if preview:
        command.append("--preview")
    done = subprocess.run(command, cwd=directory, capture_output=True, text=True,
                          env=celerylint_env())
    if done.returncode != 0:
        raise RuntimeError(f"celerylint failed on {directory}:\n{done.stderr[-2000:]}")
    return [
        Finding(
            code=item["code"],
            path=os.path.normpath(item["filename"]),
            line=(item.get("location") or {}).get("row") or 0,
            message=item["message"],
        )
        for item in json.loads(done.stdout or "[]")
    ]


def load_labels(path: Path) -> list[Label]:
    labels = []
    if not path.is_file():
        return labels
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        item = json.loads(raw)
        if item.get("verdict") not in VERDICTS:
            raise SystemExit(f"{path}:{number}: verdict must be one of {VERDICTS}")
        labels.append(Label(item["code"], item["path"], int(item.get("line", 0)),
                            item["key"], item["verdict"], item.get("reason", "")))
    return labels


def match(findings: Iterable[Finding], labels: list[Label]) -> tuple[list[tuple[Finding, Label | None]], int]:
    """Pair each finding with a label of the same (code, path, key), nearest
    line first; then a finding still unpaired with a leftover label of the same
    (code, path, line): the same finding, its message reworded. Returns the pairs
    and the number of labels left over."""
    pairs, pool = _match_by_message(findings, labels)
    at_line: dict[tuple[str, str, int], list[Label]] = defaultdict(list)
    for leftovers in pool.values():
        for label in leftovers:
            at_line[(label.code, label.path, label.line)].append(label)
    rematched: list[tuple[Finding, Label | None]] = []
    for finding, label in pairs:
        if label is None and at_line.get((finding.code, finding.path, finding.line)):
            label = at_line[(finding.code, finding.path, finding.line)].pop()
        rematched.append((finding, label))
    return rematched, sum(len(v) for v in at_line.values())


def _match_by_message(findings: Iterable[Finding], labels: list[Label]
                      ) -> tuple[list[tuple[Finding, Label | None]], dict[tuple[str, str, str], list[Label]]]:
    pool: dict[tuple[str, str, str], list[Label]] = defaultdict(list)
    for label in labels:
        pool[(label.code, label.path, label.key)].append(label)
    groups: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        groups[(finding.code, finding.path, finding.key)].append(finding)
    pairs: list[tuple[Finding, Label | None]] = []
    for group_key, group in groups.items():
        candidates = pool.get(group_key, [])
        distances = sorted(
            (abs(f.line - l.line), fi, li)
            for fi, f in enumerate(group) for li, l in enumerate(candidates)
        )
        taken_f: dict[int, Label] = {}
        taken_l: set[int] = set()
        for _, fi, li in distances:
            if fi not in taken_f and li not in taken_l:
                taken_f[fi] = candidates[li]
                taken_l.add(li)
        pairs.extend((f, taken_f.get(fi)) for fi, f in enumerate(group))
        pool[group_key] = [l for li, l in enumerate(candidates) if li not in taken_l]
    return pairs, pool


@dataclass
class ProjectResult:
    project: Project
    mode: str
    pairs: list[tuple[Finding, Label | None]]
    stale_labels: int


def evaluate(projects: list[Project], args: argparse.Namespace) -> list[ProjectResult]:
    modes = ["default"] + (["preview"] if has_preview_flag() and not args.no_preview else [])
    results = []
    for project in projects:
        directory = materialise(project, Path(args.mirror_root), Path(args.work_dir))
        if directory is None:
            continue
        labels = load_labels(Path(args.labels_dir) / f"{project.name}.jsonl")
        for mode in modes:
            print(f"celerylint ({mode}) on {project.name} ...", file=sys.stderr)
            findings = run_celerylint(directory, preview=(mode == "preview"))
            pairs, stale = match(findings, labels)
            results.append(ProjectResult(project, mode, pairs, stale))
    return results


def rule_tallies(results: list[ProjectResult], mode: str) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for result in results:
        if result.mode != mode:
            continue
        for finding, label in result.pairs:
            tallies[finding.code].add(label.verdict if label else "unlabelled")
    return dict(sorted(tallies.items()))


def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def rule_rows(tallies: dict[str, Tally]) -> list[list[str]]:
    rows = []
    total = Tally()
    for code, tally in tallies.items():
        v = tally.verdicts
        rows.append([code, str(tally.findings), str(v["true"]), str(v["false"]),
                     str(v["unclear"]), str(v["unlabelled"]), percent(tally.precision)])
        total.findings += tally.findings
        total.verdicts.update(v)
    v = total.verdicts
    rows.append(["all", str(total.findings), str(v["true"]), str(v["false"]),
                 str(v["unclear"]), str(v["unlabelled"]), percent(total.precision)])
    return rows


def project_rows(results: list[ProjectResult], mode: str) -> list[list[str]]:
    rows = []
    for result in results:
        if result.mode != mode:
            continue
        tally = Tally()
        for _, label in result.pairs:
            tally.add(label.verdict if label else "unlabelled")
        v = tally.verdicts
        rows.append([result.project.name, result.project.commit[:12], str(tally.findings),
                     str(v["true"]), str(v["false"]), str(v["unclear"]),
                     str(v["unlabelled"]), percent(tally.precision)])
    return rows


RULE_HEADER = ["rule", "findings", "true", "false", "unclear", "unlabelled", "precision"]
PROJECT_HEADER = ["project", "commit", "findings to triage", "true", "false", "unclear",
                  "unlabelled", "precision"]


def render(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |",
                 "|---|" + "---:|" * (len(header) - 1)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    fmt = lambda row: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                for i, (c, w) in enumerate(zip(row, widths)))
    return "\n".join([fmt(header), *map(fmt, rows)])


def celerylint_commit() -> str:
    done = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def print_report(results: list[ProjectResult], markdown: bool) -> None:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"celerylint commit {celerylint_commit()}, {stamp}\n")
    for mode in dict.fromkeys(r.mode for r in results):
        title = "Default settings" if mode == "default" else "With --preview"
        print(f"### {title}: per rule\n" if markdown else f"{title}: per rule")
        print(render(RULE_HEADER, rule_rows(rule_tallies(results, mode)), markdown))
        print(f"\n### {title}: per project\n" if markdown else f"\n{title}: per project")
        print(render(PROJECT_HEADER, project_rows(results, mode), markdown))
        print()
    stale = sum(r.stale_labels for r in results if r.mode == "preview") or sum(
        r.stale_labels for r in results if r.mode == "default")
    if stale:
        print(f"({stale} labels match no current finding: their finding is gone.)")


def write_unlabelled(results: list[ProjectResult], path: Path) -> int:
    """Write one label stub per unlabelled finding (verdict and reason empty),
    each with its project, to fill in and move to labels/<project>.jsonl."""
    seen = set()
    lines = []
    for result in results:
        for finding, label in result.pairs:
            ident = (result.project.name, finding)
            if label is not None or ident in seen:
                continue
            seen.add(ident)
            lines.append(json.dumps({
                "project": result.project.name, "code": finding.code, "path": finding.path,
                "line": finding.line, "key": finding.key, "verdict": "", "reason": "",
                "message": finding.message,
            }, ensure_ascii=False))
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror-root", default="/work/.mirror",
                        help="directory holding <owner>+<name>/repo bare mirrors")
    parser.add_argument("--work-dir", default="/tmp/celerylint-precision",
                        help="scratch directory for the extracted trees")
    parser.add_argument("--projects", default=str(HERE / "projects.toml"),
                        help="the pinned projects (default: projects.toml beside this script)")
    parser.add_argument("--labels-dir", default=str(HERE / "labels"),
                        help="directory of <project>.jsonl verdicts")
    parser.add_argument("--project", action="append", default=[],
                        help="only this project (repeatable)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--no-preview", action="store_true", help="skip the --preview run")
    parser.add_argument("--write-unlabelled", metavar="FILE",
                        help="write label stubs for unlabelled findings to FILE")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    projects = load_projects(Path(args.projects))
    if args.project:
        unknown = set(args.project) - {p.name for p in projects}
        if unknown:
            raise SystemExit(f"unknown project(s): {', '.join(sorted(unknown))}")
        projects = [p for p in projects if p.name in args.project]
    results = evaluate(projects, args)
    print_report(results, args.markdown)
    unlabelled = sum(1 for r in results for _, label in r.pairs if label is None)
    if args.write_unlabelled:
        count = write_unlabelled(results, Path(args.write_unlabelled))
        print(f"wrote {count} label stubs to {args.write_unlabelled}", file=sys.stderr)
    if unlabelled:
        print(f"{unlabelled} findings have no label.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
