"""Did-you-mean suggestions shared by the rules that name things."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest_name(wanted: str, candidates: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The best match on the full dotted name, else on the last component only.

    The second pass catches a renamed module (``proj.old.send`` vs ``proj.new.send``)
    and typos in the function part (``kitusne.`` vs ``kitsune.``).
    """
    pool = sorted(set(candidates))
    if not pool or not wanted:
        return None
    found = difflib.get_close_matches(wanted, pool, n=1, cutoff=cutoff)
    if found:
        return found[0]
    leaf = wanted.rsplit(".", 1)[-1]
    by_leaf: dict[str, list[str]] = {}
    for name in pool:
        by_leaf.setdefault(name.rsplit(".", 1)[-1], []).append(name)
    leaves = difflib.get_close_matches(leaf, sorted(by_leaf), n=1, cutoff=0.85)
    if leaves and len(by_leaf[leaves[0]]) == 1:
        return by_leaf[leaves[0]][0]
    return None


def did_you_mean(wanted: str, candidates: Iterable[str]) -> str:
    found = closest_name(wanted, candidates)
    return f"; did you mean '{found}'?" if found else ""
