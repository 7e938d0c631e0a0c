"""Oracle fixtures: a real redis-server and real Celery workers, to prove rule claims.

celerylint never runs a project; these tests do, so that every "the worker logs X"
sentence in a rule doc is checked against the Celery that is installed, not against
memory. Everything is bounded: each wait has a deadline and every process started here
is stopped in a finalizer, by its own process id.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import require_program

DEADLINE_S = 20.0
REDIS_DATABASES = 64
REDIS_MISSING = "redis-server not installed: apt-get install redis-server"
REDIS_PY_MISSING = "redis Python package not installed: pip install 'celery[redis]'"
BROKER_ENV = "ORACLE_BROKER_URL"


def wait_until(predicate: Callable[[], Any], timeout: float = DEADLINE_S) -> Any:
    """Poll instead of sleeping a fixed time: fast when things go well, bounded when not."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(0.1)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop_processes(processes: Sequence[subprocess.Popen[bytes]], first_signal: int) -> None:
    """Ask politely, then kill: a stuck child must never outlive the test session.

    All processes are signalled before any is waited for, so shutdowns overlap.
    """
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.send_signal(first_signal)
    deadline = time.monotonic() + 5
    for process in running:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@dataclass(frozen=True)
class RedisServer:
    """The session's redis-server, listening on loopback only."""

    port: int

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


@dataclass(frozen=True)
class Broker:
    """One test's private Redis database: tests share the server but never a queue."""

    url: str
    client: Any  # redis.Redis; typed loosely so this module imports without redis-py

    def queue_length(self, queue: str) -> int:
        """Messages waiting in a queue: kombu's Redis transport keeps each queue as a list."""
        return int(self.client.llen(queue))


def _start_redis(workdir: Path, redis_py: Any) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    log = (workdir / "redis.log").open("wb")
    command = [
        str(shutil.which("redis-server")), "--port", str(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", str(workdir),
        "--databases", str(REDIS_DATABASES),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    client = redis_py.Redis(host="127.0.0.1", port=port, socket_timeout=1)

    def answers_ping() -> bool:
        try:
            return bool(client.ping())
        except redis_py.exceptions.ConnectionError:
            return False

    if not wait_until(answers_ping, timeout=10):
        _stop_processes([process], signal.SIGTERM)
        log_text = (workdir / "redis.log").read_text(errors="replace")
        pytest.fail(f"redis-server did not answer PING on port {port}:\n{log_text}")
    return process, port


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """Start redis-server once per session; skip visibly when it cannot be run."""
    require_program("redis-server", "redis-server")  # fails in CI, skips visibly elsewhere
    redis_py = pytest.importorskip("redis", reason=REDIS_PY_MISSING)
    process, port = _start_redis(tmp_path_factory.mktemp("redis"), redis_py)
    try:
        yield RedisServer(port=port)
    finally:
        _stop_processes([process], signal.SIGTERM)


_db_numbers = itertools.count(1)
_process_numbers = itertools.count(1)


@pytest.fixture
def broker(redis_server: RedisServer) -> Iterator[Broker]:
    """A fresh, flushed Redis database for one test, so tests stay independent."""
    import redis

    db = next(_db_numbers) % REDIS_DATABASES
    client = redis.Redis(host="127.0.0.1", port=redis_server.port, db=db, socket_timeout=5)
    client.flushdb()
    try:
        yield Broker(url=redis_server.url(db), client=client)
    finally:
        client.close()


class ProcessKind(Enum):
    WORKER = "worker"
    BEAT = "beat"


class WorkerPool(Enum):
    """Pools that run tasks in the worker's own process, so stopping it stops them.

    `solo` runs the task on the thread that also drives the event loop: callbacks the
    loop defers (acknowledgements, for one) wait until the task returns. `threads` runs
    it beside the loop, as prefork does, without child processes to clean up.
    """

    SOLO = "solo"
    THREADS = "threads"


@dataclass
class CeleryProcess:
    """A running `celery worker` or `celery beat` subprocess, its output in a log file."""

    kind: ProcessKind
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, needle: str, timeout: float = DEADLINE_S) -> str:
        """Return the log once it contains needle; fail with the log when it never does."""
        found = wait_until(
            lambda: needle in self.log() or self.process.poll() is not None, timeout=timeout
        )
        log = self.log()
        if not found or needle not in log:
            state = "exited" if self.process.poll() is not None else "still running"
            pytest.fail(
                f"{self.log_path.name} ({state}) never logged {needle!r} within {timeout}s:\n{log}"
            )
        return log


@dataclass
class OracleProject:
    """A small project on disk, with the means to run its workers and its callers."""

    root: Path
    broker: Broker
    processes: list[CeleryProcess] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        """The caller's environment minus any Celery setting that could leak in."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY")}
        env.pop("PYTHONPATH", None)
        env.update(
            {BROKER_ENV: self.broker.url, "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
        )
        return env

    def _spawn(self, kind: ProcessKind, arguments: Sequence[str]) -> CeleryProcess:
        number = next(_process_numbers)
        log_path = self.root.parent / f"{kind.value}-{number}.log"
        command = [sys.executable, "-m", "celery", *arguments]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command, cwd=self.root, env=self.env(), stdout=log, stderr=subprocess.STDOUT
            )
        started = CeleryProcess(kind=kind, process=process, log_path=log_path)
        self.processes.append(started)
        return started

    def start_worker(
        self,
        app: str,
        queues: Sequence[str] | None = None,
        *,
        wait_ready: bool = True,
        pool: WorkerPool = WorkerPool.SOLO,
    ) -> CeleryProcess:
        """Start `celery -A app worker -P solo [-Q queues]` (or another in-process pool).

        Without queues the worker consumes what Celery picks by default, as in production
        when `-Q` is left out. With wait_ready=False the caller may send messages while
        the worker boots: they wait in Redis, and the test saves the start-up time.
        """
        arguments = [
            "-A", app, "worker", "-P", pool.value, "--loglevel=INFO",
            "-n", f"oracle{len(self.processes)}@%h",
            "--without-mingle", "--without-gossip", "--without-heartbeat",
        ]  # fmt: skip
        if queues is not None:
            arguments += ["-Q", ",".join(queues)]
        worker = self._spawn(ProcessKind.WORKER, arguments)
        if wait_ready:
            worker.wait_for_log(" ready.")
        return worker

    def start_beat(self, app: str) -> CeleryProcess:
        """Start `celery -A app beat`, its schedule and pid files kept out of the project."""
        state = self.root.parent
        return self._spawn(ProcessKind.BEAT, [
            "-A", app, "beat", "--loglevel=INFO",
            "--schedule", str(state / "celerybeat-schedule"),
            "--pidfile", str(state / "celerybeat.pid"),
        ])  # fmt: skip

    def run(self, script: str, *arguments: str) -> subprocess.CompletedProcess[str]:
        """Run one of the project's caller scripts, as the project's web process would."""
        return subprocess.run(
            [sys.executable, script, *arguments],
            cwd=self.root,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=DEADLINE_S,
            check=False,
        )

    @property
    def workers(self) -> list[CeleryProcess]:
        return [started for started in self.processes if started.kind is ProcessKind.WORKER]

    def stop_all(self) -> None:
        # Celery's own shutdown takes seconds per process; a worker's WorkerPool has no
        # child processes and its Redis database is private to the test, so nothing is lost.
        _stop_processes([started.process for started in self.processes], signal.SIGKILL)


MakeOracleProject = Callable[[Mapping[str, str]], OracleProject]


@pytest.fixture
def oracle_project(
    make_project: Callable[[Mapping[str, str | bytes]], Path], broker: Broker
) -> Iterator[MakeOracleProject]:
    """Write a project and hand it back ready to run; its processes always stop."""
    projects: list[OracleProject] = []

    def make(files: Mapping[str, str]) -> OracleProject:
        project = OracleProject(root=make_project(files), broker=broker)
        projects.append(project)
        return project

    try:
        yield make
    finally:
        for project in projects:
            project.stop_all()
