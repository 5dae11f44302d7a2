"""``orchestrion process`` with the four first-party processing plugins installed
(issue 6): real data routed with no configuration, routes explained, outputs checked.

The plugin set is pinned with ``--plugins`` so that other installed plugins
(the examples, the LLM plugin) cannot change the routes under test.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

pytest.importorskip("orchestrion_json")
pytest.importorskip("orchestrion_chunking")
pytest.importorskip("orchestrion_validator")
pytest.importorskip("orchestrion_numeric")

from orchestrion.cli import cli

PLUGINS = "json,chunking,validator,validator-required,numeric"
WORDS = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "a",
    "lazy",
    "dog",
    "while",
    "the",
    "data",
    "router",
    "hums",
]


def prose(size: int, seed: int) -> str:
    """Seeded sentences and paragraphs, exactly ``size`` characters long."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        sentence = " ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "."
        parts.append(sentence + ("\n\n" if rng.random() < 0.2 else " "))
        total += len(parts[-1])
    return "".join(parts)[:size]


def process(path: Path) -> tuple[int, dict[str, Any]]:
    """Run ``orchestrion process PATH --json --explain``; exit code and parsed JSON."""
    result = CliRunner().invoke(
        cli, ["--plugins", PLUGINS, "process", str(path), "--json", "--explain"]
    )
    return result.exit_code, json.loads(result.stdout)


def rules_and_requirements(route: dict[str, Any]) -> tuple[list[Any], list[str]]:
    """The rules evaluated and every plugin's requirements, from the explanation."""
    explanation = route["explanation"]
    required = [t for answer in explanation["requirements"] for t in answer["requires"]]
    return explanation["rules"], required


def test_json_document_with_a_long_text_field(tmp_path: Path) -> None:
    """A 50 KB JSON document is parsed, its long field chunked, every chunk validated."""
    body = prose(50_000, seed=1)
    path = tmp_path / "doc.json"
    path.write_text(json.dumps({"id": 7, "title": "Report", "tags": ["a"], "body": body}))
    assert 50_000 < path.stat().st_size < 52_000  # "50 KB"
    code, out = process(path)
    assert code == 0
    route = out["route"]
    assert route["types"] == ["json.parse", "chunking.split", "validator.schema"]
    _, required = rules_and_requirements(route)
    assert {"json.parse", "chunking.split", "validator.schema"} <= set(required)
    steps = out["result"]["steps"]
    assert steps["json_parse"]["output"]["id"] == 7
    chunks = steps["chunking_split"]["output"]
    assert len(chunks) > 1
    assert "".join(c["text"] for c in chunks) == body  # zero overlap, no trimming
    assert all(body[c["start"] : c["end"]] == c["text"] for c in chunks)
    assert len(steps["validator_schema"]["items"]) == len(chunks)
    assert out["result"]["status"] == "succeeded"


def test_plain_prose_of_200_kb(tmp_path: Path) -> None:
    """200 KB of prose is chunked (no parsing) and the chunks cover the text in order."""
    text = prose(200_000, seed=2)
    path = tmp_path / "prose.txt"
    path.write_text(text)
    code, out = process(path)
    assert code == 0
    assert out["route"]["types"] == ["chunking.split", "validator.schema"]
    assert out["route"]["explanation"]["profile"]["format"] == "prose"
    chunks = out["result"]["steps"]["chunking_split"]["output"]
    assert [c["index"] for c in chunks] == list(range(len(chunks)))
    assert "".join(c["text"] for c in chunks) == text


def test_text_with_numbers(tmp_path: Path) -> None:
    """Text with enough figures is routed to extraction and statistics over the right values."""
    path = tmp_path / "numbers.txt"
    path.write_text(
        "Revenue grew from 1,200 to 1,560 units (30%) while costs were 450.5, 470.25 "
        "and 512.75 across the quarters; margin 12.5% and 13.1%."
    )
    code, out = process(path)
    assert code == 0
    assert out["route"]["types"] == ["numeric.extract", "numeric.stats", "validator.schema"]
    stats = out["result"]["output"]
    assert stats["count"] == 8
    assert stats["sum"] == pytest.approx(4249.1)
    assert stats["min"] == 12.5
    assert stats["max"] == 1560


def test_malformed_json_fails_the_parse_step_cleanly(tmp_path: Path) -> None:
    """Malformed JSON is routed to the parser, which fails with a located ParseError."""
    path = tmp_path / "bad.json"
    path.write_text('{"id": 7, "title": "Report", "body": "unterminated')
    code, out = process(path)
    assert code == 1
    assert out["route"]["types"] == ["json.parse", "validator.schema"]
    steps = out["result"]["steps"]
    error = steps["json_parse"]["error"]
    assert error["type"] == "ParseError"
    assert "line 1" in error["message"]
    assert "unterminated" not in error["message"]  # errors never copy the payload
    assert steps["json_parse"]["attempts"] == 1  # bad input is never retried
    assert steps["validator_schema"]["status"] == "skipped"
    assert out["result"]["status"] == "failed"
