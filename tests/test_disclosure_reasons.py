"""A verdict reason never quotes a trust cell that disclosure control hides."""

import pandas as pd

from analysis.verdict import Reason
from survey.access import _hide_pair

SECTORS = ["police", "mental_health", "acute_health"]


def _shown(hidden: list[tuple[str, str]]) -> pd.DataFrame:
    shown = pd.DataFrame(True, index=SECTORS, columns=SECTORS)
    for a, b in hidden:
        shown.loc[a, b] = False
    return shown


REASON = Reason(
    "Mutual trust between Police and Mental health is 2.31 (95% interval 2.10–2.52, 6 and 7 "
    "raters), below 2.75: the verdict can be no better than Not yet ready.",
    "gate",
    "police~mental_health",
    2.31,
    2.10,
    2.52,
    6,
    "not_yet_ready",
)


def test_a_reason_about_shown_cells_keeps_its_figures():
    assert _hide_pair(REASON, _shown([])) is REASON


def test_a_reason_about_a_hidden_cell_keeps_the_cap_but_loses_the_numbers():
    hidden = _hide_pair(REASON, _shown([("mental_health", "police")]))
    assert hidden.caps == "not_yet_ready" and hidden.subject == REASON.subject
    assert hidden.text.startswith("Mutual trust between Police and Mental health")
    assert "2.31" not in hidden.text and "raters" not in hidden.text
    assert hidden.value is None and hidden.n is None
    assert "too small to show" in hidden.text


def test_asymmetry_reasons_and_other_reasons():
    one_sided = Reason(
        "Trust is one-sided: Police trust Mental health at 4.54 (n = 27) but Mental health "
        "trust Police at only 2.83 (n = 3)...",
        "gate",
        "police>mental_health",
        0.85,
        caps="ready_with_conditions",
    )
    hidden = _hide_pair(one_sided, _shown([("mental_health", "police")]))
    assert "4.54" not in hidden.text and "2.83" not in hidden.text
    assert hidden.text.startswith("Trust between two sectors is one-sided")
    scale = Reason("Presumption against sharing scores 2.11 ...", "gate", "presumption", 2.11)
    assert _hide_pair(scale, _shown([("police", "mental_health")])) is scale


def test_a_workshop_rate_from_too_few_participants_loses_its_figures():
    from survey.access import _hide_rate

    rate = Reason(
        "In the workshop scenarios, participants refused sharing that the law allows in 75% "
        "(95% interval 41%–93%, n = 8) of decisions, above 40%: ...",
        "gate",
        "over_caution",
        0.75,
        0.41,
        0.93,
        8,
        "ready_with_conditions",
    )
    hidden = _hide_rate(rate)
    assert "75%" not in hidden.text and hidden.value is None
    assert hidden.caps == "ready_with_conditions"
    assert _hide_rate(REASON) is REASON
