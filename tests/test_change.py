"""Change between waves that is tested: the planted improving area (Fenwick Vale) changes
beyond chance on every pillar and weak pair, the planted stable one (Greyhaven) on none;
the bootstrap interval of a pillar's change agrees with Welch's t interval (R's
``t.test(x2, x1)``); small groups lose their numbers; the profile shows the trend and the
change near the top."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from test_dashboard_pages import (  # noqa: F401  (module fixtures shared with the page tests)
    MANAGER,
    charts,
    engine,
    headers,
    open_page,
    reads_only,
    store_path,
    table,
)

from analysis.change import change_table, hide_small, pair_key
from analysis.context import context_from_catalogue
from analysis.scoring import score
from app.access import ScopedData
from survey.store import readers


@pytest.fixture(scope="module")
def door(engine, catalogue):  # noqa: F811
    return ScopedData(engine, MANAGER, catalogue)


def test_the_improving_area_changes_beyond_chance_and_the_stable_one_does_not(door):
    fen = door.profile("FEN").profile.change
    gry = door.profile("GRY").profile.change
    for kind in ("pillar", "pair"):
        up = fen[fen["kind"] == kind]
        assert len(up) >= 5 and up["real"].all() and (up["low"] > 0).all(), kind
        flat = gry[gry["kind"] == kind]
        assert len(flat) >= 5 and not flat["real"].any(), kind
        assert ((flat["low"] < 0) & (flat["high"] > 0)).all(), kind
    # the planted distrust pair of Fenwick Vale's first wave (police ↔ children's social care)
    planted = fen.loc[pair_key("childrens_social_care", "police")]
    assert planted["previous"] < 2.5 and planted["current"] > 4.0 and planted["real"]


def test_the_bootstrap_interval_agrees_with_welchs_t(door, engine, catalogue):  # noqa: F811
    """The interval of a pillar's change against Welch's t interval from the respondents'
    pillar scores: in R, ``t.test(wave2, wave1)$conf.int`` (Welch is R's default)."""
    model = context_from_catalogue(catalogue).model
    survey = readers.survey_frame(engine, ["FEN", "GRY"], instrument=catalogue.survey.key)
    for area in ("FEN", "GRY"):
        change = door.profile(area).profile.change
        for pillar in ("culture", "trust", "technology"):
            x = {}
            for wave in ("2025-1", "2026-1"):
                part = survey[(survey["area"] == area) & (survey["wave"] == wave)]
                x[wave] = score(part, model).pillars[pillar].dropna().to_numpy()
            t = stats.ttest_ind(x["2026-1"], x["2025-1"], equal_var=False)
            low, high = t.confidence_interval(0.95)
            row = change.loc[pillar]
            assert row["difference"] == pytest.approx(x["2026-1"].mean() - x["2025-1"].mean())
            # the within-sector bootstrap is a little narrower than Welch (sectors differ)
            assert row["low"] == pytest.approx(low, abs=0.04), (area, pillar)
            assert row["high"] == pytest.approx(high, abs=0.04), (area, pillar)


def test_small_groups_lose_their_change_and_hidden_pairs_go():
    change = pd.DataFrame(
        {
            "previous": [3.0, 3.1, 2.5],
            "current": [3.5, 3.2, 3.0],
            "difference": [0.5, 0.1, 0.5],
            "low": [0.2, -0.1, 0.1],
            "high": [0.8, 0.3, 0.9],
            "real": [True, False, True],
            "kind": ["pillar", "scale", "pair"],
            "a": [None, None, "police"],
            "b": [None, None, "fire_rescue"],
            "n_previous": [40, 3, 6],
            "n_current": [40, 30, 6],
            "previous_wave": "2025-1",
        },
        index=["culture", "fear", pair_key("police", "fire_rescue")],
    )
    out = hide_small(change, 5, set())
    assert list(out.index) == ["culture", "fear"]
    assert np.isnan(out.loc["fear", "difference"]) and not out.loc["fear", "real"]
    assert out.loc["culture", "real"]
    shown = hide_small(change, 5, {("police", "fire_rescue")})
    assert shown.loc[pair_key("police", "fire_rescue"), "real"]
    table = change_table(shown, kinds=("pair",), names={"police": "Police"}, current_wave="2026-1")
    assert table.iloc[0].to_dict() == {
        "Measure": "Police ↔ fire_rescue",
        "Wave 2025-1": "2.50",
        "Wave 2026-1": "3.00",
        "Change": "+0.50",
        "95% interval": "+0.10 to +0.90",
        "Real change": "Yes, up",
    }


def test_the_profile_shows_the_trend_and_the_tested_change_near_the_top():
    at = open_page("views/pages/area_profile.py", MANAGER, area="FEN")
    figs = charts(at)
    assert {"trend_pillars", "trend_pairs", "change_chart"} <= set(figs)
    assert len(figs["trend_pillars"]["data"]) == 5
    order = headers(at)
    assert order.index("Across waves") < order.index("Pillars")
    assert order.index("Change since wave 2025-1") < order.index("Trust between sectors")
    pillars = table(at, "Change in pillars")
    assert set(pillars["Real change"]) == {"Yes, up"}

    at = open_page("views/pages/area_profile.py", MANAGER, area="GRY")
    pairs = table(at, "Change in sector pairs (mutual trust)")
    assert len(pairs) >= 5 and set(pairs["Real change"]) == {"No (within chance)"}

    at = open_page("views/pages/area_profile.py", MANAGER, area="ASH")
    assert "Across waves" not in headers(at) and "trend_pillars" not in charts(at)
