"""Plugin ``benchkit``: CPU-bound components for ``bench/dask/bench_dask.py``.

The benchmark puts this folder on ``sys.path``, where its ``.dist-info`` makes
it an installed plugin for the benchmark process and for the Dask worker
processes it starts (they inherit ``sys.path``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from orchestrion import ComponentType, StepContext, hookimpl


class ItemsOptions(BaseModel):
    """Options of ``benchkit.items``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    count: int = Field(default=64, ge=0, description="How many items to emit.")


class Items:
    """Emits ``0 .. count-1``."""

    def __init__(self, options: ItemsOptions) -> None:
        self.options = options

    def process(self, data: Any, ctx: StepContext) -> list[int]:
        """The item numbers."""
        return list(range(self.options.count))


class SpinOptions(BaseModel):
    """Options of ``benchkit.spin``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    loops: int = Field(default=1_000_000, ge=1, description="Iterations of pure-Python work.")


def spin(seed: int, loops: int) -> int:
    """Pure-Python arithmetic that holds the GIL for ``loops`` iterations."""
    acc = seed
    for i in range(loops):
        acc = (acc * 31 + i) % 1_000_003
    return acc


class Spin:
    """Burns CPU in pure Python (holding the GIL) and returns a checksum."""

    def __init__(self, options: SpinOptions) -> None:
        self.options = options

    def process(self, data: int, ctx: StepContext) -> int:
        """A checksum of ``loops`` iterations seeded by ``data``."""
        return spin(data, self.options.loops)


@hookimpl
def register_components(register: Callable[[ComponentType[Any]], None]) -> None:
    """Register ``benchkit.items`` and ``benchkit.spin``."""
    register(
        ComponentType(name="benchkit.items", factory=Items, options=ItemsOptions, emits="many")
    )
    register(ComponentType(name="benchkit.spin", factory=Spin, options=SpinOptions))
