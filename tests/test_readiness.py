"""Tests for the readiness profile and verdict (analysis.readiness, analysis.verdict,
analysis.gates, analysis.coverage): golden profiles from answers with known scores,
minimum evidence, critical gates, properties of the profile, and rules as data."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.readiness import Context, Profile, build_profile, context_from_catalogue
from analysis.verdict import GateResult, Reason, decide, from_pillars
from instruments.catalogue import DEFAULT_DIR, default_catalogue, load_catalogue

KEY = ["acute_health", "mental_health", "adult_social_care", "childrens_social_care", "police"]
KEY += ["local_authority"]
EIGHT = [*KEY, "primary_care", "voluntary"]  # 6 key sectors and 2 others


def _fast(ctx: Context, resamples: int = 200) -> Context:
    """The same context with fewer bootstrap resamples, so tests run in seconds."""
    interval = ctx.rules.interval.model_copy(update={"resamples": resamples})
    return dataclasses.replace(ctx, rules=ctx.rules.model_copy(update={"interval": interval}))


@pytest.fixture(scope="module")
def ctx() -> Context:
    return _fast(context_from_catalogue(default_catalogue()))


def make_survey(
    ctx: Context,
    sizes: dict[str, int],
    *,
    level: float = 4.0,
    scales: dict[str, float] | None = None,
    trust: float = 4.0,
    cells: dict[tuple[str, str], float] | None = None,
    knowledge: float = 1.0,
    noise: float = 0.0,
    missing: float = 0.0,
    seed: int = 0,
) -> pd.DataFrame:
    """A survey frame as :func:`survey.store.readers.survey_frame` gives it.

    Every Likert answer, once reverse-keyed, is a whole number whose expected value is
    ``level`` (or ``scales[scale]``) plus noise; trust facets likewise around
    ``cells[(rater, target)]`` or ``trust``; each knowledge statement is answered correctly
    with chance ``knowledge``. Reverse-keyed items are written as ``6 - answer``."""
    rng = np.random.default_rng(seed)
    sector = np.repeat(list(sizes), list(sizes.values()))
    n = len(sector)
    out: dict[str, np.ndarray] = {}

    def answers(centre: np.ndarray) -> np.ndarray:
        # Whole-number answers whose expected value is the centre (before clipping).
        c = centre + (rng.normal(0.0, noise, size=centre.shape) if noise else 0.0)
        whole = np.floor(c)
        return np.clip(whole + (rng.random(c.shape) < c - whole), 1, 5).astype(float)

    for spec in ctx.model.scales:
        for item, reverse, keyed in zip(spec.items, spec.reverse, spec.keyed, strict=True):
            if spec.kind == "knowledge":
                right = rng.random(n) < knowledge
                out[item] = np.where(right, float(keyed), float(not keyed))
                continue
            value = answers(np.full(n, (scales or {}).get(spec.id, level)))
            out[item] = 6.0 - value if reverse else value
    model_trust = ctx.model.trust
    assert model_trust is not None, "the staff survey asks the trust block"
    for target in model_trust.sectors:
        centre = np.array([(cells or {}).get((s, target), trust) for s in sector])
        for facet in model_trust.facets:
            out[model_trust.item(target, facet)] = answers(centre)
    frame = pd.DataFrame(out)
    if missing:
        frame = frame.mask(rng.random(frame.shape) < missing)
    frame.insert(0, "sector", sector)
    frame.insert(0, "response_id", np.arange(1, n + 1))
    frame.insert(0, "wave", "2026-1")
    frame.insert(0, "area", "TST")
    return frame


def profile(ctx: Context, frame: pd.DataFrame, **kw) -> Profile:
    return build_profile(frame, ctx, area="TST", wave="2026-1", **kw)


def reasons(p: Profile, kind: str | None = None) -> list[Reason]:
    return [r for r in p.verdict.reasons if kind is None or r.kind == kind]


# --- golden profiles ------------------------------------------------------------------------


def test_uniform_answers_of_four_give_a_ready_area_with_exact_scores(ctx):
    # 8 sectors x 5 staff; every (reverse-keyed) answer is 4 and every statement right, so
    # every scale and pillar is exactly 4.0 (knowledge 1.0) with a zero-width interval.
    p = profile(ctx, make_survey(ctx, dict.fromkeys(EIGHT, 5)))
    assert p.respondents == 40
    likert = p.scales[p.scales["kind"] == "likert"]
    np.testing.assert_allclose(likert["estimate"], 4.0)
    np.testing.assert_allclose(likert["low"], 4.0)
    np.testing.assert_allclose(likert["high"], 4.0)
    assert (likert["n"] == 40).all() and (likert["band"] == "strength").all()
    assert p.scales.loc["knowledge", "estimate"] == 1.0
    assert p.scales.loc["knowledge", "band"] == "strength"  # knowledge has bands of its own
    np.testing.assert_allclose(p.pillars["estimate"], 4.0)
    assert list(p.pillars["band"]) == ["strength"] * 5
    assert p.verdict.id == "ready" and p.verdict.label == "Ready"
    assert [r.kind for r in p.verdict.reasons] == ["strength"]
    assert "All 5 pillars" in p.verdict.reasons[0].text
    assert p.missing_key_sectors == []
    assert p.coverage.loc[EIGHT, "covered"].all()
    assert not p.coverage.loc[["dwp", "education"], "covered"].any()


def test_reverse_keyed_items_are_scored_before_scales_and_pillars(ctx):
    # All raw answers 2 on hierarchy (3 of its 4 items reversed: 6-2 = 4, 4, 2, 4 → 3.5)
    frame = make_survey(ctx, dict.fromkeys(EIGHT, 5))
    for item in ctx.model.scale("hierarchy").items:
        frame[item] = 2.0
    p = profile(ctx, frame)
    assert p.scales.loc["hierarchy", "estimate"] == pytest.approx(3.5)
    # culture = mean of 7 scales: six at 4 and hierarchy at 3.5 → 27.5 / 7
    assert p.pillars.loc["culture", "estimate"] == pytest.approx(27.5 / 7)


def test_trust_pillar_and_matrix_leave_out_own_sector_ratings(ctx):
    # Everyone trusts other sectors at 3 and their own at 5: the trust pillar is 3.0, the
    # diagonal is reported apart at 5.
    cells = {(s, s): 5.0 for s in EIGHT}
    p = profile(ctx, make_survey(ctx, dict.fromkeys(EIGHT, 5), trust=3.0, cells=cells))
    assert p.pillars.loc["trust", "estimate"] == pytest.approx(3.0)
    own = p.trust.own()
    np.testing.assert_allclose(own.loc[EIGHT, "mean"], 5.0)
    assert (own.loc[EIGHT, "n"] == 5).all()
    np.testing.assert_allclose(p.trust.trusting()[EIGHT], 3.0)
    # Sectors with no raters: the cell is hidden but the matrix still has the target column.
    assert p.trust.mean.loc["dwp"].isna().all()
    assert p.trust.mean.loc["police", "dwp"] == pytest.approx(3.0)


def test_profile_reasons_quote_value_interval_and_n(ctx):
    # Technology at 3.4 (borderline), everything else at 4.4: Ready, with one pillar reason.
    levels = {"systems_access": 3.4, "data_quality": 3.4, "mobile_working": 3.4}
    frame = make_survey(
        ctx, dict.fromkeys(EIGHT, 6), level=4.4, scales=levels, trust=4.4, noise=0.6
    )
    p = profile(ctx, frame)
    tech = p.pillars.loc["technology"]
    assert tech["band"] == "borderline"
    assert p.verdict.id == "ready"  # one borderline pillar is allowed
    (reason,) = reasons(p, "pillar")
    assert reason.subject == "technology"
    assert reason.value == pytest.approx(tech["estimate"])
    assert (reason.low, reason.high, reason.n) == (tech["low"], tech["high"], 48)
    assert f"{tech['estimate']:.2f}" in reason.text
    assert f"95% interval {tech['low']:.2f}–{tech['high']:.2f}" in reason.text
    assert "n = 48" in reason.text and "borderline band" in reason.text


def test_empty_survey_gives_insufficient_evidence_not_an_error(ctx):
    frame = make_survey(ctx, dict.fromkeys(EIGHT, 5)).iloc[0:0]
    p = profile(ctx, frame)
    assert p.respondents == 0
    assert p.verdict.id == "insufficient_evidence"
    assert {r.subject for r in p.verdict.reasons} == {"respondents", "sectors", "key_sectors"}
    assert p.pillars["estimate"].isna().all()


# --- minimum evidence -----------------------------------------------------------------------


def test_too_few_respondents(ctx):
    # 29 staff in 6 key sectors (5 each, one with 4): 5 covered sectors but 29 < 30.
    sizes = {**dict.fromkeys(KEY, 5), "local_authority": 4}
    p = profile(ctx, make_survey(ctx, sizes))
    assert p.verdict.id == "insufficient_evidence"
    assert p.verdict.label == "Insufficient evidence"
    (r,) = p.verdict.reasons
    assert r.subject == "respondents" and r.n == 29
    assert "Only 29 staff" in r.text and "at least 30" in r.text


def test_too_few_covered_and_key_sectors_are_named(ctx):
    # 40 staff but only police, primary care and voluntary reach 5: 3 sectors, 1 key sector;
    # 4 acute health staff do not cover it.
    sizes = {"police": 16, "primary_care": 10, "voluntary": 10, "acute_health": 4}
    p = profile(ctx, make_survey(ctx, sizes))
    assert p.verdict.id == "insufficient_evidence"
    by = {r.subject: r for r in p.verdict.reasons}
    assert set(by) == {"sectors", "key_sectors"}
    assert by["sectors"].value == 3.0
    assert by["key_sectors"].value == 1.0
    assert "(Police)" in by["key_sectors"].text
    assert "Acute health" in by["key_sectors"].text.split("Missing:")[1]
    assert "acute_health" in p.missing_key_sectors and "police" not in p.missing_key_sectors
    assert p.coverage.loc["acute_health", "n"] == 4
    assert not p.coverage.loc["acute_health", "covered"]


def test_insufficient_evidence_wins_over_strong_scores_and_gates(ctx):
    cells = {("police", "acute_health"): 1.0, ("acute_health", "police"): 1.0}
    p = profile(ctx, make_survey(ctx, {"police": 20, "acute_health": 20}, cells=cells))
    assert p.verdict.id == "insufficient_evidence"
    assert all(r.kind == "evidence" for r in p.verdict.reasons)


# --- critical gates -------------------------------------------------------------------------


def test_distrust_between_two_key_sectors_caps_an_otherwise_ready_area(ctx):
    cells = {("acute_health", "adult_social_care"): 2.0, ("adult_social_care", "acute_health"): 3.0}
    p = profile(ctx, make_survey(ctx, dict.fromkeys(EIGHT, 5), trust=4.5, cells=cells))
    assert p.pillars["band"].eq("strength").all()  # the average hides the weak pair...
    assert p.verdict.id == "not_yet_ready"  # ...the gate does not
    gate = [r for r in reasons(p, "gate") if r.caps == "not_yet_ready"]
    (r,) = gate
    assert r.subject == "acute_health~adult_social_care"
    assert r.value == pytest.approx(2.5)  # (2 + 3) / 2
    assert r.n == 5
    assert "Acute health" in r.text and "Adult social care" in r.text
    assert "2.50" in r.text and "5 and 5 raters" in r.text and "below 2.75" in r.text
    assert p.pairs.iloc[0][["a", "b"]].tolist() == ["acute_health", "adult_social_care"]


def test_wariness_between_key_sectors_gives_ready_with_conditions(ctx):
    cells = {("police", "mental_health"): 3.0, ("mental_health", "police"): 3.0}
    p = profile(ctx, make_survey(ctx, dict.fromkeys(EIGHT, 5), cells=cells))
    assert p.verdict.id == "ready_with_conditions"
    (r,) = reasons(p, "gate")
    assert r.subject == "mental_health~police"
    assert r.caps == "ready_with_conditions" and "below 3.25" in r.text


def test_a_weak_pair_with_a_non_key_sector_does_not_trip_the_key_pair_gate(ctx):
    cells = {("police", "voluntary"): 3.0, ("voluntary", "police"): 3.0}
    p = profile(ctx, make_survey(ctx, dict.fromkeys(EIGHT, 5), cells=cells))
    assert p.verdict.id == "ready"
    assert p.pairs.iloc[0][["a", "b"]].tolist() == ["police", "voluntary"]


def test_one_sided_trust_names_who_trusts_whom(ctx):
    # Police trust mental health at 5, mental health trust police at 3: A = 1.0.
    # Mutual trust (5 + 3)/2 = 4 stays above the wariness gate.
    cells = {("police", "mental_health"): 5.0, ("mental_health", "police"): 3.0}
    p = profile(ctx, make_survey(ctx, dict.fromkeys(EIGHT, 5), cells=cells))
    assert p.verdict.id == "ready_with_conditions"
    (r,) = reasons(p, "gate")
    assert r.subject == "police>mental_health"
    assert r.value == pytest.approx(1.0)
    assert r.low is not None and r.low <= 1.0 <= r.high
    assert "Police trust Mental health at 5.00 (n = 5)" in r.text
    assert "Mental health trust Police at only 3.00 (n = 5)" in r.text


def test_a_strong_presumption_against_sharing_caps_the_verdict(ctx):
    # presumption at 1: governance = (4 + 4 + 4 + 1)/4 = 3.25 (one borderline pillar, which
    # alone would still be Ready); the gate caps it at Not yet ready.
    frame = make_survey(ctx, dict.fromkeys(EIGHT, 5), scales={"presumption": 1.0})
    p = profile(ctx, frame)
    assert p.pillars.loc["governance", "estimate"] == pytest.approx(3.25)
    assert from_pillars(p.pillars, ctx.rules) == "ready"
    assert p.verdict.id == "not_yet_ready"
    (gate,) = reasons(p, "gate")
    assert gate.subject == "presumption" and gate.value == 1.0 and gate.n == 40
    assert "Presumption against sharing scores 1.00" in gate.text


def _decisions(frame: pd.DataFrame, ctx: Context, refuse: float, seed: int = 1) -> pd.DataFrame:
    """Every respondent answers every vignette: lawful ones refused with chance ``refuse``,
    unlawful ones never shared."""
    rng = np.random.default_rng(seed)
    rows = []
    for rid, sector in zip(frame["response_id"], frame["sector"], strict=True):
        for vignette, position in ctx.positions.items():
            lawful = position in {"share_required", "share_permitted"}
            decision = ("dont_share" if rng.random() < refuse else "share") if lawful else "unsure"
            rows.append((rid, sector, vignette, decision))
    return pd.DataFrame(rows, columns=["response_id", "sector", "vignette", "decision"])


def test_over_caution_in_the_workshop_caps_at_ready_with_conditions(ctx):
    frame = make_survey(ctx, dict.fromkeys(EIGHT, 5))
    decisions = _decisions(frame, ctx, refuse=0.6)
    p = profile(ctx, frame, decisions=decisions)
    calib = p.calibration.iloc[0]
    assert calib["lawful_n"] == 40 * 6  # 6 lawful vignettes
    assert calib["over_caution"] > 0.4
    assert calib["over_sharing"] == 0.0  # "unsure" is not sharing
    assert p.verdict.id == "ready_with_conditions"
    (r,) = reasons(p, "gate")
    assert r.subject == "over_caution" and r.n == 240
    assert f"{calib['over_caution']:.0%}" in r.text and "above 40%" in r.text
    assert p.workshop_participants == 40


def test_change_since_the_previous_wave(ctx):
    before = profile(ctx, make_survey(ctx, dict.fromkeys(EIGHT, 6), level=3.2, noise=0.5))
    after = build_profile(
        make_survey(ctx, dict.fromkeys(EIGHT, 6), level=4.2, noise=0.5, seed=9),
        ctx,
        area="TST",
        wave="2027-1",
        previous=before,
    )
    change = after.change
    assert change is not None, "a later wave reports change since the one before"
    row = change.loc["culture"]
    assert row["kind"] == "pillar" and row["previous_wave"] == "2026-1"
    assert row["difference"] == pytest.approx(row["current"] - row["previous"])
    assert row["previous"] == pytest.approx(before.pillars.loc["culture", "estimate"])
    assert row["low"] > 0.5 and row["low"] <= row["difference"] <= row["high"]


# --- decide(): the verdict table ------------------------------------------------------------


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        (["strength"] * 5, "ready"),
        (["strength"] * 4 + ["borderline"], "ready"),
        (["strength"] * 3 + ["borderline"] * 2, "ready_with_conditions"),
        (["strength"] * 4 + ["concern"], "ready_with_conditions"),
        (["borderline"] * 4 + ["concern"], "ready_with_conditions"),
        (["strength"] * 3 + ["concern"] * 2, "not_yet_ready"),
    ],
)
def test_verdict_from_pillar_bands(ctx, bands, expected):
    estimates = {"strength": 4.2, "borderline": 3.5, "concern": 2.5}
    pillars = pd.DataFrame(
        {
            "title": [f"P{i}" for i in range(len(bands))],
            "estimate": [estimates[b] for b in bands],
            "low": [estimates[b] - 0.1 for b in bands],
            "high": [estimates[b] + 0.1 for b in bands],
            "n": 50,
            "band": bands,
        },
        index=[f"p{i}" for i in range(len(bands))],
    )
    verdict = decide(rules=ctx.rules, evidence_reasons=[], pillars=pillars, gates=[])
    assert verdict.id == expected
    # Every pillar outside the strength band is a reason, worst first.
    pillar_reasons = [r for r in verdict.reasons if r.kind == "pillar"]
    assert len(pillar_reasons) == sum(b != "strength" for b in bands)
    values = [r.value for r in pillar_reasons]
    assert values == sorted(values)


def test_a_gate_never_raises_the_verdict(ctx):
    pillars = pd.DataFrame(
        {"title": ["A", "B"], "estimate": [2.0, 2.0], "low": 1.9, "high": 2.1, "n": 50},
        index=["a", "b"],
    ).assign(band="concern")
    gate = next(g for g in ctx.rules.gates if g.cap == "ready_with_conditions")
    tripped = GateResult(gate, True, Reason("gate", "gate", "x", 1.0, caps=gate.cap))
    verdict = decide(rules=ctx.rules, evidence_reasons=[], pillars=pillars, gates=[tripped])
    assert verdict.id == "not_yet_ready"
    # Critical concerns are listed first.
    assert [r.kind for r in verdict.reasons] == ["gate", "pillar", "pillar"]


# --- properties -----------------------------------------------------------------------------

SIZES = st.dictionaries(
    st.sampled_from([*EIGHT, "dwp", "education"]), st.integers(1, 9), min_size=1, max_size=8
)


def _comparable(p: Profile) -> tuple:
    return (
        p.verdict.to_dict(),
        p.scales[["estimate", "low", "high", "n", "band"]],
        p.pillars[["estimate", "low", "high", "n", "band"]],
        p.pairs,
        p.trust.mean,
    )


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sizes=SIZES, seed=st.integers(0, 2**16), shuffle=st.integers(0, 2**16))
def test_profile_does_not_depend_on_row_order(ctx, sizes, seed, shuffle):
    frame = make_survey(ctx, sizes, noise=0.8, missing=0.1, level=3.6, trust=3.4, seed=seed)
    shuffled = frame.sample(frac=1.0, random_state=shuffle)
    a, b = _comparable(profile(ctx, frame)), _comparable(profile(ctx, shuffled))
    assert a[0] == b[0]
    for left, right in zip(a[1:], b[1:], strict=True):
        pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sizes=SIZES, seed=st.integers(0, 2**16), missing=st.sampled_from([0.0, 0.2, 0.6]))
def test_every_interval_contains_its_estimate(ctx, sizes, seed, missing):
    frame = make_survey(ctx, sizes, noise=1.0, missing=missing, level=3.3, seed=seed)
    p = profile(ctx, frame)
    for table in (p.scales, p.pillars):
        shown = table[table["n"] >= 2]
        assert (shown["low"] <= shown["estimate"] + 1e-9).all(), shown
        assert (shown["estimate"] <= shown["high"] + 1e-9).all(), shown
        assert (shown["low"] <= shown["high"]).all()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sizes=st.dictionaries(
        st.sampled_from([*EIGHT, "dwp", "education"]), st.integers(0, 8), max_size=10
    ),
    seed=st.integers(0, 2**16),
)
def test_an_area_below_minimum_evidence_is_never_ready(ctx, sizes, seed):
    # Strong answers everywhere, so only the evidence rules can stop a Ready.
    frame = make_survey(ctx, sizes, level=4.6, trust=4.6, seed=seed)
    p = profile(ctx, frame)
    me = ctx.rules.minimum_evidence
    covered = [s for s, k in sizes.items() if k >= me.respondents_per_sector]
    enough = (
        sum(sizes.values()) >= me.respondents
        and len(covered) >= me.covered_sectors
        and len([s for s in covered if s in KEY]) >= me.covered_key_sectors
    )
    if enough:
        assert p.verdict.id == "ready"
    else:
        assert p.verdict.id == "insufficient_evidence"
        assert p.verdict.reasons and all(r.kind == "evidence" for r in p.verdict.reasons)


# --- rules are data -------------------------------------------------------------------------


def _rules_folder(tmp_path: Path, edit) -> Path:
    """A copy of the instruments folder whose readiness_rules.yaml is changed by ``edit``."""
    folder = tmp_path / "instruments"
    shutil.copytree(DEFAULT_DIR, folder)
    path = folder / "readiness_rules.yaml"
    rules = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules["interval"]["resamples"] = 200
    edit(rules)
    path.write_text(yaml.safe_dump(rules, sort_keys=False), encoding="utf-8")
    return folder


def _gate(rules: dict, gate_id: str) -> dict:
    return next(g for g in rules["gates"] if g["id"] == gate_id)


def test_raising_a_gate_threshold_in_the_yaml_changes_the_verdict(ctx, tmp_path):
    # Mutual trust police~mental health = 3.0: under the shipped rules, wariness (< 3.25)
    # gives Ready with conditions; raise the distrust gate from 2.75 to 3.1 and the same
    # evidence is Not yet ready.
    cells = {("police", "mental_health"): 3.0, ("mental_health", "police"): 3.0}
    frame = make_survey(ctx, dict.fromkeys(EIGHT, 5), cells=cells)
    assert profile(ctx, frame).verdict.id == "ready_with_conditions"

    folder = _rules_folder(tmp_path, lambda r: _gate(r, "key_sector_distrust").update(below=3.1))
    changed = context_from_catalogue(load_catalogue(folder))
    p = profile(changed, frame)
    assert p.verdict.id == "not_yet_ready" and p.verdict.label == "Not yet ready"
    assert any("below 3.10" in r.text and r.caps == "not_yet_ready" for r in p.verdict.reasons)


def test_moving_the_strength_band_in_the_yaml_changes_the_verdict(ctx, tmp_path):
    frame = make_survey(ctx, dict.fromkeys(EIGHT, 5), level=3.75, trust=3.75)
    assert profile(ctx, frame).verdict.id == "ready_with_conditions"  # 5 borderline pillars

    def lower_strength(rules: dict) -> None:
        rules["bands"][0]["min"] = 3.7

    p = profile(
        context_from_catalogue(load_catalogue(_rules_folder(tmp_path, lower_strength))), frame
    )
    assert list(p.pillars["band"]) == ["strength"] * 5
    assert p.verdict.id == "ready"


def test_renaming_a_verdict_label_and_minimum_evidence_in_the_yaml(ctx, tmp_path):
    frame = make_survey(ctx, dict.fromkeys(EIGHT, 5))

    def stricter(rules: dict) -> None:
        rules["minimum_evidence"]["respondents"] = 41
        rules["insufficient_label"] = "Not enough evidence yet"

    p = profile(context_from_catalogue(load_catalogue(_rules_folder(tmp_path, stricter))), frame)
    assert p.verdict.id == "insufficient_evidence"
    assert p.verdict.label == "Not enough evidence yet"
    assert "at least 41" in p.verdict.reasons[0].text


def test_counting_unsure_as_caution_is_a_rule(ctx, tmp_path):
    # Half the lawful decisions are "unsure": 50% over-caution when unsure counts, 0% not.
    frame = make_survey(ctx, dict.fromkeys(EIGHT, 5))
    decisions = _decisions(frame, ctx, refuse=0.0)
    lawful = decisions["vignette"].map(ctx.positions).isin({"share_required", "share_permitted"})
    decisions.loc[lawful & (decisions["response_id"] % 2 == 0), "decision"] = "unsure"
    assert profile(ctx, frame, decisions=decisions).verdict.id == "ready_with_conditions"

    def lenient(rules: dict) -> None:
        rules["calibration"]["unsure_is_caution"] = False

    p = profile(
        context_from_catalogue(load_catalogue(_rules_folder(tmp_path, lenient))),
        frame,
        decisions=decisions,
    )
    assert p.calibration.iloc[0]["over_caution"] == 0.0
    assert p.verdict.id == "ready"
