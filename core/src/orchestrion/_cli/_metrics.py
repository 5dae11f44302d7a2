"""``orchestrion metrics``, ``serve-metrics`` and ``health``.

A CLI process runs no workflows of its own, so ``metrics`` and
``serve-metrics`` aggregate the past runs in the state store (the one ``run``
records into: ``--state FILE``, else ``ORCHESTRION_STATE``, else ``[state]``,
else the default SQLite file). Breaker and pool figures live in the process
that ran the workflows; an embedding application serves its own with
``Orchestrator.metrics()`` and ``orchestrion._metrics._prometheus.serve``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from ._runs import STATE_OPTION, orchestrator_with_state
from ._state import CliState

if TYPE_CHECKING:
    from .._metrics._health import HealthReport
    from .._metrics._model import Latency, MetricsSnapshot

__all__ = ["health", "metrics", "serve_metrics"]

_LIMIT_OPTION = click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Aggregate only the newest N runs.",
)


def _stored_snapshot(state: CliState, state_path: str | None, limit: int) -> MetricsSnapshot:
    import anyio

    from .._metrics._history import stored_metrics

    async def main() -> MetricsSnapshot:
        orch = orchestrator_with_state(state, state_path)
        try:
            return await stored_metrics(orch.store, registry=orch.registry, limit=limit)
        finally:
            await orch.aclose()

    return anyio.run(main)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.3g}"


def _latency_cells(latency: Latency) -> tuple[str, str, str]:
    return _ms(latency.p50), _ms(latency.p95), _ms(latency.p99)


def _print_snapshot(state: CliState, snap: MetricsSnapshot) -> None:
    from rich.table import Table

    console = state.console
    runs = snap.runs
    statuses = ", ".join(f"{n} {s}" for s, n in runs.by_status.items()) or "none"
    console.print(
        f"{runs.runs} run(s) ({statuses}); {runs.steps} step(s), {runs.items} item(s)",
        markup=False,
    )
    for title, rows in (("component", snap.components), ("capability", snap.capabilities)):
        if not rows:
            continue
        # Borderless: nine columns must fit an 80-column terminal.
        table = Table(box=None, padding=(0, 1), caption="latencies in ms")
        table.add_column(title, overflow="fold", min_width=16)
        for column in ("calls", "ok", "failed", "retries", "fallbacks", "p50", "p95", "p99"):
            table.add_column(column, no_wrap=True, justify="right")
        for name, s in rows.items():
            counts = (s.calls, s.successes, s.failures, s.retries, s.fallbacks)
            table.add_row(name, *map(str, counts), *_latency_cells(s.latency))
        console.print(table)
    for note in snap.notes:
        console.print(f"note: {note}", markup=False, style="dim")


@click.command("metrics")
@click.option("--json", "as_json", is_flag=True, help="Print the snapshot as JSON.")
@click.option(
    "--prometheus", is_flag=True, help="Print the Prometheus text format (needs the extra)."
)
@_LIMIT_OPTION
@STATE_OPTION
@click.pass_context
def metrics(
    ctx: click.Context, /, as_json: bool, prometheus: bool, limit: int, state_path: str | None
) -> None:
    """Calls, outcomes, retries, fallbacks and latency percentiles per component
    type and capability, and run totals, aggregated from the runs in the state
    store."""
    state = CliState.of(ctx)
    snap = _stored_snapshot(state, state_path, limit)
    if prometheus:
        from .._metrics._prometheus import prometheus_text

        click.echo(prometheus_text(snap), nl=False)
    elif as_json:
        click.echo(snap.model_dump_json(indent=2))
    else:
        _print_snapshot(state, snap)


@click.command("serve-metrics")
@click.option("--port", type=click.IntRange(0, 65535), default=9464, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; the default keeps it on this machine.",
)
@_LIMIT_OPTION
@STATE_OPTION
@click.pass_context
def serve_metrics(
    ctx: click.Context, /, port: int, host: str, limit: int, state_path: str | None
) -> None:
    """Serve the stored runs' metrics in Prometheus text format at
    http://HOST:PORT/metrics until interrupted (each scrape reads the store
    anew). Needs: pip install 'orchestrion[prometheus]'."""
    import threading

    from .._metrics._prometheus import serve

    state = CliState.of(ctx)
    # Fail now, not at the first scrape, when the store or the plugins are wrong.
    _stored_snapshot(state, state_path, limit)
    server, thread = serve(lambda: _stored_snapshot(state, state_path, limit), host=host, port=port)
    click.echo(f"serving metrics at http://{host}:{server.server_port}/metrics", err=True)
    try:
        threading.Event().wait()  # until Ctrl-C (or SIGTERM ends the process)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _health_json(report: HealthReport) -> dict[str, Any]:
    data: dict[str, Any] = report.model_dump(mode="json")
    return data


@click.command("health")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--no-instantiate",
    is_flag=True,
    help="Do not make instances to check (a CLI process has none of its own).",
)
@click.option(
    "--check-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=5.0,
    show_default=True,
    help="Seconds each health check may take.",
)
@_LIMIT_OPTION
@STATE_OPTION
@click.pass_context
def health(
    ctx: click.Context,
    /,
    as_json: bool,
    no_instantiate: bool,
    check_timeout: float,
    limit: int,
    state_path: str | None,
) -> None:
    """Every registered component type: its health check, breaker state and
    last error (from the state store). Exit status 1 when any is unhealthy.

    A type is checked by making one instance with default options (skipped when
    its options have required fields, or with --no-instantiate), calling its
    optional health() and closing it.
    """
    import anyio

    from .._metrics._history import stored_last_errors

    state = CliState.of(ctx)

    async def main() -> HealthReport:
        orch = orchestrator_with_state(state, state_path)
        try:
            errors = await stored_last_errors(orch.store, limit=limit)
            return await orch.health(
                instantiate=not no_instantiate, check_timeout=check_timeout, last_errors=errors
            )
        finally:
            await orch.aclose()

    report = anyio.run(main)
    if as_json:
        click.echo(json.dumps(_health_json(report), indent=2))
    else:
        _print_health(state, report)
    ctx.exit(0 if report.healthy else 1)


def _print_health(state: CliState, report: HealthReport) -> None:
    from rich.table import Table

    # Borderless, details last and folded: it must read in 80 columns.
    table = Table(box=None, padding=(0, 1))
    table.add_column("component", overflow="fold", min_width=16)
    for column in ("healthy", "check", "breaker"):
        table.add_column(column, no_wrap=True)
    table.add_column("detail / last error", overflow="fold")
    for name, c in report.components.items():
        notes = [c.check.detail] if c.check.detail else []
        if c.last_error is not None:
            notes.append(
                f"last error in step {c.last_error.step!r}: {c.last_error.type}: "
                f"{c.last_error.message}"
            )
        healthy = "yes" if c.healthy else "NO"
        table.add_row(name, healthy, c.check.status, c.breaker, "; ".join(notes))
    state.console.print(table)
    verdict = "healthy" if report.healthy else "UNHEALTHY"
    state.console.print(f"{len(report.components)} component type(s): {verdict}", markup=False)
