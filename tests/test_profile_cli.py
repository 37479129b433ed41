"""The ``readiness profile`` command: text and JSON profiles of one area, a chosen wave,
every area at once, and plain errors (never tracebacks) for unknown areas and waves.

The command runs against a temporary SQLite file loaded with the sample data, named by
``READINESS_DATABASE_URL``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from app.evidence import load_sample_data
from cli.main import main
from survey.ingest.sample import SAMPLE_DIR
from survey.store.accounts import add_user
from survey.store.engine import open_store

JSON_KEYS = {"area", "wave", "verdict", "reasons", "pillars", "coverage"}
PASSWORD = "correct horse battery"
PILLARS = ["culture", "governance", "trust", "technology", "change_readiness"]


def _strict_json(text: str):
    """Parse JSON, refusing NaN and Infinity (which other tools cannot read)."""

    def refuse(token: str):
        raise ValueError(f"not valid JSON: {token}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    if not (SAMPLE_DIR / "manifest.csv").exists():
        pytest.fail("sample_data/manifest.csv is missing: run python sample_data/generate.py")
    folder: Path = tmp_path_factory.mktemp("cli")
    url = f"sqlite:///{folder}/readiness.db"
    engine = open_store(url)
    load_sample_data(engine)
    add_user(engine, "boss", "manager", password=PASSWORD)
    add_user(engine, "ash", "partnership", password=PASSWORD, area="ASH")
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def area_waves() -> list[tuple[str, str]]:
    with (SAMPLE_DIR / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        return sorted({(r["area"], r["wave"]) for r in csv.DictReader(fh)})


@pytest.fixture
def run(database: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("READINESS_DATABASE_URL", database)
    monkeypatch.setenv("READINESS_PASSWORD", PASSWORD)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, ["profile", *args, "--user", "boss"])

    return invoke


def assert_plain_error(result: Result, *phrases: str) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for phrase in phrases:
        assert phrase in result.output


def test_profile_of_an_area_as_text(run):
    result = run("BRK")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "BRK wave 2025-1: Not yet ready (160 survey respondents)"
    # Every reason is a line, including the gate that names the weak pair.
    assert any(
        line.startswith("  - Mutual trust between Acute health and Adult social care is 2.24")
        for line in lines
    )
    assert "  Pillars:" in lines
    pillar_lines = lines[lines.index("  Pillars:") + 1 :]
    assert any(
        line.strip().startswith("Technology") and "borderline" in line for line in pillar_lines
    )


def test_profile_defaults_to_the_latest_wave_and_wave_chooses_another(run):
    latest = run("FEN")
    assert latest.exit_code == 0, latest.output
    assert latest.output.startswith("FEN wave 2026-1: Ready (150 survey respondents)")
    earlier = run("FEN", "--wave", "2025-1")
    assert earlier.exit_code == 0, earlier.output
    assert earlier.output.startswith("FEN wave 2025-1: Not yet ready")
    assert "Children's social care" in earlier.output


def test_profile_json_of_one_area(run):
    result = run("DUN", "--json")
    assert result.exit_code == 0, result.output
    data = _strict_json(result.output)
    assert isinstance(data, dict) and set(data) >= JSON_KEYS
    assert (data["area"], data["wave"]) == ("DUN", "2025-1")
    assert data["verdict"] == "Insufficient evidence"
    assert {r["subject"] for r in data["reasons"]} == {"sectors", "key_sectors"}
    assert all(r["kind"] == "evidence" and r["text"] for r in data["reasons"])
    cover = data["coverage"]
    assert "acute_health" in cover["missing_key_sectors"]
    police = next(s for s in cover["sectors"] if s["sector"] == "police")
    assert police == {"sector": "police", "name": "Police", "n": 16, "key": True, "covered": True}
    assert [p["pillar"] for p in data["pillars"]] == PILLARS
    for p in data["pillars"]:
        assert p["low"] <= p["estimate"] <= p["high"] and p["n"] == 40


def test_profile_json_with_wave_carries_change(run):
    data = _strict_json(run("FEN", "--wave", "2026-1", "--json").output)
    assert (data["wave"], data["verdict"]) == ("2026-1", "Ready")
    culture = next(c for c in data["change"] if c["measure"] == "culture")
    assert culture["previous_wave"] == "2025-1" and culture["low"] > 0
    assert _strict_json(run("FEN", "--wave", "2025-1", "--json").output)["change"] is None


def test_profile_all_json_is_a_list_with_one_item_per_area_wave(run, area_waves):
    result = run("--all", "--json")
    assert result.exit_code == 0, result.output
    data = _strict_json(result.output)
    assert isinstance(data, list)
    assert sorted((d["area"], d["wave"]) for d in data) == area_waves
    assert len(data) == len(area_waves) == 14
    for item in data:
        assert set(item) >= JSON_KEYS
        assert item["verdict"] in {
            "Ready",
            "Ready with conditions",
            "Not yet ready",
            "Insufficient evidence",
        }
        assert item["reasons"], f"{item['area']} {item['wave']} has a verdict without reasons"
    by = {(d["area"], d["wave"]): d["verdict"] for d in data}
    assert by["ASH", "2025-1"] == "Ready" and by["LRK", "2025-1"] == "Not yet ready"


def test_unknown_area_is_a_plain_error(run):
    assert_plain_error(run("NOPE"), "no evidence for area 'NOPE'")
    assert_plain_error(run("NOPE", "--json"), "no evidence for area 'NOPE'")


def test_unknown_wave_is_a_plain_error_naming_the_waves(run):
    result = run("FEN", "--wave", "1999-1")
    assert_plain_error(result, "area 'FEN' has no wave '1999-1'", "2025-1, 2026-1")


def test_an_area_or_all_must_be_given_but_not_both(run):
    assert_plain_error(run(), "give an AREA code or --all")
    assert_plain_error(run("ASH", "--all"), "give an AREA code or --all")


def test_an_unusable_database_is_a_plain_error(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path}/no/such/folder/readiness.db"
    monkeypatch.setenv("READINESS_DATABASE_URL", url)
    result = CliRunner().invoke(main, ["profile", "ASH", "--user", "boss"])
    assert_plain_error(result, "cannot open the database")


# --- who may see what --------------------------------------------------------------------------


def test_profile_needs_a_user(database, monkeypatch):
    monkeypatch.setenv("READINESS_DATABASE_URL", database)
    result = CliRunner().invoke(main, ["profile", "ASH", "--json"])
    assert result.exit_code == 2 and "--user" in result.output
    monkeypatch.setenv("READINESS_PASSWORD", "not the password")
    result = CliRunner().invoke(main, ["profile", "ASH", "--json", "--user", "boss"])
    assert_plain_error(result, "wrong user name or password")
    assert "pillars" not in result.output


def test_a_partnership_member_sees_only_their_own_area(database, monkeypatch):
    monkeypatch.setenv("READINESS_DATABASE_URL", database)
    monkeypatch.setenv("READINESS_PASSWORD", PASSWORD)
    mine = CliRunner().invoke(main, ["profile", "--all", "--json", "--user", "ash"])
    assert mine.exit_code == 0, mine.output
    assert {d["area"] for d in _strict_json(mine.output)} == {"ASH"}
    other = CliRunner().invoke(main, ["profile", "FEN", "--json", "--user", "ash"])
    assert_plain_error(other, "you do not have access to that area")


def test_no_group_under_the_minimum_is_printed(run):
    """Every sector count, pillar n and weakest link the command prints is a group of at
    least the minimum (5), or is suppressed (no number)."""
    for item in _strict_json(run("--all", "--json").output):
        counts = [s["n"] for s in item["coverage"]["sectors"]]
        counts += [p["n"] for p in item["pillars"] if p.get("estimate") is not None]
        assert all(n is None or n == 0 or n >= 5 for n in counts), (item["area"], counts)
