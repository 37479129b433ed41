"""An instrument as an XLSForm: the spreadsheet KoboToolbox, ODK Collect, SurveyCTO and
Enketo field offline (https://xlsform.org).

The workbook has ``survey``, ``choices`` and ``settings`` sheets. Every field is named by
its import column (the item id), so an export of the collected data imports again with
its group prefixes stripped (:mod:`survey.ingest.mapping`). ``form_id`` is the
instrument's key and ``version`` its version.

- Profile fields: ``select_one`` for sectors and choices, yes/no as a ``select_one``,
  required where the instrument requires them; identifiers are text of at most 60
  characters. A staff survey's respondent code is filled in by the form (a ``calculate``
  of the submission's uuid), since a respondent must never be asked for their name.
- Scales: one group per scale; an item with a labelled response scale is a
  ``select_one`` of that scale (choice names are the numbers stored), a numeric answer
  without labels is an ``integer`` with a range constraint.
- The trust block: one group per sector (``trust_police``), each with the facets.
- Interviews and workshops: ratings, theme codes, sector pairs (a text constrained to
  ``sector>sector``), decisions, confidence and cards, as their import columns.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from instruments.catalogue import Catalogue
from instruments.columns import MAX_ID, MAX_TEXT, Column, columns
from instruments.errors import ReadinessError
from instruments.forms import option_label
from instruments.schema import Text

LANGUAGES = {"en": "English", "cy": "Cymraeg"}
SURVEY_FIELDS = (
    "type",
    "name",
    "label",
    "hint",
    "required",
    "constraint",
    "constraint_message",
    "calculation",
    "appearance",
)


class UnknownLanguage(ReadinessError):
    """A language no instrument text is written in."""


@dataclass
class _Form:
    lang: str
    survey: list[dict[str, str]] = field(default_factory=list)
    choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def text(self, text: Text | str) -> str:
        if isinstance(text, Text):
            return (text.cy if self.lang == "cy" and text.cy else text.en).strip()
        return str(text).strip()

    def row(self, type_: str, name: str, label: Text | str = "", **more: str) -> None:
        self.survey.append({"type": type_, "name": name, "label": self.text(label), **more})

    def choice_list(self, name: str, options: Iterable[tuple[str, str]]) -> str:
        options = list(options)
        if name in self.choices and self.choices[name] != options:
            raise ValueError(f"choice list {name!r} defined twice with different options")
        self.choices[name] = options
        return name


def _required(col: Column) -> dict[str, str]:
    return {"required": "yes"} if col.required else {}


def _field(
    form: _Form,
    cat: Catalogue,
    col: Column,
    labels: dict[int, str] | None,
    scale: str | None = None,
) -> None:
    """One import column as an XLSForm question (``labels`` and ``scale``: the labels and
    name of its response scale, when it has one)."""
    more = _required(col)
    if col.kind in {"sector", "choice", "yes_no"}:
        options = ("yes", "no") if col.kind == "yes_no" else col.options
        name = "sectors" if col.kind == "sector" else f"{col.id}_options"
        if col.kind == "yes_no":
            name = "yes_no"
        if col.kind == "choice" and col.group == "theme":
            name = "themes"
        if col.kind == "choice" and col.group == "decision":
            name = "decisions"
        if col.kind == "choice" and col.group == "card":
            name = col.id.split("_", 2)[-1] + "_options"
        listed = form.choice_list(name, [(o, option_label(cat, col, o)) for o in options])
        form.row(f"select_one {listed}", col.id, col.text, **more)
    elif col.kind == "true_false":
        listed = form.choice_list("true_false", [("true", "True"), ("false", "False")])
        form.row(f"select_one {listed}", col.id, col.text, **more)
    elif col.kind == "likert" and labels:
        listed = form.choice_list(
            scale or f"scale_{col.low}_{col.high}",
            [(str(n), labels.get(n, str(n))) for n in range(col.low or 1, (col.high or 5) + 1)],
        )
        form.row(f"select_one {listed}", col.id, col.text, appearance="likert", **more)
    elif col.kind in {"likert", "count"}:
        low = 0 if col.kind == "count" else col.low
        rule = f". >= {low}" + (f" and . <= {col.high}" if col.high is not None else "")
        message = f"A whole number from {low}" + (f" to {col.high}" if col.high else " up")
        form.row("integer", col.id, col.text, constraint=rule, constraint_message=message, **more)
    elif col.kind == "pair":
        rule = "regex(., '^[a-z][a-z0-9_]*>[a-z][a-z0-9_]*$')"
        codes = ", ".join(col.options)
        form.row(
            "text",
            col.id,
            col.text,
            hint=f"rater sector>target sector, e.g. police>mental_health; sectors: {codes}",
            constraint=rule,
            constraint_message="Two sector codes joined by >",
            **more,
        )
    else:
        limit = col.max_length if col.kind != "id" else MAX_ID
        form.row(
            "text",
            col.id,
            col.text,
            constraint=f"string-length(.) <= {min(limit, MAX_TEXT)}",
            constraint_message=f"At most {min(limit, MAX_TEXT)} characters",
            **more,
        )


def _survey_labels(inst: Any) -> dict[str, dict[int, str]]:
    """Item id -> the labels of its response scale (likert scales with labels only)."""
    out: dict[str, dict[int, str]] = {}
    scales = inst.response_scales
    for item in inst.items:
        rs = scales[item.response]
        if rs.type == "likert" and rs.labels:
            out[item.id] = {int(k): v for k, v in rs.labels.items()}
    return out


def _profile(form: _Form, cat: Catalogue, inst: Any, cols: list[Column]) -> None:
    by_id = {c.id: c for c in cols}
    form.row("begin_group", "profile", "About you" if inst.kind == "survey" else "Details")
    for f in inst.profile:
        col = by_id[f.id]
        if inst.kind == "survey" and f.id in inst.id_columns and len(inst.id_columns) == 1:
            form.row("calculate", col.id, "", calculation="once(uuid())")
            continue
        _field(form, cat, col, None)
    form.row("end_group", "profile")


def _survey(form: _Form, cat: Catalogue, inst: Any, cols: list[Column]) -> None:
    labels = {k: {n: form.text(t) for n, t in v.items()} for k, v in _survey_labels(inst).items()}
    by_id = {c.id: c for c in cols}
    titles = {s.id: s.title for s in inst.scales}
    for scale in inst.scales:
        items = [i for i in inst.items if i.scale == scale.id]
        if not items:
            continue
        form.row("begin_group", scale.id, titles[scale.id], appearance="field-list")
        for item in items:
            _field(form, cat, by_id[item.id], labels.get(item.id), item.response)
        form.row("end_group", scale.id)
    trust = inst.trust
    if trust is not None:
        rs = inst.response_scales[trust.response]
        scale_labels = {int(k): form.text(v) for k, v in (rs.labels or {}).items()}
        for sector in cat.sectors.sectors:
            group = f"trust_{sector.code}"
            form.row("begin_group", group, f"Trust: {sector.name}", appearance="field-list")
            for facet in trust.facets:
                item_id = trust.id_pattern.format(sector=sector.code, facet=facet.id)
                col = by_id[item_id]
                label = form.text(facet.text).replace("{sector}", sector.short)
                facet_col = dataclasses.replace(col, text=label)
                _field(form, cat, facet_col, scale_labels, trust.response)
            form.row("end_group", group)
    opens = list(inst.open_questions)
    if opens:
        form.row("begin_group", "open_questions", "In your own words")
        for q in opens:
            form.row("text", q.id, q.text, appearance="multiline")
        form.row("end_group", "open_questions")


def _rest(form: _Form, cat: Catalogue, inst: Any, cols: list[Column]) -> None:
    """Interview and workshop columns, grouped as their import columns are."""
    by_group: dict[str, list[Column]] = {}
    for col in cols:
        if col.group != "profile":
            by_group.setdefault(col.group, []).append(col)
    titles = {
        "rating": "Ratings",
        "theme": "Themes",
        "decision": "Vignettes",
        "card": "Cards",
    }
    anchors = {}
    scenarios = {}
    if inst.kind == "workshop":
        scenarios = {f"v_{v.id}": v for v in inst.vignettes}
    if inst.kind == "interview":
        for d in inst.dimensions:
            anchors[f"rate_{d.id}"] = {int(k): form.text(v) for k, v in d.anchors.items()}
    for group, members in by_group.items():
        form.row("begin_group", group, titles.get(group, group.capitalize()))
        for col in members:
            if col.id in scenarios:  # the vignette's story, read before the decision
                form.row("note", f"{col.id}_scenario", scenarios[col.id].text)
            labels = anchors.get(col.id)
            if labels:  # each dimension has its own anchors: a list of its own
                listed = form.choice_list(
                    f"{col.id}_anchors",
                    [(str(n), f"{n}: {labels.get(n, '')}".rstrip(": ")) for n in sorted(labels)],
                )
                form.row(f"select_one {listed}", col.id, col.text, **_required(col))
            else:
                _field(form, cat, col, None)
        form.row("end_group", group)


def xlsform_sheets(cat: Catalogue, key: str, lang: str = "en") -> dict[str, list[dict[str, str]]]:
    """The three sheets of instrument ``key``'s XLSForm as lists of rows."""
    if lang not in LANGUAGES:
        raise UnknownLanguage(f"unknown language {lang!r}; use one of: {', '.join(LANGUAGES)}")
    inst = cat.get(key)
    cols = list(columns(cat, key))
    form = _Form(lang)
    _profile(form, cat, inst, cols)
    if inst.kind == "survey":
        _survey(form, cat, inst, cols)
    else:
        _rest(form, cat, inst, cols)
    choices = [
        {"list_name": name, "name": code, "label": label}
        for name, options in form.choices.items()
        for code, label in options
    ]
    settings = [
        {
            "form_title": form.text(inst.title),
            "form_id": inst.key,
            "version": inst.version,
            "default_language": f"{LANGUAGES[lang]} ({lang})",
        }
    ]
    return {"survey": form.survey, "choices": choices, "settings": settings}


def _label_column(name: str, lang: str) -> str:
    translated = {"label", "hint", "constraint_message"}
    return f"{name}::{LANGUAGES[lang]} ({lang})" if name in translated else name


def xlsform_bytes(cat: Catalogue, key: str, lang: str = "en") -> bytes:
    """Instrument ``key`` as an XLSForm workbook (``.xlsx``), labels in ``lang``."""
    sheets = xlsform_sheets(cat, key, lang)
    heads = {
        "survey": list(SURVEY_FIELDS),
        "choices": ["list_name", "name", "label"],
        "settings": ["form_title", "form_id", "version", "default_language"],
    }
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        used = [
            h
            for h in heads[name]
            if h in {"type", "name", "list_name"} or any(r.get(h) for r in rows)
        ]
        sheet.append([_label_column(h, lang) for h in used])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.get(h, "") or None for h in used])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
