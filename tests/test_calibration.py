"""Tests for analysis.calibration: over-caution and over-sharing counted by hand, and the
Wilson interval against R.

Golden intervals: R version 4.2.2 Patched (2022-11-10 r83330),
``prop.test(x, n, correct = FALSE)$conf.int`` (stats package)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.calibration import COLUMNS, calibration, classify, wilson_interval

POSITIONS = {
    "v1": "share_permitted",  # lawful
    "v2": "share_required",  # lawful
    "v3": "not_without_consent",  # not lawful
    "v4": "share_not_permitted",  # not lawful
}

# prop.test(x, n, correct = FALSE)$conf.int, printed with sprintf("%.10f")
R_WILSON = [
    (7, 20, 0.1811918241, 0.5671457233),
    (0, 15, 0.0000000000, 0.2038833010),
    (33, 40, 0.6805000967, 0.9125458625),
    (4, 6, 0.2999933151, 0.9032285889),
    (2, 6, 0.0967714111, 0.7000066849),
    (2, 4, 0.1500389892, 0.8499610108),
    (1, 4, 0.0455872608, 0.6993581574),
    (0, 2, 0.0000000000, 0.6576197725),
    (2, 2, 0.3423802275, 1.0000000000),
]


@pytest.mark.parametrize(("x", "n", "low", "high"), R_WILSON)
def test_wilson_interval_matches_r_prop_test(x, n, low, high):
    got_low, got_high = wilson_interval(x, n)
    assert float(got_low) == pytest.approx(low, abs=1e-9)
    assert float(got_high) == pytest.approx(high, abs=1e-9)


def test_wilson_interval_at_another_level_matches_r():
    # prop.test(7, 20, correct = FALSE, conf.level = 0.9)$conf.int
    low, high = wilson_interval(7, 20, level=0.90)
    assert (float(low), float(high)) == pytest.approx((0.2022600401, 0.5334873112), abs=1e-9)


def test_wilson_interval_is_vectorised_and_empty_groups_have_none():
    low, high = wilson_interval(np.array([7, 0, 3]), np.array([20, 15, 0]))
    np.testing.assert_allclose(low[:2], [0.1811918241, 0.0], atol=1e-9)
    np.testing.assert_allclose(high[:2], [0.5671457233, 0.2038833010], atol=1e-9)
    assert np.isnan(low[2]) and np.isnan(high[2])


@pytest.fixture(scope="module")
def decisions() -> pd.DataFrame:
    rows = [
        # P1 (police): v1 share, v2 refuses, v3 over-shares, v4 unsure; vx has no key
        ("P1", "police", "v1", "share"),
        ("P1", "police", "v2", "dont_share"),
        ("P1", "police", "v3", "share"),
        ("P1", "police", "v4", "unsure"),
        ("P1", "police", "vx", "dont_share"),
        # P2 (police): unsure on lawful v1, over-shares on v4
        ("P2", "police", "v1", "unsure"),
        ("P2", "police", "v2", "share"),
        ("P2", "police", "v3", "dont_share"),
        ("P2", "police", "v4", "share"),
        # P3 (health): refuses v1, unsure on v2, never shares
        ("P3", "health", "v1", "dont_share"),
        ("P3", "health", "v2", "unsure"),
        ("P3", "health", "v3", "unsure"),
        ("P3", "health", "v4", "dont_share"),
    ]
    return pd.DataFrame(rows, columns=["response_id", "sector", "vignette", "decision"])


def test_classify_marks_each_decision(decisions):
    d = classify(decisions, POSITIONS)
    assert "vx" not in set(d["vignette"])  # a vignette without a keyed position is dropped
    assert len(d) == 12
    caution = d.loc[d["caution"], ["response_id", "vignette"]].apply(tuple, axis=1).tolist()
    assert caution == [("P1", "v2"), ("P2", "v1"), ("P3", "v1"), ("P3", "v2")]
    over = d.loc[d["oversharing"], ["response_id", "vignette"]].apply(tuple, axis=1).tolist()
    assert over == [("P1", "v3"), ("P2", "v4")]


def test_overall_rates_counted_by_hand_with_unsure_as_caution(decisions):
    got = calibration(decisions, POSITIONS).iloc[0]
    # lawful decisions: v1, v2 x 3 participants = 6; refusals incl. unsure = 4 (P1 v2,
    # P2 v1 unsure, P3 v1, P3 v2 unsure) -> 4/6.  Not lawful: 6; shares: P1 v3, P2 v4 -> 2/6.
    assert got["lawful_n"] == 6 and got["unlawful_n"] == 6 and got["participants"] == 3
    assert got["over_caution"] == pytest.approx(4 / 6)
    assert got["over_sharing"] == pytest.approx(2 / 6)
    # Clustered by participant (Korn & Graubard effective n). Over-caution, by hand:
    # per participant (refusals, lawful decisions) = (1, 2), (1, 2), (2, 2); p = 2/3;
    # v = 3/2 * [(1-4/3)² + (1-4/3)² + (2-4/3)²] / 6² = 1/36; p(1-p)/n = 1/27; deff = 0.75;
    # n* = 6 / 0.75 * (qnorm(.975) / qt(.975, 2))² = 1.6600209862;
    # then prop.test(x = p n*, n = n*, correct = FALSE) -> 0.1395442220, 0.9610360488.
    assert (got["over_caution_low"], got["over_caution_high"]) == pytest.approx(
        (0.1395442220, 0.9610360488), abs=1e-9
    )
    # Over-sharing: (1, 2), (1, 2), (0, 2); p = 1/3, deff 0.75, the same n*.
    assert (got["over_sharing_low"], got["over_sharing_high"]) == pytest.approx(
        (0.0389639512, 0.8604557780), abs=1e-9
    )


def test_unsure_does_not_count_as_caution_when_the_rule_is_off(decisions):
    got = calibration(decisions, POSITIONS, unsure_is_caution=False).iloc[0]
    # Only the outright refusals: P1 v2 and P3 v1 -> 2/6; over-sharing is unchanged.
    assert got["over_caution"] == pytest.approx(2 / 6)
    assert got["over_sharing"] == pytest.approx(2 / 6)
    assert got["over_caution_low"] == pytest.approx(
        _reference(decisions, unsure_is_caution=False)[0], abs=1e-12
    )


def test_rates_by_sector_counted_by_hand(decisions):
    on = calibration(decisions, POSITIONS, by=["sector"])
    off = calibration(decisions, POSITIONS, by=["sector"], unsure_is_caution=False)
    assert list(on.columns) == COLUMNS
    assert list(on.index) == ["health", "police"]
    # police: lawful 4, refusals P1 v2 + P2 v1 (unsure) = 2/4; without unsure 1/4;
    #         not lawful 4, shares 2/4; 2 participants.
    # health: lawful 2, refusals 2/2 (v2 is unsure); without unsure 1/2;
    #         not lawful 2, shares 0/2; 1 participant.
    assert on.loc["police", "over_caution"] == 0.5 and off.loc["police", "over_caution"] == 0.25
    assert on.loc["health", "over_caution"] == 1.0 and off.loc["health", "over_caution"] == 0.5
    assert on.loc["police", "over_sharing"] == 0.5 and on.loc["health", "over_sharing"] == 0.0
    assert on["participants"].to_dict() == {"health": 1, "police": 2}
    # Clustered intervals, against a participant-by-participant reference. Health has one
    # participant: its decisions are one piece of evidence (n* = 1), so prop.test(1, 1)
    # and prop.test(0, 1): 0.2065493143–1 and 0–0.7934506857.
    assert on.loc["health", "over_caution_low"] == pytest.approx(0.2065493143, abs=1e-9)
    assert on.loc["health", "over_caution_high"] == pytest.approx(1.0)
    assert on.loc["health", "over_sharing_high"] == pytest.approx(0.7934506857, abs=1e-9)
    police = decisions[decisions["sector"] == "police"]
    low, high = _reference(police)
    assert (on.loc["police", "over_caution_low"], on.loc["police", "over_caution_high"]) == (
        pytest.approx(low, abs=1e-12),
        pytest.approx(high, abs=1e-12),
    )


def _reference(decisions: pd.DataFrame, *, unsure_is_caution: bool = True) -> tuple[float, float]:
    """Korn and Graubard's effective-n Wilson interval, one participant at a time."""
    from scipy import stats

    d = classify(decisions, POSITIONS, unsure_is_caution=unsure_is_caution)
    d = d[d["lawful"]]
    per = d.groupby("response_id")["caution"].agg(["sum", "count"])
    n, j = per["count"].sum(), len(per)
    p = per["sum"].sum() / n
    v = j / (j - 1) * ((per["sum"] - p * per["count"]) ** 2).sum() / n**2
    deff = v / (p * (1 - p) / n) if 0 < p < 1 else 1.0
    z = stats.norm.ppf(0.975)
    n_eff = n if deff == 0 else min(n, n / deff * (z / stats.t.ppf(0.975, j - 1)) ** 2)
    low, high = wilson_interval(p * n_eff, n_eff)
    return float(low), float(high)


def test_a_clustered_interval_is_wider_than_one_over_independent_decisions():
    """Twenty participants who each answer three lawful vignettes alike: the interval is
    that of twenty people, not of sixty decisions."""
    rows = [
        (f"P{i}", "x", v, "dont_share" if i < 8 else "share")
        for i in range(20)
        for v in ("v1", "v2")
    ]
    d = pd.DataFrame(rows, columns=["response_id", "sector", "vignette", "decision"])
    got = calibration(d, POSITIONS).iloc[0]
    naive_low, naive_high = wilson_interval(16, 40)
    assert got["over_caution"] == pytest.approx(0.4)
    assert got["over_caution_high"] - got["over_caution_low"] > naive_high - naive_low
    assert (got["over_caution_low"], got["over_caution_high"]) == pytest.approx(
        _reference(d), abs=1e-12
    )


def test_no_decisions_give_an_empty_table_with_every_column():
    empty = pd.DataFrame(columns=["response_id", "vignette", "decision", "sector"])
    for by in (None, ["sector"]):
        got = calibration(empty, POSITIONS, by=by)
        assert got.empty and list(got.columns) == COLUMNS


def test_only_lawful_vignettes_leave_over_sharing_undefined(decisions):
    lawful_only = decisions[decisions["vignette"].isin(["v1", "v2"])]
    got = calibration(lawful_only, POSITIONS).iloc[0]
    assert got["unlawful_n"] == 0
    assert np.isnan(got["over_sharing"]) and np.isnan(got["over_sharing_low"])
    assert got["over_caution"] == pytest.approx(4 / 6)
