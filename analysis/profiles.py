"""Profiles for many areas and waves at once, each wave compared with the one before."""

from __future__ import annotations

import pandas as pd

from analysis.readiness import Context, Profile, build_profile


def wave_order(labels: list[str]) -> list[str]:
    """Waves in time order: labels sort as text, so use labels such as ``2025-1``."""
    return sorted(labels)


def _part(frame: pd.DataFrame | None, area: str, wave: str) -> pd.DataFrame | None:
    if frame is None or frame.empty:
        return frame
    return frame[(frame["area"] == area) & (frame["wave"] == wave)]


def area_profiles(
    ctx: Context,
    survey: pd.DataFrame,
    *,
    ratings: pd.DataFrame | None = None,
    codes: pd.DataFrame | None = None,
    decisions: pd.DataFrame | None = None,
    cards: pd.DataFrame | None = None,
    areas: list[str] | None = None,
) -> list[Profile]:
    """Every (area, wave) profile, waves in order, each with change since the previous wave.

    The frames are as :mod:`survey.evidence` gives them (each with ``area`` and ``wave``).
    Waves with interview or workshop evidence but no survey are included."""
    frames = [
        f for f in (survey, ratings, codes, decisions, cards) if f is not None and not f.empty
    ]
    keys = pd.concat([f[["area", "wave"]] for f in frames]).drop_duplicates() if frames else None
    if keys is None:
        return []
    if areas is not None:
        keys = keys[keys["area"].isin(areas)]
    groups = {area: wave_order(list(g["wave"])) for area, g in keys.groupby("area")}
    by_wave = dict(tuple(survey.groupby(["area", "wave"], sort=False))) if len(survey) else {}
    empty = survey.iloc[0:0]
    out = []
    for area in sorted(groups):
        previous = None
        for wave in groups[area]:
            profile = build_profile(
                by_wave.get((area, wave), empty),
                ctx,
                area=area,
                wave=wave,
                ratings=_part(ratings, area, wave),
                codes=_part(codes, area, wave),
                decisions=_part(decisions, area, wave),
                cards=_part(cards, area, wave),
                previous=previous,
            )
            out.append(profile)
            previous = profile
    return out
