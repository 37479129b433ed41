"""Tests for analysis.comparison.

Golden values come from R 4.2.2: stats 4.2.2 (``oneway.test``, ``kruskal.test``,
``ptukey``), rstatix 0.7.2 (``games_howell_test``) and effectsize 0.8.3 (``eta_squared``,
``omega_squared``, ``epsilon_squared``, ``rank_epsilon_squared``), on tests/data read back
with ``read.csv``. The bfi outcome is the agreeableness score
``rowMeans(A, na.rm = TRUE)`` with A1 reverse-keyed (7 - A1), grouped by education
(5 unequal groups, 2577 rows with both values).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.comparison import GroupComparison, _studentized_range_sf, compare_groups
from analysis.errors import (
    ConstantGroupError,
    InvalidArgumentError,
    NonNumericError,
    SingletonGroupError,
    TooFewGroupsError,
)

DATA = Path(__file__).parent / "data"
BFI = pd.read_csv(DATA / "bfi.csv")
BH = pd.read_csv(DATA / "bh1996.csv")


def agreeableness_by_education() -> pd.DataFrame:
    items = BFI[[f"A{i}" for i in range(1, 6)]].copy()
    items["A1"] = 7 - items["A1"]
    return pd.DataFrame({"agree": items.mean(axis=1), "education": BFI["education"]})


@pytest.fixture(scope="module")
def bfi_result() -> GroupComparison:
    return compare_groups(agreeableness_by_education(), dv="agree", between="education")


def test_welch_matches_oneway_test(bfi_result):
    # R: oneway.test(agree ~ education, data = d, var.equal = FALSE)
    w = bfi_result.welch
    assert (w.F, w.df1, w.df2) == pytest.approx((5.974617494251, 4, 779.194564346147), abs=1e-9)
    assert w.p == pytest.approx(9.74219366094993e-05, rel=1e-9)


def test_kruskal_matches_kruskal_test(bfi_result):
    # R: kruskal.test(agree ~ education, data = d)   (tie-corrected)
    k = bfi_result.kruskal
    assert (k.H, k.df) == pytest.approx((26.257334343378, 4), abs=1e-9)
    assert k.p == pytest.approx(2.80797661852272e-05, rel=1e-9)


def test_effect_sizes_match_effectsize_and_rstatix(bfi_result):
    e = bfi_result.effect_sizes
    # R: m <- aov(agree ~ education, data = d)
    #    effectsize::eta_squared(m, partial = FALSE)       0.009398810039
    #    effectsize::omega_squared(m, partial = FALSE)     0.007855191796
    #    effectsize::epsilon_squared(m, partial = FALSE)   0.007858217209
    assert e.eta_squared == pytest.approx(0.009398810039, abs=1e-11)
    assert e.omega_squared == pytest.approx(0.007855191796, abs=1e-11)
    assert e.anova_epsilon_squared == pytest.approx(0.007858217209, abs=1e-11)
    # R: effectsize::rank_epsilon_squared(agree ~ education, data = d)  0.010193064574
    #    (= H / ((n^2 - 1)/(n + 1)), the same formula as rcompanion::epsilonSquared)
    assert e.epsilon_squared == pytest.approx(0.010193064574, abs=1e-11)
    # R: rstatix::kruskal_effsize(d, agree ~ education)$effsize  0.00865370697643
    assert e.kruskal_eta_squared == pytest.approx(0.00865370697643, abs=1e-12)


# R: gh <- rstatix::games_howell_test(d, agree ~ education, detailed = TRUE)
#    p  <- ptukey(gh$statistic * sqrt(2), 5, gh$df, lower.tail = FALSE)
#    (rstatix prints p.adj rounded to 3 decimals; this is its unrounded value)
# columns: group1, group2, estimate = mean(group2) - mean(group1), |t|, df, p
GAMES_HOWELL_BFI = [
    (1, 2, 0.064448793216, 0.815887518646, 479.192440193399, 0.925711998803),
    (1, 3, 0.237103492318, 3.694157015468, 300.449143153839, 0.002418125112),
    (1, 4, 0.092823906212, 1.238147195909, 469.934277398483, 0.729000793284),
    (1, 5, 0.215336637047, 2.929443147345, 452.407787864332, 0.029223781667),
    (2, 3, 0.172654699102, 3.015566796323, 424.654998716690, 0.022694412885),
    (2, 4, 0.028375112996, 0.410455301295, 633.660685322353, 0.994036852309),
    (2, 5, 0.150887843831, 2.233978283223, 623.891472263681, 0.168565191516),
    (3, 4, -0.144279586105, 2.798091713181, 626.920532429040, 0.042105482425),
    (3, 5, -0.021766855271, 0.440505345625, 694.061426010770, 0.992184177933),
    (4, 5, 0.122512730835, 1.951127330695, 804.225512836648, 0.291252819433),
]


def test_games_howell_matches_rstatix(bfi_result):
    gh = bfi_result.pairwise
    expected = pd.DataFrame(GAMES_HOWELL_BFI, columns=["A", "B", "estimate", "t", "df", "p"])
    assert list(gh.columns) == ["A", "B", "mean(A)", "mean(B)", "diff", "se", "T", "df", "pval"]
    np.testing.assert_array_equal(gh["A"], expected["A"])
    np.testing.assert_array_equal(gh["B"], expected["B"])
    np.testing.assert_allclose(-gh["diff"], expected["estimate"], atol=1e-11)
    np.testing.assert_allclose(gh["T"].abs(), expected["t"], atol=1e-11)
    np.testing.assert_allclose(gh["df"], expected["df"], atol=1e-8)
    np.testing.assert_allclose(gh["pval"], expected["p"], atol=1e-9)


def test_games_howell_matches_pingouin(bfi_result):
    data = agreeableness_by_education().dropna()
    expected = pg.pairwise_gameshowell(data, dv="agree", between="education")
    expected = expected.rename(columns={"mean_A": "mean(A)", "mean_B": "mean(B)"})
    columns = ["mean(A)", "mean(B)", "diff", "se", "T", "df", "pval"]
    np.testing.assert_allclose(bfi_result.pairwise[columns], expected[columns], atol=1e-9)


def test_twelve_groups_match_pingouin():
    # 66 pairs: p-values come from the interpolated df = inf integrand (see comparison.py).
    rng = np.random.default_rng(3)
    group = rng.integers(0, 12, 3000)
    data = pd.DataFrame(
        {"y": rng.integers(1, 6, 3000) + 0.05 * group * rng.random(3000), "g": group}
    )
    result = compare_groups(data, dv="y", between="g")
    expected = pg.pairwise_gameshowell(data, dv="y", between="g")
    np.testing.assert_allclose(result.pairwise["T"], expected["T"], atol=1e-12)
    np.testing.assert_allclose(result.pairwise["pval"], expected["pval"], atol=1e-8)
    assert pg.welch_anova(data, dv="y", between="g")["F"].iloc[0] == pytest.approx(
        result.welch.F, rel=1e-12
    )


def test_small_groups_match_r():
    # Small df (< 10) take scipy's direct studentized-range integral.
    # R: d <- data.frame(y = c(1,2,3,4, 2,4,6,8,9, 5,6,7.5),
    #                    g = factor(rep(c("a","b","c"), c(4,5,3))))
    #    oneway.test(y ~ g, d, var.equal = FALSE); kruskal.test(y ~ g, d)
    #    gh <- rstatix::games_howell_test(d, y ~ g, detailed = TRUE)
    #    ptukey(gh$statistic * sqrt(2), 3, gh$df, lower.tail = FALSE)
    data = pd.DataFrame({"y": [1, 2, 3, 4, 2, 4, 6, 8, 9, 5, 6, 7.5], "g": list("aaaabbbbbccc")})
    result = compare_groups(data, dv="y", between="g")
    assert (result.welch.F, result.welch.df2) == pytest.approx(
        (7.050284915019, 5.711176293247), abs=1e-11
    )
    assert result.welch.p == pytest.approx(0.0286694468327883, abs=1e-12)
    assert (result.kruskal.H, result.kruskal.df) == pytest.approx((4.979151943463, 2), abs=1e-11)
    assert result.kruskal.p == pytest.approx(0.0829451301994038, abs=1e-12)
    np.testing.assert_allclose(
        result.pairwise["T"].abs(), [2.301081417251, 3.772968873135, 0.249037100030], atol=1e-11
    )
    np.testing.assert_allclose(
        result.pairwise["df"], [5.792207858074, 4.524461839530, 5.789586079079], atol=1e-11
    )
    np.testing.assert_allclose(
        result.pairwise["pval"], [0.134171987399, 0.034351281608, 0.966584185938], atol=1e-7
    )
    assert list(result.groups["n"]) == [4, 5, 3]


def test_many_unequal_groups_match_r():
    # 99 groups of 15-226 soldiers.
    # R: bh$GRP <- factor(bh$GRP); oneway.test(WBEING ~ GRP, bh, var.equal = FALSE);
    #    kruskal.test(WBEING ~ GRP, bh); m <- aov(WBEING ~ GRP, bh);
    #    effectsize::eta_squared / omega_squared / epsilon_squared(m, partial = FALSE);
    #    effectsize::rank_epsilon_squared(WBEING ~ GRP, bh)
    result = compare_groups(BH, dv="WBEING", between="GRP")
    assert (result.welch.F, result.welch.df1, result.welch.df2) == pytest.approx(
        (4.138108151633, 98, 1834.395306149032), abs=1e-9
    )
    assert result.welch.p == pytest.approx(3.82695033963234e-34, rel=1e-8)
    assert (result.kruskal.H, result.kruskal.df) == pytest.approx((390.509489059912, 98), abs=1e-8)
    assert result.kruskal.p == pytest.approx(1.50833720794936e-36, rel=1e-8)
    e = result.effect_sizes
    assert (
        e.eta_squared,
        e.omega_squared,
        e.anova_epsilon_squared,
        e.epsilon_squared,
    ) == pytest.approx((0.055662363950, 0.042949793933, 0.042955362943, 0.052907395889), abs=1e-11)
    assert len(result.pairwise) == 99 * 98 // 2


def test_studentized_range_against_ptukey():
    # R: ptukey(4, 12, 20000, lower.tail = FALSE) = 0.168009679193
    #    ptukey(3.2, 12, 12.5, lower.tail = FALSE) = 0.540106194380
    #    ptukey(4, 12, 30000, lower.tail = FALSE) = 0.167924304387 -- above df = 25000 R
    #    switches to the df = Inf integral, so it is itself 6e-5 off the exact value there;
    #    ours (0.16798) lies between R's df = Inf value and its df = 20000 value.
    p = _studentized_range_sf(np.array([4.0, 3.2, 4.0]), 12, np.array([20000, 12.5, 30000]))
    # R's ptukey aims at about 1e-8 accuracy
    assert p[:2] == pytest.approx([0.168009679193, 0.540106194380], abs=1e-7)
    assert p[2] == pytest.approx(0.167924304387, abs=1e-4)
    assert 0.167924304387 < p[2] < 0.168009679193


def test_effect_sizes_by_definition():
    data = pd.DataFrame({"y": [1, 2, 3, 4, 2, 4, 6, 8, 9, 5, 6, 7.5], "g": list("aaaabbbbbccc")})
    result = compare_groups(data, dv="y", between="g")
    y, g = data["y"], data["g"]
    ss_total = ((y - y.mean()) ** 2).sum()
    ss_within = (y - y.groupby(g).transform("mean")).pow(2).sum()
    ss_between = ss_total - ss_within
    ms_within = ss_within / (12 - 3)
    e = result.effect_sizes
    assert e.eta_squared == pytest.approx(ss_between / ss_total, abs=1e-12)
    assert e.omega_squared == pytest.approx(
        (ss_between - 2 * ms_within) / (ss_total + ms_within), abs=1e-12
    )
    assert e.epsilon_squared == pytest.approx(result.kruskal.H * 13 / (144 - 1), abs=1e-12)


@settings(max_examples=20, deadline=None)
@given(st.randoms(use_true_random=False))
def test_invariant_to_row_order(random):
    data = agreeableness_by_education().iloc[:500]
    order = list(range(len(data)))
    random.shuffle(order)
    a = compare_groups(data, dv="agree", between="education")
    b = compare_groups(data.iloc[order], dv="agree", between="education")
    actual, expected = (a.welch.F, a.kruskal.H), (b.welch.F, b.kruskal.H)
    assert actual == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(a.pairwise["pval"], b.pairwise["pval"], atol=1e-12)


# --- bad input ------------------------------------------------------------------------------


def test_group_of_one():
    data = pd.DataFrame({"y": [1.0, 2, 3, 4, 5], "g": ["a", "a", "b", "b", "c"]})
    with pytest.raises(SingletonGroupError, match="c"):
        compare_groups(data, dv="y", between="g")


def test_single_group():
    data = pd.DataFrame({"y": [1.0, 2, 3, 4], "g": ["a", "a", "a", None]})
    with pytest.raises(TooFewGroupsError):
        compare_groups(data, dv="y", between="g")


def test_constant_group():
    data = pd.DataFrame({"y": [1.0, 2, 3, 3, 3], "g": ["a", "a", "b", "b", "b"]})
    with pytest.raises(ConstantGroupError, match="b"):
        compare_groups(data, dv="y", between="g")


def test_non_numeric_outcome():
    data = pd.DataFrame({"y": ["low", "high", "low", "high"], "g": ["a", "a", "b", "b"]})
    with pytest.raises(NonNumericError, match="y must be numeric"):
        compare_groups(data, dv="y", between="g")


def test_missing_column():
    with pytest.raises(InvalidArgumentError, match="not found"):
        compare_groups(agreeableness_by_education(), dv="trust", between="education")
