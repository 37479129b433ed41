"""Instrument kinds are a registry, and a catalogue may hold more than one instrument of a
kind: two survey instruments both load, validate, import and score, and the rules say which
one profiles are scored from (never silently the first)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from helpers import filled_rows, write_csv

from analysis.scoring import score, scoring_model
from app.evidence import import_file
from app.profiles import load_profiles
from instruments.catalogue import DEFAULT_DIR, load_catalogue
from instruments.errors import InstrumentError
from instruments.kinds import KINDS, SURVEY, Kind
from survey.store.readers import survey_frame

SHORT = "staff_survey_short"


def _with_second_survey(tmp_path: Path, *, name_it: bool) -> Path:
    folder = tmp_path / "instruments"
    shutil.copytree(DEFAULT_DIR, folder, ignore=shutil.ignore_patterns("*.md"))
    data = yaml.safe_load((DEFAULT_DIR / "staff_survey.yaml").read_text(encoding="utf-8"))
    data["key"] = SHORT
    data["title"] = "Sharing Readiness staff survey (short form)"
    keep = {"leadership", "legal_confidence", "trust", "systems_access", "commitment"}
    data["scales"] = [s for s in data["scales"] if s["id"] in keep]
    data["items"] = [i for i in data["items"] if i["scale"] in keep]
    (folder / f"{SHORT}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    if name_it:
        rules = yaml.safe_load((folder / "readiness_rules.yaml").read_text(encoding="utf-8"))
        rules["survey"] = "staff_survey"
        text = yaml.safe_dump(rules, sort_keys=False)
        (folder / "readiness_rules.yaml").write_text(text, encoding="utf-8")
    return folder


def test_the_registry_knows_each_kind_once():
    assert set(KINDS) == {"survey", "interview", "workshop"}
    assert all(isinstance(k, Kind) and k.name == name for name, k in KINDS.items())


def test_two_surveys_need_the_rules_to_name_the_profile_survey(tmp_path):
    folder = _with_second_survey(tmp_path, name_it=False)
    with pytest.raises(InstrumentError) as info:
        load_catalogue(folder)
    problem = next(p for p in info.value.problems if p.field == "survey")
    assert problem.file == "readiness_rules.yaml"
    assert "staff_survey" in problem.message and SHORT in problem.message


def test_two_surveys_load_validate_import_and_score(tmp_path, sqlite_engine):
    cat = load_catalogue(_with_second_survey(tmp_path, name_it=True))
    assert [i.key for i in cat.of_kind(SURVEY)] == ["staff_survey", SHORT]
    assert cat.survey.key == "staff_survey"
    for key, n in (("staff_survey", 12), (SHORT, 7)):
        header, rows = filled_rows(cat, key, n)
        path = write_csv(tmp_path / f"{key}.csv", header, rows)
        result = import_file(
            sqlite_engine, path, instrument=key, area="TWO", wave="2026-1", catalogue=cat
        )
        assert result.rows == n and result.instrument_key == key
    for key, n in (("staff_survey", 12), (SHORT, 7)):
        frame = survey_frame(sqlite_engine, instrument=key)
        assert len(frame) == n
        scores = score(frame, scoring_model(cat.get(key), cat.sector_codes))
        assert scores.scales["leadership"].notna().all()
    short_scales = set(scoring_model(cat.get(SHORT), cat.sector_codes).items)
    assert "lead_1" in short_scales and "purp_1" not in short_scales
    (profile,) = load_profiles(sqlite_engine, cat, ["TWO"])
    assert profile.respondents == 12  # scored from the survey the rules name
