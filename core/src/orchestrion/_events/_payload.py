"""Payload summaries: what events say about data instead of copying it."""

from __future__ import annotations

import hashlib
from typing import Any

__all__ = ["HASH_LIMIT", "payload_summary", "type_name"]

#: Bytes (or characters, for text) of a payload that :func:`payload_summary` hashes.
HASH_LIMIT = 64 * 1024


def type_name(obj: object) -> str:
    """The type name of ``obj``: ``bytes`` for built-ins, ``module.Qualname`` otherwise."""
    cls = type(obj)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def payload_summary(obj: Any, *, hash_limit: int = HASH_LIMIT) -> dict[str, Any]:
    """Describe a payload without copying it: ``{"type", "size", "sha256", "hashed"}``.

    - ``type`` is the payload's type name (``bytes``, ``dict``, ``mypkg.Record``).
    - ``size`` is ``len(obj)`` when it has one (bytes for binary data, characters
      for text, items for collections), else ``None``.
    - ``sha256`` is the hex SHA-256 of binary data, or of the UTF-8 encoding of
      text; ``None`` for anything else, because hashing structured data would
      mean serialising it, which can cost as much as the step that made it.
    - ``hashed`` is how many leading bytes (characters, for text) the hash
      covers. Only the first ``hash_limit`` (64 KiB by default) are hashed, so a
      summary costs the same for a 1 GB payload as for a 64 KiB one; when
      ``hashed < size`` the hash identifies the prefix, and ``size`` tells
      payloads sharing a prefix apart.
    """
    size: int | None
    digest: str | None = None
    hashed = 0
    if isinstance(obj, bytes | bytearray | memoryview):
        view = memoryview(obj).cast("B")
        size = len(view)
        hashed = min(size, hash_limit)
        digest = hashlib.sha256(view[:hashed]).hexdigest()
    elif isinstance(obj, str):
        size = len(obj)
        hashed = min(size, hash_limit)
        # surrogatepass: a str from os APIs may hold lone surrogates; the
        # summary must never be the thing that fails.
        digest = hashlib.sha256(obj[:hashed].encode("utf-8", "surrogatepass")).hexdigest()
    else:
        try:
            size = len(obj)
        except Exception:  # no len (or a broken one) just means no size
            size = None
        if not isinstance(size, int):
            size = None
    return {"type": type_name(obj), "size": size, "sha256": digest, "hashed": hashed}
