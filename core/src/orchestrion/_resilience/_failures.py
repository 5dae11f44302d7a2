"""The failure log: bounded, structured records of failed attempts and fallbacks.

Records never hold the data being processed: only the error's type and its
message, cut short, and withheld entirely when it visibly contains the input.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["FailureLog", "FailureRecord", "failure_record", "safe_message"]

_MAX_MESSAGE = 300
_WITHHELD = "<message withheld: it contains the step's input>"


class FailureRecord(BaseModel):
    """One failed attempt (or failed fallback) of a step."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: str | None = Field(default=None, description="The run, when known.")
    step: str = Field(description="The step's name.")
    item: int | None = Field(default=None, description="The fan-out item index, if any.")
    component: str = Field(description="The component type (or fallback) that failed.")
    attempt: int = Field(description="Attempt number from 1; 0 for a fallback.")
    error_type: str = Field(description="Qualified name of the exception type.")
    message: str = Field(description="The error message, shortened; never the input.")
    time: datetime = Field(description="When the failure was recorded (UTC).")
    fallback: str | None = Field(
        default=None, description="Which fallback failed ('component:x', 'plugin:y'), if one."
    )


def _type_name(exc: BaseException) -> str:
    cls = type(exc)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def safe_message(exc: BaseException, data: Any = None) -> str:
    """``str(exc)`` cut to 300 characters, withheld if it contains ``data``
    (text or bytes input) or a 32-character head of it."""
    try:
        text = str(exc)
    except Exception:
        text = f"<unprintable {type(exc).__name__}>"
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    if isinstance(data, str) and len(data) >= 8:
        head = data[:32]
        if head in text:
            return _WITHHELD
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 3] + "..."
    return text


def failure_record(
    exc: BaseException,
    *,
    step: str,
    component: str,
    attempt: int,
    run_id: str | None = None,
    item: int | None = None,
    data: Any = None,
    fallback: str | None = None,
) -> FailureRecord:
    """Build a :class:`FailureRecord` for ``exc`` (``data`` only to withhold it)."""
    return FailureRecord(
        run_id=run_id,
        step=step,
        item=item,
        component=component,
        attempt=attempt,
        error_type=_type_name(exc),
        message=safe_message(exc, data),
        time=datetime.now(UTC),
        fallback=fallback,
    )


class FailureLog:
    """The newest ``maxlen`` failure records of an orchestrator, queryable.

    ``dropped`` counts the records pushed out by newer ones.
    """

    def __init__(self, maxlen: int = 1000) -> None:
        self.maxlen = maxlen
        self._records: deque[FailureRecord] = deque(maxlen=maxlen)
        self._lock = threading.Lock()
        self.dropped = 0

    def extend(self, records: Iterable[FailureRecord]) -> None:
        """Append records, dropping the oldest beyond ``maxlen``."""
        with self._lock:
            for record in records:
                if len(self._records) == self.maxlen:
                    self.dropped += 1
                self._records.append(record)

    def query(
        self,
        *,
        run_id: str | None = None,
        step: str | None = None,
        component: str | None = None,
    ) -> list[FailureRecord]:
        """Records matching every given filter, oldest first."""
        with self._lock:
            records = list(self._records)
        return [
            r
            for r in records
            if (run_id is None or r.run_id == run_id)
            and (step is None or r.step == step)
            and (component is None or r.component == component)
        ]

    def clear(self) -> None:
        """Forget every record (and the dropped count)."""
        with self._lock:
            self._records.clear()
            self.dropped = 0

    def __iter__(self) -> Iterator[FailureRecord]:
        return iter(self.query())

    def __len__(self) -> int:
        return len(self._records)
