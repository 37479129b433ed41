"""Tests for analysis.reliability.

Golden values come from R 4.2.2 with psych 2.2.9 (``packageVersion("psych")``) on
``tests/data/bfi.csv`` (psych::bfi), read back with ``read.csv``. Agreeableness: A1 is
reverse-keyed (7 - A1); conscientiousness: C4 and C5 are reverse-keyed, as psych's keys do.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import (
    ConstantItemError,
    InvalidArgumentError,
    NonNumericError,
    TooFewItemsError,
    TooFewObservationsError,
)
from analysis.reliability import (
    Reliability,
    cronbach_alpha,
    feldt_interval,
    item_analysis,
    mcdonald_omega,
)

BFI = pd.read_csv(Path(__file__).parent / "data" / "bfi.csv")


def agreeableness() -> pd.DataFrame:
    items = BFI[[f"A{i}" for i in range(1, 6)]].copy()
    items["A1"] = 7 - items["A1"]
    return items


def conscientiousness() -> pd.DataFrame:
    items = BFI[[f"C{i}" for i in range(1, 6)]].copy()
    items[["C4", "C5"]] = 7 - items[["C4", "C5"]]
    return items


SCALES = {"A": agreeableness, "C": conscientiousness}

# R: a <- psych::alpha(x); a$total$raw_alpha; a$feldt$lower.ci; a$feldt$upper.ci
#    (use = "pairwise" is psych's default; psych 2.2.9)
PAIRWISE = {
    "A": (0.7030184461, 0.6852643259, 0.7200633899, 2800),
    "C": (0.7267349729, 0.7103986717, 0.7424187317, 2800),
}
# R: psych::alpha(x, use = "complete.obs")$total$raw_alpha, and the Feldt interval with the
#    number of complete rows: psych::alpha.ci(alpha, n.obs = nrow(na.omit(x)), n.var = 5)
#    (psych::alpha's own $feldt uses nrow(x) = 2800 even for complete.obs)
LISTWISE = {
    "A": (0.7037558944, 0.6857446350, 0.7210359628, 2709),
    "C": (0.7292772032, 0.7128113989, 0.7450743144, 2707),
}


@pytest.mark.parametrize("scale", ["A", "C"])
@pytest.mark.parametrize("missing, golden", [("pairwise", PAIRWISE), ("listwise", LISTWISE)])
def test_alpha_matches_psych(scale, missing, golden):
    result = cronbach_alpha(SCALES[scale](), missing=missing)
    alpha, low, high, n = golden[scale]
    assert isinstance(result, Reliability)
    assert result.alpha == pytest.approx(alpha, abs=1e-9)
    assert (result.n, result.k) == (n, 5)
    if missing == "listwise":
        assert (result.ci_low, result.ci_high) == pytest.approx((low, high), abs=1e-9)
    else:
        # psych's $feldt counts all 2800 rows; here n is the harmonic mean of the pairwise
        # counts (R: m <- crossprod(!is.na(x)); 1 / mean(1 / m[upper.tri(m)])).
        items = SCALES[scale]().notna().to_numpy(dtype=float)
        counts = (items.T @ items)[np.triu_indices(5, 1)]
        assert result.n_interval == pytest.approx(1 / np.mean(1 / counts), rel=1e-12)
        assert result.n_interval < n
        assert (result.ci_low, result.ci_high) == pytest.approx(
            feldt_interval(alpha, result.n_interval, 5), abs=1e-9
        )


@pytest.mark.parametrize("scale", ["A", "C"])
def test_feldt_interval_matches_psych_alpha_ci(scale):
    # psych's $feldt with n.obs = 2800 (psych::alpha.ci(alpha, 2800, n.var = 5))
    alpha, low, high, n = PAIRWISE[scale]
    assert feldt_interval(alpha, n, 5) == pytest.approx((low, high), abs=1e-9)


@pytest.mark.parametrize("scale", ["A", "C"])
@pytest.mark.parametrize("missing", ["pairwise", "listwise"])
def test_alpha_matches_pingouin(scale, missing):
    items = SCALES[scale]()
    alpha, ci = pg.cronbach_alpha(items, nan_policy=missing)
    result = cronbach_alpha(items, missing=missing)
    assert result.alpha == pytest.approx(alpha, abs=1e-12)
    # pingouin rounds its interval to 3 decimals (and counts every row when pairwise)
    low, high = (
        (result.ci_low, result.ci_high)
        if missing == "listwise"
        else feldt_interval(result.alpha, result.n, 5)
    )
    assert (round(low, 3), round(high, 3)) == tuple(ci)


def test_alpha_other_confidence_level():
    # R: psych::alpha.ci(0.7030184461, n.obs = 2800, n.var = 5, p.val = .10)
    result = cronbach_alpha(agreeableness(), ci=0.90)
    assert feldt_interval(result.alpha, 2800, 5, ci=0.90) == pytest.approx(
        (0.6881835951, 0.7173852235), abs=1e-9
    )
    assert (result.ci_low, result.ci_high) == pytest.approx(
        feldt_interval(result.alpha, result.n_interval, 5, ci=0.90), abs=1e-12
    )


def test_alpha_tiny_hand_computed():
    # Covariance matrix [[2.5, 1.75, 2.25], [1.75, 1.7, 1.45], [2.25, 1.45, 2.2]]:
    # trace 6.4, sum 17.3, alpha = 3/2 * (1 - 6.4/17.3) = 0.945086705202...
    # R: t <- data.frame(i1 = c(1,2,3,4,5), i2 = c(2,2,3,5,4), i3 = c(1,3,3,4,5))
    #    psych::alpha(t)$total$raw_alpha  -> 0.945086705202
    items = pd.DataFrame({"i1": [1, 2, 3, 4, 5], "i2": [2, 2, 3, 5, 4], "i3": [1, 3, 3, 4, 5]})
    assert cronbach_alpha(items).alpha == pytest.approx(1.5 * (1 - 6.4 / 17.3), abs=1e-12)
    assert cronbach_alpha(items).alpha == pytest.approx(0.945086705202, abs=1e-11)


def test_alpha_pairwise_ignores_rows_with_no_answer():
    items = agreeableness()
    padded = pd.concat([items, pd.DataFrame(np.nan, index=range(3), columns=items.columns)])
    assert cronbach_alpha(padded) == cronbach_alpha(items)


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_alpha_invariant_to_row_order(random):
    items = agreeableness().iloc[:400]
    order = list(range(len(items)))
    random.shuffle(order)
    expected = cronbach_alpha(items)
    shuffled = cronbach_alpha(items.iloc[order])
    assert shuffled.alpha == pytest.approx(expected.alpha, abs=1e-12)
    assert shuffled.n == expected.n


@settings(max_examples=25, deadline=None)
@given(st.floats(0.1, 10), st.floats(-5, 5))
def test_alpha_invariant_to_linear_rescaling_of_all_items(scale, shift):
    items = conscientiousness().iloc[:300]
    assert cronbach_alpha(items * scale + shift).alpha == pytest.approx(
        cronbach_alpha(items).alpha, abs=1e-9
    )


# R: f <- psych::fa(na.omit(x), nfactors = 1, fm = "minres")
#    sum(f$loadings)^2 / (sum(f$loadings)^2 + sum(f$uniquenesses))   (psych 2.2.9)
# For reference, psych::omega(na.omit(x), nfactors = 1)$omega.tot, which divides by the
# observed total variance instead, gives 0.723724356915 (A) and 0.733779340545 (C).
OMEGA = {"A": 0.723983595142, "C": 0.733793184221}


@pytest.mark.parametrize("scale", ["A", "C"])
def test_omega_matches_psych_one_factor_model(scale):
    assert mcdonald_omega(SCALES[scale]()) == pytest.approx(OMEGA[scale], abs=1e-6)


def test_omega_of_parallel_items_equals_alpha_formula():
    # Equal loadings λ (tau-equivalent, standardised): ω = k²λ² / (k²λ² + k(1 - λ²)).
    rng = np.random.default_rng(7)
    factor = rng.standard_normal(20_000)
    items = pd.DataFrame(
        {f"q{i}": 0.7 * factor + 0.714 * rng.standard_normal(20_000) for i in range(4)}
    )
    lam = np.sqrt(items.corr().to_numpy()[np.triu_indices(4, 1)].mean())
    expected = (4 * lam) ** 2 / ((4 * lam) ** 2 + 4 * (1 - lam**2))
    assert mcdonald_omega(items) == pytest.approx(expected, abs=2e-3)


# R: a <- psych::alpha(x)   (use = "pairwise", psych 2.2.9)
#    a$item.stats[, c("n", "mean", "sd", "r.drop")]; a$alpha.drop$raw_alpha
ITEMS_A = pd.DataFrame(
    {
        "n": [2784, 2773, 2774, 2781, 2784],
        "mean": [4.58656609195, 4.80238009376, 4.60382119683, 4.69974829198, 4.56034482759],
        "sd": [1.40773715052, 1.17201992165, 1.30183363919, 1.47963268626, 1.25851209837],
        "r_drop": [0.308417739522, 0.563615163764, 0.587004589505, 0.394444086578, 0.488565135826],
        "alpha_if_deleted": [
            0.718517357027,
            0.617180037047,
            0.600259578765,
            0.685805652338,
            0.642952960071,
        ],
    },
    index=pd.Index([f"A{i}" for i in range(1, 6)], name="item"),
)
ITEMS_C = pd.DataFrame(
    {
        "n": [2779, 2776, 2780, 2774, 2784],
        "mean": [4.50233897085, 4.36995677233, 4.30395683453, 4.44664744052, 3.70330459770],
        "sd": [1.24134654771, 1.31834654767, 1.28855181114, 1.37511810740, 1.62854186798],
        "r_drop": [0.450241690167, 0.504564708857, 0.464204849967, 0.552546650304, 0.477469199265],
        "alpha_if_deleted": [
            0.694000419164,
            0.673571457358,
            0.688734101754,
            0.653825570965,
            0.689724930759,
        ],
    },
    index=pd.Index([f"C{i}" for i in range(1, 6)], name="item"),
)


@pytest.mark.parametrize("scale, golden", [("A", ITEMS_A), ("C", ITEMS_C)])
def test_item_analysis_matches_psych(scale, golden):
    result = item_analysis(SCALES[scale]())
    assert list(result.columns) == ["n", "mean", "sd", "r_drop", "alpha_if_deleted"]
    pd.testing.assert_index_equal(result.index, golden.index)
    np.testing.assert_array_equal(result["n"], golden["n"])
    np.testing.assert_allclose(result.drop(columns="n"), golden.drop(columns="n"), atol=1e-10)


def test_item_analysis_tiny_hand_computed():
    # R: psych::alpha(t)$item.stats$r.drop and $alpha.drop$raw_alpha, t as above
    items = pd.DataFrame({"i1": [1, 2, 3, 4, 5], "i2": [2, 2, 3, 5, 4], "i3": [1, 3, 3, 4, 5]})
    result = item_analysis(items)
    np.testing.assert_allclose(
        result["r_drop"], [0.970142500145, 0.809154779879, 0.898969631887], atol=1e-11
    )
    np.testing.assert_allclose(
        result["alpha_if_deleted"], [0.852941176471, 0.978260869565, 0.909090909091], atol=1e-11
    )


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("func", [cronbach_alpha, mcdonald_omega])
def test_fewer_than_two_items(func):
    with pytest.raises(TooFewItemsError, match="At least 2 items"):
        func(agreeableness()[["A1"]])


def test_item_analysis_needs_three_items():
    with pytest.raises(TooFewItemsError, match="At least 3 items"):
        item_analysis(agreeableness()[["A1", "A2"]])


@pytest.mark.parametrize("func", [cronbach_alpha, mcdonald_omega, item_analysis])
def test_constant_item(func):
    items = agreeableness().assign(A6=3)
    with pytest.raises(ConstantItemError, match="A6"):
        func(items)


@pytest.mark.parametrize("func", [cronbach_alpha, mcdonald_omega, item_analysis])
def test_non_numeric_item(func):
    items = agreeableness().assign(A2=lambda d: d["A2"].astype(str))
    with pytest.raises(NonNumericError, match="A2"):
        func(items)


def test_infinite_value_is_rejected():
    items = agreeableness()
    items.iloc[0, 0] = np.inf
    with pytest.raises(NonNumericError, match="infinite"):
        cronbach_alpha(items)


def test_items_never_answered_together():
    items = pd.DataFrame({"a": [1, 2, 3, np.nan, np.nan, np.nan], "b": [np.nan] * 3 + [1, 2, 4]})
    with pytest.raises(TooFewObservationsError, match="answered together"):
        cronbach_alpha(items)


@pytest.mark.parametrize("func", [cronbach_alpha, item_analysis])
def test_item_with_fewer_than_two_answers(func):
    items = agreeableness().assign(A6=np.nan)
    items.loc[0, "A6"] = 4
    with pytest.raises(TooFewObservationsError, match="fewer than 2 answers: A6"):
        func(items)


def test_too_few_complete_rows_listwise():
    items = pd.DataFrame({"a": [1, 2, np.nan], "b": [np.nan, 2, 3]})
    with pytest.raises(TooFewObservationsError, match="missing='pairwise'"):
        cronbach_alpha(items, missing="listwise")


@pytest.mark.parametrize("kwargs", [{"missing": "mean"}, {"ci": 1.5}, {"ci": 0}])
def test_invalid_options(kwargs):
    with pytest.raises(InvalidArgumentError):
        cronbach_alpha(agreeableness(), **kwargs)


def test_not_a_dataframe():
    with pytest.raises(InvalidArgumentError, match="DataFrame"):
        cronbach_alpha(agreeableness().to_numpy())
