"""Generate the Sharing Readiness sample data set.

Writes one CSV import file per area, wave and instrument, and ``manifest.csv`` listing
them, into this folder (or ``--out DIR``). The output is seeded and byte-identical on
every run: ``python sample_data/generate.py``.

Everything about the instruments (item ids, scales, reverse keys, knowledge keys, sectors,
trust facets, interview dimensions and themes, vignettes and their lawful positions, card
pillars) is read from the instrument catalogue. The *plan* for each fictional area (its
name, pattern and the levels planted in each wave, which the readiness analytics should
recover) is read from ``scenarios.yaml`` in this folder. What is written here is how a plan
becomes responses.
``README.md`` in this folder lists the planted patterns and the verdicts they should give.

The survey model: for respondent *r* of sector *s* in area *a*, on Likert scale *k* of
pillar *p*,

    latent = mu[a, k, s] + g[r, p] + u[r, k];   item = clip(round(latent + e), 1, 5)

with ``g`` ~ N(0, 0.30), ``u`` ~ N(0, 0.47) (together sd ≈ 0.55) and ``e`` ~ N(0, 0.60).
``mu`` is solved so that the *expected observed* item mean (after rounding and clipping)
equals the planted scale level plus a small sector tilt, so planted numbers are what the
analytics see. Respondent effects are centred within each sector, so sector means sit at
their planted levels and the spread within a sector is kept. Reverse-keyed items are written
as ``6 - item``. Trust facets follow the same idea with the planted cell
``T[a][rater][target]``, a respondent effect (sd 0.40) and facet noise (sd 0.55).
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from instruments.catalogue import Catalogue, load_catalogue  # noqa: E402
from instruments.columns import Column, columns, trust_item_id  # noqa: E402
from instruments.schema import LAWFUL_TO_SHARE  # noqa: E402

SEED = 20251121
OUT_DIR = Path(__file__).resolve().parent
MANIFEST = "manifest.csv"
SCENARIOS = OUT_DIR / "scenarios.yaml"  # the areas and what is planted in each wave
MANIFEST_COLUMNS = ("file", "instrument", "area", "area_name", "wave")

# --- the response model -----------------------------------------------------------------
PILLAR_SD = 0.30  # a respondent's general leaning within a pillar
SCALE_SD = 0.47  # a respondent's leaning on one scale (with PILLAR_SD, sd ≈ 0.55)
ITEM_SD = 0.60  # item-level noise
SCALE_JITTER = 0.10  # sd of scale levels around their pillar level (centred)
TRUST_PERSON_SD = 0.40  # how trusting a respondent is in general
TRUST_ITEM_SD = 0.55  # facet-level noise
PAIR_SD = 0.06  # symmetric noise on each sector pair of the planted trust matrix
OWN_SECTOR_BONUS = 0.35  # own-sector trust sits above trust in other sectors
KNOWLEDGE_SD = 0.10  # spread of respondents' chance of answering a statement correctly
RATING_SD = 0.5  # interviewers' ratings around the area's survey mean
SECOND_CODER_AGREES = 0.75  # chance a second coder gives the same rating (else ±1)
MISSING = 0.03  # share of Likert and knowledge cells left blank at random
DECISION_MISSING = 0.01  # share of workshop decisions left blank
KEY = "key_sectors"  # in a sector mix: the weight of every key sector not listed by name
DEFAULT_LEVEL = 3.5
LEVEL_RANGE = (1.2, 4.8)

ROLE_WEIGHTS = {"frontline": 0.62, "manager": 0.24, "senior_leader": 0.08, "ig_specialist": 0.06}
INTERVIEW_ROLE_WEIGHTS = {
    "frontline": 0.12,
    "manager": 0.40,
    "senior_leader": 0.42,
    "ig_specialist": 0.06,
}
CODERS = ("AB", "CD", "EF", "GH", "JK")

# How a sector tends to differ from its area, per pillar (centred within each area so the
# area mean stays at its planted level). Sectors not listed do not differ.
SECTOR_TILT: dict[str, dict[str, float]] = {
    "acute_health": {"culture": -0.15, "governance": -0.05},
    "primary_care": {"technology": 0.15},
    "mental_health": {"governance": -0.10},
    "adult_social_care": {"culture": 0.10, "technology": -0.10},
    "childrens_social_care": {"governance": 0.10},
    "police": {"governance": 0.15, "culture": -0.05},
    "dwp": {"culture": -0.10, "governance": -0.10},
    "fire_rescue": {"culture": 0.10},
    "education": {"technology": -0.10},
    "probation": {"technology": -0.10},
    "voluntary": {"culture": 0.15, "technology": -0.20},
}

ORGANISATIONS: dict[str, tuple[str, ...]] = {
    "acute_health": ("{area} Hospitals NHS Foundation Trust", "{area} General Hospital"),
    "primary_care": ("{area} North Primary Care Network", "{area} Health Centre"),
    "mental_health": ("{area} and District Mental Health Trust",),
    "adult_social_care": ("{area} Council Adult Social Care",),
    "childrens_social_care": ("{area} Council Children's Services",),
    "police": ("{area} Neighbourhood Policing Team", "{area} Public Protection Unit"),
    "local_authority": ("{area} Council Housing", "{area} Council Community Safety"),
    "dwp": ("{area} Jobcentre Plus",),
    "fire_rescue": ("{area} Fire and Rescue Service",),
    "education": ("{area} Learning Trust", "{area} College"),
    "probation": ("{area} Probation Delivery Unit",),
    "voluntary": ("{area} Community Action", "{area} Carers Centre", "{area} Women's Aid"),
}

# --- phrase banks -----------------------------------------------------------------------
# {a} and {b} are the short names of the sector pair an area's pattern is about.
OPEN_BARRIER: dict[str, tuple[str, ...]] = {
    "general": (
        "Time. Everyone is stretched and sharing is one more job.",
        "Caseloads are so high that nobody has time to pick up the phone.",
        "Knowing who to ask in the other agencies.",
        "Different forms and thresholds in every agency.",
    ),
    "minor": (
        "Not much, to be honest; it mostly works.",
        "Occasional delays when the usual contact is on leave.",
        "Keeping the contact list up to date as people move on.",
    ),
    "trust_pair": (
        "There is a lot of history between {a} and {b}; people still talk about the last review.",
        "{A} and {b} blame each other when a case goes wrong.",
        "Staff in {a} say {b} never tell them what happened after a referral.",
        "{A} and {b} do not trust each other's assessments.",
    ),
    "asymmetry": (
        "We share everything with {b} but very little comes back.",
        "{B} staff worry about what {a} will do with the information.",
        "It feels one-sided: {a} ask, {b} hesitate.",
    ),
    "fear": (
        "People are frightened of getting it wrong and being blamed for a data breach.",
        "Everyone has heard of someone disciplined for sharing, so the safe answer is no.",
        "Fear of a fine makes managers say no by default.",
        "We are told to get consent for everything, even when someone is at risk.",
        "There is one IG officer for the whole organisation and you wait weeks for an answer.",
    ),
    "presumption": (
        "The default answer to any request is no.",
        "You have to fight to get anything shared; refusal is the starting point.",
        "Requests sit in an inbox until someone escalates them.",
    ),
    "technology": (
        "Our systems do not talk to each other so we end up phoning round.",
        "We cannot open the council's encrypted emails.",
        "No common identifier, so matching records is guesswork.",
        "Everyone says the new shared record will fix it, but nobody has access yet.",
        "Poor signal on home visits means notes get written up at night.",
    ),
    "hierarchy": (
        "Everything has to go up to a senior manager before we can share.",
        "Procedures are followed to the letter even when they do not help anyone.",
    ),
    "fatigue": (
        "We have had three sharing projects in five years and none of them lasted.",
        "Staff turnover means the people who built the relationships have gone.",
        "Nobody owns the plan, so nothing changes.",
    ),
    "incentives": (
        "Budgets push each service to protect its own front door.",
        "Sharing creates work we are not funded to do.",
    ),
    "oversharing": (
        "Sometimes whole case files are forwarded when one line would do.",
        "People copy everyone in without thinking about whether they need it.",
    ),
}
OPEN_SUCCESS: tuple[str, ...] = (
    "A joint visit with another agency meant we sorted the care package the same day.",
    "The daily safeguarding huddle means we hear about concerns within hours.",
    "Sitting in the same office as the police team made it easy to check a concern quickly.",
    "Our IG lead gave clear advice within the hour so we could share safely.",
    "The shared care record showed the discharge plan before the home visit.",
    "At the risk meeting everyone brought what they knew and we agreed a safety plan.",
    "A referral to the fire service led to a home safety visit the same week.",
    "The school rang us straight away and we saw the family that afternoon.",
)
QUOTES: dict[str, tuple[str, ...]] = {
    "hierarchy": ("Everything goes up three levels before anyone says yes.",),
    "sector_culture_clash": (
        "We talk about risk, they talk about wellbeing, and we talk past each other.",
        "They think we are the problem, and we think they are.",
    ),
    "staff_turnover": ("By the time you know someone, they have moved on.",),
    "perverse_incentives": (
        "Every delayed discharge becomes an argument about whose budget pays.",
    ),
    "colocation_works": ("Sitting next to each other did more than any protocol.",),
    "named_contacts": ("I know exactly who to ring, and they pick up.",),
    "shared_vision": ("We all talk about the family, not the service.",),
    "senior_sponsorship": ("Our director said she would back anyone who shared in good faith.",),
    "fear_of_sanction": (
        "People think they will lose their job over one wrong email.",
        "Nobody wants to be the name in the breach report.",
    ),
    "consent_confusion": (
        "Staff still think they always need consent, even when someone is at risk.",
    ),
    "no_ig_expertise": ("One IG officer for the whole organisation, and she is part-time.",),
    "clear_protocol": ("The one-page protocol is on everyone's desk and people use it.",),
    "joint_training": ("The joint training day was the first time we heard each other's worries.",),
    "no_feedback": ("We send referrals in and never hear what happened.",),
    "past_incident": ("Since that case review nobody wants to be the one who shared.",),
    "reciprocity": ("When we share, they share back; it works both ways.",),
    "mash_success": ("The hub works: decisions in hours, not weeks.",),
    "incompatible_systems": ("Our systems cannot talk to each other, so it is phone and email.",),
    "no_common_identifier": ("Half our records have no NHS number, so matching is guesswork.",),
    "database_myth": ("Once the new shared record is live, this problem goes away.",),
    "shared_record_access": (
        "I can see the GP record when I need it, and that changes everything.",
    ),
    "common_identifier_used": ("We record the NHS number on every referral now.",),
    "initiative_fatigue": ("We have had three sharing projects and none of them lasted.",),
    "quick_wins": ("Small wins, like the shared contact list, got people believing again.",),
}
CARDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("technology", "barrier"): (
        "Systems don't talk to each other",
        "No common identifier",
        "Can't open secure email",
        "No mobile access on visits",
    ),
    ("technology", "enabler"): (
        "Shared care record",
        "NHS number on every referral",
        "Secure email works",
    ),
    ("governance", "barrier"): (
        "Fear of fines",
        "Consent confusion",
        "No IG advice when needed",
        "Protocols nobody reads",
    ),
    ("governance", "enabler"): (
        "One-page sharing protocol",
        "IG lead who answers quickly",
        "Joint training on the law",
    ),
    ("culture", "barrier"): (
        "Blame culture",
        "Everything goes up the hierarchy",
        "Budget pressures",
        "Staff turnover",
    ),
    ("culture", "enabler"): (
        "Co-location",
        "Knowing people by name",
        "Shared focus on the family",
        "Leaders who back staff",
    ),
    ("trust", "barrier"): (
        "No feedback after referrals",
        "Past incident still remembered",
        "Suspicion of motives",
    ),
    ("trust", "enabler"): ("Two-way sharing", "The hub works well", "Partners keep their word"),
    ("change_readiness", "barrier"): ("Initiative fatigue", "No one owns the plan"),
    ("change_readiness", "enabler"): ("Quick wins", "Partnership board is committed"),
}


# --- the plan ---------------------------------------------------------------------------
# Which areas exist and what is planted in each wave is data, kept in scenarios.yaml (its
# header describes every field). The models below read and check it against the
# instruments, so a misspelt name or an impossible number stops the generator with a
# message naming the area, wave and field instead of quietly changing the sample.
Level = Annotated[float, Field(ge=1.0, le=5.0)]  # a planted mean on the 1-5 scales
Share = Annotated[float, Field(ge=0.0, le=1.0)]  # a chance or a proportion
Count = Annotated[int, Field(gt=0)]


class ScenarioError(ValueError):
    """``scenarios.yaml`` does not describe a valid plan.

    ``area``, ``wave`` and ``field`` say where the (first) problem is; each is ``None``
    when the problem is not inside one."""

    def __init__(
        self,
        path: Path,
        problem: str,
        *,
        area: str | None = None,
        wave: str | None = None,
        field: str | None = None,
    ) -> None:
        self.area, self.wave, self.field = area, wave, field
        where = [f"area {area}" if area else "", f"wave {wave}" if wave else ""]
        where.append(f"field {field!r}" if field else "")
        super().__init__(f"{path.name}: {', '.join(w for w in where if w)}: {problem}")


class TrustPair(BaseModel):
    """A planted cell of the trust matrix: how far ``rater`` trusts ``target``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rater: str
    target: str
    value: Level
    both_ways: bool = False


class Theme(BaseModel):
    """A signature interview theme, about a sector pair (``rater>target``) or not."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    theme: str
    pair: str = Field(default="", pattern=r"^([^>\s]+>[^>\s]+)?$")


class WavePlan(BaseModel):
    """What is planted in one area in one wave (the fields of a wave in scenarios.yaml).

    ``trust_pairs`` and ``themes`` are read in the file's form (``trust_cells``,
    ``theme_entries``) and given to the generator as ``(rater, target) -> value`` and
    ``(code, "rater>target" or "")``. No field has a default here: the defaults are the
    ``defaults:`` block of scenarios.yaml, next to the values that differ from them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    wave: str = Field(pattern=r"^\d{4}-\d+$")
    n: Count
    sectors: dict[str, Annotated[float, Field(gt=0.0)]] = Field(min_length=1)
    pillars: dict[str, Level]
    scales: dict[str, Level]
    knowledge: Share
    trust: Level
    trust_spread: Annotated[float, Field(ge=0.0)]
    trust_cells: tuple[TrustPair, ...] = Field(alias="trust_pairs")
    caution: Share
    unsure: Share
    oversharing: Share
    confidence: Level
    participants: Count
    interviews: Count
    theme_entries: tuple[Theme, ...] = Field(alias="themes")
    topics: tuple[str, ...] = Field(min_length=1)
    triangulation: dict[str, float]
    co_located: Share
    multi_agency: Share

    @field_validator("theme_entries", mode="before")
    @classmethod
    def _plain_theme(cls, value: Any) -> Any:
        """A theme not about a pair may be written as its bare code."""
        if isinstance(value, list | tuple):
            return [{"theme": v} if isinstance(v, str) else v for v in value]
        return value

    @field_validator(
        "sectors", "pillars", "scales", "trust_cells", "theme_entries", "topics", "triangulation"
    )
    @classmethod
    def _known_names(cls, value: Any, info: ValidationInfo) -> Any:
        """Every name is one the instruments (or the phrase banks) know."""
        vocabulary = (info.context or {}).get("vocabulary")
        if vocabulary is None:
            return value
        checks: list[tuple[str, list[str]]]
        if info.field_name == "trust_cells":
            checks = [("named_sectors", [s for p in value for s in (p.rater, p.target)])]
            cells = [(p.rater, p.target) for p in value]
            cells += [(p.target, p.rater) for p in value if p.both_ways]
            if len(cells) != len(set(cells)):
                raise ValueError("a cell of the trust matrix is planted twice")
        elif info.field_name == "theme_entries":
            checks = [("themes", [t.theme for t in value])]
            pairs = [s for t in value if t.pair for s in t.pair.split(">")]
            checks.append(("named_sectors", pairs))
        else:
            checks = [(info.field_name, list(value))]
        for kind, names in checks:
            what, known = vocabulary[kind]
            unknown = sorted(set(names) - known)
            if unknown:
                raise ValueError(
                    f"unknown {what} {', '.join(map(repr, unknown))} "
                    f"(known: {', '.join(sorted(known))})"
                )
        return value

    @field_validator("unsure")
    @classmethod
    def _lawful_chances(cls, value: float, info: ValidationInfo) -> float:
        if value + info.data.get("caution", 0.0) > 1.0:
            raise ValueError("caution + unsure is more than 1")
        return value

    @property
    def trust_pairs(self) -> dict[tuple[str, str], float]:
        """(rater sector, target sector) -> planted cell of the trust matrix."""
        cells = {}
        for p in self.trust_cells:
            cells[(p.rater, p.target)] = p.value
            if p.both_ways:
                cells[(p.target, p.rater)] = p.value
        return cells

    @property
    def themes(self) -> tuple[tuple[str, str], ...]:
        """Signature interview themes, ``(code, "rater>target" or "")``."""
        return tuple((t.theme, t.pair) for t in self.theme_entries)


class AreaPlan(BaseModel):
    """A fictional area and its waves."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[A-Z][A-Z0-9]*$")
    name: str = Field(min_length=1)
    pattern: str = Field(min_length=1)
    waves: tuple[WavePlan, ...] = Field(min_length=1)

    @field_validator("waves")
    @classmethod
    def _distinct_waves(cls, value: tuple[WavePlan, ...]) -> tuple[WavePlan, ...]:
        labels = [w.wave for w in value]
        if len(labels) != len(set(labels)):
            raise ValueError(f"a wave label is used twice: {labels}")
        return value


def _vocabulary(cat: Catalogue) -> dict[str, tuple[str, set[str]]]:
    """For each named thing in a wave: what it is called and the names it may take."""
    likert = [s for s in cat.survey.scales if s.kind == "likert"]
    interview = _by_kind(cat, "interview")
    return {
        "sectors": ("sector", {*cat.sector_codes, KEY}),
        "named_sectors": ("sector", set(cat.sector_codes)),
        "pillars": ("Likert pillar", {s.pillar for s in likert}),
        "scales": ("Likert scale", {s.id for s in likert}),
        "themes": ("theme", {t.code for t in interview.coding_frame.themes}),
        "topics": ("phrase-bank topic", set(OPEN_BARRIER)),
        "triangulation": ("interview dimension", {d.id for d in interview.dimensions}),
    }


def _scenario_error(
    path: Path, exc: ValidationError, area: str, wave: str | None, origin: dict[str, str]
) -> ScenarioError:
    """The first problem pydantic found, named by area, wave and field (others listed)."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"])
        came_from = origin.get(str(err["loc"][0])) if err["loc"] else None
        msg = err["msg"].removeprefix("Value error, ")
        problems.append((loc, msg + (f" (value from {came_from})" if came_from else "")))
    (field, problem), rest = problems[0], problems[1:]
    problem += "".join(f"; also field {f!r}: {p}" for f, p in rest)
    return ScenarioError(path, problem, area=area, wave=wave, field=field or None)


def load_plans(path: Path = SCENARIOS, catalogue: Catalogue | None = None) -> tuple[AreaPlan, ...]:
    """Read the areas and their waves from ``scenarios.yaml`` and check them.

    A wave starts from ``defaults`` (the first wave of an area) or from the wave before
    it, and the fields it gives replace those values.

    Parameters
    ----------
    path : the scenarios file.
    catalogue : the instrument catalogue the names are checked against (default: the
        project's instruments).

    Returns
    -------
    tuple of AreaPlan
        The areas, in file order.

    Raises
    ------
    ScenarioError
        When the file does not describe a valid plan; the message names the area, wave
        and field.
    """
    cat = catalogue or load_catalogue()
    context = {"vocabulary": _vocabulary(cat)}
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or set(doc) != {"defaults", "areas"}:
        raise ScenarioError(path, "expected exactly two keys: `defaults` and `areas`")
    defaults, areas = doc["defaults"] or {}, doc["areas"]
    if not isinstance(defaults, dict):
        raise ScenarioError(path, "must be a mapping of wave fields", field="defaults")
    if not isinstance(areas, list):
        raise ScenarioError(path, "must be a list of areas", field="areas")
    plans: list[AreaPlan] = []
    for number, entry in enumerate(areas, start=1):
        code = str(entry.get("code", f"#{number}")) if isinstance(entry, dict) else f"#{number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("waves"), list):
            raise ScenarioError(path, "an area is a mapping with a list of waves", area=code)
        if any(p.code == code for p in plans):
            raise ScenarioError(path, "this area code is used twice", area=code, field="code")
        waves: list[WavePlan] = []
        values: dict[str, Any] = dict(defaults)
        origin = dict.fromkeys(defaults, "defaults")
        for entry_wave in entry["waves"]:
            if not isinstance(entry_wave, dict) or "wave" not in entry_wave:
                raise ScenarioError(path, "every wave needs a `wave` label", area=code)
            label = str(entry_wave["wave"])
            values = {**values, **entry_wave}
            try:
                waves.append(WavePlan.model_validate(values, context=context))
            except ValidationError as exc:
                inherited = {k: v for k, v in origin.items() if k not in entry_wave}
                raise _scenario_error(path, exc, code, label, inherited) from None
            origin.update(dict.fromkeys(entry_wave, f"wave {label}"))
        try:
            plans.append(AreaPlan.model_validate({**entry, "waves": waves}))
        except ValidationError as exc:
            raise _scenario_error(path, exc, code, None, {}) from None
    return tuple(plans)


# Rows that a redaction step and safe rendering must cope with: (area, wave, respondent
# number, open question role, text). Personal details are fictional: example.org e-mail,
# an Ofcom drama-range phone number and an NHS number from the test range.
SPECIAL_ROWS: tuple[tuple[str, str, int, str, str], ...] = (
    (
        "BRK",
        "2025-1",
        14,
        "barrier",
        "Sister Jane Smith on the discharge ward tells her nurses never to ring social care.",
    ),
    (
        "CLD",
        "2025-1",
        23,
        "barrier",
        "I asked IG three times by email (someone@example.org) and never got an answer.",
    ),
    (
        "ELM",
        "2025-1",
        31,
        "success",
        "The crisis team rang me back on 01632 960 123 within ten minutes and we agreed a plan.",
    ),
    (
        "GRY",
        "2025-1",
        44,
        "success",
        "We matched his records using NHS number 943 476 5919 and found the care plan.",
    ),
    ("HRB", "2025-1", 15, "barrier", "<script>alert(1)</script> The portal never loads."),
    ("KES", "2025-1", 27, "success", "Robert'); DROP TABLE responses;--"),
)


# --- the response model's arithmetic ----------------------------------------------------
def _phi(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def expected_answer(latent: float, sd: float, low: int = 1, high: int = 5) -> float:
    """Expected value of ``clip(round(X), low, high)`` for ``X ~ N(latent, sd)``.

    Parameters
    ----------
    latent : mean of the latent response.
    sd : its standard deviation.
    low, high : the ends of the response scale.

    Returns
    -------
    float
        The expected observed answer.
    """
    return low + sum(1.0 - _phi((k + 0.5 - latent) / sd) for k in range(low, high))


@cache
def latent_for(target: float, sd: float, low: int = 1, high: int = 5) -> float:
    """The latent mean whose expected observed answer is ``target`` (by bisection).

    Parameters
    ----------
    target : wanted mean of the observed (rounded, clipped) answers.
    sd : standard deviation of the latent response around its mean.
    low, high : the ends of the response scale.

    Returns
    -------
    float
        The latent mean.
    """
    lo, hi = low - 6.0, high + 6.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if expected_answer(mid, sd, low, high) < target:
            lo = mid
        else:
            hi = mid
    return round((lo + hi) / 2, 10)


def centred_normal(rng: np.random.Generator, sd: float, groups: Sequence[str]) -> np.ndarray:
    """Normal respondent effects, centred within each group.

    Centring keeps the spread within a sector but stops a handful of unusually positive or
    negative respondents from moving a sector's mean away from its planted level.

    Parameters
    ----------
    rng : the random generator.
    sd : standard deviation of the effects (before centring).
    groups : each respondent's group (sector).

    Returns
    -------
    numpy.ndarray
        One effect per respondent; the mean within each group of two or more is zero.
    """
    values = rng.normal(0.0, sd, len(groups))
    labels = np.asarray(groups)
    for group in dict.fromkeys(groups):
        mask = labels == group
        if mask.sum() > 1:
            values[mask] -= values[mask].mean()
    return values


def _clip_level(value: float) -> float:
    return float(min(max(value, LEVEL_RANGE[0]), LEVEL_RANGE[1]))


def _answers(latent: np.ndarray, low: int = 1, high: int = 5) -> np.ndarray:
    return np.clip(np.rint(latent), low, high).astype(int)


def allocate(n: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``n`` respondents between sectors in proportion to ``weights``.

    Parameters
    ----------
    n : total respondents.
    weights : sector -> relative weight.

    Returns
    -------
    dict
        sector -> respondents (largest remainders; ties go to the first listed).
    """
    codes = list(weights)
    w = np.array([weights[c] for c in codes], dtype=float)
    raw = n * w / w.sum()
    counts = np.floor(raw).astype(int)
    order = sorted(range(len(codes)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: n - counts.sum()]:
        counts[i] += 1
    return {c: int(k) for c, k in zip(codes, counts, strict=True)}


def sector_mix(cat: Catalogue, spec: dict[str, float]) -> dict[str, float]:
    """Resolve a sector mix (``key_sectors`` = every key sector) in catalogue sector order.

    Parameters
    ----------
    cat : the instrument catalogue.
    spec : sector code or ``key_sectors`` -> relative weight.

    Returns
    -------
    dict
        sector code -> weight, for every sector that takes part.
    """
    unknown = set(spec) - set(cat.sector_codes) - {KEY}
    if unknown:
        raise ValueError(f"unknown sector(s) in a plan: {sorted(unknown)}")
    out = {}
    for code in cat.sector_codes:
        if code in spec:
            out[code] = spec[code]
        elif KEY in spec and code in cat.key_sectors:
            out[code] = spec[KEY]
    return out


def _label(cat: Catalogue, code: str, *, capital: bool = False) -> str:
    name = cat.sector_name(code)
    if not capital and not name[:2].isupper():
        name = name[0].lower() + name[1:]
    return name


def _fill(cat: Catalogue, text: str, pair: tuple[str, str] | None) -> str:
    if pair is None:
        return text
    a, b = pair
    return text.format(
        a=_label(cat, a),
        b=_label(cat, b),
        A=_label(cat, a, capital=True),
        B=_label(cat, b, capital=True),
    )


def _pick(rng: np.random.Generator, options: Sequence[Any]) -> Any:
    return options[int(rng.integers(len(options)))]


def _choice_weights(options: Sequence[str], weights: dict[str, float]) -> np.ndarray:
    w = np.array([weights.get(o, 0.02) for o in options], dtype=float)
    return w / w.sum()


def _planted_pair(plan: WavePlan) -> tuple[str, str] | None:
    """The sector pair an area's pattern is about, as (a, b) for the phrase banks.

    It is the lowest planted cell (rater, target). When the other direction was planted
    much higher (an asymmetry), the trusting side comes first: (target, rater)."""
    if not plan.trust_pairs:
        return None
    (rater, target), low = min(plan.trust_pairs.items(), key=lambda kv: (kv[1], kv[0]))
    back = plan.trust_pairs.get((target, rater), low)
    return (target, rater) if back - low > 0.5 else (rater, target)


# --- survey -----------------------------------------------------------------------------
@dataclass
class SurveyResult:
    """A generated survey file and the numbers the other instruments are built from."""

    header: list[str]
    rows: list[dict[str, str]]
    sectors: list[str]
    scale_means: dict[str, float]
    pillar_levels: dict[str, float]


def _scale_levels(cat: Catalogue, plan: WavePlan, rng: np.random.Generator) -> dict[str, float]:
    """Planted level of every Likert scale: its pillar's level plus a centred jitter, or
    the plan's own value for the scale."""
    inst = cat.survey
    unknown = set(plan.scales) - {s.id for s in inst.scales}
    if unknown:
        raise ValueError(f"unknown scale(s) in a plan: {sorted(unknown)}")
    levels: dict[str, float] = {}
    for pillar in inst.pillars:
        scales = [s.id for s in inst.scales if s.pillar == pillar.id and s.kind == "likert"]
        free = [s for s in scales if s not in plan.scales]
        jitter = rng.normal(0.0, SCALE_JITTER, len(free))
        if len(free) > 1:
            jitter -= jitter.mean()
        else:
            jitter[:] = 0.0
        level = plan.pillars.get(pillar.id, DEFAULT_LEVEL)
        for sid, j in zip(free, jitter, strict=True):
            levels[sid] = _clip_level(level + j)
        for sid in scales:
            if sid in plan.scales:
                levels[sid] = _clip_level(plan.scales[sid])
    return levels


def _trust_levels(
    cat: Catalogue, plan: WavePlan, present: list[str], rng: np.random.Generator
) -> np.ndarray:
    """The planted trust matrix (rater x target, catalogue sector order): the area's level,
    a small how-trusted effect per target, symmetric pair noise, own-sector trust on the
    diagonal and the plan's cells on top."""
    codes = cat.sector_codes
    unknown = {s for pair in plan.trust_pairs for s in pair} - set(codes)
    if unknown:
        raise ValueError(f"unknown sector(s) in trust pairs: {sorted(unknown)}")
    size = len(codes)
    col = rng.normal(0.0, plan.trust_spread, size)
    mask = np.array([c in present for c in codes])
    col -= col[mask].mean()
    noise = rng.normal(0.0, PAIR_SD, (size, size))
    noise = (noise + noise.T) / math.sqrt(2.0)
    levels = plan.trust + col[None, :] + noise
    np.fill_diagonal(levels, plan.trust + OWN_SECTOR_BONUS)
    for (rater, target), value in plan.trust_pairs.items():
        levels[codes.index(rater), codes.index(target)] = value
    return np.clip(levels, *LEVEL_RANGE)


def _trust_targets(
    cat: Catalogue, own: str, present: list[str], rng: np.random.Generator
) -> list[str]:
    """The 4 to 8 other sectors one respondent rates, mostly the area's key sectors."""
    key = set(cat.key_sectors)
    others_key = [s for s in present if s in key and s != own]
    others_rest = [s for s in present if s not in key and s != own]
    absent = [s for s in cat.sector_codes if s not in present]
    chosen_key = [s for s in others_key if rng.random() < 0.93]
    chosen_rest = [s for s in others_rest if rng.random() < 0.90]
    chosen_absent = [s for s in absent if rng.random() < 0.05]
    extra = chosen_rest + chosen_absent
    while len(chosen_key) + len(extra) > 8 and extra:
        extra.pop(int(rng.integers(len(extra))))
    chosen = chosen_key + extra
    pool = [s for s in present + absent if s != own and s not in chosen]
    while len(chosen) < 4 and pool:
        chosen.append(pool.pop(int(rng.integers(len(pool)))))
    return chosen


def _profile_value(col: Column, known: dict[str, str], rng: np.random.Generator) -> str:
    """A profile cell: the known value, else a plausible one for the column's kind."""
    if col.id in known:
        return known[col.id]
    if col.kind == "choice" and col.options:
        return str(col.options[int(rng.integers(len(col.options)))])
    if col.kind == "yes_no":
        return "yes" if rng.random() < 0.5 else "no"
    return ""


def generate_survey(
    cat: Catalogue,
    area: AreaPlan,
    plan: WavePlan,
    rng: np.random.Generator,
    structure: np.random.Generator,
) -> SurveyResult:
    """Generate one area-wave's staff survey file.

    Parameters
    ----------
    cat : the instrument catalogue.
    area : the area.
    plan : what is planted in this wave.
    rng : the random generator for this file's respondents.
    structure : the area's own generator, the same in every wave: it draws how the
        area's scales sit around their pillar level and its trust matrix's small
        irregularities, so a wave planted like the one before comes out alike.

    Returns
    -------
    SurveyResult
        Header, rows (text cells), each respondent's sector and the realised scale means.
    """
    inst = cat.survey
    cols = columns(cat, inst.key)
    mix = sector_mix(cat, plan.sectors)
    counts = allocate(plan.n, mix)
    sectors = [s for s, k in counts.items() for _ in range(k)]
    sectors = [sectors[i] for i in rng.permutation(len(sectors))]
    present = [s for s in cat.sector_codes if counts.get(s, 0) > 0]
    n = len(sectors)

    levels = _scale_levels(cat, plan, structure)
    scale_pillar = {s.id: s.pillar for s in inst.scales}
    share = np.array([counts[s] for s in present], dtype=float) / n
    tilt: dict[tuple[str, str], float] = {}
    for pillar in {p.id for p in inst.pillars}:
        raw = np.array([SECTOR_TILT.get(s, {}).get(pillar, 0.0) for s in present])
        centred = raw - (raw * share).sum()
        for s, t in zip(present, centred, strict=True):
            tilt[(s, pillar)] = float(t)

    likert_scales = [s.id for s in inst.scales if s.kind == "likert"]
    knowledge_scales = [s.id for s in inst.scales if s.kind == "knowledge"]
    pillars = sorted({scale_pillar[s] for s in likert_scales})
    g = {p: centred_normal(rng, PILLAR_SD, sectors) for p in pillars}
    u = {s: centred_normal(rng, SCALE_SD, sectors) for s in likert_scales}
    total_sd = math.sqrt(PILLAR_SD**2 + SCALE_SD**2 + ITEM_SD**2)
    ability = np.clip(plan.knowledge + rng.normal(0.0, KNOWLEDGE_SD, n), 0.02, 0.99)

    cells: dict[str, list[str]] = {}
    keyed: dict[str, np.ndarray] = {}
    item_cols = [
        c
        for c in cols
        if c.group == "item" and c.scale != (inst.trust.scale if inst.trust else None)
    ]
    for col in item_cols:
        missing = rng.random(n) < MISSING
        if col.scale in knowledge_scales:
            correct = rng.random(n) < ability
            answer = np.where(correct, bool(col.keyed), not bool(col.keyed))
            cells[col.id] = [
                "" if m else ("true" if a else "false")
                for a, m in zip(answer, missing, strict=True)
            ]
            continue
        if col.scale not in likert_scales:
            cells[col.id] = [""] * n
            continue
        low, high = col.low or 1, col.high or 5
        mu = np.array(
            [
                latent_for(
                    _clip_level(levels[col.scale] + tilt[(s, scale_pillar[col.scale])]),
                    total_sd,
                    low,
                    high,
                )
                for s in sectors
            ]
        )
        latent = mu + g[scale_pillar[col.scale]] + u[col.scale] + rng.normal(0.0, ITEM_SD, n)
        value = _answers(latent, low, high)
        written = (low + high) - value if col.reverse else value
        keyed[col.id] = np.where(missing, np.nan, value.astype(float))
        cells[col.id] = ["" if m else str(int(v)) for v, m in zip(written, missing, strict=True)]

    trust_mean = np.full(n, np.nan)
    if inst.trust is not None:
        codes = cat.sector_codes
        cell_levels = _trust_levels(cat, plan, present, structure)
        tsd = math.sqrt(TRUST_PERSON_SD**2 + TRUST_ITEM_SD**2)
        points = inst.response_scales[inst.trust.response].points or 5
        person = centred_normal(rng, TRUST_PERSON_SD, sectors)
        facets = [f.id for f in inst.trust.facets]
        ids = {(s, f): trust_item_id(inst.trust.id_pattern, s, f) for s in codes for f in facets}
        for cid in ids.values():
            cells[cid] = [""] * n
        others = np.zeros(n)
        answered = np.zeros(n)
        for r, own in enumerate(sectors):
            targets = [own, *_trust_targets(cat, own, present, rng)]
            for target in sorted(targets, key=codes.index):
                mu = latent_for(
                    float(cell_levels[codes.index(own), codes.index(target)]), tsd, 1, points
                )
                values = _answers(
                    mu + person[r] + rng.normal(0.0, TRUST_ITEM_SD, len(facets)), 1, points
                )
                for f, v in zip(facets, values, strict=True):
                    cells[ids[(target, f)]][r] = str(int(v))
                if target != own:
                    others[r] += values.mean()
                    answered[r] += 1
        trust_mean = np.where(answered > 0, others / np.maximum(answered, 1), np.nan)

    open_cols = [c for c in cols if c.group == "open"]
    roles = _open_roles(open_cols)
    pair = _planted_pair(plan)
    for col in open_cols:
        role = roles[col.id]
        texts = []
        for _ in range(n):
            if role == "barrier" and rng.random() < 0.20:
                topic = _pick(rng, plan.topics) if rng.random() < 0.75 else "general"
                topic_pair = pair if topic in {"trust_pair", "asymmetry"} else None
                if topic_pair is None and topic in {"trust_pair", "asymmetry"}:
                    topic = "general"
                texts.append(_fill(cat, _pick(rng, OPEN_BARRIER[topic]), topic_pair))
            elif role == "success" and rng.random() < 0.10:
                texts.append(_pick(rng, OPEN_SUCCESS))
            else:
                texts.append("")
        cells[col.id] = texts

    role_col = next((c for c in cols if c.group == "profile" and c.id == "role_level"), None)
    role_p = _choice_weights(role_col.options, ROLE_WEIGHTS) if role_col else None
    rows = []
    for r, sector in enumerate(sectors):
        org = ""
        if rng.random() < 0.70:
            org = _pick(
                rng, ORGANISATIONS.get(sector, ("{area} " + cat.sector_name(sector),))
            ).format(area=area.name)
        known = {
            "respondent_id": f"R{r + 1:05d}",
            "sector": sector,
            "organisation": org,
            "co_located": "yes" if rng.random() < plan.co_located else "no",
            "multi_agency_team": "yes" if rng.random() < plan.multi_agency else "no",
        }
        if role_col is not None:
            known["role_level"] = str(
                role_col.options[int(rng.choice(len(role_col.options), p=role_p))]
            )
        row = {}
        for col in cols:
            if col.group == "profile":
                row[col.id] = _profile_value(col, known, rng)
            else:
                row[col.id] = cells[col.id][r]
        rows.append(row)

    for code, wave, number, role, text in SPECIAL_ROWS:
        if code == area.code and wave == plan.wave:
            target = next(c.id for c in open_cols if roles[c.id] == role)
            rows[number - 1][target] = text

    means = _realised_means(cat, keyed, trust_mean)
    pillar_levels = {
        p.id: float(np.mean([levels[s] for s in likert_scales if scale_pillar[s] == p.id]))
        for p in inst.pillars
        if any(scale_pillar[s] == p.id for s in likert_scales)
    }
    if inst.trust is not None:
        trust_pillar = next(s.pillar for s in inst.scales if s.id == inst.trust.scale)
        # for leaning themes and cards: a badly distrusted pair pulls the trust pillar down
        lowest = min(plan.trust_pairs.values(), default=plan.trust)
        pillar_levels[trust_pillar] = min(plan.trust, lowest + 0.5)
    return SurveyResult([c.id for c in cols], rows, sectors, means, pillar_levels)


def _open_roles(open_cols: Sequence[Column]) -> dict[str, str]:
    """Which open question asks about barriers and which about a success."""
    roles = {}
    for i, col in enumerate(open_cols):
        if "barrier" in col.id:
            roles[col.id] = "barrier"
        elif "success" in col.id:
            roles[col.id] = "success"
        else:
            roles[col.id] = "barrier" if i % 2 == 0 else "success"
    return roles


def _realised_means(
    cat: Catalogue, keyed: dict[str, np.ndarray], trust_mean: np.ndarray
) -> dict[str, float]:
    """Area means of every Likert scale (reverse-keyed) and of trust in other sectors."""
    inst = cat.survey
    means = {}
    for scale in inst.scales:
        if scale.kind != "likert":
            continue
        block = np.column_stack([keyed[i.id] for i in inst.items if i.scale == scale.id])
        answered = (~np.isnan(block)).sum(axis=1)
        enough = answered >= math.ceil(scale.min_answered * block.shape[1] - 1e-9)
        person = np.nansum(block, axis=1) / np.maximum(answered, 1)
        means[scale.id] = float(person[enough].mean())
    if inst.trust is not None:
        means[inst.trust.scale] = float(np.nanmean(trust_mean))
    return means


# --- interviews -------------------------------------------------------------------------
def _theme_weights(cat: Catalogue, plan: WavePlan, levels: dict[str, float]) -> np.ndarray:
    inst = _by_kind(cat, "interview")
    signature = {code for code, _ in plan.themes}
    weights = []
    for theme in inst.coding_frame.themes:
        level = levels.get(theme.pillar, DEFAULT_LEVEL)
        lean = (DEFAULT_LEVEL - level) if theme.type == "barrier" else (level - DEFAULT_LEVEL)
        w = math.exp(1.2 * lean) * (8.0 if theme.code in signature else 1.0)
        weights.append(w)
    w = np.array(weights)
    return w / w.sum()


def generate_interviews(
    cat: Catalogue,
    area: AreaPlan,
    plan: WavePlan,
    survey: SurveyResult,
    rng: np.random.Generator,
) -> tuple[list[str], list[dict[str, str]]]:
    """Generate one area-wave's stakeholder interview file.

    Ratings follow the realised survey mean of each dimension's ``survey_scale`` (plus
    noise, plus any planted triangulation gap); themes lean to the area's weak pillars
    and its signature themes. The first interview is coded by a second coder.

    Parameters
    ----------
    cat : the instrument catalogue.
    area : the area.
    plan : what is planted in this wave.
    survey : the area-wave's generated survey.
    rng : the random generator for this file.

    Returns
    -------
    tuple
        The header and the rows (text cells).
    """
    inst = _by_kind(cat, "interview")
    cols = columns(cat, inst.key)
    frame = inst.coding_frame
    codes = [t.code for t in frame.themes]
    by_code = {t.code: t for t in frame.themes}
    unknown = {c for c, _ in plan.themes} - set(codes)
    unknown |= set(plan.triangulation) - {d.id for d in inst.dimensions}
    if unknown:
        raise ValueError(f"{area.code}: unknown theme or dimension(s): {sorted(unknown)}")
    signature_pairs = {c: p for c, p in plan.themes if p}
    weights = _theme_weights(cat, plan, survey.pillar_levels)
    present = sorted(set(survey.sectors), key=cat.sector_codes.index)
    key_present = [s for s in present if s in cat.key_sectors] or present
    pool = key_present + [s for s in present if s not in key_present]
    order = [pool[i] for i in rng.permutation(len(pool))]
    interviewee_sectors = (order * 2)[: plan.interviews]
    role_col = next((c for c in cols if c.id == "role_level"), None)
    role_p = _choice_weights(role_col.options, INTERVIEW_ROLE_WEIGHTS) if role_col else None

    def survey_mean(dim: Any) -> float:
        if dim.survey_scale and dim.survey_scale in survey.scale_means:
            return survey.scale_means[dim.survey_scale]
        return survey.pillar_levels.get(dim.pillar, DEFAULT_LEVEL)

    # Rating noise (sd 0.5) is centred over the area-wave's interviews, so their average
    # tracks the survey and only a planted triangulation gap exceeds the rules' limit.
    noise = rng.normal(0.0, RATING_SD, (len(interviewee_sectors), len(inst.dimensions)))
    if len(interviewee_sectors) > 1:
        noise -= noise.mean(axis=0)
    rows = []
    for i, sector in enumerate(interviewee_sectors):
        coder = _pick(rng, CODERS)
        role = (
            str(role_col.options[int(rng.choice(len(role_col.options), p=role_p))])
            if role_col
            else ""
        )
        ratings = {}
        for d, dim in enumerate(inst.dimensions):
            centre = survey_mean(dim) + plan.triangulation.get(dim.id, 0.0)
            ratings[dim.id] = int(np.clip(np.rint(centre + noise[i, d]), 1, 5))
        k = int(rng.integers(2, 6))
        chosen = [codes[j] for j in rng.choice(len(codes), size=k, replace=False, p=weights)]
        themes = []
        for code in chosen:
            pair = signature_pairs.get(code, "")
            if (
                not pair
                and by_code[code].pillar == "trust"
                and len(key_present) > 1
                and rng.random() < 0.4
            ):
                other = _pick(rng, [s for s in key_present if s != sector] or key_present)
                pair = f"{sector}>{other}" if other != sector else ""
            quote = _pick(rng, QUOTES[code]) if code in QUOTES and rng.random() < 0.75 else ""
            themes.append((code, pair, quote))
        known = {
            "interview_id": f"{area.code}-{plan.wave}-I{i + 1:02d}",
            "coder": coder,
            "sector": sector,
            "role_level": role,
        }
        rows.append(_interview_row(cols, known, ratings, themes, frame.max_themes, rng))
        if i == 0:
            second = _pick(rng, [c for c in CODERS if c != coder])
            ratings2 = {}
            for dim, value in ratings.items():
                step = (
                    0 if rng.random() < SECOND_CODER_AGREES else (1 if rng.random() < 0.5 else -1)
                )
                ratings2[dim] = int(np.clip(value + step, 1, 5))
            themes2 = list(themes)
            if len(themes2) > 2 and rng.random() < 0.3:
                themes2.pop()
            rows.append(
                _interview_row(
                    cols, {**known, "coder": second}, ratings2, themes2, frame.max_themes, rng
                )
            )
    return [c.id for c in cols], rows


def _interview_row(
    cols: Sequence[Column],
    known: dict[str, str],
    ratings: dict[str, int],
    themes: list[tuple[str, str, str]],
    max_themes: int,
    rng: np.random.Generator,
) -> dict[str, str]:
    values = dict(known)
    for dim, value in ratings.items():
        values[f"rate_{dim}"] = str(value)
    for n, (code, pair, quote) in enumerate(themes[:max_themes], start=1):
        values[f"theme_{n}"] = code
        values[f"theme_{n}_pair"] = pair
        values[f"theme_{n}_quote"] = quote
    return {
        c.id: values.get(c.id, "") if c.group != "profile" else _profile_value(c, values, rng)
        for c in cols
    }


# --- workshops --------------------------------------------------------------------------
def generate_workshop(
    cat: Catalogue,
    area: AreaPlan,
    plan: WavePlan,
    survey: SurveyResult,
    rng: np.random.Generator,
) -> tuple[list[str], list[dict[str, str]]]:
    """Generate one area-wave's workshop file (one workshop).

    Parameters
    ----------
    cat : the instrument catalogue.
    area : the area.
    plan : what is planted in this wave.
    survey : the area-wave's generated survey (for the pillar levels and sectors).
    rng : the random generator for this file.

    Returns
    -------
    tuple
        The header and the rows (text cells).
    """
    inst = _by_kind(cat, "workshop")
    cols = columns(cat, inst.key)
    mix = sector_mix(cat, plan.sectors)
    sector_codes = list(mix)
    p = np.array([mix[s] for s in sector_codes], dtype=float)
    p /= p.sum()
    role_col = next((c for c in cols if c.id == "role_level"), None)
    role_p = _choice_weights(role_col.options, ROLE_WEIGHTS) if role_col else None
    points = inst.confidence_points
    pair = _planted_pair(plan)
    card_pillars = list(inst.cards.pillars)
    rows = []
    for i in range(plan.participants):
        values: dict[str, str] = {
            "workshop_id": f"{area.code}-{plan.wave}-W1",
            "participant_id": f"P{i + 1:02d}",
            "sector": sector_codes[int(rng.choice(len(sector_codes), p=p))],
        }
        if role_col is not None:
            values["role_level"] = str(
                role_col.options[int(rng.choice(len(role_col.options), p=role_p))]
            )
        for v in inst.vignettes:
            lawful = v.lawful_position in LAWFUL_TO_SHARE
            if lawful:
                probs = {"dont_share": plan.caution, "unsure": plan.unsure}
                probs["share"] = 1.0 - sum(probs.values())
            else:
                probs = {"share": plan.oversharing, "unsure": 0.12}
                probs["dont_share"] = 1.0 - sum(probs.values())
            options = [d for d in inst.decisions if d in probs]
            q = np.array([probs[d] for d in options])
            decision = options[int(rng.choice(len(options), p=q / q.sum()))]
            correct = (decision == "share") == lawful and decision != "unsure"
            centre = (
                plan.confidence
                + (0.3 if correct else -0.2)
                - (0.9 if decision == "unsure" else 0.0)
            )
            conf = int(np.clip(np.rint(rng.normal(centre, 0.8)), 1, points))
            if rng.random() < DECISION_MISSING:
                continue
            values[f"v_{v.id}"] = decision
            values[f"v_{v.id}_conf"] = str(conf)
        n_cards = int(rng.choice(4, p=[0.15, 0.35, 0.35, 0.15]))
        used: set[str] = set()
        for slot in range(1, min(n_cards, inst.cards.max_cards) + 1):
            kind = "barrier" if rng.random() < 0.6 else "enabler"
            lean = np.array(
                [
                    (DEFAULT_LEVEL - survey.pillar_levels.get(pl, DEFAULT_LEVEL))
                    * (1 if kind == "barrier" else -1)
                    for pl in card_pillars
                ]
            )
            w = np.exp(1.5 * lean)
            pillar = card_pillars[int(rng.choice(len(card_pillars), p=w / w.sum()))]
            bank = CARDS.get((pillar, kind), (f"{pillar.replace('_', ' ').capitalize()} ({kind})",))
            text = _pick(rng, bank)
            if pillar == "trust" and kind == "barrier" and pair is not None and rng.random() < 0.5:
                text = _fill(cat, "History between {a} and {b}", pair)
            if text in used:
                continue
            used.add(text)
            values[f"card_{slot}_type"] = kind
            values[f"card_{slot}_pillar"] = pillar
            values[f"card_{slot}_text"] = text
            values[f"card_{slot}_votes"] = str(int(rng.poisson(1.8)))
        rows.append(
            {
                c.id: _profile_value(c, values, rng)
                if c.group == "profile"
                else values.get(c.id, "")
                for c in cols
            }
        )
    return [c.id for c in cols], rows


# --- files ------------------------------------------------------------------------------
def _by_kind(cat: Catalogue, kind: str) -> Any:
    """The catalogue's first instrument (by key) of ``kind``."""
    return next(i for _, i in sorted(cat.instruments.items()) if i.kind == kind)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[dict[str, str]]) -> None:
    """Write rows as UTF-8 CSV with ``\\n`` line endings, columns in ``header`` order.

    Parameters
    ----------
    path : the file to write.
    header : the column ids, in order.
    rows : one mapping of column id -> text per row.
    """
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(c, "") for c in header])


def generate(
    out: Path,
    *,
    catalogue: Catalogue | None = None,
    seed: int = SEED,
    scenarios: Path = SCENARIOS,
) -> list[dict[str, str]]:
    """Write every sample file and the manifest into ``out``.

    Parameters
    ----------
    out : the folder to write into (created if needed).
    catalogue : the instrument catalogue (default: the project's instruments).
    seed : the master seed; each file has its own stream derived from it.
    scenarios : the file of areas and planted levels (default: ``scenarios.yaml``).

    Returns
    -------
    list of dict
        The manifest entries, in file order.

    Raises
    ------
    ScenarioError
        When ``scenarios`` is not a valid plan (checked before anything is written).
    """
    cat = catalogue or load_catalogue()
    plans = load_plans(scenarios, cat)
    out.mkdir(parents=True, exist_ok=True)
    survey_key = cat.survey.key
    interview_key = _by_kind(cat, "interview").key
    workshop_key = _by_kind(cat, "workshop").key
    manifest = []
    for a, area in enumerate(plans):
        for w, plan in enumerate(area.waves):

            def stream(part: int, a: int = a, w: int = w) -> np.random.Generator:
                return np.random.default_rng([seed, a, w, part])

            survey = generate_survey(cat, area, plan, stream(0), np.random.default_rng([seed, a]))
            files = [
                (survey_key, survey.header, survey.rows),
                (interview_key, *generate_interviews(cat, area, plan, survey, stream(1))),
                (workshop_key, *generate_workshop(cat, area, plan, survey, stream(2))),
            ]
            for key, header, rows in files:
                name = f"{area.code}_{plan.wave}_{key}.csv"
                write_csv(out / name, header, rows)
                manifest.append(
                    {
                        "file": name,
                        "instrument": key,
                        "area": area.code,
                        "area_name": area.name,
                        "wave": plan.wave,
                    }
                )
    write_csv(out / MANIFEST, MANIFEST_COLUMNS, manifest)
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python sample_data/generate.py [--out DIR]``.

    Parameters
    ----------
    argv : the arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status.
    """
    parser = argparse.ArgumentParser(description="Generate the Sharing Readiness sample data.")
    parser.add_argument(
        "--out", type=Path, default=OUT_DIR, help="folder to write (default: sample_data/)"
    )
    args = parser.parse_args(argv)
    manifest = generate(args.out)
    print(f"Wrote {len(manifest)} files and {MANIFEST} to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
