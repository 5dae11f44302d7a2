# distributed's API is not annotated.
# mypy: disable-error-code="no-untyped-call"
"""Shared fixtures for the dask plugin's tests: one LocalCluster of two worker
processes for the session, and the ``testkit`` plugin installed on both sides."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask
import pytest
from distributed import Client, LocalCluster

# The testkit plugin is "installed" by its .dist-info on sys.path; spawned
# worker processes inherit sys.path, so they have it too.
WORKERKIT = str(Path(__file__).resolve().parent / "workerkit")
if WORKERKIT not in sys.path:
    sys.path.insert(0, WORKERKIT)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run every ``@pytest.mark.anyio`` test on both asyncio and trio."""
    return str(request.param)


@pytest.fixture(scope="session")
def cluster() -> Iterator[LocalCluster]:
    """Two single-threaded worker processes; the scheduler reports a lost
    worker at once (allowed-failures 0) so the orchestrator's policy retries."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        local = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": ":0"},  # health routes off port 8787
            memory_limit="512MiB",
        )
    with local:
        yield local


@pytest.fixture(scope="session")
def client(cluster: LocalCluster) -> Iterator[Client]:
    """A client of the test cluster, for inspecting it."""
    with Client(cluster, set_as_default=False) as c:
        yield c


@pytest.fixture
def dask_config(cluster: LocalCluster) -> dict[str, Any]:
    """Orchestrator configuration whose ``dask`` executor uses the test cluster."""
    return {"engine": {"executors": {"dask": {"address": cluster.scheduler_address}}}}
