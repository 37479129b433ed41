"""The columns of an instrument's import file: one per profile field and item.

The same list drives the blank template, the codebook and import validation, so the three
can never disagree."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from instruments.schema import InterviewInstrument, SurveyInstrument, WorkshopInstrument

if TYPE_CHECKING:
    from instruments.catalogue import Catalogue

# A whole number in the digits 0-9; "2.0" (how some tools write whole numbers) is 2.
_INT = re.compile(r"^([0-9]{1,9})(\.0{1,9})?$")
# A respondent id is a code, never personal data: not an e-mail address, a phone number or
# a person's name (two or more capitalised words of letters, "Jane Smith", "O'Neil Ann").
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"^(?:\+|0)[0-9 ()-]{8,}[0-9]$")  # UK style: 0… or +44…
_NAME = re.compile(r"^[A-Z][a-z'’-]+(?:[ .]+[A-Z][a-z'’-]+)+$")
_TRUE = {"true", "t", "1", "yes", "y"}
_FALSE = {"false", "f", "0", "no", "n"}
MAX_TEXT = 2000
# Profile text is stored in fixed-width columns: an organisation name in 200 characters, a
# row identifier (e.g. the interview's coder) in 60. PostgreSQL refuses longer values.
MAX_PROFILE_TEXT = 200
MAX_ID = 60


class ValueProblem(ValueError):
    """A cell's value is not allowed; the message says what is."""


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    ``kind`` decides what a cell may hold: ``id``, ``text``, ``sector``, ``choice``,
    ``yes_no``, ``likert`` (whole numbers ``low``..``high``), ``true_false``, ``count``
    (whole number >= 0), ``pair`` (``sector>sector``)."""

    id: str
    kind: str
    text: str
    group: str  # profile, item, open, rating, theme, decision, card
    required: bool = False
    scale: str | None = None
    reverse: bool = False
    options: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    keyed: bool | None = None
    max_length: int = MAX_TEXT

    @property
    def allowed(self) -> str:
        """The response options in words, for the codebook and error messages."""
        if self.kind == "likert":
            return f"whole number {self.low}-{self.high}"
        if self.kind == "count":
            return "whole number 0 or more"
        if self.kind == "true_false":
            return "true/false"
        if self.kind == "yes_no":
            return "yes/no"
        if self.kind == "pair":
            return "rater_sector>target_sector, e.g. police>mental_health"
        if self.options:
            return ", ".join(self.options)
        return "free text" if self.kind == "text" else "identifier (no names)"

    def parse(self, raw: str) -> Any:
        """The value of a non-empty cell, or :class:`ValueProblem` saying why it is not.

        Numbers are whole numbers in the digits 0-9 only (``2.0`` is 2): ``３`` or ``٣``
        (other scripts' digits), ``+3`` (a sign) and ``3.`` (a trailing point) are each
        named, never read as 3. Codes (identifiers, sectors, options) may not hold control
        characters; sectors and options are matched after trimming, ignoring case."""
        value = raw.strip()
        if "\x00" in raw:
            raise ValueProblem("contains a NUL character, which cannot be stored")
        if self.kind in {"likert", "count"}:
            return self._whole_number(value)
        if self.kind in CODE_KINDS and _has_control(value):
            raise ValueProblem("contains a control character, which a code may not hold")
        if self.kind in {"true_false", "yes_no"}:
            low = value.lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueProblem(f"expected {self.allowed}")
        if self.kind in {"sector", "choice"}:
            value = _matching(value, self.options)
            if value not in self.options:
                what = "sector" if self.kind == "sector" else "option"
                raise ValueProblem(f"unknown {what}; expected one of: {', '.join(self.options)}")
            return value
        if self.kind == "pair":
            parts = [_matching(p.strip(), self.options) for p in value.split(">")]
            if len(parts) != 2 or any(p not in self.options for p in parts):
                raise ValueProblem(f"unknown sector pair; expected {self.allowed}")
            return tuple(parts)
        if self.kind == "id":
            if not value or len(value) > MAX_ID:
                raise ValueProblem(f"an identifier must be 1 to {MAX_ID} characters")
            if looks_personal(value):
                raise ValueProblem(
                    "looks like personal data (an e-mail address, phone number or name); "
                    "use a code such as R0042 instead"
                )
        if len(raw) > self.max_length:
            raise ValueProblem(f"longer than {self.max_length} characters")
        return raw

    def _whole_number(self, value: str) -> int:
        m = _INT.match(value)
        number = int(m.group(1)) if m else None
        low = 0 if self.kind == "count" else self.low
        if number is not None and low <= number and (self.high is None or number <= self.high):
            return number
        if not value.isascii() and any(ch.isdigit() for ch in value):
            why = "uses digits other than 0-9; "
        elif value.startswith("+"):
            why = "has a + sign; "
        elif value.endswith(".") and value[:-1].isdigit():
            why = "ends in a decimal point; "
        else:
            why = ""
        raise ValueProblem(f"{why}expected {self.allowed}")


CODE_KINDS = {"id", "sector", "choice", "pair", "yes_no", "true_false"}


def _has_control(value: str) -> bool:
    return any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in value)


def _matching(value: str, options: tuple[str, ...]) -> str:
    """The option that ``value`` is, ignoring case (``Police`` is ``police``)."""
    if value in options:
        return value
    folded = value.casefold()
    return next((o for o in options if o.casefold() == folded), value)


def looks_personal(value: str) -> bool:
    """Whether an identifier looks like an e-mail address, phone number or person's name."""
    return bool(_EMAIL.search(value) or _PHONE.match(value) or _NAME.match(value))


def profile_columns(inst: Any, cat: Catalogue) -> list[Column]:
    cols = []
    for f in inst.profile:
        options: tuple[str, ...] = ()
        if f.type == "sector":
            options = tuple(cat.sector_codes)
        elif f.type == "choice":
            options = tuple(f.options or ())
        limit = MAX_ID if f.id in inst.id_columns else MAX_PROFILE_TEXT
        cols.append(
            Column(
                f.id,
                f.type,
                f.text.en,
                "profile",
                required=f.required,
                options=options,
                max_length=limit,
            )
        )
    return cols


def trust_item_id(pattern: str, sector: str, facet: str) -> str:
    return pattern.format(sector=sector, facet=facet)


def survey_columns(inst: SurveyInstrument, cat: Catalogue) -> list[Column]:
    cols = []
    for item in inst.items:
        rs = inst.response_scales[item.response]
        kind = "likert" if rs.type == "likert" else "true_false"
        cols.append(
            Column(
                item.id,
                kind,
                item.text.en,
                "item",
                scale=item.scale,
                reverse=item.reverse,
                low=1 if kind == "likert" else None,
                high=rs.points if kind == "likert" else None,
                keyed=item.keyed,
            )
        )
    if inst.trust is not None:
        points = inst.response_scales[inst.trust.response].points
        for sector in cat.sectors.sectors:
            for facet in inst.trust.facets:
                cols.append(
                    Column(
                        trust_item_id(inst.trust.id_pattern, sector.code, facet.id),
                        "likert",
                        facet.text.en.replace("{sector}", sector.short),
                        "item",
                        scale=inst.trust.scale,
                        low=1,
                        high=points,
                    )
                )
    cols += [Column(q.id, "text", q.text.en, "open") for q in inst.open_questions]
    return cols


def interview_columns(inst: InterviewInstrument, cat: Catalogue) -> list[Column]:
    cols = [
        Column(f"rate_{d.id}", "likert", d.title.en, "rating", scale=d.id, low=1, high=5)
        for d in inst.dimensions
    ]
    codes = tuple(t.code for t in inst.coding_frame.themes)
    sectors = tuple(cat.sector_codes)
    for n in range(1, inst.coding_frame.max_themes + 1):
        cols += [
            Column(f"theme_{n}", "choice", f"Theme {n}: code", "theme", options=codes),
            Column(f"theme_{n}_pair", "pair", f"Theme {n}: sector pair", "theme", options=sectors),
            Column(f"theme_{n}_quote", "text", f"Theme {n}: anonymised quote", "theme"),
        ]
    return cols


def workshop_columns(inst: WorkshopInstrument, cat: Catalogue) -> list[Column]:
    cols = []
    for v in inst.vignettes:
        cols.append(
            Column(f"v_{v.id}", "choice", v.title.en, "decision", options=tuple(inst.decisions))
        )
        cols.append(
            Column(
                f"v_{v.id}_conf",
                "likert",
                f"{v.title.en}: confidence",
                "decision",
                low=1,
                high=inst.confidence_points,
            )
        )
    pillars = tuple(inst.cards.pillars)
    for n in range(1, inst.cards.max_cards + 1):
        cols += [
            Column(
                f"card_{n}_type",
                "choice",
                f"Card {n}: type",
                "card",
                options=("barrier", "enabler"),
            ),
            Column(f"card_{n}_pillar", "choice", f"Card {n}: pillar", "card", options=pillars),
            Column(f"card_{n}_text", "text", f"Card {n}: text", "card"),
            Column(f"card_{n}_votes", "count", f"Card {n}: votes", "card"),
        ]
    return cols


def columns(cat: Catalogue, key: str) -> tuple[Column, ...]:
    """Every column of instrument ``key``'s import file, in template order: its profile
    fields, then the columns its kind adds (:mod:`instruments.kinds`)."""
    return cat.columns(key)
