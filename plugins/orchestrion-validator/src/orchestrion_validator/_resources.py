"""Local schema resources: URLs mapped to files, so ``$ref`` never hits the network."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlparse

__all__ = ["ResourceError", "load_schema_file", "make_retriever"]


class ResourceError(ValueError):
    """A schema or a ``$ref`` target could not be found or read; the message
    names it and says how to register it. A ValueError, so pydantic reports it
    as an options error."""


def _reject_constant(name: str) -> Any:
    msg = f"{name} is not valid JSON"
    raise ValueError(msg)


def load_schema_file(path: Path) -> Any:
    """Read a JSON Schema document from ``path`` (strict JSON)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"cannot read schema file {str(path)!r}: {exc.strerror or exc}"
        raise ResourceError(msg) from None
    except UnicodeDecodeError:
        msg = f"schema file {str(path)!r} is not UTF-8"
        raise ResourceError(msg) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        msg = f"schema file {str(path)!r} is not valid JSON: {exc}"
        raise ResourceError(msg) from None


def _inside(base: Path, target: Path) -> bool:
    return target == base or base in target.parents


def make_retriever(resources: Mapping[str, Path], file_root: Path | None) -> Callable[[str], Any]:
    """A retriever for the validator library.

    ``resources`` maps exact URLs, or URL prefixes ending in ``/``, to local
    files or folders. ``file_root`` (the folder of a schema given by path)
    allows ``file:`` references to files inside it, so relative ``$ref``s
    between schema files work. Anything else is refused: there is no network
    access, and a message says how to register the URL.
    """
    exact = {url: path for url, path in resources.items() if not url.endswith("/")}
    prefixes = sorted(
        ((url, path) for url, path in resources.items() if url.endswith("/")),
        key=lambda item: len(item[0]),
        reverse=True,
    )

    def retrieve(uri: str) -> Any:
        url, _ = urldefrag(uri)
        if url in exact:
            return load_schema_file(exact[url])
        for prefix, folder in prefixes:
            if url.startswith(prefix):
                target = (folder / unquote(url[len(prefix) :])).resolve()
                if not _inside(folder.resolve(), target):
                    msg = f"$ref {url!r} escapes the folder registered for {prefix!r}"
                    raise ResourceError(msg)
                return load_schema_file(target)
        parsed = urlparse(url)
        if parsed.scheme == "file" and file_root is not None:
            target = Path(unquote(parsed.path)).resolve()
            if _inside(file_root.resolve(), target):
                return load_schema_file(target)
        msg = (
            f"$ref {url!r} is not a registered local resource; map it (or a prefix ending "
            "in '/') to a file or folder in the 'resources' option (no network access)"
        )
        raise ResourceError(msg)

    return retrieve
