"""Tests for analysis.scoring: reverse-keying, the missing-data rule, knowledge and trust
scores and pillars, checked against numbers worked out by hand on a tiny instrument."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.scoring import (
    ScaleSpec,
    ScoringModel,
    reverse_key,
    scale_scores,
    score,
    scoring_model,
    trust_pillar,
    trust_scores,
)
from instruments.schema import SurveyInstrument

NAN = np.nan
SECTORS = ["police", "health", "care"]


@pytest.fixture(scope="module")
def tiny() -> SurveyInstrument:
    """Three pillars; `lead` has 4 items (lead_3 reversed, rule 0.5: 2 answers needed),
    `safe` 2 items (safe_2 reversed, rule 1.0: both needed), `know` 4 true/false statements
    keyed T, F, T, F (rule 0.5), `legal` 2 items (rule 0.5: 1 needed) and a trust block with
    3 facets (rule 0.5: ceil(1.5) = 2 facets needed)."""
    item = {"response": "agree5", "text": "x"}
    return SurveyInstrument.model_validate(
        {
            "key": "tiny",
            "version": "1.0.0",
            "kind": "survey",
            "title": "Tiny",
            "description": "A hand-checkable survey.",
            "id_columns": ["respondent_id"],
            "profile": [{"id": "respondent_id", "type": "id", "text": "Code"}],
            "response_scales": {
                "agree5": {"type": "likert", "points": 5},
                "tf": {"type": "true_false"},
            },
            "pillars": [
                {"id": "culture", "title": "Culture"},
                {"id": "governance", "title": "Governance"},
                {"id": "trust", "title": "Trust"},
            ],
            "scales": [
                {"id": "lead", "pillar": "culture", "title": "Leadership", "min_answered": 0.5},
                {"id": "safe", "pillar": "culture", "title": "Safety", "min_answered": 1.0},
                {"id": "know", "pillar": "governance", "title": "Knowledge", "kind": "knowledge"},
                {"id": "legal", "pillar": "governance", "title": "Legal confidence"},
                {"id": "trust", "pillar": "trust", "title": "Trust", "kind": "trust"},
            ],
            "items": [
                {"id": "lead_1", "scale": "lead", **item},
                {"id": "lead_2", "scale": "lead", **item},
                {"id": "lead_3", "scale": "lead", "reverse": True, **item},
                {"id": "lead_4", "scale": "lead", **item},
                {"id": "safe_1", "scale": "safe", **item},
                {"id": "safe_2", "scale": "safe", "reverse": True, **item},
                {"id": "know_1", "scale": "know", "response": "tf", "keyed": True, "text": "x"},
                {"id": "know_2", "scale": "know", "response": "tf", "keyed": False, "text": "x"},
                {"id": "know_3", "scale": "know", "response": "tf", "keyed": True, "text": "x"},
                {"id": "know_4", "scale": "know", "response": "tf", "keyed": False, "text": "x"},
                {"id": "legal_1", "scale": "legal", **item},
                {"id": "legal_2", "scale": "legal", **item},
            ],
            "trust": {
                "scale": "trust",
                "response": "agree5",
                "min_answered": 0.5,
                "facets": [
                    {"id": "ability", "text": "x"},
                    {"id": "integrity", "text": "x"},
                    {"id": "willingness", "text": "x"},
                ],
            },
        }
    )


@pytest.fixture(scope="module")
def model(tiny: SurveyInstrument) -> ScoringModel:
    return scoring_model(tiny, SECTORS)


def _trust(sector_values: dict[str, tuple[float, float, float]]) -> dict[str, float]:
    facets = ("ability", "integrity", "willingness")
    return {
        f"trust_{s}_{f}": v
        for s, vals in sector_values.items()
        for f, v in zip(facets, vals, strict=True)
    }


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """Four respondents (true = 1.0, false = 0.0 as the store keeps them)."""
    rows = [
        {
            "sector": "police",
            **dict(lead_1=4, lead_2=5, lead_3=2, lead_4=3, safe_1=3, safe_2=1),
            **dict(know_1=1, know_2=0, know_3=0, know_4=0, legal_1=2, legal_2=3),
            **_trust({"police": (5, 5, 5), "health": (2, 3, 4), "care": (4, NAN, NAN)}),
        },
        {
            "sector": "health",
            **dict(lead_1=2, lead_2=NAN, lead_3=5, lead_4=NAN, safe_1=2, safe_2=NAN),
            **dict(know_1=0, know_2=1, know_3=NAN, know_4=NAN, legal_1=NAN, legal_2=4),
            **_trust({"police": (1, 2, NAN), "health": (4, 4, 4), "care": (3, 3, 3)}),
        },
        {
            "sector": "care",
            **dict(lead_1=5, lead_2=NAN, lead_3=NAN, lead_4=NAN, safe_1=1, safe_2=5),
            **dict(know_1=1, know_2=NAN, know_3=NAN, know_4=NAN, legal_1=NAN, legal_2=NAN),
            **_trust({"police": (NAN, NAN, NAN), "health": (5, 4, NAN), "care": (2, 2, 2)}),
        },
        {
            "sector": "police",
            **dict(lead_1=NAN, lead_2=3, lead_3=1, lead_4=5, safe_1=5, safe_2=2),
            **dict(know_1=NAN, know_2=NAN, know_3=NAN, know_4=NAN, legal_1=5, legal_2=5),
            **_trust({"police": (4, 4, 4), "health": (1, 1, 1), "care": (5, 4, 3)}),
        },
    ]
    return pd.DataFrame(rows, index=["r1", "r2", "r3", "r4"])


# --- reverse-keying -------------------------------------------------------------------------


def test_reverse_key_on_a_five_and_a_seven_point_scale():
    # x' = points + 1 - x; missing stays missing.
    got = reverse_key(np.array([1.0, 2.0, 3.0, 4.0, 5.0, NAN]), 5)
    np.testing.assert_array_equal(got, [5.0, 4.0, 3.0, 2.0, 1.0, NAN])
    np.testing.assert_array_equal(reverse_key(np.array([1.0, 2.0, 7.0]), 7), [7.0, 6.0, 1.0])


@settings(max_examples=30, deadline=None)
@given(
    points=st.integers(min_value=2, max_value=11),
    data=st.data(),
)
def test_reverse_keying_twice_is_the_identity(points, data):
    values = data.draw(
        st.lists(
            st.one_of(st.integers(1, points).map(float), st.just(NAN)), min_size=1, max_size=20
        )
    )
    x = np.array(values)
    once = reverse_key(x, points)
    np.testing.assert_array_equal(reverse_key(once, points), x)
    answered = ~np.isnan(x)
    # Reversed answers stay on the scale and swap ends.
    assert ((once[answered] >= 1) & (once[answered] <= points)).all()


# --- the model built from the instrument ----------------------------------------------------


def test_scoring_model_reads_reverse_keys_points_and_rules_from_the_instrument(model):
    lead = model.scale("lead")
    assert lead.items == ("lead_1", "lead_2", "lead_3", "lead_4")
    assert lead.reverse == (False, False, True, False)
    assert (lead.points, lead.min_answered) == (5, 0.5)
    know = model.scale("know")
    assert know.kind == "knowledge" and know.keyed == (True, False, True, False)
    assert model.scale("safe").min_answered == 1.0
    assert model.trust is not None
    assert model.trust.items[:3] == [
        "trust_police_ability",
        "trust_police_integrity",
        "trust_police_willingness",
    ]
    assert len(model.trust.items) == 9
    # The trust scale is scored through the trust block, never as an item scale.
    assert [s.id for s in model.scales] == ["lead", "safe", "know", "legal"]


# --- scale scores: golden numbers by hand ---------------------------------------------------


def test_likert_scale_scores_with_reverse_keys_and_the_missing_data_rule(model, frame):
    got = scale_scores(frame, model)
    # lead (4 items, rule 0.5 → at least ceil(0.5 * 4) = 2 answered), lead_3' = 6 - lead_3:
    #   r1: 4, 5, 6-2=4, 3        → 16/4 = 4.0
    #   r2: 2, -, 6-5=1, -        → 3/2  = 1.5   (2 answered: scored)
    #   r3: 5, -, -, -            → NaN          (1 answered: too few)
    #   r4: -, 3, 6-1=5, 5        → 13/3 = 4.3333
    np.testing.assert_allclose(got["lead"], [4.0, 1.5, NAN, 13 / 3])
    # safe (2 items, rule 1.0 → both needed), safe_2' = 6 - safe_2:
    #   r1: 3, 6-1=5 → 4.0;  r2: 2, - → NaN;  r3: 1, 6-5=1 → 1.0;  r4: 5, 6-2=4 → 4.5
    np.testing.assert_allclose(got["safe"], [4.0, NAN, 1.0, 4.5])
    # legal (2 items, rule 0.5 → 1 needed): r1 2.5, r2 4.0, r3 NaN, r4 5.0
    np.testing.assert_allclose(got["legal"], [2.5, 4.0, NAN, 5.0])
    assert list(got.index) == ["r1", "r2", "r3", "r4"]


def test_knowledge_score_is_the_share_correct_under_the_keys(model, frame):
    got = scale_scores(frame, model)["know"]
    # keys T, F, T, F (true = 1, false = 0); rule 0.5 → 2 of 4 answered needed:
    #   r1: 1 ✓, 0 ✓, 0 ✗, 0 ✓ → 3/4 = 0.75
    #   r2: 0 ✗, 1 ✗, -, -     → 0/2 = 0.0
    #   r3: 1 ✓, -, -, -       → NaN (1 answered)
    #   r4: nothing answered   → NaN
    np.testing.assert_allclose(got, [0.75, 0.0, NAN, NAN])


def test_a_rule_share_that_is_inexact_in_floating_point_is_not_rounded_up():
    # 0.3 * 10 = 3.0000000000000004 in floating point: 3 answered of 10 must be enough.
    items = tuple(f"i{k}" for k in range(10))
    spec = ScaleSpec("s", "p", "likert", items, (False,) * 10, (None,) * 10, 5, 0.3)
    model = ScoringModel((spec,), ("p",), {"p": "P"}, {"s": "S"}, None)
    frame = pd.DataFrame([[1.0, 2.0, 3.0] + [NAN] * 7, [1.0, 2.0] + [NAN] * 8], columns=list(items))
    got = scale_scores(frame, model)["s"]
    np.testing.assert_allclose(got, [2.0, NAN])


def test_item_columns_absent_from_the_frame_count_as_unanswered(model, frame):
    # Without lead_3 and lead_4, r4 keeps only lead_2 = 3: one answer of four, too few.
    got = scale_scores(frame.drop(columns=["lead_3", "lead_4"]), model)["lead"]
    np.testing.assert_allclose(got, [4.5, NAN, NAN, NAN])  # r1: (4 + 5) / 2


# --- trust scores and pillars ---------------------------------------------------------------


def test_trust_facet_means_per_target_with_the_rule(model, frame):
    got = trust_scores(frame, model)
    # 3 facets, rule 0.5 → ceil(1.5) = 2 facets needed per target.
    expected = pd.DataFrame(
        [
            [5.0, 3.0, NAN],  # r1: care has 1 facet answered → NaN
            [1.5, 4.0, 3.0],  # r2: police (1 + 2) / 2
            [NAN, 4.5, 2.0],  # r3: police unanswered; health (5 + 4) / 2
            [4.0, 1.0, 4.0],  # r4: care (5 + 4 + 3) / 3
        ],
        index=frame.index,
        columns=SECTORS,
    )
    pd.testing.assert_frame_equal(got, expected)


def test_trust_pillar_leaves_out_the_raters_own_sector(model, frame):
    trust = trust_scores(frame, model)
    got = trust_pillar(trust, frame["sector"])
    # r1 (police): health 3, care NaN            → 3.0  (with own sector it would be 4.0)
    # r2 (health): police 1.5, care 3            → 2.25
    # r3 (care):   police NaN, health 4.5        → 4.5
    # r4 (police): health 1, care 4              → 2.5
    np.testing.assert_allclose(got, [3.0, 2.25, 4.5, 2.5])


def test_a_respondent_who_rates_only_their_own_sector_has_no_trust_pillar(model):
    frame = pd.DataFrame([{"sector": "care", **_trust({"care": (4, 4, 4)})}])
    trust = trust_scores(frame, model)
    assert trust.loc[0, "care"] == 4.0
    assert np.isnan(trust_pillar(trust, frame["sector"]).iloc[0])


def test_pillars_are_means_of_likert_scales_with_knowledge_left_out(model, frame):
    got = score(frame, model).pillars
    assert list(got.columns) == ["culture", "governance", "trust"]
    # culture = mean(lead, safe) of what is scored:
    #   r1 (4 + 4)/2 = 4;  r2 lead 1.5 only;  r3 safe 1.0 only;  r4 (13/3 + 4.5)/2 = 53/12
    np.testing.assert_allclose(got["culture"], [4.0, 1.5, 1.0, 53 / 12])
    # governance = legal only; the knowledge share (0.75 for r1) would pull r1 to 1.625.
    np.testing.assert_allclose(got["governance"], [2.5, 4.0, NAN, 5.0])
    np.testing.assert_allclose(got["trust"], [3.0, 2.25, 4.5, 2.5])


def test_score_keeps_the_survey_frame_index(model, frame):
    shuffled = frame.loc[["r3", "r1", "r4", "r2"]]
    scores = score(shuffled, model)
    for part in (scores.scales, scores.trust, scores.pillars):
        assert list(part.index) == ["r3", "r1", "r4", "r2"]
    assert scores.scales.loc["r2", "lead"] == 1.5
    assert scores.pillars.loc["r4", "trust"] == 2.5
