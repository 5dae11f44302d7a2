"""Loading plugins one by one inside error isolation, and what each registered.

Each orchestrator owns one :class:`PluginSet`; there is no module-global
plugin manager, so several plugin sets can live in one process.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Literal

import pluggy

from .. import hookspecs
from .._config import Config
from .._markers import PROJECT_NAME
from .._registry import KINDS, NOUNS, Registry, Staging
from ..exceptions import (
    ConfigError,
    PluginConflictError,
    PluginError,
    PluginLoadError,
    PluginRequirementError,
    PluginValidationError,
)
from ._selection import PluginSelection, normalize
from ._validation import HOOK_NAMES, check_hooks

__all__ = ["BUILTIN_PLUGINS", "ENTRY_POINT_GROUP", "PluginRecord", "PluginSet"]

log = logging.getLogger("orchestrion.plugins")

#: The entry-point group plugins are discovered in.
ENTRY_POINT_GROUP = "orchestrion"

#: Built-in behaviour, as plugins on the public hooks: (short name, module).
#: Each can be blocked like any other plugin (``-p no:conditions``).
BUILTIN_PLUGINS: tuple[tuple[str, str], ...] = (
    ("conditions", "orchestrion._builtin.conditions"),
    ("local", "orchestrion._builtin.local_executor"),
    ("core", "orchestrion._builtin.demo_components"),
    ("memory", "orchestrion._builtin.memory_store"),
    ("sqlite", "orchestrion._builtin.sqlite_store"),
)

Status = Literal["ok", "blocked", "broken"]


@dataclass(slots=True)
class PluginRecord:
    """One plugin the set knows of, loaded or not."""

    name: str
    distribution: str | None
    version: str | None
    builtin: bool
    status: Status = "ok"
    reason: str | None = None
    error: PluginError | None = None
    obj: object | None = None
    value: str | None = None  # the entry point's "module:attr", when from one
    commands: list[str] = field(default_factory=list)

    def label(self) -> str:
        """``'name' (distribution version)`` for messages."""
        if self.distribution:
            return f"plugin {self.name!r} ({self.distribution} {self.version or '?'})"
        return f"plugin {self.name!r}"


def _core_version() -> str:
    try:
        return metadata.version("orchestrion")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def _in_process_name(obj: object) -> str:
    name = getattr(obj, "orchestrion_plugin_name", None)
    if isinstance(name, str):
        return name
    name = getattr(obj, "__name__", None)
    if isinstance(name, str):
        return name.rsplit(".", 1)[-1]
    return type(obj).__name__


class PluginSet:
    """The plugins one orchestrator runs with, and what they registered.

    Loading never raises for a single bad plugin unless ``selection.strict``:
    the problem is recorded in :attr:`problems` (one line each) and the plugin
    is marked ``broken``. Requirement failures always raise.
    """

    def __init__(
        self,
        selection: PluginSelection,
        *,
        in_process: Iterable[object] = (),
        entry_points: Iterable[metadata.EntryPoint] | None = None,
        check_required: bool = True,
        config: Config | None = None,
    ) -> None:
        self.selection = selection
        #: Passed to the hooks that take ``config`` (see :mod:`orchestrion.hookspecs`).
        self.config = config if config is not None else Config()
        self.pm = pluggy.PluginManager(PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.registry = Registry()
        self.records: dict[str, PluginRecord] = {}
        self.problems: list[PluginError] = []
        self._load_builtins()
        eps = list(entry_points) if entry_points is not None else self.discover()
        self._load_entry_points(eps)
        for obj in in_process:
            self._load_in_process(obj)
        if check_required:
            self.check_required()

    # -- discovery ------------------------------------------------------------

    @staticmethod
    def discover() -> list[metadata.EntryPoint]:
        """Installed entry points of the ``orchestrion`` group, sorted by name."""
        return sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)

    # -- loading --------------------------------------------------------------

    def _problem(self, record: PluginRecord, error: PluginError) -> None:
        record.status = "broken"
        record.error = error
        record.reason = str(error)
        self.problems.append(error)
        if self.selection.strict:
            raise error
        log.warning("%s", error)

    def _error(self, cls: type[PluginError], record: PluginRecord, problem: str) -> PluginError:
        msg = f"{record.label()} {problem}; disable it with -p no:{record.name}"
        return cls(
            msg, plugin=record.name, distribution=record.distribution, version=record.version
        )

    def _load_builtins(self) -> None:
        version = _core_version()
        for name, module in BUILTIN_PLUGINS:
            record = PluginRecord(name, "orchestrion", version, builtin=True, value=module)
            self.records[name] = record
            if self.selection.is_disabled(name):
                record.status, record.reason = "blocked", "disabled"
                continue
            self._register(record, importlib.import_module(module))

    def _load_entry_points(self, eps: list[metadata.EntryPoint]) -> None:
        for ep in eps:
            dist = ep.dist.name if ep.dist is not None else None
            version = ep.dist.version if ep.dist is not None else None
            record = PluginRecord(ep.name, dist, version, builtin=False, value=ep.value)
            existing = self.records.get(ep.name)
            if existing is not None:
                # Do not overwrite the first record: it may already be loaded.
                twin = PluginRecord(f"{ep.name}@{dist}", dist, version, False, value=ep.value)
                self.records[twin.name] = twin
                self._problem(
                    twin,
                    PluginConflictError(
                        f"{record.label()} uses the plugin name {ep.name!r}, already taken by "
                        f"{existing.label()}; uninstall one of them",
                        plugin=ep.name,
                        other=existing.name,
                        distribution=dist,
                        version=version,
                    ),
                )
                continue
            self.records[ep.name] = record
            if not self.selection.allows(ep.name, dist or ""):
                record.status = "blocked"
                record.reason = self.selection.blocked_reason(ep.name, dist or "")
                continue
            try:
                obj = ep.load()
            except (Exception, SystemExit) as exc:  # a plugin's import may fail in any way
                self._problem(
                    record,
                    self._error(
                        PluginLoadError, record, f"failed to import: {type(exc).__name__}: {exc}"
                    ),
                )
                continue
            self._register(record, obj)

    def _load_in_process(self, obj: object) -> None:
        name = _in_process_name(obj)
        if name in self.records:
            name = f"{name}-{len(self.records)}"
        record = PluginRecord(name, None, None, builtin=False)
        self.records[name] = record
        if self.selection.is_disabled(name):
            record.status, record.reason = "blocked", "disabled"
            return
        self._register(record, obj)

    def _register(self, record: PluginRecord, obj: object) -> None:
        record.obj = obj
        try:
            problem = check_hooks(self.pm, obj)
            if problem is None:
                self.pm.register(obj, name=record.name)
        except pluggy.PluginValidationError as exc:  # anything _check_hooks did not foresee
            problem = _short(exc)
        except ValueError as exc:  # pluggy: the same object registered twice
            problem = str(exc)
        except Exception as exc:  # e.g. a property of a plugin object raising on access
            problem = f"cannot be registered: {type(exc).__name__}: {exc}"
        if problem is not None:
            self._problem(record, self._error(PluginValidationError, record, problem))
            return
        staging = Staging(record.name)
        for kind, (hook, cls) in KINDS.items():
            for impl in self._impls(hook, obj):
                error = self._stage(record, staging, kind, cls, impl)
                if error is not None:
                    self._unregister(record)
                    self._problem(record, error)
                    return
        # Normally caught by register() already; kept for a plugin that swallowed
        # the PluginConflictError register() raised and registered again.
        conflicts = self.registry.conflicts(staging)
        if conflicts:
            self._unregister(record)
            kind, name, other = conflicts[0]
            self._problem(record, self._conflict(record, kind, name, other))
            return
        self.registry.commit(staging)

    def _conflict(self, record: PluginRecord, kind: str, name: str, other: str) -> PluginError:
        """The error for ``record`` registering ``name``, which ``other`` has."""
        if other == record.name:
            problem = f"registers {NOUNS[kind]} {name!r} twice"
            return self._error(PluginValidationError, record, problem)
        other_label = self.records[other].label() if other in self.records else repr(other)
        msg = (
            f"{record.label()} registers {NOUNS[kind]} {name!r}, already registered by "
            f"{other_label}; disable one of them with -p no:{record.name} or -p no:{other}"
        )
        return PluginConflictError(
            msg,
            plugin=record.name,
            other=other,
            distribution=record.distribution,
            version=record.version,
        )

    def _stage(
        self,
        record: PluginRecord,
        staging: Staging,
        kind: str,
        cls: type[Any],
        impl: pluggy.HookImpl,
    ) -> PluginError | None:
        noun = NOUNS[kind]
        bucket = staging.items[kind]
        hook = KINDS[kind][0]
        if impl.hookwrapper or impl.wrapper:
            problem = f"implements {hook}() as a wrapper; registration hooks cannot be wrappers"
            return self._error(PluginValidationError, record, problem)

        table = self.registry.table(kind)
        raised: list[PluginError] = []

        def register(item: object) -> None:
            if not isinstance(item, cls):
                msg = f"register() takes a {cls.__name__}, got {type(item).__name__}"
                raise TypeError(msg)
            name = item.name
            other = table.owner(name)
            if other is None and any(staged.name == name for staged in bucket):
                other = record.name
            if other is not None:
                # As the hook specs say: raised to the plugin, which may handle it.
                error = self._conflict(record, kind, name, other)
                raised.append(error)
                raise error
            bucket.append(item)

        try:
            returned = self.call_impl(hook, impl, register=register, config=self.config)
        except ConfigError:
            # The user's configuration is wrong, not the plugin: exit 2 with the
            # key the plugin named, even in lenient mode (a plugin silently
            # running with a table it rejected would be worse).
            raise
        except PluginError as exc:
            if any(exc is error for error in raised):
                return exc  # our own conflict error, not wrapped in "failed in ..."
            where = f"{noun} registration in {hook}()"
            return self._error(
                PluginValidationError, record, f"failed in {where}: {type(exc).__name__}: {exc}"
            )
        except Exception as exc:  # the plugin's own code: report, never crash the host
            where = f"{noun} registration in {hook}()"
            return self._error(
                PluginValidationError, record, f"failed in {where}: {type(exc).__name__}: {exc}"
            )
        if returned is not None:
            return self._error(
                PluginValidationError,
                record,
                f"returned {type(returned).__name__} from {hook}(); call register() instead",
            )
        return None

    def _impls(self, hook: str, obj: object) -> list[pluggy.HookImpl]:
        caller = getattr(self.pm.hook, hook)
        return [impl for impl in caller.get_hookimpls() if impl.plugin is obj]

    def _unregister(self, record: PluginRecord) -> None:
        if record.obj is not None and self.pm.is_registered(record.obj):
            self.pm.unregister(record.obj)

    def check_required(self) -> None:
        """Raise :class:`PluginRequirementError` for the first ``plugins.required``
        entry that is missing, not loaded, or too old. Called by the constructor
        unless ``check_required=False`` (diagnostic commands list first, then check)."""
        for req in self.selection.requirements():
            key = normalize(req.name)
            match = next(
                (
                    r
                    for r in self.records.values()
                    if key in {normalize(r.name), normalize(r.distribution or "")}
                ),
                None,
            )
            if match is None:
                msg = (
                    f"required plugin {req.name!r} is not installed; "
                    f"install it with pip install '{req}'"
                )
                raise PluginRequirementError(msg, plugin=req.name)
            if match.status != "ok":
                msg = f"required {match.label()} is {match.status}: {match.reason}"
                raise PluginRequirementError(
                    msg, plugin=match.name, distribution=match.distribution, version=match.version
                )
            if req.specifier and (
                match.version is None or not req.specifier.contains(match.version, prereleases=True)
            ):
                msg = (
                    f"required {match.label()} does not satisfy {str(req)!r}; "
                    f"upgrade it with pip install -U '{req}'"
                )
                raise PluginRequirementError(
                    msg, plugin=match.name, distribution=match.distribution, version=match.version
                )

    # -- introspection ---------------------------------------------------------

    def loaded(self) -> list[PluginRecord]:
        """Records of the plugins that loaded cleanly, in load order."""
        return [r for r in self.records.values() if r.status == "ok"]

    def hook_order(self) -> dict[str, list[str]]:
        """Each hook with the names of its implementing plugins, in call order."""
        out: dict[str, list[str]] = {}
        for hook in sorted(HOOK_NAMES):
            caller = getattr(self.pm.hook, hook)
            # pluggy calls its implementation list from the end.
            out[hook] = [
                self.pm.get_name(impl.plugin) or impl.plugin_name
                for impl in reversed(caller.get_hookimpls())
            ]
        return out

    def implementations(self, hook: str) -> list[pluggy.HookImpl]:
        """``hook``'s implementations in the order pluggy calls them, wrappers
        left out (the core combines these hooks' answers itself)."""
        caller = getattr(self.pm.hook, hook)
        return [
            impl
            for impl in reversed(caller.get_hookimpls())
            if not (impl.hookwrapper or impl.wrapper)
        ]

    def call_impl(self, hook: str, impl: pluggy.HookImpl, **kwargs: Any) -> Any:
        """Call one implementation of ``hook`` with the arguments it declares.

        The call goes through pluggy's hook execution, so hook-call monitoring
        (:class:`orchestrion.testing.HookRecorder`, ``pm.enable_tracing()``) sees
        it as a call of ``hook`` with one implementation.
        """
        answers = self.pm._hookexec(hook, [impl], kwargs, False)
        # pluggy leaves None answers out of the (non-firstresult) list.
        return answers[0] if isinstance(answers, list) and answers else None

    def call_each(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call ``hook``'s implementations one at a time in pluggy's call order,
        returning ``(plugin name, answer)`` pairs; used for hooks whose answers
        are merged or awaited by the core rather than by pluggy (see
        :meth:`call_impl`)."""
        return [
            (impl.plugin_name, self.call_impl(hook, impl, **kwargs))
            for impl in self.implementations(hook)
        ]


def _short(exc: BaseException) -> str:
    """pluggy's validation messages span lines and repeat the plugin; keep the gist."""
    text = " ".join(str(exc).split())
    return text if len(text) < 300 else text[:297] + "..."
