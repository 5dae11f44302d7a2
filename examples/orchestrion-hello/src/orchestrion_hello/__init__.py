"""orchestrion-hello: the smallest complete third-party Orchestrion plugin.

It shows the whole shape of a plugin distribution:

- a component type, ``hello.greet``, with a strict pydantic options model and
  an ``async`` ``process``;
- a condition, ``hello.is_greeting``, with typed parameters, usable in routing
  rules as ``hello.is_greeting()`` or ``hello.is_greeting(words=["hi"])``;
- the two ``@orchestrion.hookimpl`` functions that register them;
- the entry point in ``pyproject.toml`` that makes Orchestrion find it
  (group ``orchestrion``, name ``hello``).

Block it with ``orchestrion -p no:hello ...``; it is then never imported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

import orchestrion
from orchestrion import ComponentType, Condition, DataProfile, StepContext

__all__ = [
    "GreetOptions",
    "Greeter",
    "GreetingParams",
    "is_greeting",
    "register_components",
    "register_conditions",
]

__version__ = "0.1.0"


class GreetOptions(BaseModel):
    """Options of ``hello.greet``; unknown keys are rejected (``extra="forbid"``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    greeting: str = Field(default="Hello", min_length=1, description="The word to greet with.")
    punctuation: str = Field(default="!", max_length=3, description="Appended to the greeting.")
    shout: bool = Field(default=False, description="Upper-case the whole greeting.")


class Greeter:
    """The ``hello.greet`` component: greets a name.

    The input is a name (``"Ada"``) or a mapping with a ``"name"`` key
    (``{"name": "Ada"}``); the output is the greeting text.
    """

    def __init__(self, options: GreetOptions) -> None:
        self.options = options

    async def process(self, data: Any, ctx: StepContext) -> str:
        """Return ``"<greeting>, <name><punctuation>"`` for one input."""
        name = _name_of(data, ctx.step)
        text = f"{self.options.greeting}, {name}{self.options.punctuation}"
        return text.upper() if self.options.shout else text


def _name_of(data: Any, step: str) -> str:
    if isinstance(data, str):
        return data.strip() or "world"
    if isinstance(data, Mapping) and isinstance(data.get("name"), str):
        return str(data["name"])
    # A permanent error: retrying cannot turn this input into a name.
    msg = (
        f"hello.greet takes a name or a mapping with a 'name' string, got {type(data).__name__}; "
        "route other data elsewhere (see the hello.is_greeting condition)"
    )
    raise orchestrion.PermanentError(msg, step=step, component="hello.greet")


class GreetingParams(BaseModel):
    """Parameters of ``hello.is_greeting``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    words: tuple[str, ...] = Field(
        default=("hello", "hi", "hey", "greetings"),
        min_length=1,
        description="Words that make a text a greeting when it starts with one (case-insensitive).",
    )


def is_greeting(data: Any, profile: DataProfile, params: GreetingParams) -> bool:
    """Whether ``data`` is text that starts with one of ``params.words``."""
    if not isinstance(data, str):
        return False
    # Only the first word matters, so never look past a short prefix.
    first = data[:64].lstrip().split(maxsplit=1)
    if not first:
        return False
    word = first[0].rstrip(",.!?;:").lower()
    return word in {w.lower() for w in params.words}


@orchestrion.hookimpl
def register_components(register: Callable[[ComponentType[Any]], None]) -> None:
    """Register the ``hello.greet`` component type."""
    register(
        ComponentType(
            name="hello.greet",
            factory=Greeter,
            options=GreetOptions,
            description="Greet a name: 'Ada' becomes 'Hello, Ada!'.",
            capabilities=frozenset({"hello.greeting"}),
        )
    )


@orchestrion.hookimpl
def register_conditions(register: Callable[[Condition[Any]], None]) -> None:
    """Register the ``hello.is_greeting`` condition."""
    register(
        Condition(
            name="hello.is_greeting",
            check=is_greeting,
            params=GreetingParams,
            description="Text that starts with a greeting word (hello, hi, hey, ...).",
        )
    )
