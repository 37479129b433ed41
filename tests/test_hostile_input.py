"""Hostile input: markup, spreadsheet formulas and SQL-looking text are stored exactly as
given, never run, never rendered as live HTML, and neutralised in every CSV export."""

from __future__ import annotations

import ast
import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from helpers import filled_rows, write_csv
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from app.access import AccessDenied, ScopedData
from app.evidence import import_file, load_sample_data
from app.exports.tables import csv_bytes
from survey.ingest.sample import SAMPLE_DIR
from survey.store.accounts import Account, LoginError, add_user, authenticate
from survey.store.engine import open_store
from survey.store.models import Answer, Area, Organisation, Response, Wave

ROOT = Path(__file__).resolve().parents[1]
MANAGER = Account("mgr", "manager")
PASSWORD = "correct horse battery"
TABLES = {
    "areas",
    "waves",
    "organisations",
    "import_batches",
    "responses",
    "answers",
    "interview_ratings",
    "interview_codes",
    "vignette_decisions",
    "workshop_cards",
    "users",
    "audit_log",
}
RISKY = ("=", "+", "-", "@", "\t", "\r")
FORMULA = '=HYPERLINK("http://x","y")'


def sample_cell(file: str, respondent: str, column: str) -> str:
    with (SAMPLE_DIR / file).open(encoding="utf-8", newline="") as fh:
        return next(r[column] for r in csv.DictReader(fh) if r["respondent_id"] == respondent)


def stored_answer(engine, area: str, respondent: str, item: str) -> str:
    query = (
        select(Answer.raw)
        .join(Response, Response.id == Answer.response_id)
        .join(Wave, Wave.id == Response.wave_id)
        .join(Area, Area.id == Wave.area_id)
        .where(Area.code == area, Response.respondent_key == respondent, Answer.item_id == item)
    )
    with Session(engine) as session:
        return session.scalars(query).one()


def cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def unsafe_cells(data: bytes) -> list[str]:
    """Cells a spreadsheet would run as a formula: starting with = + - @ tab or CR and not
    simply a number."""

    def number(cell: str) -> bool:
        try:
            float(cell)
        except ValueError:
            return False
        return True

    return [c for row in cells(data) for c in row if c.startswith(RISKY) and not number(c)]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('hostile')}/readiness.db")
    load_sample_data(engine)
    yield engine
    engine.dispose()


# --- markup -------------------------------------------------------------------------------


def test_script_answer_is_stored_verbatim(sample):
    given = sample_cell("HRB_2025-1_staff_survey.csv", "R00015", "open_barrier")
    assert "<script>alert(1)</script>" in given
    assert stored_answer(sample, "HRB", "R00015", "open_barrier") == given


def test_redaction_keeps_markup_as_plain_text_for_the_view_to_escape(sample, catalogue):
    texts = ScopedData(sample, MANAGER, catalogue).texts("HRB", "2025-1")["text"]
    assert (texts == "<script>alert(1)</script> The portal never loads.").sum() == 1


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


# The respondent pages' frame writes fixed markup only (no function of it takes a string);
# tests/test_respondent.py checks that.
FIXED_MARKUP = ROOT / "views" / "chrome.py"
DASHBOARD_SOURCES = [
    ROOT / "dashboard.py",
    *sorted(p for p in (ROOT / "views").rglob("*.py") if p != FIXED_MARKUP),
]


@pytest.mark.parametrize("path", DASHBOARD_SOURCES, ids=lambda p: p.name)
def test_no_page_renders_raw_html(path):
    """Streamlit escapes text unless told otherwise: no page may tell it otherwise."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for call in _calls(tree):
        where = f"{path.name}:{call.lineno}"
        for kw in call.keywords:
            if kw.arg == "unsafe_allow_html":
                assert isinstance(kw.value, ast.Constant) and kw.value.value is False, where
        assert _name(call.func) not in {"html", "iframe", "components"}, where
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any("components" in str(m) for m in modules | imported), path.name


def test_static_check_finds_unsafe_html():
    """The check above would catch the ways a page could render raw HTML."""
    for source in (
        "st.markdown(text, unsafe_allow_html=True)",
        "st.write(text, unsafe_allow_html=flag)",
        "st.html(text)",
        "components.html(text)",
    ):
        tree = ast.parse(source)
        found = any(
            kw.arg == "unsafe_allow_html"
            and not (isinstance(kw.value, ast.Constant) and kw.value.value is False)
            for call in _calls(tree)
            for kw in call.keywords
        ) or any(_name(c.func) in {"html", "iframe", "components"} for c in _calls(tree))
        assert found, source


def _nodes(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


PAGES = re.findall(
    r"st\.Page\(\s*\"(views/[\w/]+\.py)\"", (ROOT / "dashboard.py").read_text(encoding="utf-8")
)
LIVE = {"html", "iframe", "component_instance", "bidi_component"}


def test_hostile_text_never_becomes_live_html_in_the_dashboard(tmp_path, monkeypatch, catalogue):
    """Markup in an area's code and name (from an import), in a display name and in the
    sample's open answers reaches every page a manager can open only as text."""
    db = tmp_path / "readiness.db"
    engine = open_store(f"sqlite:///{db}")
    load_sample_data(engine, catalogue=catalogue)
    header, rows = filled_rows(catalogue, "staff_survey", 12)
    code, name = "<img src=x onerror=alert(1)>", "<script>alert(2)</script> Vale"
    import_file(
        engine,
        write_csv(tmp_path / "s.csv", header, rows),
        instrument="staff_survey",
        area=code,
        area_name=name,
        wave="<b>2026</b>",
        catalogue=catalogue,
        imported_by="cli",
    )
    add_user(engine, "mgr", "manager", password=PASSWORD, display_name="<i>Manager</i>")
    engine.dispose()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{db}")
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        at.query_params["area"] = "HRB"  # the area whose open answer holds a <script>
        at.query_params["wave"] = "2025-1"
        at.run()
        at.text_input(key="login_username").input("mgr")
        at.text_input(key="login_password").input(PASSWORD)
        next(b for b in at.button if b.label == "Sign in").click().run()
        assert not at.exception
        shown = pd.concat([d.value for d in at.dataframe])
        assert code in set(shown["Area"]) and name in set(shown["Name"])  # shown, as text
        visited = 0
        for page in PAGES:
            try:
                at.switch_page(page)
            except ValueError:  # not a page for this role
                continue
            at.run()
            assert not at.exception, page
            visited += 1
            for node in _nodes(at._tree):
                kind = getattr(node, "type", "")
                assert kind not in LIVE, page
                assert not getattr(getattr(node, "proto", None), "allow_html", False), page
        assert visited >= 1
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


# --- spreadsheet formulas -----------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [FORMULA, "+SUM(A1:A2)", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)", "\t=1+1", "\r=1+1"],
)
def test_csv_cells_that_start_a_formula_are_neutralised(value):
    frame = pd.DataFrame({"text": [value, "plain"], value: [1, -2], "n": [-1.5, 3]})
    data = csv_bytes(frame)
    (head, first, second) = cells(data)
    assert head[1] == "'" + value and first[0] == "'" + value
    assert first[2] == "-1.5" and second == ["plain", "-2", "3.0"]  # numbers stay numbers
    assert unsafe_cells(data) == []


def test_a_carriage_return_inside_a_cell_cannot_start_a_new_row():
    """A lone CR ends a row for a spreadsheet: a cell holding one is quoted, so the formula
    after it stays inside the cell."""
    value = "looks fine\r" + FORMULA
    data = csv_bytes(pd.DataFrame({"text": [value, "ok"], "n": [1, 2]}))
    assert cells(data) == [["text", "n"], [value, "1"], ["ok", "2"]]
    assert unsafe_cells(data) == []
    assert data.count(b"\r\n") == 3  # one per row: CRLF line ends (RFC 4180)


@pytest.fixture
def formula_area(sqlite_engine, catalogue, tmp_path):
    """An area whose code, name and wave label, organisations and open answers are formulas."""
    header, rows = filled_rows(catalogue, "staff_survey", 24)
    for row in rows:
        row[header.index("organisation")] = FORMULA
        row[header.index("open_barrier")] = "+cmd|' /C calc'!A0"
        row[header.index("open_success")] = "@SUM(1+1)"
    import_file(
        sqlite_engine,
        write_csv(tmp_path / "formulas.csv", header, rows),
        instrument="staff_survey",
        area=FORMULA,
        area_name="-2+3",
        wave="@2026",
        catalogue=catalogue,
    )
    return sqlite_engine


def test_formulas_are_stored_verbatim(formula_area):
    with Session(formula_area) as session:
        assert session.scalars(select(Area.name).where(Area.code == FORMULA)).one() == "-2+3"
        assert session.scalars(select(Organisation.name)).all() == [FORMULA]
        assert session.scalars(select(Wave.label)).all() == ["@2026"]


def test_profile_export_neutralises_formulas(formula_area, catalogue):
    data = ScopedData(formula_area, MANAGER, catalogue).export_profile_csv(FORMULA)
    table = cells(data)
    column = {name: i for i, name in enumerate(table[0])}
    assert {row[column["area"]] for row in table[1:]} == {"'" + FORMULA}
    assert {row[column["wave"]] for row in table[1:]} == {"'@2026"}
    assert unsafe_cells(data) == []


def test_microdata_export_neutralises_formulas(formula_area, catalogue):
    data = ScopedData(formula_area, MANAGER, catalogue).export_microdata_csv("k" * 32)
    text = data.decode("utf-8-sig")
    assert unsafe_cells(data) == []
    assert "'@2026" in text
    assert FORMULA not in text and "cmd|" not in text  # organisation and free text dropped


# --- SQL-looking text ---------------------------------------------------------------------

SQL = "Robert'); DROP TABLE responses;--"


def test_sql_looking_sample_answer_is_stored_verbatim_and_harmless(sample):
    given = sample_cell("KES_2025-1_staff_survey.csv", "R00027", "open_success")
    assert given == SQL
    assert stored_answer(sample, "KES", "R00027", "open_success") == SQL
    assert set(inspect(sample).get_table_names()) >= TABLES
    with Session(sample) as session:
        assert session.scalars(select(Response.id).where(Response.source == "survey")).all()


def test_sql_looking_labels_and_names_are_data(engine, catalogue, tmp_path):
    header, rows = filled_rows(catalogue, "staff_survey", 12)
    rows[0][header.index("organisation")] = SQL
    rows[0][header.index("open_barrier")] = "x' OR '1'='1"
    import_file(
        engine,
        write_csv(tmp_path / "sql.csv", header, rows),
        instrument="staff_survey",
        area="Z'); DROP TABLE areas;--",
        area_name="'; DELETE FROM answers; --",
        wave="1; DROP TABLE waves",
        catalogue=catalogue,
    )
    add_user(engine, "bob'; DROP TABLE users;--", "manager", password=PASSWORD)
    assert set(inspect(engine).get_table_names()) >= TABLES
    with Session(engine) as session:
        area = session.scalars(select(Area)).one()
        assert (area.code, area.name) == ("Z'); DROP TABLE areas;--", "'; DELETE FROM answers; --")
        assert session.scalars(select(Organisation.name).where(Organisation.name == SQL)).one()
        assert session.scalars(select(Wave.label)).one() == "1; DROP TABLE waves"
        assert session.scalars(select(Answer.raw).where(Answer.raw == "x' OR '1'='1")).one()
    assert authenticate(engine, "bob'; DROP TABLE users;--", PASSWORD).role == "manager"
    for name, password in [("' OR '1'='1", "' OR '1'='1"), ("bob'--", PASSWORD)]:
        with pytest.raises(LoginError):
            authenticate(engine, name, password)
    # An area asked for with SQL in it is just an area nobody has.
    partner = ScopedData(engine, Account("p", "partnership", "Z"), catalogue)
    with pytest.raises(AccessDenied):
        partner.profile("Z' OR '1'='1")
    assert ScopedData(engine, MANAGER, catalogue).areas == ["Z'); DROP TABLE areas;--"]
