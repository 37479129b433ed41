"""The instrument schema: what a valid questionnaire, interview guide, workshop, sector list
and rule set looks like. Shapes are checked by pydantic; cross-references (scales, sectors,
pillars) by :mod:`instruments.checks`; :mod:`instruments.catalogue` names the file, the item
and the field of every problem."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _text(value: Any) -> Any:
    return {"en": value} if isinstance(value, str) else value


class Text(BaseModel):
    """Text a person reads: English, with an optional Welsh translation."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    en: str = Field(min_length=1)
    cy: str | None = None

    def __str__(self) -> str:
        return self.en


LocalText = Annotated[Text, BeforeValidator(_text)]
Ident = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
PillarId = Ident


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProfileField(Strict):
    id: Ident
    type: Literal["id", "sector", "choice", "yes_no", "text"]
    required: bool = True
    options: list[Ident] | None = None
    text: LocalText


class ResponseScale(Strict):
    type: Literal["likert", "true_false"]
    points: int | None = Field(default=None, ge=2, le=11)
    labels: dict[int, LocalText] | None = None


class Pillar(Strict):
    id: Ident
    title: LocalText
    description: LocalText | None = None


class StepText(Strict):
    """How a step of the web survey introduces itself to a respondent: in plain words,
    never the construct's name ("Fear of sanction" is for analysts)."""

    title: LocalText
    intro: LocalText | None = None


class Scale(Strict):
    id: Ident
    pillar: Ident
    title: LocalText
    description: LocalText | None = None
    step: StepText | None = None  # the web survey's step; the title when absent
    kind: Literal["likert", "knowledge", "trust"] = "likert"
    min_answered: float = Field(default=0.5, gt=0, le=1)


class Item(Strict):
    id: Ident
    scale: Ident
    response: Ident
    text: LocalText
    reverse: bool = False
    keyed: bool | None = None


class Facet(Strict):
    id: Ident
    text: LocalText


class TrustBlock(Strict):
    scale: Ident
    response: Ident
    id_pattern: str = "trust_{sector}_{facet}"
    min_answered: float = Field(default=0.5, gt=0, le=1)
    facets: list[Facet] = Field(min_length=1)


class OpenQuestion(Strict):
    id: Ident
    text: LocalText


class Header(Strict):
    key: Ident
    version: str = Field(pattern=r"^\d+\.\d+(\.\d+)?$")
    title: LocalText
    description: LocalText


class InstrumentBase(Header):
    id_columns: list[Ident] = Field(min_length=1)
    profile: list[ProfileField] = Field(min_length=1)


class SurveyInstrument(InstrumentBase):
    kind: Literal["survey"]
    response_scales: dict[Ident, ResponseScale]
    pillars: list[Pillar] = Field(min_length=1)
    scales: list[Scale] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)
    trust: TrustBlock | None = None
    open_questions: list[OpenQuestion] = []
    # The web survey's own words: the first and last steps, the trust block's question,
    # answer labels and the messages of the respondent pages (see ``RESPONDENT_MESSAGES``).
    profile_step: StepText | None = None
    open_step: StepText | None = None
    trust_question: LocalText | None = None
    option_labels: dict[Ident, LocalText] = {}
    messages: dict[Ident, LocalText] = {}


class Question(Strict):
    id: Ident
    pillar: Ident
    text: LocalText


class Dimension(Strict):
    id: Ident
    pillar: Ident
    title: LocalText
    survey_scale: Ident | None = None
    anchors: dict[int, LocalText]


class Theme(Strict):
    code: Ident
    pillar: Ident
    type: Literal["barrier", "enabler"]
    title: LocalText


class CodingFrame(Strict):
    max_themes: int = Field(ge=1, le=20)
    themes: list[Theme] = Field(min_length=1)


class InterviewInstrument(InstrumentBase):
    kind: Literal["interview"]
    questions: list[Question] = Field(min_length=1)
    dimensions: list[Dimension] = Field(min_length=1)
    coding_frame: CodingFrame


LawfulPosition = Literal[
    "share_required", "share_permitted", "not_without_consent", "share_not_permitted"
]
LAWFUL_TO_SHARE: frozenset[str] = frozenset({"share_required", "share_permitted"})


class Vignette(Strict):
    id: Ident
    title: LocalText
    text: LocalText
    sectors: list[Ident] = Field(min_length=1)
    # Optional here so a missing position is reported as a named problem, not a bare error.
    lawful_position: LawfulPosition | None = None
    rationale: LocalText | None = None


class CardCapture(Strict):
    max_cards: int = Field(ge=1, le=10)
    pillars: list[Ident] = Field(min_length=1)


class WorkshopInstrument(InstrumentBase):
    kind: Literal["workshop"]
    decisions: list[Literal["share", "dont_share", "unsure"]] = Field(min_length=2)
    confidence_points: int = Field(default=5, ge=2, le=11)
    vignettes: list[Vignette] = Field(min_length=1)
    cards: CardCapture


class Sector(Strict):
    code: Ident
    short: str
    name: str
    key: bool = False
    short_cy: str | None = None  # Welsh, for the web survey
    name_cy: str | None = None


class SectorList(Header):
    sectors: list[Sector] = Field(min_length=2)


class Band(Strict):
    id: Ident
    label: str
    min: float


class IntervalRule(Strict):
    level: float = Field(default=0.95, gt=0, lt=1)
    resamples: int = Field(default=1000, ge=100)
    seed: int = 0


class MinimumEvidence(Strict):
    respondents: int = Field(ge=1)
    respondents_per_sector: int = Field(ge=1)
    covered_sectors: int = Field(ge=1)
    covered_key_sectors: int = Field(ge=0)
    trust_cell_n: int = Field(ge=1)


class VerdictRule(Strict):
    id: Literal["ready", "ready_with_conditions", "not_yet_ready"]
    label: str
    max_pillars: dict[Ident, int] = {}


class Gate(Strict):
    id: Ident
    title: str | None = None  # how a reader names the gate ("Distrust between key sectors")
    metric: Literal[
        "key_pair_mutual_trust",
        "max_asymmetry",
        "scale",
        "over_caution_rate",
        "over_sharing_rate",
    ]
    scale: Ident | None = None
    below: float | None = None
    above: float | None = None
    min_n: int = 1
    cap: Literal["ready_with_conditions", "not_yet_ready"]


class CalibrationRule(Strict):
    unsure_is_caution: bool = True


class TriangulationRule(Strict):
    disagreement: float = Field(default=1.0, gt=0)


class AgreementRule(Strict):
    rwg_j_min: float = Field(default=0.7, ge=0, le=1)
    # the null distribution rwg(j) is judged against (LeBreton & Senter, 2008)
    rwg_null: Literal["uniform", "slight_skew", "moderate_skew", "heavy_skew", "triangular"] = (
        "uniform"
    )


class CertaintyRule(Strict):
    """How sure a verdict must be to be stated plainly, and how sure a gate on the weakest
    (or most one-sided) of many sector pairs must be before it trips."""

    settled: float = Field(default=0.8, gt=0.5, le=1)
    gate_level: float = Field(default=0.90, gt=0, lt=1)


class ReadinessRules(Header):
    # The survey instrument that profiles are scored from; needed once the folder holds
    # more than one survey (a second survey is never silently ignored).
    survey: Ident | None = None
    bands: list[Band] = Field(min_length=2)
    scale_bands: dict[Ident, list[Band]] = {}
    interval: IntervalRule = IntervalRule()
    minimum_evidence: MinimumEvidence
    verdicts: list[VerdictRule] = Field(min_length=1)
    insufficient_label: str = "Insufficient evidence"
    gates: list[Gate] = []
    calibration: CalibrationRule = CalibrationRule()
    triangulation: TriangulationRule = TriangulationRule()
    agreement: AgreementRule = AgreementRule()
    certainty: CertaintyRule = CertaintyRule()
    # Suggested next steps, by gate id, pillar id or "minimum_evidence": text a domain
    # expert edits, shown with the conditions and the route to the next level.
    next_steps: dict[Ident, str] = {}
