"""JSONTestSuite conformance: y_ accepted, n_ rejected, i_ either, nothing crashes.

The suite (https://github.com/nst/JSONTestSuite, MIT) is not copied into the
repository: it is read from ``<repo>/../shared/conformance/JSONTestSuite``, and
the test skips with a message when that folder is absent.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from orchestrion.exceptions import ParseError
from orchestrion_json import ParseOptions, parse_json

REPO = Path(__file__).resolve().parents[3]
SUITE = REPO.parent / "shared" / "conformance" / "JSONTestSuite" / "test_parsing"
# Generous per-file bound: every file parses in microseconds; this only
# catches a hang-like pathology, it does not time anything precisely.
SLOW_FILE_SECONDS = 2.0


def test_json_test_suite(capsys: pytest.CaptureFixture[str]) -> None:
    """Every y_ file parses, every n_ file is a ParseError, every i_ file is either,
    and no file raises anything else or takes long."""
    if not SUITE.is_dir():
        pytest.skip(f"JSONTestSuite not found at {SUITE}; clone shared/ beside the repository")
    files = sorted(SUITE.glob("*.json"))
    assert len(files) > 300, f"expected the full suite, found {len(files)} files"
    options = ParseOptions()
    counts = {"y_ok": 0, "n_ok": 0, "i_accepted": 0, "i_rejected": 0}
    wrong: list[str] = []
    for path in files:
        data = path.read_bytes()
        start = time.perf_counter()
        try:
            parse_json(data, options)
            accepted = True
        except ParseError:
            accepted = False
        # Anything else (RecursionError, MemoryError, TypeError...) fails the test.
        if time.perf_counter() - start > SLOW_FILE_SECONDS:
            wrong.append(f"{path.name}: took over {SLOW_FILE_SECONDS}s")
        kind = path.name[:2]
        if kind == "y_":
            counts["y_ok"] += accepted
            if not accepted:
                wrong.append(f"{path.name}: must be accepted")
        elif kind == "n_":
            counts["n_ok"] += not accepted
            if accepted:
                wrong.append(f"{path.name}: must be rejected")
        else:
            counts["i_accepted" if accepted else "i_rejected"] += 1
    totals = {k: sum(p.name.startswith(k) for p in files) for k in ("y_", "n_", "i_")}
    with capsys.disabled():
        print(
            f"\nJSONTestSuite: y_ accepted {counts['y_ok']}/{totals['y_']}, "
            f"n_ rejected {counts['n_ok']}/{totals['n_']}, "
            f"i_ accepted {counts['i_accepted']} / rejected {counts['i_rejected']} "
            f"of {totals['i_']}"
        )
    assert wrong == []
