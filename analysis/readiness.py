"""The readiness profile of an area and wave, and its verdict.

A profile puts side by side: every pillar and scale with a bootstrap interval and its band;
the trust matrix and its weakest links; legal calibration from the workshop; interview
ratings and workshop cards beside the survey (triangulation); coverage by sector; change
since the previous wave. The verdict and its reasons come from :mod:`analysis.verdict`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.bootstrap import (
    expand,
    percentile_interval,
    quantiles,
    resample_counts,
    weighted_means,
)
from analysis.calibration import calibration
from analysis.change import change_between
from analysis.context import Context, context_from_catalogue
from analysis.coverage import coverage
from analysis.explanation import Facts, explained
from analysis.gates import evaluate_gate
from analysis.scoring import score
from analysis.triangulation import card_votes, themes, triangulation
from analysis.trust import TrustMatrix, trust_matrix
from analysis.uncertainty import verdict_probability
from analysis.verdict import Verdict, decide, json_value
from instruments.schema import ReadinessRules

__all__ = ["Context", "Profile", "build_profile", "context_from_catalogue"]


@dataclass
class Profile:
    area: str
    wave: str
    respondents: int
    scales: pd.DataFrame  # index scale: title, pillar, kind, estimate, low, high, n, band
    pillars: pd.DataFrame  # index pillar: title, estimate, low, high, n, band
    trust: TrustMatrix
    pairs: pd.DataFrame  # weakest links first, with intervals
    calibration: pd.DataFrame  # overall row
    calibration_by_sector: pd.DataFrame
    triangulation: pd.DataFrame
    themes: pd.DataFrame
    cards: pd.DataFrame
    coverage: pd.DataFrame
    missing_key_sectors: list[str]
    interviews: int
    workshop_participants: int
    verdict: Verdict
    disagreement: list[str] = field(default_factory=list)
    change: pd.DataFrame | None = None
    draws: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: area, wave, verdict, reasons, pillars, coverage and more."""
        return {
            "area": self.area,
            "wave": self.wave,
            "verdict": self.verdict.label,
            "verdict_id": self.verdict.id,
            "verdict_statement": self.verdict.statement or self.verdict.label,
            "verdict_probability": {k: json_value(v) for k, v in self.verdict.probability.items()},
            "explanation": (
                self.verdict.explanation.to_dict() if self.verdict.explanation else None
            ),
            "reasons": [r.to_dict() for r in self.verdict.reasons],
            "respondents": self.respondents,
            "pillars": _records(self.pillars, "pillar"),
            "scales": _records(self.scales, "scale"),
            "coverage": {
                "sectors": _records(self.coverage, "sector"),
                "missing_key_sectors": self.missing_key_sectors,
                "interviews": self.interviews,
                "workshop_participants": self.workshop_participants,
            },
            "weakest_links": _records(self.pairs.head(5), None),
            "calibration": _records(self.calibration, None),
            "triangulation": _records(self.triangulation, "dimension"),
            "disagreement": self.disagreement,
            "change": None if self.change is None else _records(self.change, "measure"),
        }


def _records(frame: pd.DataFrame, index_name: str | None) -> list[dict[str, Any]]:
    out = frame.reset_index(names=index_name) if index_name else frame.reset_index(drop=True)
    records = out.to_dict(orient="records")
    return [{k: json_value(v) for k, v in r.items()} for r in records]


def band_of(value: float, bands: list) -> str | None:
    if value is None or np.isnan(value):
        return None
    return next((b.id for b in bands if value >= b.min), bands[-1].id)


def _bands_for(rules: ReadinessRules, scale: str) -> list:
    return rules.scale_bands.get(scale, rules.bands)


def build_profile(
    survey: pd.DataFrame,
    ctx: Context,
    *,
    area: str,
    wave: str,
    ratings: pd.DataFrame | None = None,
    codes: pd.DataFrame | None = None,
    decisions: pd.DataFrame | None = None,
    cards: pd.DataFrame | None = None,
    previous: Profile | None = None,
    agreement: pd.Series | None = None,
) -> Profile:
    """The readiness profile of one area and wave.

    ``survey`` holds that wave's respondents (one row each, item columns and ``sector``);
    the other frames hold its interview ratings and codes and workshop decisions and cards
    (see :mod:`survey.store.readers`). ``previous`` is the profile of the wave before, for
    change; ``agreement`` the rwg(j) of each scale in this wave (see
    :func:`analysis.profiles.agreement_by_wave`)."""
    rules, model = ctx.rules, ctx.model
    # A fixed order (whatever order the rows came in), grouped by sector so that each
    # sector's bootstrap counts fill one block of columns.
    if "response_id" in survey:
        survey = survey.sort_values(["sector", "response_id"], kind="stable")
    scores = score(survey, model)
    sectors = survey["sector"].to_numpy()
    n = len(survey)
    # One seed per area and wave, so a profile never depends on what else was computed.
    seed = np.random.SeedSequence([rules.interval.seed, *map(ord, f"{area}\x1f{wave}")])
    rng = np.random.default_rng(seed)
    # Trust cells resample within each sector (a cell is one sector's view); area scores
    # resample the whole area, since how many answer from each sector is random too.
    counts = resample_counts(sectors, rules.interval.resamples, rng)
    area_counts = resample_counts(np.zeros(n, dtype=int), rules.interval.resamples, rng)
    level = rules.interval.level

    scale_ids = list(scores.scales.columns)
    pillar_ids = list(scores.pillars.columns)
    values = (
        np.column_stack([scores.scales.to_numpy(dtype=float), scores.pillars.to_numpy(dtype=float)])
        if n
        else np.empty((0, len(scale_ids) + len(pillar_ids)))
    )
    estimate = _column_means(values)
    answered = (~np.isnan(values)).sum(axis=0)
    draws = (
        expand(weighted_means(area_counts, values), estimate, answered, level)
        if n
        else np.empty((0, values.shape[1]))
    )
    low, high = percentile_interval(draws, level)
    # One answer is no interval (it would read "3.75–3.75").
    low, high = np.where(answered >= 2, low, np.nan), np.where(answered >= 2, high, np.nan)

    k = len(scale_ids)
    scales = pd.DataFrame(
        {
            "title": [model.scale_titles.get(s, s) for s in scale_ids],
            "pillar": [model.scale(s).pillar for s in scale_ids],
            "kind": [model.scale(s).kind for s in scale_ids],
            "estimate": estimate[:k],
            "low": low[:k],
            "high": high[:k],
            "n": answered[:k],
        },
        index=pd.Index(scale_ids, name="scale"),
    )
    scales["band"] = [
        band_of(v, _bands_for(rules, s)) for s, v in zip(scale_ids, estimate[:k], strict=True)
    ]
    scales["rwg_j"] = (
        agreement.reindex(scale_ids).to_numpy(dtype=float) if agreement is not None else np.nan
    )
    pillars = pd.DataFrame(
        {
            "title": [model.pillar_titles.get(p, p) for p in pillar_ids],
            "estimate": estimate[k:],
            "low": low[k:],
            "high": high[k:],
            "n": answered[k:],
        },
        index=pd.Index(pillar_ids, name="pillar"),
    )
    pillars["band"] = [band_of(v, rules.bands) for v in estimate[k:]]

    min_n = rules.minimum_evidence.trust_cell_n
    matrix = trust_matrix(scores.trust, survey["sector"], ctx.sectors, min_n=min_n)
    pairs, pair_draws = _pairs_with_intervals(
        matrix, scores.trust, sectors, counts, ctx.sectors, level, rules.certainty.gate_level
    )

    covered, missing_key, evidence_reasons = coverage(survey["sector"], ctx)
    decisions = (
        decisions
        if decisions is not None
        else pd.DataFrame(columns=["response_id", "vignette", "decision", "sector"])
    )
    calib = calibration(
        decisions, ctx.positions, unsure_is_caution=rules.calibration.unsure_is_caution, level=level
    )
    calib_sector = calibration(
        decisions,
        ctx.positions,
        by=["sector"],
        unsure_is_caution=rules.calibration.unsure_is_caution,
        level=level,
    )
    ratings = (
        ratings
        if ratings is not None
        else pd.DataFrame(columns=["interview", "coder", "dimension", "rating"])
    )
    beside = triangulation(ratings, scales, pillars, ctx)
    theme_counts = themes(codes, ctx)
    top_cards = card_votes(cards)

    gates = [evaluate_gate(g, ctx, scales, pairs, calib) for g in rules.gates]
    scored = pillars.dropna(subset=["estimate"])
    verdict = decide(rules=rules, evidence_reasons=evidence_reasons, pillars=scored, gates=gates)
    all_draws = {"scales": draws}
    verdict = explained(
        verdict,
        rules=rules,
        facts=Facts(scored, gates, covered, ctx.sector_names, ctx.key_sectors),
        pairs=pairs,
        probability=verdict_probability(
            verdict.id,
            rules=rules,
            gates=gates,
            pillars=scored,
            draws=all_draws,
            pair_draws=pair_draws,
            scale_ids=scale_ids,
            pillar_ids=pillar_ids,
            pairs=pairs,
            key_sectors=ctx.key_sectors,
        ),
    )
    if "mutual" in pair_draws:  # kept (as float32) for the change to the next wave
        all_draws["mutual"] = pair_draws["mutual"].astype(np.float32)
    profile = Profile(
        area=area,
        wave=wave,
        respondents=n,
        scales=scales,
        pillars=pillars,
        trust=matrix,
        pairs=pairs,
        calibration=calib,
        calibration_by_sector=calib_sector,
        triangulation=beside,
        themes=theme_counts,
        cards=top_cards,
        coverage=covered,
        missing_key_sectors=missing_key,
        interviews=int(ratings["interview"].nunique()) if len(ratings) else 0,
        workshop_participants=int(decisions["response_id"].nunique()) if len(decisions) else 0,
        verdict=verdict,
        disagreement=list(
            scales.index[scales["rwg_j"].to_numpy(dtype=float) < rules.agreement.rwg_j_min]
        ),
        draws=all_draws,
    )
    if previous is not None:
        profile.change = change_between(previous, profile, level)
    return profile


def _column_means(values: np.ndarray) -> np.ndarray:
    answered = ~np.isnan(values)
    count = answered.sum(axis=0)
    with np.errstate(all="ignore"):
        return np.where(count > 0, np.where(answered, values, 0).sum(axis=0) / count, np.nan)


_PAIR_COLUMNS = (
    "mutual_low",
    "mutual_high",
    "asymmetry_low",
    "asymmetry_high",
    "mutual_bound",
    "asymmetry_bound",
)


def _pairs_with_intervals(
    matrix: TrustMatrix,
    trust: pd.DataFrame,
    sectors: np.ndarray,
    counts: np.ndarray,
    order: list[str],
    level: float,
    gate_level: float,
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Weakest links with bootstrap intervals for mutual trust and asymmetry, and the ends
        the gates over many pairs go by: ``mutual_bound`` the upper end of mutual trust's
        interval at ``gate_level``, ``asymmetry_bound`` the end of the asymmetry's interval
        nearest zero, as a size (0 when the interval holds zero). Each pair's draws are
        returned too, ``{"mutual": …, "asymmetry": …}`` (resamples × pairs, rows as the table),
        for the verdict's probability; the profile keeps the mutual trust draws (for the change to
    the next wave, :mod:`analysis.change`)."""
    pairs = matrix.weakest_links()
    if pairs.empty:
        for col in _PAIR_COLUMNS:
            pairs[col] = pd.Series(dtype=float)
        return pairs, {}
    values = trust.reindex(columns=order).to_numpy(dtype=float)
    cells = np.full((counts.shape[0], len(order), len(order)), np.nan)
    for a, code in enumerate(order):
        members = np.flatnonzero(sectors == code)
        if len(members):
            rated = values[members]
            answered = (~np.isnan(rated)).sum(axis=0)
            with np.errstate(all="ignore"):
                estimate = np.nansum(rated, axis=0) / answered
            drawn = weighted_means(counts[:, members], rated)
            cells[:, a, :] = expand(drawn, estimate, answered, level)
    ia = pd.Index(order).get_indexer(pairs["a"])
    ib = pd.Index(order).get_indexer(pairs["b"])
    mutual = (cells[:, ia, ib] + cells[:, ib, ia]) / 2
    asym = (cells[:, ia, ib] - cells[:, ib, ia]) / 2
    a, g = (1 - level) / 2, (1 - gate_level) / 2
    pairs["mutual_low"], pairs["mutual_high"], pairs["mutual_bound"] = quantiles(
        mutual, [a, 1 - a, 1 - g]
    )
    pairs["asymmetry_low"], pairs["asymmetry_high"], low, high = quantiles(
        asym, [a, 1 - a, g, 1 - g]
    )
    pairs["asymmetry_bound"] = np.where(low > 0, low, np.where(high < 0, -high, 0.0))
    return pairs, {"mutual": mutual, "asymmetry": asym}
