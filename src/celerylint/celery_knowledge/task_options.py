"""The options ``@app.task(...)`` and ``@shared_task(...)`` act on, read from the installed Celery.

``Celery._task_from_fun`` turns every keyword it does not consume into a class
attribute of the new task type, so a misspelt option (``ignore_results``,
``max_retry``) is accepted silently and nothing ever reads it. The options that do
something are:

- the public attributes of ``celery.app.task.Task`` (``ignore_result``, ``max_retries``...);
- the execution options ``Task.apply_async`` copies from the task
  (``celery.app.task.extract_exec_options``: ``queue``, ``routing_key``...);
- the parameters of ``Celery._task_from_fun`` (``name``, ``base``, ``bind``, ``pydantic``...)
  and of the decorator that ``Celery.task`` builds (``shared``, ``lazy``, ``filter``);
- the options ``celery.app.autoretry.add_autoretry_behaviour`` reads (``autoretry_for``...).

Nothing here is a copied table: each name comes from introspecting the installed
Celery, so the answer follows its version.
"""

from __future__ import annotations

import ast
import difflib
import functools
import inspect
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["closest_task_option", "is_task_option", "task_option_names",
           "task_setting_attributes"]


@functools.lru_cache(maxsize=1)
def task_option_names() -> frozenset[str]:
    """Every keyword a task decorator acts on, for the installed Celery."""
    from celery import Celery
    from celery.app import autoretry
    from celery.app.task import Task, extract_exec_options

    names = {name for name in dir(Task) if not name.startswith("_")}
    names.update(_closure_strings(extract_exec_options))
    names.update(_parameters(Celery._task_from_fun))
    names.update(_nested_function_parameters(Celery.task))
    names.update(_string_arguments(autoretry.add_autoretry_behaviour, "get"))
    return frozenset(names - {"self", "fun", "options", "opts"})


@functools.lru_cache(maxsize=1)
def task_setting_attributes() -> frozenset[str]:
    """Task attributes that configure the task (data, not methods or properties), plus the
    execution and autoretry options: what a decorator keyword sets, as opposed to what a
    task does (``retry``, ``delay``)."""
    from celery.app import autoretry
    from celery.app.task import Task, extract_exec_options

    names = {name for name, value in vars(Task).items()
             if not name.startswith("_") and not callable(value)
             and not isinstance(value, (property, classmethod, staticmethod))}
    names.update(_closure_strings(extract_exec_options))
    names.update(_string_arguments(autoretry.add_autoretry_behaviour, "get"))
    return frozenset(names)


def is_task_option(name: str) -> bool:
    return name in task_option_names()


def closest_task_option(name: str) -> str | None:
    """Celery's option nearest in spelling (``ignore_results`` -> ``ignore_result``)."""
    matches = difflib.get_close_matches(name, sorted(task_option_names()), n=1, cutoff=0.75)
    return matches[0] if matches else None


def _closure_strings(function: Callable[..., Any]) -> Iterator[str]:
    """The attribute names an ``attrgetter``-style closure reads."""
    for value in inspect.getclosurevars(function).nonlocals.values():
        if isinstance(value, (tuple, list)):
            yield from (item for item in value if isinstance(item, str))


def _parameters(function: Callable[..., Any]) -> Iterator[str]:
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            yield parameter.name


def _source_tree(function: Callable[..., Any]) -> ast.AST | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return None


def _nested_function_parameters(function: Callable[..., Any]) -> Iterator[str]:
    """Keyword parameters of the functions defined inside ``function`` (``Celery.task``'s
    ``inner_create_task_cls(shared=True, filter=None, lazy=True, **opts)``)."""
    tree = _source_tree(function)
    outer = tree.body[0] if isinstance(tree, ast.Module) and tree.body else None
    if not isinstance(outer, ast.FunctionDef):
        return
    for node in ast.walk(outer):
        if isinstance(node, ast.FunctionDef) and node is not outer:
            yield from (arg.arg for arg in node.args.args + node.args.kwonlyargs)


def _string_arguments(function: Callable[..., Any], method: str) -> Iterator[str]:
    """``options.get('autoretry_for', ...)``: the literal keys ``function`` looks up."""
    tree = _source_tree(function)
    if tree is None:
        return
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == method and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            yield node.args[0].value
