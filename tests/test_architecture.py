"""The shape of the project, enforced: layers import one way, pages and the command line
read evidence only through the app layer, and every instrument kind has its entry in every
table keyed by kind."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from instruments.kinds import KINDS
from survey.ingest.write import WRITERS

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


@pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (test extra)")
def test_import_contracts_hold():
    """Every contract in pyproject.toml ([tool.importlinter]) is kept; a wrong-way import
    fails here with the rule it broke and the import chain."""
    done = subprocess.run(
        [str(LINT), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


@pytest.mark.parametrize(
    "path", [*sorted((ROOT / "views").rglob("*.py")), ROOT / "dashboard.py"], ids=str
)
def test_no_page_reads_the_store(path):
    """The one door, checked file by file (page scripts are run by Streamlit, not
    imported, so this also covers anything a linter of imports might miss)."""
    wrong = {m for m in _imports(path) if m == "survey" or m.startswith("survey.")}
    assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_every_kind_is_stored():
    """A kind added to the registry without a way to store its rows fails here."""
    assert set(WRITERS) == set(KINDS)


@pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (test extra)")
def test_a_wrong_way_import_fails_with_the_rule_it_broke(tmp_path):
    """The contracts can fail: a copy of the project in which the analysis layer reads the
    store is refused, and the message names the layer rule and the offending import."""
    for package in ("views", "cli", "app", "survey", "analysis", "instruments"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    scoring = tmp_path / "analysis" / "scoring.py"
    scoring.write_text(
        scoring.read_text(encoding="utf-8") + "\nfrom survey.store import readers  # noqa\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [str(LINT), "--no-cache"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "Layers run one way" in done.stdout and "BROKEN" in done.stdout
    assert "analysis.scoring -> survey.store.readers" in done.stdout
