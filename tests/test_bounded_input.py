"""Hostile and damaged import files: every one over a limit is refused quickly, without
filling memory, with the limit named; damaged files are refused, never repaired; problem
reports stay short however bad the file."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import HEADER, assert_store_empty, csv_bytes, filled_rows, row, write_xlsx
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.evidence import ImportRejected, import_file, problem_counts, problem_summary
from cli.main import main
from instruments.catalogue import default_catalogue
from survey.ingest.limits import Limits
from survey.ingest.validate import MAX_PROBLEMS, MAX_VALUE, validate
from survey.store.models import Area, Response

LIMIT_MB = 300  # the most memory a refused file may take


def good_csv(n: int = 3) -> bytes:
    return csv_bytes(HEADER, [row(f"R{i}") for i in range(n)])


def check(data: bytes, name: str = "s.csv", catalogue=None, **limits):
    """Validate twice: once for the CPU time it takes (a shared machine's wall clock says
    little), once under tracemalloc for the peak of memory allocated."""

    def run():
        return validate(data, name, "staff_survey", catalogue=catalogue, limits=Limits(**limits))

    start = time.process_time()
    v = run()
    seconds = time.process_time() - start
    tracemalloc.start()
    try:
        run()
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()
    return v, seconds, peak


def refused_for(data: bytes, name: str = "s.csv", catalogue=None, **limits) -> str:
    v, seconds, peak = check(data, name, catalogue or default_catalogue(), **limits)
    assert not v.ok, "the file was accepted"
    assert seconds < 2, f"took {seconds:.2f} CPU seconds to refuse"
    assert peak < LIMIT_MB, f"took {peak:.0f} MB to refuse"
    return " | ".join(str(p) for p in v.problems)


def xlsx_bytes(tmp_path: Path, header=HEADER, rows=None) -> bytes:
    path = write_xlsx(tmp_path / "s.xlsx", header, rows or [row("R1"), row("R2")])
    return path.read_bytes()


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The workbook with some parts replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = replace.pop(item.filename, None)
            dst.writestr(
                item,
                body if body is not None else src.read(item.filename),
                compress_type=zipfile.ZIP_DEFLATED,
            )
        for name, body in replace.items():
            dst.writestr(name, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --- the bombs of the issue ---------------------------------------------------------------


def test_a_workbook_declaring_every_cell_of_a_sheet_is_refused_at_once(tmp_path):
    data = xlsx_bytes(tmp_path)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    start = sheet.index(b"<dimension")
    end = sheet.index(b"/>", start) + 2
    bomb = sheet[:start] + b'<dimension ref="A1:XFD1048576"/>' + sheet[end:]
    data = rezip(data, {"xl/worksheets/sheet1.xml": bomb})
    assert len(data) < 10_000
    message = refused_for(data, "bomb.xlsx")
    assert "1,048,576 rows" in message and "READINESS_MAX_ROWS" in message


def test_a_shared_strings_bomb_is_refused_before_it_is_unpacked(tmp_path):
    strings = b"<si><t>" + b"A" * 1_000_000 + b"</t></si>"
    bomb = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main" count="60" uniqueCount="60">' + strings * 60 + b"</sst>"
    )
    data = rezip(xlsx_bytes(tmp_path), {"xl/sharedStrings.xml": bomb})
    assert len(data) < 1_000_000
    message = refused_for(data, "bomb.xlsx", xlsx_shared_strings_mb=40)
    assert "shared strings unpack to 57 MB" in message
    assert "READINESS_MAX_XLSX_SHARED_STRINGS_MB" in message


def test_a_workbook_that_unpacks_too_far_is_refused(tmp_path):
    data = rezip(xlsx_bytes(tmp_path), {"xl/media/padding.bin": b"\0" * 12_000_000})
    message = refused_for(data, "bomb.xlsx", xlsx_unpacked_mb=10)
    assert "unpacks to 11 MB" in message and "READINESS_MAX_XLSX_UNPACKED_MB" in message


def test_a_cell_too_long_is_refused_in_a_workbook_and_in_a_csv(tmp_path):
    long = "x" * 5000
    data = xlsx_bytes(tmp_path, rows=[row("R1", open_barrier=long)])
    assert "READINESS_MAX_CELL_CHARS" in refused_for(data, "s.xlsx", cell_chars=1000)
    data = csv_bytes(HEADER, [row("R1", open_barrier=long)])
    assert "READINESS_MAX_CELL_CHARS" in refused_for(data, cell_chars=1000)


@pytest.mark.parametrize(
    ("limits", "setting"),
    [
        ({"file_mb": 0.0005}, "READINESS_MAX_FILE_MB"),
        ({"rows": 5}, "READINESS_MAX_ROWS"),
        ({"columns": 5}, "READINESS_MAX_COLUMNS"),
        ({"cells": 40}, "READINESS_MAX_CELLS"),
    ],
)
def test_each_limit_refuses_a_file_over_it_and_names_itself(limits, setting):
    data = good_csv(10)
    assert validate(data, "s.csv", "staff_survey").ok
    assert setting in refused_for(data, **limits)


def test_a_huge_csv_is_refused_quickly_and_in_little_memory():
    line = ",".join(row("R1")).encode() + b"\r\n"
    data = ",".join(HEADER).encode() + b"\r\n" + line * 180_000  # ~16 MB, 1.8 M cells
    message = refused_for(data, rows=50_000)
    assert "more than 50,000 data rows" in message


def test_the_command_line_refuses_a_file_over_the_size_limit_before_reading_it(
    tmp_path, monkeypatch
):
    path = tmp_path / "s.csv"
    path.write_bytes(good_csv(3))
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{tmp_path}/t.db")
    monkeypatch.setenv("READINESS_MAX_FILE_MB", "0.0001")
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    args = ["import", str(path), "--instrument", "staff_survey", "--area", "ASH", "--wave", "w1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "READINESS_MAX_FILE_MB" in result.output


# --- damaged files are refused, not repaired -----------------------------------------------


def problems_of(data: bytes, name: str = "s.csv") -> list[str]:
    v = validate(data, name, "staff_survey")
    return [str(p) for p in v.problems]


def test_a_csv_cut_off_mid_row_is_refused():
    data = good_csv(5)
    cut = data[: data.rindex(b"\r\n", 0, len(data) - 2) + 30]  # the last row, partly
    [problem] = problems_of(cut)
    assert problem.startswith("row 6:") and "fewer fields than the header's 10" in problem


def test_ragged_rows_are_refused_not_padded():
    lines = [",".join(HEADER), ",".join(row("R1")), ",".join(row("R2")[:-3]), ",".join(row("R3"))]
    [problem] = problems_of("\r\n".join(lines).encode() + b"\r\n")
    assert problem.startswith("row 3:") and "7 fields" in problem


def test_a_file_mixing_utf8_and_windows_1252_is_refused_with_the_row():
    good = csv_bytes(HEADER, [row("R1", organisation="Café Trust")])
    bad = ",".join(row("R2", organisation="Café Trust")).encode("cp1252") + b"\r\n"
    [problem] = problems_of(good + bad)
    assert "mixes text encodings" in problem and "row 3" in problem


def test_a_windows_1252_file_alone_still_imports():
    data = csv_bytes(HEADER, [row("R1", organisation="Café Trust")], encoding="cp1252")
    v = validate(data, "s.csv", "staff_survey")
    assert v.ok and v.raw[0]["organisation"] == "Café Trust"


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("٣", "digits other than 0-9"),
        ("３", "digits other than 0-9"),
        ("+3", "+ sign"),
        ("3.", "ends in a decimal point"),
        ("3.5", "expected whole number 1-5"),
        (" ", None),  # blank: no answer
    ],
)
def test_numbers_are_digits_0_to_9_only(value, named):
    problems = problems_of(csv_bytes(HEADER, [row("R1", lead_1=value)]))
    if named is None:
        assert problems == []
    else:
        [problem] = problems
        assert "column 'lead_1'" in problem and named in problem


@pytest.mark.parametrize("value", ["police\x07", "po\u200blice", "R1\x1b[31m"])
def test_control_characters_in_codes_are_refused(value):
    column = "respondent_id" if value.startswith("R1") else "sector"
    problems = problems_of(csv_bytes(HEADER, [row("R1", **{column: value})]))
    assert any("control character" in p for p in problems), problems


def test_sector_codes_are_trimmed_and_matched_ignoring_case():
    v = validate(csv_bytes(HEADER, [row("R1", sector=" Police ")]), "s.csv", "staff_survey")
    assert v.ok and v.rows[0]["sector"] == "police"


@pytest.mark.parametrize(
    "rid", ["jane.smith@council.gov.uk", "07700 900123", "+44 7700 900123", "Jane Smith"]
)
def test_a_respondent_id_that_is_personal_data_is_refused(rid):
    [problem] = problems_of(csv_bytes(HEADER, [row(rid)]))
    assert "personal data" in problem and "column 'respondent_id'" in problem


@pytest.mark.parametrize("rid", ["R0042", "ASH-0001", "12345", "resp_7"])
def test_ordinary_respondent_codes_are_accepted(rid):
    assert problems_of(csv_bytes(HEADER, [row(rid)])) == []


def test_area_and_wave_codes_are_trimmed_and_matched_ignoring_case(sqlite_engine, tmp_path):
    for n, (area, wave) in enumerate([("ASH", "2026-1"), ("ASH ", " 2026-1"), ("ash", "2026-1")]):
        path = tmp_path / f"s{n}.csv"
        path.write_bytes(csv_bytes(HEADER, [row(f"R{n}")]))
        result = import_file(sqlite_engine, path, instrument="staff_survey", area=area, wave=wave)
        assert (result.area, result.wave) == ("ASH", "2026-1")
    with Session(sqlite_engine) as session:
        assert session.scalars(select(Area.code)).all() == ["ASH"]
        assert len(session.scalars(select(Response.id)).all()) == 3


def test_an_area_code_with_a_control_character_is_refused(sqlite_engine, tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(good_csv(2))
    with pytest.raises(ImportRejected, match="control character"):
        import_file(sqlite_engine, path, instrument="staff_survey", area="AS\x00H", wave="w1")
    assert_store_empty(sqlite_engine)


# --- reports stay short ---------------------------------------------------------------------


def test_repeated_problems_are_grouped_and_values_cut_to_80_characters(sqlite_engine, tmp_path):
    huge = "9" * 5000
    rows = [row(f"R{i}", lead_1=huge, lead_3="x") for i in range(3000)]
    v = validate(csv_bytes(HEADER, rows), "s.csv", "staff_survey")
    assert v.summary[0].startswith("column 'lead_1': 3,000 rows expected whole number 1-5, first")
    assert v.summary[1].startswith("column 'lead_3': 3,000 rows expected whole number 1-5, first")
    assert len(v.summary) == 2
    assert all(len(p.value) <= MAX_VALUE for p in v.problems)
    path = tmp_path / "s.csv"
    path.write_bytes(csv_bytes(HEADER, rows))
    with pytest.raises(ImportRejected) as info:
        import_file(sqlite_engine, path, instrument="staff_survey", area="ASH", wave="w1")
    message = str(info.value)
    assert message.startswith("6,000 problem(s); nothing was imported")
    assert len(message) < 1000  # not 6,000 lines of 5,000 nines


def test_a_normal_workbook_still_imports(sqlite_engine, tmp_path, catalogue):
    header, rows = filled_rows(catalogue, "staff_survey", 20)
    path = write_xlsx(tmp_path / "full.xlsx", header, rows)
    result = import_file(sqlite_engine, path, instrument="staff_survey", area="ASH", wave="w1")
    assert result.rows == 20


def test_the_counts_by_column_cover_every_problem_not_only_those_listed():
    data = csv_bytes(HEADER, [row(f"R{i}", lead_1="9") for i in range(MAX_PROBLEMS + 100)])
    v = validate(data, "s.csv", "staff_survey")
    assert v.truncated and len(v.problems) == MAX_PROBLEMS
    counts = problem_counts(v)
    assert counts.set_index("column").loc["lead_1", "problems"] == MAX_PROBLEMS + 100
    assert problem_summary(v).startswith(f"{MAX_PROBLEMS + 100:,} problem(s) in 1 column(s)")
