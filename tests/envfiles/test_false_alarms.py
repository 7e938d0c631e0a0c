"""False-alarm classes of the env, compose, URL and settings rules, each with its true twin.

Every test builds a small project in which the pattern that used to be
reported is now silent, next to the pattern that is still a real finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tests.conftest import write_tree

from celerylint.api import run
from celerylint.findings import Finding
from celerylint.settings import Settings

DJANGO_CELERY = (
    "import os\nfrom celery import Celery\n"
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n"
    "app = Celery('proj')\n"
    "app.config_from_object('django.conf:settings', namespace='CELERY')\n"
)


def findings(tmp_path: Path, files: Mapping[str, str | bytes], code: str) -> list[Finding]:
    root = write_tree(tmp_path / "p", files)
    result = run(Settings(root=root, paths=(root,), select=(code,), use_cache=False))
    return [f for f in result.findings if f.code == code]


def subjects(found: list[Finding]) -> set[str]:
    return {subject for finding in found for subject in finding.subjects[:1]}


# --- CEL603: only variables that reach Celery or Redis, or reads that raise ------------


def test_unset_application_variables_say_nothing_about_celery(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": DJANGO_CELERY,
        "proj/settings.py": (
            "import os\n"
            "ALLOWED_CLIENT_HOSTS = os.getenv('ALLOWED_CLIENT_HOSTS')\n"
            "SENDGRID_PASSWORD = os.environ.get('SENDGRID_PASSWORD')\n"
            "CELERY_BROKER_URL = os.getenv('BROKER')\n"
        ),
        ".env": "OTHER=1\n",
    }, "CEL603")
    assert subjects(found) == {"BROKER"}
    assert "default broker" in found[0].message


def test_a_url_part_is_judged_and_named_as_a_part(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": DJANGO_CELERY,
        "proj/settings.py": (
            "import os\n"
            "REDIS_HOST = os.getenv('REDIS_HOST')\n"
            "CELERY_RESULT_BACKEND = f'redis://{REDIS_HOST}:6379/1'\n"
            "MEDIA_HOST = os.getenv('MEDIA_HOST')\n"
            "MEDIA_URL = f'https://{MEDIA_HOST}/media/'\n"
        ),
        ".env": "OTHER=1\n",
    }, "CEL603")
    assert subjects(found) == {"REDIS_HOST"}
    assert "result_backend" in found[0].message and "None" in found[0].message


def test_a_read_handled_when_unset_is_not_a_finding(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": (
            "import os\nfrom celery import Celery\n"
            "BROKER = os.getenv('BROKER')\n"
            "if not BROKER:\n    raise SystemExit('set BROKER')\n"
            "BACKEND = os.getenv('BACKEND')\n"
            "app = Celery('proj', broker=BROKER, backend=BACKEND)\n"
        ),
        ".env": "OTHER=1\n",
    }, "CEL603")
    assert subjects(found) == {"BACKEND"}
    assert "without a result backend" in found[0].message


def test_a_read_that_raises_names_the_exception_not_celery(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": DJANGO_CELERY,
        "proj/settings.py": (
            "import os\n"
            "AWS_ACCESS_KEY_ID = os.environ['AWS_ACCESS_KEY_ID']\n"
            "AWS_REGION = os.environ.get('AWS_REGION')\n"
        ),
        "tests/test_settings.py": "import os\nTOKEN = os.environ['TEST_TOKEN']\n",
        ".env": "OTHER=1\n",
    }, "CEL603")
    assert subjects(found) == {"AWS_ACCESS_KEY_ID"}
    assert "KeyError" in found[0].message and "broker" not in found[0].message


# --- CEL110/CEL605: only values that reach a Celery URL setting ------------------------


def test_a_web_api_url_is_not_a_result_backend(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": (
            "import os\nfrom celery import Celery\n"
            "app = Celery('proj', broker=os.environ['REDIS_URL'])\n"
            "BACKEND_URL = os.getenv('BACKEND_URL', 'https://api.example.com/api')\n"
        ),
        ".env": (
            "BACKEND_URL=https://api.example.com/api\n"
            "REDIS_URL=reddis://redis:6379/0\n"
            "CELERY_RESULT_BACKEND=redis://redis:6379/x\n"
        ),
    }, "CEL110")
    assert subjects(found) == {"REDIS_URL", "CELERY_RESULT_BACKEND"}


def test_celery_own_url_variables_come_from_celery() -> None:
    from celerylint.project.urls.url_sources import celery_url_variables

    assert {"CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"} <= celery_url_variables()


# --- CEL101: CELERY_ settings that someone else reads ------------------------------


def test_celery_prefixed_settings_of_the_project_and_of_libraries(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": DJANGO_CELERY,
        "proj/settings.py": (
            "CELERY_ENABLED = True\n"
            "CELERY_QUEUE_PREFIX = 'p'\n"
            "CELERY_EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'\n"
            "CELERY_TASK_ACKS_LATEE = True\n"
        ),
        "proj/views.py": (
            "from django.conf import settings\n"
            "if settings.CELERY_ENABLED:\n    pass\n"
            "PREFIX = getattr(settings, 'CELERY_QUEUE_PREFIX', '')\n"
        ),
    }, "CEL101")
    assert subjects(found) == {"CELERY_TASK_ACKS_LATEE"}


# --- Compose as compose reads it ------------------------------------------------


COMPOSE_HEAD = "services:\n  redis:\n    image: redis:7\n  worker:\n    image: proj\n"


def test_compose_interpolation_compose_never_leaves_empty(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "proj/__init__.py": "",
        "docker-compose.yml": COMPOSE_HEAD + (
            "    working_dir: $PWD\n"
            "    command: sh -c 'echo $$HOME && celery -A proj worker ${DEBUG:+-l debug}'\n"
            "    environment:\n"
            "      SECRET_KEY: ${SECRET_KEY:?set SECRET_KEY in .env}\n"
            "      QUEUES: ${QUEUES-default}\n"
            "      CELERY_BROKER_URL: ${BROKER_URL}\n"
        ),
    }, "CEL609")
    assert subjects(found) == {"BROKER_URL"}


def test_optional_and_example_backed_env_files_are_not_missing(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "proj/__init__.py": "",
        ".env.example": "CELERY_BROKER_URL=redis://redis:6379/0\n",
        "docker-compose.yml": COMPOSE_HEAD + (
            "    command: celery -A proj worker\n"
            "    env_file:\n"
            "      - .env\n"
            "      - path: .env.override\n"
            "        required: false\n"
            "      - config/worker.env\n"
        ),
    }, "CEL608")
    assert subjects(found) == {"config/worker.env"}


def test_pwd_env_file_resolves_against_the_compose_folder_or_the_root(tmp_path: Path) -> None:
    compose = COMPOSE_HEAD + (
        "    command: celery -A proj worker\n"
        "    env_file:\n      - ${PWD}/frontend/.env\n      - $PWD/config/worker.env\n"
    )
    found = findings(tmp_path, {
        "proj/__init__.py": "",
        "frontend/.env": "PORT=8088\n",  # from the root
        "deploy/config/worker.env": "CELERY_BROKER_URL=redis://redis:6379/0\n",  # from deploy/
        "deploy/docker-compose.yml": compose,
    }, "CEL608")
    assert found == []
    twin = findings(tmp_path / "twin", {
        "proj/__init__.py": "",
        "frontend/.env": "PORT=8088\n",
        "deploy/docker-compose.yml": compose,
    }, "CEL608")
    assert subjects(twin) == {"$PWD/config/worker.env"}


def test_a_later_file_of_a_compose_list_resolves_from_the_first_files_folder(
        tmp_path: Path) -> None:
    """``docker-compose -f docker-compose.yml -f docker/docker-compose.ci.yml`` (kitsune's
    bin/dc_ci.sh): compose's project directory is the first file's folder, so the CI
    file's ``env_file: .env-test`` is the root's .env-test."""
    files: dict[str, str | bytes] = {
        "proj/__init__.py": "",
        ".env-test": "CELERY_BROKER_URL=redis://redis:6379/0\n",
        "docker-compose.yml": COMPOSE_HEAD + "    command: celery -A proj worker\n",
        "docker/docker-compose.ci.yml": (
            "services:\n  test:\n    image: proj\n    env_file: .env-test\n"),
        "bin/dc_ci.sh": "#!/bin/sh\n"
                        "docker-compose -f docker-compose.yml -f docker/docker-compose.ci.yml \"$@\"\n",
    }
    assert findings(tmp_path, files, "CEL608") == []
    del files["bin/dc_ci.sh"]  # run on its own, docker/ is the project directory
    assert subjects(findings(tmp_path / "twin", files, "CEL608")) == {".env-test"}


def test_host_paths_are_not_judged(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "proj/__init__.py": "",
        "setup/docker-compose.yml": COMPOSE_HEAD + (
            "    command: celery -A proj worker\n"
            "    env_file:\n      - /opt/proj/env\n      - ~/.proj.env\n"
            "      - ${CONFIG_DIR}/worker.env\n      - ../missing.env\n"
        ),
    }, "CEL608")
    assert subjects(found) == {"../missing.env"}


KOMPOSE_SERVICE = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  annotations:\n"
    "    kompose.cmd: kompose --file docker-compose-min.yml convert\n"
    "    kompose.version: 1.34.0 (HEAD)\n  labels:\n    io.kompose.service: worker\n"
    "  name: worker\nspec:\n  ports: []\n"
)


def test_kompose_input_is_not_run_by_compose(tmp_path: Path) -> None:
    compose = COMPOSE_HEAD + "    command: celery -A proj worker\n    env_file: dev.env\n"
    found = findings(tmp_path, {
        "proj/__init__.py": "",
        "k8s/docker-compose.min.yml": compose,
        "k8s/worker-service.yaml": KOMPOSE_SERVICE,
        "docker-compose.yml": compose,  # run by compose: still judged
    }, "CEL608")
    assert {f.path for f in found} == {"docker-compose.yml"}
    twin = findings(tmp_path / "twin", {
        "proj/__init__.py": "",
        "k8s/docker-compose.min.yml": compose,
        "k8s/worker-service.yaml": KOMPOSE_SERVICE.replace("docker-compose-min.yml",
                                                           "other-compose.yml"),
    }, "CEL608")
    assert {f.path for f in twin} == {"k8s/docker-compose.min.yml"}


def test_env_file_the_documented_setup_copies_is_present(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "proj/__init__.py": "",
        "deploy/defaults.env": "CELERY_BROKER_URL=redis://redis:6379/0\nQUEUES=default\n",
        "templates/beat.env": "CELERY_BROKER_URL=redis://redis:6379/0\n",
        "docs/installation/docker.md": "# Docker\n\n```bash\ncp -n deploy/defaults.env "
                                       "deploy/worker.env\ndocker compose up\n```\n",
        "scripts/setup.sh": "#!/bin/sh\nset -e\ncp templates/beat.env deploy/\n",
        "deploy/docker-compose.yml": COMPOSE_HEAD + (
            "    command: celery -A proj worker --queues ${QUEUES}\n"
            "    env_file: worker.env\n"
            "  beat:\n    image: proj\n    command: celery -A proj beat\n"
            "    env_file: beat.env\n"
        ),
    }
    assert findings(tmp_path, files, "CEL608") == []
    assert findings(tmp_path, files, "CEL609") == []  # QUEUES: from the copy's source
    files["docs/installation/docker.md"] = "# Docker\n\nCreate deploy/worker.env first.\n"
    files["scripts/setup.sh"] = "#!/bin/sh\nset -e\ncp templates/beat.env deploy/beat.env.bak\n"
    assert subjects(findings(tmp_path / "twin", files, "CEL608")) == {"worker.env", "beat.env"}
    assert subjects(findings(tmp_path / "twin2", files, "CEL609")) == {"QUEUES"}


def test_compose_tags_reset_and_override_are_read(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "proj/__init__.py": "",
        "docker-compose.override.yml": (
            "services:\n  worker:\n    ports: !reset []\n"
            "    environment: !override\n      CELERY_BROKER_URL: redis://redis:6379/0\n"
        ),
        "compose.broken.yml": "services:\n  worker: [unclosed\n",
    }
    found = findings(tmp_path, files, "CEL001")
    assert {f.path for f in found} == {"compose.broken.yml"}


# --- Env files: only what parses as one -----------------------------------------


def test_source_code_named_like_an_env_file_is_not_one(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "proj/__init__.py": "",
        "deploy/env.go": 'package deploy\n\nimport "os"\n\nfunc Broker() string {\n'
                         '\treturn os.Getenv("CELERY_BROKER_URL")\n}\n',
        "scripts/env.template": "#!/bin/sh\nif [ -z \"$X\" ]; then\n  echo missing\nfi\n",
        "config/production.env": "A=1\nB=2\nthis line is broken\nC=3\n",
    }, "CEL601")
    assert {f.path for f in found} == {"config/production.env"}


# --- CEL604: one finding per pair, only for what a Celery process needs ------------------


def test_drift_only_on_keys_celery_needs_once_per_pair(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": (
            "import os\nfrom celery import Celery\n"
            "app = Celery('proj')\n"
            "app.conf.worker_concurrency = int(os.environ['CONCURRENCY'])\n"
            "app.conf.worker_prefetch_multiplier = int(os.environ['PREFETCH'])\n"
            "app.conf.task_always_eager = os.getenv('EAGER', 'false') == 'true'\n"
            "app.conf.timezone = os.environ['TZ']\n"
        ),
        "config/development.env": "EAGER=true\nDEBUG=1\n",
        "config/production.env": (
            "CONCURRENCY=8\nPREFETCH=1\nTZ=UTC\nALLOWED_HOSTS=shop.example.com\n"
        ),
        "docker-compose.yml": (
            "services:\n  worker:\n    image: proj\n    command: celery -A proj worker\n"
            "    env_file: config/production.env\n    environment:\n      TZ: UTC\n"
        ),
    }, "CEL604")
    assert len(found) == 1
    assert found[0].path == "config/production.env"
    assert "CONCURRENCY, PREFETCH only in config/production.env" in found[0].message


def test_overlays_loaded_together_are_not_rivals(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "proj/__init__.py": "",
        "proj/celery.py": "import os\nfrom celery import Celery\n"
                          "app = Celery('proj', broker=os.environ['BROKER'])\n",
        ".env": "BROKER=redis://redis:6379/0\n",
        ".env.dev": "DEBUG=1\n",
        ".env.local": "DEBUG=1\n",
        "docker-compose.yml": (
            "services:\n  worker:\n    image: proj\n    command: celery -A proj worker\n"
            "    env_file: [.env, .env.dev]\n"
        ),
    }
    assert findings(tmp_path, files, "CEL604") == []
    files["docker-compose.yml"] = str(files["docker-compose.yml"]).replace(", .env.dev", "")
    assert len(findings(tmp_path / "twin", files, "CEL604")) == 1


def test_files_one_module_loads_in_turn_are_overlays_not_rivals(tmp_path: Path) -> None:
    """``load_dotenv(".env")`` then ``load_dotenv(".env.dev", override=True)`` in the
    settings a worker reads: .env.dev overrides .env for one process."""
    settings = ("import os\nfrom dotenv import load_dotenv\n"
                "load_dotenv('.env')\nload_dotenv(dotenv_path='.env.dev', override=True)\n")
    files: dict[str, str | bytes] = {
        "proj/__init__.py": "",
        "proj/settings.py": settings,
        "proj/celery.py": "import os\nfrom celery import Celery\nimport proj.settings\n"
                          "app = Celery('proj', broker=os.environ['BROKER'])\n",
        ".env": "BROKER=redis://redis:6379/0\n",
        ".env.dev": "DEBUG=1\n",
        "Procfile": "worker: celery -A proj worker\n",
    }
    assert findings(tmp_path, files, "CEL604") == []
    files["proj/settings.py"] = settings.replace(
        "load_dotenv(dotenv_path='.env.dev', override=True)", "")
    assert len(findings(tmp_path / "twin", files, "CEL604")) == 1


# --- CEL606/CEL112: secrets that are not ------------------------------------------


def _committed(root: Path) -> None:
    import subprocess

    for command in (["init", "-q"], ["add", "-A"],
                    ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"]):
        subprocess.run(["git", "-C", str(root), *command], check=True)


def committed_findings(tmp_path: Path, files: Mapping[str, str | bytes], code: str) -> list[Finding]:
    root = write_tree(tmp_path / "p", files)
    _committed(root)
    return findings(tmp_path, {}, code)


def test_names_with_key_or_token_and_placeholders_hold_no_secret(tmp_path: Path) -> None:
    found = committed_findings(tmp_path, {
        "proj/__init__.py": "",
        "config/production.env": (
            "API_KEY_RATE_LIMIT=60/minute\n"
            "TOKEN_REFRESH=300s\n"
            "DJANGO_SECRET_KEY=!!!SET DJANGO_SECRET_KEY!!!\n"
            "STRIPE_API_KEY=<your-key>\n"
            "POSTGRES_USER=shop\nPOSTGRES_PASSWORD=shop\n"
            "CELERY_BROKER_URL=amqp://shop:shop@rabbit:5672//\n"
            "SENDGRID_API_KEY=SG.a8f5f167f44f4a2c9e1d\n"
        ),
        "deploy/demo.env": "# Demo stack for local development only\nREDIS_PASSWORD=Zq81xkP0\n",
    }, "CEL606")
    assert subjects(found) == {"SENDGRID_API_KEY"}
    assert all(f.path == "config/production.env" for f in found)


def test_a_password_equal_to_the_user_name_is_no_secret_in_code(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": (
            "from celery import Celery\n"
            "app = Celery('proj', broker='amqp://shop:shop@rabbit:5672//',\n"
            "             backend='redis://:Zq81xkP0@redis:6379/1')\n"
        ),
    }, "CEL112")
    assert subjects(found) == {"result_backend"}


# --- Project templates ------------------------------------------------------------


TEMPLATE = "{{cookiecutter.project_slug}}"


def test_a_cookiecutter_tree_is_read_as_the_code_it_renders(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "cookiecutter.json": '{"project_slug": "shop", "use_sentry": "n"}\n',
        f"{TEMPLATE}/{TEMPLATE}/__init__.py": "",
        f"{TEMPLATE}/{TEMPLATE}/celery.py": (
            "from celery import Celery\n"
            "app = Celery('{{ cookiecutter.project_slug }}')\n"
            "{% if cookiecutter.use_sentry == 'y' %}\n"
            "import sentry_sdk\n"
            "{% endif %}\n"
        ),
        f"{TEMPLATE}/{TEMPLATE}/tasks.py": (
            "from {{ cookiecutter.project_slug }}.celery import app\n\n"
            "@app.task\nasync def ping():\n    return 1\n"
        ),
        f"{TEMPLATE}/{TEMPLATE}/views.py": (
            "{% if cookiecutter.api == 'y' %}\ndef view():\n{% else %}\nclass View:\n"
            "{% endif %}\n    pass\n"
        ),
        f"{TEMPLATE}/.envs/.production/.django": (
            "{% if cookiecutter.use_sentry == 'y' %}\nSENTRY_DSN=\n{% endif %}\n"
            "DJANGO_SECRET_KEY={{ random_ascii_string(64) }}\n"
        ),
        "broken/__init__.py": "",
        "broken/mod.py": "def f(:\n    pass\n",
    }
    root = write_tree(tmp_path / "p", files)
    # scope "project": broken/mod.py is loaded by no worker, yet its CEL001 is the twin
    result = run(Settings(root=root, paths=(root,), use_cache=False, scope="project"))
    by_code = {(f.code, f.path) for f in result.findings}
    assert ("CEL001", "broken/mod.py") in by_code
    assert not {code for code, path in by_code if path.startswith("{{")} & {
        "CEL001", "CEL601", "CEL606"}
    assert ("CEL201", f"{TEMPLATE}/{TEMPLATE}/tasks.py") in by_code  # async task still found
    assert any("project template" in note and "1 file" in note for note in result.notes)


def test_reads_guarded_by_try_or_main_are_not_findings(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "proj/__init__.py": "",
        "proj/celery.py": DJANGO_CELERY,
        "proj/settings.py": (
            "import os\n"
            "try:\n    SENTRY_DSN = os.environ['SENTRY_DSN']\nexcept KeyError:\n"
            "    SENTRY_DSN = None\n"
            "if __name__ == '__main__':\n    print(os.environ['DEBUG_PORT'])\n"
            "try:\n    STRIPE = os.environ['STRIPE_KEY']\nfinally:\n    pass\n"
        ),
        ".env": "OTHER=1\n",
    }, "CEL603")
    assert subjects(found) == {"STRIPE_KEY"}


def test_a_redis_client_argument_is_judged(tmp_path: Path) -> None:
    found = findings(tmp_path, {
        "proj/__init__.py": "",
        "proj/cache.py": (
            "import os\nimport redis\n"
            "HOST = os.getenv('CACHE_REDIS_HOST')\n"
            "client = redis.Redis(host=HOST, port=6379)\n"
            "WEB_HOST = os.getenv('WEB_HOST')\n"
        ),
        ".env": "OTHER=1\n",
    }, "CEL603")
    assert subjects(found) == {"CACHE_REDIS_HOST"}
    assert "Redis client" in found[0].message
