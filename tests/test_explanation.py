"""The verdict explains itself: the rule that decided it, the conditions of a Ready with
conditions, the smallest route to the next level, and next steps from the rules' table.

One test per pattern planted in the sample data (``sample_data/README.md``), then the same
evidence under edited rules: a threshold changed in ``readiness_rules.yaml`` changes the
decided-by rule, the conditions and the route, with no code change."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from analysis.context import context_from_catalogue
from analysis.profiles import area_profiles
from analysis.readiness import Profile
from app.evidence import load_sample_data
from instruments.catalogue import DEFAULT_DIR, load_catalogue
from survey.store.engine import open_store
from survey.store.readers import Evidence, evidence


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    folder = tmp_path_factory.mktemp("sample")
    engine = open_store(f"sqlite:///{folder}/sample.db")
    try:
        load_sample_data(engine)
        return evidence(engine)
    finally:
        engine.dispose()


def profiles_under(
    ev: Evidence, tmp_path: Path | None = None, edit: Callable[[dict], Any] | None = None
) -> dict[tuple[str, str], Profile]:
    folder = DEFAULT_DIR
    if edit is not None:
        folder = tmp_path / "instruments"
        shutil.copytree(DEFAULT_DIR, folder, ignore=shutil.ignore_patterns("*.md"))
        path = folder / "readiness_rules.yaml"
        rules = yaml.safe_load(path.read_text(encoding="utf-8"))
        edit(rules)
        path.write_text(yaml.safe_dump(rules, sort_keys=False), encoding="utf-8")
    ctx = context_from_catalogue(load_catalogue(folder))
    found = area_profiles(
        ctx, ev.survey, ratings=ev.ratings, codes=ev.codes, decisions=ev.decisions, cards=ev.cards
    )
    return {(p.area, p.wave): p for p in found}


@pytest.fixture(scope="module")
def shipped(sample: Evidence) -> dict[tuple[str, str], Profile]:
    return profiles_under(sample)


def explanation(p: Profile):
    assert p.verdict.explanation is not None
    return p.verdict.explanation


# --- one test per planted pattern ---------------------------------------------------------


def test_ashvale_ready_is_decided_by_the_pillar_rule_and_has_no_next_level(shipped):
    ex = explanation(shipped[("ASH", "2025-1")])
    assert ex.decided_by.text.startswith("Decided by the pillar bands")
    assert "no pillar in the concern band, none allowed" in ex.decided_by.text
    assert "every limit of Ready holds" in ex.decided_by.text
    assert ex.conditions == () and ex.next_level is None and ex.route == ()


def test_brookfield_is_capped_by_the_distrust_gate(shipped):
    p = shipped[("BRK", "2025-1")]
    ex = explanation(p)
    assert "critical gate “Distrust between key sectors”" in ex.decided_by.text
    assert "caps the verdict at Not yet ready" in ex.decided_by.text
    assert "pillars alone would give Ready with conditions" in ex.decided_by.text
    assert ex.next_level == "ready_with_conditions"
    (step,) = ex.route
    assert step.text.startswith("Mutual trust between Acute health and Adult social care")
    assert "now 2.24, must reach 2.75" in step.text
    assert [k for k, _ in ex.next_steps] == ["key_sector_distrust"]
    links = [r for r in p.verdict.reasons if r.kind == "links"]
    assert len(links) == 1 and "Acute health and Adult social care 2.24" in links[0].text


def test_caldermoor_conditions_are_the_over_caution_gate_and_the_pillars(shipped):
    ex = explanation(shipped[("CLD", "2025-1")])
    assert ex.decided_by.text.startswith("Decided by the pillar bands")
    assert "1 pillar in the concern band (Information governance" in ex.decided_by.text
    assert "Ready allows at most 0" in ex.decided_by.text
    texts = [c.text for c in ex.conditions]
    assert texts[0].startswith("Workshop over-caution")
    assert "now 73%, must come down to 40% or less" in texts[0]
    assert any(t.startswith("Information governance") and "must reach" in t for t in texts)
    assert ex.route == ex.conditions and ex.next_level == "ready"
    assert "over_caution" in dict(ex.next_steps)


def test_dunholme_names_exactly_what_evidence_is_missing(shipped):
    ex = explanation(shipped[("DUN", "2025-1")])
    assert ex.decided_by.text.startswith("Decided by the minimum evidence rule")
    assert "3 sectors with at least 5 respondents, at least 4 needed" in ex.decided_by.text
    assert "2 key sectors with enough evidence, at least 3 needed" in ex.decided_by.text
    route = " ".join(r.text for r in ex.route)
    assert "1 more sector with at least 5 respondents" in route
    assert "1 more key sector" in route and "Mental health (0 now, 5 more)" in route
    assert ex.next_level == "not_yet_ready"
    assert [k for k, _ in ex.next_steps] == ["minimum_evidence"]


def test_elmstead_is_capped_by_one_sided_trust(shipped):
    ex = explanation(shipped[("ELM", "2025-1")])
    assert "critical gate “One-sided trust”" in ex.decided_by.text
    assert "pillars alone would give Ready" in ex.decided_by.text
    (condition,) = ex.conditions
    assert condition.text.startswith("One-sided trust between Police and Mental health")
    assert "now 0.85, must come down to 0.60 or less" in condition.text


def test_fenwick_vale_before_and_after_engagement(shipped):
    before = explanation(shipped[("FEN", "2025-1")])
    assert "2 pillars in the concern band" in before.decided_by.text
    assert "Ready with conditions allows at most 1" in before.decided_by.text
    route = [r.text for r in before.route]
    assert route[0].startswith("Mutual trust between Children's social care and Police")
    assert any(t.startswith("Inter-agency trust: now 2.79") for t in route)
    after = explanation(shipped[("FEN", "2026-1")])
    assert after.next_level is None and "every limit of Ready holds" in after.decided_by.text


def test_greyhaven_needs_four_pillars_to_reach_strength(shipped):
    for wave in ("2025-1", "2026-1"):
        ex = explanation(shipped[("GRY", wave)])
        assert "5 pillars in the borderline band" in ex.decided_by.text
        assert "Ready allows at most 1" in ex.decided_by.text
        # Ready allows one borderline pillar: the four nearest to 4.00 must get there.
        assert len(ex.conditions) == 4
        assert all("must reach 4.00 (the strength band)" in c.text for c in ex.conditions)
        assert not any(c.subject == "technology" for c in ex.conditions)  # the furthest


def test_harrowby_conditions_include_technology(shipped):
    ex = explanation(shipped[("HRB", "2025-1")])
    assert "1 pillar in the concern band (Technology)" in ex.decided_by.text
    assert any(c.subject == "technology" and "now 2.55" in c.text for c in ex.conditions)


def test_kestrelford_two_concern_pillars_one_allowed(shipped):
    ex = explanation(shipped[("KES", "2025-1")])
    assert "2 pillars in the concern band (Technology, Readiness for change)" in (
        ex.decided_by.text
    )
    assert "Ready with conditions allows at most 1" in ex.decided_by.text
    (step,) = ex.route  # one of the two must leave the concern band: the nearer one
    assert step.subject == "change_readiness" and "must reach 3.00 (the borderline band)" in (
        step.text
    )


def test_larkmere_presumption_gate(shipped):
    ex = explanation(shipped[("LRK", "2025-1")])
    assert "critical gate “A presumption against sharing”" in ex.decided_by.text
    (step,) = ex.route
    assert step.text.startswith("Presumption against sharing: now 2.11, must reach 2.50")


def test_marlowe_and_wrenhallow(shipped):
    mrl = explanation(shipped[("MRL", "2025-1")])
    assert mrl.decided_by.text.startswith("Decided by the pillar bands")
    assert all(c.kind == "condition" for c in mrl.conditions) and mrl.conditions
    wrn = explanation(shipped[("WRN", "2026-1")])
    assert "critical gate “Wariness between key sectors”" in wrn.decided_by.text
    (condition,) = wrn.conditions
    assert "Adult social care and Police: now 2.99, must reach 3.25" in condition.text


def test_every_explanation_is_in_the_json(shipped):
    data = shipped[("BRK", "2025-1")].to_dict()
    assert data["explanation"]["decided_by"].startswith("Decided by the critical gate")
    assert data["explanation"]["route"][0].startswith("Mutual trust between Acute health")
    assert data["explanation"]["next_steps"][0]["about"] == "key_sector_distrust"
    assert abs(sum(data["verdict_probability"].values()) - 1) < 1e-9


# --- the rules, not the code, decide ---------------------------------------------------------


def test_a_lower_wariness_line_clears_wrenhallow(sample, tmp_path):
    def lower(rules: dict) -> None:
        next(g for g in rules["gates"] if g["id"] == "key_sector_wariness")["below"] = 2.5

    p = profiles_under(sample, tmp_path, lower)[("WRN", "2026-1")]
    assert p.verdict.id == "ready"
    assert "every limit of Ready holds" in explanation(p).decided_by.text


def test_allowing_two_concern_pillars_lifts_kestrelford_and_changes_its_route(sample, tmp_path):
    def allow(rules: dict) -> None:
        rule = next(v for v in rules["verdicts"] if v["id"] == "ready_with_conditions")
        rule["max_pillars"] = {"concern": 2}

    p = profiles_under(sample, tmp_path, allow)[("KES", "2025-1")]
    ex = explanation(p)
    assert p.verdict.id == "ready_with_conditions"
    assert "2 pillars in the concern band" in ex.decided_by.text
    assert "Ready allows at most 0" in ex.decided_by.text
    assert {c.subject for c in ex.conditions} >= {"technology", "change_readiness"}


def test_next_steps_are_text_in_the_rules(sample, tmp_path):
    def reword(rules: dict) -> None:
        rules["next_steps"]["key_sector_distrust"] = "Hold a joint case review within a month."

    ex = explanation(profiles_under(sample, tmp_path, reword)[("BRK", "2025-1")])
    assert dict(ex.next_steps)["key_sector_distrust"] == "Hold a joint case review within a month."


def test_a_next_step_for_nothing_known_is_refused(tmp_path):
    folder = tmp_path / "instruments"
    shutil.copytree(DEFAULT_DIR, folder, ignore=shutil.ignore_patterns("*.md"))
    path = folder / "readiness_rules.yaml"
    rules = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules["next_steps"]["key_sector_distrus"] = "typo"
    path.write_text(yaml.safe_dump(rules, sort_keys=False), encoding="utf-8")
    from instruments.errors import InstrumentError

    with pytest.raises(InstrumentError) as info:
        load_catalogue(folder)
    assert "next_steps 'key_sector_distrus'" in str(info.value)
