"""Every pattern planted in the sample data (``sample_data/README.md``, "Planted
patterns") gives the verdict and the reasons the README promises.

The sample data are loaded once, through the public import path, into a fresh SQLite
store, and profiled with the shipped instruments and readiness rules. Measured numbers
are quoted in the README to two decimals, so they are compared to within 0.006."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.readiness import Profile
from analysis.verdict import Reason
from app.evidence import load_sample_data
from app.profiles import load_profiles
from instruments.catalogue import default_catalogue
from survey.ingest.sample import SAMPLE_DIR
from survey.store.engine import open_store

TWO_DP = 0.006  # the README quotes measured numbers to two decimals
PILLARS = ["culture", "governance", "trust", "technology", "change_readiness"]


@pytest.fixture(scope="module")
def profiles(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Profile]:
    for name in ("manifest.csv", "README.md"):
        if not (SAMPLE_DIR / name).exists():
            pytest.fail(f"sample_data/{name} is missing: run python sample_data/generate.py")
    folder: Path = tmp_path_factory.mktemp("sample")
    engine = open_store(f"sqlite:///{folder}/sample.db")
    try:
        load_sample_data(engine)
        found = load_profiles(engine, default_catalogue())
    finally:
        engine.dispose()
    return {(p.area, p.wave): p for p in found}


def gates(p: Profile) -> list[Reason]:
    return [r for r in p.verdict.reasons if r.kind == "gate"]


def pillar_reasons(p: Profile) -> dict[str, Reason]:
    return {r.subject: r for r in p.verdict.reasons if r.kind == "pillar"}


def bands(p: Profile) -> list[str]:
    return list(p.pillars.loc[PILLARS, "band"])


def assert_quotes_its_numbers(r: Reason, pct: bool = False) -> None:
    """A reason quotes its value, its 95% interval (around the value) and n."""
    assert r.value is not None and r.low is not None and r.high is not None and r.n
    assert r.low <= r.value <= r.high
    show = (lambda x: f"{x:.0%}") if pct else (lambda x: f"{x:.2f}")
    assert show(r.value) in r.text
    assert f"95% interval {show(r.low)}–{show(r.high)}" in r.text


EXPECTED = {
    ("ASH", "2025-1"): "ready",
    ("BRK", "2025-1"): "not_yet_ready",
    ("CLD", "2025-1"): "ready_with_conditions",
    ("DUN", "2025-1"): "insufficient_evidence",
    ("ELM", "2025-1"): "ready_with_conditions",
    ("FEN", "2025-1"): "not_yet_ready",
    ("FEN", "2026-1"): "ready",
    ("GRY", "2025-1"): "ready_with_conditions",
    ("GRY", "2026-1"): "ready_with_conditions",
    ("HRB", "2025-1"): "ready_with_conditions",
    ("KES", "2025-1"): "not_yet_ready",
    ("LRK", "2025-1"): "not_yet_ready",
    ("MRL", "2025-1"): "ready_with_conditions",
    ("WRN", "2026-1"): "ready_with_conditions",
}


def test_every_area_wave_of_the_readme_is_profiled(profiles):
    assert sorted(profiles) == sorted(EXPECTED)


@pytest.mark.parametrize(("key", "verdict"), list(EXPECTED.items()), ids="-".join)
def test_verdict_of_every_area_wave(profiles, key, verdict):
    assert profiles[key].verdict.id == verdict


def test_ashvale_is_ready_on_every_pillar_with_no_gate(profiles):
    p = profiles["ASH", "2025-1"]
    assert bands(p) == ["strength"] * 5
    np.testing.assert_allclose(
        p.pillars.loc[PILLARS, "estimate"], [4.35, 4.35, 4.37, 4.30, 4.50], atol=TWO_DP
    )
    assert not gates(p)
    assert [r.kind for r in p.verdict.reasons] == ["strength"]


def test_brookfield_distrust_between_acute_health_and_adult_social_care(profiles):
    p = profiles["BRK", "2025-1"]
    # key_sector_distrust caps at Not yet ready; key_sector_wariness trips on the same pair
    # but adds no second reason for it.
    (r,) = gates(p)
    assert r.caps == "not_yet_ready"
    assert "acute_health" in r.subject and "adult_social_care" in r.subject
    assert "Acute health" in r.text and "Adult social care" in r.text
    assert r.value == pytest.approx(2.24, abs=TWO_DP)
    assert r.n == 20 and "21 and 20 raters" in r.text and "below 2.75" in r.text
    assert_quotes_its_numbers(r)
    # The weak pair is the weakest link, and the next key pair is far above it.
    first = p.pairs.iloc[0]
    assert {first["a"], first["b"]} == {"acute_health", "adult_social_care"}
    key = p.pairs[p.pairs["a"].isin(p.coverage.index[p.coverage["key"]])]
    key = key[key["b"].isin(p.coverage.index[p.coverage["key"]])]
    assert key["mutual"].iloc[1] == pytest.approx(3.74, abs=TWO_DP)


def test_caldermoor_fear_of_the_law_shows_as_over_caution(profiles):
    p = profiles["CLD", "2025-1"]
    (r,) = gates(p)
    assert r.subject == "over_caution" and r.caps == "ready_with_conditions"
    assert r.value == pytest.approx(0.73, abs=TWO_DP) and r.n == 94
    assert "refused sharing that the law allows" in r.text and "above 40%" in r.text
    assert_quotes_its_numbers(r, pct=True)
    # Governance is the one concern pillar; presumption (2.78) stays above its 2.5 gate.
    assert bands(p).count("concern") == 1 and p.pillars.loc["governance", "band"] == "concern"
    assert pillar_reasons(p)["governance"].value == pytest.approx(2.61, abs=TWO_DP)
    scales = p.scales["estimate"]
    assert scales["fear_of_sanction"] == pytest.approx(2.22, abs=TWO_DP)
    assert scales["legal_confidence"] == pytest.approx(2.62, abs=TWO_DP)
    assert scales["presumption"] == pytest.approx(2.78, abs=TWO_DP)
    assert scales["knowledge"] == pytest.approx(0.51, abs=TWO_DP)


def test_dunholme_has_too_few_sectors_for_a_verdict(profiles):
    p = profiles["DUN", "2025-1"]
    assert p.respondents == 40
    by = {r.subject: r for r in p.verdict.reasons}
    assert set(by) == {"sectors", "key_sectors"}  # 40 respondents are enough on their own
    assert all(r.kind == "evidence" for r in p.verdict.reasons)
    assert by["sectors"].value == 3 and "at least 4" in by["sectors"].text
    key = by["key_sectors"]
    assert key.value == 2 and "at least 3" in key.text
    assert "(Police, Local authority)" in key.text
    missing = key.text.split("Missing:")[1]
    for name in ("Acute health", "Mental health", "Adult social care", "Children's social care"):
        assert name in missing
    assert p.coverage.loc[["police", "local_authority", "voluntary"], "n"].tolist() == [16, 14, 10]


def test_elmstead_police_trust_mental_health_far_more_than_the_reverse(profiles):
    p = profiles["ELM", "2025-1"]
    (r,) = gates(p)
    assert r.subject == "police>mental_health"  # the trusting side first
    assert r.caps == "ready_with_conditions"
    assert r.value == pytest.approx(0.85, abs=TWO_DP)
    assert "Police trust Mental health at 4.54 (n = 27)" in r.text
    assert "Mental health trust Police at only 2.83 (n = 27)" in r.text
    assert "above 0.60" in r.text
    assert r.low is not None and r.low > 0.6  # the whole interval is past the gate
    assert p.trust.mean.loc["police", "mental_health"] == pytest.approx(4.54, abs=TWO_DP)
    assert p.trust.mean.loc["mental_health", "police"] == pytest.approx(2.83, abs=TWO_DP)
    assert bands(p) == ["strength"] * 5


def test_fenwick_vale_before_engagement(profiles):
    p = profiles["FEN", "2025-1"]
    assert set(pillar_reasons(p)) == set(PILLARS)
    assert p.pillars.loc["culture", "band"] == "concern"
    assert p.pillars.loc["trust", "band"] == "concern"
    distrust = next(r for r in gates(p) if r.caps == "not_yet_ready")
    assert distrust.subject == "childrens_social_care~police"
    assert distrust.value == pytest.approx(2.23, abs=TWO_DP)
    assert "Children's social care" in distrust.text and "Police" in distrust.text


def test_fenwick_vale_improves_after_engagement(profiles):
    p = profiles["FEN", "2026-1"]
    assert bands(p) == ["strength"] * 5 and not gates(p)
    change = p.change
    assert change is not None, "the second wave reports change since the first"
    pillars = change[change["kind"] == "pillar"]
    assert set(pillars.index) == set(PILLARS)
    assert (pillars["previous_wave"] == "2025-1").all()
    assert (pillars["difference"] >= 1.0 - TWO_DP).all()
    assert (pillars["low"] > 0).all(), "every pillar's change should exclude 0"
    assert (pillars["low"] <= pillars["difference"]).all()
    assert (pillars["difference"] <= pillars["high"]).all()
    culture, trust = pillars.loc["culture"], pillars.loc["trust"]
    assert culture["difference"] == pytest.approx(1.59, abs=TWO_DP)
    assert (culture["low"], culture["high"]) == pytest.approx((1.52, 1.67), abs=TWO_DP)
    assert trust["difference"] == pytest.approx(1.50, abs=TWO_DP)
    # (the interval of the expanded bootstrap over the whole area, issue 14)
    assert (trust["low"], trust["high"]) == pytest.approx((1.41, 1.59), abs=TWO_DP)


def test_greyhaven_is_borderline_and_stable(profiles):
    for wave in ("2025-1", "2026-1"):
        p = profiles["GRY", wave]
        assert bands(p) == ["borderline"] * 5 and not gates(p)
    change = profiles["GRY", "2026-1"].change
    assert change is not None, "the second wave reports change since the first"
    pillars = change[change["kind"] == "pillar"]
    assert (pillars["difference"].abs() <= 0.06 + TWO_DP).all()
    assert ((pillars["low"] < 0) & (pillars["high"] > 0)).all(), "no change should be shown"


def test_harrowby_technology_concern_and_interviews_disagree(profiles):
    p = profiles["HRB", "2025-1"]
    assert [pid for pid, b in zip(PILLARS, bands(p), strict=True) if b == "concern"] == [
        "technology"
    ]
    assert pillar_reasons(p)["technology"].value == pytest.approx(2.55, abs=TWO_DP)
    assert not gates(p)
    tri = p.triangulation
    assert tri.index[tri["disagree"]].tolist() == ["technology"]
    row = tri.loc["technology"]
    assert row["survey"] == pytest.approx(2.60, abs=TWO_DP)
    assert row["interview"] == pytest.approx(4.50, abs=TWO_DP)
    assert row["difference"] == pytest.approx(1.90, abs=TWO_DP)
    others = tri.drop(index="technology")["difference"].dropna()
    assert (others.abs() <= 0.5 + TWO_DP).all()


def test_kestrelford_has_two_concern_pillars(profiles):
    p = profiles["KES", "2025-1"]
    concern = [pid for pid, b in zip(PILLARS, bands(p), strict=True) if b == "concern"]
    assert concern == ["technology", "change_readiness"]
    reasons = pillar_reasons(p)
    assert reasons["technology"].value == pytest.approx(2.48, abs=TWO_DP)
    assert reasons["change_readiness"].value == pytest.approx(2.64, abs=TWO_DP)
    assert "concern band" in reasons["technology"].text
    assert not gates(p)


def test_larkmere_presumption_against_sharing_caps_the_verdict(profiles):
    p = profiles["LRK", "2025-1"]
    (r,) = gates(p)
    assert r.subject == "presumption" and r.caps == "not_yet_ready"
    assert r.value == pytest.approx(2.11, abs=TWO_DP) and r.n == 130
    assert "Presumption against sharing" in r.text and "below 2.50" in r.text
    assert_quotes_its_numbers(r)
    assert p.pillars.loc["governance", "band"] == "borderline"
    assert "concern" not in bands(p)  # the gate, not the pillars, makes it Not yet ready


def test_marlowe_cross_over_sharing_stays_below_its_gate(profiles):
    p = profiles["MRL", "2025-1"]
    assert bands(p) == ["borderline"] * 5 and not gates(p)
    calib = p.calibration.iloc[0]
    assert calib["over_sharing"] == pytest.approx(0.11, abs=TWO_DP)
    assert calib["unlawful_n"] == 28


def test_wrenhallow_wariness_between_police_and_adult_social_care(profiles):
    p = profiles["WRN", "2026-1"]
    (r,) = gates(p)
    assert r.caps == "ready_with_conditions" and "below 3.25" in r.text
    assert "police" in r.subject and "adult_social_care" in r.subject
    assert "Police" in r.text and "Adult social care" in r.text
    assert r.value == pytest.approx(2.99, abs=TWO_DP)
    assert_quotes_its_numbers(r)
    assert bands(p) == ["strength"] * 5


def test_calibration_and_asymmetry_elsewhere_stay_inside_the_gates(profiles):
    for key, p in profiles.items():
        calib = p.calibration.iloc[0]
        if key[0] != "CLD":
            assert 0.05 - TWO_DP <= calib["over_caution"] <= 0.27 + TWO_DP, key
            assert calib["over_sharing"] <= 0.12 + TWO_DP, key
        if key[0] != "ELM":
            assert p.pairs["asymmetry"].abs().max() <= 0.27 + TWO_DP, key
