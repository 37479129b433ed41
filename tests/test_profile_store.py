"""Stored profiles: computed once per state of an area's evidence and version of the rules,
read back the same by any process, recomputed only for an area that changed, refused when
a payload holds anything but profile data, and cleared by a rescore."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pandas as pd
import pytest
from helpers import filled_rows, write_csv
from sqlalchemy import select, update

import app.profiles as profiles_module
from app.derived import rescore
from app.evidence import import_file, load_sample_data
from app.profiles import ProfileBook, dump, load_profiles, rules_key, undump
from instruments.catalogue import default_catalogue
from survey.store import profile_store
from survey.store.models import StoredProfile


@pytest.fixture
def loaded(engine, catalogue):
    load_sample_data(engine, catalogue=catalogue)
    return engine


def _never(*_a, **_k):
    raise AssertionError("profiles were computed again instead of read from the store")


def _same(a, b) -> None:
    assert (a.area, a.wave, a.respondents) == (b.area, b.wave, b.respondents)
    assert a.verdict.label == b.verdict.label
    assert [r.to_dict() for r in a.verdict.reasons] == [r.to_dict() for r in b.verdict.reasons]
    pd.testing.assert_frame_equal(a.pillars, b.pillars)
    pd.testing.assert_frame_equal(a.scales, b.scales)
    pd.testing.assert_frame_equal(a.pairs, b.pairs)
    pd.testing.assert_frame_equal(a.trust.mean, b.trust.mean)
    if a.change is None:
        assert b.change is None
    else:
        pd.testing.assert_frame_equal(a.change, b.change)


def test_profiles_are_stored_once_and_read_back_the_same(loaded, catalogue, monkeypatch):
    areas = sorted(profile_store.data_keys(loaded))
    direct = load_profiles(loaded, catalogue)
    first = ProfileBook(loaded, catalogue).of(areas)
    with loaded.connect() as conn:
        stored = conn.execute(select(StoredProfile.area_code)).scalars().all()
    assert sorted(stored) == areas
    # Another process (a new book) reads them: nothing is computed.
    monkeypatch.setattr(profiles_module, "load_profiles", _never)
    again = ProfileBook(loaded, catalogue).of(areas)
    assert len(direct) == len(first) == len(again) == 14
    for a, b, c in zip(direct, first, again, strict=True):
        _same(a, b)
        _same(a, c)
        assert c.draws == {}


def test_an_import_recomputes_only_the_area_it_changed(sqlite_engine, catalogue, tmp_path):
    load_sample_data(sqlite_engine, catalogue=catalogue)
    areas = sorted(profile_store.data_keys(sqlite_engine))
    book = ProfileBook(sqlite_engine, catalogue)
    book.of(areas)
    header, rows = filled_rows(catalogue, "staff_survey", 6)
    path = write_csv(tmp_path / "more.csv", header, rows)
    target = areas[0]
    import_file(sqlite_engine, path, instrument="staff_survey", area=target, wave="2099-1")
    fresh = ProfileBook(sqlite_engine, catalogue)
    assert fresh.missing(areas) == [target]
    computed = []
    real = profiles_module.load_profiles

    def spy(engine, cat, areas=None):
        computed.append(list(areas))
        return real(engine, cat, areas)

    profiles_module.load_profiles = spy
    try:
        waves = [p.wave for p in book.of(areas) if p.area == target]
    finally:
        profiles_module.load_profiles = real
    assert computed == [[target]]
    assert waves[-1] == "2099-1"
    with sqlite_engine.connect() as conn:
        rows = conn.execute(select(StoredProfile.area_code)).scalars().all()
    assert sorted(rows) == areas  # the area's older payload was replaced, not kept beside


def test_a_payload_holding_anything_else_is_refused_and_recomputed(sqlite_engine, catalogue):
    load_sample_data(sqlite_engine, catalogue=catalogue)
    areas = sorted(profile_store.data_keys(sqlite_engine))
    ProfileBook(sqlite_engine, catalogue).of(areas)

    class Boom:
        def __reduce__(self):
            return (os.system, ("echo tampered > /dev/null",))

    with sqlite_engine.begin() as conn:
        conn.execute(
            update(StoredProfile)
            .where(StoredProfile.area_code == areas[0])
            .values(payload=pickle.dumps([Boom()]))
        )
    assert undump(pickle.dumps([Boom()])) is None
    assert undump(pickle.dumps(pd.read_pickle)) is None
    assert undump(b"not a pickle") is None
    book = ProfileBook(sqlite_engine, catalogue)
    got = [p for p in book.of([areas[0]])]
    assert got and all(p.area == areas[0] for p in got)
    assert undump(dump(got)) is not None
    with sqlite_engine.connect() as conn:  # recomputed, and a readable payload stored
        (payload,) = conn.execute(
            select(StoredProfile.payload).where(StoredProfile.area_code == areas[0])
        ).scalars()
    assert undump(payload) is not None


def test_rescore_clears_the_stored_profiles(sqlite_engine, catalogue):
    load_sample_data(sqlite_engine, catalogue=catalogue)
    areas = sorted(profile_store.data_keys(sqlite_engine))
    ProfileBook(sqlite_engine, catalogue).of(areas)
    rescore(sqlite_engine, catalogue)
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(StoredProfile)).first() is None
    assert ProfileBook(sqlite_engine, catalogue).missing(areas) == areas


def test_the_rules_version_follows_the_instrument_files(tmp_path: Path, catalogue):
    folder = tmp_path / "instruments"
    shutil.copytree(Path(catalogue.folder), folder)
    same = default_catalogue(folder)
    assert rules_key(same) == rules_key(catalogue)
    rules = folder / "readiness_rules.yaml"
    rules.write_text(rules.read_text() + "\n# a comment changes the file\n")
    assert rules_key(default_catalogue(folder)) != rules_key(catalogue)


def test_progress_is_told_while_profiles_are_computed(sqlite_engine, catalogue):
    load_sample_data(sqlite_engine, catalogue=catalogue)
    areas = sorted(profile_store.data_keys(sqlite_engine))
    told = []
    ProfileBook(sqlite_engine, catalogue).of(areas, progress=lambda d, t: told.append((d, t)))
    assert told[0] == (0, len(areas)) and told[-1] == (len(areas), len(areas))
    told.clear()
    ProfileBook(sqlite_engine, catalogue).of(areas, progress=lambda d, t: told.append((d, t)))
    assert told == []  # read from the store: nothing to compute, nothing to tell


def test_the_portfolio_is_read_from_stored_rows_in_a_fresh_process(
    sqlite_engine, catalogue, monkeypatch
):
    from app.access import ScopedData
    from survey.store.accounts import Account

    load_sample_data(sqlite_engine, catalogue=catalogue)
    manager = Account("m", "manager")
    first = ScopedData(sqlite_engine, manager, catalogue).portfolio()
    assert len(first) == len(profile_store.data_keys(sqlite_engine))
    # A new process: neither profiles nor disclosure are computed again, nor every profile
    # read: only the stored rows.
    monkeypatch.setattr(profiles_module, "load_profiles", _never)
    monkeypatch.setattr(ProfileBook, "of", _never)
    again = ScopedData(sqlite_engine, manager, catalogue).portfolio()
    pd.testing.assert_frame_equal(first, again)
    # Other disclosure rules are another variant, computed from the stored profiles.
    monkeypatch.undo()
    from analysis.disclosure import DisclosureRules

    strict = ScopedData(
        sqlite_engine, manager, catalogue, rules=DisclosureRules(min_group=50, min_text_group=50)
    ).portfolio()
    assert list(strict["area"]) == list(first["area"])
