"""The codebook of an instrument: one row per column of its import file (item id, text,
scale, reverse, response options, required). Made from the same column list as the import
template and the validator, so the three can never disagree; written out by
:mod:`app.exports.codebook`."""

from __future__ import annotations

from instruments.catalogue import Catalogue
from instruments.columns import Column, columns

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
