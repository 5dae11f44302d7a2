"""Asking every plugin what a piece of data needs (``analyze_requirements``).

Plugins are asked one at a time in pluggy's call order, each inside its own
error isolation. A plugin that raises, or answers with something other than a
sequence of names, fails the plan with a :class:`PluginValidationError` naming
it: skipping it would silently drop whatever it requires, and "nothing
required is ever dropped" is the contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .._plugins._manager import PluginSet
from .._profile import DataProfile
from ..exceptions import ConfigError, PluginValidationError

__all__ = ["Answer", "ask_plugins", "merge_answers"]

HOOK = "analyze_requirements"


@dataclass(frozen=True, slots=True)
class Answer:
    """One plugin's answer: the component types (or capabilities) it requires."""

    plugin: str
    types: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {"plugin": self.plugin, "requires": list(self.types)}


def _fail(plugins: PluginSet, name: str, problem: str) -> PluginValidationError:
    record = plugins.records.get(name)
    label = record.label() if record is not None else f"plugin {name!r}"
    msg = f"{label} {problem} in {HOOK}(); fix it or disable it with -p no:{name}"
    return PluginValidationError(
        msg,
        plugin=name,
        distribution=record.distribution if record else None,
        version=record.version if record else None,
    )


def ask_plugins(plugins: PluginSet, data: Any, profile: DataProfile) -> list[Answer]:
    """Every plugin's answer, in call order (plugins answering nothing included)."""
    answers = []
    for impl in plugins.implementations(HOOK):
        name = plugins.pm.get_name(impl.plugin) or impl.plugin_name
        try:
            returned = plugins.call_impl(
                HOOK, impl, data=data, profile=profile, config=plugins.config
            )
        except ConfigError:
            raise  # the user's [table] is wrong: exit 2 naming the key, not a plugin error
        except Exception as exc:  # a plugin's own code: name it, never crash obscurely
            raise _fail(plugins, name, f"raised {type(exc).__name__}: {exc}") from exc
        answers.append(Answer(name, _check(plugins, name, returned)))
    return answers


def _check(plugins: PluginSet, name: str, returned: object) -> tuple[str, ...]:
    if returned is None:
        return ()
    if isinstance(returned, str | bytes) or not isinstance(returned, Sequence | set | frozenset):
        problem = f"returned {type(returned).__name__}, expected a sequence of component type names"
        raise _fail(plugins, name, problem)
    bad = [item for item in returned if not isinstance(item, str)]
    if bad:
        problem = f"returned a non-string entry {bad[0]!r}, expected component type names"
        raise _fail(plugins, name, problem)
    items = sorted(returned) if isinstance(returned, set | frozenset) else list(returned)
    return tuple(items)


def merge_answers(answers: Sequence[Answer]) -> list[str]:
    """The union of all answers, each name once, in order of first mention."""
    return list(dict.fromkeys(name for answer in answers for name in answer.types))
