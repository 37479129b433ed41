"""A verdict reason never quotes a trust cell that disclosure control hides, and never the
rates of a workshop too small to show; what it is about is data on the reason (its cells
and group), never read from its wording."""

import pandas as pd

from analysis.disclosure import WORKSHOP, disclose_reason
from analysis.verdict import Reason

SECTORS = ["police", "mental_health", "acute_health"]


def _shown(hidden: list[tuple[str, str]]) -> pd.DataFrame:
    shown = pd.DataFrame(True, index=SECTORS, columns=SECTORS)
    for a, b in hidden:
        shown.loc[a, b] = False
    return shown


def _hide_pair(reason: Reason, shown: pd.DataFrame) -> Reason:
    return disclose_reason(reason, shown)


def _hide_rate(reason: Reason) -> Reason:
    return disclose_reason(reason, _shown([]), {WORKSHOP})


PAIR = (("police", "mental_health"), ("mental_health", "police"))
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
    cells=PAIR,
    plain="Mutual trust between Police and Mental health is at a critical level; the figures "
    "are hidden because a group is too small to show. This caps the verdict.",
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
        cells=PAIR,
        plain="Trust between two sectors is one-sided to a critical degree; the figures are "
        "hidden because a group is too small to show. This caps the verdict.",
    )
    hidden = _hide_pair(one_sided, _shown([("mental_health", "police")]))
    assert "4.54" not in hidden.text and "2.83" not in hidden.text
    assert hidden.text.startswith("Trust between two sectors is one-sided")
    scale = Reason("Presumption against sharing scores 2.11 ...", "gate", "presumption", 2.11)
    assert _hide_pair(scale, _shown([("police", "mental_health")])) is scale


def test_a_workshop_rate_from_too_few_participants_loses_its_figures():
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
        group=WORKSHOP,
        plain="In the workshop scenarios, participants held back often enough to cap the "
        "verdict; the figures are hidden because fewer than the minimum number of people "
        "took part.",
    )
    hidden = _hide_rate(rate)
    assert "75%" not in hidden.text and hidden.value is None
    assert hidden.caps == "ready_with_conditions"
    assert _hide_rate(REASON) is REASON


def test_the_wording_of_a_reason_plays_no_part():
    """A reason whose text looks like a pair reason but quotes no cells is left alone, and a
    reason quoting a hidden cell is hidden whatever its wording."""
    looks_like_a_pair = Reason("Mutual trust between A and B is 2.0", "gate", "a~b", 2.0)
    assert _hide_pair(looks_like_a_pair, _shown([("police", "mental_health")])) is (
        looks_like_a_pair
    )
    odd = Reason("Something else entirely: 3.1", "gate", "x", 3.1, cells=PAIR, plain="Hidden.")
    assert _hide_pair(odd, _shown([("police", "mental_health")])).text == "Hidden."
