"""The ``dask`` plugin: registers the ``dask`` executor."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from orchestrion import Config, ExecutorType, hookimpl

from ._executor import DaskExecutor
from ._options import DaskExecutorOptions

__all__ = ["register_executors"]


@hookimpl
def register_executors(register: Callable[[ExecutorType], None], config: Config) -> None:
    """Register the ``dask`` executor of this orchestrator (whose ``config``
    holds the plugins' own tables, which workers need too)."""
    register(
        ExecutorType(
            name="dask",
            factory=partial(DaskExecutor, config=config),
            options=DaskExecutorOptions,
            description=(
                "Run component calls on a dask.distributed cluster (a scheduler address, "
                "or a LocalCluster started on first use); workers rebuild components "
                "through their own installed plugins."
            ),
        )
    )
