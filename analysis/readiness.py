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

from analysis.bootstrap import percentile_interval, resample_counts, weighted_means
from analysis.calibration import calibration
from analysis.scoring import ScoringModel, score
from analysis.trust import TrustMatrix, trust_matrix
from analysis.verdict import GateResult, Reason, Verdict, decide, figure
from survey.schema import Gate, ReadinessRules


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


def context_from_catalogue(cat: Any) -> Context:
    """Build the context from a :class:`survey.instruments.Catalogue`."""
    from analysis.scoring import scoring_model

    survey = cat.survey
    interview = next((i for i in cat.instruments.values() if i.kind == "interview"), None)
    workshop = next((i for i in cat.instruments.values() if i.kind == "workshop"), None)
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
    change: pd.DataFrame | None = None
    draws: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: area, wave, verdict, reasons, pillars, coverage and more."""
        return {
            "area": self.area,
            "wave": self.wave,
            "verdict": self.verdict.label,
            "verdict_id": self.verdict.id,
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
            "change": None if self.change is None else _records(self.change, "measure"),
        }


def _records(frame: pd.DataFrame, index_name: str | None) -> list[dict[str, Any]]:
    out = frame.reset_index(names=index_name) if index_name else frame.reset_index(drop=True)
    records = out.to_dict(orient="records")
    return [{k: _json(v) for k, v in r.items()} for r in records]


def _json(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        return None if np.isnan(v) else round(float(v), 4)
    if isinstance(v, np.integer | np.bool_):
        return v.item()
    return v


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
) -> Profile:
    """The readiness profile of one area and wave.

    ``survey`` holds that wave's respondents (one row each, item columns and ``sector``);
    the other frames hold its interview ratings and codes and workshop decisions and cards
    (see :mod:`survey.evidence`). ``previous`` is the profile of the wave before, for
    change."""
    rules, model = ctx.rules, ctx.model
    survey = survey.sort_values("response_id") if "response_id" in survey else survey
    scores = score(survey, model)
    sectors = survey["sector"].to_numpy()
    n = len(survey)
    # One seed per area and wave, so a profile never depends on what else was computed.
    seed = np.random.SeedSequence([rules.interval.seed, *map(ord, f"{area}\x1f{wave}")])
    counts = resample_counts(sectors, rules.interval.resamples, np.random.default_rng(seed))
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
    draws = weighted_means(counts, values) if n else np.empty((0, values.shape[1]))
    low, high = percentile_interval(draws, level)

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
    pairs, trust_draws = _pairs_with_intervals(
        matrix, scores.trust, sectors, counts, ctx.sectors, level
    )

    coverage, missing_key, evidence_reasons = _coverage(survey["sector"], ctx)
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
        else pd.DataFrame(columns=["respondent_key", "dimension", "rating"])
    )
    triangulation = _triangulation(ratings, scales, pillars, ctx)
    themes = _themes(codes, ctx)
    top_cards = _cards(cards)

    gates = [_gate(g, ctx, scales, pairs, calib) for g in rules.gates]
    verdict = decide(
        rules=rules,
        evidence_reasons=evidence_reasons,
        pillars=pillars.dropna(subset=["estimate"]),
        gates=gates,
    )
    all_draws = {"scales": draws, **trust_draws}
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
        triangulation=triangulation,
        themes=themes,
        cards=top_cards,
        coverage=coverage,
        missing_key_sectors=missing_key,
        interviews=int(ratings["respondent_key"].nunique()) if len(ratings) else 0,
        workshop_participants=int(decisions["response_id"].nunique()) if len(decisions) else 0,
        verdict=verdict,
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


def _pairs_with_intervals(
    matrix: TrustMatrix,
    trust: pd.DataFrame,
    sectors: np.ndarray,
    counts: np.ndarray,
    order: list[str],
    level: float,
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Weakest links with bootstrap intervals for mutual trust and asymmetry."""
    pairs = matrix.weakest_links()
    if pairs.empty:
        for col in ("mutual_low", "mutual_high", "asymmetry_low", "asymmetry_high"):
            pairs[col] = pd.Series(dtype=float)
        return pairs, {}
    values = trust.reindex(columns=order).to_numpy(dtype=float)
    cells = np.full((counts.shape[0], len(order), len(order)), np.nan)
    for a, code in enumerate(order):
        members = np.flatnonzero(sectors == code)
        if len(members):
            cells[:, a, :] = weighted_means(counts[:, members], values[members])
    pos = {c: i for i, c in enumerate(order)}
    ia = pairs["a"].map(pos).to_numpy()
    ib = pairs["b"].map(pos).to_numpy()
    mutual = (cells[:, ia, ib] + cells[:, ib, ia]) / 2
    asym = (cells[:, ia, ib] - cells[:, ib, ia]) / 2
    pairs["mutual_low"], pairs["mutual_high"] = percentile_interval(mutual, level)
    pairs["asymmetry_low"], pairs["asymmetry_high"] = percentile_interval(asym, level)
    return pairs, {"trust_cells": cells}


def _coverage(sector: pd.Series, ctx: Context) -> tuple[pd.DataFrame, list[str], list[Reason]]:
    me = ctx.rules.minimum_evidence
    counts = sector.value_counts().reindex(ctx.sectors, fill_value=0)
    coverage = pd.DataFrame(
        {
            "name": [ctx.sector_names.get(s, s) for s in ctx.sectors],
            "n": counts.to_numpy(),
            "key": [s in ctx.key_sectors for s in ctx.sectors],
        },
        index=pd.Index(ctx.sectors, name="sector"),
    )
    coverage["covered"] = coverage["n"] >= me.respondents_per_sector
    covered = coverage[coverage["covered"]]
    covered_key = covered[covered["key"]]
    missing_key = [s for s in ctx.key_sectors if not coverage.loc[s, "covered"]]
    reasons = []
    total = int(coverage["n"].sum())
    if total < me.respondents:
        reasons.append(
            Reason(
                f"Only {total} staff answered the survey; at least {me.respondents} are needed "
                "for a verdict.",
                "evidence",
                "respondents",
                float(total),
                n=total,
            )
        )
    if len(covered) < me.covered_sectors:
        reasons.append(
            Reason(
                f"Only {len(covered)} sectors gave enough evidence (at least "
                f"{me.respondents_per_sector} respondents each); at least {me.covered_sectors} "
                "are needed.",
                "evidence",
                "sectors",
                float(len(covered)),
                n=total,
            )
        )
    if len(covered_key) < me.covered_key_sectors:
        names = ", ".join(covered_key["name"]) or "none"
        missing = ", ".join(ctx.sector_names.get(s, s) for s in missing_key)
        reasons.append(
            Reason(
                f"Only {len(covered_key)} key sectors gave enough evidence ({names}); at least "
                f"{me.covered_key_sectors} are needed. Missing: {missing}.",
                "evidence",
                "key_sectors",
                float(len(covered_key)),
                n=total,
            )
        )
    return coverage, missing_key, reasons


def _gate(
    gate: Gate, ctx: Context, scales: pd.DataFrame, pairs: pd.DataFrame, calib: pd.DataFrame
) -> GateResult:
    """Evaluate one critical gate; a tripped gate carries the reason that names it."""
    name = ctx.sector_names
    cap = ctx.rules.verdicts
    cap_label = next((v.label for v in cap if v.id == gate.cap), gate.cap)

    def tripped(value: float) -> bool:
        if value is None or np.isnan(value):
            return False
        return (gate.below is not None and value < gate.below) or (
            gate.above is not None and value > gate.above
        )

    limit = f"below {gate.below:.2f}" if gate.below is not None else f"above {gate.above:.2f}"
    if gate.metric == "key_pair_mutual_trust":
        key = pairs[pairs["a"].isin(ctx.key_sectors) & pairs["b"].isin(ctx.key_sectors)]
        key = key[(key["n_ab"] >= gate.min_n) & (key["n_ba"] >= gate.min_n)]
        if key.empty:
            return GateResult(gate, False, None)
        row = key.sort_values("mutual").iloc[0]
        if not tripped(row["mutual"]):
            return GateResult(gate, False, None)
        text = (
            f"Mutual trust between {name.get(row['a'], row['a'])} and {name.get(row['b'], row['b'])} is "
            f"{figure(row['mutual'], row['mutual_low'], row['mutual_high'], None)} "
            f"({row['n_ab']} and {row['n_ba']} raters), {limit}: "
            f"the verdict can be no better than {cap_label}."
        )
        reason = Reason(
            text,
            "gate",
            f"{row['a']}~{row['b']}",
            row["mutual"],
            row["mutual_low"],
            row["mutual_high"],
            int(min(row["n_ab"], row["n_ba"])),
            gate.cap,
        )
        return GateResult(gate, True, reason)
    if gate.metric == "max_asymmetry":
        if pairs.empty:
            return GateResult(gate, False, None)
        row = pairs.loc[pairs["asymmetry"].abs().idxmax()]
        a, b, t_ab, t_ba, n_ab, n_ba = (
            row["a"],
            row["b"],
            row["t_ab"],
            row["t_ba"],
            row["n_ab"],
            row["n_ba"],
        )
        lo, hi = row["asymmetry_low"], row["asymmetry_high"]
        if row["asymmetry"] < 0:
            a, b, t_ab, t_ba, n_ab, n_ba = b, a, t_ba, t_ab, n_ba, n_ab
            lo, hi = -hi, -lo
        value = abs(row["asymmetry"])
        if not tripped(value):
            return GateResult(gate, False, None)
        text = (
            f"Trust is one-sided: {name.get(a, a)} trust {name.get(b, b)} at {t_ab:.2f} (n = {n_ab}) "
            f"but {name.get(b, b)} trust {name.get(a, a)} at only {t_ba:.2f} (n = {n_ba}); the "
            f"asymmetry {figure(value, lo, hi, None)} is {limit}: "
            f"the verdict can be no better than {cap_label}."
        )
        return GateResult(
            gate,
            True,
            Reason(text, "gate", f"{a}>{b}", value, lo, hi, int(min(n_ab, n_ba)), gate.cap),
        )
    if gate.metric == "scale":
        if gate.scale not in scales.index:
            return GateResult(gate, False, None)
        row = scales.loc[gate.scale]
        if not tripped(row["estimate"]) or row["n"] < gate.min_n:
            return GateResult(gate, False, None)
        text = (
            f"{row['title']} scores {figure(row['estimate'], row['low'], row['high'], int(row['n']))}, "
            f"{limit}, a critical concern: the verdict can be no better than {cap_label}."
        )
        return GateResult(
            gate,
            True,
            Reason(
                text,
                "gate",
                gate.scale,
                row["estimate"],
                row["low"],
                row["high"],
                int(row["n"]),
                gate.cap,
            ),
        )
    # over_caution_rate / over_sharing_rate from the workshop vignettes
    column = "over_caution" if gate.metric == "over_caution_rate" else "over_sharing"
    n_col = "lawful_n" if column == "over_caution" else "unlawful_n"
    if calib.empty or calib[n_col].iloc[0] < gate.min_n:
        return GateResult(gate, False, None)
    row = calib.iloc[0]
    if not tripped(row[column]):
        return GateResult(gate, False, None)
    what = (
        "refused sharing that the law allows"
        if column == "over_caution"
        else "would share where the law does not allow it"
    )
    limit_pct = f"below {gate.below:.0%}" if gate.below is not None else f"above {gate.above:.0%}"
    text = (
        f"In the workshop scenarios, participants {what} in "
        f"{figure(row[column], row[column + '_low'], row[column + '_high'], int(row[n_col]), pct=True)} "
        f"of decisions, {limit_pct}: the verdict can be no better than {cap_label}."
    )
    return GateResult(
        gate,
        True,
        Reason(
            text,
            "gate",
            column,
            row[column],
            row[column + "_low"],
            row[column + "_high"],
            int(row[n_col]),
            gate.cap,
        ),
    )


def _triangulation(
    ratings: pd.DataFrame, scales: pd.DataFrame, pillars: pd.DataFrame, ctx: Context
) -> pd.DataFrame:
    """Interview ratings beside the survey score of the same dimension."""
    rows = []
    per_interview = (
        ratings.groupby(["respondent_key", "dimension"])["rating"].mean().reset_index()
        if len(ratings)
        else pd.DataFrame(columns=["respondent_key", "dimension", "rating"])
    )
    for dim, (title, survey_scale) in ctx.dimensions.items():
        r = per_interview.loc[per_interview["dimension"] == dim, "rating"].astype(float)
        if survey_scale in scales.index:
            survey_value = scales.loc[survey_scale, "estimate"]
        elif ctx.model.trust is not None and survey_scale == ctx.model.trust.scale:
            survey_value = pillars.loc[ctx.model.trust.pillar, "estimate"]
        else:
            survey_value = np.nan
        interview_value = r.mean() if len(r) else np.nan
        diff = interview_value - survey_value
        rows.append(
            {
                "dimension": dim,
                "title": title,
                "survey_scale": survey_scale,
                "survey": survey_value,
                "interview": interview_value,
                "interviews": len(r),
                "difference": diff,
                "disagree": bool(abs(diff) > ctx.rules.triangulation.disagreement)
                if not np.isnan(diff)
                else False,
            }
        )
    return pd.DataFrame(rows).set_index("dimension") if rows else pd.DataFrame()


def _themes(codes: pd.DataFrame | None, ctx: Context) -> pd.DataFrame:
    """Interview themes: how many interviews raised each (coder-agnostic), with pillar and type."""
    cols = ["theme", "title", "pillar", "type", "interviews"]
    if codes is None or codes.empty:
        return pd.DataFrame(columns=cols)
    counts = codes.groupby("theme")["response_id"].nunique().rename("interviews").reset_index()
    counts["title"] = counts["theme"].map(lambda t: ctx.themes.get(t, (t, "", ""))[0])
    counts["pillar"] = counts["theme"].map(lambda t: ctx.themes.get(t, (t, "", ""))[1])
    counts["type"] = counts["theme"].map(lambda t: ctx.themes.get(t, (t, "", ""))[2])
    return counts[cols].sort_values(
        ["interviews", "theme"], ascending=[False, True], ignore_index=True
    )


def _cards(cards: pd.DataFrame | None) -> pd.DataFrame:
    """Workshop barrier and enabler cards by pillar, with their votes."""
    cols = ["type", "pillar", "cards", "votes"]
    if cards is None or cards.empty:
        return pd.DataFrame(columns=cols)
    agg = (
        cards.groupby(["type", "pillar"])
        .agg(cards=("slot", "size"), votes=("votes", "sum"))
        .reset_index()
    )
    return agg.sort_values(["type", "votes"], ascending=[True, False], ignore_index=True)[cols]


def change_between(before: Profile, after: Profile, level: float) -> pd.DataFrame:
    """Change in every pillar and scale since the previous wave, with a bootstrap interval
    for the difference (the two waves' resamples are independent, so paired by index)."""
    a, b = before.draws.get("scales"), after.draws.get("scales")
    ids = [*after.scales.index, *after.pillars.index]
    prev = pd.concat([before.scales["estimate"], before.pillars["estimate"]]).reindex(ids)
    curr = pd.concat([after.scales["estimate"], after.pillars["estimate"]]).reindex(ids)
    out = pd.DataFrame(
        {"previous": prev.to_numpy(), "current": curr.to_numpy()},
        index=pd.Index(ids, name="measure"),
    )
    out["difference"] = out["current"] - out["previous"]
    if a is not None and b is not None and a.shape == b.shape and a.size:
        low, high = percentile_interval(b - a, level)
    else:
        low = high = np.full(len(ids), np.nan)
    out["low"], out["high"] = low, high
    out["kind"] = ["scale"] * len(after.scales) + ["pillar"] * len(after.pillars)
    out["previous_wave"] = before.wave
    return out
