"""The [numeric] configuration table: the requirement thresholds, validated strictly."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from orchestrion import Config, ConfigError, Orchestrator
from orchestrion.testing import make_orchestrator
from orchestrion_numeric import (
    DEFAULT_MIN_COUNT,
    DEFAULT_MIN_RATIO,
    NumericPlugin,
    NumericSettings,
)

NUMERIC = ("numeric.extract", "numeric.stats")
REPORT = (
    "Revenue rose 12% to $4.5 million in the quarter, while costs fell 3.2% to "
    "$2.1 million. Headcount grew from 120 to 134 and churn was 1.8%."
)
NOTE = "I have 2 cats."


def test_config_thresholds_change_the_route_of_the_installed_plugin() -> None:
    """[numeric] min_count and min_ratio decide what the installed plugin treats as numeric."""
    default = make_orchestrator(installed=["numeric"])
    stricter = make_orchestrator(installed=["numeric"], config={"numeric": {"min_count": 50}})
    looser = make_orchestrator(
        installed=["numeric"], config={"numeric": {"min_count": 1, "min_ratio": 0.01}}
    )
    assert default.plan(REPORT).types == NUMERIC
    assert default.plan(NOTE).types == ()
    assert stricter.plan(REPORT).types == ()
    assert looser.plan(NOTE).types == NUMERIC


def test_config_separators_apply_to_the_requirement_analysis() -> None:
    """Separators in [numeric] decide whether '1.234.567' counts as a number when routing."""
    text = "1.234.567 und 2.345.678"
    config = {"numeric": {"min_count": 2, "min_ratio": 0.5}}
    european = {
        "numeric": {**config["numeric"], "decimal_separator": ",", "thousands_separator": "."}
    }
    assert make_orchestrator(installed=["numeric"], config=config).plan(text).types == ()
    assert make_orchestrator(installed=["numeric"], config=european).plan(text).types == NUMERIC


def test_config_file_table_applies(tmp_path: Path) -> None:
    """The table is read from an orchestrion.toml given to a plain Orchestrator."""
    path = tmp_path / "orchestrion.toml"
    path.write_text(
        '[plugins]\nenable = ["numeric"]\nstrict = true\n\n[numeric]\nmin_count = 1\n',
        encoding="utf-8",
    )
    orch = Orchestrator(config=path, env={})
    assert orch.plan("Room 101 is free.").types == NUMERIC


def test_constructor_values_win_over_config_key_by_key() -> None:
    """min_count given to NumericPlugin() wins; min_ratio still comes from the table."""
    plugin = NumericPlugin(min_count=1)
    config = Config.model_validate({"numeric": {"min_count": 40, "min_ratio": 0.3}})
    settings = plugin.settings(config)
    assert (settings.min_count, settings.min_ratio) == (1, 0.3)
    orch = make_orchestrator(NumericPlugin(min_count=1, min_ratio=0.01), config=config)
    assert orch.plan(NOTE).types == NUMERIC
    with pytest.raises(ValueError, match="min_ratio"):
        NumericPlugin(min_ratio=2.0)


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"min_count": 0}, "numeric.min_count"),
        ({"min_ratio": 1.5}, "numeric.min_ratio"),
        ({"min_count": "many"}, "numeric.min_count"),
        ({"decimal_separator": ";"}, "numeric.decimal_separator"),
        ({"decimal_separator": ",", "thousands_separator": ","}, "numeric"),
        ({"min_counts": 3}, "numeric.min_counts"),
    ],
    ids=["zero", "ratio", "not-a-number", "separator", "same-separators", "unknown-key"],
)
def test_bad_table_is_a_config_error_naming_the_key(table: dict[str, object], key: str) -> None:
    """A bad value or unknown key is a ConfigError naming the file and the key path."""
    config = Config.model_validate({"numeric": table, "source": "orchestrion.toml"})
    with pytest.raises(ConfigError) as info:
        NumericPlugin().settings(config)
    assert info.value.key == key
    assert info.value.source == "orchestrion.toml"
    assert str(info.value).startswith(f"orchestrion.toml: {key}: ")


def test_bad_table_fails_when_the_orchestrator_is_built() -> None:
    """A bad table is a ConfigError (exit 2) when the plugin registers, not when data arrives."""
    with pytest.raises(ConfigError) as info:
        make_orchestrator(installed=["numeric"], config={"numeric": {"min_ratio": -1}})
    assert info.value.key == "numeric.min_ratio"


def test_settings_are_parsed_once_per_config_and_forgotten_with_it() -> None:
    """One Config parses once however many items are routed, without keeping it alive."""
    plugin = NumericPlugin()
    config = Config.model_validate({"numeric": {"min_count": 7}})
    first = plugin.settings(config)
    assert plugin.settings(config) is first
    assert first.min_count == 7
    defaults = plugin.settings(Config())
    assert (defaults.min_count, defaults.min_ratio) == (DEFAULT_MIN_COUNT, DEFAULT_MIN_RATIO)
    assert isinstance(defaults, NumericSettings)
    alive = weakref.ref(config)
    del config, first
    gc.collect()
    assert alive() is None, "the cache must not keep a Config alive"
    # Temporaries free their id at once, so ids are reused: each still gets its own table.
    for n in range(2, 60):
        assert plugin.settings(Config.model_validate({"numeric": {"min_count": n}})).min_count == n
