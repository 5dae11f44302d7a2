"""The components the demo rules route to: tickets and log lines."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from orchestrion import StepContext
from orchestrion.exceptions import ParseError

_LOG = re.compile(
    r"^(?P<time>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}\S*)\s+\[?(?P<level>[A-Za-z]+)\]?\s+"
    r"(?P<message>.*)$"
)


class TicketParser:
    """JSON text to a ticket mapping."""

    def process(self, data: Any, ctx: StepContext) -> dict[str, Any]:
        """Parse the ticket; a :class:`ParseError` names the position of a problem."""
        try:
            ticket = json.loads(data)
        except json.JSONDecodeError as exc:
            msg = f"ticket is not valid JSON: {exc.msg}"
            raise ParseError(msg, line=exc.lineno, column=exc.colno) from None
        if not isinstance(ticket, dict) or "ticket_id" not in ticket:
            msg = "a ticket is a JSON object with a 'ticket_id'"
            raise ParseError(msg)
        return ticket


class TriageOptions(BaseModel):
    """Options of ``rules_demo.triage``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    urgent_words: tuple[str, ...] = Field(
        default=("down", "outage", "fire", "urgent"),
        description="Words in the subject or body that make a ticket urgent.",
    )
    default_queue: str = Field(default="support", description="Queue of non-urgent tickets.")


class Triage:
    """Add a ``queue`` to a parsed ticket."""

    def __init__(self, options: TriageOptions) -> None:
        self.options = options

    def process(self, data: dict[str, Any], ctx: StepContext) -> dict[str, Any]:
        """Return the ticket with its queue: ``urgent`` or the default queue."""
        text = f"{data.get('subject', '')} {data.get('body', '')}".lower()
        urgent = any(word in text.split() for word in self.options.urgent_words)
        return {**data, "queue": "urgent" if urgent else self.options.default_queue}


class LogParser:
    """A log line to ``{"time", "level", "message"}``."""

    def process(self, data: Any, ctx: StepContext) -> dict[str, str]:
        """Parse the first line of the text."""
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
        match = _LOG.match(text.splitlines()[0] if text else "")
        if match is None:
            msg = "not a timestamped log line"
            raise ParseError(msg, line=1, column=1)
        return {
            "time": match["time"],
            "level": match["level"].upper(),
            "message": match["message"].strip(),
        }


class Alert:
    """A parsed error line to an alert."""

    def process(self, data: dict[str, str], ctx: StepContext) -> dict[str, str]:
        """Return the alert for the line."""
        return {"alert": f"{data['level']} at {data['time']}: {data['message']}"}
