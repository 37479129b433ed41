"""Readiness profiles straight from the store: read the evidence a caller may see, hand
it to :mod:`analysis`. The one place the command line and the dashboard get profiles."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from sqlalchemy import Engine

from analysis.context import context_from_catalogue
from analysis.profiles import area_profiles
from analysis.readiness import Profile
from instruments.catalogue import Catalogue
from survey.store.readers import evidence


def load_profiles(
    engine: Engine, catalogue: Catalogue, areas: Iterable[str] | None = None
) -> list[Profile]:
    """Every (area, wave) profile for ``areas`` (all when ``None``), waves in order."""
    ev = evidence(engine, areas, survey=catalogue.survey.key)
    return area_profiles(
        context_from_catalogue(catalogue),
        ev.survey,
        ratings=ev.ratings,
        codes=ev.codes,
        decisions=ev.decisions,
        cards=ev.cards,
    )


class ProfileBook:
    """The profiles of one state of the store, area by area, each computed once.

    Undisclosed and unscoped: it is handed to :class:`app.access.ScopedData`, which applies
    scope and disclosure control on the way out, so one book serves every account. Areas
    asked for together are read and computed together (one pass over the evidence)."""

    def __init__(self, engine: Engine, catalogue: Catalogue):
        self.engine = engine
        self.catalogue = catalogue
        self._by_area: dict[str, list[Profile]] = {}
        self._lock = threading.Lock()

    def of(self, areas: Iterable[str]) -> list[Profile]:
        """The profiles of ``areas``, area by area, waves in order."""
        areas = list(areas)
        with self._lock:
            missing = [a for a in areas if a not in self._by_area]
            if missing:
                computed = load_profiles(self.engine, self.catalogue, missing)
                for area in missing:
                    self._by_area[area] = [p for p in computed if p.area == area]
            return [p for area in areas for p in self._by_area[area]]
