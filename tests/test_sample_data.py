"""The shipped sample data: the generator reproduces it byte for byte, and it loads through
the public import path with the counts its README promises, exactly once."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.evidence import load_sample_data
from survey.ingest.sample import MANIFEST, SAMPLE_DIR, LoadReport
from survey.store.engine import open_store
from survey.store.models import Answer, Area, ImportBatch, Response, Wave

GENERATOR = SAMPLE_DIR / "generate.py"


def _manifest(folder: Path = SAMPLE_DIR) -> list[dict[str, str]]:
    with (folder / MANIFEST).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _data_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, LoadReport]]:
    """A fresh SQLite store with the shipped sample loaded once."""
    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('sample')}/sample.db")
    report = load_sample_data(engine)
    yield engine, report
    engine.dispose()


def test_generator_reproduces_the_shipped_files(tmp_path: Path) -> None:
    """Deterministic, and the shipped files are what the current generator makes."""
    subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    made = sorted(p.name for p in tmp_path.glob("*.csv"))
    shipped = sorted(p.name for p in SAMPLE_DIR.glob("*.csv"))
    assert made == shipped, "sample_data/ holds files the generator no longer makes, or lacks some"
    for name in made:
        assert (tmp_path / name).read_bytes() == (SAMPLE_DIR / name).read_bytes(), (
            f"{name} differs from a fresh run: regenerate with python sample_data/generate.py"
        )


def test_manifest_names_one_file_per_area_wave_and_instrument() -> None:
    entries = _manifest()
    keys = [(e["area"], e["wave"], e["instrument"]) for e in entries]
    assert len(keys) == len(set(keys))
    for e in entries:
        assert e["file"] == f"{e['area']}_{e['wave']}_{e['instrument']}.csv"
        assert e["area_name"].strip() and e["area_name"] != e["area"]
        assert (SAMPLE_DIR / e["file"]).exists()


def test_every_manifest_file_is_imported(loaded: tuple[Engine, LoadReport]) -> None:
    engine, report = loaded
    entries = _manifest()
    assert report.imported == [e["file"] for e in entries]
    assert report.skipped == []
    with Session(engine) as session:
        batches = {b.file_name: b.rows for b in session.scalars(select(ImportBatch))}
    assert batches == {e["file"]: _data_rows(SAMPLE_DIR / e["file"]) for e in entries}
    assert report.rows == sum(batches.values())


def test_loaded_sample_has_the_promised_counts(loaded: tuple[Engine, LoadReport]) -> None:
    engine, _ = loaded
    with Session(engine) as session:
        respondents = session.scalar(
            select(func.count()).select_from(Response).where(Response.source == "survey")
        )
        survey_sectors = session.scalar(
            select(func.count(func.distinct(Response.sector))).where(Response.source == "survey")
        )
        areas = session.scalars(select(Area)).all()
        waves_per_area = session.execute(
            select(Wave.area_id, func.count()).group_by(Wave.area_id)
        ).all()
        interview_rows = session.execute(
            select(Response.wave_id, Response.respondent_key, Response.coder).where(
                Response.source == "interview"
            )
        ).all()
        workshop_rows = session.execute(
            select(Response.wave_id, Response.group_key).where(Response.source == "workshop")
        ).all()

    assert 1500 <= respondents <= 3000
    assert survey_sectors >= 8
    assert len(areas) >= 12
    assert all(a.name and a.name != a.code for a in areas)
    assert sum(1 for _, n in waves_per_area if n >= 2) >= 2

    coders: dict[tuple[int, str], set[str]] = defaultdict(set)
    for wave_id, key, coder in interview_rows:
        coders[(wave_id, key.split("|")[0])].add(coder)
    assert len(coders) >= 40
    assert sum(1 for c in coders.values() if len(c) >= 2) >= 10

    participants: dict[tuple[int, str], int] = defaultdict(int)
    for wave_id, workshop in workshop_rows:
        participants[(wave_id, workshop)] += 1
    assert len(participants) >= 12
    assert all(10 <= n <= 20 for n in participants.values())


def test_hostile_text_is_stored_exactly_as_given(loaded: tuple[Engine, LoadReport]) -> None:
    engine, _ = loaded
    hostile = ["Robert'); DROP TABLE responses;--", "<script>alert(1)</script>"]
    with Session(engine) as session:
        for text in hostile:
            found = session.scalar(
                select(func.count()).select_from(Answer).where(Answer.raw.contains(text))
            )
            assert found == 1, text


def test_loading_again_adds_nothing(loaded: tuple[Engine, LoadReport]) -> None:
    engine, first = loaded

    def counts() -> tuple[int, int, int]:
        with Session(engine) as session:
            return (
                session.scalar(select(func.count()).select_from(Response)),
                session.scalar(select(func.count()).select_from(Answer)),
                session.scalar(select(func.count()).select_from(ImportBatch)),
            )

    before = counts()
    again = load_sample_data(engine)
    assert again.imported == []
    assert again.skipped == first.imported
    assert again.rows == 0
    assert counts() == before
