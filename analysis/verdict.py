"""The verdict: Ready, Ready with conditions, Not yet ready or Insufficient evidence.

Rules come from ``readiness_rules.yaml``: minimum evidence first, then the pillar bands,
then critical gates that cap the verdict instead of being averaged away. Every verdict
carries its reasons, each a sentence naming the scale or sector pair, the value, its
interval and n."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from instruments.schema import Gate, ReadinessRules

if TYPE_CHECKING:
    from analysis.explanation import Explanation

ORDER = ["insufficient_evidence", "not_yet_ready", "ready_with_conditions", "ready"]


@dataclass(frozen=True)
class Reason:
    """One reason for a verdict, with the numbers behind it.

    What the figures come from is kept as data for disclosure control
    (:func:`analysis.disclosure.disclose_reason`): ``cells`` are the trust cells (rater,
    target) it quotes, ``group`` the group of people it describes (e.g. ``"workshop"``),
    and ``plain`` the same reason in words without figures."""

    text: str
    kind: str  # evidence | pillar | gate | strength
    subject: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    n: int | None = None
    caps: str | None = None
    cells: tuple[tuple[str, str], ...] = ()
    group: str | None = None
    plain: str | None = None
    about: str = ""  # what its figure measures, in a few words ("Mutual trust between …")

    def to_dict(self) -> dict[str, Any]:
        data = {
            k: json_value(v)
            for k, v in asdict(self).items()
            if k not in {"cells", "plain", "about"}
        }
        return data | {"cells": [list(c) for c in self.cells]}


@dataclass(frozen=True)
class Verdict:
    """The verdict, its reasons, why it is what it is (``explanation``), and how likely each
    verdict is (``probability``: verdict id → share of bootstrap resamples giving it)."""

    id: str
    label: str
    reasons: list[Reason] = field(default_factory=list)
    explanation: Explanation | None = None
    probability: dict[str, float] = field(default_factory=dict)
    statement: str = ""  # the label, with how likely it is when it is not settled

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "statement": self.statement or self.label,
            "reasons": [r.to_dict() for r in self.reasons],
            "explanation": self.explanation.to_dict() if self.explanation else None,
            "probability": {k: json_value(v) for k, v in self.probability.items()},
        }


def json_value(v: Any) -> Any:
    """A number as JSON shows it: NaN as null, 4 decimals, numpy scalars as Python ones."""
    if isinstance(v, float | np.floating):
        return None if np.isnan(v) else round(float(v), 4)
    if isinstance(v, np.integer | np.bool_):
        return v.item()
    return v


def figure(
    value: float, low: float | None, high: float | None, n: int | None, pct: bool = False
) -> str:
    """'3.42 (95% interval 3.31–3.53, n = 140)' — the way every reason quotes a number."""

    def f(x: float) -> str:
        return f"{x:.0%}" if pct else f"{x:.2f}"

    parts = []
    if low is not None and high is not None and not (np.isnan(low) or np.isnan(high)):
        parts.append(f"95% interval {f(low)}–{f(high)}")
    if isinstance(n, str):
        parts.append(n)
    elif n is not None:
        parts.append(f"n = {n}")
    return f(value) + (f" ({', '.join(parts)})" if parts else "")


@dataclass(frozen=True)
class GateResult:
    gate: Gate
    tripped: bool
    reason: Reason | None


def label_of(rules: ReadinessRules, verdict_id: str) -> str:
    if verdict_id == "insufficient_evidence":
        return rules.insufficient_label
    return next(v.label for v in rules.verdicts if v.id == verdict_id)


def from_pillars(pillars: pd.DataFrame, rules: ReadinessRules) -> str:
    """The best verdict whose per-band limits the pillar bands respect."""
    counts = pillars["band"].value_counts()
    for rule in rules.verdicts:
        if all(counts.get(band, 0) <= limit for band, limit in rule.max_pillars.items()):
            return rule.id
    return "not_yet_ready"


def decide(
    *,
    rules: ReadinessRules,
    evidence_reasons: list[Reason],
    pillars: pd.DataFrame,
    gates: list[GateResult],
) -> Verdict:
    """Combine minimum evidence, pillar bands and gates into the verdict with reasons.

    ``evidence_reasons`` lists the minimum-evidence rules that failed (empty when the
    evidence suffices); ``pillars`` has title, estimate, low, high, n and band."""
    if evidence_reasons:
        return Verdict(
            "insufficient_evidence", label_of(rules, "insufficient_evidence"), evidence_reasons
        )
    verdict = from_pillars(pillars, rules)
    reasons: list[Reason] = []
    worst_first = pillars.sort_values("estimate")
    for pid, row in worst_first.iterrows():
        if row["band"] == rules.bands[0].id:
            continue
        band = next(b for b in rules.bands if b.id == row["band"])
        reasons.append(
            Reason(
                f"{row['title']} scores "
                f"{figure(row['estimate'], row['low'], row['high'], int(row['n']))}, "
                f"in the {band.label.lower()} band.",
                "pillar",
                str(pid),
                row["estimate"],
                row["low"],
                row["high"],
                int(row["n"]),
            )
        )
    tripped = [g for g in gates if g.tripped and g.reason is not None]
    # The most severe gate first; a milder gate on the same subject adds no new reason.
    tripped.sort(key=lambda g: ORDER.index(g.gate.cap))
    named: set[tuple[str, str]] = set()
    for result in tripped:
        if ORDER.index(result.gate.cap) < ORDER.index(verdict):
            verdict = result.gate.cap
        key = (result.gate.metric, result.reason.subject)
        if key not in named:
            named.add(key)
            reasons.append(result.reason)
    # Critical concerns first: they are what a board must read before anything else.
    reasons.sort(key=lambda r: r.kind != "gate")
    if not reasons:
        strong = pillars[pillars["band"] == rules.bands[0].id]
        reasons.append(
            Reason(
                f"All {len(strong)} pillars are in the {rules.bands[0].label.lower()} band and no "
                "critical concern was found.",
                "strength",
                "pillars",
            )
        )
    return Verdict(verdict, label_of(rules, verdict), reasons)
