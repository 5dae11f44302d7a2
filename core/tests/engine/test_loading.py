"""Loading workflows from TOML, YAML and JSON files, and building them in Python."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrion import ConfigError, Policy, Workflow, load_workflow

TOML = """
name = "report"
deadline = 5

[policy.failure]
mode = "fail_fast"

[steps.lines]
component = "core.lines"

[steps.words]
component = "core.count"
for_each = "lines"
options = { unit = "words" }

[steps.stats]
component = "core.stats"
depends_on = ["words"]
gather = true
"""

YAML = """
name: report
steps:
  lines:
    component: core.lines
  words:
    component: core.count
    for_each: lines
    options: {unit: words}
  stats:
    component: core.stats
    depends_on: words
    gather: true
"""


def test_toml_file_loads_steps_in_order(tmp_path: Path) -> None:
    """A TOML workflow keeps its steps in declaration order and its policy and deadline."""
    path = tmp_path / "wf.toml"
    path.write_text(TOML, encoding="utf-8")
    wf = load_workflow(path)
    assert wf.name == "report"
    assert list(wf.steps) == ["lines", "words", "stats"]
    assert wf.deadline == 5
    assert wf.policy is not None
    assert wf.policy.failure is not None
    assert wf.policy.failure.mode == "fail_fast"
    assert wf.steps["words"].options == {"unit": "words"}


def test_for_each_implies_the_dependency(tmp_path: Path) -> None:
    """A step's for_each target is one of its dependencies without listing it."""
    path = tmp_path / "wf.toml"
    path.write_text(TOML, encoding="utf-8")
    assert load_workflow(path).steps["words"].depends_on == ("lines",)


@pytest.mark.parametrize("suffix", [".yaml", ".yml"])
def test_yaml_file_equals_the_toml_one(tmp_path: Path, suffix: str) -> None:
    """The same workflow in YAML loads to an equal model (a lone dependency may be a string)."""
    plain = TOML.replace("deadline = 5\n", "").replace('[policy.failure]\nmode = "fail_fast"\n', "")
    toml = tmp_path / "wf.toml"
    toml.write_text(plain, encoding="utf-8")
    yaml = tmp_path / f"wf{suffix}"
    yaml.write_text(YAML, encoding="utf-8")
    assert load_workflow(yaml) == load_workflow(toml)


def test_json_file_and_list_form(tmp_path: Path) -> None:
    """Steps may be a list of mappings with a name (here in JSON)."""
    path = tmp_path / "wf.json"
    path.write_text(
        '{"name": "j", "steps": [{"name": "a", "component": "t.echo"},'
        ' {"name": "b", "component": "t.echo", "depends_on": ["a"]}]}',
        encoding="utf-8",
    )
    wf = load_workflow(path)
    assert list(wf.steps) == ["a", "b"]
    assert wf.steps["b"].depends_on == ("a",)


def test_builder_builds_the_same_model() -> None:
    """The Python builder produces the model a file would."""
    wf = (
        Workflow.builder("report")
        .step("lines", "core.lines")
        .step("words", "core.count", options={"unit": "words"}, for_each="lines")
        .step("stats", "core.stats", depends_on="words", gather=True)
        .policy(Policy.model_validate({"failure": {"mode": "fail_fast"}}))
        .deadline(5)
        .build()
    )
    assert list(wf.steps) == ["lines", "words", "stats"]
    assert wf.steps["words"].depends_on == ("lines",)
    assert wf.deadline == 5


def test_builder_rejects_a_duplicate_step() -> None:
    """Adding a step name twice to the builder is a ConfigError naming the step."""
    builder = Workflow.builder().step("a", "t.echo")
    with pytest.raises(ConfigError, match=r"steps\.a: duplicate step name 'a'"):
        builder.step("a", "t.echo")


def test_duplicate_step_in_toml(tmp_path: Path) -> None:
    """A TOML file declaring a step table twice is a ConfigError naming the file."""
    path = tmp_path / "wf.toml"
    path.write_text(
        '[steps.a]\ncomponent = "x.y"\n[steps.a]\ncomponent = "x.z"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"wf\.toml: not valid TOML") as info:
        load_workflow(path)
    assert info.value.exit_code == 2


def test_duplicate_step_in_yaml(tmp_path: Path) -> None:
    """A YAML mapping naming a step twice is rejected with its line (PyYAML keeps the last)."""
    path = tmp_path / "wf.yaml"
    path.write_text("steps:\n  a: {component: x.y}\n  a: {component: x.z}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"wf\.yaml: duplicate key 'a' at line 3"):
        load_workflow(path)


def test_duplicate_step_in_json(tmp_path: Path) -> None:
    """A JSON object with a step name twice is rejected."""
    path = tmp_path / "wf.json"
    path.write_text('{"steps": {"a": {"component": "x.y"}, "a": {"component": "x.z"}}}')
    with pytest.raises(ConfigError, match="duplicate key 'a'"):
        load_workflow(path)


def test_duplicate_step_in_list_form(tmp_path: Path) -> None:
    """A list of steps naming one step twice is rejected with the key path."""
    path = tmp_path / "wf.yaml"
    path.write_text("steps:\n  - {name: a, component: x.y}\n  - {name: a, component: x.z}\n")
    with pytest.raises(ConfigError, match=r"steps: duplicate step name 'a'"):
        load_workflow(path)


def test_unknown_field_names_the_key_path(tmp_path: Path) -> None:
    """A misspelt step field is a ConfigError with the key path."""
    path = tmp_path / "wf.toml"
    path.write_text('[steps.a]\ncomponent = "x.y"\ndepend_on = ["b"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"wf\.toml: steps\.a\.depend_on: Extra inputs"):
        load_workflow(path)


def test_bad_policy_names_the_key_path(tmp_path: Path) -> None:
    """A policy block is validated with the step's key path."""
    path = tmp_path / "wf.toml"
    path.write_text(
        '[steps.a]\ncomponent = "x.y"\n[steps.a.policy.retry]\nattempts = 0\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"steps\.a\.policy\.retry\.attempts: Input should be"):
        load_workflow(path)


def test_bad_step_name(tmp_path: Path) -> None:
    """Step names must be identifiers (they become key paths)."""
    path = tmp_path / "wf.toml"
    path.write_text('[steps."a b"]\ncomponent = "x.y"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="step name 'a b'"):
        load_workflow(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.toml", None, "workflow file not found"),
        ("wf.txt", "", "unknown workflow file type '.txt'"),
        ("wf.toml", "steps = [", "not valid TOML"),
        ("wf.yaml", "steps: [", "not valid YAML"),
        ("wf.yaml", "- 1\n", "a workflow must be a mapping"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: str | None, message: str) -> None:
    """Missing, unknown-type and malformed files are ConfigErrors naming the file."""
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_workflow(path)
    assert info.value.source == str(path)
