"""Collecting evidence through the dashboard: survey links, web-survey answers and the
files the evidence forms build.

A survey link opens one wave of an area to anyone holding its token, without an account.
Every answer given through a link, and every interview or workshop typed into a form, goes
through the same path as an imported file: a one-row file is built in memory, checked by
:func:`survey.imports.validate` and written by :func:`survey.imports.write` in one
transaction. A web respondent is known only by a random code: no name, no address, no
account and no time of answering beyond the import batch's."""

from __future__ import annotations

import csv
import io
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import pandas as pd
from sqlalchemy import Engine, insert, select, update

from survey.columns import Column, columns, trust_item_id
from survey.imports import ImportProblem, ImportRejected, Validated, validate, write
from survey.instruments import Catalogue, UnknownInstrumentError, default_catalogue
from survey.models import SurveyLink, utcnow

WEB_IMPORTER = "web-survey"
WEB_FILE = "web-survey.csv"
MAX_LABEL = 40
DONT_KNOW = "dont_know"
_NUMBERS = {"likert", "count"}
THEME_GRID = ("theme", "rater", "target", "quote")  # the interview form's theme table
_OPTION_LABELS = {
    "yes": "Yes",
    "no": "No",
    "true": "True",
    "false": "False",
    DONT_KNOW: "Don't know",
    "frontline": "Frontline practitioner",
    "senior_leader": "Senior leader",
    "ig_specialist": "Information governance specialist",
}


class LinkError(Exception):
    """A survey link cannot be opened or closed; the message says why."""


class LinkNotOpen(LinkError):
    """The token is unknown, or its link has been closed."""


class SubmissionRefused(Exception):
    """The answers break the instrument's rules; nothing was saved. ``sentences`` say why,
    one per problem, in words a respondent can act on."""

    def __init__(self, sentences: list[str], problems: list[ImportProblem]):
        self.sentences = sentences
        self.problems = problems
        super().__init__("Your answers were not saved. " + " ".join(sentences))


@dataclass(frozen=True)
class Link:
    id: int
    token: str
    area: str
    wave: str
    instrument: str
    created_by: str
    created_at: datetime


# --- survey links -------------------------------------------------------------------------


def open_link(
    engine: Engine,
    area: str,
    wave: str,
    instrument: str,
    created_by: str,
    *,
    catalogue: Catalogue | None = None,
) -> str:
    """Open ``wave`` of ``area`` to web respondents; the new link's token."""
    area, wave = area.strip(), wave.strip()
    for what, value in (("area code", area), ("wave label", wave)):
        if not 0 < len(value) <= MAX_LABEL:
            raise LinkError(f"the {what} must be 1 to {MAX_LABEL} characters")
    cat = catalogue or default_catalogue()
    try:
        inst = cat.get(instrument)
    except UnknownInstrumentError as exc:
        raise LinkError(str(exc)) from None
    if inst.kind != "survey":
        raise LinkError(f"'{instrument}' is not a survey: only surveys can be answered online")
    token = secrets.token_urlsafe(16)
    with engine.begin() as conn:
        conn.execute(
            insert(SurveyLink).values(
                token=token,
                area_code=area,
                wave_label=wave,
                instrument_key=inst.key,
                created_by=created_by[:100],
                created_at=utcnow(),
            )
        )
    return token


def close_link(engine: Engine, token: str) -> None:
    """Stop the link taking answers. Raises :class:`LinkNotOpen` if it is not open."""
    with engine.begin() as conn:
        closed = conn.execute(
            update(SurveyLink)
            .where(SurveyLink.token == token, SurveyLink.closed_at.is_(None))
            .values(closed_at=utcnow())
        ).rowcount
    if not closed:
        raise LinkNotOpen("this survey link is not open")


def _link_rows(engine: Engine, *where: Any) -> list[Link]:
    stmt = select(
        SurveyLink.id,
        SurveyLink.token,
        SurveyLink.area_code,
        SurveyLink.wave_label,
        SurveyLink.instrument_key,
        SurveyLink.created_by,
        SurveyLink.created_at,
    ).where(SurveyLink.closed_at.is_(None), *where)
    with engine.connect() as conn:
        return [Link(*row) for row in conn.execute(stmt.order_by(SurveyLink.id))]


def open_links(engine: Engine) -> pd.DataFrame:
    """Every open link, oldest first: token, area, wave, instrument, created_by, created_at."""
    names = ["token", "area", "wave", "instrument", "created_by", "created_at"]
    rows = [[getattr(lk, n) for n in names] for lk in _link_rows(engine)]
    return pd.DataFrame(rows, columns=names)


def link(engine: Engine, token: str | None) -> Link | None:
    """The open link with ``token``; None when it is unknown or closed."""
    if not token or len(token) > 64:
        return None
    found = _link_rows(engine, SurveyLink.token == token)
    return found[0] if found else None


def link_url(token: str, page_url: str | None = None) -> str:
    """The link's address: relative (``?survey=...``), or absolute next to ``page_url``."""
    relative = f"?survey={token}"
    if not page_url:
        return relative
    parts = urlsplit(page_url)
    base = urljoin(f"{parts.scheme}://{parts.netloc}{parts.path}", "./")
    return base + relative


# --- answering a survey -------------------------------------------------------------------


def submit_response(
    engine: Engine,
    token: str,
    answers: Mapping[str, str],
    *,
    catalogue: Catalogue | None = None,
) -> None:
    """Save one web respondent's answers (item id -> answer as given) through the import
    path. Raises :class:`LinkNotOpen` or :class:`SubmissionRefused`; either way nothing is
    saved. The respondent code is random, so equal answers are two responses."""
    found = link(engine, token)
    if found is None:
        raise LinkNotOpen("this survey link is not open")
    cat = catalogue or default_catalogue()
    inst = cat.get(found.instrument)
    spec = {c.id: c for c in columns(cat, inst.key)}
    row = {k: v for k, v in answers.items() if v is not None and k not in inst.id_columns}
    row |= {c: f"W-{secrets.token_hex(6)}" for c in inst.id_columns}
    try:
        data = form_file(cat, inst.key, [row])
    except UnicodeEncodeError:
        raise SubmissionRefused(["An answer holds characters that cannot be stored."], []) from None
    checked = validate(data, WEB_FILE, inst.key, catalogue=cat)
    if not checked.ok:
        raise SubmissionRefused(_sentences(checked.problems, spec), checked.problems)
    try:
        write(
            engine,
            checked,
            area=found.area,
            wave=found.wave,
            imported_by=WEB_IMPORTER,
            catalogue=cat,
        )
    except ImportRejected as exc:
        raise SubmissionRefused(_sentences(exc.problems, spec), exc.problems) from None


def _sentences(problems: Iterable[ImportProblem], spec: Mapping[str, Column]) -> list[str]:
    out = []
    for p in problems:
        col = spec.get(p.column or "")
        what = f"“{col.text}”" if col else f"'{p.column}'"
        if p.column and col is None:
            out.append(f"{what} is not a question in this survey.")
        elif p.reason.startswith("required"):
            out.append(f"{what} needs an answer.")
        elif p.column:
            value = f" '{p.value}'" if p.value else ""
            out.append(f"The answer{value} to {what} is not allowed: {p.reason}.")
        else:
            out.append(p.reason[:1].upper() + p.reason[1:] + ".")
    return out


@dataclass(frozen=True)
class Step:
    """One page of the web survey: the profile, one scale, the trust block or the open
    questions. ``options`` and ``labels`` are the answers offered to its items."""

    id: str
    kind: str  # profile | likert | knowledge | trust | open
    title: str
    description: str
    columns: tuple[Column, ...]
    options: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()


def survey_steps(cat: Catalogue, key: str) -> list[Step]:
    """The profile first, then every scale in the instrument's order, then open text."""
    inst = cat.get(key)
    spec = {c.id: c for c in columns(cat, key)}
    profile = tuple(c for c in spec.values() if c.group == "profile" and c.kind != "id")
    steps = [Step("profile", "profile", "About you", str(inst.description), profile)]
    for scale in inst.scales:
        text = str(scale.description or "")
        if scale.kind == "trust" and inst.trust is not None:
            trust = tuple(c for c in spec.values() if c.scale == scale.id)
            opts, labels = _likert(inst, inst.trust.response)
            steps.append(Step("trust", "trust", str(scale.title), text, trust, opts, labels))
            continue
        items = [i for i in inst.items if i.scale == scale.id]
        if not items:
            continue
        cols = tuple(spec[i.id] for i in items)
        if scale.kind == "knowledge":
            opts = ("true", "false", DONT_KNOW)
            labels = tuple(_OPTION_LABELS[o] for o in opts)
            steps.append(Step(scale.id, "knowledge", str(scale.title), text, cols, opts, labels))
        else:
            opts, labels = _likert(inst, items[0].response)
            steps.append(Step(scale.id, "likert", str(scale.title), text, cols, opts, labels))
    open_cols = tuple(c for c in spec.values() if c.group == "open")
    if open_cols:
        note = "Please do not include names or anything else that could identify a person."
        steps.append(Step("open", "open", "In your own words", note, open_cols))
    return steps


def _likert(inst: Any, response: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    rs = inst.response_scales[response]
    opts = tuple(str(n) for n in range(1, rs.points + 1))
    labels = tuple(str((rs.labels or {}).get(n, n)) for n in range(1, rs.points + 1))
    return opts, labels


def trust_items(cat: Catalogue, key: str) -> dict[str, tuple[Column, ...]]:
    """The trust block's columns by target sector (every sector, in list order)."""
    inst = cat.get(key)
    spec = {c.id: c for c in columns(cat, key)}
    if inst.kind != "survey" or inst.trust is None:
        return {}
    return {
        s.code: tuple(
            spec[trust_item_id(inst.trust.id_pattern, s.code, f.id)] for f in inst.trust.facets
        )
        for s in cat.sectors.sectors
    }


def choices(cat: Catalogue, col: Column) -> tuple[str, ...]:
    """The answers a field offers (empty for free text and numbers)."""
    if col.kind == "sector":
        return tuple(cat.sector_codes)
    return ("yes", "no") if col.kind == "yes_no" else col.options


def option_label(cat: Catalogue, col: Column, option: str) -> str:
    if col.kind in {"sector", "pair"}:
        return next((s.name for s in cat.sectors.sectors if s.code == option), option)
    return _OPTION_LABELS.get(option, option.replace("_", " ").capitalize())


def missing_required(step: Step, answers: Mapping[str, str]) -> list[Column]:
    return [c for c in step.columns if c.required and not str(answers.get(c.id, "")).strip()]


# --- files built by the evidence forms ----------------------------------------------------


def cell_text(value: Any) -> str:
    """A form or table cell as a file cell: blank for nothing, whole numbers without '.0'."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def form_file(cat: Catalogue, key: str, rows: Sequence[Mapping[str, Any]]) -> bytes:
    """A UTF-8 CSV file of ``rows`` with every column of instrument ``key`` (in template
    order; blank where a row has no value) and any other keys after them, so that the
    validator reports those."""
    header = [c.id for c in columns(cat, key)]
    header += sorted({k for r in rows for k in r} - set(header))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[cell_text(r.get(h)) for h in header] for r in rows])
    return out.getvalue().encode("utf-8")


def blank_table(cols: Sequence[Column], rows: int) -> pd.DataFrame:
    """An empty table for an editable grid: numbers as floats, everything else as text."""
    return pd.DataFrame(
        {
            c.id: pd.Series([None] * rows, dtype="float" if c.kind in _NUMBERS else "object")
            for c in cols
        }
    )


def table_rows(table: pd.DataFrame, **fixed: str) -> list[dict[str, str]]:
    """The filled-in rows of an editable table as file rows, each with ``fixed`` added."""
    rows = []
    for record in table.to_dict("records"):
        cells = {k: cell_text(v) for k, v in record.items()}
        if any(v.strip() for v in cells.values()):
            rows.append(cells | fixed)
    return rows


def theme_grid(cat: Catalogue, key: str) -> tuple[Column, ...]:
    """The columns of the interview form's theme table (one row per theme slot)."""
    codes = tuple(t.code for t in cat.get(key).coding_frame.themes)
    sectors = tuple(cat.sector_codes)
    return (
        Column("theme", "choice", "Theme", "theme", options=codes),
        Column("rater", "sector", "Rater sector", "theme", options=sectors),
        Column("target", "sector", "Target sector", "theme", options=sectors),
        Column("quote", "text", "Quote (short, anonymised)", "theme"),
    )


def theme_cells(table: pd.DataFrame) -> dict[str, str]:
    """An interview's theme grid (columns theme, rater, target, quote; one row per slot)
    as the ``theme_N``, ``theme_N_pair`` and ``theme_N_quote`` cells of its file row. A
    half-given pair is kept as it is, so the validator names it."""
    cells: dict[str, str] = {}
    for n, record in enumerate(table.to_dict("records"), start=1):
        theme, rater, target, quote = (cell_text(record.get(k)) for k in THEME_GRID)
        cells[f"theme_{n}"] = theme
        cells[f"theme_{n}_pair"] = f"{rater}>{target}" if rater or target else ""
        cells[f"theme_{n}_quote"] = quote
    return cells


def problem_frame(problems: Iterable[ImportProblem]) -> pd.DataFrame:
    """Problems as a table: row (as a spreadsheet numbers it), column, value, reason."""
    rows = [(p.row, p.column or "", p.value or "", p.reason) for p in problems]
    frame = pd.DataFrame(rows, columns=["row", "column", "value", "reason"])
    frame["row"] = frame["row"].astype("Int64")
    return frame


def preview_frame(v: Validated, n: int = 10) -> pd.DataFrame:
    """The first ``n`` valid rows as the file gives them, indexed by row number."""
    return pd.DataFrame(v.raw[:n], index=pd.Index(v.numbers[:n], name="row"))
