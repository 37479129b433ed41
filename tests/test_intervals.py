"""Intervals that cover: the expanded percentile bootstrap of area scores, clustered
calibration intervals and the pairwise Feldt interval, checked against their formulas and
by a small seeded coverage simulation (the full table: ``tests/simulation/coverage.py``)."""

from __future__ import annotations

import numpy as np
import pytest
from simulation.coverage import area_coverage, calibration_coverage, fast_context, feldt_coverage
from test_readiness import KEY, make_survey, profile

from analysis.bootstrap import expand, expansion_factor


@pytest.fixture(scope="module")
def ctx():
    return fast_context(resamples=400)


def test_expansion_factor_matches_the_t_and_normal_quantiles():
    # Hesterberg (2015), section 3.3: sqrt(n / (n - 1)) * qt(0.975, n - 1) / qnorm(0.975).
    # Quantiles from the published tables (R 4.x to 9 decimals):
    # qt(0.975, 19) = 2.093024054, qt(0.975, 4) = 2.776445105, qnorm(0.975) = 1.959963985.
    z = 1.959963985
    expected = [np.sqrt(20 / 19) * 2.093024054 / z, np.sqrt(5 / 4) * 2.776445105 / z]
    assert expansion_factor(np.array([20, 5]), 0.95) == pytest.approx(expected, abs=1e-8)
    assert expansion_factor(np.array([1, 0]), 0.95).tolist() == [1.0, 1.0]
    # large n: the factor tends to 1 (the bootstrap's own width)
    assert expansion_factor(np.array([100_000]), 0.95)[0] == pytest.approx(1.0, abs=1e-4)


def test_expand_widens_each_column_about_its_estimate():
    draws = np.array([[1.0, 10.0], [3.0, 14.0]])
    out = expand(draws, np.array([2.0, 12.0]), np.array([5, 100_000]), 0.95)
    c = expansion_factor(np.array([5]), 0.95)[0]
    assert out[:, 0] == pytest.approx([2 - c, 2 + c])
    assert out[:, 1] == pytest.approx([10.0, 14.0], abs=1e-3)


def test_one_answer_gives_no_interval(ctx):
    frame = make_survey(ctx, dict.fromkeys(KEY, 6), noise=1.0, seed=3)
    scale = ctx.model.scales[0]
    frame.loc[frame.index[1:], list(scale.items)] = np.nan  # one respondent answers it
    p = profile(ctx, frame)
    row = p.scales.loc[scale.id]
    assert row["n"] == 1 and not np.isnan(row["estimate"])
    assert np.isnan(row["low"]) and np.isnan(row["high"])


def test_area_intervals_cover_with_a_random_sector_mix(ctx):
    """A small seeded run of the design: 60 areas of 50 respondents, every scale, pillar and
    sector pair. The stratified percentile interval the profile gave before covers less."""
    got = area_coverage(ctx, 50, replications=60, seed=11)
    assert got["scale"] >= 0.91, got
    assert got["pillar"] >= 0.91, got
    assert got["pair"] >= 0.90, got
    assert got["scale_before"] < got["scale"], got


def test_calibration_intervals_cover_when_decisions_cluster_by_participant(ctx):
    got = calibration_coverage(ctx, 30, replications=300, seed=12)
    assert got["caution"] >= 0.92 and got["sharing"] >= 0.92, got
    assert got["caution_before"] < 0.90, got  # decisions as independent: too narrow


def test_pairwise_feldt_interval_covers_with_missing_answers():
    got = feldt_coverage(40, replications=300, seed=13)
    assert got["alpha"] >= 0.93, got
    assert got["alpha_before"] < got["alpha"], got
