"""Synthetic Celery + Redis projects of a chosen size, for benchmarks.

The trees look like real ones where it matters to a linter's cost: many
packages that import each other (fan-out both ways, a few function-level and
guarded imports), Celery apps, ``@shared_task``/``@app.task`` tasks calling
each other with ``delay``/``apply_async``, a beat schedule, task routes, a
docker-compose file with workers per queue, env files, docstrings, comments and
some commented-out code. Output is fully determined by ``(lines, seed)``.

Usage: ``python3 benchmarks/generate.py OUT_DIR --lines 100000 [--seed 0]``
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = "synth"
MODULE_KINDS = ("tasks", "services", "models", "helpers", "api")
QUEUES = ("default", "emails", "reports", "billing", "media")
DOMAINS = (
    "orders", "billing", "users", "emails", "reports", "media", "search", "inventory",
    "shipping", "audit", "exports", "payments", "catalog", "reviews", "alerts", "sync",
)
LINES_PER_PACKAGE = 1100  # roughly what one generated package weighs


@dataclass
class Module:
    package: str  # "synth.orders_3"
    kind: str  # one of MODULE_KINDS
    functions: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)

    @property
    def dotted(self) -> str:
        return f"{self.package}.{self.kind}"

    @property
    def path(self) -> str:
        return self.dotted.replace(".", "/") + ".py"


@dataclass(frozen=True)
class GeneratedTree:
    root: Path
    files: int
    lines: int


def _plan(rng: random.Random, packages: int) -> list[Module]:
    """Names first, so imports can point at functions that really exist."""
    modules: list[Module] = []
    for index in range(packages):
        package = f"{PROJECT}.{DOMAINS[index % len(DOMAINS)]}_{index}"
        for kind in MODULE_KINDS:
            module = Module(package, kind)
            count = rng.randint(6, 10)
            if kind == "tasks":
                module.tasks = [f"{kind}_{index}_job_{n}" for n in range(count)]
            else:
                module.functions = [f"{kind}_{index}_fn_{n}" for n in range(count)]
            modules.append(module)
    return modules


def _imports(rng: random.Random, module: Module, modules: list[Module], index: int) -> list[str]:
    """Mostly imports from earlier packages (a layered DAG), sometimes from anywhere."""
    lines = ["import logging", "import os", ""]
    if module.kind == "tasks":
        lines += ["from celery import shared_task", f"from {PROJECT}.celery_app import app", ""]
    window = modules[max(0, index - 60):index] or modules[:1]
    for target in sorted({id(t): t for t in rng.sample(window, min(len(window), rng.randint(3, 8)))}.values(),
                         key=lambda t: t.dotted):
        if target is module:
            continue
        names = target.tasks or target.functions
        picked = sorted(set(rng.sample(names, min(len(names), rng.randint(1, 3)))))
        lines.append(f"from {target.dotted} import {', '.join(picked)}")
    if rng.random() < 0.3:
        lines += ["", "try:", "    import ujson as json", "except ImportError:  # pragma: no cover",
                  "    import json"]
    return lines


def _function(rng: random.Random, name: str, callees: list[str]) -> list[str]:
    body = [f"def {name}(item_id, payload=None, *, retries=3):",
            f'    """Handle {name.replace("_", " ")} for one item; safe to call twice."""',
            "    logger = logging.getLogger(__name__)",
            "    result = {'id': item_id, 'status': 'pending'}"]
    for step in range(rng.randint(4, 9)):
        choice = rng.random()
        if choice < 0.25 and callees:
            body.append(f"    result['step_{step}'] = {rng.choice(callees)}(item_id)")
        elif choice < 0.4:
            body += [f"    # Step {step}: keep the payload small, the broker pays for it",
                     "    payload = (payload or {}).copy()"]
        elif choice < 0.5:
            body += [f"    # result['debug_{step}'] = compute(item_id, payload)",
                     f"    # logger.info('step %s done', {step})"]
        elif choice < 0.75:
            body += [f"    if item_id % {rng.randint(2, 9)} == 0:",
                     f"        logger.debug('skipping %s at step {step}', item_id)",
                     "        return result"]
        else:
            body += ["    for attempt in range(retries):",
                     f"        value = os.environ.get('SYNTH_FLAG_{step}', '0')",
                     "        if value == '1':",
                     "            break"]
    body += ["    result['status'] = 'done'", "    return result", "", ""]
    return body


def _task(rng: random.Random, name: str, module: Module, callees: list[str],
          task_callees: list[str]) -> list[str]:
    decorator = rng.choice(["@shared_task(bind=True, max_retries=3, acks_late=True)",
                            "@app.task(bind=True, default_retry_delay=30)",
                            "@shared_task(bind=True, ignore_result=True)"])
    lines = [decorator] + _function(rng, name, callees)[:-3]
    lines[1] = f"def {name}(self, item_id, payload=None, *, retries=3):"
    if task_callees:
        other = rng.choice(task_callees)
        if rng.random() < 0.5:
            lines.append(f"    {other}.delay(item_id)")
        else:
            queue = rng.choice(QUEUES)
            lines.append(f"    {other}.apply_async(args=(item_id,), queue='{queue}', countdown=5)")
    lines += ["    try:", "        result['status'] = 'done'", "    except Exception as exc:",
              "        raise self.retry(exc=exc)", "    return result", "", ""]
    return lines


def _module_text(rng: random.Random, module: Module, modules: list[Module], index: int) -> str:
    lines = [f'"""{module.kind.capitalize()} for {module.package}: generated for benchmarks."""',
             "", "from __future__ import annotations", ""]
    imports = _imports(rng, module, modules, index)
    lines += imports + ["", ""]
    imported = [part.strip() for line in imports if line.startswith("from synth")
                for part in line.split(" import ", 1)[1].split(",")]
    task_callees = [n for n in imported if "_job_" in n]
    plain_callees = [n for n in imported if "_fn_" in n] + module.functions
    if rng.random() < 0.2:
        lines += ["# from synth.legacy import old_handler", "# old_handler.delay(1)", ""]
    for name in module.functions:
        callees = [c for c in plain_callees if c != name]
        lines += _function(rng, name, callees)
    for name in module.tasks:
        lines += _task(rng, name, module, plain_callees, task_callees)
    if module.kind == "api" and rng.random() < 0.5:
        lines += ["def late_import_handler(item_id):",
                  f"    from {module.package}.tasks import {modules[index - 4].tasks[0] if index >= 4 and modules[index - 4].tasks else 'logging'}",
                  "    return item_id", ""]
    return "\n".join(lines).rstrip() + "\n"


def _celery_app() -> str:
    return f'''"""The Celery application every worker loads."""

import os

from celery import Celery

app = Celery(
    "{PROJECT}",
    broker=os.getenv("CELERY_BROKER_URL", "redis://localhost:6379/0"),
    backend=os.getenv("CELERY_RESULT_BACKEND", "redis://localhost:6379/1"),
)
app.config_from_object("{PROJECT}.celeryconfig")
app.autodiscover_tasks(lambda: __import__("{PROJECT}.installed", fromlist=["PACKAGES"]).PACKAGES)
'''


def _celeryconfig(rng: random.Random, modules: list[Module]) -> str:
    task_modules = [m for m in modules if m.tasks]
    lines = ['"""Celery settings: routes per package, a beat schedule."""', "",
             "from celery.schedules import crontab", "",
             "task_default_queue = 'default'", "task_acks_late = True",
             "worker_prefetch_multiplier = 1", "timezone = 'UTC'", "", "task_routes = {"]
    for module in task_modules:
        lines.append(f"    '{module.dotted}.*': {{'queue': '{rng.choice(QUEUES)}'}},")
    lines += ["}", "", "beat_schedule = {"]
    for module in rng.sample(task_modules, min(len(task_modules), 200)):
        task = rng.choice(module.tasks)
        lines += [f"    '{task}-nightly': {{",
                  f"        'task': '{module.dotted}.{task}',",
                  f"        'schedule': crontab(minute={rng.randint(0, 59)}, hour={rng.randint(0, 23)}),",
                  "    },"]
    return "\n".join(lines + ["}", ""])


def _installed(modules: list[Module]) -> str:
    packages = sorted({m.package for m in modules})
    body = "".join(f"    '{p}',\n" for p in packages)
    return f'"""Packages whose tasks the app discovers."""\n\nPACKAGES = [\n{body}]\n'


def _compose() -> str:
    services = ["services:", "  redis:", "    image: redis:7"]
    for queue in QUEUES:
        services += [f"  worker-{queue}:", "    build: .",
                     f"    command: celery -A {PROJECT}.celery_app worker -l info -Q {queue}",
                     "    env_file: config/production.env", "    depends_on:", "      - redis"]
    services += ["  beat:", "    build: .", f"    command: celery -A {PROJECT}.celery_app beat -l info",
                 "    env_file: config/production.env"]
    return "\n".join(services) + "\n"


def _env(environment: str) -> str:
    return (f"# {environment} settings\nCELERY_BROKER_URL=redis://redis:6379/0\n"
            f"CELERY_RESULT_BACKEND=redis://redis:6379/1\nSYNTH_ENV={environment}\n")


def generate(out_dir: Path, lines: int, seed: int = 0) -> GeneratedTree:
    """Write a project of about ``lines`` lines of Python into ``out_dir`` (replaced)."""
    rng = random.Random(seed)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    packages = max(2, round(lines / LINES_PER_PACKAGE))
    modules = _plan(rng, packages)
    texts: dict[str, str] = {
        f"{PROJECT}/__init__.py": f'"""{PROJECT}: a generated Celery project."""\n',
        f"{PROJECT}/celery_app.py": _celery_app(),
        f"{PROJECT}/celeryconfig.py": _celeryconfig(rng, modules),
        f"{PROJECT}/installed.py": _installed(modules),
        "docker-compose.yml": _compose(),
        "config/production.env": _env("production"),
        "config/development.env": _env("development"),
        "requirements.txt": "celery[redis]==5.4.0\n",
    }
    for package in sorted({m.package for m in modules}):
        texts[package.replace(".", "/") + "/__init__.py"] = ""
    for index, module in enumerate(modules):
        texts[module.path] = _module_text(rng, module, modules, index)
    total = 0
    for rel, text in texts.items():
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if rel.endswith(".py"):
            total += text.count("\n")
    return GeneratedTree(out_dir, len(texts), total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    tree = generate(args.out_dir, args.lines, args.seed)
    print(f"{tree.root}: {tree.files} files, {tree.lines} lines of Python")


if __name__ == "__main__":
    main()
