"""Validation of a workflow against a registry, compiled into an executable plan.

Everything that can be known before a run is checked here, and every problem
is reported at once as one :class:`ConfigError` naming the step and key path:
dangling dependencies, cycles (with the cycle's path), unknown component types
and executors (with a did-you-mean and the plugin that would provide them),
options that do not validate, fan-out over a step that does not emit many,
and resilience policies (exception names, breaker settings, fallback
component types). Each node gets its :class:`PolicyRunner`, built once here.
"""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from .._registrations import ComponentType
from .._registry import Registry
from .._resilience._apply import FallbackHooks, PolicyRunner
from .._resilience._breakers import BreakerRegistry
from .._resilience._failures import FailureLog
from .._resilience._policy import Policy, merge_policies
from ..exceptions import ConfigError
from ._loader import validation_message
from ._model import Step, Workflow
from ._pool import ComponentPool

__all__ = ["Alternative", "Node", "Plan", "compile_plan"]

# How a unit's input is assembled (see Node.kind).
K_ROOT, K_ONE, K_MAP, K_ITEM, K_ITEM_MAP = range(5)

# First-party plugins, by the prefix of the component types they provide.
FIRST_PARTY = frozenset({"json", "chunking", "validator", "numeric", "llm", "dask"})


@dataclass(slots=True, eq=False)
class Alternative:
    """A fallback component type of a step (``policy.fallback.components``),
    run with its default options on the step's input."""

    ctype: ComponentType[Any]
    options: BaseModel
    pool: ComponentPool


@dataclass(slots=True, eq=False)
class Node:
    """One step, resolved: its component type, validated options, pool and edges.

    Indices refer to :attr:`Plan.nodes`, which is in topological order.
    """

    index: int
    name: str
    step: Step
    ctype: ComponentType[Any]
    options: BaseModel
    policy: Policy
    runner: PolicyRunner
    pool: ComponentPool
    executor: Any
    direct: bool  # the local executor: async components are awaited inline
    remote: bool  # the executor rebuilds components elsewhere: no local instance
    emits_many: bool
    fail_fast: bool
    limited: bool  # its component type has a concurrency limit
    deps: tuple[int, ...] = ()
    kind: int = K_ROOT
    # K_MAP / K_ITEM_MAP: (dependency name, index, whether the item is taken)
    inputs: tuple[tuple[str, int, bool], ...] = ()
    per_item: bool = False
    lane: int = -1  # the fan-out root this per-item step iterates
    source: int = -1  # the for_each dependency
    whole_deps: int = 0  # dependencies that must finish as a whole
    item_deps: int = 0  # per-item dependencies of the same lane (zipped by index)
    whole_succ: list[int] = field(default_factory=list)
    item_succ: list[int] = field(default_factory=list)
    lane_nodes: list[int] = field(default_factory=list)  # for a fan-out root
    alternatives: dict[str, Alternative] = field(default_factory=dict)
    fallback_hooks: FallbackHooks | None = None  # asked provide_fallback


@dataclass(slots=True, eq=False)
class Plan:
    """A validated workflow ready to run."""

    workflow: Workflow
    nodes: list[Node]
    by_name: dict[str, int]
    roots: list[int]
    sinks: list[int]
    fail_fast: bool


class _Problems:
    def __init__(self, source: str | None) -> None:
        self.source = source
        self.items: list[tuple[str, str | None]] = []

    def add(self, message: str, key: str | None) -> None:
        self.items.append((message, key))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        if len(self.items) == 1:
            message, key = self.items[0]
            raise ConfigError(message, source=self.source, key=key)
        text = "; ".join(f"{key}: {msg}" if key else msg for msg, key in self.items)
        msg = f"{len(self.items)} problems: {text}"
        raise ConfigError(msg, source=self.source)


def _find_cycle(steps: Mapping[str, Step]) -> list[str] | None:
    """A dependency cycle as a path ``[a, b, ..., a]``, or ``None``."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in steps:
        if state.get(start):
            continue
        path: list[str] = [start]
        stack = [iter(steps[start].depends_on)]
        state[start] = 1
        while stack:
            dep = next(stack[-1], None)
            if dep is None:
                state[path.pop()] = 2
                stack.pop()
            elif dep not in steps or state.get(dep) == 2:
                continue
            elif state.get(dep) == 1:
                return [*path[path.index(dep) :], dep]
            else:
                state[dep] = 1
                path.append(dep)
                stack.append(iter(steps[dep].depends_on))
    return None


def _topological(steps: Mapping[str, Step]) -> list[str]:
    """Steps in dependency order; ties keep declaration order (a heap keyed by
    declaration index, so wide graphs stay O(n log n))."""
    pending = {name: len(step.depends_on) for name, step in steps.items()}
    children: dict[str, list[str]] = {name: [] for name in steps}
    for name, step in steps.items():
        for dep in step.depends_on:
            children[dep].append(name)
    order = {name: i for i, name in enumerate(steps)}
    ready = [(order[name], name) for name, n in pending.items() if n == 0]
    heapq.heapify(ready)
    out: list[str] = []
    while ready:
        _, name = heapq.heappop(ready)
        out.append(name)
        for child in children[name]:
            pending[child] -= 1
            if pending[child] == 0:
                heapq.heappush(ready, (order[child], child))
    return out


def provider_hint(name: str, records: Mapping[str, Any]) -> str:
    """Which plugin would provide component type ``name``, when that is known."""
    prefix = name.split(".", 1)[0]
    for record in records.values():
        if prefix in (record.name, (record.distribution or "").removeprefix("orchestrion-")):
            if record.status != "ok":
                return f"; plugin {record.name!r} would provide it but is {record.status}"
            return ""
    if prefix in FIRST_PARTY:
        return f"; it is provided by orchestrion-{prefix}: pip install orchestrion-{prefix}"
    return ""


def compile_plan(
    workflow: Workflow,
    registry: Registry,
    *,
    pool_for: Callable[[ComponentType[Any], BaseModel], ComponentPool],
    executor_for: Callable[[str], tuple[Any, bool]],
    default_executor: str,
    limits: Mapping[str, int],
    base_policy: Policy | None = None,
    records: Mapping[str, Any] | None = None,
    source: str | None = None,
    breakers: BreakerRegistry | None = None,
    failure_log: FailureLog | None = None,
    fallback_hooks: FallbackHooks | None = None,
) -> Plan:
    """Validate ``workflow`` against ``registry`` and compile it; one
    :class:`ConfigError` listing every problem when it is not runnable."""
    steps = workflow.steps
    problems = _Problems(source)
    for name, step in steps.items():
        for dep in step.depends_on:
            if dep not in steps:
                close = difflib.get_close_matches(dep, list(steps), n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                problems.add(f"unknown step {dep!r}{hint}", f"steps.{name}.depends_on")
    problems.raise_if_any()
    cycle = _find_cycle(steps)
    if cycle is not None:
        problems.add(f"dependency cycle: {' -> '.join(cycle)}", f"steps.{cycle[0]}.depends_on")
    problems.raise_if_any()

    wf_policy = merge_policies(base_policy, workflow.policy)
    names = _topological(steps)
    by_name = {name: i for i, name in enumerate(names)}
    nodes: list[Node | None] = [None] * len(names)
    executors: dict[str, tuple[Any, bool]] = {}
    for i, name in enumerate(names):
        step = steps[name]
        key = f"steps.{name}"
        try:
            ctype = registry.components.require(step.component, key=f"{key}.component")
        except ConfigError as exc:
            problems.add(exc.message + provider_hint(step.component, records or {}), exc.key)
            continue
        try:
            options = ctype.options.model_validate(step.options)
        except ValidationError as exc:
            message, at = validation_message(exc, prefix=f"{key}.options")
            problems.add(message, at)
            continue
        ex_name = step.executor or default_executor
        if ex_name not in executors:
            try:
                registry.executors.require(ex_name, key=f"{key}.executor")
            except ConfigError as exc:
                problems.add(exc.message, exc.key)
                continue
            executors[ex_name] = executor_for(ex_name)
        executor, direct = executors[ex_name]
        try:
            policy = wf_policy if step.policy is None else merge_policies(wf_policy, step.policy)
            runner = PolicyRunner(
                policy, component=ctype.name, breakers=breakers, failure_log=failure_log
            )
        except ConfigError as exc:
            at = f"{key}.policy.{exc.key}" if exc.key else f"{key}.policy"
            problems.add(exc.message, at)
            continue
        assert policy.failure is not None  # merge_policies sets every block
        alternatives = _alternatives(ctype, policy, registry, pool_for, problems, key, records)
        nodes[i] = Node(
            index=i,
            name=name,
            step=step,
            ctype=ctype,
            options=options,
            policy=policy,
            runner=runner,
            pool=pool_for(ctype, options),
            executor=executor,
            direct=direct,
            remote=bool(getattr(executor, "remote", False)),
            emits_many=ctype.emits == "many",
            fail_fast=policy.failure.mode == "fail_fast",
            limited=ctype.name in limits,
            alternatives=alternatives,
            fallback_hooks=fallback_hooks,
        )
    problems.raise_if_any()
    resolved: list[Node] = [n for n in nodes if n is not None]
    _link(resolved, by_name, problems)
    problems.raise_if_any()
    assert wf_policy.failure is not None
    return Plan(
        workflow=workflow,
        nodes=resolved,
        by_name=by_name,
        roots=[n.index for n in resolved if not n.deps],
        sinks=[n.index for n in resolved if not n.whole_succ and not n.item_succ],
        fail_fast=wf_policy.failure.mode == "fail_fast",
    )


def _alternatives(
    ctype: ComponentType[Any],
    policy: Policy,
    registry: Registry,
    pool_for: Callable[[ComponentType[Any], BaseModel], ComponentPool],
    problems: _Problems,
    key: str,
    records: Mapping[str, Any] | None,
) -> dict[str, Alternative]:
    """Resolve a step's fallback component types; unknown types, options that
    have no valid defaults and a different output shape are problems."""
    assert policy.fallback is not None  # merge_policies sets every block
    found: dict[str, Alternative] = {}
    at = f"{key}.policy.fallback.components"
    for name in policy.fallback.components:
        try:
            alt = registry.components.require(name, key=at)
        except ConfigError as exc:
            problems.add(exc.message + provider_hint(name, records or {}), at)
            continue
        try:
            options = alt.options.model_validate({})
        except ValidationError as exc:
            message, _ = validation_message(exc, prefix=at)
            problems.add(f"fallback {name!r} cannot run with default options: {message}", at)
            continue
        if alt.emits != ctype.emits:
            problems.add(
                f"fallback {name!r} emits {alt.emits} output(s) but the step's type "
                f"{ctype.name!r} emits {ctype.emits}; pick a fallback of the same shape",
                at,
            )
            continue
        found[name] = Alternative(alt, options, pool_for(alt, options))
    return found


def _link(nodes: list[Node], by_name: dict[str, int], problems: _Problems) -> None:
    """Wire the edges and check fan-out, in topological order (dependencies first)."""
    for node in nodes:
        step = node.step
        key = f"steps.{node.name}"
        node.deps = tuple(by_name[d] for d in step.depends_on)
        if step.for_each is not None:
            src = nodes[by_name[step.for_each]]
            if src.per_item:
                node.lane = src.lane
            elif src.emits_many:
                node.lane = src.index
            else:
                problems.add(
                    f"fan-out over {src.name!r}, whose component type {src.ctype.name!r} emits "
                    "one output; iterate a step whose type emits many (or a per-item step)",
                    f"{key}.for_each",
                )
                continue
            node.per_item = True
            node.source = src.index
        gathers = False
        inputs: list[tuple[str, int, bool]] = []
        for dep_name, d in zip(step.depends_on, node.deps, strict=True):
            dep = nodes[d]
            many = dep.per_item or dep.emits_many
            is_item = False
            if d == node.source:
                is_item = True
                if dep.per_item:
                    node.item_deps += 1
                    dep.item_succ.append(node.index)
                else:
                    node.whole_deps += 1
                    dep.whole_succ.append(node.index)
            elif node.per_item and dep.per_item and dep.lane == node.lane:
                is_item = True
                node.item_deps += 1
                dep.item_succ.append(node.index)
            else:
                if many:
                    if not step.gather:
                        problems.add(
                            f"{dep_name!r} produces many items; set gather = true to receive "
                            f"them as a list, or for_each = {dep_name!r} to run once per item",
                            f"{key}.depends_on",
                        )
                    gathers = True
                node.whole_deps += 1
                dep.whole_succ.append(node.index)
            inputs.append((dep_name, d, is_item))
        if step.gather and not gathers:
            problems.add(
                "gather = true, but no dependency (other than for_each) produces many items",
                f"{key}.gather",
            )
        if node.per_item:
            nodes[node.lane].lane_nodes.append(node.index)
            node.kind = K_ITEM if len(node.deps) == 1 else K_ITEM_MAP
        else:
            node.kind = K_ROOT if not node.deps else K_ONE if len(node.deps) == 1 else K_MAP
        node.inputs = tuple(inputs)
