"""Profiles for many areas and waves at once, each wave compared with the one before."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from analysis.aggregation import rwg_j
from analysis.errors import AnalysisError
from analysis.readiness import Context, Profile, build_profile
from analysis.scoring import ScoringModel, keyed_items

P = ParamSpec("P")
R = TypeVar("R")


def _one_blas_thread(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` with BLAS single-threaded. Each profile's matrix products are small
    (resamples x one area's respondents), so extra BLAS threads only add synchronisation,
    and on a busy machine they wait on each other: measured 2-3x slower per profile with
    one other busy process on two cores."""

    @wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with threadpool_limits(limits=1, user_api="blas"):
            return func(*args, **kwargs)

    return run


def wave_order(labels: list[str]) -> list[str]:
    """Waves in time order: labels sort as text, so use labels such as ``2025-1``."""
    return sorted(labels)


def _part(frame: pd.DataFrame | None, area: str, wave: str) -> pd.DataFrame | None:
    if frame is None or frame.empty:
        return frame
    return frame[(frame["area"] == area) & (frame["wave"] == wave)]


def agreement_by_wave(
    survey: pd.DataFrame, model: ScoringModel, *, null: str = "uniform"
) -> pd.DataFrame:
    """rwg(j) of every Likert scale in every (area, wave): index (area, wave), one column
    per scale; NaN where it cannot be computed (e.g. fewer than two complete answers).
    ``null`` is the rules' ``agreement.rwg_null``."""
    if survey.empty:
        return pd.DataFrame()
    groups = survey["area"].astype(str) + "\x1f" + survey["wave"].astype(str)
    columns = {}
    for spec in model.scales:
        if spec.kind != "likert":
            continue
        items = pd.DataFrame(keyed_items(survey, spec), index=survey.index)
        try:
            columns[spec.id] = rwg_j(items, groups, scale_points=spec.points, null=null)["rwg_j"]
        except AnalysisError:
            continue
    table = pd.DataFrame(columns)
    if table.empty:
        return table
    keys = table.index.to_series().str.split("\x1f", n=1, expand=True)
    table.index = pd.MultiIndex.from_arrays([keys[0], keys[1]], names=["area", "wave"])
    return table.astype(float).replace([np.inf, -np.inf], np.nan)


@_one_blas_thread
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

    The frames are as :mod:`survey.store.readers` gives them (each with ``area`` and ``wave``).
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
    agreement = agreement_by_wave(survey, ctx.model, null=ctx.rules.agreement.rwg_null)
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
                agreement=agreement.loc[(area, wave)] if (area, wave) in agreement.index else None,
            )
            out.append(profile)
            previous = profile
    return out


def wave_means(survey: pd.DataFrame, model: ScoringModel) -> pd.DataFrame:
    """Mean and n of every scale and pillar over one group of respondents (index:
    measure), the figures that :func:`median_of_wave_scores` takes the median of."""
    from analysis.scoring import score

    scores = score(survey, model)
    table = pd.concat([scores.scales, scores.pillars], axis=1)
    return pd.DataFrame({"estimate": table.mean(), "n": table.notna().sum()})


def median_of_wave_scores(scores: pd.DataFrame) -> pd.Series:
    """The benchmark beside an area's scores: for every measure, the median over areas of
    each area's latest-wave mean. ``scores`` has area, wave, measure, estimate."""
    if scores.empty:
        return pd.Series(dtype=float)
    latest = scores.groupby("area")["wave"].transform("max")
    current = scores[scores["wave"] == latest]
    return current.groupby("measure")["estimate"].median()
