"""Cross-reference checks that a per-field schema cannot make: duplicate ids, unknown
scales, sectors and pillars, missing keyed answers. One function per instrument kind
(registered in :mod:`instruments.kinds`), plus the checks every kind shares."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from instruments.schema import (
    InstrumentBase,
    InterviewInstrument,
    SurveyInstrument,
    WorkshopInstrument,
)

Bad = Callable[[str, str, str], None]


@dataclass(frozen=True)
class Refs:
    """What an instrument may refer to: the sector codes and the survey's pillars."""

    sectors: frozenset[str]
    pillars: frozenset[str]


def duplicates(ids: list[str]) -> list[str]:
    return [i for i, n in Counter(ids).items() if n > 1]


def check_common(inst: InstrumentBase, bad: Bad) -> None:
    """Profile fields and id columns, the same for every kind."""
    for dup in duplicates([f.id for f in inst.profile]):
        bad(f"profile '{dup}'", "id", "duplicate profile field id")
    for col in inst.id_columns:
        if col not in {f.id for f in inst.profile}:
            bad("id_columns", col, "is not a profile field")
    for f in inst.profile:
        if f.type == "choice" and not f.options:
            bad(f"profile '{f.id}'", "options", "a choice field needs options")


def check_survey(inst: SurveyInstrument, bad: Bad, refs: Refs) -> None:
    own_pillars = {p.id for p in inst.pillars}
    scales = {s.id: s for s in inst.scales}
    for dup in duplicates([s.id for s in inst.scales]):
        bad(f"scale '{dup}'", "id", "duplicate scale id")
    for s in inst.scales:
        if s.pillar not in own_pillars:
            bad(f"scale '{s.id}'", "pillar", f"unknown pillar '{s.pillar}'")
    ids = [i.id for i in inst.items] + [q.id for q in inst.open_questions]
    ids += [f.id for f in inst.profile]
    for dup in duplicates(ids):
        bad(f"item '{dup}'", "id", "duplicate item id")
    counts: Counter[str] = Counter()
    for item in inst.items:
        where = f"item '{item.id}'"
        scale = scales.get(item.scale)
        response = inst.response_scales.get(item.response)
        if scale is None:
            bad(where, "scale", f"unknown scale '{item.scale}'")
        if response is None:
            bad(where, "response", f"unknown response scale '{item.response}'")
            continue
        counts[item.scale] += 1
        if item.reverse and response.type != "likert":
            bad(where, "reverse", "only Likert items can be reverse-keyed")
        if response.type == "likert" and not response.points:
            bad(where, "response", f"Likert scale '{item.response}' has no points")
        if scale is not None and scale.kind == "knowledge":
            if response.type != "true_false":
                bad(where, "response", "a knowledge-check item needs a true/false response")
            if item.keyed is None:
                bad(where, "keyed", "a knowledge-check item needs its keyed answer")
    for s in inst.scales:
        if s.kind == "trust":
            if inst.trust is None or inst.trust.scale != s.id:
                bad(f"scale '{s.id}'", "kind", "a trust scale needs the trust block")
        elif counts[s.id] < 2:
            bad(f"scale '{s.id}'", "items", f"has {counts[s.id]} item(s); a scale needs 2 or more")
    if inst.trust is not None:
        t = inst.trust
        if t.scale not in scales or scales[t.scale].kind != "trust":
            bad("trust", "scale", f"'{t.scale}' is not a scale of kind trust")
        if t.response not in inst.response_scales:
            bad("trust", "response", f"unknown response scale '{t.response}'")
        if "{sector}" not in t.id_pattern or "{facet}" not in t.id_pattern:
            bad("trust", "id_pattern", "must contain {sector} and {facet}")
        for dup in duplicates([f.id for f in t.facets]):
            bad(f"trust facet '{dup}'", "id", "duplicate facet id")


def check_interview(inst: InterviewInstrument, bad: Bad, refs: Refs) -> None:
    pillars = refs.pillars
    for q in inst.questions:
        if pillars and q.pillar not in pillars:
            bad(f"question '{q.id}'", "pillar", f"unknown pillar '{q.pillar}'")
    for dup in duplicates([d.id for d in inst.dimensions]):
        bad(f"dimension '{dup}'", "id", "duplicate dimension id")
    for d in inst.dimensions:
        if pillars and d.pillar not in pillars:
            bad(f"dimension '{d.id}'", "pillar", f"unknown pillar '{d.pillar}'")
        if sorted(d.anchors) != [1, 2, 3, 4, 5]:
            bad(f"dimension '{d.id}'", "anchors", "needs a description for each point 1 to 5")
    for dup in duplicates([t.code for t in inst.coding_frame.themes]):
        bad(f"theme '{dup}'", "code", "duplicate theme code")
    for t in inst.coding_frame.themes:
        if pillars and t.pillar not in pillars:
            bad(f"theme '{t.code}'", "pillar", f"unknown pillar '{t.pillar}'")


def check_workshop(inst: WorkshopInstrument, bad: Bad, refs: Refs) -> None:
    for dup in duplicates([v.id for v in inst.vignettes]):
        bad(f"vignette '{dup}'", "id", "duplicate vignette id")
    for v in inst.vignettes:
        if v.lawful_position is None:
            bad(f"vignette '{v.id}'", "lawful_position", "every vignette needs its lawful position")
        for s in v.sectors:
            if s not in refs.sectors:
                bad(f"vignette '{v.id}'", "sectors", f"unknown sector '{s}'")
    for p in inst.cards.pillars:
        if refs.pillars and p not in refs.pillars:
            bad("cards", "pillars", f"unknown pillar '{p}'")
