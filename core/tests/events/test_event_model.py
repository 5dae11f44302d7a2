"""The Event model: validated types, JSON-compatible data, sensible defaults."""

from __future__ import annotations

from datetime import UTC

import pytest
from pydantic import ValidationError

from orchestrion import Event


@pytest.mark.parametrize("type_", ["run.started", "order.v2.created", "ping", "breaker.half_open"])
def test_dotted_lower_case_types_are_accepted(type_: str) -> None:
    """Dotted lower-case names are valid event types."""
    assert Event(type=type_).type == type_


@pytest.mark.parametrize("type_", ["", "Run.started", "step.*", "a..b", ".a", "a b", "x" * 201])
def test_malformed_types_are_rejected(type_: str) -> None:
    """A type that is not a dotted lower-case name is rejected with a hint."""
    with pytest.raises(ValidationError, match="dotted lower-case name"):
        Event(type=type_)


def test_defaults_give_unique_ids_and_utc_times() -> None:
    """Each event gets its own id, a UTC time and the default source."""
    first, second = Event(type="a"), Event(type="a")
    assert first.id != second.id
    assert first.time.tzinfo is UTC
    assert first.source == "orchestrion"
    assert first.correlation_id is None


def test_data_must_be_json_compatible() -> None:
    """Data holding a non-JSON value is rejected, naming the key."""
    with pytest.raises(ValidationError, match=r"data\.rows\[1\]: set is not JSON-compatible"):
        Event(type="a", data={"rows": [1, {2}]})


def test_events_are_immutable() -> None:
    """Fields of a published event cannot be reassigned."""
    event = Event(type="a")
    with pytest.raises(ValidationError):
        event.type = "b"  # type: ignore[misc]


def test_json_round_trip() -> None:
    """An event survives JSON serialisation unchanged."""
    event = Event(type="order.created", data={"id": 3, "tags": ["x"]}, correlation_id="r1")
    assert Event.model_validate_json(event.model_dump_json()) == event
