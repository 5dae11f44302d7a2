"""Resilience policies as data: retries, timeouts, breakers, fallbacks, failure mode.

Policies can be set on the orchestrator, the workflow and each step; the
narrower one wins field by field (a step that sets only ``retry.attempts``
keeps the workflow's waits). :func:`merge_policies` does that merge.

A block is checked on its own only for the fields it sets itself: a step that
sets ``retry.wait_initial`` alone must not be judged against the *default*
``wait_max`` when the workflow raised it. The effective (merged) values are
checked by :func:`merge_policies` and :func:`check_policy`, which raise
:class:`~orchestrion.exceptions.ConfigError` naming the offending key.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..exceptions import ConfigError

__all__ = [
    "BreakerPolicy",
    "FailurePolicy",
    "FallbackPolicy",
    "Policy",
    "RetryPolicy",
    "TimeoutPolicy",
    "check_policy",
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
        description="Seconds for all attempts and waits together; retrying stops when the "
        "next wait would overrun it (null: no limit).",
    )
    wait_initial: float = Field(default=0.1, ge=0, description="First backoff wait, seconds.")
    wait_max: float = Field(default=5.0, ge=0, description="Longest backoff wait, seconds.")
    wait_jitter: float = Field(
        default=1.0, ge=0, description="Up to this many random seconds added to each backoff wait."
    )
    wait_exp_base: float = Field(
        default=2.0,
        ge=1,
        description="Growth factor: wait n is wait_initial times base^(n-1), capped at wait_max.",
    )
    retry_on: tuple[str, ...] = Field(
        default=DEFAULT_RETRY_ON,
        description="Exception types worth retrying, by name ('TimeoutError') or dotted "
        "path ('httpx.ConnectError'); subclasses match too.",
    )

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        problem = _retry_problem(self, only_set=True)
        if problem:
            raise ValueError(problem[1])
        return self


class TimeoutPolicy(_Strict):
    """Time limit for one attempt of a step."""

    attempt: float | None = Field(
        default=None, gt=0, description="Seconds one attempt may take (null: no limit)."
    )


class BreakerPolicy(_Strict):
    """A circuit breaker per component type (resilience4j semantics)."""

    enabled: bool = Field(
        default=True, description="Whether calls go through the component type's breaker."
    )
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
        default=60.0,
        gt=0,
        description="Seconds half-open may last; the next call after that re-opens the breaker.",
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
        problem = _breaker_problem(self, only_set=True)
        if problem:
            raise ValueError(problem[1])
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


def _retry_problem(block: RetryPolicy, *, only_set: bool) -> tuple[str, str] | None:
    """(key, message) of the first inconsistency among ``block``'s fields;
    with ``only_set`` only pairs of fields the block sets itself are judged."""
    given = block.model_fields_set

    def judged(*fields: str) -> bool:
        return not only_set or all(f in given for f in fields)

    if block.attempts is None and block.timeout is None and judged("attempts", "timeout"):
        return "retry.attempts", "unbounded retries: set 'attempts' or a total 'timeout'"
    if block.wait_max < block.wait_initial and judged("wait_initial", "wait_max"):
        return "retry.wait_max", (
            f"wait_max ({block.wait_max}) must be >= wait_initial ({block.wait_initial})"
        )
    return None


def _breaker_problem(block: BreakerPolicy, *, only_set: bool) -> tuple[str, str] | None:
    """Like :func:`_retry_problem`, for a breaker block."""
    given = block.model_fields_set

    def judged(*fields: str) -> bool:
        return not only_set or all(f in given for f in fields)

    if block.minimum_calls > block.window and judged("minimum_calls", "window"):
        return "breaker.minimum_calls", (
            f"minimum_calls ({block.minimum_calls}) cannot exceed window ({block.window})"
        )
    if block.max_open_duration < block.open_duration and judged(
        "open_duration", "max_open_duration"
    ):
        return "breaker.max_open_duration", (
            f"max_open_duration ({block.max_open_duration}) must be >= "
            f"open_duration ({block.open_duration})"
        )
    return None


def check_policy(policy: Policy, *, source: str | None = None) -> None:
    """Check the effective values of every set block of ``policy``.

    :raises ConfigError: naming the key (``retry.attempts``) and what to change;
        ``source`` (a file or ``"step 'parse'"``) prefixes the message.
    """
    problems = [
        policy.retry and _retry_problem(policy.retry, only_set=False),
        policy.breaker and _breaker_problem(policy.breaker, only_set=False),
    ]
    for problem in problems:
        if problem:
            key, message = problem
            raise ConfigError(message, source=source, key=key)


def merge_policies(*scopes: Policy | None, source: str | None = None) -> Policy:
    """Merge policies from the widest scope to the narrowest; the narrower
    scope's explicitly set fields win. Every block of the result is set.

    :raises ConfigError: when the merged values are inconsistent (e.g. unbounded
        retries); ``source`` names the scope for the message.
    """
    merged: dict[str, dict[str, object]] = {name: {} for name in _BLOCKS}
    for scope in scopes:
        if scope is None:
            continue
        for name in _BLOCKS:
            block = getattr(scope, name)
            if block is not None:
                merged[name].update({f: getattr(block, f) for f in block.model_fields_set})
    # Every value was validated by its own block; only their combination is new,
    # and check_policy judges that with a ConfigError naming the key.
    blocks: dict[str, Any] = {
        name: cls.model_construct(None, **merged[name]) for name, cls in _BLOCKS.items()
    }
    policy = Policy.model_construct(None, **blocks)
    check_policy(policy, source=source)
    return policy
