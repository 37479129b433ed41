"""Whatever valid answers a staff-survey file holds, the store keeps each one exactly as it
was written, and a blank cell stores no answer."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.evidence import import_file
from instruments.catalogue import default_catalogue
from instruments.columns import Column, columns
from survey.store.engine import open_store
from survey.store.models import Answer, Response

CATALOGUE = default_catalogue()
KEY = "staff_survey"
COLUMNS = {c.id: c for c in columns(CATALOGUE, KEY)}
ID_COLUMN = "respondent_id"
_REQUIRED = [c.id for c in COLUMNS.values() if c.required]
_PERSON = {"sector": "police", "role_level": "frontline", "co_located": "yes"}
_PERSON["multi_agency_team"] = "no"

_pad = st.sampled_from(["", " ", "  ", "\t"])
_blank = st.sampled_from(["", " ", "   "])
_TRUE_FALSE = ["true", "false", "True", "FALSE", "t", "F", "1", "0", "yes", "No", "y", "N"]
# Text people type: any character a CSV file can hold, with plenty of the ones that need
# quoting (delimiters, quotes of both kinds, line breaks) and typographic punctuation.
_FREE_TEXT = st.one_of(
    st.text(
        alphabet=st.one_of(
            st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
            st.sampled_from(list(",;\t\"'\n\r ’“”–é")),
        ),
        max_size=80,
    ),
    st.lists(
        st.sampled_from(["no", "'no'", '"yes"', " ", ", ", ";", "\t", "\n", "\r\n", "’", "é"]),
        max_size=12,
    ).map("".join),
)


def _likert(col: Column) -> st.SearchStrategy[str]:
    number = st.integers(col.low, col.high)
    # "+3" and "3." are refused as damaged (tests/test_bounded_input.py), not read as 3.
    form = st.sampled_from(["{}", "{}.0", "0{}", "{}.00"])
    cell = st.builds(lambda n, f, a, b: a + f.format(n) + b, number, form, _pad, _pad)
    return st.one_of(cell, _blank)


def _value(col: Column) -> st.SearchStrategy[str]:
    """Every form of cell the import accepts for ``col``."""
    if col.kind == "likert":
        return _likert(col)
    if col.kind == "true_false":
        spelled = st.builds(lambda s, a, b: a + s + b, st.sampled_from(_TRUE_FALSE), _pad, _pad)
        return st.one_of(spelled, _blank)
    if col.kind in {"sector", "choice"}:
        return st.sampled_from(col.options)
    if col.kind == "yes_no":
        return st.sampled_from(["yes", "no", "Yes", "N"])
    if col.kind == "text":
        return st.one_of(_FREE_TEXT, _blank)
    raise AssertionError(f"the staff survey has no {col.kind} column")


@st.composite
def survey_files(draw) -> tuple[list[str], list[dict[str, str]], str, str]:
    """A header (in any order), rows of valid cells, a delimiter and an encoding."""
    optional = [c for c in COLUMNS if not COLUMNS[c].required]
    chosen = draw(st.lists(st.sampled_from(optional), unique=True, min_size=1, max_size=40))
    header = draw(st.permutations(_REQUIRED + chosen))
    n = draw(st.integers(1, 4))
    rows = []
    for i in range(n):
        cells = {h: draw(_value(COLUMNS[h])) for h in header if h != ID_COLUMN}
        rows.append({ID_COLUMN: f"R{i:03d}", **cells})
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig"]))
    return header, rows, delimiter, encoding


def _csv(header: list[str], rows: list[dict[str, str]], delimiter: str, encoding: str) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, header, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def _stored(engine) -> tuple[dict[tuple[str, str], str], dict[str, dict]]:
    with Session(engine) as session:
        query = select(Response.respondent_key, Answer.item_id, Answer.raw).join(
            Answer, Answer.response_id == Response.id
        )
        raw = {(rid, item): value for rid, item, value in session.execute(query)}
        profiles = dict(session.execute(select(Response.respondent_key, Response.profile)).all())
    return raw, profiles


# No function-scoped fixtures are used (each example makes its own database in a fresh
# temporary folder), so the function-scoped-fixture health check does not apply; only the
# "too slow" check is relaxed, since every example runs the migrations on a new database.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(survey_files())
# Files that a guessed CSV dialect once misread: single-quoted words taken for quoting, and
# a tab inside a cell of a tab-separated file.
@example(
    (
        [*_REQUIRED, "open_barrier", "open_success"],
        [
            {**_PERSON, ID_COLUMN: "R000", "open_barrier": "'no'", "open_success": "'yes'"},
            {**_PERSON, ID_COLUMN: "R001", "open_barrier": "a, b", "open_success": "c"},
        ],
        ",",
        "utf-8",
    )
)
@example(
    (
        [*_REQUIRED, "lead_1"],
        [
            {**_PERSON, ID_COLUMN: "R000", "lead_1": "1\t"},
            {**_PERSON, ID_COLUMN: "R001", "lead_1": ""},
        ],
        "\t",
        "utf-8",
    )
)
def test_answers_read_back_exactly_as_written(file):
    header, rows, delimiter, encoding = file
    data = _csv(header, rows, delimiter, encoding)
    with tempfile.TemporaryDirectory() as folder:
        engine = open_store(f"sqlite:///{folder}/t.db")
        try:
            path = Path(folder) / "answers.csv"
            path.write_bytes(data)
            result = import_file(
                engine, path, instrument=KEY, area="A1", wave="w1", catalogue=CATALOGUE
            )
            raw, profiles = _stored(engine)
        finally:
            engine.dispose()
    assert result.rows == len(rows)
    expected = {
        (row[ID_COLUMN], item): cell
        for row in rows
        for item, cell in row.items()
        if COLUMNS[item].group != "profile" and cell.strip()
    }
    assert raw == expected
    for row in rows:
        given_profile = {
            k: v for k, v in row.items() if COLUMNS[k].group == "profile" and v.strip()
        }
        assert profiles[row[ID_COLUMN]] == given_profile
