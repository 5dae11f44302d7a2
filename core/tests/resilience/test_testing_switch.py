"""The public testing switch: orchestrion.testing.set_testing and its pytest fixture."""

from __future__ import annotations

import pytest

from orchestrion import Policy, RetryPolicy, TransientError
from orchestrion._resilience import PolicyRunner, is_testing
from orchestrion.testing import set_testing

from ._helpers import Flaky, step_info


def test_set_testing_is_scoped_by_its_context_manager() -> None:
    """``with set_testing(True)`` turns instant waits on and restores the old mode."""
    assert not is_testing()
    with set_testing(True):
        assert is_testing()
    assert not is_testing()


@pytest.mark.anyio
@pytest.mark.usefixtures("orchestrion_instant_retries")
async def test_fixture_makes_hour_long_waits_instant() -> None:
    """Under the pytest plugin's fixture a one-hour backoff takes no time, attempts unchanged."""
    assert is_testing()
    policy = Policy(retry=RetryPolicy(attempts=3, wait_initial=3600, wait_max=3600))
    call = Flaky(TransientError("busy"), TransientError("busy"))
    outcome = await PolicyRunner(policy, component="svc").run(call, step=step_info())
    assert (outcome.status, call.calls) == ("succeeded", [1, 2, 3])
