"""Exception types named in policies, resolved to classes once.

Policies name exception types as strings so they can live in workflow files:
a builtin name (``"TimeoutError"``) or a dotted path (``"httpx.ConnectError"``,
``"orchestrion.TransientError"``). Resolution imports the module once and
caches the answer per tuple of names.
"""

from __future__ import annotations

import builtins
import importlib
from collections.abc import Iterator
from functools import lru_cache

from ..exceptions import ConfigError

__all__ = ["leaves", "resolve_exception_types"]


def _resolve_one(name: str, key: str) -> type[Exception]:
    parts = name.split(".")
    found: object = None
    if len(parts) == 1:
        found = getattr(builtins, name, None)
    else:
        # Try the longest importable module prefix, then walk attributes, so
        # both "pkg.mod.Error" and "pkg.Error" (re-exported) work.
        for cut in range(len(parts) - 1, 0, -1):
            try:
                obj: object = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            for attr in parts[cut:]:
                obj = getattr(obj, attr, None)
            found = obj
            break
        else:
            msg = (
                f"cannot import the module of exception type {name!r}: install the package "
                "that provides it or fix the dotted path"
            )
            raise ConfigError(msg, key=key)
    if not isinstance(found, type) or not issubclass(found, BaseException):
        msg = (
            f"{name!r} is not an exception type: use a builtin name like 'TimeoutError' or "
            "a dotted path like 'httpx.ConnectError'"
        )
        raise ConfigError(msg, key=key)
    if not issubclass(found, Exception):
        msg = (
            f"{name!r} is a BaseException (cancellation or interpreter exit), which is never "
            "retried or counted: remove it"
        )
        raise ConfigError(msg, key=key)
    return found


@lru_cache(maxsize=512)
def resolve_exception_types(names: tuple[str, ...], key: str) -> tuple[type[Exception], ...]:
    """Resolve exception type names to classes (cached per ``names``).

    :param names: builtin names or dotted paths.
    :param key: the policy key they come from (``retry.retry_on``), for messages.
    :raises ConfigError: when a name cannot be imported, is not an exception type,
        or names a ``BaseException`` that is not an ``Exception``.
    """
    return tuple(_resolve_one(name, key) for name in names)


def leaves(exc: BaseException) -> Iterator[BaseException]:
    """The non-group exceptions inside ``exc`` (``exc`` itself if not a group)."""
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            yield from leaves(inner)
    else:
        yield exc
