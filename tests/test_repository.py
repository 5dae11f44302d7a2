"""The repository's promises about itself: the README's commands are what CI
runs, the docs point at files that exist, every package is complete."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _console_blocks(markdown: str, heading: str) -> list[str]:
    """The ``console`` code blocks under a ``## heading``, up to the next one."""
    section = markdown.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```console\n(.*?)\n```", section, flags=re.DOTALL)


def test_readme_has_exactly_two_setup_commands() -> None:
    """The README's "Two commands" section holds two one-line commands."""
    blocks = _console_blocks((REPO / "README.md").read_text(encoding="utf-8"), "Two commands")
    assert len(blocks) == 2
    assert all("\n" not in block for block in blocks)


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run executes the README's test command verbatim."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    test_command = _console_blocks(readme, "Two commands")[1]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert f"({test_command})" in ci


def test_architecture_map_names_existing_files() -> None:
    """Every path in the concept-to-file map of docs/architecture.md exists."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    mapping = text.split("## Concept → file", 1)[1].split("## Deviations", 1)[0]
    # The "where" column: the last cell of each table row.
    cells = [row.rstrip(" |").rsplit("|", 1)[-1] for row in mapping.splitlines() if row[:1] == "|"]
    names = [p for cell in cells for p in re.findall(r"`([\w./*-]+)`", cell)]
    paths = [p for p in names if "/" in p or p.endswith((".py", ".md", ".ini", ".toml"))]
    assert len(paths) > 20
    top = {p.name for p in REPO.iterdir()}
    missing = []
    for path in paths:
        base = REPO if path.split("/", 1)[0] in top else REPO / "core" / "src" / "orchestrion"
        if not list(base.glob(path.rstrip("/"))):
            missing.append(path)
    assert missing == []


def _packages() -> list[Path]:
    return [
        p.parent
        for group in ("plugins", "examples")
        for p in sorted((REPO / group).glob("*/pyproject.toml"))
    ]


@pytest.mark.parametrize("package", _packages(), ids=lambda p: p.name)
def test_package_is_a_complete_plugin_distribution(package: Path) -> None:
    """Each plugin package follows the naming scheme (an entry point named after it),
    ships py.typed, a README and tests."""
    project = tomllib.loads((package / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name = project["name"]
    assert name == package.name
    short = name.removeprefix("orchestrion-")
    module = f"orchestrion_{short.replace('-', '_')}"
    entry_points = project["entry-points"]["orchestrion"]
    assert entry_points[short].split(":")[0].split(".")[0] == module
    assert (package / "src" / module / "py.typed").is_file()
    assert (package / "README.md").is_file()
    assert list((package / "tests").glob("test_*.py"))


@pytest.mark.parametrize(
    "document", ["README.md", "CONTRIBUTING.md", "examples/README.md", "bench/README.md"]
)
def test_relative_links_resolve(document: str) -> None:
    """Every relative Markdown link in the top-level documents points at a file."""
    path = REPO / document
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8"))
    local = [link for link in links if "://" not in link]
    missing = [link for link in local if not (path.parent / link).exists()]
    assert missing == []


def test_a_test_folder_without_tests_fails_the_run(tmp_path: Path) -> None:
    """tools/workspace.py turns pytest's exit status 5 (no tests collected) into a failure."""
    (tmp_path / "test_nothing_here.py").write_text('"""No tests."""\n', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "workspace.py"), "pytest", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "NO TESTS COLLECTED" in proc.stdout
