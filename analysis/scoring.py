"""Scoring the staff survey: reverse-keying, scale, trust and pillar scores per respondent.

Everything is driven by the instrument: which items form which scale, which are
reverse-keyed, the keyed answers of the knowledge check and each scale's missing-data rule.
Nothing here names an item."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from instruments.schema import SurveyInstrument


@dataclass(frozen=True)
class ScaleSpec:
    id: str
    pillar: str
    kind: str  # likert | knowledge
    items: tuple[str, ...]
    reverse: tuple[bool, ...]
    keyed: tuple[bool | None, ...]
    points: int
    min_answered: float


@dataclass(frozen=True)
class TrustSpec:
    scale: str
    pillar: str
    sectors: tuple[str, ...]
    facets: tuple[str, ...]
    pattern: str
    min_answered: float

    def item(self, sector: str, facet: str) -> str:
        return self.pattern.format(sector=sector, facet=facet)

    @property
    def items(self) -> list[str]:
        return [self.item(s, f) for s in self.sectors for f in self.facets]


@dataclass(frozen=True)
class ScoringModel:
    """What scoring needs from an instrument, as plain data."""

    scales: tuple[ScaleSpec, ...]
    pillars: tuple[str, ...]
    pillar_titles: dict[str, str]
    scale_titles: dict[str, str]
    trust: TrustSpec | None

    @property
    def items(self) -> list[str]:
        own = [i for s in self.scales for i in s.items]
        return own + (self.trust.items if self.trust else [])

    def scale(self, scale_id: str) -> ScaleSpec:
        return next(s for s in self.scales if s.id == scale_id)


def scoring_model(inst: SurveyInstrument, sectors: list[str]) -> ScoringModel:
    """Build the scoring model of a survey instrument for the given sector codes."""
    scales = []
    for s in inst.scales:
        if s.kind == "trust":
            continue
        items = [i for i in inst.items if i.scale == s.id]
        points = max((inst.response_scales[i.response].points or 2) for i in items)
        scales.append(
            ScaleSpec(
                id=s.id,
                pillar=s.pillar,
                kind=s.kind,
                items=tuple(i.id for i in items),
                reverse=tuple(i.reverse for i in items),
                keyed=tuple(i.keyed for i in items),
                points=points,
                min_answered=s.min_answered,
            )
        )
    trust = None
    if inst.trust is not None:
        scale = next(s for s in inst.scales if s.id == inst.trust.scale)
        trust = TrustSpec(
            scale=scale.id,
            pillar=scale.pillar,
            sectors=tuple(sectors),
            facets=tuple(f.id for f in inst.trust.facets),
            pattern=inst.trust.id_pattern,
            min_answered=inst.trust.min_answered,
        )
    return ScoringModel(
        scales=tuple(scales),
        pillars=tuple(p.id for p in inst.pillars),
        pillar_titles={p.id: p.title.en for p in inst.pillars},
        scale_titles={s.id: s.title.en for s in inst.scales},
        trust=trust,
    )


def reverse_key(values: np.ndarray | pd.Series, points: int) -> np.ndarray | pd.Series:
    """Reverse a Likert answer: ``x' = (points + 1) - x``; missing stays missing.

    In R: ``psych::reverse.code(-1, x, mini = 1, maxi = points)``."""
    return (points + 1) - values


def _block(frame: pd.DataFrame, items: list[str] | tuple[str, ...]) -> np.ndarray:
    """The item columns as a float matrix; absent columns are all missing."""
    return frame.reindex(columns=list(items)).to_numpy(dtype=float, na_value=np.nan, copy=True)


def _rule_mean(block: np.ndarray, min_answered: float) -> np.ndarray:
    """Row means of answered cells where at least ``min_answered`` of them are answered."""
    answered = ~np.isnan(block)
    count = answered.sum(axis=1)
    total = np.where(answered, block, 0.0).sum(axis=1)
    enough = count >= np.ceil(min_answered * block.shape[1] - 1e-9)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(enough & (count > 0), total / count, np.nan)


def keyed_items(frame: pd.DataFrame, spec: ScaleSpec) -> np.ndarray:
    """A scale's items ready to score: Likert items reverse-keyed where the instrument says,
    knowledge items turned into 1 (correct) / 0 (wrong)."""
    return _keyed(_block(frame, spec.items), spec)


def _keyed(block: np.ndarray, spec: ScaleSpec) -> np.ndarray:
    """:func:`keyed_items` on a scale's item matrix (changed in place and returned)."""
    if spec.kind == "knowledge":
        keyed = np.array([1.0 if k else 0.0 for k in spec.keyed])
        return np.where(np.isnan(block), np.nan, (block == keyed).astype(float))
    rev = np.array(spec.reverse)
    if rev.any():
        block[:, rev] = reverse_key(block[:, rev], spec.points)
    return block


def scale_scores(frame: pd.DataFrame, model: ScoringModel) -> pd.DataFrame:
    """Per respondent, every scale score (index as ``frame``).

    Notes
    -----
    Likert scale score = mean of the answered (reverse-keyed) items when at least
    ``min_answered`` of the scale's items are answered, else missing. Knowledge score =
    share of answered statements whose answer matches the key, under the same rule.
    In R: ``psych::scoreItems(keys, items, impute = "none", min = 1, max = 5)$scores``
    (which needs the missing-data rule applied separately)."""
    # One conversion of every item column, then a slice per scale: far cheaper than one
    # reindex per scale when many small groups are scored.
    block = _block(frame, [i for s in model.scales for i in s.items])
    out, start = {}, 0
    for s in model.scales:
        end = start + len(s.items)
        out[s.id] = _rule_mean(_keyed(block[:, start:end], s), s.min_answered)
        start = end
    return pd.DataFrame(out, index=frame.index)


def trust_scores(frame: pd.DataFrame, model: ScoringModel) -> pd.DataFrame:
    """Per respondent and target sector, the mean of the trust facets (columns: sectors).

    A target is scored when at least the block's ``min_answered`` share of facets is
    answered."""
    spec = model.trust
    if spec is None:
        return pd.DataFrame(index=frame.index)
    block = _block(frame, spec.items).reshape(len(frame), len(spec.sectors), len(spec.facets))
    answered = ~np.isnan(block)
    count = answered.sum(axis=2)
    total = np.where(answered, block, 0.0).sum(axis=2)
    need = np.ceil(spec.min_answered * len(spec.facets) - 1e-9)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where((count >= need) & (count > 0), total / count, np.nan)
    return pd.DataFrame(means, index=frame.index, columns=list(spec.sectors))


def trust_pillar(trust: pd.DataFrame, rater_sector: pd.Series) -> pd.Series:
    """Each respondent's mean trust in OTHER sectors (own-sector rating left out)."""
    values = trust.to_numpy(dtype=float, copy=True)
    own = trust.columns.get_indexer(rater_sector.to_numpy())
    rows = np.flatnonzero(own >= 0)
    values[rows, own[rows]] = np.nan
    answered = ~np.isnan(values)
    count = answered.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, np.where(answered, values, 0).sum(axis=1) / count, np.nan)
    return pd.Series(mean, index=trust.index)


def pillar_scores(
    scales: pd.DataFrame, model: ScoringModel, trust_pillar_scores: pd.Series | None = None
) -> pd.DataFrame:
    """Per respondent, each pillar = mean of its available Likert scale scores (knowledge
    scores are on another metric and left out); the trust pillar is the mean trust in
    other sectors."""
    out = {}
    for pillar in model.pillars:
        ids = [s.id for s in model.scales if s.pillar == pillar and s.kind == "likert"]
        if model.trust is not None and model.trust.pillar == pillar:
            out[pillar] = (
                trust_pillar_scores
                if trust_pillar_scores is not None
                else pd.Series(np.nan, index=scales.index)
            )
        elif ids:
            out[pillar] = scales[ids].mean(axis=1, skipna=True)
    return pd.DataFrame(out, index=scales.index)


@dataclass(frozen=True)
class Scores:
    """Every score of every respondent, aligned on the survey frame's index."""

    scales: pd.DataFrame
    trust: pd.DataFrame  # respondent x target sector
    pillars: pd.DataFrame


def score(frame: pd.DataFrame, model: ScoringModel) -> Scores:
    """Score a survey frame (one row per respondent; item columns and ``sector``)."""
    scales = scale_scores(frame, model)
    trust = trust_scores(frame, model)
    tp = trust_pillar(trust, frame["sector"]) if model.trust is not None else None
    return Scores(scales=scales, trust=trust, pillars=pillar_scores(scales, model, tp))
