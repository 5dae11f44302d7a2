"""Health: per component type, its breaker, its last error and the verdict of
its optional health check.

A component may define ``health()`` (sync or ``async``) returning ``True`` /
``False``, a status string (``"ok"``, ``"healthy"`` or ``"up"`` are healthy;
anything else is not and is shown as the detail), a mapping with a
``"healthy"`` (or ``"ok"``) key and an optional ``"detail"``, or ``None``
(healthy). Raising, or not answering within the timeout, is unhealthy.

Which components are checked: every instance already in the orchestrator's
pools (the worst answer wins). A type with no pooled instance is checked only
when asked (``instantiate=True``, the CLI's default) and only if its options
model validates with no arguments: one instance is made with those defaults,
checked and closed. Checking never runs ``process``, and never uses data.

Verdicts feed the router's health book: an unhealthy type is skipped by
health-aware choices among providers of a capability until a later check
finds it healthy again.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import anyio
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .._resilience._failures import safe_message

if TYPE_CHECKING:
    from .._orchestrator import Orchestrator
    from .._registrations import ComponentType

__all__ = ["CheckResult", "ComponentHealth", "HealthReport", "LastError", "check_health"]

CheckStatus = Literal["healthy", "unhealthy", "no_check", "not_checked"]

_HEALTHY_WORDS = frozenset({"ok", "healthy", "up"})
_BAD_BREAKERS = frozenset({"open", "forced_open"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LastError(_Model):
    """The newest recorded failure of a component type (never its input)."""

    type: str
    message: str = Field(description="Shortened; withheld when it quotes the input.")
    step: str
    time: datetime


class CheckResult(_Model):
    """The answer of a component's health check.

    ``no_check``: the component defines no ``health()``; ``not_checked``: no
    instance existed and none was made (see the module docstring, ``detail``).
    """

    status: CheckStatus
    detail: str | None = None


class ComponentHealth(_Model):
    """One registered component type's health."""

    component: str
    plugin: str | None = Field(description="The plugin that registered it.")
    healthy: bool = Field(description="No failed check and no open breaker.")
    breaker: str = Field(description="Its breaker's state, or 'none' if never used.")
    check: CheckResult
    last_error: LastError | None = None


class HealthReport(_Model):
    """Every registered component type's health."""

    taken_at: datetime
    healthy: bool = Field(description="Whether every component type is healthy.")
    components: dict[str, ComponentHealth]


def _verdict(answer: Any) -> tuple[bool, str | None]:
    if answer is None or answer is True:
        return True, None
    if answer is False:
        return False, "health() returned False"
    if isinstance(answer, str):
        return answer.strip().lower() in _HEALTHY_WORDS, answer[:200]
    if isinstance(answer, Mapping):
        ok = answer.get("healthy", answer.get("ok"))
        detail = answer.get("detail")
        return bool(ok), None if detail is None else str(detail)[:200]
    return bool(answer), None


async def _call_check(component: Any, limit: float) -> CheckResult:
    check = getattr(component, "health", None)
    if check is None or not callable(check):
        return CheckResult(status="no_check")
    try:
        with anyio.fail_after(limit):
            if inspect.iscoroutinefunction(check):
                answer = await check()
            else:
                # A sync check may block on I/O; it must not stall the loop.
                answer = await anyio.to_thread.run_sync(check, abandon_on_cancel=True)
                if inspect.isawaitable(answer):
                    answer = await answer
    except TimeoutError:
        return CheckResult(status="unhealthy", detail=f"health() gave no answer in {limit} s")
    except Exception as exc:  # a failing check is the verdict, not our error
        return CheckResult(status="unhealthy", detail=f"{type(exc).__name__}: {safe_message(exc)}")
    ok, detail = _verdict(answer)
    return CheckResult(status="healthy" if ok else "unhealthy", detail=detail)


async def _close(component: Any) -> None:
    closer = getattr(component, "aclose", None) or getattr(component, "close", None)
    if closer is not None:
        result = closer()
        if inspect.isawaitable(result):
            await result


async def _check_fresh(ctype: ComponentType[Any], limit: float) -> CheckResult:
    if not _has_health(ctype):
        return CheckResult(status="no_check")
    try:
        options = ctype.options.model_validate({})
    except ValidationError:
        return CheckResult(
            status="not_checked", detail="its options have required fields; no instance to check"
        )
    try:
        component = ctype.factory(options)
        if inspect.isawaitable(component):
            component = await component
    except Exception as exc:
        detail = f"could not be made with default options: {type(exc).__name__}: {exc}"[:300]
        return CheckResult(status="unhealthy", detail=detail)
    try:
        return await _call_check(component, limit)
    finally:
        await _close(component)


def _has_health(ctype: ComponentType[Any]) -> bool:
    # A factory that is a class tells us without making an instance; any other
    # factory (a function) has to be called to know, which is what we do.
    factory = ctype.factory
    return not isinstance(factory, type) or callable(getattr(factory, "health", None))


def _worst(results: list[CheckResult]) -> CheckResult:
    for result in results:
        if result.status == "unhealthy":
            return result
    for result in results:
        if result.status == "healthy":
            return result
    return results[0]


async def check_health(
    orch: Orchestrator,
    *,
    instantiate: bool = False,
    check_timeout: float = 5.0,
    last_errors: Mapping[str, LastError] | None = None,
) -> HealthReport:
    """The health of every component type ``orch`` has registered; see the
    module docstring for what is checked; each check must answer within
    ``check_timeout`` seconds. ``last_errors`` (e.g. from a state store)
    fills in types this orchestrator saw no failure of. Verdicts are marked in the router's
    health book (cached routes are dropped when one changes)."""
    registry = orch.registry
    engine = orch.__dict__.get("_engine")
    instances: dict[str, list[Any]] = {}
    if engine is not None:
        for pool in engine.pools:
            instances.setdefault(pool.type.name, []).extend(i.component for i in pool.instances)
    breakers = orch.__dict__.get("_breakers")
    recorder = orch.__dict__.get("_metrics")
    book = orch.routing.health
    changed = False
    out: dict[str, ComponentHealth] = {}
    for name, ctype in sorted(registry.components.items.items()):
        found = instances.get(name)
        if found:
            check = _worst([await _call_check(c, check_timeout) for c in found])
        elif instantiate:
            check = await _check_fresh(ctype, check_timeout)
        else:
            check = CheckResult(status="not_checked", detail="no instance yet")
        if check.status in ("healthy", "unhealthy"):
            ok = check.status == "healthy"
            changed = book.mark(name, ok, check.detail or "") or changed
        breaker = breakers.find(name) if breakers is not None else None
        state = "none" if breaker is None else str(breaker.state.value)
        failure = recorder.last_error(name) if recorder is not None else None
        last = (
            None
            if failure is None
            else LastError(
                type=failure.error_type,
                message=failure.message,
                step=failure.step,
                time=failure.time,
            )
        )
        if last is None and last_errors is not None:
            last = last_errors.get(name)
        out[name] = ComponentHealth(
            component=name,
            plugin=registry.components.owner(name),
            healthy=check.status != "unhealthy" and state not in _BAD_BREAKERS,
            breaker=state,
            check=check,
            last_error=last,
        )
    if changed:
        orch.routing.cache.clear("health")
    return HealthReport(
        taken_at=datetime.now(UTC),
        healthy=all(c.healthy for c in out.values()),
        components=out,
    )
