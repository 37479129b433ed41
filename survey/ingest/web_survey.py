"""The web survey: survey links, the steps a respondent answers, and saving the answers.

A survey link opens one wave of an area to anyone holding its token, without an account.
Every answer given through a link goes through the same path as an imported file: a
one-row file is built in memory (:func:`survey.ingest.forms.form_file`), checked by
:func:`survey.ingest.validate.validate` and written by :func:`survey.ingest.write.write` in
one transaction. A web respondent is known only by a random code: no name, no address, no
account and no time of answering beyond the import batch's."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import pandas as pd
from sqlalchemy import Engine, insert, select, update

from instruments import wording
from instruments.catalogue import Catalogue, default_catalogue
from instruments.columns import Column, columns, trust_item_id
from instruments.errors import ReadinessError, UnknownInstrumentError
from instruments.forms import DONT_KNOW, form_file
from instruments.kinds import SURVEY
from survey.ingest.validate import ImportProblem, validate
from survey.ingest.write import Derive, ImportRejected, write
from survey.store.models import SurveyLink, utcnow

WEB_IMPORTER = "web-survey"
WEB_FILE = "web-survey.csv"
MAX_LABEL = 40


class LinkError(ReadinessError):
    """A survey link cannot be opened or closed; the message says why."""


class LinkNotOpen(LinkError):
    """The token is unknown, or its link has been closed."""


class SubmissionRefused(ReadinessError):
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
    expires_at: datetime | None = None
    max_responses: int | None = None
    responses: int = 0


# --- survey links -------------------------------------------------------------------------


def open_link(
    engine: Engine,
    area: str,
    wave: str,
    instrument: str,
    created_by: str,
    *,
    catalogue: Catalogue | None = None,
    expires_at: datetime | None = None,
    max_responses: int | None = None,
    now: datetime | None = None,
) -> str:
    """Open ``wave`` of ``area`` to web respondents; the new link's token. The link stops
    taking answers at ``expires_at`` and after ``max_responses`` answers, when given."""
    area, wave = area.strip(), wave.strip()
    if expires_at is not None and _aware(expires_at) <= (now or utcnow()):
        raise LinkError("the link's closing date must be in the future")
    if max_responses is not None and max_responses < 1:
        raise LinkError("a link's response limit must be at least 1")
    for what, value in (("area code", area), ("wave label", wave)):
        if not 0 < len(value) <= MAX_LABEL:
            raise LinkError(f"the {what} must be 1 to {MAX_LABEL} characters")
    cat = catalogue or default_catalogue()
    try:
        inst = cat.get(instrument)
    except UnknownInstrumentError as exc:
        raise LinkError(str(exc)) from None
    if inst.kind != SURVEY:
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
                expires_at=expires_at,
                max_responses=max_responses,
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


def _aware(when: datetime) -> datetime:
    """SQLite hands back naive datetimes; the store writes UTC."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _link_rows(engine: Engine, *where: Any) -> list[Link]:
    stmt = select(
        SurveyLink.id,
        SurveyLink.token,
        SurveyLink.area_code,
        SurveyLink.wave_label,
        SurveyLink.instrument_key,
        SurveyLink.created_by,
        SurveyLink.created_at,
        SurveyLink.expires_at,
        SurveyLink.max_responses,
        SurveyLink.responses,
    ).where(SurveyLink.closed_at.is_(None), *where)
    with engine.connect() as conn:
        rows = [Link(*row) for row in conn.execute(stmt.order_by(SurveyLink.id))]
    return [replace(lk, expires_at=_aware(lk.expires_at)) if lk.expires_at else lk for lk in rows]


def _taking_answers(lk: Link, now: datetime) -> bool:
    if lk.expires_at is not None and lk.expires_at <= now:
        return False
    return lk.max_responses is None or lk.responses < lk.max_responses


def open_links(engine: Engine) -> pd.DataFrame:
    """Every open link, oldest first: token, area, wave, instrument, created_by, created_at,
    expires_at and max_responses (empty when not set), and the responses it has taken."""
    names = ["token", "area", "wave", "instrument", "created_by", "created_at"]
    names += ["expires_at", "max_responses", "responses"]
    rows = [[getattr(lk, n) for n in names] for lk in _link_rows(engine)]
    return pd.DataFrame(rows, columns=names)


def link(engine: Engine, token: str | None, now: datetime | None = None) -> Link | None:
    """The link with ``token`` if it takes answers; None when it is unknown, closed, past
    its closing date or full."""
    if not token or len(token) > 64:
        return None
    found = _link_rows(engine, SurveyLink.token == token)
    if not found or not _taking_answers(found[0], now or utcnow()):
        return None
    return found[0]


def _reserve(engine: Engine, link_id: int, by: int) -> bool:
    """Count one more (``by=1``) or one fewer (``by=-1``) answer on the link, atomically;
    False when the link is already full."""
    stmt = (
        update(SurveyLink)
        .where(SurveyLink.id == link_id)
        .values(responses=SurveyLink.responses + by)
    )
    if by > 0:
        stmt = stmt.where(
            (SurveyLink.max_responses.is_(None)) | (SurveyLink.responses < SurveyLink.max_responses)
        )
    with engine.begin() as conn:
        return bool(conn.execute(stmt).rowcount)


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
    derive: Derive,
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
    if not _reserve(engine, found.id, 1):
        raise LinkNotOpen("this survey link has taken all the answers it was opened for")
    try:
        write(
            engine,
            checked,
            area=found.area,
            wave=found.wave,
            imported_by=WEB_IMPORTER,
            catalogue=cat,
            derive=derive,
        )
    except ImportRejected as exc:
        _reserve(engine, found.id, -1)
        raise SubmissionRefused(_sentences(exc.problems, spec), exc.problems) from None
    except BaseException:
        _reserve(engine, found.id, -1)
        raise


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


def survey_steps(cat: Catalogue, key: str, lang: str = wording.ENGLISH) -> list[Step]:
    """The profile first, then every scale in the instrument's order, then open text; every
    title, question and answer label in ``lang`` (the option codes never change)."""
    inst = cat.get(key)
    words = wording.texts(cat, inst, lang)
    spec = {c.id: replace(c, text=words.get(c.id, c.text)) for c in columns(cat, key)}
    profile = tuple(c for c in spec.values() if c.group == "profile" and c.kind != "id")
    title, intro = _step_text(inst.profile_step, "About you", inst.description, lang)
    steps = [Step("profile", "profile", title, intro, profile)]
    for scale in inst.scales:
        title, intro = _step_text(scale.step, scale.title, scale.description, lang)
        if scale.kind == "trust" and inst.trust is not None:
            trust = tuple(c for c in spec.values() if c.scale == scale.id)
            opts, labels = _likert(inst, inst.trust.response, lang)
            steps.append(Step("trust", "trust", title, intro, trust, opts, labels))
            continue
        items = [i for i in inst.items if i.scale == scale.id]
        if not items:
            continue
        cols = tuple(spec[i.id] for i in items)
        if scale.kind == "knowledge":
            opts = ("true", "false", DONT_KNOW)
            labels = tuple(wording.option_label(cat, inst, "choice", o, lang) for o in opts)
            steps.append(Step(scale.id, "knowledge", title, intro, cols, opts, labels))
        else:
            opts, labels = _likert(inst, items[0].response, lang)
            steps.append(Step(scale.id, "likert", title, intro, cols, opts, labels))
    open_cols = tuple(c for c in spec.values() if c.group == "open")
    if open_cols:
        note = "Please do not include names or anything else that could identify a person."
        title, intro = _step_text(inst.open_step, "In your own words", note, lang)
        steps.append(Step("open", "open", title, intro, open_cols))
    return steps


def _step_text(step: Any, title: Any, intro: Any, lang: str) -> tuple[str, str]:
    """A step's title and introduction: the instrument's words for respondents, else the
    construct's own title and description."""
    if step is not None:
        return wording.say(step.title, lang), wording.say(step.intro, lang)
    return wording.say(title, lang), wording.say(intro, lang)


def _likert(inst: Any, response: str, lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    rs = inst.response_scales[response]
    opts = tuple(str(n) for n in range(1, rs.points + 1))
    given = rs.labels or {}
    labels = tuple(
        wording.say(given[n], lang) if n in given else str(n) for n in range(1, rs.points + 1)
    )
    return opts, labels


def trust_items(cat: Catalogue, key: str) -> dict[str, tuple[Column, ...]]:
    """The trust block's columns by target sector (every sector, in list order)."""
    inst = cat.get(key)
    spec = {c.id: c for c in columns(cat, key)}
    if inst.kind != SURVEY or inst.trust is None:
        return {}
    return {
        s.code: tuple(
            spec[trust_item_id(inst.trust.id_pattern, s.code, f.id)] for f in inst.trust.facets
        )
        for s in cat.sectors.sectors
    }


def missing_required(step: Step, answers: Mapping[str, str]) -> list[Column]:
    return [c for c in step.columns if c.required and not str(answers.get(c.id, "")).strip()]
