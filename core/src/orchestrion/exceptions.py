"""The one exception tree of Orchestrion.

Every exception carries its culprit (a plugin, a step, a file or key path) as
attributes, and its message says what to do about it. The CLI maps the
families to stable exit codes (``exit_code``)::

    OrchestrionError                    base class, never raised itself
    ├── ConfigError                     bad configuration, workflow or usage (exit 2)
    ├── PluginError                     a plugin cannot be used (exit 3)
    │   ├── PluginLoadError             importing the entry point failed
    │   ├── PluginValidationError       unknown hook, wrong hook arguments, bad registration
    │   ├── PluginConflictError         two plugins register the same name
    │   └── PluginRequirementError      a required plugin is missing or too old
    ├── ComponentError                  raised by or about a component while processing
    │   ├── TransientError              worth retrying (may carry ``retry_after``)
    │   ├── PermanentError              never worth retrying
    │   │   ├── ParseError              input could not be parsed
    │   │   └── ValidationFailed        input did not validate (carries every error)
    │   ├── CircuitOpenError            a circuit breaker rejected the call
    │   └── AttemptTimeout              one attempt overran its limit (also a TimeoutError)
    ├── RunFailed                       a run ended failed, partial or cancelled (exit 1)
    └── StateError                      the state store cannot be used as asked (exit 2)
        └── RunLeaseError               another live process owns the run (exit 4)

Exceptions never copy the data being processed into their message: they name
sizes, types and positions instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

__all__ = [
    "AttemptTimeout",
    "CircuitOpenError",
    "ComponentError",
    "ConfigError",
    "OrchestrionError",
    "ParseError",
    "PermanentError",
    "PluginConflictError",
    "PluginError",
    "PluginLoadError",
    "PluginRequirementError",
    "PluginValidationError",
    "RunFailed",
    "RunLeaseError",
    "StateError",
    "TransientError",
    "ValidationFailed",
]


class OrchestrionError(Exception):
    """Base class of every exception Orchestrion raises on purpose.

    ``exit_code`` is the status the CLI exits with when this error reaches it.
    """

    exit_code: ClassVar[int] = 1


class ConfigError(OrchestrionError):
    """Raised by loaders and validators when configuration, a workflow or a CLI
    argument is wrong.

    ``source`` names the file (or ``"<cli>"``, ``"<env>"``), ``key`` the dotted key
    path inside it, e.g. ``steps.parse.options.max_depth``.
    """

    exit_code: ClassVar[int] = 2

    def __init__(self, message: str, *, source: str | None = None, key: str | None = None):
        self.source = source
        self.key = key
        prefix = ""
        if source and key:
            prefix = f"{source}: {key}: "
        elif source:
            prefix = f"{source}: "
        elif key:
            prefix = f"{key}: "
        super().__init__(prefix + message)
        self.message = message


class PluginError(OrchestrionError):
    """Raised by the plugin manager when a plugin cannot be used.

    ``plugin`` is the plugin's name (entry-point name), ``distribution`` and
    ``version`` the installed distribution that provides it, when known.
    """

    exit_code: ClassVar[int] = 3

    def __init__(
        self,
        message: str,
        *,
        plugin: str,
        distribution: str | None = None,
        version: str | None = None,
    ):
        self.plugin = plugin
        self.distribution = distribution
        self.version = version
        super().__init__(message)
        self.message = message


class PluginLoadError(PluginError):
    """Raised when importing a plugin's entry point fails."""


class PluginValidationError(PluginError):
    """Raised when a plugin implements an unknown hook, declares arguments the
    hook does not have, or registers something invalid."""


class PluginConflictError(PluginError):
    """Raised when two plugins register the same name; ``other`` is the plugin
    that registered it first."""

    def __init__(
        self,
        message: str,
        *,
        plugin: str,
        other: str,
        distribution: str | None = None,
        version: str | None = None,
    ):
        self.other = other
        super().__init__(message, plugin=plugin, distribution=distribution, version=version)


class PluginRequirementError(PluginError):
    """Raised when a plugin listed in ``plugins.required`` is missing, blocked or
    too old."""


class ComponentError(OrchestrionError):
    """Base class of errors raised by components (or about them) while they
    process data. ``step`` and ``component`` are filled in by the engine when
    the error passes through it."""

    def __init__(self, message: str, *, step: str | None = None, component: str | None = None):
        self.step = step
        self.component = component
        super().__init__(message)
        self.message = message


class TransientError(ComponentError):
    """Raise from a component when the failure is temporary and the call is worth
    retrying (an overloaded service, a dropped connection).

    ``retry_after`` (seconds), when given, is the earliest sensible moment for
    the next attempt; retries honour it.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        step: str | None = None,
        component: str | None = None,
    ):
        self.retry_after = retry_after
        super().__init__(message, step=step, component=component)


class PermanentError(ComponentError):
    """Raise from a component when retrying cannot help (the input is wrong)."""


class ParseError(PermanentError):
    """Raised by parsing components when their input is not well formed.

    ``line`` and ``column`` (1-based) locate the problem when known.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        step: str | None = None,
        component: str | None = None,
    ):
        self.line = line
        self.column = column
        if line is not None and column is not None:
            message = f"{message} (line {line}, column {column})"
        super().__init__(message, step=step, component=component)


class ValidationFailed(PermanentError):
    """Raised by validating components when the input does not conform.

    ``errors`` holds every problem found, each a mapping with at least
    ``pointer`` (a JSON Pointer into the input) and ``message``.
    """

    def __init__(
        self,
        message: str,
        *,
        errors: Sequence[dict[str, Any]] = (),
        step: str | None = None,
        component: str | None = None,
    ):
        self.errors = list(errors)
        super().__init__(message, step=step, component=component)


class CircuitOpenError(ComponentError):
    """Raised by a circuit breaker when it rejects a call without making it.

    ``breaker`` is the breaker's name (the component type), ``retry_after`` the
    seconds until it will let a trial call through, or ``None`` when that is
    unknown (forced open, or every half-open trial slot taken); retries wait
    for it only when it fits their budget.
    """

    def __init__(
        self,
        message: str,
        *,
        breaker: str,
        retry_after: float | None,
        step: str | None = None,
    ):
        self.breaker = breaker
        self.retry_after = retry_after
        super().__init__(message, step=step, component=breaker)


class AttemptTimeout(ComponentError, TimeoutError):
    """Raised by the resilience layer when one attempt of a step overruns its
    ``timeout.attempt`` limit; ``limit`` is that limit in seconds.

    It is a :class:`TimeoutError`, so the default retry policy retries it. A
    deadline or cancellation from *outside* the step is never turned into this
    error: it reaches the step as cancellation.
    """

    def __init__(
        self,
        message: str,
        *,
        limit: float,
        step: str | None = None,
        component: str | None = None,
    ):
        self.limit = limit
        super().__init__(message, step=step, component=component)


class RunFailed(OrchestrionError):
    """Raised by :meth:`Orchestrator.run_sync` helpers and the CLI when a run
    ends ``failed``, ``partial`` or ``cancelled``; ``run_id`` names it."""

    def __init__(self, message: str, *, run_id: str):
        self.run_id = run_id
        super().__init__(message)


class StateError(OrchestrionError):
    """Raised by state stores and by resume when the store cannot be used as
    asked: a corrupted or foreign database file, an unknown run id, a run that
    cannot be resumed (finished, or its workflow or plugin set changed).

    ``path`` names the store file (when there is one), ``run_id`` the run.
    """

    exit_code: ClassVar[int] = 2

    def __init__(self, message: str, *, path: str | None = None, run_id: str | None = None):
        self.path = path
        self.run_id = run_id
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message


class RunLeaseError(StateError):
    """Raised by a state store when a run is owned by another live process (its
    lease has not expired); ``owner`` is ``pid@host`` of that process."""

    exit_code: ClassVar[int] = 4

    def __init__(
        self, message: str, *, owner: str, path: str | None = None, run_id: str | None = None
    ):
        self.owner = owner
        super().__init__(message, path=path, run_id=run_id)
