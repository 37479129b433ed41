"""The evidence store, on the embedded SQLite file and on a real PostgreSQL server: the
schema its migrations make, what an import writes to each table, all-or-nothing writes, and
upgrading a database that already holds evidence."""

from __future__ import annotations

import pandas as pd
import pytest
from alembic.script import ScriptDirectory
from helpers import STORED, count_rows, write_csv
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

import survey.ingest.write
from app.evidence import ImportRejected, import_file
from survey.store.engine import MIGRATIONS, open_store, schema_version
from survey.store.models import (
    Answer,
    Area,
    ImportBatch,
    InterviewCode,
    InterviewRating,
    Organisation,
    Response,
    VignetteDecision,
    Wave,
    WorkshopCard,
)


def _table(*rows: dict[str, str]) -> tuple[list[str], list[list[str]]]:
    """A header (the first row's keys) and rows of cells; a key a row leaves out is blank."""
    header = list(rows[0])
    return header, [[r.get(h, "") for h in header] for r in rows]


SURVEY = _table(
    {
        "respondent_id": "S1",
        "sector": "police",
        "organisation": "Northshire Police",
        "role_level": "frontline",
        "co_located": "yes",
        "multi_agency_team": "no",
        "lead_1": "4",
        "lead_3": "2",
        "know_1": "false",
        "trust_police_ability": "5",
        "open_barrier": "Nobody knows who to call, really.",
    },
    {
        "respondent_id": "S2",
        "sector": "mental_health",
        "role_level": "manager",
        "co_located": "no",
        "multi_agency_team": "yes",
        "lead_1": "1",
        "know_1": "true",
        "trust_police_ability": "3",
    },
)
INTERVIEW = _table(
    {
        "interview_id": "INT01",
        "coder": "AB",
        "sector": "police",
        "role_level": "senior_leader",
        "rate_leadership": "2",
        "rate_trust": "3",
        "theme_1": "hierarchy",
        "theme_1_pair": "police>mental_health",
        "theme_1_quote": "Everything goes up to the chief.",
        "theme_2": "colocation_works",
        "theme_2_pair": "",
    },
    {
        "interview_id": "INT01",
        "coder": "CD",
        "sector": "police",
        "role_level": "senior_leader",
        "rate_leadership": "3",
        "theme_1": "hierarchy",
    },
)
WORKSHOP = _table(
    {
        "workshop_id": "WS1",
        "participant_id": "P1",
        "sector": "police",
        "role_level": "frontline",
        "v_mh_crisis": "share",
        "v_mh_crisis_conf": "4",
        "v_ae_alcohol": "dont_share",
        "card_1_type": "barrier",
        "card_1_pillar": "governance",
        "card_1_text": "Fear of fines",
        "card_1_votes": "3",
        "card_2_type": "enabler",
        "card_2_pillar": "culture",
        "card_2_text": "Co-location",
    },
    {
        "workshop_id": "WS1",
        "participant_id": "P2",
        "sector": "acute_health",
        "role_level": "manager",
        "v_mh_crisis": "unsure",
    },
)


def _import(engine, tmp_path, name, table, instrument, wave="2026-1"):
    path = write_csv(tmp_path / name, *table)
    return import_file(engine, path, instrument=instrument, area="E06000001", wave=wave)


def _import_all(engine, tmp_path):
    _import(engine, tmp_path, "survey.csv", SURVEY, "staff_survey")
    _import(engine, tmp_path, "interview.csv", INTERVIEW, "stakeholder_interview")
    _import(engine, tmp_path, "workshop.csv", WORKSHOP, "workshop")


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_migrations_create_the_schema_at_head(engine):
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert schema_version(engine) == head
    tables = set(inspect(engine).get_table_names())
    assert tables == set(STORED) | {
        "alembic_version",
        "users",
        "audit_log",
        "wave_scores",
        "survey_links",
        "survey_drafts",
        "action_plans",
        "stored_profiles",
        "wave_vectors",
    }
    assert count_rows(engine) == dict.fromkeys(STORED, 0)


def test_import_writes_every_table(engine, tmp_path):
    _import_all(engine, tmp_path)
    with Session(engine) as s:
        assert s.scalars(select(Area.code)).all() == ["E06000001"]
        assert s.scalars(select(Wave.label)).all() == ["2026-1"]
        batches = s.scalars(select(ImportBatch).order_by(ImportBatch.id)).all()
        assert [(b.file_name, b.instrument_key, b.rows) for b in batches] == [
            ("survey.csv", "staff_survey", 2),
            ("interview.csv", "stakeholder_interview", 2),
            ("workshop.csv", "workshop", 2),
        ]
        assert all(len(b.content_hash) == 64 and b.imported_at for b in batches)

        responses = {r.respondent_key: r for r in s.scalars(select(Response))}
        assert set(responses) == {"S1", "S2", "INT01|AB", "INT01|CD", "WS1|P1", "WS1|P2"}
        s1, s2 = responses["S1"], responses["S2"]
        assert (s1.source, s1.instrument_key, s1.instrument_version) == (
            "survey",
            "staff_survey",
            "1.0.0",
        )
        assert (s1.sector, s1.role_level, s1.co_located, s1.multi_agency_team) == (
            "police",
            "frontline",
            True,
            False,
        )
        org = s.get(Organisation, s1.organisation_id)
        assert org.name == "Northshire Police"
        assert s2.organisation_id is None
        assert s1.profile["organisation"] == "Northshire Police"
        assert "organisation" not in s2.profile

        stored = {(a.response_id, a.item_id): (a.raw, a.value) for a in s.scalars(select(Answer))}
        assert stored == {
            (s1.id, "lead_1"): ("4", 4.0),
            (s1.id, "lead_3"): ("2", 2.0),
            (s1.id, "know_1"): ("false", 0.0),
            (s1.id, "trust_police_ability"): ("5", 5.0),
            (s1.id, "open_barrier"): ("Nobody knows who to call, really.", None),
            (s2.id, "lead_1"): ("1", 1.0),
            (s2.id, "know_1"): ("true", 1.0),
            (s2.id, "trust_police_ability"): ("3", 3.0),
        }

        ab, cd = responses["INT01|AB"], responses["INT01|CD"]
        assert (ab.coder, cd.coder, ab.source) == ("AB", "CD", "interview")
        ratings = {
            (r.response_id, r.dimension): r.rating for r in s.scalars(select(InterviewRating))
        }
        assert ratings == {
            (ab.id, "leadership"): 2,
            (ab.id, "trust"): 3,
            (cd.id, "leadership"): 3,
        }
        codes = s.scalars(select(InterviewCode).order_by(InterviewCode.response_id, "slot"))
        assert [
            (c.response_id, c.slot, c.theme, c.rater_sector, c.target_sector, c.quote)
            for c in codes
        ] == [
            (ab.id, 1, "hierarchy", "police", "mental_health", "Everything goes up to the chief."),
            (ab.id, 2, "colocation_works", None, None, None),
            (cd.id, 1, "hierarchy", None, None, None),
        ]

        p1, p2 = responses["WS1|P1"], responses["WS1|P2"]
        assert (p1.group_key, p1.source, p2.sector) == ("WS1", "workshop", "acute_health")
        decisions = {
            (d.response_id, d.vignette): (d.decision, d.confidence)
            for d in s.scalars(select(VignetteDecision))
        }
        assert decisions == {
            (p1.id, "mh_crisis"): ("share", 4),
            (p1.id, "ae_alcohol"): ("dont_share", None),
            (p2.id, "mh_crisis"): ("unsure", None),
        }
        cards = s.scalars(select(WorkshopCard).order_by(WorkshopCard.slot))
        assert [(c.response_id, c.slot, c.type, c.pillar, c.text, c.votes) for c in cards] == [
            (p1.id, 1, "barrier", "governance", "Fear of fines", 3),
            (p1.id, 2, "enabler", "culture", "Co-location", 0),
        ]


def test_a_failing_write_leaves_nothing_behind(engine, tmp_path, monkeypatch):
    _import(engine, tmp_path, "interview.csv", INTERVIEW, "stakeholder_interview")
    before = count_rows(engine)
    real = survey.ingest.write._bulk_insert
    written: list[str] = []

    def fail_after_answers(session, model, values):
        real(session, model, values)
        written.append(model.__tablename__)
        if model is Answer:
            raise RuntimeError("the disk is full")

    monkeypatch.setattr(survey.ingest.write, "_bulk_insert", fail_after_answers)
    with pytest.raises(RuntimeError, match="the disk is full"):
        _import(engine, tmp_path, "survey.csv", SURVEY, "staff_survey", wave="2026-2")
    assert written == ["answers"]  # the responses and answers were inserted, then it failed
    assert count_rows(engine) == before
    with Session(engine) as s:
        assert s.scalars(select(Wave.label)).all() == ["2026-1"]
    monkeypatch.undo()
    # the same file imports once the fault is gone: the failed attempt left no trace
    result = _import(engine, tmp_path, "survey.csv", SURVEY, "staff_survey", wave="2026-2")
    assert result.rows == 2


def test_reopening_keeps_the_evidence(engine, tmp_path):
    _import_all(engine, tmp_path)
    before = count_rows(engine)
    version = schema_version(engine)
    url = _url(engine)
    for _ in range(2):
        again = open_store(url)
        try:
            assert schema_version(again) == version
            assert count_rows(again) == before
        finally:
            again.dispose()
    assert before["answers"] == 8 and before["responses"] == 6


def test_no_table_holds_a_respondent_name(engine):
    inspector = inspect(engine)
    # areas, organisations and import files have names; nothing about a respondent does
    respondent_tables = set(STORED) - {"areas", "organisations", "import_batches"}
    for table in respondent_tables:
        names = [c["name"] for c in inspector.get_columns(table)]
        assert not [n for n in names if "name" in n.lower()], (table, names)
    answers = {c["name"] for c in inspector.get_columns("answers")}
    assert answers == {"response_id", "item_id", "raw", "value"}


def test_no_instrument_asks_for_a_name(catalogue):
    for inst in catalogue.instruments.values():
        for field in inst.profile:
            assert "name" not in field.id, (inst.key, field.id)


def test_values_too_long_for_their_column_are_reported_not_crashed_on(engine, tmp_path):
    header, rows = SURVEY
    rows = [list(r) for r in rows]
    rows[0][header.index("organisation")] = "N" * 201
    with pytest.raises(ImportRejected) as info:
        _import(engine, tmp_path, "survey.csv", (header, rows), "staff_survey")
    [p] = info.value.problems
    assert (p.row, p.column, p.reason) == (2, "organisation", "longer than 200 characters")
    assert count_rows(engine) == dict.fromkeys(STORED, 0)
    rows[0][header.index("organisation")] = "N" * 200
    assert _import(engine, tmp_path, "survey.csv", (header, rows), "staff_survey").rows == 2


def test_wave_scores_are_derived_at_import_and_match_the_profiles(sqlite_engine, catalogue):
    from app.derived import median_of_areas, rescore
    from app.evidence import load_sample_data
    from app.profiles import load_profiles
    from survey.store.wave_scores import wave_scores

    load_sample_data(sqlite_engine, catalogue=catalogue)
    stored = wave_scores(sqlite_engine).set_index(["area", "wave", "measure"])["estimate"]
    profiles = load_profiles(sqlite_engine, catalogue)
    assert len(stored.index.droplevel("measure").unique()) == len(profiles) == 14
    for p in profiles:
        for table in (p.scales, p.pillars):
            for measure, estimate in table["estimate"].items():
                assert stored[(p.area, p.wave, measure)] == pytest.approx(estimate, abs=1e-12)
    # The benchmark: median over areas of each area's latest wave.
    latest = {p.area: p for p in profiles}  # profiles come in wave order
    culture = sorted(p.pillars.loc["culture", "estimate"] for p in latest.values())
    assert median_of_areas(sqlite_engine)["culture"] == pytest.approx(
        (culture[5] + culture[6]) / 2, abs=1e-12
    )
    before = wave_scores(sqlite_engine).sort_values(["area", "wave", "measure"])
    assert rescore(sqlite_engine, catalogue) == 14
    after = wave_scores(sqlite_engine).sort_values(["area", "wave", "measure"])
    pd.testing.assert_frame_equal(before.reset_index(drop=True), after.reset_index(drop=True))


def test_a_second_file_in_the_same_wave_rescores_the_whole_wave(sqlite_engine, catalogue, tmp_path):
    from helpers import filled_rows

    from survey.store.wave_scores import wave_scores

    header, rows = filled_rows(catalogue, "staff_survey", 6)
    for name, part in (("a.csv", rows[:3]), ("b.csv", rows[3:])):
        import_file(
            sqlite_engine,
            write_csv(tmp_path / name, header, part),
            instrument="staff_survey",
            area="E06000001",
            wave="2026-1",
        )
    scores = wave_scores(sqlite_engine).set_index("measure")
    assert scores.loc["leadership", "n"] == 6  # both files, not just the last one


def test_profiles_read_back_the_same_from_either_database(engine, catalogue):
    """The analytics read evidence through the driver's cursor: the same verdicts and
    numbers on SQLite and on PostgreSQL."""
    from app.evidence import load_sample_data
    from app.profiles import load_profiles

    load_sample_data(engine, catalogue=catalogue)
    profiles = {p.area: p for p in load_profiles(engine, catalogue, ["ELM", "BRK"])}
    assert profiles["ELM"].verdict.label == "Ready with conditions"
    assert profiles["BRK"].verdict.label == "Not yet ready"
    assert profiles["ELM"].respondents == 170
    culture = profiles["ELM"].pillars.loc["culture"]
    assert culture["estimate"] == pytest.approx(4.31, abs=0.005) and culture["n"] == 170
