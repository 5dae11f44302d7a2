"""Workspace helper for tox and CI: install the local distributions, run
pytest strictly, run mypy over every package.

Everything is discovered from the folder layout (``core/``, ``plugins/*/``,
``examples/*/`` with a ``pyproject.toml``), so a new plugin needs no edit here.

    python tools/workspace.py install [--all] [FOLDER ...]
    python tools/workspace.py pytest FOLDER... [-- PYTEST ARGS]   (globs expanded)
    python tools/workspace.py mypy
"""

from __future__ import annotations

import argparse
import glob
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# pytest's "no tests were collected": a suite that ran nothing must not pass.
NO_TESTS_COLLECTED = 5


def packages() -> list[Path]:
    """Every local distribution folder: core first, then plugins, then examples."""
    found = [ROOT / "core"]
    for group in ("plugins", "examples"):
        found += sorted(p.parent for p in (ROOT / group).glob("*/pyproject.toml"))
    return found


def _expand(args: list[str]) -> list[str]:
    out: list[str] = []
    for arg in args:
        if arg.startswith("-") or not glob.has_magic(arg):
            out.append(arg)
            continue
        matches = sorted(glob.glob(str(ROOT / arg)))
        if not matches:
            # Fine while a folder has no packages yet (plugins/ in a new
            # checkout); an empty run as a whole still fails below.
            print(f"workspace: {arg!r} matches nothing; skipped")
        out += matches
    return out


def cmd_install(folders: list[str], everything: bool) -> int:
    """Editable-install core plus the given folders (or every package)."""
    chosen = packages() if everything else [ROOT / "core", *(ROOT / f for f in folders)]
    for folder in chosen:
        if not (folder / "pyproject.toml").is_file():
            sys.exit(f"workspace: {folder} has no pyproject.toml")
    cmd = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    for folder in dict.fromkeys(chosen):
        cmd += ["-e", str(folder)]
    print("workspace: installing", ", ".join(str(f.relative_to(ROOT)) for f in chosen))
    return subprocess.call(cmd)


def cmd_pytest(args: list[str]) -> int:
    """Run pytest once per test folder: ``ROOT ... [-- PYTEST ARGS]``.

    Each folder gets its own session (a subprocess), as in its package's own
    environment: test folders are not packages, so two folders' ``conftest``
    or helper modules would shadow each other in one session. Exit code 5 (no
    tests collected) counts as a failure.
    """
    if "--" in args:
        split = args.index("--")
        roots, extra = args[:split], args[split + 1 :]
    else:
        roots, extra = args, []
    folders = _expand(roots)
    if not folders:
        print("workspace: no test folders given; failing the run")
        return 1
    results: list[tuple[str, int]] = []
    for folder in folders:
        resolved = Path(folder).resolve()
        label = str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else folder
        print(f"workspace: pytest {label}", flush=True)
        code = subprocess.call([sys.executable, "-m", "pytest", folder, *extra], cwd=ROOT)
        results.append((label, code))
    print("workspace: pytest sessions:")
    worst = 0
    for label, code in results:
        meaning = {0: "passed", 5: "NO TESTS COLLECTED (a failure)"}.get(code, "FAILED")
        print(f"workspace:   {label}: exit {code}, {meaning}")
        worst = max(worst, 1 if code == NO_TESTS_COLLECTED else code)
    return worst


def cmd_mypy() -> int:
    """mypy --strict over all sources together, then each test folder on its
    own (like pytest's default import mode, which puts each test folder on
    ``sys.path``, every folder has its own ``conftest`` and helper modules),
    then ``tools/`` and ``bench/``."""
    sources = [str(p / "src") for p in packages() if (p / "src").is_dir()]
    roots = [ROOT / "tests"] + [p / "tests" for p in packages()]
    folders = sorted({f.parent for root in roots for f in root.rglob("*.py")})
    runs = [(" ".join(str(Path(s).relative_to(ROOT)) for s in sources), sources)]
    runs += [
        (str(folder.relative_to(ROOT)), sorted(map(str, folder.glob("*.py")))) for folder in folders
    ]
    # The repository's own scripts: each folder is one program with its helpers.
    runs += [(name, [str(ROOT / name)]) for name in ("tools", "bench") if (ROOT / name).is_dir()]
    worst = 0
    for label, targets in runs:
        print("workspace: mypy", label)
        worst = max(worst, subprocess.call([sys.executable, "-m", "mypy", *targets], cwd=ROOT))
    return worst


def main(argv: list[str] | None = None) -> int:
    """Parse the subcommand and run it."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["pytest"]:
        # Everything after "pytest" is ours to split, "--" included.
        return cmd_pytest(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    install = sub.add_parser("install", help="editable-install local distributions")
    install.add_argument("--all", action="store_true", help="core, every plugin and example")
    install.add_argument("folders", nargs="*", help="package folders relative to the root")
    sub.add_parser("pytest", help="run pytest per test folder; no tests collected is a failure")
    sub.add_parser("mypy", help="mypy --strict over every package and test folder")
    ns = parser.parse_args(argv)
    if ns.command == "install":
        return cmd_install(ns.folders, ns.all)
    return cmd_mypy()


if __name__ == "__main__":
    sys.exit(main())
