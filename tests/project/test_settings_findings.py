"""Merging the findings of each settings module's run: in memory, no project on disk."""

from __future__ import annotations

from celerylint.findings import Finding, Severity
from celerylint.project.celery.settings_findings import VariantFindings, merged_findings
from celerylint.project.celery.settings_variants import SettingsVariant

DEV = SettingsVariant("proj.settings.dev", "", ("the default in proj/celery.py:5",))
STAGING = SettingsVariant("proj.settings.staging", "", ("worker in compose.staging.yml",))
PROD = SettingsVariant("proj.settings.prod", "", ("worker, beat in compose.prod.yml",))


def finding(path: str, line: int, message: str = "Setting 'x' is unknown.") -> Finding:
    return Finding("CEL101", "unknown-setting", Severity.ERROR, path, line, 1, message)


def test_a_finding_under_every_module_is_kept_once_and_unnamed() -> None:
    base = finding("proj/settings/base.py", 3)
    runs = [VariantFindings(v, [base]) for v in (DEV, STAGING, PROD)]
    assert merged_findings(runs) == [base]


def test_a_finding_under_some_modules_names_all_of_them_and_the_others() -> None:
    shared = finding("proj/settings/remote.py", 7)
    runs = [VariantFindings(DEV, []), VariantFindings(STAGING, [shared]),
            VariantFindings(PROD, [shared, shared])]
    [merged] = merged_findings(runs)
    assert merged.message == (
        "Setting 'x' is unknown. Found under DJANGO_SETTINGS_MODULE=proj.settings.staging "
        "(worker in compose.staging.yml) and DJANGO_SETTINGS_MODULE=proj.settings.prod "
        "(worker, beat in compose.prod.yml); not under proj.settings.dev.")
    assert (merged.path, merged.line, merged.code) == (shared.path, shared.line, shared.code)


def test_messages_that_differ_between_modules_are_separate_findings() -> None:
    """The same line judged with another value says something else: each names its module."""
    dev = finding("proj/celery.py", 9, "Broker URL 'redis://localhost' is local.")
    prod = finding("proj/celery.py", 9, "Broker URL 'redis://:pw@' has no host.")
    merged = merged_findings([VariantFindings(DEV, [dev]), VariantFindings(PROD, [prod])])
    assert [m.message.rsplit(". Found under ", 1)[1] for m in merged] == [
        "DJANGO_SETTINGS_MODULE=proj.settings.dev (the default in proj/celery.py:5); "
        "not under proj.settings.prod.",
        "DJANGO_SETTINGS_MODULE=proj.settings.prod (worker, beat in compose.prod.yml); "
        "not under proj.settings.dev.",
    ]


def test_a_module_many_processes_run_with_names_a_few_of_them() -> None:
    many = SettingsVariant("proj.settings.local", "", (
        "the default in config/celery_app.py:28", "worker in compose.yml + compose.dev.yml",
        "beat in docker/scheduler/run.sh", "worker in docker/worker/run.sh"))
    local = finding("config/settings/local.py", 65)
    [merged] = merged_findings([VariantFindings(many, [local]), VariantFindings(PROD, [])])
    assert merged.message.endswith(
        "Found under DJANGO_SETTINGS_MODULE=proj.settings.local (the default in "
        "config/celery_app.py:28; worker in compose.yml + compose.dev.yml; beat in "
        "docker/scheduler/run.sh; and 1 more); not under proj.settings.prod.")
