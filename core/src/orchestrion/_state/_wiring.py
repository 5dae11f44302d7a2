"""How an orchestrator gets its state store and a run gets its journal.

Which store: ``Orchestrator(state=...)`` — a store object, a registered store
name (``"memory"``, ``"sqlite"``) or a file path (SQLite there) — else the
``[state]`` config table (``store = "sqlite"``, ``path = ...`` and the store's
other options), else ``memory``. The CLI resolves ``--state``,
``ORCHESTRION_STATE`` and ``[state]`` first and defaults to SQLite under the
user's data directory (:func:`cli_state`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from pydantic_core import PydanticSerializationError, to_json

from ..exceptions import ConfigError
from ..protocols import StateStore
from ._journal import Journal
from ._lease import Owner
from ._records import RUNNING, RunRecord, fingerprint, plugin_versions

if TYPE_CHECKING:
    from .._engine._model import Workflow
    from .._orchestrator import Orchestrator

__all__ = ["MEMORY_ALIASES", "cli_state", "journal_factory", "open_store", "owner_of"]

#: ``--state`` values that mean the in-process store.
MEMORY_ALIASES = frozenset({":memory:", "memory"})

StateSpec = StateStore | str | Path | None


def cli_state(cli_value: str | None, env: Mapping[str, str], config: Mapping[str, Any]) -> str:
    """What the CLI passes as ``state``: ``--state``, else ``ORCHESTRION_STATE``,
    else ``[state] path`` / ``store`` from config, else ``"sqlite"`` (at the
    default path)."""
    if cli_value:
        return cli_value
    from_env = env.get("ORCHESTRION_STATE")
    if from_env:
        return from_env
    if config.get("path"):
        return str(config["path"])
    return str(config.get("store") or "sqlite")


def open_store(orch: Orchestrator, spec: StateSpec) -> StateStore:
    """Build the store ``spec`` asks for (see the module docstring)."""
    if spec is not None and not isinstance(spec, str | Path):
        if isinstance(spec, StateStore):
            return spec
        kind = type(spec).__name__  # type: ignore[unreachable]  # untyped callers
        msg = f"state must be a StateStore, a store name or a file path, got {kind}"
        raise ConfigError(msg, key="state")
    section = dict(orch.config.section("state"))
    kind = str(section.pop("store", "") or "")
    options: dict[str, Any] = section
    if spec is not None:
        text = str(spec)
        if text in MEMORY_ALIASES:
            kind, options = "memory", {k: v for k, v in section.items() if k == "max_runs"}
        elif isinstance(spec, str) and orch.registry.state_stores.get(text) is not None:
            kind = text
        else:
            kind, options = "sqlite", {**section, "path": text}
    kind = kind or "memory"
    if kind == "memory":
        options = {k: v for k, v in options.items() if k == "max_runs"}
    stype = orch.registry.state_stores.require(kind, key="state.store")
    try:
        validated = stype.options.model_validate(options)
    except ValidationError as exc:
        from .._engine._loader import validation_message

        message, key = validation_message(exc, prefix="state")
        raise ConfigError(message, source=orch.config.source, key=key) from None
    store = stype.factory(validated)
    if not isinstance(store, StateStore):
        msg = f"state store type {kind!r} built a {type(store).__name__}, not a StateStore"
        raise ConfigError(msg, key="state.store")
    return store


def owner_of(orch: Orchestrator) -> str:
    """The lease owner id of ``orch`` (one per orchestrator)."""
    owner = orch.__dict__.get("_state_owner")
    if owner is None:
        owner = orch.__dict__["_state_owner"] = Owner().id
    return str(owner)


def definition_of(orch: Orchestrator, workflow: Workflow) -> tuple[dict[str, Any], str]:
    """The JSON form of ``workflow`` and its fingerprint (cached per object)."""
    cache: dict[int, tuple[Workflow, dict[str, Any], str]] = orch.__dict__.setdefault(
        "_state_definitions", {}
    )
    hit = cache.get(id(workflow))
    if hit is not None and hit[0] is workflow:
        return hit[1], hit[2]
    definition = workflow.model_dump(mode="json", exclude_defaults=True)
    digest = fingerprint(definition)
    if len(cache) > 64:
        cache.clear()
    cache[id(workflow)] = (workflow, definition, digest)
    return definition, digest


def plugins_of(orch: Orchestrator) -> tuple[dict[str, str | None], str]:
    """The loaded plugins with versions, and their fingerprint (cached while
    the registry does not change)."""
    generation = orch.registry.generation
    cached = orch.__dict__.get("_state_plugins")
    if cached is not None and cached[0] == generation:
        return cached[1], cached[2]
    plugins = plugin_versions(orch.plugins.records)
    digest = fingerprint(plugins)
    orch.__dict__["_state_plugins"] = (generation, plugins, digest)
    return plugins, digest


def journal_factory(orch: Orchestrator) -> Callable[[Workflow, Any, str, str | None], Journal]:
    """What the engine calls to make the journal of each new run."""

    def make(workflow: Workflow, data: Any, run_id: str, source: str | None) -> Journal:
        store = orch.store
        if store.durable:
            try:
                to_json(data)
            except (PydanticSerializationError, ValueError, TypeError) as exc:
                msg = (
                    f"the run input of type {type(data).__qualname__} cannot be stored as "
                    f"JSON ({str(exc).splitlines()[0]}); pass JSON-compatible input or use "
                    "the memory state store"
                )
                raise ConfigError(msg, key="input") from None
        definition, digest = definition_of(orch, workflow)
        plugins, plugins_hash = plugins_of(orch)
        now = datetime.now(UTC)
        record = RunRecord.model_construct(
            run_id=run_id,
            workflow=workflow.name,
            definition=definition,
            source=None if source is None else str(Path(source).resolve()),
            input=data,
            plugins=plugins,
            workflow_hash=digest,
            plugins_hash=plugins_hash,
            status=RUNNING,
            created_at=now,
            updated_at=now,
            finished_at=None,
            summary=None,
        )
        return Journal(store, record, owner_of(orch))

    return make
