"""Readiness profiles straight from the store: read the evidence a caller may see, hand
it to :mod:`analysis`. The one place the command line and the dashboard get profiles."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine

from analysis.profiles import area_profiles
from analysis.readiness import Context, Profile, context_from_catalogue
from survey.evidence import evidence
from survey.instruments import Catalogue


def load_profiles(
    engine: Engine, catalogue: Catalogue, areas: Iterable[str] | None = None
) -> list[Profile]:
    """Every (area, wave) profile for ``areas`` (all when ``None``), waves in order."""
    ev = evidence(engine, areas)
    ctx: Context = context_from_catalogue(catalogue)
    return area_profiles(
        ctx,
        ev.survey,
        ratings=ev.ratings,
        codes=ev.codes,
        decisions=ev.decisions,
        cards=ev.cards,
    )
