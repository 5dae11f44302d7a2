"""What plugins register: component types, conditions, rules, handlers, backends.

These are frozen dataclasses validated on construction, so a plugin that builds
a bad one fails inside its own hook call, where the plugin manager can name it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from ._event import Event
    from ._profile import DataProfile

__all__ = [
    "ComponentType",
    "Condition",
    "ConditionRef",
    "EventHandler",
    "ExecutorType",
    "NoOptions",
    "RoutingRule",
    "StateStoreType",
]

# Dotted lower-case names: "json.parse", "llm.summarise", "size_over".
_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_-]*)*$")

OptionsT = TypeVar("OptionsT", bound=BaseModel)
ParamsT = TypeVar("ParamsT", bound=BaseModel)


class NoOptions(BaseModel):
    """The options model of a component type or condition that takes none."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_name(kind: str, name: object) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        msg = (
            f"{kind} name {name!r} is not a dotted lower-case name "
            "(letters, digits and '_', parts separated by '.', e.g. 'json.parse')"
        )
        raise ValueError(msg)


def _check_model(kind: str, name: str, model: object) -> None:
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        msg = f"{kind} {name!r}: options must be a pydantic BaseModel subclass, got {model!r}"
        raise TypeError(msg)


def _check_callable(kind: str, name: str, what: str, value: object) -> None:
    if not callable(value):
        msg = f"{kind} {name!r}: {what} must be callable, got {type(value).__name__}"
        raise TypeError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class ComponentType(Generic[OptionsT]):
    """A named kind of component, registered through ``register_components``.

    ``factory(options)`` builds a component from a validated instance of
    ``options``; it is called on demand, the first time a step needs a
    component of this type with those options, and the result is pooled.
    A component is any object with ``process(data, ctx)``, sync or async (see
    :class:`orchestrion.protocols.Component`).

    ``emits`` is ``"one"`` when ``process`` returns one output, ``"many"`` when it
    returns an iterable (or async iterable) of items that downstream per-item
    steps fan out over. ``capabilities`` are the abstract services the type
    provides (``"json.parsing"``); ``after`` and ``before`` order it among other
    component types when a route is assembled from requirements.
    """

    name: str
    factory: Callable[[OptionsT], Any]
    options: type[OptionsT] = NoOptions  # type: ignore[assignment]
    description: str = ""
    capabilities: frozenset[str] = frozenset()
    after: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    emits: Literal["one", "many"] = "one"

    def __post_init__(self) -> None:
        _check_name("component type", self.name)
        _check_callable("component type", self.name, "factory", self.factory)
        _check_model("component type", self.name, self.options)
        if self.emits not in ("one", "many"):
            msg = f"component type {self.name!r}: emits must be 'one' or 'many'"
            raise ValueError(msg)
        object.__setattr__(self, "capabilities", frozenset(self.capabilities))
        object.__setattr__(self, "after", tuple(self.after))
        object.__setattr__(self, "before", tuple(self.before))
        for other in (*self.after, *self.before):
            _check_name(f"component type {self.name!r}: ordering hint", other)
        if self.name in self.after or self.name in self.before:
            msg = f"component type {self.name!r} cannot be ordered relative to itself"
            raise ValueError(msg)


#: A condition's check: ``check(data, profile, params) -> bool``.
ConditionCheck = Callable[[Any, "DataProfile", Any], bool]


@dataclass(frozen=True, slots=True, kw_only=True)
class Condition(Generic[ParamsT]):
    """A named predicate over data, registered through ``register_conditions``.

    ``check(data, profile, params)`` returns whether the data satisfies the
    condition; ``params`` is a validated instance of ``params_model``. Config and
    rules refer to conditions by name with parameters; nothing is ever
    evaluated from a string.

    ``profile_only`` declares that ``check`` reads only the profile, never the
    data, so its answer is the same for equal profiles and routing decisions
    that depend on it may be cached by profile.
    """

    name: str
    check: Callable[[Any, DataProfile, ParamsT], bool]
    params: type[ParamsT] = NoOptions  # type: ignore[assignment]
    description: str = ""
    profile_only: bool = False

    def __post_init__(self) -> None:
        _check_name("condition", self.name)
        _check_callable("condition", self.name, "check", self.check)
        _check_model("condition", self.name, self.params)


@dataclass(frozen=True, slots=True)
class ConditionRef:
    """A reference to a condition by name, with its parameters: ``size_over(bytes=5000)``
    is ``ConditionRef("size_over", {"bytes": 5000})``. Combinators such as ``all``
    take nested references in their parameters."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_name("condition", self.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class RoutingRule:
    """``when <condition> then <route>``, registered through ``register_routing_rules``
    or written in config. Rules are evaluated by descending ``priority`` then by
    ``name``; the first whose condition holds decides the route."""

    name: str
    when: ConditionRef
    route: tuple[str, ...]
    priority: int = 0
    description: str = ""

    def __post_init__(self) -> None:
        _check_name("rule", self.name)
        when: object = self.when  # typed, but plugins may pass anything at run time
        if not isinstance(when, ConditionRef):
            msg = f"rule {self.name!r}: when must be a ConditionRef, got {type(when).__name__}"
            raise TypeError(msg)
        object.__setattr__(self, "route", tuple(self.route))
        if not self.route:
            msg = f"rule {self.name!r}: route must name at least one component type"
            raise ValueError(msg)
        for name in self.route:
            _check_name(f"rule {self.name!r}: route entry", name)


@dataclass(frozen=True, slots=True, kw_only=True)
class EventHandler:
    """An async callable subscribed to event types, registered through
    ``register_event_handlers``.

    ``types`` holds exact event types (``"run.finished"``) or prefix patterns
    (``"step.*"``). ``timeout`` bounds one delivery in seconds; ``retries`` is how
    many more times a failed delivery is tried.
    """

    name: str
    types: tuple[str, ...]
    handler: Callable[[Event], Awaitable[None]]
    timeout: float | None = 10.0
    retries: int = 0

    def __post_init__(self) -> None:
        _check_name("event handler", self.name)
        _check_callable("event handler", self.name, "handler", self.handler)
        object.__setattr__(self, "types", tuple(self.types))
        if not self.types:
            msg = f"event handler {self.name!r}: types must name at least one event type"
            raise ValueError(msg)
        if self.retries < 0:
            msg = f"event handler {self.name!r}: retries must be >= 0"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecutorType:
    """A place where step calls run (local, Dask), registered through
    ``register_executors``. ``factory(options)`` builds the executor."""

    name: str
    factory: Callable[[Any], Any]
    options: type[BaseModel] = NoOptions
    description: str = ""

    def __post_init__(self) -> None:
        _check_name("executor", self.name)
        _check_callable("executor", self.name, "factory", self.factory)
        _check_model("executor", self.name, self.options)


@dataclass(frozen=True, slots=True, kw_only=True)
class StateStoreType:
    """Where runs are persisted (memory, SQLite), registered through
    ``register_state_stores``. ``factory(options)`` builds the store."""

    name: str
    factory: Callable[[Any], Any]
    options: type[BaseModel] = NoOptions
    description: str = ""

    def __post_init__(self) -> None:
        _check_name("state store", self.name)
        _check_callable("state store", self.name, "factory", self.factory)
        _check_model("state store", self.name, self.options)
