"""Tests for analysis.agreement.

Golden values come from R 4.2.2 with psych 2.2.9 (``packageVersion("psych")``). psych's
weighted kappa uses quadratic agreement weights by default; for linear weights the matrix
``lin(c) <- 1 - abs(outer(1:c, 1:c, "-")) / (c - 1)`` is passed as ``w``.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.agreement import cohen_kappa
from analysis.errors import (
    InvalidArgumentError,
    NonNumericError,
    TooFewObservationsError,
    UndefinedStatisticError,
)

BFI = pd.read_csv(Path(__file__).parent / "data" / "bfi.csv")

# Two bfi items treated as two "raters" of the same 2800 people: six ordered categories,
# missing values on both sides (pairs with a missing rating are dropped, as psych does).
# R: x <- bfi[, c(a, b)]; psych::cohen.kappa(x)$kappa, $weighted.kappa;
#    psych::cohen.kappa(x, w = lin(6))$weighted.kappa
BFI_PAIRS = [
    ("C1", "C2", 0.188541797125, 0.424545473883, 0.321591531718),
    ("A2", "A3", 0.249344150273, 0.476349278435, 0.367971956204),
    ("E3", "E4", 0.129363067921, 0.400313417527, 0.281661699326),
]


@pytest.mark.parametrize("a, b, unweighted, quadratic, linear", BFI_PAIRS)
def test_kappa_matches_psych_on_bfi(a, b, unweighted, quadratic, linear):
    assert cohen_kappa(BFI[a], BFI[b]) == pytest.approx(unweighted, abs=1e-11)
    assert cohen_kappa(BFI[a], BFI[b], weights="quadratic") == pytest.approx(quadratic, abs=1e-11)
    assert cohen_kappa(BFI[a], BFI[b], weights="linear") == pytest.approx(linear, abs=1e-11)


def _expand(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rater vectors from a contingency table (rows = rater A's category)."""
    c = table.shape[0]
    a = np.repeat(np.repeat(np.arange(1, c + 1), c), table.ravel())
    b = np.repeat(np.tile(np.arange(1, c + 1), c), table.ravel())
    return a, b


def test_kappa_published_table():
    # Fleiss, Cohen & Everitt (1969), the example table in psych::cohen.kappa's help page;
    # published unweighted kappa = .429.
    # R: fleiss <- matrix(c(106, 10, 4, 22, 28, 10, 2, 12, 6), ncol = 3, byrow = TRUE)
    #    psych::cohen.kappa(fleiss): kappa 0.428571428571, weighted.kappa 0.566666666667;
    #    psych::cohen.kappa(fleiss, w = lin(3))$weighted.kappa = 0.492307692308
    a, b = _expand(np.array([[106, 10, 4], [22, 28, 10], [2, 12, 6]]))
    assert cohen_kappa(a, b) == pytest.approx(0.428571428571, abs=1e-11)
    assert cohen_kappa(a, b, weights="quadratic") == pytest.approx(0.566666666667, abs=1e-11)
    assert cohen_kappa(a, b, weights="linear") == pytest.approx(0.492307692308, abs=1e-11)


def test_kappa_categories_are_the_union_in_sorted_order():
    # Category 5 is used by rater B only; weights use positions 1..4 of {1, 2, 4, 5}.
    # R: a <- c(1,2,4,4,2,1,4,2); b <- c(1,2,4,2,2,5,4,1)
    #    psych::cohen.kappa(cbind(a, b)): kappa 0.466666666667, weighted 0.12;
    #    psych::cohen.kappa(cbind(a, b), w = lin(4))$weighted.kappa = 0.354838709677
    a = [1, 2, 4, 4, 2, 1, 4, 2]
    b = [1, 2, 4, 2, 2, 5, 4, 1]
    assert cohen_kappa(a, b) == pytest.approx(0.466666666667, abs=1e-11)
    assert cohen_kappa(a, b, weights="quadratic") == pytest.approx(0.12, abs=1e-11)
    assert cohen_kappa(a, b, weights="linear") == pytest.approx(0.354838709677, abs=1e-11)


def test_kappa_tiny_hand_computed():
    # agreement 3/4; margins A (1/4, 1/4, 1/2), B (1/4, 1/2, 1/4); chance 5/16;
    # kappa = (3/4 - 5/16) / (1 - 5/16) = 7/11
    assert cohen_kappa([1, 2, 3, 3], [1, 2, 3, 2]) == pytest.approx(7 / 11, abs=1e-15)


def test_kappa_text_labels():
    a = pd.Series(["barrier", "enabler", "barrier", "neutral", None])
    b = pd.Series(["barrier", "enabler", "neutral", "neutral", "barrier"])
    # 4 rated pairs, agreement 3/4; margins A (1/2, 1/4, 1/4), B (1/4, 1/4, 1/2)
    chance = 0.5 * 0.25 + 0.25 * 0.25 + 0.25 * 0.5
    assert cohen_kappa(a, b) == pytest.approx((0.75 - chance) / (1 - chance), abs=1e-15)


def test_kappa_against_direct_formula_on_bfi():
    # Cross-check without psych: 1 - sum(d * O) / sum(d * E) with disagreement weights d.
    pairs = BFI[["C1", "C2"]].dropna().astype(int).to_numpy() - 1
    observed = np.zeros((6, 6))
    np.add.at(observed, (pairs[:, 0], pairs[:, 1]), 1)
    expected = np.outer(observed.sum(1), observed.sum(0)) / observed.sum()
    i, j = np.indices((6, 6))
    for weights, d in [("linear", np.abs(i - j)), ("quadratic", (i - j) ** 2), (None, i != j)]:
        direct = 1 - np.sum(d * observed) / np.sum(d * expected)
        assert cohen_kappa(BFI["C1"], BFI["C2"], weights=weights) == pytest.approx(
            direct, abs=1e-12
        )


ratings = st.lists(st.integers(1, 5), min_size=2, max_size=60).filter(lambda r: len(set(r)) > 1)


@settings(max_examples=50, deadline=None)
@given(ratings, st.sampled_from([None, "linear", "quadratic"]))
def test_kappa_of_identical_ratings_is_one(r, weights):
    assert cohen_kappa(r, r, weights=weights) == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=2, max_size=60))
def test_kappa_is_symmetric_in_the_raters(pairs):
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    if len(set(a)) == 1 and len(set(b)) == 1 and set(a) == set(b):
        return  # undefined (tested below)
    try:
        forward = cohen_kappa(a, b, weights="quadratic")
    except UndefinedStatisticError:
        return
    assert forward == pytest.approx(cohen_kappa(b, a, weights="quadratic"), abs=1e-12)


# --- bad input ------------------------------------------------------------------------------


def test_kappa_single_shared_category_is_undefined():
    with pytest.raises(UndefinedStatisticError, match="chance agreement is perfect"):
        cohen_kappa([2, 2, 2], [2, 2, 2])


def test_kappa_length_mismatch():
    with pytest.raises(InvalidArgumentError, match="different numbers of cases"):
        cohen_kappa([1, 2, 3], [1, 2])


def test_kappa_no_common_case():
    with pytest.raises(TooFewObservationsError, match="rated by both"):
        cohen_kappa([1, None], [None, 2])


def test_weighted_kappa_needs_numbers():
    with pytest.raises(NonNumericError, match="numeric ordinal"):
        cohen_kappa(["low", "high"], ["high", "high"], weights="linear")


def test_kappa_unknown_weights():
    with pytest.raises(InvalidArgumentError, match="weights"):
        cohen_kappa([1, 2], [1, 2], weights="cubic")


def test_kappa_unorderable_labels():
    with pytest.raises(InvalidArgumentError, match="cannot be ordered"):
        cohen_kappa([1, "a", 2], ["a", 1, 2])


def test_weighted_kappa_weighs_by_the_rubric_not_by_the_categories_used():
    """Raters who used 1, 2 and 5 of a 1-5 rubric: with the used categories only, 2 and 5
    are one step apart (linear kappa 0.310); on the rubric they are three steps apart
    (0.390). Peer: scikit-learn ``cohen_kappa_score(a, b, labels=[1, 2, 3, 4, 5],
    weights=...)``; R: ``irr::kappa2(cbind(a, b), "equal")`` on factors with levels 1:5."""
    from sklearn.metrics import cohen_kappa_score

    a, b = [1, 2, 5, 5, 1, 2, 5, 1], [2, 2, 5, 1, 1, 5, 5, 2]
    rubric = [1, 2, 3, 4, 5]
    assert cohen_kappa(a, b, weights="linear") == pytest.approx(0.3103448276, abs=1e-9)
    assert cohen_kappa(a, b, weights="linear", categories=rubric) == pytest.approx(
        0.3898305085, abs=1e-9
    )
    for weights in ("linear", "quadratic"):
        assert cohen_kappa(a, b, weights=weights, categories=rubric) == pytest.approx(
            cohen_kappa_score(a, b, labels=rubric, weights=weights), abs=1e-12
        )
    # unweighted kappa does not depend on unused categories
    assert cohen_kappa(a, b, categories=rubric) == pytest.approx(cohen_kappa(a, b), abs=1e-12)


def test_a_rating_outside_the_rubric_is_named():
    with pytest.raises(InvalidArgumentError, match=r"Ratings \['6'\] are not categories"):
        cohen_kappa([1, 6], [1, 2], weights="linear", categories=[1, 2, 3, 4, 5])
    with pytest.raises(InvalidArgumentError, match="every category"):
        cohen_kappa([1, 2], [1, 2], categories=[1, 1, 2])
