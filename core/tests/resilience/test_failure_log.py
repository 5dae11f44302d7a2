"""Failure records: structured, bounded, queryable, and free of the input payload."""

from __future__ import annotations

import pytest

from orchestrion import Policy, RetryPolicy, TransientError
from orchestrion._resilience import FailureLog, PolicyRunner

from ._helpers import Flaky, step_info

pytestmark = pytest.mark.anyio


@pytest.mark.usefixtures("instant_retries")
async def test_records_are_structured_and_queryable() -> None:
    """Each failed attempt leaves a record with step, component, attempt, type, message, time."""
    log = FailureLog()
    runner = PolicyRunner(Policy(retry=RetryPolicy(attempts=3)), component="svc", failure_log=log)
    await runner.run(Flaky(TransientError("busy"), TransientError("still busy")), step=step_info())
    records = log.query(step="fetch")
    assert [(r.run_id, r.step, r.component, r.attempt) for r in records] == [
        ("run-1", "fetch", "svc", 1),
        ("run-1", "fetch", "svc", 2),
    ]
    assert records[1].message == "still busy"
    assert records[0].time <= records[1].time
    assert log.query(component="other") == []


@pytest.mark.usefixtures("instant_retries")
async def test_the_log_and_each_outcome_are_bounded() -> None:
    """The orchestrator log keeps its newest records; an outcome keeps its newest few."""
    log = FailureLog(maxlen=5)
    runner = PolicyRunner(
        Policy(retry=RetryPolicy(attempts=50)), component="svc", failure_log=log, keep_failures=4
    )
    outcome = await runner.run(
        Flaky(*(TransientError(str(n)) for n in range(50))), step=step_info()
    )
    assert [r.attempt for r in outcome.failures] == [47, 48, 49, 50]
    assert len(log) == 5
    assert log.dropped == 45


async def test_messages_never_copy_the_input() -> None:
    """A message that contains the step's input is withheld; long messages are cut short."""
    secret = "customer record: Jane Doe, 1 Main Street"
    runner = PolicyRunner(Policy(retry=RetryPolicy(attempts=1)), component="svc")
    outcome = await runner.run(
        Flaky(ValueError(f"cannot parse {secret!r}")), step=step_info(), data=secret
    )
    assert "Jane" not in outcome.failures[0].message
    outcome = await runner.run(Flaky(ValueError("x" * 10_000)), step=step_info(), data=b"")
    assert len(outcome.failures[0].message) <= 300
