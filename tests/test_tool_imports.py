"""Files from the tools areas already use import through the normal validated path: a
KoboToolbox/ODK export of the project's XLSForm with no hand editing, and a Microsoft
Forms export through a suggested mapping, its personal-data columns refused. Every problem
of a file is reported in one pass, and what is exported imports back unchanged."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from click.testing import CliRunner
from helpers import count_rows, filled_rows, valid_value, write_csv, write_xlsx
from sqlalchemy import select

from app.evidence import (
    AlreadyImported,
    Mapping,
    MappingError,
    check_file,
    problem_counts,
    suggest_mapping,
    write,
)
from app.exports.xlsform import xlsform_sheets
from cli.main import main
from instruments.catalogue import default_catalogue
from instruments.columns import columns
from instruments.forms import option_label
from survey.store.engine import open_store
from survey.store.models import Response
from survey.store.readers import survey_frame

KEY = "staff_survey"
N = 12
CATALOGUE = default_catalogue()


def kobo_header(cat, key: str, sep: str) -> list[str]:
    """The field names of the instrument's XLSForm with their group prefixes, as a
    KoboToolbox export writes them."""
    path: list[str] = []
    out = []
    for row in xlsform_sheets(cat, key)["survey"]:
        if row["type"] == "begin_group":
            path.append(row["name"])
        elif row["type"] == "end_group":
            path.pop()
        elif row["type"] != "note":
            out.append(sep.join([*path, row["name"]]))
    return out


def label_for(cat, col, value: str) -> str:
    """The label a form tool shows for a value: scale labels, sector names, options."""
    if col.kind == "likert":
        labels = cat.get(KEY).response_scales["agree5"].labels
        return labels[int(value)].en
    if col.kind in {"sector", "choice"}:
        return option_label(cat, col, value)
    if col.kind in {"yes_no", "true_false"}:
        return value.capitalize()
    return value


ITEMS = [c.id for c in columns(CATALOGUE, KEY) if c.group == "item"]


def stored(engine) -> dict[str, tuple]:
    """Respondent code -> (sector, role, every item's answer) as the store holds them."""
    frame = survey_frame(engine, None, instrument=KEY)
    with engine.connect() as conn:
        keys = dict(conn.execute(select(Response.id, Response.respondent_key)).all())
    frame = frame.reindex(columns=[*frame.columns, *[i for i in ITEMS if i not in frame]])
    return {
        keys[r.response_id]: (r.sector, r.role_level, *[_num(getattr(r, i)) for i in ITEMS])
        for r in frame.itertuples(index=False)
    }


def _num(value) -> float:
    return -1.0 if pd.isna(value) else float(value)


def expected(cat, rows: list[dict[str, str]]) -> dict[str, tuple]:
    """What the store holds for rows given as import values."""
    spec = {c.id: c for c in columns(cat, KEY)}
    out = {}
    for r in rows:
        parsed = {k: spec[k].parse(v) for k, v in r.items() if v.strip()}
        answers = [_num(float(parsed[i]) if i in parsed else None) for i in ITEMS]
        out[parsed["respondent_id"]] = (parsed["sector"], parsed["role_level"], *answers)
    return out


@pytest.fixture
def db(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path}/t.db")
    yield engine
    engine.dispose()


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


@pytest.mark.parametrize(
    ("sep", "labels", "suffix"),
    [("/", False, ".csv"), ("-", True, ".csv"), ("/", True, ".xlsx"), ("-", False, ".xlsx")],
    ids=["slash-names-csv", "dash-labels-csv", "slash-labels-xlsx", "dash-names-xlsx"],
)
def test_a_kobo_export_imports_with_no_hand_editing(
    catalogue, engine, tmp_path, sep, labels, suffix
):
    db = engine  # SQLite, and PostgreSQL when READINESS_TEST_POSTGRES_URL is set
    spec = {c.id: c for c in columns(catalogue, KEY)}
    header = kobo_header(catalogue, KEY, sep)
    ids = [h.split(sep)[-1] for h in header]
    assert "trust_police" + sep + "trust_police_ability" in header
    meta = ["start", "end", "_id", "_uuid", "_submission_time", "_index", "__version__"]
    rows, plain = [], []
    for i in range(N):
        values = {c: valid_value(spec[c], i) for c in ids}
        values["respondent_id"] = ""  # the form's calculate left empty: the uuid is used
        uuid = f"6f1c2a40-0000-4000-8000-{i:012d}"
        cells = [label_for(catalogue, spec[c], values[c]) if labels else values[c] for c in ids]
        rows.append(
            [*cells, "2026-03-01T09:00", "2026-03-01T09:14", str(100 + i), uuid, "t", str(i), "v1"]
        )
        plain.append(values | {"respondent_id": uuid})
    writer = write_csv if suffix == ".csv" else write_xlsx
    path = writer(tmp_path / f"kobo{suffix}", header + meta, rows)
    v = check_file(path.read_bytes(), path.name, KEY, catalogue=catalogue)
    assert v.ok, v.problems[:5]
    assert set(v.report.ignored) == set(meta) and v.report.id_from == "_uuid"
    write(db, v, area="KOB", wave="2026-1", catalogue=catalogue)
    assert stored(db) == expected(catalogue, plain)
    again = check_file(path.read_bytes(), path.name, KEY, catalogue=catalogue)
    with pytest.raises(AlreadyImported):
        write(db, again, area="KOB", wave="2026-1", catalogue=catalogue)


def ms_forms_file(cat, tmp_path, n: int = N) -> tuple:
    """A Microsoft Forms export: question text as headers, labels as answers, and its own
    ID, times, Email and Name columns."""
    cols = [c for c in columns(cat, KEY) if c.id not in {"respondent_id"}]
    header = ["ID", "Start time", "Completion time", "Email", "Name"] + [c.text for c in cols]
    rows, plain = [], []
    for i in range(n):
        values = {c.id: valid_value(c, i) for c in cols}
        cells = [label_for(cat, c, values[c.id]) for c in cols]
        person = [f"person{i}@council.example", f"Pat Example{i}"]
        rows.append([str(i + 1), "3/1/26 9:00:00", "3/1/26 9:12:00", *person, *cells])
        plain.append(values | {"respondent_id": str(i + 1)})
    return write_csv(tmp_path / "msforms.csv", header, rows), plain


def test_a_microsoft_forms_export_imports_with_a_suggested_mapping(catalogue, cli, tmp_path):
    path, plain = ms_forms_file(catalogue, tmp_path)
    out = tmp_path / "map.yaml"
    result = cli("mapping", "suggest", path, "--instrument", KEY, "--out", out)
    assert result.exit_code == 0, result.output
    assert "refused as personal data (never stored): 'Email'" in result.output
    assert "NOT MAPPED" not in result.output
    mapping = Mapping.read(out)
    by_header = {r.header: r for r in mapping.columns}
    assert by_header["Email"].personal and by_header["Name"].personal
    assert by_header["Start time"].ignore and mapping.id_from == "ID"
    for col in columns(catalogue, KEY):
        if col.id != "respondent_id":
            assert by_header[col.text].to == col.id, col.text
    result = cli(
        "import", path, "--instrument", KEY, "--area", "MSF", "--wave", "2026-1",
        "--mapping", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "refused as personal data, not stored: Email, Name" in result.output
    assert "ignored (metadata): ID, Start time, Completion time" in result.output
    db = tmp_path / "cli.db"
    engine = open_store(f"sqlite:///{db}")
    try:
        assert stored(engine) == expected(catalogue, plain)
    finally:
        engine.dispose()
    content = db.read_bytes()
    assert b"council.example" not in content and b"Pat Example" not in content
    again = cli(
        "import", path, "--instrument", KEY, "--area", "MSF", "--wave", "2026-1",
        "--mapping", out,
    )  # fmt: skip
    assert again.exit_code == 1 and "imported" in again.output


def test_a_mapping_recodes_reverses_and_names_its_own_problems(catalogue, tmp_path):
    header = ["Respondent", "Sector?", "Role", "Together", "Team", "Q1", "Q2", "Extra"]
    rows = [
        ["r1", "Cops", "frontline", "yes", "no", "Totally", "1", "x"],
        ["r2", "police", "manager", "no", "no", "Nope", "5", "y"],
    ]
    path = write_csv(tmp_path / "other.csv", header, rows)
    mapping = Mapping.from_yaml(
        """
instrument: staff_survey
columns:
  - {header: Respondent, to: respondent_id}
  - {header: "Sector?", to: sector, values: {Cops: police}}
  - {header: Role, to: role_level}
  - {header: Together, to: co_located}
  - {header: Team, to: multi_agency_team}
  - {header: Q1, to: lead_1, values: {Totally: 5, Nope: 1}}
  - {header: Q2, to: lead_2, reverse: true}
"""
    )
    v = check_file(path.read_bytes(), path.name, KEY, catalogue=catalogue, mapping=mapping)
    assert [(p.column, p.reason[:26]) for p in v.problems] == [
        ("Extra", "column not mapped to the i")
    ]
    mapping.columns.append(Mapping.from_yaml("columns: [{header: Extra, ignore: true}]").columns[0])
    v = check_file(path.read_bytes(), path.name, KEY, catalogue=catalogue, mapping=mapping)
    assert v.ok, v.problems
    assert [(r["sector"], r["lead_1"], r["lead_2"]) for r in v.rows] == [
        ("police", 5, 5),
        ("police", 1, 1),
    ]
    with pytest.raises(MappingError, match="not valid YAML"):
        Mapping.from_yaml("columns: [")
    wrong = Mapping.from_yaml("instrument: workshop\ncolumns: []")
    with pytest.raises(MappingError, match="for instrument 'workshop'"):
        check_file(path.read_bytes(), path.name, KEY, catalogue=catalogue, mapping=wrong)


def test_google_forms_grid_and_qualtrics_rows_are_understood(catalogue, tmp_path):
    lead = {c.id: c for c in columns(catalogue, KEY)}["lead_1"]
    header = ["Timestamp", "Which sector do you work in?", f"Leadership [{lead.text}]"]
    rows = [["2026/03/01 9:00", "Police", "Agree"]]
    path = write_csv(tmp_path / "google.csv", header, rows)
    m = suggest_mapping(path.read_bytes(), path.name, KEY, catalogue=catalogue)
    assert [(r.header, r.to, r.ignore) for r in m.columns] == [
        ("Timestamp", None, True),
        ("Which sector do you work in?", "sector", False),
        (f"Leadership [{lead.text}]", "lead_1", False),
    ]
    header = ["ResponseId", "Q1", "Q2_1"]
    rows = [
        ["Response ID", "Which sector do you work in?", f"Leaders - {lead.text}"],
        ['{"ImportId":"_recordId"}', '{"ImportId":"QID1"}', '{"ImportId":"QID2_1"}'],
        ["R_1", "Police", "Agree"],
    ]
    path = write_csv(tmp_path / "qualtrics.csv", header, rows)
    m = suggest_mapping(path.read_bytes(), path.name, KEY, catalogue=catalogue)
    assert m.skip_rows == 2 and m.id_from == "ResponseId"
    assert [r.to for r in m.columns] == [None, "sector", "lead_1"]
    assert Mapping.from_yaml(m.to_yaml()).skip_rows == 2


def test_a_file_with_four_different_problems_reports_all_four(catalogue, tmp_path):
    header, rows = filled_rows(catalogue, KEY, 4)
    header = [*header, "favourite_colour"]  # 1: an unknown column
    rows = [[*r, "blue"] for r in rows]
    rows[0][header.index("lead_1")] = "9"  # 2: out of range
    rows[1][header.index("sector")] = "space_agency"  # 3: unknown sector
    rows[2][header.index("respondent_id")] = rows[3][header.index("respondent_id")]  # 4: dup
    path = write_xlsx(tmp_path / "four.xlsx", header, rows)
    v = check_file(path.read_bytes(), path.name, KEY, catalogue=catalogue)
    reasons = [p.reason for p in v.problems]
    assert len(v.problems) == 4, reasons
    assert any("unknown column" in r for r in reasons)
    assert any("expected whole number 1-5" in r for r in reasons)
    assert any("unknown sector" in r for r in reasons)
    assert any("duplicate respondent id" in r for r in reasons)
    counts = problem_counts(v)
    assert counts["problems"].sum() == 4 and len(counts) == 4


def test_the_cli_reports_every_problem_and_writes_the_report(catalogue, cli, tmp_path):
    header, rows = filled_rows(catalogue, KEY, 3)
    header = [*header, "shoe_size"]
    rows = [[*r, "9"] for r in rows]
    rows[0][header.index("lead_1")] = "0"
    path = write_csv(tmp_path / "bad.csv", header, rows)
    report = tmp_path / "problems.csv"
    result = cli(
        "import", path, "--instrument", KEY, "--area", "X", "--wave", "1", "--problems", report
    )
    assert result.exit_code == 1
    assert "2 problem(s) in 2 column(s): shoe_size (1), lead_1 (1)" in result.output
    table = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert {r["column"] for r in table} == {"shoe_size", "lead_1"}


def test_exported_microdata_import_back_unchanged(catalogue, db, tmp_path):
    """CSV and Excel exports keep the instrument's codes: with a respondent code added they
    import back to the same answers."""
    from app.access import ScopedData
    from survey.store.accounts import Account

    header, rows = filled_rows(catalogue, KEY, 40)
    for i, row in enumerate(rows):  # groups large enough to pass disclosure control whole
        row[header.index("sector")] = ("police", "acute_health")[i % 2]
        row[header.index("role_level")] = ("frontline", "manager")[i % 2]
    path = write_csv(tmp_path / "orig.csv", header, rows)
    v = check_file(path.read_bytes(), path.name, KEY, catalogue=catalogue)
    write(db, v, area="ORG", wave="2026-1", catalogue=catalogue)
    door = ScopedData(db, Account("m", "manager"), catalogue)
    for fmt in ("csv", "xlsx"):
        data = door.export_area_microdata("ORG", "2026-1", fmt)
        table = (
            pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
            if fmt == "csv"
            else pd.read_excel(io.BytesIO(data), sheet_name="data", dtype=str).fillna("")
        )
        table = table.drop(columns=["area", "wave"])
        table.insert(0, "respondent_id", [f"B{i:03d}" for i in range(len(table))])
        again = tmp_path / f"again.{fmt}"
        if fmt == "csv":
            write_csv(again, list(table.columns), table.to_numpy().tolist())
        else:
            write_xlsx(again, list(table.columns), table.to_numpy().tolist())
        v2 = check_file(again.read_bytes(), again.name, KEY, catalogue=catalogue)
        assert v2.ok, v2.problems[:3]
        engine = open_store(f"sqlite:///{tmp_path}/{fmt}.db")
        try:
            write(engine, v2, area="ORG", wave="2026-1", catalogue=catalogue)
            assert sorted(stored(db).values()) == sorted(stored(engine).values())
        finally:
            engine.dispose()
    assert count_rows(db)["responses"] == 40


def test_a_slash_in_a_question_does_not_make_a_file_look_like_kobo(catalogue, tmp_path):
    from app.evidence import needs_mapping

    header = ["ID", "Which sector do you work in?", "Do leaders support joint work/sharing?"]
    path = write_csv(tmp_path / "slash.csv", header, [["1", "Police", "Agree"]])
    assert needs_mapping(path.read_bytes(), path.name, KEY, catalogue=catalogue)
    kobo = ["_uuid", "sector", "leadership/lead_1", "favourite_colour"]
    path = write_csv(tmp_path / "kobo.csv", kobo, [["u1", "police", "4", "blue"]])
    assert not needs_mapping(path.read_bytes(), path.name, KEY, catalogue=catalogue)
    v = check_file(path.read_bytes(), path.name, KEY, catalogue=catalogue)
    assert "favourite_colour" in v.report.unmapped
