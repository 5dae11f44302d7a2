"""``orchestrion resume RUN_ID``: finish an interrupted run from the state store.

Steps (and fan-out items) with a committed result are not run again; the rest
run as in ``orchestrion run``, and the output is reported the same way.
Exit status: 0 succeeded or degraded, 1 partial, failed or cancelled, 2 the
run cannot be resumed (unknown, finished, workflow or plugins changed), 4
another live process owns the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ._runs import STATE_OPTION, orchestrator_with_state
from ._state import CliState

if TYPE_CHECKING:
    from .._engine._results import RunResult

__all__ = ["resume"]


@click.command()
@click.argument("run_id")
@click.option(
    "--force",
    is_flag=True,
    help="Resume even though the workflow file or the plugin set changed since the run started.",
)
@click.option("--output", metavar="FILE|-", help="Write the run's output here ('-': stdout).")
@click.option("--json", "as_json", is_flag=True, help="Print the run result as JSON.")
@click.option("--concurrency", type=click.IntRange(min=1), metavar="N")
@click.option("--deadline", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS")
@STATE_OPTION
@click.pass_context
def resume(
    ctx: click.Context,
    /,
    run_id: str,
    force: bool,
    output: str | None,
    as_json: bool,
    concurrency: int | None,
    deadline: float | None,
    state_path: str | None,
) -> None:
    """Resume run RUN_ID: re-run only what has no committed result.

    Exit status: 0 succeeded or degraded, 1 partial, failed or cancelled,
    2 cannot be resumed, 4 another live process owns the run.
    """
    import anyio

    from ._run import report_result

    state = CliState.of(ctx)

    async def main() -> RunResult:
        async with orchestrator_with_state(state, state_path) as orch:
            return await orch.resume(
                run_id, force=force, deadline=deadline, concurrency=concurrency
            )

    result = anyio.run(main)
    report_result(state, result, as_json=as_json, output=output)
