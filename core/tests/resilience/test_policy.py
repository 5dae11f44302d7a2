"""Policy models: defaults, strictness, bounds and the narrower-scope-wins merge."""

from __future__ import annotations

import pydantic
import pytest

from orchestrion import BreakerPolicy, ConfigError, Policy, RetryPolicy, TimeoutPolicy
from orchestrion._resilience import merge_policies


def test_defaults_are_bounded_and_documented() -> None:
    """Defaults: 3 attempts, transient errors/timeouts/connection errors retried."""
    retry = RetryPolicy()
    assert retry.attempts == 3
    assert retry.retry_on == ("orchestrion.TransientError", "TimeoutError", "ConnectionError")
    for model in (RetryPolicy, TimeoutPolicy, BreakerPolicy):
        assert all(field.description for field in model.model_fields.values())


def test_narrower_scope_wins_field_by_field() -> None:
    """A step that sets only attempts keeps the workflow's waits and the orchestrator's timeout."""
    orchestrator = Policy(timeout=TimeoutPolicy(attempt=30))
    workflow = Policy(retry=RetryPolicy(attempts=5, wait_max=60))
    step = Policy(retry=RetryPolicy(attempts=2))
    merged = merge_policies(orchestrator, workflow, None, step)
    assert merged.retry is not None
    assert merged.timeout is not None
    assert (merged.retry.attempts, merged.retry.wait_max) == (2, 60)
    assert merged.timeout.attempt == 30
    assert merged.breaker == BreakerPolicy()


def test_fields_are_judged_together_only_after_merging() -> None:
    """A step may raise wait_initial above the default wait_max if the workflow raised wait_max."""
    merged = merge_policies(
        Policy(retry=RetryPolicy(wait_max=60)), Policy(retry=RetryPolicy(wait_initial=10))
    )
    assert merged.retry is not None
    assert merged.retry.wait_initial == 10
    with pytest.raises(ConfigError, match="wait_max") as info:
        merge_policies(Policy(retry=RetryPolicy(wait_initial=10)))
    assert info.value.key == "retry.wait_max"


def test_unbounded_retries_are_rejected() -> None:
    """Unlimited attempts need a total timeout, in the same block or a wider scope."""
    with pytest.raises(pydantic.ValidationError, match="unbounded"):
        RetryPolicy(attempts=None, timeout=None)
    with pytest.raises(ConfigError, match="unbounded"):
        merge_policies(Policy(retry=RetryPolicy(attempts=None)))
    merged = merge_policies(
        Policy(retry=RetryPolicy(timeout=120)), Policy(retry=RetryPolicy(attempts=None))
    )
    assert merged.retry is not None
    assert merged.retry.timeout == 120


def test_breaker_window_must_hold_the_minimum() -> None:
    """minimum_calls larger than the window is rejected, on its own or after merging."""
    with pytest.raises(pydantic.ValidationError):
        BreakerPolicy(window=5, minimum_calls=6)
    with pytest.raises(ConfigError, match="minimum_calls"):
        merge_policies(Policy(breaker=BreakerPolicy(minimum_calls=500)))


def test_policies_are_strict() -> None:
    """Unknown keys are errors, so typos in workflow files are caught."""
    with pytest.raises(pydantic.ValidationError):
        Policy.model_validate({"retry": {"attempt": 3}})


def test_policy_from_a_workflow_mapping() -> None:
    """A policy block as read from a workflow file validates into the models."""
    policy = Policy.model_validate(
        {"retry": {"attempts": 4, "retry_on": ["ValueError"]}, "timeout": {"attempt": 2.5}}
    )
    merged = merge_policies(policy)
    assert merged.retry is not None
    assert merged.retry.retry_on == ("ValueError",)


def test_merging_is_idempotent() -> None:
    """Merging a merged policy again changes nothing."""
    merged = merge_policies(Policy(retry=RetryPolicy(attempts=7)))
    assert merge_policies(merged) == merged
