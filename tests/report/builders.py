"""Findings, rule metadata and docs shared by the reporter tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from celerylint.docs import RuleDoc, parse_doc
from celerylint.findings import Finding, Severity
from celerylint.report.context import ReportContext
from celerylint.rules.base import RuleMeta

SECRET = "hunter2"
SECRET_URL = f"redis://:{SECRET}@redis:6379/0"

TASKS_PY = """\
from celery import shared_task


@shared_task
def publish(image_id):
    size = resize.delay(image_id).get(timeout=30)
    return size
"""

SETTINGS_PY = f"""\
broker_url = "{SECRET_URL}"
"""

RESULT_GET_DOC = """\
# `result-get-in-task` (`CEL303`)

## What it does
Reports a task that waits for another task's result.

## Why it matters at runtime
The worker deadlocks when every slot waits.

## Bad
```python title="proj/tasks.py"
resize.delay(1).get()  # error: [CEL303]
```

## Good
```python title="proj/__init__.py"
```

```python title="proj/tasks.py"
chain(resize.s(1), announce.s()).apply_async()
```

## Options
None.

## Known limits
None.
"""

RULES = {
    "CEL303": RuleMeta("CEL303", "result-get-in-task", Severity.ERROR,
                       "Waits for a task result inside a task"),
    "CEL501": RuleMeta("CEL501", "clear-text-broker-password", Severity.WARNING,
                       "Broker password written in code"),
    "CEL710": RuleMeta("CEL710", "commented-out-code", Severity.INFO, "Commented-out code"),
}
DOC_PATHS = {"CEL303": "rules/calls/result-get-in-task.md"}
DOCS: dict[str, RuleDoc] = {"CEL303": parse_doc(RESULT_GET_DOC, DOC_PATHS["CEL303"])}


def result_get(line: int = 6, **changes: object) -> Finding:
    """A CEL303 finding on ``resize.delay(image_id).get(timeout=30)`` in TASKS_PY."""
    values: dict[str, object] = {
        "code": "CEL303", "name": "result-get-in-task", "severity": Severity.ERROR,
        "path": "proj/tasks.py", "line": line, "column": 12, "end_line": line,
        "end_column": 50, "message": "Task 'publish' waits for the result of 'resize'.",
        "fix_hint": "Chain the tasks instead.", "subjects": ("proj.tasks.publish",),
    }
    values.update(changes)
    return Finding(**values)  # type: ignore[arg-type]


def clear_password(**changes: object) -> Finding:
    """A CEL501 finding whose message and source line both hold SECRET_URL."""
    values: dict[str, object] = {
        "code": "CEL501", "name": "clear-text-broker-password", "severity": Severity.WARNING,
        "path": "proj/settings.py", "line": 1, "column": 14, "end_line": 1, "end_column": 46,
        "message": f"broker_url '{SECRET_URL}' writes the password in code.",
        "fix_hint": f"Read it from REDIS_URL instead of writing '{SECRET_URL}'.",
    }
    values.update(changes)
    return Finding(**values)  # type: ignore[arg-type]


ContextFactory = Callable[..., ReportContext]


def write_files(root: Path, files: Mapping[str, str]) -> None:
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
