"""Codebooks and blank import templates, both made from the instrument's columns."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from survey.columns import Column, columns
from survey.instruments import Catalogue

CODEBOOK_FIELDS = ("item_id", "text", "scale", "reverse", "response_options", "required")


def codebook_rows(cat: Catalogue, key: str) -> list[dict[str, str]]:
    """One row per column of the import file: item id, text, scale, reverse, options."""
    return [_row(c) for c in columns(cat, key)]


def _row(c: Column) -> dict[str, str]:
    options = c.allowed
    if c.keyed is not None:
        options += f" (keyed answer: {'true' if c.keyed else 'false'})"
    return {
        "item_id": c.id,
        "text": c.text,
        "scale": c.scale or c.group,
        "reverse": "yes" if c.reverse else "no",
        "response_options": options,
        "required": "yes" if c.required else "no",
    }


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


def write_template(cat: Catalogue, key: str, out: Path) -> Path:
    """Write the blank import template (header row only) as CSV or XLSX by extension.

    The XLSX template has a second sheet with the codebook."""
    ids = [c.id for c in columns(cat, key)]
    if out.suffix.lower() == ".xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = "responses"
        sheet.append(ids)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        guide = book.create_sheet("codebook")
        guide.append(list(CODEBOOK_FIELDS))
        for row in codebook_rows(cat, key):
            guide.append([row[f] for f in CODEBOOK_FIELDS])
        book.save(out)
    else:
        out.write_text(",".join(ids) + "\n", encoding="utf-8")
    return out
