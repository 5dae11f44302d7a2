"""The built-in ``core.*`` component types (plugin ``core``)."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrion import ConfigError, Orchestrator, Workflow

pytestmark = pytest.mark.anyio


async def one(component: str, data: Any, **options: Any) -> Any:
    """Run a one-step workflow and return its result."""
    flow = Workflow.model_validate({"steps": {"x": {"component": component, "options": options}}})
    async with Orchestrator(config={"plugins": {"autoload": False}}, env={}) as orch:
        return await orch.run(flow, data)


async def test_lines_splits_and_emits_many() -> None:
    """core.lines splits text into stripped, non-blank lines (bytes are decoded)."""
    result = await one("core.lines", b" a \n\n b\r\nc")
    assert result.output == ["a", "b", "c"]
    kept = await one("core.lines", "a \n\nb", strip=False, skip_blank=False)
    assert kept.output == ["a ", "", "b"]


@pytest.mark.parametrize(
    ("unit", "data", "expected"),
    [
        ("items", [1, 2, 3], 3),
        ("characters", "héllo", 5),
        ("words", "It's a well-known fact, 42 times.", 5),
        ("lines", "a\nb\n", 2),
    ],
)
async def test_count(unit: str, data: Any, expected: int) -> None:
    """core.count counts items, characters, words or lines."""
    assert (await one("core.count", data, unit=unit)).output == expected


async def test_count_rejects_wrong_input() -> None:
    """core.count fails with a PermanentError naming the type, not the data."""
    result = await one("core.count", 5, unit="words")
    error = result.steps["x"].error
    assert result.status == "failed"
    assert error is not None
    assert error.type == "PermanentError"
    assert "expects text, got int" in error.message


async def test_stats() -> None:
    """core.stats summarises numbers, or a field of mappings."""
    result = await one("core.stats", [3, 1, 2, 10])
    assert result.output == {"count": 4, "sum": 16, "min": 1, "max": 10, "mean": 4.0, "median": 2.5}
    by_field = await one("core.stats", [{"n": 1}, {"n": 2}], field="n")
    assert by_field.output["mean"] == 1.5
    empty = await one("core.stats", [])
    assert empty.output["count"] == 0
    assert empty.output["mean"] is None
    bad = await one("core.stats", [1, "2"])
    assert bad.status == "failed"


async def test_frequencies() -> None:
    """core.frequencies ranks words over one or many texts, most frequent first."""
    texts = ["The cat and the hat.", "THE end"]
    result = await one("core.frequencies", texts, top=2, stopwords=["and"])
    assert result.output == {"the": 3, "cat": 1}
    long_only = await one("core.frequencies", "a bb ccc ccc", min_length=3)
    assert long_only.output == {"ccc": 2}


async def test_template() -> None:
    """core.template fills dotted placeholders from the input and renders values."""
    data = {"stats": {"mean": 2.0 / 3.0, "n": 3}, "top": {"a": 2}, "xs": [1, 2]}
    result = await one(
        "core.template", data, template="${stats.n} ${stats.mean} $top ${xs} ${xs.1} $$"
    )
    assert result.output == "3 0.666667 a (2) 1, 2 2 $"
    scalar = await one("core.template", 7, template="value=$value")
    assert scalar.output == "value=7"
    missing = await one("core.template", {}, template="$nope")
    assert missing.status == "failed"


async def test_template_option_is_checked() -> None:
    """A malformed template is a configuration error before the run."""
    with pytest.raises(ConfigError, match=r"steps\.x\.options\.template: malformed placeholder"):
        await one("core.template", {}, template="${broken")
