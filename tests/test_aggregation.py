"""Tests for analysis.aggregation.

Golden values come from R 4.2.2 with multilevel 2.7 (``packageVersion("multilevel")``) on
the CSV files in tests/data, read back with ``read.csv``: multilevel::bh1996 (99 groups of
15-226 soldiers), multilevel::lq2002 (49 companies of 10-99) and psych::bfi (education
groups, with missing values).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.aggregation import NULLS, SINGLETON_REASON, icc1, icc2, rwg, rwg_j
from analysis.errors import (
    InvalidArgumentError,
    NonNumericError,
    SingletonGroupError,
    TooFewGroupsError,
    TooFewItemsError,
    TooFewObservationsError,
    UndefinedStatisticError,
    ZeroVarianceError,
)

DATA = Path(__file__).parent / "data"
BH = pd.read_csv(DATA / "bh1996.csv")
LQ = pd.read_csv(DATA / "lq2002.csv")
BFI = pd.read_csv(DATA / "bfi.csv")
LEAD = [f"LEAD{i:02d}" for i in range(1, 12)]


# --- ICC ------------------------------------------------------------------------------------

# R: m <- aov(x ~ as.factor(grp)); multilevel::ICC1(m); multilevel::ICC2(m)   (multilevel 2.7)
ICC = [
    ("bh1996 WBEING by GRP", BH["WBEING"], BH["GRP"], 0.043369050077, 0.771712875540),
    ("bh1996 COHES by GRP", BH["COHES"], BH["GRP"], 0.044265297557, 0.775459677772),
    # rows with a missing education are dropped (aov's na.omit)
    ("bfi A2 by education", BFI["A2"], BFI["education"], 0.004221019446, 0.683898484771),
]


@pytest.mark.parametrize("label, values, groups, expected1, expected2", ICC)
def test_icc_matches_multilevel(label, values, groups, expected1, expected2):
    assert icc1(values, groups) == pytest.approx(expected1, abs=1e-11)
    assert icc2(values, groups) == pytest.approx(expected2, abs=1e-11)


def test_icc_tiny_hand_computed():
    # groups a: 1,2,3 (mean 2), b: 4,5,6,7 (mean 5.5); grand mean 4, N = 7, k = 2.
    # SSB = 3*4 + 4*2.25 = 21, MSB = 21; SSW = 2 + 5 = 7, MSW = 7/5 = 1.4; n̄ = 3.5.
    values = [1, 2, 3, 4, 5, 6, 7]
    groups = ["a", "a", "a", "b", "b", "b", "b"]
    assert icc1(values, groups) == pytest.approx((21 - 1.4) / (21 + 2.5 * 1.4), abs=1e-12)
    assert icc2(values, groups) == pytest.approx((21 - 1.4) / 21, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_icc_invariant_to_row_order(random):
    sample = BH.iloc[:600]
    order = list(range(len(sample)))
    random.shuffle(order)
    shuffled = sample.iloc[order]
    assert icc1(shuffled["WBEING"], shuffled["GRP"]) == pytest.approx(
        icc1(sample["WBEING"], sample["GRP"]), abs=1e-12
    )


# --- rwg ------------------------------------------------------------------------------------

# R: r <- multilevel::rwg(lq$LEAD01, lq$COMPID, ranvar = 2)   (A = 5: (25 - 1)/12 = 2)
RWG_LQ_FIRST = [
    0.370471014493,
    0.195945945946,
    0.440909090909,
    0.503781004235,
    0.651515151515,
    0.438095238095,
]
RWG_LQ_N = [24, 37, 45, 58, 12, 15]


def test_rwg_matches_multilevel_on_lq2002():
    result = rwg(LQ["LEAD01"], LQ["COMPID"], scale_points=5)
    assert list(result.columns) == ["n", "rwg", "reason"]
    assert result.index.name == "group"
    assert len(result) == 49
    assert list(result.index[:6]) == [2, 3, 4, 5, 6, 7]
    np.testing.assert_allclose(result["rwg"].iloc[:6], RWG_LQ_FIRST, atol=1e-11)
    np.testing.assert_array_equal(result["n"].iloc[:6], RWG_LQ_N)
    # R: mean(r$rwg); min(r$rwg); max(r$rwg)
    assert result["rwg"].mean() == pytest.approx(0.423419061231, abs=1e-11)
    assert result["rwg"].min() == pytest.approx(0.120829675154, abs=1e-11)
    assert result["rwg"].max() == pytest.approx(0.794871794872, abs=1e-11)
    assert result["reason"].isna().all()


def test_rwg_with_missing_values_matches_multilevel():
    # R: multilevel::rwg(bfi$A2, bfi$education, ranvar = (6^2 - 1)/12)
    result = rwg(BFI["A2"], BFI["education"], scale_points=6)
    np.testing.assert_allclose(
        result["rwg"],
        [0.527063715299, 0.443371494939, 0.560376293849, 0.543308847544, 0.601239242685],
        atol=1e-11,
    )
    np.testing.assert_array_equal(result["n"], [222, 288, 1233, 394, 415])


def test_rwg_truncation_and_group_of_one():
    # R: multilevel::rwg(c(1,5,1,5, 3,3,4, 2), c(1,1,1,1, 2,2,2, 3), ranvar = 2)
    #    -> 0 (variance 5.33 > 2 is truncated), 0.833333333333, NA
    result = rwg([1, 5, 1, 5, 3, 3, 4, 2], [1, 1, 1, 1, 2, 2, 2, 3], scale_points=5)
    assert result.loc[1, "rwg"] == 0.0
    assert result.loc[2, "rwg"] == pytest.approx(1 - (1 / 3) / 2, abs=1e-12)
    assert np.isnan(result.loc[3, "rwg"])
    assert result.loc[3, "reason"] == SINGLETON_REASON
    assert list(result["n"]) == [4, 3, 1]


def test_rwg_is_one_when_everyone_agrees():
    result = rwg([3, 3, 3, 4, 4], ["x", "x", "x", "y", "y"], scale_points=5)
    assert list(result["rwg"]) == [1.0, 1.0]


# --- rwg(j) ---------------------------------------------------------------------------------


def test_rwg_j_matches_multilevel_on_lq2002():
    # R: r <- multilevel::rwg.j(lq[, paste0("LEAD", sprintf("%02d", 1:11))], lq$COMPID,
    #                           ranvar = 2)
    result = rwg_j(LQ[LEAD], LQ["COMPID"], scale_points=5)
    assert list(result.columns) == ["n", "rwg_j", "reason"]
    np.testing.assert_allclose(
        result["rwg_j"].iloc[:6],
        [
            0.807527258396,
            0.895938315059,
            0.860012020435,
            0.863558450463,
            0.887662855624,
            0.933048620237,
        ],
        atol=1e-11,
    )
    assert result["rwg_j"].mean() == pytest.approx(0.867784900004, abs=1e-11)
    assert result["rwg_j"].min() == pytest.approx(0.774899599578, abs=1e-11)
    assert result["rwg_j"].max() == pytest.approx(0.942306701695, abs=1e-11)


def test_rwg_j_with_missing_values_matches_multilevel():
    # R: multilevel::rwg.j(bfi[, c("C1","C2","C3")], bfi$education, ranvar = (6^2 - 1)/12)
    #    (rows with any missing item or education are dropped)
    result = rwg_j(BFI[["C1", "C2", "C3"]], BFI["education"], scale_points=6)
    np.testing.assert_allclose(
        result["rwg_j"],
        [0.663278325365, 0.684831620001, 0.723031045361, 0.711782445641, 0.696071491209],
        atol=1e-11,
    )
    np.testing.assert_array_equal(result["n"], [219, 284, 1223, 387, 411])


def test_rwg_j_truncation_and_group_of_one():
    # R: multilevel::rwg.j(data.frame(a = c(1,5,1,5,3,3,4,2), b = c(1,5,2,4,3,4,4,2)),
    #                      c(1,1,1,1,2,2,2,3), ranvar = 2)  -> 0, 0.909090909091, NA
    items = pd.DataFrame({"a": [1, 5, 1, 5, 3, 3, 4, 2], "b": [1, 5, 2, 4, 3, 4, 4, 2]})
    result = rwg_j(items, pd.Series([1, 1, 1, 1, 2, 2, 2, 3]), scale_points=5)
    np.testing.assert_allclose(result["rwg_j"].iloc[:2], [0.0, 0.909090909091], atol=1e-11)
    assert np.isnan(result.loc[3, "rwg_j"])
    assert result.loc[3, "reason"] == SINGLETON_REASON


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("func", [icc1, icc2])
def test_icc_group_of_one(func):
    with pytest.raises(SingletonGroupError, match="c"):
        func([1, 2, 3, 4, 5], ["a", "a", "b", "b", "c"])


@pytest.mark.parametrize("func", [icc1, icc2])
def test_icc_one_group(func):
    with pytest.raises(TooFewGroupsError, match="At least 2 groups"):
        func([1, 2, 3, 4], ["a", "a", "a", None])


@pytest.mark.parametrize("func", [icc1, icc2])
def test_icc_non_numeric(func):
    with pytest.raises(NonNumericError, match="numeric"):
        func(["low", "high", "low", "high"], ["a", "a", "b", "b"])


def test_icc_constant_values():
    with pytest.raises(ZeroVarianceError, match="identical"):
        icc1([2, 2, 2, 2], ["a", "a", "b", "b"])


def test_icc2_equal_group_means():
    with pytest.raises(UndefinedStatisticError, match="same mean"):
        icc2([1, 3, 1, 3], ["a", "a", "b", "b"])


def test_rwg_j_needs_two_items():
    with pytest.raises(TooFewItemsError):
        rwg_j(LQ[["LEAD01"]], LQ["COMPID"], scale_points=5)


@pytest.mark.parametrize("points", [1, 0, 4.5, True])
def test_rwg_bad_scale_points(points):
    with pytest.raises(InvalidArgumentError, match="scale_points"):
        rwg(LQ["LEAD01"], LQ["COMPID"], scale_points=points)


def test_rwg_no_usable_rows():
    with pytest.raises(TooFewObservationsError, match="No row has both"):
        rwg([np.nan, 2.0, 3.0], [None, None, None], scale_points=5)


def test_rwg_length_mismatch():
    with pytest.raises(InvalidArgumentError, match="one group label per row"):
        rwg([1, 2, 3], ["a", "b"], scale_points=5)


# --- null distributions (LeBreton & Senter, 2008) -------------------------------------------


def test_null_variances_match_lebreton_and_senter():
    """LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater
    reliability and interrater agreement. Organizational Research Methods, 11, 815-852,
    Table 3 (5-point items): uniform 2.00, slight skew 1.34, moderate skew 0.90, heavy skew
    0.44, triangular 1.32."""
    from analysis.aggregation import null_variance

    got = {n: null_variance(5, n) for n in NULLS}
    assert got == pytest.approx(
        {
            "uniform": 2.0,
            "slight_skew": 1.34,
            "moderate_skew": 0.90,
            "heavy_skew": 0.44,
            "triangular": 1.32,
        },
        abs=1e-12,
    )
    assert null_variance(7) == pytest.approx(4.0)
    with pytest.raises(InvalidArgumentError, match="tabled for 5-point items"):
        null_variance(7, "slight_skew")
    with pytest.raises(InvalidArgumentError, match="null must be one of"):
        null_variance(5, "lenient")


def test_rwg_against_a_skewed_null_is_lower():
    # one group, answers 4, 4, 5, 5, 3: s² = 0.7. Uniform: 1 - 0.7/2 = 0.65;
    # slight skew: 1 - 0.7/1.34 = 0.4776119403 (R: multilevel::rwg(x, g, ranvar = 1.34)).
    x = pd.Series([4, 4, 5, 5, 3], dtype=float)
    g = pd.Series(["a"] * 5)
    assert rwg(x, g, scale_points=5)["rwg"].iloc[0] == pytest.approx(0.65)
    skew = rwg(x, g, scale_points=5, null="slight_skew")["rwg"].iloc[0]
    assert skew == pytest.approx(1 - 0.7 / 1.34, abs=1e-12)
    items = pd.DataFrame({"i1": x, "i2": x[::-1].to_numpy()})
    # rwg(j), J = 2, q = 0.7/0.9 (moderate skew): 2(1-q) / (2(1-q) + q) = 0.3636363636
    got = rwg_j(items, g, scale_points=5, null="moderate_skew")["rwg_j"].iloc[0]
    q = 0.7 / 0.9
    assert got == pytest.approx(2 * (1 - q) / (2 * (1 - q) + q), abs=1e-12)


def test_the_rules_choose_the_null():
    from instruments.catalogue import default_catalogue

    assert default_catalogue().rules.agreement.rwg_null == "uniform"
