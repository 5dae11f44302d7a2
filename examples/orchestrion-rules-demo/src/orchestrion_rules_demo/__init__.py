"""orchestrion-rules-demo: routing rules and a custom condition, as a user writes them.

Support tickets (JSON objects with a ``ticket_id``) are parsed and triaged into
a queue; log lines are parsed, and error-level ones also raise an alert. What
decides is three routing rules, one of which uses this plugin's own condition,
``rules_demo.log_line``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orchestrion
from orchestrion import ComponentType, Condition, ConditionRef, RoutingRule

from ._components import (
    Alert,
    LogParser,
    TicketParser,
    Triage,
    TriageOptions,
)
from ._condition import LogLineParams, is_log_line

__all__ = ["LogLineParams", "TriageOptions", "is_log_line", "rules"]


@orchestrion.hookimpl
def register_components(register: Callable[[ComponentType[Any]], None]) -> None:
    """The four components the rules route to."""
    register(
        ComponentType(
            name="rules_demo.parse_ticket",
            factory=lambda o: TicketParser(),
            description="Parse a support ticket (JSON text) into a mapping.",
        )
    )
    register(
        ComponentType(
            name="rules_demo.triage",
            factory=Triage,
            options=TriageOptions,
            description="Put a parsed ticket into a queue by its words.",
            after=("rules_demo.parse_ticket",),
        )
    )
    register(
        ComponentType(
            name="rules_demo.parse_log",
            factory=lambda o: LogParser(),
            description="Parse a log line into time, level and message.",
        )
    )
    register(
        ComponentType(
            name="rules_demo.alert",
            factory=lambda o: Alert(),
            description="Turn a parsed error log line into an alert.",
            after=("rules_demo.parse_log",),
        )
    )


@orchestrion.hookimpl
def register_conditions(register: Callable[[Condition[Any]], None]) -> None:
    """The plugin's own condition: a timestamped log line of given levels."""
    register(
        Condition(
            name="rules_demo.log_line",
            check=is_log_line,
            params=LogLineParams,
            description="Text whose first line is a timestamped log line at one of 'levels'.",
        )
    )


def rules() -> list[RoutingRule]:
    """The three rules, highest priority first."""
    ticket = ConditionRef(
        "all",
        {
            "conditions": [
                ConditionRef("looks_like", {"format": "json"}),
                ConditionRef("matches_pattern", {"pattern": r'"ticket_id"\s*:', "max_input": 4096}),
            ]
        },
    )
    return [
        RoutingRule(
            name="rules_demo.tickets",
            priority=50,
            when=ticket,
            route=("rules_demo.parse_ticket", "rules_demo.triage"),
            description="Support tickets are parsed and triaged.",
        ),
        RoutingRule(
            name="rules_demo.error_logs",
            priority=40,
            when=ConditionRef("rules_demo.log_line", {"levels": ["ERROR", "CRITICAL"]}),
            route=("rules_demo.parse_log", "rules_demo.alert"),
            description="Error log lines also raise an alert.",
        ),
        RoutingRule(
            name="rules_demo.logs",
            priority=30,
            when=ConditionRef("rules_demo.log_line"),
            route=("rules_demo.parse_log",),
            description="Other log lines are only parsed.",
        ),
    ]


@orchestrion.hookimpl
def register_routing_rules(register: Callable[[RoutingRule], None]) -> None:
    """Register the rules (validated when the orchestrator first routes)."""
    for rule in rules():
        register(rule)
