"""The ``rules_demo.log_line`` condition: is this text a timestamped log line?"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from orchestrion import DataProfile

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# "2024-05-01 12:00:00 ERROR ..." or "2024-05-01T12:00:00Z [error] ...".
_LINE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}\S*\s+\[?(?P<level>[A-Za-z]+)\]?\s")
# Only the start of the text is looked at, however long the data is.
_HEAD = 256


class LogLineParams(BaseModel):
    """Parameters of ``rules_demo.log_line``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    levels: tuple[str, ...] = Field(
        default=LEVELS, min_length=1, description="Log levels that count (case-insensitive)."
    )


def is_log_line(data: Any, profile: DataProfile, params: LogLineParams) -> bool:
    """Whether ``data`` is text starting with a timestamp and one of ``levels``."""
    if profile.kind == "bytes":
        text = bytes(data[:_HEAD]).decode("utf-8", "replace")
    elif profile.kind == "text":
        text = data[:_HEAD]
    else:
        return False
    match = _LINE.match(text)
    return match is not None and match["level"].upper() in {lv.upper() for lv in params.levels}
