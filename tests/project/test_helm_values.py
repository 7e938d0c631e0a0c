"""Helm value expressions rendered from values.yaml; everything else left as written."""

from __future__ import annotations

import pytest

from celerylint.project.deploy.helm_values import load_values, render_values

VALUES = load_values("worker:\n  queues: [a, b]\n  level: info\n  beat: true\n  empty: ''\n")


@pytest.mark.parametrize(("template", "rendered"), [
    ("{{ .Values.worker.level }}", "info"),
    ("{{- .Values.worker.level -}}", "info"),
    ("{{ $.Values.worker.level | upper }}", "INFO"),
    ('{{ join "," .Values.worker.queues }}', "a,b"),
    ('{{ .Values.worker.queues | join "," | quote }}', '"a,b"'),
    ('{{ .Values.worker.missing | default "celery" }}', "celery"),
    ('{{ default "celery" .Values.worker.empty }}', "celery"),
    ("{{ .Values.worker.beat }}", "true"),
])
def test_value_expressions(template: str, rendered: str) -> None:
    result = render_values(f"x: {template}\n", VALUES)
    assert (result.text, result.unresolved) == (f"x: {rendered}\n", ())


@pytest.mark.parametrize("template", [
    "{{ .Values.worker.queues }}",  # Go prints a list as [a b]
    "{{ .Values.worker.missing }}",
    "{{ $worker.queues }}",
])
def test_unanswered_values_stay_and_are_listed(template: str) -> None:
    result = render_values(f"x: {template}\n", VALUES)
    assert (result.text, result.unresolved) == (f"x: {template}\n", (template,))


@pytest.mark.parametrize("template", [
    '{{ include "proj.labels" . }}', "{{- if .Values.worker.beat }}", "{{ end }}",
    "{{ .Release.Name }}",
])
def test_other_expressions_stay_unlisted(template: str) -> None:
    result = render_values(f"x: {template}\n", VALUES)
    assert (result.text, result.unresolved) == (f"x: {template}\n", ())


def test_unreadable_values_give_nothing() -> None:
    assert load_values("a: [") == {} and load_values("- a\n") == {}


LOOP = """\
{{- range $name, $worker := .Values.workers }}
---
kind: Deployment
metadata:
  name: {{ $name }}
spec:
  template:
    spec:
      containers:
        - args: ["celery", "worker", "-Q", {{ join "," $worker.queues | quote }}]
{{- end }}
"""


def test_a_range_loop_gives_one_rendering_per_item_with_lines_kept() -> None:
    from celerylint.project.deploy.helm_values import range_variants

    values = load_values("workers:\n  default:\n    queues: [a]\n  reports:\n    queues: [r, s]\n")
    variants = range_variants(LOOP, values)
    assert variants is not None
    assert [v.text.split("\n")[4] for v in variants] == ["  name: default", "  name: reports"]
    assert [v.text.split("\n")[9].split('"-Q", ')[1] for v in variants] == ['"a"]', '"r,s"]']
    assert all(v.text.count("\n") == LOOP.count("\n") for v in variants)


def test_a_range_over_an_unknown_collection_gives_nothing() -> None:
    from celerylint.project.deploy.helm_values import range_variants

    assert range_variants(LOOP, {}) is None
    assert range_variants("kind: Deployment\n", {"workers": {}}) is None
