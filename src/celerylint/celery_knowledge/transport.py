"""What kombu's Redis transport does by default, read from kombu itself."""

from __future__ import annotations

import ast
import functools
from pathlib import Path


@functools.lru_cache(maxsize=1)
def redis_visibility_timeout_default() -> float | None:
    """``kombu.transport.redis.Channel.visibility_timeout``; None if kombu cannot tell.

    Importing the transport needs redis-py, which celerylint does not require, so
    the class attribute is read from kombu's source when the import fails.
    """
    try:
        from kombu.transport.redis import Channel

        return float(Channel.visibility_timeout)
    except Exception:  # noqa: BLE001 - redis-py missing, or kombu changed
        pass
    try:
        import kombu

        source = Path(kombu.__file__).parent / "transport" / "redis.py"
        tree = ast.parse(source.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ImportError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "Channel":
            for statement in node.body:
                if isinstance(statement, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id == "visibility_timeout"
                        for t in statement.targets):
                    try:
                        return float(ast.literal_eval(statement.value))
                    except (ValueError, TypeError):
                        return None
    return None
