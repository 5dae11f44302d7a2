"""The options of the ``dask`` executor (the ``[engine.executors.dask]`` table)."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["DaskExecutorOptions"]


class DaskExecutorOptions(BaseModel):
    """Options of the ``dask`` executor.

    With ``address`` set the executor connects to that scheduler; without it,
    it starts a ``LocalCluster`` of ``n_workers`` on first use and closes it
    with the orchestrator.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    address: str | None = Field(
        default=None,
        description=(
            "Scheduler to connect to, e.g. 'tcp://scheduler:8786'. Unset: start a "
            "LocalCluster on this machine (n_workers, threads_per_worker, processes, "
            "memory_limit)."
        ),
    )
    n_workers: int = Field(
        default=2, ge=1, description="Workers of the LocalCluster (ignored with address)."
    )
    threads_per_worker: int = Field(
        default=1,
        ge=1,
        description=(
            "Threads per LocalCluster worker (ignored with address); 1 suits "
            "CPU-bound pure-Python components, which hold the GIL."
        ),
    )
    processes: bool = Field(
        default=True,
        description=(
            "LocalCluster workers are separate processes (true: real parallelism for "
            "CPU-bound Python) or threads of this process (false; ignored with address)."
        ),
    )
    memory_limit: str = Field(
        default="auto",
        min_length=1,
        description=(
            "Memory limit per LocalCluster worker, e.g. '2GiB', or 'auto' to share the "
            "machine's memory (ignored with address)."
        ),
    )
    dashboard_address: str | None = Field(
        default=None,
        description=(
            "Serve the LocalCluster's dashboard here, e.g. ':8787' (needs bokeh); "
            "unset: no dashboard (ignored with address)."
        ),
    )
    max_in_flight: int = Field(
        default=64,
        ge=1,
        description=(
            "Most calls submitted to the cluster and not yet finished, per event loop; "
            "further calls wait in the orchestrator (back-pressure)."
        ),
    )
    plugins: list[str] | None = Field(
        default=None,
        description=(
            "Plugins the workers load to rebuild components (by name). Unset: the "
            "plugins loaded by this orchestrator. The plugin providing a step's "
            "component type is always included."
        ),
    )
    connect_timeout: float = Field(
        default=30.0,
        gt=0,
        description="Seconds to wait for the scheduler (or the LocalCluster) to answer.",
    )

    @model_validator(mode="after")
    def _plugin_names(self) -> Self:
        for name in self.plugins or ():
            if not name.strip():
                msg = "plugins must not contain empty names"
                raise ValueError(msg)
        return self
