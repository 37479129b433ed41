"""Importing CSV and XLSX files: what a valid file stores, and how every kind of problem is
reported (row, column, value, reason) with nothing imported."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from helpers import (
    HEADER,
    PROFILE,
    assert_store_empty,
    count_rows,
    csv_bytes,
    filled_rows,
    row,
    write_csv,
    write_xlsx,
)
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.evidence import AlreadyImported, ImportRejected, import_file
from cli.main import main
from survey.ingest.validate import ImportProblem
from survey.store.models import Answer, ImportBatch, Organisation, Response


def do_import(engine, path, instrument="staff_survey", wave="2026-1", area="E06000001"):
    return import_file(engine, path, instrument=instrument, area=area, wave=wave)


def answers(engine) -> dict[tuple[str, str], Answer]:
    """Every stored answer by (respondent, item)."""
    with Session(engine) as session:
        query = select(Response.respondent_key, Answer).join(
            Answer, Answer.response_id == Response.id
        )
        return {(key, a.item_id): a for key, a in session.execute(query)}


def rejected(engine, path, instrument="staff_survey") -> list[ImportProblem]:
    with pytest.raises(ImportRejected) as info:
        do_import(engine, path, instrument)
    assert "nothing was imported" in str(info.value)
    assert_store_empty(engine)
    return info.value.problems


# --- files that import -----------------------------------------------------------------------


def test_utf8_csv(sqlite_engine, tmp_path):
    path = write_csv(tmp_path / "s.csv", HEADER, [row("R1"), row("R2", lead_1="5")])
    result = do_import(sqlite_engine, path)
    assert (result.rows, result.area, result.wave) == (2, "E06000001", "2026-1")
    stored = answers(sqlite_engine)
    assert stored["R1", "lead_1"].value == 4.0
    assert stored["R2", "lead_1"].value == 5.0
    assert stored["R1", "know_1"].value == 0.0  # false
    assert stored["R1", "open_barrier"].raw == "Nobody knows who to call."
    assert stored["R1", "open_barrier"].value is None


@pytest.mark.parametrize(
    ("encoding", "organisation"),
    [
        ("utf-8", "Ysbyty Glan Clwyd – Iechyd Cymru"),
        ("utf-8-sig", "Café Santé’s Partnership"),
        ("cp1252", "Café Santé’s Partnership – “Trust”"),
    ],
)
def test_csv_encodings_read_back_correctly(sqlite_engine, tmp_path, encoding, organisation):
    text = f"‘{organisation}’ won’t share"
    path = write_csv(
        tmp_path / "s.csv",
        HEADER,
        [row("R1", organisation=organisation, open_barrier=text)],
        encoding=encoding,
    )
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    do_import(sqlite_engine, path)
    with Session(sqlite_engine) as session:
        assert session.scalars(select(Organisation.name)).all() == [organisation]
        response = session.scalars(select(Response)).one()
        assert response.respondent_key == "R1"  # the byte-order mark is not in the header
        assert response.profile["organisation"] == organisation
    assert answers(sqlite_engine)["R1", "open_barrier"].raw == text


def test_semicolon_csv_from_european_excel(sqlite_engine, tmp_path):
    lines = [";".join(HEADER), ";".join(row("R1", open_barrier="budgets, targets"))]
    path = tmp_path / "s.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    assert do_import(sqlite_engine, path).rows == 1
    assert answers(sqlite_engine)["R1", "open_barrier"].raw == "budgets, targets"


@pytest.mark.parametrize(
    "texts",
    [
        ["They say 'no' and 'later' often", "Budgets, targets"],
        ["'no'"],
        ["'Consent'", "Fear of 'career-limiting' breaches, and fines"],
    ],
)
def test_single_quotes_in_answers_do_not_change_how_the_file_is_read(
    sqlite_engine, tmp_path, texts
):
    header = [*PROFILE, "open_barrier", "open_success"]
    rows = [[f"R{i}", "police", "frontline", "yes", "no", t, "x"] for i, t in enumerate(texts)]
    assert do_import(sqlite_engine, write_csv(tmp_path / "s.csv", header, rows)).rows == len(rows)
    stored = answers(sqlite_engine)
    assert [stored[f"R{i}", "open_barrier"].raw for i in range(len(texts))] == texts


def test_xlsx_with_numeric_cells(sqlite_engine, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["R1", "police", "manager", "yes", "no", "Northshire Police", 4, 2.0, False, "x"])
    sheet.append(["R2", "dwp", "frontline", "no", "yes", None, 5, 1, True, None])
    book.save(tmp_path / "s.xlsx")
    sheet_cell = sheet.cell(row=2, column=HEADER.index("lead_1") + 1)
    assert sheet_cell.data_type == "n"
    result = do_import(sqlite_engine, tmp_path / "s.xlsx")
    assert result.rows == 2
    stored = answers(sqlite_engine)
    assert (stored["R1", "lead_1"].raw, stored["R1", "lead_1"].value) == ("4", 4.0)
    assert (stored["R1", "lead_3"].raw, stored["R1", "lead_3"].value) == ("2", 2.0)
    assert (stored["R1", "know_1"].raw, stored["R1", "know_1"].value) == ("false", 0.0)
    assert stored["R2", "know_1"].value == 1.0
    assert ("R2", "open_barrier") not in stored
    with Session(sqlite_engine) as session:
        r2 = session.scalars(select(Response).where(Response.respondent_key == "R2")).one()
        assert (r2.sector, r2.organisation_id, r2.co_located) == ("dwp", None, False)


def test_raw_answers_are_kept_exactly_as_given(sqlite_engine, tmp_path):
    rows = [row("R1", lead_1=" 4 ", lead_3="2.0", know_1="F", open_barrier="  spaced  ")]
    path = write_csv(tmp_path / "s.csv", HEADER, rows)
    do_import(sqlite_engine, path)
    stored = answers(sqlite_engine)
    assert (stored["R1", "lead_1"].raw, stored["R1", "lead_1"].value) == (" 4 ", 4.0)
    assert (stored["R1", "lead_3"].raw, stored["R1", "lead_3"].value) == ("2.0", 2.0)
    assert (stored["R1", "know_1"].raw, stored["R1", "know_1"].value) == ("F", 0.0)
    assert stored["R1", "open_barrier"].raw == "  spaced  "


def test_blank_answers_store_no_answer(sqlite_engine, tmp_path):
    path = write_csv(tmp_path / "s.csv", HEADER, [row("R1", lead_1="", lead_3="   ")])
    do_import(sqlite_engine, path)
    stored = answers(sqlite_engine)
    assert ("R1", "lead_1") not in stored
    assert ("R1", "lead_3") not in stored
    assert ("R1", "know_1") in stored


def test_blank_lines_and_trailing_delimiters_are_ignored(sqlite_engine, tmp_path):
    lines = [",".join(HEADER) + ",", ",".join(row("R1")) + ",", "", ",,,,", ",".join(row("R2"))]
    path = tmp_path / "s.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert do_import(sqlite_engine, path).rows == 2


def test_xlsx_with_used_range_wider_than_the_data(sqlite_engine, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(row("R1"))
    sheet.cell(row=5, column=len(HEADER) + 3).number_format = "0.00"  # formatted, empty
    sheet.cell(row=2, column=len(HEADER) + 2, value=None)
    book.save(tmp_path / "s.xlsx")
    assert do_import(sqlite_engine, tmp_path / "s.xlsx").rows == 1


def test_progress_is_reported_for_a_large_file(sqlite_engine, tmp_path):
    rows = [row(f"R{i:05d}") for i in range(4500)]
    path = write_csv(tmp_path / "big.csv", HEADER, rows)
    calls: list[tuple[str, int, int]] = []
    result = import_file(
        sqlite_engine,
        path,
        instrument="staff_survey",
        area="E06000001",
        wave="2026-1",
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    assert result.rows == 4500
    checking = [c for c in calls if c[0] == "checking"]
    writing = [c for c in calls if c[0] == "writing"]
    assert len(checking) >= 3 and len(writing) >= 3
    for stage in (checking, writing):
        done = [d for _, d, _ in stage]
        assert done == sorted(done)
        assert stage[-1][1:] == (4500, 4500)
        assert {t for _, _, t in stage} == {4500}
    assert calls.index(checking[-1]) < calls.index(writing[0])
    assert count_rows(sqlite_engine)["answers"] == 4500 * 4


# --- every kind of problem --------------------------------------------------------------------


def test_unknown_column(sqlite_engine, tmp_path):
    path = write_csv(tmp_path / "s.csv", [*HEADER, "lead_9"], [[*row("R1"), "3"]])
    [p] = rejected(sqlite_engine, path)
    assert (p.row, p.column) == (1, "lead_9")
    assert p.reason == "unknown column for instrument 'staff_survey'"
    assert str(p) == "row 1, column 'lead_9': unknown column for instrument 'staff_survey'"


@pytest.mark.parametrize("value", ["7", "0", "3.5", "four", "-1"])
def test_likert_value_out_of_range(sqlite_engine, tmp_path, value):
    path = write_csv(tmp_path / "s.csv", HEADER, [row("R1"), row("R2", lead_1=value)])
    [p] = rejected(sqlite_engine, path)
    assert (p.row, p.column, p.value) == (3, "lead_1", value)
    assert p.reason == "expected whole number 1-5"
    assert str(p) == f"row 3, column 'lead_1': value '{value}' expected whole number 1-5"


def test_unknown_sector(sqlite_engine, tmp_path):
    path = write_csv(tmp_path / "s.csv", HEADER, [row("R1", sector="nhs")])
    [p] = rejected(sqlite_engine, path)
    assert (p.row, p.column, p.value) == (2, "sector", "nhs")
    assert p.reason.startswith("unknown sector; expected one of: acute_health, primary_care")


def test_duplicate_respondent_names_both_rows(sqlite_engine, tmp_path):
    path = write_csv(tmp_path / "s.csv", HEADER, [row("R1"), row("R2"), row("R1")])
    [p] = rejected(sqlite_engine, path)
    assert (p.row, p.column, p.value) == (4, "respondent_id", "R1")
    assert p.reason == "duplicate respondent id (also on row 2)"


def test_missing_required_profile_value(sqlite_engine, tmp_path):
    path = write_csv(tmp_path / "s.csv", HEADER, [row("R1"), row("R2", role_level=" ")])
    [p] = rejected(sqlite_engine, path)
    assert (p.row, p.column) == (3, "role_level")
    assert p.value in (None, "")
    assert p.reason == "required value is missing"


def test_missing_required_column(sqlite_engine, tmp_path):
    header = [h for h in HEADER if h != "co_located"]
    rows = [[c for h, c in zip(HEADER, row("R1"), strict=True) if h != "co_located"]]
    [p] = rejected(sqlite_engine, write_csv(tmp_path / "s.csv", header, rows))
    assert (p.row, p.column, p.reason) == (1, "co_located", "required column is missing")


def test_row_numbers_count_blank_rows(sqlite_engine, tmp_path):
    lines = [",".join(HEADER), ",".join(row("R1")), ",,,", ",".join(row("R2", lead_3="9"))]
    path = tmp_path / "s.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    [p] = rejected(sqlite_engine, path)
    assert (p.row, p.column, p.value) == (4, "lead_3", "9")


@pytest.mark.parametrize(
    "content",
    [b"", b"\r\n\r\n", (",".join(HEADER) + "\r\n").encode()],
    ids=["0 bytes", "blank", "header only"],
)
def test_empty_file(sqlite_engine, tmp_path, content):
    path = tmp_path / "s.csv"
    path.write_bytes(content)
    [p] = rejected(sqlite_engine, path)
    assert (p.row, p.column, p.value) == (None, None, None)
    assert "the file is empty" in p.reason
    assert str(p).startswith("file: the file is empty")


def test_unreadable_xlsx(sqlite_engine, tmp_path):
    path = tmp_path / "s.xlsx"
    path.write_bytes(csv_bytes(HEADER, [row("R1")]))  # a CSV renamed .xlsx
    [p] = rejected(sqlite_engine, path)
    assert p.reason.startswith("not a readable Excel workbook")


def test_unsupported_file_type(sqlite_engine, tmp_path):
    path = tmp_path / "s.ods"
    path.write_bytes(b"PK\x03\x04")
    [p] = rejected(sqlite_engine, path)
    assert p.reason == "unsupported file type '.ods': use .csv or .xlsx"


def test_row_with_too_many_cells(sqlite_engine, tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(csv_bytes(HEADER, [row("R1"), [*row("R2"), "surplus"]]))
    [p] = rejected(sqlite_engine, path)
    assert (p.row, p.reason) == (3, "the row has more cells than the header has columns")


def test_too_long_and_nul_values(sqlite_engine, tmp_path):
    rows = [row("R1", organisation="O" * 201), row("R2", open_barrier="a\x00b"), row("X" * 61)]
    problems = rejected(sqlite_engine, write_csv(tmp_path / "s.csv", HEADER, rows))
    assert [(p.row, p.column) for p in problems] == [
        (2, "organisation"),
        (3, "open_barrier"),
        (4, "respondent_id"),
    ]
    assert problems[0].reason == "longer than 200 characters"
    assert "NUL" in problems[1].reason
    assert problems[2].reason == "an identifier must be 1 to 60 characters"


def test_three_problems_are_all_listed(sqlite_engine, tmp_path):
    rows = [row("R1", lead_1="6"), row("R2"), row("R3", sector="army", know_1="maybe")]
    path = write_csv(tmp_path / "s.csv", HEADER, rows)
    problems = rejected(sqlite_engine, path)
    assert [(p.row, p.column, p.value) for p in problems] == [
        (2, "lead_1", "6"),
        (4, "sector", "army"),
        (4, "know_1", "maybe"),
    ]
    assert problems[2].reason == "expected true/false"
    with pytest.raises(ImportRejected, match=r"^3 problem\(s\); nothing was imported"):
        do_import(sqlite_engine, path)


def test_problems_in_interview_and_workshop_files(catalogue, sqlite_engine, tmp_path):
    header, rows = filled_rows(catalogue, "stakeholder_interview", 2)
    rows[1][header.index("theme_1_pair")] = "police>army"
    [p] = rejected(
        sqlite_engine, write_csv(tmp_path / "i.csv", header, rows), "stakeholder_interview"
    )
    assert (p.row, p.column, p.value) == (3, "theme_1_pair", "police>army")
    assert p.reason.startswith("unknown sector pair")
    header, rows = filled_rows(catalogue, "workshop", 2)
    rows[0][header.index("v_mh_crisis")] = "yes"
    rows[0][header.index("card_1_votes")] = "-2"
    problems = rejected(sqlite_engine, write_csv(tmp_path / "w.csv", header, rows), "workshop")
    assert [(p.row, p.column, p.value) for p in problems] == [
        (2, "v_mh_crisis", "yes"),
        (2, "card_1_votes", "-2"),
    ]
    assert problems[0].reason == "unknown option; expected one of: share, dont_share, unsure"
    assert problems[1].reason == "expected whole number 0 or more"


# --- files imported before ---------------------------------------------------------------------


def test_the_same_file_twice_is_refused(sqlite_engine, tmp_path):
    path = write_csv(tmp_path / "first_wave.csv", HEADER, [row("R1"), row("R2")])
    first = do_import(sqlite_engine, path)
    before = count_rows(sqlite_engine)
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(path.read_bytes())
    for again in (path, copy):
        with pytest.raises(AlreadyImported) as info:
            do_import(sqlite_engine, again, wave="2026-2")
        message = str(info.value)
        assert f"import #{first.batch_id}" in message
        assert "'first_wave.csv'" in message
        assert "wave 2026-1" in message
        assert "nothing was imported again" in message
    assert count_rows(sqlite_engine) == before


def test_respondent_ids_already_in_the_wave_are_refused(sqlite_engine, tmp_path):
    do_import(sqlite_engine, write_csv(tmp_path / "a.csv", HEADER, [row("R1"), row("R2")]))
    before = count_rows(sqlite_engine)
    later = write_csv(tmp_path / "b.csv", HEADER, [row("R3"), row("R2", lead_1="1")])
    with pytest.raises(ImportRejected) as info:
        do_import(sqlite_engine, later)
    [p] = info.value.problems
    assert (p.row, p.column, p.value) == (3, "respondent_id", "R2")
    assert p.reason == "respondent id already imported in this wave"
    assert count_rows(sqlite_engine) == before
    # the same ids are fine in another wave
    assert do_import(sqlite_engine, later, wave="2026-2").rows == 2


# --- the command line --------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path, monkeypatch) -> CliRunner:
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.delenv("READINESS_INSTRUMENTS_DIR", raising=False)
    return CliRunner()


def _cli_import(cli, path, *extra):
    args = ["import", str(path), "--instrument", "staff_survey", "--area", "E06000001"]
    return cli.invoke(main, [*args, "--wave", "2026-1", *extra])


def test_cli_import(cli, tmp_path):
    path = write_csv(tmp_path / "staff.csv", HEADER, [row("R1"), row("R2")])
    result = _cli_import(cli, path, "--area-name", "Hartlepool")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Imported 2 rows from staff.csv into area E06000001")
    assert "import #1" in result.output
    again = _cli_import(cli, path)
    assert again.exit_code == 1
    assert "already imported as import #1 ('staff.csv'" in again.output


def test_cli_import_bad_file(cli, tmp_path):
    rows = [row("R1", lead_1="7"), row("R2", sector="nhs"), row("R1")]
    path = write_csv(tmp_path / "bad.csv", HEADER, rows)
    result = _cli_import(cli, path)
    assert result.exit_code == 1
    assert "bad.csv: 3 problem(s); nothing was imported" in result.output
    assert "row 2, column 'lead_1': value '7' expected whole number 1-5" in result.output
    assert "row 3, column 'sector': value 'nhs' unknown sector" in result.output
    assert "row 4, column 'respondent_id': value 'R1' duplicate respondent id" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_cli_import_unknown_instrument(cli, tmp_path):
    path = write_csv(tmp_path / "s.csv", HEADER, [row("R1")])
    result = cli.invoke(
        main, ["import", str(path), "--instrument", "staf", "--area", "A", "--wave", "1"]
    )
    assert result.exit_code == 1
    assert "unknown instrument 'staf'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_cli_template(cli, catalogue, tmp_path, suffix):
    from instruments.columns import columns

    out = tmp_path / f"workshop{suffix}"
    result = cli.invoke(main, ["template", "workshop", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Wrote the workshop template to {out}"
    ids = [c.id for c in columns(catalogue, "workshop")]
    if suffix == ".csv":
        assert out.read_text(encoding="utf-8").splitlines() == [",".join(ids)]
    else:
        from openpyxl import load_workbook

        assert [c.value for c in load_workbook(out)["responses"][1]] == ids
    header, rows = filled_rows(catalogue, "workshop", 3, ids)
    write = write_csv if suffix == ".csv" else write_xlsx
    filled = write(tmp_path / f"filled{suffix}", header, rows)
    imported = cli.invoke(
        main,
        ["import", str(filled), "--instrument", "workshop", "--area", "A1", "--wave", "w1"],
    )
    assert imported.exit_code == 0, imported.output
    assert "Imported 3 rows" in imported.output


def test_cli_template_unknown_instrument(cli, tmp_path):
    result = cli.invoke(main, ["template", "survey", "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 1
    assert "unknown instrument 'survey'" in result.output
    assert not (tmp_path / "x.csv").exists()


def test_nothing_is_written_for_a_batch_with_problems(sqlite_engine, tmp_path):
    path = write_csv(tmp_path / "s.csv", HEADER, [row("R1", lead_1="9")])
    rejected(sqlite_engine, path)
    with Session(sqlite_engine) as session:
        assert session.scalars(select(ImportBatch)).all() == []
    # the corrected file then imports
    path.write_bytes(csv_bytes(HEADER, [row("R1")]))
    assert do_import(sqlite_engine, path).rows == 1


@pytest.mark.parametrize(
    ("area", "wave", "words"),
    [("A" * 41, "2026-1", "area code"), ("ASH", " ", "wave label"), ("ASH", "w" * 41, "wave")],
)
def test_area_and_wave_labels_are_checked_before_writing(
    sqlite_engine, tmp_path, area, wave, words
):
    path = write_csv(tmp_path / "labels.csv", HEADER, [row("R1")])
    with pytest.raises(ImportRejected) as info:
        do_import(sqlite_engine, path, area=area, wave=wave)
    assert f"the {words}" in str(info.value)
    assert_store_empty(sqlite_engine)
