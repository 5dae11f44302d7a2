"""``orchestrion stream``: process a JSON Lines stream record by record.

Each non-empty input line is one record (parsed with orjson when installed,
else the standard json module); each record is routed, or run through
``--workflow``; each successful output is written as one JSON line. Records
that fail (including lines that are not JSON) are written to ``--dead-letter``
as ``{"offset", "error_type", "error", "record"}`` lines and never stop the
stream. Exit status 0 when every record succeeded, 1 when any failed.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from contextlib import ExitStack
from itertools import islice
from typing import IO, TYPE_CHECKING, Any

import click

from ._state import CliState

if TYPE_CHECKING:
    from .._streams._result import StreamResult
    from .._streams._stats import StreamStats
    from .._streams._stream import Stream

__all__ = ["stream"]

# Lines read per trip to the worker thread: reading never blocks the event
# loop, and the thread hop is paid once per batch, not once per record.
_READ_BATCH = 1024


def _codec() -> tuple[Callable[[bytes], Any], Callable[[Any], bytes]]:
    try:
        import orjson
    except ImportError:
        import json

        def dumps(value: Any) -> bytes:
            return json.dumps(value, default=str, ensure_ascii=False).encode()

        return json.loads, dumps

    def odumps(value: Any) -> bytes:
        return orjson.dumps(value, default=str)

    return orjson.loads, odumps


async def _lines(source: IO[bytes]) -> AsyncIterator[bytes]:
    import anyio.to_thread

    def batch() -> list[bytes]:
        return list(islice(source, _READ_BATCH))

    while True:
        lines = await anyio.to_thread.run_sync(batch)
        if not lines:
            return
        for line in lines:
            if line.strip():
                yield line.rstrip(b"\r\n")


def _open(stack: ExitStack, path: str, mode: str, std: IO[bytes]) -> IO[bytes]:
    if path == "-":
        return std
    try:
        return stack.enter_context(open(path, mode))  # closed by the stack
    except OSError as exc:
        from ..exceptions import ConfigError

        msg = f"cannot open {path}: {exc.strerror}; check the path"
        raise ConfigError(msg, source="<cli>") from None


def _seconds(value: float) -> str:
    return f"{value * 1e6:.1f} µs" if value < 1e-3 else f"{value * 1e3:.2f} ms"


def _summary(name: str, stats: StreamStats) -> str:
    ok = stats.records_out - stats.errors
    parts = [
        f"stream {name}: {stats.records_out} records, {ok} ok, {stats.errors} failed",
        f"({stats.dead_lettered} dead-lettered)" if stats.errors else "",
        f"in {stats.elapsed:.2f} s ({stats.throughput:,.0f} records/s)",
    ]
    if stats.p50 is not None and stats.p95 is not None and stats.p99 is not None:
        parts.append(
            f"latency p50 {_seconds(stats.p50)}, p95 {_seconds(stats.p95)}, "
            f"p99 {_seconds(stats.p99)}"
        )
    if stats.resumed_after is not None:
        parts.append(f"resumed after offset {stats.resumed_after}")
    return " ".join(p for p in parts if p)


async def _consume(
    results: Stream, out: IO[bytes], dumps: Callable[[Any], bytes], state: CliState
) -> None:
    import anyio

    if not state.err_console.is_terminal:
        async for result in results:
            if result.ok:
                out.write(dumps(result.output) + b"\n")
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} records  {task.fields[rate]:,.0f}/s"),
        TextColumn("[red]{task.fields[failed]:,} failed"),
        TimeElapsedColumn(),
        console=state.err_console,
        transient=True,
    )
    task = progress.add_task(results.name, total=None, rate=0.0, failed=0)

    def show() -> None:
        stats = results.stats
        progress.update(
            task, completed=stats.records_out, rate=stats.throughput, failed=stats.errors
        )

    async def refresh() -> None:
        while True:
            show()
            await anyio.sleep(0.2)  # the display's refresh period

    with progress:
        async with anyio.create_task_group() as tg:
            tg.start_soon(refresh)
            async for result in results:
                if result.ok:
                    out.write(dumps(result.output) + b"\n")
            tg.cancel_scope.cancel()
        show()


@click.command()
@click.option("--input", "input_path", metavar="FILE|-", default="-", show_default=True,
              help="JSON Lines to read, one record per line ('-': stdin).")  # fmt: skip
@click.option("--output", "output_path", metavar="FILE|-", default="-", show_default=True,
              help="Where each successful record's output goes, as a JSON line.")  # fmt: skip
@click.option("--dead-letter", "dead_letter_path", metavar="FILE",
              help="Append failed records here as JSON lines (offset, error_type, error, "
              "record).")  # fmt: skip
@click.option("--workflow", "workflow_file", metavar="FILE",
              type=click.Path(dir_okay=False, exists=True),
              help="Run each record through this workflow (default: route it).")  # fmt: skip
@click.option("--concurrency", type=click.IntRange(min=1), default=16, show_default=True,
              metavar="N", help="Most records processed at once.")  # fmt: skip
@click.option("--buffer", type=click.IntRange(min=1), default=64, show_default=True,
              metavar="N", help="Records waiting between stages (bounds memory).")  # fmt: skip
@click.option("--batch", type=click.IntRange(min=1), metavar="N",
              help="With --workflow (a chain of local steps): call its components directly, "
              "N records at a time, without per-record retries or events. For cheap "
              "steps.")  # fmt: skip
@click.option("--unordered", is_flag=True,
              help="Write outputs as records finish instead of in input order.")  # fmt: skip
@click.option("--name", metavar="NAME",
              help="Checkpoint the offset under NAME; a later run with it resumes after "
              "the last record written.")  # fmt: skip
@click.option("--state", "state_path", metavar="FILE",
              help="State file the offsets of a named stream are kept in. Default: "
              "ORCHESTRION_STATE, [state] in config, else the default state file.")  # fmt: skip
@click.pass_context
def stream(
    ctx: click.Context,
    /,
    input_path: str,
    output_path: str,
    dead_letter_path: str | None,
    workflow_file: str | None,
    concurrency: int,
    buffer: int,
    batch: int | None,
    unordered: bool,
    name: str | None,
    state_path: str | None,
) -> None:
    """Process JSON Lines record by record: routed, or through --workflow.

    Outputs of successful records are written as JSON lines; failed records
    (and lines that are not JSON) go to --dead-letter and never stop the
    stream. A progress line with the rate is shown on a terminal and a summary
    on stderr at the end.

    Exit status: 0 every record succeeded, 1 some record failed, 2 usage or
    configuration error.
    """
    import anyio

    from ._runs import orchestrator_with_state

    state = CliState.of(ctx)
    loads, dumps = _codec()
    summary: list[str] = []
    failed: list[int] = []

    async def main() -> None:
        with ExitStack() as files:
            source = _open(files, input_path, "rb", sys.stdin.buffer)
            out = _open(files, output_path, "wb", sys.stdout.buffer)
            letters = None
            if dead_letter_path is not None:
                letters = _open(files, dead_letter_path, "ab", sys.stdout.buffer)

            def dead_letter(result: StreamResult) -> None:
                if letters is not None:
                    letters.write(dumps(result.dead_letter()) + b"\n")

            orch = orchestrator_with_state(state, state_path)
            async with orch:
                results = orch.stream(
                    _lines(source),
                    workflow=workflow_file,
                    concurrency=concurrency,
                    buffer=buffer,
                    ordered=not unordered,
                    name=name,
                    dead_letter=dead_letter,
                    decode=loads,
                    batch=batch,
                )
                async with results:
                    await _consume(results, out, dumps, state)
                stats = results.stats
                out.flush()
                summary.append(_summary(results.name, stats))
                failed.append(stats.errors)

    anyio.run(main)
    click.echo(summary[0], err=True)
    if failed[0]:
        ctx.exit(1)
