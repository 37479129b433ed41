"""What the analytics need from the instruments, as plain data."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.scoring import ScoringModel, scoring_model
from instruments.catalogue import Catalogue
from instruments.kinds import INTERVIEW, WORKSHOP
from instruments.schema import ReadinessRules


@dataclass(frozen=True)
class Context:
    """Everything a profile needs from the instruments, as plain data."""

    model: ScoringModel
    rules: ReadinessRules
    sectors: list[str]
    sector_names: dict[str, str]
    key_sectors: list[str]
    positions: dict[str, str]  # vignette -> lawful position
    dimensions: dict[str, tuple[str, str | None]]  # dimension -> (title, survey scale)
    themes: dict[str, tuple[str, str, str]]  # code -> (title, pillar, type)


def context_from_catalogue(cat: Catalogue) -> Context:
    """Build the context from a :class:`instruments.catalogue.Catalogue`: the survey that
    profiles are scored from, and the first interview and workshop instruments."""
    survey = cat.survey
    interview = cat.first(INTERVIEW)
    workshop = cat.first(WORKSHOP)
    return Context(
        model=scoring_model(survey, cat.sector_codes),
        rules=cat.rules,
        sectors=cat.sector_codes,
        sector_names={s.code: s.short for s in cat.sectors.sectors},
        key_sectors=cat.key_sectors,
        positions={v.id: v.lawful_position for v in workshop.vignettes} if workshop else {},
        dimensions={d.id: (d.title.en, d.survey_scale) for d in interview.dimensions}
        if interview
        else {},
        themes={t.code: (t.title.en, t.pillar, t.type) for t in interview.coding_frame.themes}
        if interview
        else {},
    )
