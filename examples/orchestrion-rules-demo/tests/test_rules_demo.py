"""The rules-demo plugin, loaded in process with the testing kit."""

from __future__ import annotations

import json

import pytest

import orchestrion_rules_demo
from orchestrion import Orchestrator
from orchestrion.testing import make_orchestrator

TICKET = json.dumps({"ticket_id": 7, "subject": "Site is down", "body": "since 9am"})
QUIET_TICKET = json.dumps({"ticket_id": 8, "subject": "Invoice copy", "body": "please"})
ERROR_LINE = "2024-05-01 12:00:03 ERROR disk /dev/sda1 is full"
INFO_LINE = "2024-05-01T12:00:04Z [info] backup finished"


@pytest.fixture
def orch() -> Orchestrator:
    """The built-ins plus this plugin, nothing else."""
    return make_orchestrator(orchestrion_rules_demo)


@pytest.mark.parametrize(
    ("data", "rule", "types"),
    [
        (TICKET, "rules_demo.tickets", ("rules_demo.parse_ticket", "rules_demo.triage")),
        (ERROR_LINE, "rules_demo.error_logs", ("rules_demo.parse_log", "rules_demo.alert")),
        (INFO_LINE, "rules_demo.logs", ("rules_demo.parse_log",)),
        (
            ERROR_LINE.encode(),
            "rules_demo.error_logs",
            ("rules_demo.parse_log", "rules_demo.alert"),
        ),
    ],
)
def test_tickets_and_log_lines_route_differently(
    orch: Orchestrator, data: str | bytes, rule: str, types: tuple[str, ...]
) -> None:
    """Each kind of input is decided by its own rule."""
    route = orch.plan(data)
    assert (route.rule, route.types) == (rule, types)


def test_other_data_matches_no_rule(orch: Orchestrator) -> None:
    """JSON without a ticket_id and prose are left alone, and the trace says why."""
    for data in ('{"id": 1}', "Dear team, thanks for the help."):
        route = orch.plan(data)
        assert route.source == "none"
        assert [r.name for r in route.explanation.rules] == [
            "rules_demo.tickets",
            "rules_demo.error_logs",
            "rules_demo.logs",
        ]


def test_the_condition_reads_only_the_start(orch: Orchestrator) -> None:
    """A log line followed by megabytes of text is still a log line (bounded work)."""
    assert orch.plan(INFO_LINE + "\n" + "x" * 5_000_000).rule == "rules_demo.logs"


@pytest.mark.anyio
async def test_processing_a_ticket_triages_it(orch: Orchestrator) -> None:
    """An urgent ticket lands in the urgent queue; options come from config."""
    async with orch:
        urgent = await orch.process(TICKET)
        quiet = await orch.process(
            QUIET_TICKET, {"rules_demo.triage": {"default_queue": "billing"}}
        )
    assert urgent.output["queue"] == "urgent"
    assert quiet.output["queue"] == "billing"


@pytest.mark.anyio
async def test_processing_an_error_line_raises_an_alert(orch: Orchestrator) -> None:
    """An error line is parsed and turned into an alert."""
    async with orch:
        result = await orch.process(ERROR_LINE)
    assert result.output == {"alert": "ERROR at 2024-05-01 12:00:03: disk /dev/sda1 is full"}


def test_rules_name_only_known_conditions_and_types(orch: Orchestrator) -> None:
    """Loading the rules validates them: three rules, all from this plugin."""
    rules = orch.routing.load()
    assert [r.name for r in rules] == [
        "rules_demo.tickets",
        "rules_demo.error_logs",
        "rules_demo.logs",
    ]
    assert all("orchestrion_rules_demo" in r.origin for r in rules)
