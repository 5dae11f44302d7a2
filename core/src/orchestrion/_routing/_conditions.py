"""Condition references compiled into predicates, once, when rules load.

A rule's ``when`` is a tree of :class:`ConditionRef` (name + parameters).
:func:`compile_condition` resolves every name in the registry and validates
every parameter model up front, so an unknown name or a bad parameter is a
:class:`ConfigError` before any data is seen, never a silent "no match".
Combinators (``all``, ``any``, ``not`` and any plugin's own) hold nested
conditions as :class:`Nested` values in their parameters; compiling binds each
to its compiled predicate, so the combinator's ``check`` just calls them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationError
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from .._config import format_validation_error
from .._profile import DataProfile
from .._registrations import Condition, ConditionRef
from .._registry import Table
from ..exceptions import ConfigError

__all__ = [
    "CompiledCondition",
    "ConditionTrace",
    "Nested",
    "compile_condition",
    "parse_when",
    "when_of",
]

log = logging.getLogger("orchestrion.routing")

# Where nested conditions record their trace while a combinator evaluates them;
# None when nobody is tracing. A context variable, so combinators written by
# plugins need not pass anything along.
_SINK: ContextVar[list[ConditionTrace] | None] = ContextVar(
    "orchestrion_condition_sink", default=None
)

_COMBINATOR_KEYS = {"all": "conditions", "any": "conditions", "not": "condition"}


@dataclass(slots=True)
class ConditionTrace:
    """One condition evaluated for one piece of data: what, the result and why.

    ``why`` is worded on demand: building the sentence for every condition of
    every rule would cost more than evaluating the rules.
    """

    condition: str
    result: bool
    profile: DataProfile = field(repr=False)
    children: list[ConditionTrace] = field(default_factory=list)
    error: str | None = None
    nested: bool = False
    reads_data: bool = False

    @property
    def why(self) -> str:
        """Why the condition held or not, in words."""
        if self.error is not None:
            return f"check raised {self.error}; counted as not holding"
        if self.nested:
            held = sum(c.result for c in self.children)
            return f"{held} of {len(self.children)} evaluated nested condition(s) held"
        verb = "holds" if self.result else "does not hold"
        if self.reads_data:
            return f"{verb} for the data itself ({self.profile.summary()})"
        return f"{verb} for {self.profile.summary()}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (children nested)."""
        out: dict[str, Any] = {"condition": self.condition, "result": self.result, "why": self.why}
        if self.error is not None:
            out["error"] = self.error
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        return out


def parse_when(value: object, *, key: str = "when", source: str | None = None) -> ConditionRef:
    """Turn the TOML/JSON form of a condition into a :class:`ConditionRef` tree.

    Accepted forms: ``"is_mapping"`` (a name without parameters);
    ``{condition = "size_over", bytes = 5000}``; ``{all = [...]}``,
    ``{any = [...]}`` and ``{not = {...}}``; and :class:`ConditionRef` itself.
    """
    if isinstance(value, ConditionRef):
        return value
    if isinstance(value, Nested):
        return value.ref
    try:
        if isinstance(value, str):
            return ConditionRef(value)
        if isinstance(value, Mapping):
            if "condition" in value:
                params = {k: v for k, v in value.items() if k != "condition"}
                return ConditionRef(str(value["condition"]), params)
            if len(value) == 1:
                ((name, inner),) = value.items()
                if name in _COMBINATOR_KEYS:
                    return ConditionRef(name, {_COMBINATOR_KEYS[name]: inner})
    except ValueError as exc:
        raise ConfigError(str(exc), source=source, key=key) from None
    msg = (
        "a condition is a name ('is_mapping'), a table with 'condition' and its parameters "
        "({condition = 'size_over', bytes = 5000}) or a combinator ({all = [...]}, "
        f"{{any = [...]}}, {{not = {{...}}}}); got {_shape(value)}"
    )
    raise ConfigError(msg, source=source, key=key)


def when_of(ref: ConditionRef) -> Any:
    """The TOML/JSON form of ``ref`` (the inverse of :func:`parse_when`)."""
    params = {k: _plain(v) for k, v in ref.params.items()}
    key = _COMBINATOR_KEYS.get(ref.name)
    if key is not None and set(params) == {key}:
        return {ref.name: params[key]}
    return {"condition": ref.name, **params} if params else ref.name


def _plain(value: Any) -> Any:
    if isinstance(value, ConditionRef):
        return when_of(value)
    if isinstance(value, Nested):
        return when_of(value.ref)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _shape(value: object) -> str:
    if isinstance(value, Mapping):
        return f"a table with keys {sorted(map(str, value))}"
    return type(value).__name__


class Nested:
    """A condition nested in another condition's parameters (a combinator's).

    Declare combinator parameters with this type (``conditions: tuple[Nested, ...]``);
    they accept the same forms as a rule's ``when``. The router compiles each
    when the rule loads; calling ``nested(data, profile)`` then evaluates it
    (and records it in the explanation).
    """

    __slots__ = ("_compiled", "ref")

    def __init__(self, ref: ConditionRef) -> None:
        self.ref = ref
        self._compiled: CompiledCondition | None = None

    def __call__(self, data: Any, profile: DataProfile) -> bool:
        """Evaluate the nested condition for ``data``."""
        compiled = self._compiled
        if compiled is None:
            msg = f"nested condition {self.ref.name!r} was not compiled; conditions run via rules"
            raise RuntimeError(msg)
        return compiled.evaluate(data, profile, _SINK.get())

    def __repr__(self) -> str:
        return f"Nested({_label(self.ref)})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Validate any form :func:`parse_when` accepts; serialise as the reference."""
        return core_schema.no_info_plain_validator_function(
            cls._validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda n: when_of(n.ref)
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """A condition is a name or a table (see :func:`parse_when`)."""
        return {
            "anyOf": [{"type": "string"}, {"type": "object"}],
            "description": "A condition: a name or a table with 'condition' and parameters.",
        }

    @classmethod
    def _validate(cls, value: object) -> Nested:
        try:
            # Always a fresh object: compiling binds it, and params are per rule.
            return cls(parse_when(value))
        except ConfigError as exc:
            raise ValueError(exc.message) from None


def _label(ref: ConditionRef) -> str:
    if ref.name in _COMBINATOR_KEYS or not ref.params:
        return ref.name
    args = ", ".join(f"{k}={v!r}" for k, v in ref.params.items())
    return f"{ref.name}({args})"


@dataclass(slots=True)
class CompiledCondition:
    """A condition resolved and validated: call :meth:`evaluate`."""

    condition: Condition[Any]
    params: BaseModel
    label: str
    owner: str | None
    profile_only: bool
    nested: tuple[CompiledCondition, ...]
    direct: str | None = None

    def evaluate(self, data: Any, profile: DataProfile, sink: list[ConditionTrace] | None) -> bool:
        """Whether ``data`` satisfies the condition; appends a trace to ``sink``
        when one is given. A check that raises counts as not holding (and the
        trace says so) rather than aborting routing for every item."""
        if self.direct is not None:
            return self._evaluate_direct(data, profile, sink)
        check, params = self.condition.check, self.params
        if not self.nested:
            error = None
            try:
                result = bool(check(data, profile, params))
            except Exception as exc:  # a plugin's check: never take routing down
                self._log(exc)
                result, error = False, f"{type(exc).__name__}: {exc}"
            if sink is not None:
                sink.append(
                    ConditionTrace(
                        self.label,
                        result,
                        profile,
                        [],
                        error,
                        reads_data=not self.condition.profile_only,
                    )
                )
            return result
        # A combinator: its nested conditions record into our children.
        children: list[ConditionTrace] = []
        token = _SINK.set(children if sink is not None else None)
        error = None
        try:
            result = bool(check(data, profile, params))
        except Exception as exc:  # a plugin's check: never take routing down
            self._log(exc)
            result, error = False, f"{type(exc).__name__}: {exc}"
        finally:
            _SINK.reset(token)
        if sink is not None:
            sink.append(ConditionTrace(self.label, result, profile, children, error, nested=True))
        return result

    def _evaluate_direct(
        self, data: Any, profile: DataProfile, sink: list[ConditionTrace] | None
    ) -> bool:
        """``all``/``any``/``not`` evaluated here, with the same short-circuit
        and trace as their checks, minus the context-variable hop per child."""
        children: list[ConditionTrace] | None = [] if sink is not None else None
        if self.direct == "all":
            result = all(n.evaluate(data, profile, children) for n in self.nested)
        elif self.direct == "any":
            result = any(n.evaluate(data, profile, children) for n in self.nested)
        else:
            result = not self.nested[0].evaluate(data, profile, children)
        if sink is not None:
            sink.append(ConditionTrace(self.label, result, profile, children or [], nested=True))
        return result

    def _log(self, exc: Exception) -> None:
        by = f" (plugin {self.owner!r})" if self.owner else ""
        log.warning("condition %s%s raised %s: %s", self.label, by, type(exc).__name__, exc)


def compile_condition(
    ref: ConditionRef,
    conditions: Table[Condition[Any]],
    *,
    key: str = "when",
    source: str | None = None,
) -> CompiledCondition:
    """Resolve ``ref`` (and every nested reference) against the registered
    conditions and validate all parameters; :class:`ConfigError` naming
    ``source`` and the key path otherwise."""
    condition = conditions.require(ref.name, source=source, key=key)
    try:
        params = condition.params.model_validate(dict(ref.params))
    except ValidationError as exc:
        detail = format_validation_error(exc)
        msg = f"bad parameters for condition {ref.name!r}: {detail}"
        raise ConfigError(msg, source=source, key=key) from None
    nested: list[CompiledCondition] = []
    for name, value, path in _nested_values(params):
        sub = compile_condition(value.ref, conditions, key=f"{key}.{name}{path}", source=source)
        value._compiled = sub
        nested.append(sub)
    return CompiledCondition(
        condition=condition,
        params=params,
        label=_label(ref),
        owner=conditions.owner(ref.name),
        profile_only=condition.profile_only and all(n.profile_only for n in nested),
        nested=tuple(nested),
        direct=_DIRECT.get(condition.check),
    )


#: Combinator checks evaluated by the router itself: check function -> kind
#: (``all``, ``any`` or ``not``). Only the built-in plugin registers here, for
#: its own functions; any other combinator goes through its check and Nested.
_DIRECT: dict[Callable[..., bool], str] = {}


def evaluate_directly(check: Callable[..., bool], kind: str) -> None:
    """Let the router evaluate ``check``'s nested conditions itself (``kind``
    is ``all``, ``any`` or ``not``): the same result and trace, faster."""
    if kind not in _COMBINATOR_KEYS:
        msg = f"kind must be one of {sorted(_COMBINATOR_KEYS)}, got {kind!r}"
        raise ValueError(msg)
    _DIRECT[check] = kind


def _nested_values(params: BaseModel) -> list[tuple[str, Nested, str]]:
    """Every :class:`Nested` in ``params``' fields: ``(field, nested, sub-path)``."""
    found: list[tuple[str, Nested, str]] = []
    for name in type(params).model_fields:
        value = getattr(params, name)
        if isinstance(value, Nested):
            found.append((name, value, ""))
        elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
            found.extend((name, v, f".{i}") for i, v in enumerate(value) if isinstance(v, Nested))
        elif isinstance(value, Mapping):
            found.extend((name, v, f".{k}") for k, v in value.items() if isinstance(v, Nested))
    return found
