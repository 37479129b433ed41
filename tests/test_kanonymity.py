"""The panel's microdata leave the system k-anonymous: every combination of the released
quasi-identifiers (area, wave, sector, role level, co-location, team) is shared by at least
the minimum group, by local suppression ('*') and, as a last resort, withholding rows."""

from __future__ import annotations

import io
import json
import shutil

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.pseudonyms import QUASI_IDENTIFIERS, SUPPRESSED, k_anonymise
from app.access import ScopedData
from app.evidence import load_sample_data
from cli.main import main
from survey.store import audit
from survey.store.accounts import Account, add_user
from survey.store.engine import open_store

KEY = "a-long-secret-key-for-the-panel"
PASSWORD = "correct horse battery"


def smallest_group(frame: pd.DataFrame) -> int:
    cols = [c for c in QUASI_IDENTIFIERS if c in frame.columns]
    return int(frame[cols].astype(object).fillna("").value_counts().min())


def test_a_small_example_by_hand():
    micro = pd.DataFrame(
        {
            "area": ["A01"] * 7,
            "wave": ["w1"] * 7,
            "sector": ["police"] * 5 + ["fire_rescue"] * 2,
            "role_level": ["frontline"] * 7,
            "lead_1": np.arange(7.0),
        }
    )
    released, kanon = k_anonymise(micro, 3)
    # the two fire staff lose their sector; a group of 2 "*" is still small: their role goes,
    # then their wave, and still 2: they are withheld.
    assert list(released["sector"]) == ["police"] * 5
    assert (kanon.k, kanon.withheld_rows) == (5, 2)
    released, kanon = k_anonymise(micro, 2)
    assert list(released["sector"]) == ["police"] * 5 + ["fire_rescue"] * 2
    assert (kanon.k, kanon.suppressed_values, kanon.withheld_rows) == (2, 0, 0)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["A01", "A02"]),
            st.sampled_from(["w1", "w2"]),
            st.sampled_from(["police", "fire", "health", None]),
            st.sampled_from(["frontline", "manager"]),
            st.sampled_from(["yes", "no"]),
        ),
        max_size=80,
    ),
    k=st.integers(1, 6),
)
def test_the_release_is_always_k_anonymous(rows, k):
    micro = pd.DataFrame(rows, columns=["area", "wave", "sector", "role_level", "co_located"])
    released, kanon = k_anonymise(micro, k)
    assert len(released) + kanon.withheld_rows == len(micro)
    if len(released):
        assert smallest_group(released) == kanon.k >= k
    assert (released["area"] != SUPPRESSED).all()


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("kanon") / "s.db"
    engine = open_store(f"sqlite:///{path}")
    load_sample_data(engine)
    add_user(engine, "prof", "panel", password=PASSWORD)
    engine.dispose()
    return path


def test_the_sample_microdata_export_is_5_anonymous_and_says_so(
    sample_db, catalogue, tmp_path, monkeypatch
):
    shutil.copy(sample_db, tmp_path / "s.db")
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    scoped = ScopedData(engine, Account("prof", "panel"), catalogue)
    raw = scoped.pooled(KEY)
    released = pd.read_csv(io.BytesIO(scoped.export_microdata_csv(KEY)), dtype=str)
    assert smallest_group(raw) < 5  # the need: unique rows before
    assert smallest_group(released) >= 5
    assert len(released) >= 0.9 * len(raw)  # most rows kept
    [entry] = audit.entries(engine, action="export").detail
    assert json.loads(entry)["k"] >= 5
    engine.dispose()
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{tmp_path / 's.db'}")
    monkeypatch.setenv("READINESS_PASSWORD", PASSWORD)
    args = ["export", "microdata", "--user", "prof", "--key", KEY, "--out", str(tmp_path / "m")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "k-anonymity: every combination of area, wave, sector" in result.output
