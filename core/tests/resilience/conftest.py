"""Fixtures for the resilience tests: a fake clock and instant retries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orchestrion import BreakerTransition
from orchestrion._resilience import set_testing

from ._helpers import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """A fresh fake clock."""
    return FakeClock()


@pytest.fixture
def transitions() -> list[BreakerTransition]:
    """A list a breaker observer can append its transitions to."""
    return []


@pytest.fixture
def instant_retries() -> Iterator[None]:
    """Retry waits take no time for the duration of one test."""
    with set_testing(True):
        yield
