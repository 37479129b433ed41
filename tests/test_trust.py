"""Tests for analysis.trust: the directed trust matrix, its split into mutual trust and
asymmetry, row and column means, the own-sector diagonal, small cells and weakest links.

Every expected number is worked out by hand from six raters in three sectors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.trust import TrustMatrix, cell_sums, trust_matrix

NAN = np.nan
SECTORS = ["police", "health", "care"]


@pytest.fixture(scope="module")
def raters() -> tuple[pd.DataFrame, pd.Series]:
    """Respondent x target trust scores and each respondent's own sector.

    police row:  police (4+4)/2 = 4,    health (3+4)/2 = 3.5, care (2+1)/2 = 1.5
    health row:  police (2+3)/2 = 2.5,  health (5+4)/2 = 4.5, care (3+5)/2 = 4.0
    care row:    police 4 (ONE rater),  health (2+3)/2 = 2.5, care (5+5)/2 = 5.0
    """
    trust = pd.DataFrame(
        [
            [4.0, 3.0, 2.0],  # p1
            [4.0, 4.0, 1.0],  # p2
            [2.0, 5.0, 3.0],  # h1
            [3.0, 4.0, 5.0],  # h2
            [4.0, 2.0, 5.0],  # c1
            [NAN, 3.0, 5.0],  # c2 did not rate police
            [1.0, 1.0, 1.0],  # x1: a sector outside the list is left out
        ],
        columns=SECTORS,
        index=["p1", "p2", "h1", "h2", "c1", "c2", "x1"],
    )
    sector = pd.Series(
        ["police", "police", "health", "health", "care", "care", "dwp"], index=trust.index
    )
    return trust, sector


T = np.array(
    [
        [4.0, 3.5, 1.5],
        [2.5, 4.5, 4.0],
        [4.0, 2.5, 5.0],
    ]
)


def test_cell_sums_count_raters_per_rater_sector_and_target(raters):
    total, count = cell_sums(*raters, SECTORS)
    np.testing.assert_array_equal(count, [[2, 2, 2], [2, 2, 2], [1, 2, 2]])
    np.testing.assert_array_equal(total, [[8, 7, 3], [5, 9, 8], [4, 5, 10]])


def test_matrix_of_means_by_hand(raters):
    m = trust_matrix(*raters, SECTORS, min_n=1)
    np.testing.assert_allclose(m.mean.to_numpy(), T)
    assert list(m.mean.index) == SECTORS and list(m.mean.columns) == SECTORS
    assert m.n.loc["care", "police"] == 1


def test_mutual_trust_and_asymmetry_split_the_matrix(raters):
    m = trust_matrix(*raters, SECTORS, min_n=1)
    s, a = m.mutual(), m.asymmetry()
    # S = (T + T')/2 off the diagonal:
    #   police~health (3.5 + 2.5)/2 = 3.0, police~care (1.5 + 4)/2 = 2.75,
    #   health~care (4 + 2.5)/2 = 3.25
    expected_s = np.array([[4.0, 3.0, 2.75], [3.0, 4.5, 3.25], [2.75, 3.25, 5.0]])
    # A = (T - T')/2: police>health (3.5 - 2.5)/2 = 0.5, police>care (1.5 - 4)/2 = -1.25,
    #   health>care (4 - 2.5)/2 = 0.75; zero on the diagonal
    expected_a = np.array([[0.0, 0.5, -1.25], [-0.5, 0.0, 0.75], [1.25, -0.75, 0.0]])
    np.testing.assert_allclose(s.to_numpy(), expected_s)
    np.testing.assert_allclose(a.to_numpy(), expected_a)
    np.testing.assert_allclose((s + a).to_numpy(), T)
    np.testing.assert_array_equal(s.to_numpy(), s.to_numpy().T)
    np.testing.assert_array_equal(a.to_numpy(), -a.to_numpy().T)


def test_how_trusting_and_how_trusted_leave_out_the_own_sector(raters):
    m = trust_matrix(*raters, SECTORS, min_n=1)
    # Row means off the diagonal: police (3.5 + 1.5)/2 = 2.5, health (2.5 + 4)/2 = 3.25,
    # care (4 + 2.5)/2 = 3.25.  With the diagonal police would be 3.0.
    np.testing.assert_allclose(m.trusting().to_numpy(), [2.5, 3.25, 3.25])
    # Column means off the diagonal: police (2.5 + 4)/2 = 3.25, health (3.5 + 2.5)/2 = 3.0,
    # care (1.5 + 4)/2 = 2.75.
    np.testing.assert_allclose(m.trusted().to_numpy(), [3.25, 3.0, 2.75])


def test_own_sector_ratings_are_reported_apart(raters):
    own = trust_matrix(*raters, SECTORS, min_n=1).own()
    assert list(own.index) == SECTORS
    np.testing.assert_allclose(own["mean"], [4.0, 4.5, 5.0])
    np.testing.assert_array_equal(own["n"], [2, 2, 2])


def test_weakest_links_ranked_from_the_lowest_mutual_trust(raters):
    links = trust_matrix(*raters, SECTORS, min_n=1).weakest_links()
    assert list(links.index) == [1, 2, 3] and links.index.name == "rank"
    assert list(zip(links["a"], links["b"], strict=True)) == [
        ("police", "care"),
        ("police", "health"),
        ("health", "care"),
    ]
    np.testing.assert_allclose(links["mutual"], [2.75, 3.0, 3.25])
    np.testing.assert_allclose(links["asymmetry"], [-1.25, 0.5, 0.75])
    np.testing.assert_allclose(links["t_ab"], [1.5, 3.5, 4.0])
    np.testing.assert_allclose(links["t_ba"], [4.0, 2.5, 2.5])
    assert list(links["n_ab"]) == [2, 2, 2] and list(links["n_ba"]) == [1, 2, 2]
    assert len(trust_matrix(*raters, SECTORS, min_n=1).weakest_links(k=1)) == 1


def test_ties_in_mutual_trust_put_the_more_one_sided_pair_first():
    # a~b and a~c both have mutual trust 3.0; a~c is more one-sided (|A| 0.8 vs 0.2).
    mean = pd.DataFrame(
        [[5.0, 3.2, 3.8], [2.8, 5.0, 4.0], [2.2, 4.0, 5.0]],
        index=list("abc"),
        columns=list("abc"),
    )
    m = TrustMatrix(mean=mean, n=pd.DataFrame(9, index=mean.index, columns=mean.columns), min_n=5)
    links = m.weakest_links()
    assert list(zip(links["a"], links["b"], strict=True))[:2] == [("a", "c"), ("a", "b")]
    np.testing.assert_allclose(links["asymmetry"].iloc[:2], [0.8, 0.2])


def test_min_n_hides_small_cells_but_keeps_their_n(raters):
    m = trust_matrix(*raters, SECTORS, min_n=2)
    assert np.isnan(m.mean.loc["care", "police"])
    assert m.n.loc["care", "police"] == 1
    assert m.mean.loc["police", "care"] == 1.5  # the other direction has 2 raters
    # A hidden cell leaves the pair out of the links and the means:
    links = m.weakest_links()
    assert ("police", "care") not in set(zip(links["a"], links["b"], strict=True))
    assert np.isnan(m.mutual().loc["police", "care"])
    # care is now as trusting as its one remaining rating (health 2.5), police as trusted
    # as health's rating of it (2.5).
    assert m.trusting()["care"] == 2.5
    assert m.trusted()["police"] == 2.5


def test_a_sector_with_no_raters_has_empty_rows_and_zero_n():
    trust = pd.DataFrame([[4.0, 4.0, 4.0]] * 5, columns=SECTORS)
    m = trust_matrix(trust, pd.Series(["police"] * 5), SECTORS, min_n=5)
    assert m.n.loc["health"].tolist() == [0, 0, 0]
    assert m.mean.loc["health"].isna().all()
    assert m.weakest_links().empty
    assert np.isnan(m.trusting()["health"])
