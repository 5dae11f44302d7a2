"""What a stream yields: one :class:`StreamResult` per record.

A plain ``__slots__`` class, not a pydantic model: a stream makes one per
record, and at tens of thousands of records a second the validation of a model
would cost more than the stream's own bookkeeping.
"""

from __future__ import annotations

from typing import Any, Final, Literal

__all__ = ["FAILED", "OK", "StreamResult"]

OK: Final = "ok"
FAILED: Final = "failed"


class StreamResult:
    """The outcome of one record of a stream.

    ``offset`` is the record's position in the source (0-based, counted from
    the source's first record even when a named stream resumes). ``status`` is
    ``"ok"`` (``output`` holds the workflow's output) or ``"failed"``
    (``error_type`` and ``error`` say why, ``record`` is the input that failed;
    the record was also handed to the dead-letter sink). ``latency`` is the
    seconds spent processing it.
    """

    __slots__ = ("error", "error_type", "latency", "offset", "output", "record", "status")

    def __init__(
        self,
        offset: int,
        status: Literal["ok", "failed"],
        output: Any = None,
        *,
        error_type: str | None = None,
        error: str | None = None,
        record: Any = None,
        latency: float = 0.0,
    ) -> None:
        self.offset = offset
        self.status = status
        self.output = output
        self.error_type = error_type
        self.error = error
        self.record = record
        self.latency = latency

    @property
    def ok(self) -> bool:
        """Whether the record was processed successfully."""
        return self.status == OK

    def dead_letter(self) -> dict[str, Any]:
        """The JSON-compatible dead-letter entry of a failed record: offset,
        error type and message (and the record when it is JSON-compatible)."""
        entry: dict[str, Any] = {
            "offset": self.offset,
            "error_type": self.error_type,
            "error": self.error,
        }
        if isinstance(self.record, str | int | float | bool | dict | list | None):
            entry["record"] = self.record
        elif isinstance(self.record, bytes):
            entry["record"] = self.record.decode("utf-8", "replace")
        return entry

    def __repr__(self) -> str:
        if self.ok:
            return f"StreamResult(offset={self.offset}, status='ok', output={self.output!r})"
        return (
            f"StreamResult(offset={self.offset}, status='failed', "
            f"error_type={self.error_type!r}, error={self.error!r})"
        )
