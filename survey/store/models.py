"""The evidence store: SQLAlchemy 2 models.

Raw answers are kept exactly as given and never changed; scores are derived from them.
No table holds a respondent's name: respondents are known only by the code in the file."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Area(Base):
    __tablename__ = "areas"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    waves: Mapped[list[Wave]] = relationship(back_populates="area")


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("area_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    name: Mapped[str] = mapped_column(String(200))


class Wave(Base):
    """A diagnostic round in an area."""

    __tablename__ = "waves"
    __table_args__ = (UniqueConstraint("area_id", "label"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    label: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    area: Mapped[Area] = relationship(back_populates="waves")


class ImportBatch(Base):
    """One imported file. The content hash refuses the same file twice."""

    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    instrument_key: Mapped[str] = mapped_column(String(60))
    instrument_version: Mapped[str] = mapped_column(String(20))
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"))
    rows: Mapped[int] = mapped_column(Integer)
    imported_by: Mapped[str | None] = mapped_column(String(100))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Response(Base):
    """One respondent, interview (per coder) or workshop participant."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("wave_id", "instrument_key", "respondent_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # survey | interview | workshop
    instrument_key: Mapped[str] = mapped_column(String(60))
    instrument_version: Mapped[str] = mapped_column(String(20))
    respondent_key: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(60), index=True)
    role_level: Mapped[str | None] = mapped_column(String(60))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    co_located: Mapped[bool | None] = mapped_column(Boolean)
    multi_agency_team: Mapped[bool | None] = mapped_column(Boolean)
    group_key: Mapped[str | None] = mapped_column(String(60))  # the workshop
    coder: Mapped[str | None] = mapped_column(String(60))  # the interview's coder
    profile: Mapped[dict] = mapped_column(JSON, default=dict)  # every profile cell as given


class Answer(Base):
    """A survey answer exactly as given (``raw``) and its parsed number (``value``)."""

    __tablename__ = "answers"
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    raw: Mapped[str] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float)


class InterviewRating(Base):
    __tablename__ = "interview_ratings"
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(60), primary_key=True)
    rating: Mapped[int] = mapped_column(Integer)


class InterviewCode(Base):
    __tablename__ = "interview_codes"
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme: Mapped[str] = mapped_column(String(60))
    rater_sector: Mapped[str | None] = mapped_column(String(60))
    target_sector: Mapped[str | None] = mapped_column(String(60))
    quote: Mapped[str | None] = mapped_column(Text)


class VignetteDecision(Base):
    __tablename__ = "vignette_decisions"
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), primary_key=True)
    vignette: Mapped[str] = mapped_column(String(60), primary_key=True)
    decision: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[int | None] = mapped_column(Integer)


class WorkshopCard(Base):
    __tablename__ = "workshop_cards"
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    pillar: Mapped[str | None] = mapped_column(String(60))
    text: Mapped[str | None] = mapped_column(Text)
    votes: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    """A local or single-sign-on account. Partnership members are bound to one area."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(20))  # admin | manager | partnership | panel
    area_code: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Who did what, when. Append-only: the database refuses updates and deletes."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    area_code: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")


class SurveyLink(Base):
    """An open wave of the web survey: whoever has the token may answer it, without an
    account. Closing a link (``closed_at``) stops new answers; nothing about who answered
    through it is kept here."""

    __tablename__ = "survey_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    area_code: Mapped[str] = mapped_column(String(40))
    wave_label: Mapped[str] = mapped_column(String(40))
    instrument_key: Mapped[str] = mapped_column(String(60))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Limits a manager may set: after ``expires_at`` the link takes no answers, nor after
    # ``max_responses`` of them; ``responses`` counts those it has taken.
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    max_responses: Mapped[int | None] = mapped_column(Integer)
    responses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SurveyDraft(Base):
    """A web respondent's unfinished answers, saved at every step under a resume code so
    they can carry on later. Never evidence: nothing reads a draft but the survey page,
    submitting moves the answers into the store (and deletes the draft), and a draft past
    ``expires_at`` is deleted. The code itself is not kept, only its SHA-256."""

    __tablename__ = "survey_drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("survey_links.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    step: Mapped[int] = mapped_column(Integer, default=0)
    language: Mapped[str] = mapped_column(String(5))
    answers: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class WaveScore(Base):
    """Derived: each wave's mean of every scale and pillar, refreshed whenever survey
    evidence for the wave is imported (:mod:`app.derived`). It lets a page show the
    median of all areas without reading every answer; it can always be rebuilt."""

    __tablename__ = "wave_scores"
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), primary_key=True)
    measure: Mapped[str] = mapped_column(String(60), primary_key=True)
    estimate: Mapped[float | None] = mapped_column(Float)
    n: Mapped[int] = mapped_column(Integer)


class ActionPlan(Base):
    """A joint action a partnership decided on: about a sector pair (trust), one sector, a
    pillar or a gate of one area; an owner *role* (never a person's name), a due date and a
    status. Every change is also written to the audit log."""

    __tablename__ = "action_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    area_code: Mapped[str] = mapped_column(String(40), index=True)
    wave_label: Mapped[str | None] = mapped_column(String(40))  # the wave it was planned from
    about: Mapped[str] = mapped_column(String(20))  # pair | sector | pillar | gate
    sector_a: Mapped[str | None] = mapped_column(String(60))
    sector_b: Mapped[str | None] = mapped_column(String(60))
    pillar: Mapped[str | None] = mapped_column(String(60))
    gate: Mapped[str | None] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text)
    owner_role: Mapped[str] = mapped_column(String(200))
    due: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StoredProfile(Base):
    """Derived: one area's readiness profiles (every wave), computed once per state of its
    evidence (``data_key``, a fingerprint of the imports that hold it) and per version of
    the rules and the code that computes them (``rules_key``), kept as an opaque payload
    (:mod:`app.profiles` writes and reads it). Undisclosed: scope and disclosure control
    are applied on the way out. It can always be rebuilt; ``readiness db rescore`` clears it."""

    __tablename__ = "stored_profiles"
    area_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    data_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    rules_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class WaveVectors(Base):
    """Derived: every survey answer of one wave and instrument packed as one matrix (a
    row per respondent, ``response_ids`` in order; a column per item, ``items``; float32,
    NaN where not answered), so a wave loads without reading its long answers. Written in
    the import's transaction (:mod:`survey.store.vectors`); can always be rebuilt."""

    __tablename__ = "wave_vectors"
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), primary_key=True)
    instrument_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    respondents: Mapped[int] = mapped_column(Integer)
    items: Mapped[list] = mapped_column(JSON)
    response_ids: Mapped[bytes] = mapped_column(LargeBinary)
    answer_values: Mapped[bytes] = mapped_column(LargeBinary)
