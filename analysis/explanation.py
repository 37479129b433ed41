"""Why a verdict is what it is, and what would move it: the rule that decided it, the
conditions of a Ready with conditions, and the smallest set of changes that the rules say
would lift it one step.

Everything here is read from the rules (``readiness_rules.yaml``): the verdict rules' limits
on pillars per band, the critical gates and their caps, minimum evidence, and the table of
suggested next steps. Each line is a :class:`~analysis.verdict.Reason`, so it carries the
cells and group its figures come from and goes through disclosure control like any
reason."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from analysis.verdict import ORDER, GateResult, Reason, Verdict, from_pillars, label_of
from instruments.schema import ReadinessRules

MINIMUM_EVIDENCE = "minimum_evidence"


@dataclass(frozen=True)
class Explanation:
    """``decided_by``: the rule or gate that fixed the verdict. ``conditions``: for Ready
    with conditions, each condition to meet for Ready. ``next_level`` / ``route``: the
    verdict one step up and the smallest set of changes the rules say would reach it (None
    and empty for Ready). ``next_steps``: suggested actions for the gates, pillars or
    evidence involved, from the rules' table."""

    decided_by: Reason
    conditions: tuple[Reason, ...] = ()
    next_level: str | None = None
    route: tuple[Reason, ...] = ()
    next_steps: tuple[tuple[str, str], ...] = ()  # (gate, pillar or evidence id, text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "decided_by": self.decided_by.text,
            "conditions": [r.text for r in self.conditions],
            "next_level": self.next_level,
            "route": [r.text for r in self.route],
            "next_steps": [{"about": k, "text": t} for k, t in self.next_steps],
        }

    def reasons(self) -> list[Reason]:
        """Every line that quotes a figure (for disclosure control)."""
        return [self.decided_by, *self.conditions, *self.route]


@dataclass(frozen=True)
class Facts:
    """What the explanation reads besides the rules: the pillar table (title, estimate,
    band), the gates evaluated, and for minimum evidence the sector table of
    :func:`analysis.coverage.coverage` and the sector names."""

    pillars: pd.DataFrame
    gates: list[GateResult]
    coverage: pd.DataFrame
    sector_names: dict[str, str] = field(default_factory=dict)
    key_sectors: list[str] = field(default_factory=list)


def explain(
    verdict_id: str, pillar_verdict: str, rules: ReadinessRules, facts: Facts
) -> Explanation:
    """The explanation of ``verdict_id`` (``pillar_verdict`` is what the pillar bands alone
    give, before gates cap it)."""
    if verdict_id == "insufficient_evidence":
        route = _evidence_route(rules, facts)
        decided = Reason(
            "Decided by the minimum evidence rule: "
            + "; ".join(r.text.rstrip(".") for r in route if r.kind == "evidence_count")
            + ".",
            "rule",
            MINIMUM_EVIDENCE,
        )
        steps = [r for r in route if r.kind != "evidence_count"]
        return Explanation(
            decided,
            next_level="not_yet_ready",
            route=tuple(steps),
            next_steps=_advice(rules, [MINIMUM_EVIDENCE]),
        )
    decided = _decided_by(verdict_id, pillar_verdict, rules, facts)
    up = _one_up(verdict_id)
    route = tuple(_route_to(up, rules, facts)) if up else ()
    subjects = [r.subject for r in route] or ([decided.subject] if up else [])
    return Explanation(
        decided,
        conditions=route if verdict_id == "ready_with_conditions" else (),
        next_level=up,
        route=route,
        next_steps=_advice(rules, subjects),
    )


def _one_up(verdict_id: str) -> str | None:
    i = ORDER.index(verdict_id)
    return ORDER[i + 1] if i + 1 < len(ORDER) else None


# --- decided by ---------------------------------------------------------------------------


def _band_label(rules: ReadinessRules, band: str) -> str:
    return next((b.label.lower() for b in rules.bands if b.id == band), band)


def _counts(pillars: pd.DataFrame) -> pd.Series:
    return pillars["band"].value_counts()


def _pillar_rule_sentence(verdict_id: str, rules: ReadinessRules, pillars: pd.DataFrame) -> str:
    """The pillar rule that gave ``verdict_id``: the limit of the level above that the
    pillars break, or (for the best level) the limits they keep."""
    counts = _counts(pillars)

    def n_in(band: str) -> str:
        n = int(counts.get(band, 0))
        names = ", ".join(pillars.loc[pillars["band"] == band, "title"].astype(str))
        count = "no pillar" if n == 0 else f"{n} pillar{'' if n == 1 else 's'}"
        return f"{count} in the {_band_label(rules, band)} band" + (f" ({names})" if n else "")

    up = _one_up(verdict_id)
    rule_up = next((v for v in rules.verdicts if v.id == up), None)
    if rule_up is not None:
        broken = [(b, lim) for b, lim in rule_up.max_pillars.items() if counts.get(b, 0) > lim]
        if broken:
            return "; ".join(
                f"{n_in(b)}; {rule_up.label} allows at most {lim}" for b, lim in broken
            )
    rule = next((v for v in rules.verdicts if v.id == verdict_id), None)
    if rule is None or not rule.max_pillars:
        return "the pillar bands"
    kept = "; ".join(
        f"{n_in(b)}, {'none' if lim == 0 else f'at most {lim}'} allowed"
        for b, lim in rule.max_pillars.items()
    )
    return f"{kept}: every limit of {rule.label} holds"


def _decided_by(
    verdict_id: str, pillar_verdict: str, rules: ReadinessRules, facts: Facts
) -> Reason:
    label = label_of(rules, verdict_id)
    capping = [
        g for g in facts.gates if g.tripped and g.reason is not None and g.gate.cap == verdict_id
    ]
    pillar_rule = _pillar_rule_sentence(pillar_verdict, rules, facts.pillars)
    if ORDER.index(verdict_id) < ORDER.index(pillar_verdict) and capping:
        g = capping[0]
        title = g.gate.title or g.gate.id.replace("_", " ")
        text = (
            f"Decided by the critical gate “{title}”: it caps the verdict at {label}, "
            f"although the pillars alone would give {label_of(rules, pillar_verdict)} "
            f"({pillar_rule})."
        )
        plain = (
            f"Decided by the critical gate “{title}”: it caps the verdict at {label}; its "
            "figures are hidden because a group is too small to show."
        )
        return Reason(
            text, "rule", g.gate.id, cells=g.reason.cells, group=g.reason.group, plain=plain
        )
    text = f"Decided by the pillar bands: {pillar_rule}."
    if capping:
        title = capping[0].gate.title or capping[0].gate.id.replace("_", " ")
        text += f" The critical gate “{title}” would also cap it at {label}."
    return Reason(text, "rule", "pillars")


# --- the route one step up ----------------------------------------------------------------


def _route_to(target: str, rules: ReadinessRules, facts: Facts) -> list[Reason]:
    steps = [_clear_gate(g) for g in facts.gates if _blocks(g, target)]
    rule = next((v for v in rules.verdicts if v.id == target), None)
    if rule is not None:
        steps += _pillar_moves(rule.max_pillars, rules, facts.pillars)
    return steps


def _blocks(g: GateResult, target: str) -> bool:
    """A tripped gate whose cap is below ``target`` must clear for the verdict to get there."""
    return g.tripped and g.reason is not None and ORDER.index(g.gate.cap) < ORDER.index(target)


def _clear_gate(g: GateResult) -> Reason:
    gate, r = g.gate, g.reason
    title = gate.title or gate.id.replace("_", " ")
    percent = r.subject in {"over_caution", "over_sharing"}
    fmt = (lambda x: f"{x:.0%}") if percent else (lambda x: f"{x:.2f}")
    what = r.about or title
    if gate.below is not None:
        need = f"must reach {fmt(gate.below)}"
    else:
        need = f"must come down to {fmt(gate.above)} or less"
    return Reason(
        f"{what}: now {fmt(r.value)}, {need} (gate “{title}”).",
        "condition",
        gate.id,
        value=r.value,
        n=r.n,
        cells=r.cells,
        group=r.group,
        plain=f"{what} must clear the gate “{title}” (figures hidden: a group is too small).",
    )


def _pillar_moves(
    limits: dict[str, int], rules: ReadinessRules, pillars: pd.DataFrame
) -> list[Reason]:
    """The fewest pillars to move up (ties: the smallest total distance to the band
    minima) so that every band holds no more pillars than ``limits`` allow."""
    if not limits:
        return []
    order = [b.id for b in rules.bands]  # highest first
    mins = {b.id: b.min for b in rules.bands}
    rows = pillars.dropna(subset=["estimate"])
    current = np.array([order.index(b) for b in rows["band"]], dtype=int)
    if not len(current):
        return []
    # Every way of moving pillars up (to a lower band index, or staying), as one array.
    grid = np.array(list(itertools.product(*[range(c + 1) for c in current])), dtype=int)
    ok = np.ones(len(grid), dtype=bool)
    for band, limit in limits.items():
        ok &= (grid == order.index(band)).sum(axis=1) <= limit
    if not ok.any():
        return []
    floor = np.array([mins[b] for b in order])[grid]
    gap = np.maximum(floor - rows["estimate"].to_numpy(dtype=float), 0.0).sum(axis=1)
    moved = (grid != current).sum(axis=1)
    candidates = np.flatnonzero(ok)
    target = grid[candidates[np.lexsort((gap[candidates], moved[candidates]))[0]]]
    steps = []
    for (pid, row), t, c in zip(rows.iterrows(), target, current, strict=True):
        if t == c:
            continue
        band = order[t]
        steps.append(
            Reason(
                f"{row['title']}: now {row['estimate']:.2f} ({_band_label(rules, row['band'])}), "
                f"must reach {mins[band]:.2f} (the {_band_label(rules, band)} band).",
                "condition",
                str(pid),
                value=float(row["estimate"]),
                n=int(row["n"]) if "n" in row and not np.isnan(row["n"]) else None,
            )
        )
    return steps


# --- minimum evidence ---------------------------------------------------------------------


def _evidence_route(rules: ReadinessRules, facts: Facts) -> list[Reason]:
    """Exactly what is missing: respondents, sectors, key sectors (with how many more each
    sector needs)."""
    me = rules.minimum_evidence
    cov = facts.coverage
    name = facts.sector_names
    total = int(cov["n"].sum())
    covered = cov[cov["covered"]]
    out: list[Reason] = []
    if total < me.respondents:
        out.append(
            Reason(
                f"{total} survey respondents, at least {me.respondents} needed",
                "evidence_count",
                "respondents",
            )
        )
        out.append(
            Reason(
                f"{me.respondents - total} more survey respondents "
                f"({me.respondents} needed, {total} now).",
                "evidence",
                MINIMUM_EVIDENCE,
            )
        )

    def short(code: str) -> str:
        n = int(cov.loc[code, "n"])
        more = me.respondents_per_sector - n
        return f"{name.get(code, code)} ({n} now, {more} more)"

    if len(covered) < me.covered_sectors:
        need = me.covered_sectors - len(covered)
        nearest = cov[~cov["covered"]].sort_values("n", ascending=False)
        out.append(
            Reason(
                f"{len(covered)} sectors with at least {me.respondents_per_sector} respondents, "
                f"at least {me.covered_sectors} needed",
                "evidence_count",
                "sectors",
            )
        )
        out.append(
            Reason(
                f"{need} more sector{'' if need == 1 else 's'} with at least "
                f"{me.respondents_per_sector} respondents each; the nearest: "
                + ", ".join(short(s) for s in nearest.index[: max(need, 3)])
                + ".",
                "evidence",
                MINIMUM_EVIDENCE,
            )
        )
    covered_key = [s for s in covered.index if s in facts.key_sectors]
    if len(covered_key) < me.covered_key_sectors:
        need = me.covered_key_sectors - len(covered_key)
        missing = [s for s in facts.key_sectors if s not in covered_key]
        missing.sort(key=lambda s: -int(cov.loc[s, "n"]) if s in cov.index else 0)
        out.append(
            Reason(
                f"{len(covered_key)} key sectors with enough evidence, at least "
                f"{me.covered_key_sectors} needed",
                "evidence_count",
                "key_sectors",
            )
        )
        out.append(
            Reason(
                f"{need} more key sector{'' if need == 1 else 's'} with at least "
                f"{me.respondents_per_sector} respondents each, from: "
                + ", ".join(short(s) for s in missing if s in cov.index)
                + ".",
                "evidence",
                MINIMUM_EVIDENCE,
            )
        )
    return out


def _advice(rules: ReadinessRules, subjects: list[str]) -> tuple[tuple[str, str], ...]:
    seen: list[str] = []
    for s in subjects:
        if s in rules.next_steps and s not in seen:
            seen.append(s)
    return tuple((s, rules.next_steps[s].strip()) for s in seen)


# --- the verdict, explained ---------------------------------------------------------------

TRUST_METRICS = {"key_pair_mutual_trust", "max_asymmetry"}


def explained(
    verdict: Verdict,
    *,
    rules: ReadinessRules,
    facts: Facts,
    pairs: pd.DataFrame,
    probability: dict[str, float],
) -> Verdict:
    """``verdict`` with its explanation, how likely it is, the statement of it (its label,
    with how likely it is when it is not settled), and — when a trust gate is involved —
    the weakest key-sector pairs named among its reasons."""
    pillar_verdict = from_pillars(facts.pillars, rules)
    explanation = explain(verdict.id, pillar_verdict, rules, facts)
    reasons = list(verdict.reasons)
    trust_gate = any(g.tripped and g.gate.metric in TRUST_METRICS for g in facts.gates)
    if trust_gate and verdict.id != "insufficient_evidence":
        links = weakest_links(pairs, facts.sector_names, facts.key_sectors)
        if links is not None:
            reasons.append(links)
    return replace(
        verdict,
        reasons=reasons,
        explanation=explanation,
        probability=probability,
        statement=statement(verdict.id, probability, rules),
    )


def statement(verdict_id: str, probability: dict[str, float], rules: ReadinessRules) -> str:
    """ "Ready with conditions — 62% likely; could be Not yet ready" when the verdict has
    less than ``certainty.settled`` probability; else just its label."""
    label = label_of(rules, verdict_id)
    p = probability.get(verdict_id)
    if p is None or p >= rules.certainty.settled:
        return label
    others = sorted(
        ((q, v) for v, q in probability.items() if v != verdict_id and q > 0), reverse=True
    )
    instead = f"; could be {label_of(rules, others[0][1])}" if others else ""
    return f"{label} — {p:.0%} likely{instead}"


def weakest_links(
    pairs: pd.DataFrame, names: dict[str, str], keys: list[str], k: int = 3
) -> Reason | None:
    """The ``k`` weakest links between key sectors, as one reason naming the pairs."""
    if pairs.empty:
        return None
    key = set(keys)
    both = pairs[[a in key and b in key for a, b in zip(pairs["a"], pairs["b"], strict=True)]]
    top = both.nsmallest(k, "mutual") if len(both) else pairs.nsmallest(k, "mutual")
    if top.empty:
        return None
    listed = "; ".join(
        f"{names.get(a, a)} and {names.get(b, b)} {m:.2f}"
        for a, b, m in zip(top["a"], top["b"], top["mutual"], strict=True)
    )
    cells = tuple(c for a, b in zip(top["a"], top["b"], strict=True) for c in ((a, b), (b, a)))
    return Reason(
        f"The weakest links between key sectors (mutual trust): {listed}.",
        "links",
        "weakest_links",
        cells=cells,
        plain="The weakest links between key sectors are listed with the trust between sectors "
        "(pairs with a group too small to show are left out).",
    )
