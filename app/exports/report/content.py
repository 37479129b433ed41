"""What an area report says, worked out once for every format: the verdict and why, the
pillars and scales, the trust matrix, weakest links, confidence about the law, interviews
and workshops beside the survey, who gave evidence, the trend across every wave and a
method note.

Everything comes from disclosure-controlled profiles (:class:`analysis.disclosure.Disclosed`)
that the reader's account may see, rounded as a reader expects (2 decimals for scores,
whole per cent) and named, never coded. The writers (HTML, PDF, PowerPoint) only lay it
out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from analysis.change import METHOD as CHANGE_METHOD
from analysis.change import change_table
from analysis.disclosure import Disclosed
from analysis.readiness import Profile
from analysis.verdict import label_of
from instruments.catalogue import Catalogue
from instruments.kinds import INTERVIEW

SUPPRESSED = "suppressed"


def score(x: object) -> str:
    """A score as a reader expects it: 2 decimals; "–" for none."""
    return "–" if x is None or pd.isna(x) else f"{float(x):.2f}"


def percent(x: object) -> str:
    return "–" if x is None or pd.isna(x) else f"{float(x):.0%}"


def interval(low: object, high: object, fmt=score) -> str:
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return ""
    return f"{fmt(low)}–{fmt(high)}"


@dataclass(frozen=True)
class ScoreRow:
    """One pillar or scale: its title, figures as numbers (for charts) and as text."""

    id: str
    title: str
    estimate: float
    low: float
    high: float
    n: int
    band: str  # the band's label, or "" with no score
    benchmark: float = float("nan")
    share: bool = False  # a 0–1 share (the knowledge check), shown as per cent

    @property
    def text(self) -> str:
        return percent(self.estimate) if self.share else score(self.estimate)

    @property
    def range(self) -> str:
        return interval(self.low, self.high, percent if self.share else score)

    @property
    def median(self) -> str:
        return percent(self.benchmark) if self.share else score(self.benchmark)


@dataclass(frozen=True)
class Matrix:
    """The disclosure-controlled trust matrix: values shown, n, status per cell, names."""

    title: str
    values: pd.DataFrame
    n: pd.DataFrame
    status: pd.DataFrame
    names: dict[str, str]
    diverging: bool = False

    def label(self, code: str) -> str:
        return self.names.get(code, code)


@dataclass(frozen=True)
class ReportContent:
    """Everything an area report shows, ready to lay out."""

    product: str
    area: str
    area_name: str
    wave: str
    made_on: date
    versions: str  # the instruments and rules the evidence was collected and judged under
    verdict_id: str
    verdict: str  # the label
    statement: str  # the label with how likely it is when it is not settled
    probability: dict[str, float]
    reasons: list[str]
    decided_by: str
    conditions: list[str]
    next_level: str | None
    route: list[str]
    next_steps: list[tuple[str, str]]
    pillars: list[ScoreRow]
    scales: list[ScoreRow]
    bands: list[tuple[str, float]]  # (label, min), highest first
    trust: list[Matrix]
    weakest_links: pd.DataFrame  # readable columns
    calibration: list[str]  # sentences
    calibration_table: pd.DataFrame
    beside: pd.DataFrame  # interviews beside the survey
    themes: pd.DataFrame
    cards: pd.DataFrame
    coverage: pd.DataFrame
    counts: str
    missing_key: str
    disagreement: str
    trend: pd.DataFrame  # waves × pillar titles
    change: pd.DataFrame  # since the previous wave, readable
    quotes: pd.DataFrame = field(default_factory=pd.DataFrame)
    actions: pd.DataFrame = field(default_factory=pd.DataFrame)  # readable, open first
    comment_themes: pd.DataFrame = field(default_factory=pd.DataFrame)  # counts, no text
    actions_summary: str = ""
    method: list[str] = field(default_factory=list)
    min_group: int = 5

    @property
    def title(self) -> str:
        return f"{self.area_name} ({self.area}), wave {self.wave}"


def build(
    disclosed: Disclosed,
    history: list[Disclosed],
    *,
    catalogue: Catalogue,
    area_name: str,
    benchmark: pd.Series,
    min_group: int,
    quotes: pd.DataFrame | None = None,
    actions: pd.DataFrame | None = None,
    comment_themes: pd.DataFrame | None = None,
    made_on: date | None = None,
) -> ReportContent:
    """The content of one area-wave's report. ``history`` is every wave of the area up to
    and including this one, disclosure-controlled, in order (for the trend). ``actions``:
    the area's action plans as :func:`app.actions.readable` gives them; ``comment_themes``
    the open comments per theme (counts only, no comment text)."""
    p = disclosed.profile
    rules = catalogue.rules
    names = {s.code: s.short for s in catalogue.sectors.sectors}
    band_label = {b.id: b.label for b in rules.bands}
    v = p.verdict
    ex = v.explanation
    pillar_titles = p.pillars["title"].to_dict()
    return ReportContent(
        product="Sharing Readiness",
        area=p.area,
        area_name=area_name,
        wave=p.wave,
        made_on=made_on or date.today(),
        versions=_versions(catalogue),
        verdict_id=v.id,
        verdict=v.label,
        statement=v.statement or v.label,
        probability={label_of(rules, k): q for k, q in v.probability.items() if q > 0},
        reasons=[r.text for r in v.reasons],
        decided_by=ex.decided_by.text if ex else "",
        conditions=[r.text for r in ex.conditions] if ex else [],
        next_level=label_of(rules, ex.next_level) if ex and ex.next_level else None,
        route=[r.text for r in ex.route] if ex else [],
        next_steps=[(_about(k, rules, pillar_titles), t) for k, t in ex.next_steps] if ex else [],
        pillars=_rows(p.pillars, band_label, benchmark),
        scales=_rows(p.scales, band_label, benchmark),
        bands=[(b.label, b.min) for b in rules.bands],
        trust=_matrices(disclosed, names),
        weakest_links=_links(p.pairs, names),
        calibration=_calibration_lines(p, min_group),
        calibration_table=_calibration_table(disclosed, names),
        beside=_beside(p),
        themes=_themes(p),
        cards=_cards(p, pillar_titles),
        coverage=_coverage(disclosed, names, min_group),
        counts=(
            f"{p.respondents} survey respondents, {p.interviews} interviews, "
            f"{p.workshop_participants} workshop participants."
        ),
        missing_key=", ".join(names.get(s, s) for s in p.missing_key_sectors),
        disagreement=", ".join(
            p.scales.loc[s, "title"] for s in p.disagreement if s in p.scales.index
        ),
        trend=_trend(history),
        change=_change(p),
        quotes=_quotes(quotes, names, catalogue),
        actions=actions if actions is not None else pd.DataFrame(),
        actions_summary=_actions_summary(actions),
        comment_themes=comment_themes if comment_themes is not None else pd.DataFrame(),
        method=method_note(catalogue, min_group),
        min_group=min_group,
    )


def _actions_summary(actions: pd.DataFrame | None) -> str:
    if actions is None or actions.empty:
        return "No action has been planned for this area yet."
    still = actions["Status"].isin(["Planned", "In progress"])
    late = int((still & actions["Overdue"]).sum())
    return f"{len(actions)} action(s): {int(still.sum())} open, {late} overdue."


def _versions(cat: Catalogue) -> str:
    parts = [f"{i.title.en} {i.version}" for i in cat.instruments.values()]
    return "; ".join([*parts, f"readiness rules {cat.rules.version}"])


def _about(key: str, rules, pillar_titles: dict[str, str]) -> str:
    gate = next((g for g in rules.gates if g.id == key), None)
    if gate is not None:
        return gate.title or key.replace("_", " ").capitalize()
    if key in pillar_titles:
        return str(pillar_titles[key])
    return "Minimum evidence" if key == "minimum_evidence" else key.replace("_", " ")


def _rows(table: pd.DataFrame, band_label: dict[str, str], benchmark: pd.Series) -> list:
    rows = []
    for key, r in table.iterrows():
        rows.append(
            ScoreRow(
                id=str(key),
                title=str(r["title"]),
                estimate=float(r["estimate"]) if pd.notna(r["estimate"]) else float("nan"),
                low=float(r["low"]) if pd.notna(r["low"]) else float("nan"),
                high=float(r["high"]) if pd.notna(r["high"]) else float("nan"),
                n=int(r["n"]),
                band=band_label.get(r["band"], "") if isinstance(r["band"], str) else "",
                benchmark=float(benchmark.get(key, np.nan)),
                share=r.get("kind") == "knowledge",
            )
        )
    return rows


def _matrices(d: Disclosed, names: dict[str, str]) -> list[Matrix]:
    return [
        Matrix(
            "Trust: how much staff of each sector (row) trust each sector (column)",
            d.trust_mean,
            d.trust_n,
            d.trust_status,
            names,
        ),
        Matrix(
            "Mutual trust: the two directions of each pair averaged",
            d.mutual,
            d.trust_n,
            d.trust_status,
            names,
        ),
        Matrix(
            "Asymmetry: how one-sided the trust of each pair is (row minus column, halved)",
            d.asymmetry,
            d.trust_n,
            d.trust_status,
            names,
            diverging=True,
        ),
    ]


def _links(pairs: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    if pairs.empty:
        return pd.DataFrame(columns=["Sectors", "Mutual trust", "95% interval", "One-sided by"])
    top = pairs.head(5)
    return pd.DataFrame(
        {
            "Sectors": [
                f"{names.get(a, a)} and {names.get(b, b)}"
                for a, b in zip(top["a"], top["b"], strict=True)
            ],
            "Mutual trust": [score(x) for x in top["mutual"]],
            "95% interval": [
                interval(lo, hi)
                for lo, hi in zip(top["mutual_low"], top["mutual_high"], strict=True)
            ],
            "One-sided by": [score(abs(x)) for x in top["asymmetry"]],
            "Raters": [f"{a} and {b}" for a, b in zip(top["n_ab"], top["n_ba"], strict=True)],
        }
    )


def _calibration_lines(p: Profile, min_group: int) -> list[str]:
    c = p.calibration
    if c.empty or not c["lawful_n"].iloc[0]:
        return ["There is no workshop evidence for this wave."]
    row = c.iloc[0]
    if pd.isna(row["over_caution"]):
        return [
            f"Fewer than {min_group} people took part in this wave's workshop, so its figures "
            "are not shown."
        ]
    return [
        f"In the workshop scenarios, participants held back where sharing was lawful in "
        f"{percent(row['over_caution'])} of decisions (95% interval "
        f"{interval(row['over_caution_low'], row['over_caution_high'], percent)}, "
        f"n = {int(row['lawful_n'])}).",
        f"They would have shared where it was not lawful in {percent(row['over_sharing'])} "
        f"(95% interval {interval(row['over_sharing_low'], row['over_sharing_high'], percent)}, "
        f"n = {int(row['unlawful_n'])}).",
    ]


def _calibration_table(d: Disclosed, names: dict[str, str]) -> pd.DataFrame:
    t = d.calibration_by_sector
    if t.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "Sector": [names.get(s, s) for s in t.index],
            "Participants": [
                SUPPRESSED if h else str(int(n))
                for h, n in zip(t["suppressed"], t["n"].fillna(0), strict=True)
            ],
            "Held back (lawful)": [
                "" if h else percent(x)
                for h, x in zip(t["suppressed"], t["over_caution"], strict=True)
            ],
            "Shared (unlawful)": [
                "" if h else percent(x)
                for h, x in zip(t["suppressed"], t["over_sharing"], strict=True)
            ],
        }
    )


def _beside(p: Profile) -> pd.DataFrame:
    t = p.triangulation
    if t.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "Dimension": t["title"].astype(str).to_numpy(),
            "Survey": [score(x) for x in t["survey"]],
            "Interviews": [score(x) for x in t["interview"]],
            "Interviews rated": t["interviews"].astype(int).to_numpy(),
            "Differ by more than 1": ["yes" if x else "" for x in t["disagree"]],
        }
    )


def _themes(p: Profile) -> pd.DataFrame:
    t = p.themes
    if t.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "Theme": t["title"].astype(str),
            "Barrier or enabler": t["type"].astype(str),
            "Interviews": t["interviews"].astype(int),
        }
    )


def _cards(p: Profile, pillar_titles: dict[str, str]) -> pd.DataFrame:
    t = p.cards
    if t.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "Card": t["type"].astype(str).str.capitalize(),
            "Pillar": [pillar_titles.get(x, x) for x in t["pillar"]],
            "Cards": t["cards"].astype(int),
            "Votes": t["votes"].astype(int),
        }
    )


def _coverage(d: Disclosed, names: dict[str, str], min_group: int) -> pd.DataFrame:
    c = d.coverage
    n = [
        SUPPRESSED if h else str(int(k))
        for h, k in zip(c["suppressed"], c["n"].fillna(0), strict=True)
    ]
    return pd.DataFrame(
        {
            "Sector": [names.get(s, s) for s in c.index],
            "Key sector": ["yes" if k else "" for k in c["key"]],
            "Survey respondents": n,
            "Enough for a verdict": ["yes" if k else "" for k in c["covered"]],
        }
    )


def _quotes(quotes: pd.DataFrame | None, names: dict[str, str], cat: Catalogue) -> pd.DataFrame:
    """Interview quotes with theme and sector names (never codes)."""
    if quotes is None or quotes.empty:
        return pd.DataFrame()
    interview = cat.first(INTERVIEW)
    titles = {t.code: t.title.en for t in interview.coding_frame.themes} if interview else {}

    def sector(code: object) -> str:
        return "" if code is None or pd.isna(code) else names.get(code, str(code))

    return pd.DataFrame(
        {
            "Theme": [titles.get(t, t) for t in quotes["theme"]],
            "Said by (sector)": [sector(x) for x in quotes["rater_sector"]],
            "About (sector)": [sector(x) for x in quotes["target_sector"]],
            "Quote": quotes["quote"].astype(str),
        }
    )


def _trend(history: list[Disclosed]) -> pd.DataFrame:
    rows = {}
    for d in history:
        p = d.profile
        rows[p.wave] = {
            str(t): e for t, e in zip(p.pillars["title"], p.pillars["estimate"], strict=True)
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def _change(p: Profile) -> pd.DataFrame:
    if p.change is None:
        return pd.DataFrame()
    table = change_table(
        p.change, kinds=("pillar",), titles=p.pillars["title"].to_dict(), current_wave=p.wave
    )
    return table.rename(columns={"Measure": "Pillar"}).reset_index(drop=True)


def method_note(cat: Catalogue, min_group: int) -> list[str]:
    """How to read the report, in plain words, with the rules' own numbers."""
    r = cat.rules
    named = [f"{b.label.lower()} from {b.min:.1f}" for b in r.bands[:-1]]
    bands = ", ".join([*named, f"{r.bands[-1].label.lower()} below {r.bands[-2].min:.1f}"])
    return [
        "A score is the average answer of the staff who took part, on a scale from 1 (strongly "
        "disagree) to 5 (strongly agree). Every question is scored so that a higher score is "
        "better, including questions about fear, hierarchy and a presumption against sharing.",
        f"A band puts a score in words: {bands}. A pillar brings together the scales of one "
        "of the five themes (culture, information governance, trust, technology, readiness "
        "for change).",
        f"An interval shows how far the score could move if other staff had answered: with "
        f"{r.interval.level:.0%} confidence the area's score lies inside it. It is worked out "
        f"by resampling the respondents {r.interval.resamples:,} times.",
        f"A suppressed cell or group had fewer than {min_group} people, or could be worked out "
        "from other figures; its numbers are hidden to protect the people who answered.",
        "The verdict follows fixed rules: minimum evidence first, then how many pillars sit in "
        "each band, then critical gates (for example very low trust between two key sectors) "
        "that cap the verdict instead of being averaged away. The percentage beside a verdict "
        "is the share of resamples that reach it.",
        CHANGE_METHOD.format(level=r.interval.level, resamples=r.interval.resamples),
    ]
