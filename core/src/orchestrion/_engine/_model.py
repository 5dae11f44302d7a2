"""The workflow model: a named DAG of steps, plus a small builder for Python.

A workflow is data. It is checked for shape here (names, types, duplicate
steps); everything that needs the plugins (component types, options, cycles,
fan-out) is checked against an orchestrator's registry by ``_plan``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .._resilience._policy import Policy
from ..exceptions import ConfigError

__all__ = ["Step", "Workflow", "WorkflowBuilder"]

_STEP_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class Step(BaseModel):
    """One step of a workflow: which component type processes what.

    The step receives the run input when it has no dependencies, its
    dependency's output when it has one, and a mapping of dependency name to
    output when it has several.

    ``for_each`` names a dependency that produces many items (a component type
    with ``emits="many"``, or another per-item step): this step then runs once
    per item, concurrently, and its output is the list of item results in the
    original order. A step that depends on a many-item step without iterating
    it must say ``gather = true`` and receives that list.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    component: str = Field(description="The component type, e.g. 'json.parse'.")
    options: dict[str, Any] = Field(
        default_factory=dict, description="Options, validated against the type's options model."
    )
    depends_on: tuple[str, ...] = Field(
        default=(), description="Steps whose outputs this step needs."
    )
    for_each: str | None = Field(
        default=None,
        description="Run once per item of this dependency (fan-out); implies depends_on.",
    )
    gather: bool = Field(
        default=False,
        description="Receive the ordered list of items of the many-item dependencies.",
    )
    policy: Policy | None = Field(
        default=None, description="Resilience policy; unset fields inherit the workflow's."
    )
    executor: str | None = Field(
        default=None, description="Where the step's calls run (default: 'local')."
    )

    @model_validator(mode="before")
    @classmethod
    def _for_each_is_a_dependency(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("for_each"), str):
            deps = data.get("depends_on", ())
            if isinstance(deps, str):
                deps = (deps,)
            if isinstance(deps, list | tuple) and data["for_each"] not in deps:
                data = {**data, "depends_on": (*deps, data["for_each"])}
        return data

    @field_validator("depends_on", mode="before")
    @classmethod
    def _one_name_is_a_list(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @field_validator("depends_on")
    @classmethod
    def _no_repeats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        seen: set[str] = set()
        for name in value:
            if name in seen:
                msg = f"dependency {name!r} is listed twice"
                raise ValueError(msg)
            seen.add(name)
        return value


class Workflow(BaseModel):
    """A named DAG of steps, in declaration order.

    Load one from a file with :func:`orchestrion.load_workflow`, validate a
    mapping with ``Workflow.model_validate``, or build one in Python::

        wf = (
            Workflow.builder("report")
            .step("lines", "core.lines")
            .step("words", "core.count", options={"unit": "words"}, for_each="lines")
            .step("stats", "core.stats", depends_on=["words"], gather=True)
            .build()
        )

    ``steps`` may also be given as a list of mappings with a ``name`` key.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(default="workflow", min_length=1, description="The workflow's name.")
    description: str = Field(default="", description="What the workflow does.")
    steps: dict[str, Step] = Field(description="The steps by name, in declaration order.")
    policy: Policy | None = Field(
        default=None, description="Resilience policy for every step (steps may override)."
    )
    deadline: float | None = Field(
        default=None, gt=0, description="Seconds the whole run may take (null: no limit)."
    )

    @field_validator("steps", mode="before")
    @classmethod
    def _list_form(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        out: dict[str, Any] = {}
        for index, entry in enumerate(value):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
                msg = f"entry {index} needs a 'name'"
                raise ValueError(msg)  # noqa: TRY004 - pydantic turns ValueError into its error
            name = entry["name"]
            if name in out:
                msg = f"duplicate step name {name!r}"
                raise ValueError(msg)
            out[name] = {k: v for k, v in entry.items() if k != "name"}
        return out

    @field_validator("steps")
    @classmethod
    def _step_names(cls, value: dict[str, Step]) -> dict[str, Step]:
        for name in value:
            if not _STEP_NAME.match(name):
                msg = (
                    f"step name {name!r} must start with a letter or '_' and contain only "
                    "letters, digits, '_' and '-'"
                )
                raise ValueError(msg)
        return value

    @classmethod
    def builder(cls, name: str = "workflow", *, description: str = "") -> WorkflowBuilder:
        """Start building a workflow in Python; see :class:`WorkflowBuilder`."""
        return WorkflowBuilder(name, description=description)


class WorkflowBuilder:
    """Builds a :class:`Workflow` step by step; every method returns the builder.

    Adding a step name twice raises :class:`~orchestrion.ConfigError` at once.
    """

    def __init__(self, name: str = "workflow", *, description: str = "") -> None:
        self._name = name
        self._description = description
        self._steps: dict[str, dict[str, Any]] = {}
        self._policy: Policy | None = None
        self._deadline: float | None = None

    def step(
        self,
        name: str,
        component: str,
        *,
        options: Mapping[str, Any] | None = None,
        depends_on: Iterable[str] | str = (),
        for_each: str | None = None,
        gather: bool = False,
        policy: Policy | None = None,
        executor: str | None = None,
    ) -> Self:
        """Add a step (see :class:`Step` for the meaning of each argument)."""
        if name in self._steps:
            msg = f"duplicate step name {name!r}; every step needs its own name"
            raise ConfigError(msg, source="<builder>", key=f"steps.{name}")
        deps = (depends_on,) if isinstance(depends_on, str) else tuple(depends_on)
        entry: dict[str, Any] = {"component": component, "depends_on": deps, "gather": gather}
        if options:
            entry["options"] = dict(options)
        if for_each is not None:
            entry["for_each"] = for_each
        if policy is not None:
            entry["policy"] = policy
        if executor is not None:
            entry["executor"] = executor
        self._steps[name] = entry
        return self

    def policy(self, policy: Policy) -> Self:
        """Set the workflow-wide resilience policy."""
        self._policy = policy
        return self

    def deadline(self, seconds: float | None) -> Self:
        """Set the deadline of the whole run, in seconds."""
        self._deadline = seconds
        return self

    def build(self) -> Workflow:
        """The finished workflow; a :class:`~orchestrion.ConfigError` if a field is bad."""
        from ._loader import workflow_from_mapping

        data: dict[str, Any] = {
            "name": self._name,
            "description": self._description,
            "steps": self._steps,
            "deadline": self._deadline,
        }
        if self._policy is not None:
            data["policy"] = self._policy
        return workflow_from_mapping(data, source="<builder>")
