"""The codebook of an instrument written out (CSV, Markdown) and the blank import template
(CSV, or Excel with a codebook sheet)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from app.exports.tables import xlsx_bytes
from instruments.catalogue import Catalogue
from instruments.codebook import CODEBOOK_FIELDS, codebook_rows
from instruments.columns import columns


def codebook_csv(cat: Catalogue, key: str) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CODEBOOK_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(codebook_rows(cat, key))
    return out.getvalue()


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def codebook_markdown(cat: Catalogue, key: str) -> str:
    inst = cat.get(key)
    lines = [
        f"# {inst.title.en} (`{inst.key}` version {inst.version})",
        "",
        _md(inst.description.en),
        "",
        "| " + " | ".join(CODEBOOK_FIELDS) + " |",
        "|" + "---|" * len(CODEBOOK_FIELDS),
    ]
    for row in codebook_rows(cat, key):
        lines.append("| " + " | ".join(_md(row[f]) for f in CODEBOOK_FIELDS) + " |")
    return "\n".join(lines) + "\n"


FORMATS = {"csv": codebook_csv, "md": codebook_markdown}


def template_bytes(cat: Catalogue, key: str, suffix: str) -> bytes:
    """The blank import template (header row only): ``.csv``, or ``.xlsx`` with a second
    sheet holding the codebook."""
    ids = [c.id for c in columns(cat, key)]
    if suffix.lower() == ".xlsx":
        codebook = pd.DataFrame(codebook_rows(cat, key), columns=list(CODEBOOK_FIELDS))
        return xlsx_bytes({"responses": pd.DataFrame(columns=ids), "codebook": codebook})
    return (",".join(ids) + "\n").encode("utf-8")


def write_template(cat: Catalogue, key: str, out: Path) -> Path:
    """Write the blank import template as CSV or XLSX, by ``out``'s extension."""
    out.write_bytes(template_bytes(cat, key, out.suffix))
    return out
