"""k-anonymity of downloadable microdata by local suppression: no combination of area,
wave, sector, role, co-location and team describes fewer than k people, unless every one
of those values is suppressed."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.kanonymity import QUASI_IDENTIFIERS, class_sizes, k_anonymise


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["area", "wave", *QUASI_IDENTIFIERS])


def test_a_hand_worked_example():
    # Five police frontline staff who differ only in their team answer, and one manager.
    # The team answer goes for all six (team classes of 2, 3 and 1); the five then share
    # one class, while the manager is still alone and loses co-location, role and sector.
    rows = [("A", "1", "yes" if i % 2 else "no", "yes", "frontline", "police") for i in range(5)]
    rows.append(("A", "1", "yes", "no", "manager", "police"))
    done = k_anonymise(frame(rows), 5)
    out = done.frame
    assert out["multi_agency_team"].isna().all()
    assert out.loc[:4, ["co_located", "role_level", "sector"]].notna().all().all()
    assert out.loc[5, ["co_located", "role_level", "sector"]].isna().all()
    assert done.counts == {
        "multi_agency_team": 6,
        "co_located": 1,
        "role_level": 1,
        "sector": 1,
    }


def test_nothing_is_suppressed_when_every_class_is_large_enough():
    rows = [("A", "1", "no", "yes", "frontline", "police")] * 5
    done = k_anonymise(frame(rows), 5)
    assert done.frame.equals(frame(rows)) and set(done.counts.values()) == {0}


values = {
    "multi_agency_team": st.sampled_from(["yes", "no"]),
    "co_located": st.sampled_from(["yes", "no"]),
    "role_level": st.sampled_from(["frontline", "manager", "other"]),
    "sector": st.sampled_from(["police", "acute_health", "dwp"]),
}


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["A", "B"]),
            st.just("1"),
            *[values[c] for c in QUASI_IDENTIFIERS],
        ),
        min_size=1,
        max_size=60,
    ),
    k=st.integers(2, 6),
)
def test_every_row_is_in_a_class_of_k_or_fully_suppressed(rows, k):
    out = k_anonymise(frame(rows), k).frame
    sizes = class_sizes(out, ["area", "wave", *QUASI_IDENTIFIERS])
    fully = out[list(QUASI_IDENTIFIERS)].isna().all(axis=1).to_numpy()
    assert ((sizes >= k) | fully).all()
    assert len(out) == len(rows)  # suppression, never deletion
