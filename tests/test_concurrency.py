"""Two people acting at once: concurrent imports into one wave all land with the right wave
scores, or are refused with a clear message, and logins never fail while an import runs.
On SQLite and on PostgreSQL; never a traceback."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from helpers import filled_rows, write_csv
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import app.evidence
import survey.store.accounts
from app import derived
from app.evidence import import_file
from instruments.errors import ReadinessError
from survey.store.accounts import add_user, authenticate
from survey.store.models import Response, WaveScore

PASSWORD = "correct horse battery"


def files(catalogue, tmp_path: Path, n: int, rows: int, *, same_ids: bool) -> list[Path]:
    """``n`` survey files of ``rows`` respondents; different answers in each, and different
    respondent ids unless ``same_ids``."""
    header, base = filled_rows(catalogue, "staff_survey", rows * (1 if same_ids else n))
    out = []
    for i in range(n):
        chunk = [list(r) for r in (base if same_ids else base[i * rows : (i + 1) * rows])]
        for r in chunk:
            r[header.index("lead_1")] = str(1 + i % 5)
            r[header.index("lead_3")] = str(1 + i // 5 % 5)
        out.append(write_csv(tmp_path / f"f{i}.csv", header, chunk))
    return out


def import_all(engine, catalogue, paths: list[Path]) -> list[str]:
    def one(path: Path) -> str:
        try:
            import_file(
                engine,
                path,
                instrument="staff_survey",
                area="ASH",
                wave="2026-1",
                catalogue=catalogue,
            )
        except ReadinessError as exc:
            return f"refused: {exc}"
        return "imported"

    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        return list(pool.map(one, paths))  # any other exception fails the test


def scores(engine) -> dict[tuple[int, str], tuple[float | None, int]]:
    with Session(engine) as session:
        rows = session.scalars(select(WaveScore)).all()
        return {(s.wave_id, s.measure): (s.estimate, s.n) for s in rows}


@pytest.fixture
def slow_derive(monkeypatch):
    """Each import holds its transaction open a moment after deriving the wave's scores:
    without imports taking turns per wave, each would derive from its own rows only."""
    real = app.evidence.derive_for

    def derive_for(cat):
        derive = real(cat)

        def slow(conn, wave_id, instrument, rows):
            derive(conn, wave_id, instrument, rows)
            time.sleep(0.3)

        return slow

    monkeypatch.setattr(app.evidence, "derive_for", derive_for)


def test_concurrent_imports_into_one_wave_all_land_with_the_right_wave_scores(
    engine, catalogue, tmp_path, slow_derive
):
    first, *paths = files(catalogue, tmp_path, 7, 40, same_ids=False)
    assert import_all(engine, catalogue, [first]) == ["imported"]  # the wave exists
    outcomes = import_all(engine, catalogue, paths)
    landed = outcomes.count("imported") + 1
    assert all(o == "imported" or "Import it again" in o for o in outcomes), outcomes
    with Session(engine) as session:
        stored = session.scalar(select(func.count()).select_from(Response))
    assert stored == 40 * landed
    kept = scores(engine)
    assert kept
    derived.rescore(engine, catalogue)  # the scores rebuilt from every stored answer
    rebuilt = scores(engine)
    assert kept.keys() == rebuilt.keys()
    for key, (estimate, n) in rebuilt.items():
        assert kept[key][1] == n, f"{key}: stored n {kept[key][1]}, rebuilt from answers {n}"
        if estimate is not None:
            assert kept[key][0] == pytest.approx(estimate, abs=1e-9)


def test_concurrent_imports_of_the_same_respondents_let_one_in_and_refuse_the_rest(
    engine, catalogue, tmp_path
):
    paths = files(catalogue, tmp_path, 6, 20, same_ids=True)
    outcomes = import_all(engine, catalogue, paths)
    assert outcomes.count("imported") == 1, outcomes
    for o in outcomes:
        assert o == "imported" or "already imported in this wave" in o or "Import it again" in o
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Response)) == 20


def test_logins_never_fail_while_an_import_is_written(engine, catalogue, tmp_path, monkeypatch):
    quick = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(survey.store.accounts, "_HASHER", quick)
    for i in range(12):
        add_user(engine, f"user{i}", "manager", password=PASSWORD)
    [big] = files(catalogue, tmp_path, 1, 3000, same_ids=False)
    with ThreadPoolExecutor(max_workers=13) as pool:
        imported = pool.submit(
            import_file,
            engine,
            big,
            instrument="staff_survey",
            area="ASH",
            wave="2026-1",
            catalogue=catalogue,
        )
        logins = [pool.submit(authenticate, engine, f"user{i}", PASSWORD) for i in range(12)]
        assert [f.result().username for f in logins] == [f"user{i}" for i in range(12)]
        assert imported.result().rows == 3000
