"""Hostile import files for the fuzz suite (tests/test_fuzz_import.py, and the longer run
``benchmarks/fuzz_import.py``): random bytes, truncation, ragged rows, mixed encodings,
duplicate headers, huge cells, NULs and control characters, damaged workbooks, and valid
files, as hypothesis strategies."""

from __future__ import annotations

import io
import zipfile

from helpers import csv_bytes, filled_rows
from hypothesis import strategies as st
from openpyxl import Workbook

from instruments.catalogue import default_catalogue

CATALOGUE = default_catalogue()
HEADER, ROWS = filled_rows(CATALOGUE, "staff_survey", 12)
VALID_CSV = csv_bytes(HEADER, ROWS)


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


VALID_XLSX = _xlsx(ROWS)

_cell_noise = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\x07",
        "é",
        "\u200b",
        "٣",
        "３",
        "+3",
        "3.",
        "9" * 5000,
        "=1+1",
        '"',
        '""',
        "\r",
        "\n",
        ",",
        ";",
        "\t",
        "x" * 20_000,
        "\ufeff",
        "\udcff"[:0],
    ]
)


@st.composite
def mutated_csv(draw) -> bytes:
    """A valid CSV file damaged in one to four ways."""
    header = list(HEADER)
    rows = [list(r) for r in ROWS]
    for _ in range(draw(st.integers(1, 4))):
        how = draw(
            st.sampled_from(
                [
                    "cell",
                    "drop_cells",
                    "add_cells",
                    "dup_header",
                    "truncate",
                    "cp1252_row",
                    "random_bytes",
                    "blank_header",
                    "many_rows",
                ]
            )
        )
        if how == "cell":
            r = draw(st.integers(0, len(rows) - 1))
            if rows[r]:  # a row already cut short may have no cells left
                rows[r][draw(st.integers(0, len(rows[r]) - 1))] = draw(_cell_noise)
        elif how == "drop_cells":
            r = draw(st.integers(0, len(rows) - 1))
            rows[r] = rows[r][: draw(st.integers(0, len(rows[r])))]
        elif how == "add_cells":
            r = draw(st.integers(0, len(rows) - 1))
            rows[r] = rows[r] + draw(st.lists(_cell_noise, min_size=1, max_size=3))
        elif how == "dup_header":
            header.append(draw(st.sampled_from(header)))
        elif how == "blank_header":
            header[draw(st.integers(0, len(header) - 1))] = ""
        elif how == "many_rows" and len(rows) < 100:
            rows = rows * draw(st.integers(2, 20))
    data = csv_bytes(header, rows)
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + "Café".encode("cp1252") + data[at:]
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=64)) + data[at:]
    return data


@st.composite
def damaged_xlsx(draw) -> bytes:
    """A workbook: truncated, bytes flipped, a part replaced by noise, or cells of noise."""
    how = draw(st.sampled_from(["truncate", "flip", "part", "cells"]))
    if how == "truncate":
        return VALID_XLSX[: draw(st.integers(0, len(VALID_XLSX)))]
    if how == "flip":
        data = bytearray(VALID_XLSX)
        for _ in range(draw(st.integers(1, 20))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if how == "part":
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(VALID_XLSX)) as src, zipfile.ZipFile(out, "w") as dst:
            victim = draw(st.sampled_from(src.namelist()))
            for name in src.namelist():
                body = draw(st.binary(max_size=200)) if name == victim else src.read(name)
                dst.writestr(name, body)
        return out.getvalue()
    rows = [list(r) for r in ROWS]
    for _ in range(draw(st.integers(1, 6))):
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, len(HEADER) - 1))
        noise = draw(_cell_noise)
        rows[r][c] = "".join(ch for ch in noise if ch >= " " or ch in "\t\n\r")  # Excel's rule
    return _xlsx(rows)


hostile_files = st.one_of(
    st.tuples(st.binary(max_size=4096), st.sampled_from(["f.csv", "f.xlsx", "f.txt"])),
    st.tuples(mutated_csv(), st.just("f.csv")),
    st.tuples(damaged_xlsx(), st.just("f.xlsx")),
)
