"""Resilience policies as data: retries, timeouts, breakers, fallbacks, failure mode.

Policies can be set on the orchestrator, the workflow and each step; the
narrower one wins field by field (a step that sets only ``retry.attempts``
keeps the workflow's waits). :func:`merge_policies` does that merge.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "BreakerPolicy",
    "FailurePolicy",
    "FallbackPolicy",
    "Policy",
    "RetryPolicy",
    "TimeoutPolicy",
    "merge_policies",
]

DEFAULT_RETRY_ON = ("orchestrion.TransientError", "TimeoutError", "ConnectionError")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RetryPolicy(_Strict):
    """How a failed attempt is retried (with stamina: jittered exponential backoff)."""

    attempts: int | None = Field(
        default=3,
        ge=1,
        description="Total attempts including the first; null for unlimited (needs 'timeout').",
    )
    timeout: float | None = Field(
        default=None,
        gt=0,
        description="Give up retrying after this many seconds in all (null: no limit).",
    )
    wait_initial: float = Field(default=0.1, ge=0, description="First backoff wait, seconds.")
    wait_max: float = Field(default=5.0, ge=0, description="Longest backoff wait, seconds.")
    wait_jitter: float = Field(
        default=1.0, ge=0, description="Random extra wait added to each backoff, up to seconds."
    )
    wait_exp_base: float = Field(
        default=2.0, ge=1, description="Each wait is the previous one times this."
    )
    retry_on: tuple[str, ...] = Field(
        default=DEFAULT_RETRY_ON,
        description="Exception types worth retrying, by name ('TimeoutError') or dotted "
        "path ('httpx.ConnectError'); subclasses match too.",
    )

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        if self.attempts is None and self.timeout is None:
            msg = "unbounded retries: set 'attempts' or a total 'timeout'"
            raise ValueError(msg)
        if self.wait_max < self.wait_initial:
            msg = "wait_max must be >= wait_initial"
            raise ValueError(msg)
        return self


class TimeoutPolicy(_Strict):
    """Time limit for one attempt of a step."""

    attempt: float | None = Field(
        default=None, gt=0, description="Seconds one attempt may take (null: no limit)."
    )


class BreakerPolicy(_Strict):
    """A circuit breaker per component type (resilience4j semantics)."""

    enabled: bool = Field(default=True, description="Whether calls go through a breaker.")
    window: int = Field(default=100, ge=1, description="Sliding window: the last N calls.")
    minimum_calls: int = Field(
        default=10, ge=1, description="Calls needed in the window before rates are judged."
    )
    failure_rate: float = Field(
        default=50.0, gt=0, le=100, description="Open at or above this failure percentage."
    )
    slow_call_duration: float | None = Field(
        default=None, gt=0, description="A call longer than this (seconds) is slow."
    )
    slow_call_rate: float = Field(
        default=100.0, gt=0, le=100, description="Open at or above this slow-call percentage."
    )
    open_duration: float = Field(
        default=30.0, gt=0, description="Seconds the breaker stays open before trial calls."
    )
    open_duration_multiplier: float = Field(
        default=1.0, ge=1, description="Each consecutive trip multiplies the open time by this."
    )
    max_open_duration: float = Field(
        default=600.0, gt=0, description="Upper bound of the growing open time, seconds."
    )
    half_open_calls: int = Field(
        default=3, ge=1, description="Trial calls admitted in the half-open state."
    )
    max_half_open_duration: float = Field(
        default=60.0, gt=0, description="Seconds half-open may last before it re-opens."
    )
    ignore: tuple[str, ...] = Field(
        default=(), description="Exception types that count as neither success nor failure."
    )
    success: tuple[str, ...] = Field(
        default=("orchestrion.exceptions.PermanentError",),
        description="Exception types that count as successful calls (bad input is not "
        "the component's fault).",
    )

    @model_validator(mode="after")
    def _window_holds_minimum(self) -> Self:
        if self.minimum_calls > self.window:
            msg = "minimum_calls cannot exceed window"
            raise ValueError(msg)
        return self


class FallbackPolicy(_Strict):
    """What to try when a step has failed for good."""

    components: tuple[str, ...] = Field(
        default=(), description="Alternative component types, tried in order."
    )
    plugins: bool = Field(default=True, description="Ask the provide_fallback hook after them.")


class FailurePolicy(_Strict):
    """What a failed step does to the rest of the run."""

    mode: Literal["fail_fast", "continue"] = Field(
        default="continue",
        description="fail_fast cancels the run on the first failure; continue lets "
        "independent branches finish and skips dependents of the failed step.",
    )


class Policy(_Strict):
    """All resilience settings of one scope (orchestrator, workflow or step).

    Every block is optional: an unset block (or unset field) inherits from the
    wider scope.
    """

    retry: RetryPolicy | None = None
    timeout: TimeoutPolicy | None = None
    breaker: BreakerPolicy | None = None
    fallback: FallbackPolicy | None = None
    failure: FailurePolicy | None = None


_BLOCKS: dict[str, type[_Strict]] = {
    "retry": RetryPolicy,
    "timeout": TimeoutPolicy,
    "breaker": BreakerPolicy,
    "fallback": FallbackPolicy,
    "failure": FailurePolicy,
}


def merge_policies(*scopes: Policy | None) -> Policy:
    """Merge policies from the widest scope to the narrowest; the narrower
    scope's explicitly set fields win. Every block of the result is set."""
    merged: dict[str, dict[str, object]] = {name: {} for name in _BLOCKS}
    for scope in scopes:
        if scope is None:
            continue
        for name in _BLOCKS:
            block = getattr(scope, name)
            if block is not None:
                merged[name].update({f: getattr(block, f) for f in block.model_fields_set})
    return Policy(**{name: cls(**merged[name]) for name, cls in _BLOCKS.items()})  # type: ignore[arg-type]
