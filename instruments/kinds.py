"""The registry of instrument kinds: what a kind's YAML looks like, how it is checked and
what columns its import file has. Adding a kind is one entry in :data:`KINDS` here, plus one
entry in each layer's own table keyed by kind name (how its rows are stored, read and
analysed); a contract test checks that every such table covers every kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import Field, TypeAdapter

from instruments.checks import Bad, Refs, check_interview, check_survey, check_workshop
from instruments.columns import (
    Column,
    interview_columns,
    survey_columns,
    workshop_columns,
)
from instruments.schema import (
    InstrumentBase,
    InterviewInstrument,
    SurveyInstrument,
    WorkshopInstrument,
)

if TYPE_CHECKING:
    from instruments.catalogue import Catalogue

SURVEY, INTERVIEW, WORKSHOP = "survey", "interview", "workshop"


@dataclass(frozen=True)
class Kind:
    """One kind of instrument.

    ``name`` is the YAML ``kind`` and the ``source`` stored with each response; ``model``
    the pydantic class of its file; ``check`` its cross-reference checks; ``columns`` the
    columns its import file adds after the profile fields."""

    name: str
    title: str
    model: type[InstrumentBase]
    check: Callable[[Any, Bad, Refs], None]
    columns: Callable[[Any, Catalogue], list[Column]]


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(SURVEY, "staff survey", SurveyInstrument, check_survey, survey_columns),
        Kind(
            INTERVIEW,
            "stakeholder interview",
            InterviewInstrument,
            check_interview,
            interview_columns,
        ),
        Kind(WORKSHOP, "workshop", WorkshopInstrument, check_workshop, workshop_columns),
    )
}

# A file's ``kind`` picks its model; an unknown kind is reported with the known ones.
Instrument = Annotated[
    Union[tuple(k.model for k in KINDS.values())],  # noqa: UP007 - built from the registry
    Field(discriminator="kind"),
]
INSTRUMENT = TypeAdapter(Instrument)


def kind_of(inst: InstrumentBase) -> Kind:
    return KINDS[inst.kind]
