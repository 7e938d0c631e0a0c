"""A generated Celery system of realistic size, for the readability of default diagrams.

100 tasks in 10 modules, 40 beat entries, 8 queues routed by ``task_routes``, and three
deployments (development, staging, production compose files) that each run a beat and
workers for some of the queues. Production leaves one queue unconsumed on purpose.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree

QUEUES = ("default", "emails", "reports", "billing", "search", "media", "imports", "exports")
MODULES = 10
TASKS_PER_MODULE = 10
BEAT_ENTRIES = 40
DEPLOYMENTS = {
    "docker-compose.dev.yml": QUEUES,
    "docker-compose.staging.yml": QUEUES,
    "docker-compose.prod.yml": QUEUES[:-1],  # 'exports' is never consumed in production
}


def _module(index: int) -> str:
    lines = ["from proj.celery_app import app", ""]
    for task in range(TASKS_PER_MODULE):
        lines += ["", "@app.task", f"def job_{index}_{task}():", f"    return {task}", ""]
    return "\n".join(lines)


def _celery_app() -> str:
    routes = ", ".join(f'"proj.jobs{m}.*": {{"queue": "{QUEUES[m % len(QUEUES)]}"}}'
                       for m in range(MODULES))
    entries = ",\n".join(
        f'    "entry-{n}": {{"task": "proj.jobs{n % MODULES}.job_{n % MODULES}_{n % 7}", '
        f'"schedule": crontab(minute={n % 60}, hour={n % 24})}}'
        for n in range(BEAT_ENTRIES))
    includes = ", ".join(f'"proj.jobs{m}"' for m in range(MODULES))
    return (
        "from celery import Celery\nfrom celery.schedules import crontab\n\n"
        f'app = Celery("proj", broker="redis://redis:6379/0", include=[{includes}])\n'
        f"app.conf.task_routes = {{{routes}}}\n"
        f"app.conf.beat_schedule = {{\n{entries},\n}}\n")


def _compose(queues: tuple[str, ...]) -> str:
    half = len(queues) // 2
    groups = [queues[:half], queues[half:]] if half else [queues]
    services = ["services:", "  redis:", "    image: redis:7",
                "  beat:", "    build: .",
                "    command: celery -A proj.celery_app beat -l info"]
    for number, group in enumerate(groups):
        services += [f"  worker{number}:", "    build: .",
                     f"    command: celery -A proj.celery_app worker -Q {','.join(group)}"]
    return "\n".join(services) + "\n"


def write_generated_system(root: Path) -> Path:
    files: dict[str, str] = {"proj/__init__.py": "", "proj/celery_app.py": _celery_app(),
                             "requirements.txt": "celery[redis]\n"}
    for index in range(MODULES):
        files[f"proj/jobs{index}.py"] = _module(index)
    for name, queues in DEPLOYMENTS.items():
        files[name] = _compose(queues)
    return write_tree(root, files)
