"""Orchestrion plugin ``dask``: run heavy steps on a ``dask.distributed`` cluster.

Registers the executor ``dask``; choose it per step (``executor = "dask"``) or
for every step (``[engine] executor = "dask"``), and configure it in the
``[engine.executors.dask]`` table (:class:`DaskExecutorOptions`).
"""

from __future__ import annotations

from ._executor import DaskExecutor as DaskExecutor
from ._executor import WorkerPluginMissing as WorkerPluginMissing
from ._options import DaskExecutorOptions as DaskExecutorOptions

__all__ = ["DaskExecutor", "DaskExecutorOptions", "WorkerPluginMissing"]
