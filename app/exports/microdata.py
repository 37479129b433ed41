"""Survey microdata as the panel's statistics packages read it: CSV, Excel, SPSS (``.sav``)
and Stata (``.dta``), with a codebook.

:func:`labelled` puts the columns in instrument order (area, wave, profile fields, then the
items as the questionnaire asks them), makes whole numbers integers and gives every
variable a label (the item text) and value labels (the response scale's labels; sector and
role names). The writers in :data:`MICRODATA_FORMATS` then write the same labelled table:

- CSV and Excel keep the instrument's own codes (``police``, ``yes``) so the file can be
  imported again; Excel adds a codebook sheet.
- SPSS and Stata get numbered categories with value labels (as REDCap and KoboToolbox
  write them), variable labels cut to the format's limit (SPSS 256 bytes, Stata 80
  characters) and system missing for every unanswered item. Stata names are kept to 28
  characters (Stata allows 32, and names each value-label set after its variable with a
  number added): a longer name is shortened with a stable suffix and the codebook says so.

Nothing here decides who may see what: the frame comes from :class:`app.access.ScopedData`
already pseudonymised and disclosure-controlled."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import polars as pl
import pyreadstat

from app.exports.formulas import neutralise_frame
from app.exports.tables import csv_bytes, xlsx_bytes
from instruments.catalogue import Catalogue
from instruments.columns import Column, columns
from instruments.forms import option_label

OTHER = "other"
OTHER_CODE = 90
OTHER_LABEL = "Other (merged small groups)"
SPSS_LABEL_BYTES = 256
STATA_LABEL_CHARS = 80
STATA_NAME_CHARS = 32
# pyreadstat names each variable's value-label set after it with a running number added,
# and Stata allows 32 characters there too: names keep 4 characters free for that number.
STATA_SHORT_NAME = STATA_NAME_CHARS - 4
CODEBOOK_COLUMNS = (
    "variable",
    "stata_name",
    "label",
    "type",
    "values",
    "missing",
    "scale",
    "reverse",
)


@dataclass(frozen=True)
class Variable:
    """One column of the microdata: its name, label, storage type and value labels.

    ``type`` is ``integer`` (answers and counts), ``number`` (a score), ``category`` (a
    text code numbered for SPSS and Stata by ``codes``) or ``string``."""

    name: str
    label: str
    type: str
    value_labels: dict[int, str] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    scale: str = ""
    reverse: bool = False

    @property
    def stata_name(self) -> str:
        if len(self.name) <= STATA_SHORT_NAME:
            return self.name
        digest = hashlib.sha1(self.name.encode("utf-8")).hexdigest()[:4]
        return f"{self.name[: STATA_SHORT_NAME - 5]}_{digest}"


@dataclass(frozen=True)
class Labelled:
    """Microdata with a :class:`Variable` for every column, in the same order.

    ``data`` holds whole numbers as nullable integers (``Int64``) and categories as the
    instrument's text codes."""

    data: pd.DataFrame
    variables: tuple[Variable, ...]
    title: str

    def codebook(self) -> pd.DataFrame:
        """One row per variable: name, Stata name, label, type, value labels, missing."""
        rows = []
        for v in self.variables:
            if v.type == "category":
                values = "; ".join(
                    f"{n} = {text} [{code}]"
                    for code, n in v.codes.items()
                    for text in [v.value_labels.get(n, code)]
                )
            else:
                values = "; ".join(f"{n} = {text}" for n, text in v.value_labels.items())
            rows.append(
                {
                    "variable": v.name,
                    "stata_name": v.stata_name,
                    "label": v.label,
                    "type": v.type,
                    "values": values,
                    "missing": "empty (system missing): not answered"
                    + (", or suppressed for k-anonymity" if v.type == "category" else ""),
                    "scale": v.scale,
                    "reverse": "yes" if v.reverse else "no" if v.scale else "",
                }
            )
        return pd.DataFrame(rows, columns=list(CODEBOOK_COLUMNS))

    def numbered(self) -> pd.DataFrame:
        """The data with every category as its number (what SPSS and Stata hold)."""
        out = {}
        for v in self.variables:
            column = self.data[v.name]
            if v.type == "category":
                out[v.name] = column.map(v.codes).astype("float64")
            elif v.type in {"integer", "number"}:
                out[v.name] = column.astype("float64")
            else:
                out[v.name] = column.fillna("").astype(str)
        return pd.DataFrame(out, index=self.data.index)


def _category(name: str, label: str, options: list[tuple[str, str]], present: pd.Series):
    """A text-coded column numbered 1, 2, … in the instrument's order (yes/no as 0/1), with
    "other" (merged small groups, :mod:`analysis.pseudonyms`) as 90 when it occurs."""
    first = 0 if [code for code, _ in options] == ["no", "yes"] else 1
    codes = {code: n for n, (code, _) in enumerate(options, start=first)}
    labels = {n: text for n, (_, text) in enumerate(options, start=first)}
    if (present.astype(object) == OTHER).any():
        codes[OTHER] = OTHER_CODE
        labels[OTHER_CODE] = OTHER_LABEL
    return Variable(name, label, "category", labels, codes)


def _scale_labels(cat: Catalogue, key: str, col: Column) -> dict[int, str]:
    inst = cat.get(key)
    if col.kind == "true_false":
        return {0: "False", 1: "True"}
    scales = getattr(inst, "response_scales", None) or {}
    response = None
    for item in getattr(inst, "items", []):
        if item.id == col.id:
            response = item.response
    trust = getattr(inst, "trust", None)
    if response is None and trust is not None and col.scale == trust.scale:
        response = trust.response
    rs = scales.get(response) if response else None
    if rs is None or not rs.labels:
        return {}
    return {int(k): v.en for k, v in sorted(rs.labels.items())}


def _variable(cat: Catalogue, key: str, col: Column, values: pd.Series) -> Variable:
    if col.kind == "sector":
        options = [(s.code, s.name) for s in cat.sectors.sectors]
        return _category(col.id, col.text, options, values)
    if col.kind == "choice":
        options = [(o, option_label(cat, col, o)) for o in col.options]
        return _category(col.id, col.text, options, values)
    if col.kind == "yes_no":
        return _category(col.id, col.text, [("no", "No"), ("yes", "Yes")], values)
    if col.kind in {"likert", "true_false", "count"}:
        return Variable(
            col.id,
            col.text,
            "integer",
            _scale_labels(cat, key, col),
            scale=col.scale or "",
            reverse=col.reverse,
        )
    return Variable(col.id, col.text, "string")


def _yes_no(values: pd.Series) -> pd.Series:
    def word(v: object) -> object:
        if isinstance(v, str) or v is None or pd.isna(v):
            return v
        return "yes" if bool(v) else "no"

    return values.map(word)


def labelled(micro: pd.DataFrame, cat: Catalogue, key: str, *, area_label: str) -> Labelled:
    """``micro`` (one row per respondent) in instrument order with labels.

    Columns the instrument does not know (none, from the store) follow the instrument's
    columns as plain numbers or text; columns of the instrument that ``micro`` lacks
    (identifiers, free text, removed by disclosure control) are left out."""
    spec = [c for c in columns(cat, key) if c.id in micro.columns]
    known = {c.id for c in spec}
    head = [c for c in ("area", "wave") if c in micro.columns]
    variables: list[Variable] = [
        Variable("area", area_label, "string") if c == "area" else Variable(c, "Wave", "string")
        for c in head
    ]
    data: dict[str, pd.Series] = {c: micro[c].astype(object) for c in head}
    for col in spec:
        values = micro[col.id]
        if col.kind == "yes_no":
            values = _yes_no(values)
        var = _variable(cat, key, col, values)
        if var.type == "integer":
            values = pd.to_numeric(values, errors="coerce").round().astype("Int64")
        elif var.type == "category":
            values = values.astype(object).where(values.notna(), None)
        variables.append(var)
        data[col.id] = values
    for name in micro.columns:
        if name in known or name in head:
            continue
        values = micro[name]
        if pd.api.types.is_numeric_dtype(values):
            variables.append(Variable(str(name), str(name), "integer"))
            data[name] = pd.to_numeric(values).round().astype("Int64")
    frame = pd.DataFrame(data, index=micro.index).reset_index(drop=True)
    inst = cat.get(key)
    title = f"{inst.title.en} ({inst.key} {inst.version})"
    return Labelled(frame, tuple(variables), title)


def labelled_table(frame: pd.DataFrame, labels: dict[str, str], title: str) -> Labelled:
    """Any table (a profile's scores, say) as :class:`Labelled`: numbers stay numbers,
    everything else is text; ``labels`` gives the variable labels (else the name)."""
    variables = []
    data = {}
    for name in frame.columns:
        values = frame[name]
        label = labels.get(str(name), str(name))
        if pd.api.types.is_bool_dtype(values):
            values = values.map({True: 1, False: 0}).astype("Int64")
            variables.append(Variable(str(name), label, "integer", {0: "No", 1: "Yes"}))
        elif pd.api.types.is_numeric_dtype(values):
            values = pd.to_numeric(values).astype("float64")
            variables.append(Variable(str(name), label, "number"))
        else:
            values = values.astype(object).where(values.notna(), None)
            variables.append(Variable(str(name), label, "string"))
        data[str(name)] = values
    return Labelled(pd.DataFrame(data).reset_index(drop=True), tuple(variables), title)


# --- writers ------------------------------------------------------------------------------


def _cut_bytes(text: str, limit: int) -> str:
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[:limit].decode("utf-8", errors="ignore")


def _cut_chars(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _through_file(write: Callable[[pl.DataFrame, str], None], frame: pd.DataFrame) -> bytes:
    """pyreadstat writes to a path: write to a temporary file and read it back.

    The frame goes to pyreadstat as a polars frame with nulls for missing: from pandas,
    pyreadstat asks ``pd.isna`` of every cell of a column with any missing value, which
    makes a national file four times slower (``benchmarks/bench_exports.py``)."""
    handle, path = tempfile.mkstemp(suffix=".bin")
    os.close(handle)
    try:
        write(pl.from_pandas(frame, nan_to_null=True), path)
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)


def _value_labels(m: Labelled, names: dict[str, str]) -> dict[str, dict[float, str]]:
    return {
        names[v.name]: {float(k): text for k, text in v.value_labels.items()}
        for v in m.variables
        if v.value_labels
    }


def sav_bytes(m: Labelled) -> bytes:
    """SPSS ``.sav`` (bytecode-compressed, which every SPSS version reads), every variable
    labelled, categories numbered."""
    frame = neutralise_frame(m.numbered())
    names = {v.name: v.name for v in m.variables}
    labels = {v.name: _cut_bytes(v.label, SPSS_LABEL_BYTES) for v in m.variables}
    formats = {}
    measure = {}
    for v in m.variables:
        if v.type == "string":
            measure[v.name] = "nominal"
            continue
        if v.type == "number":
            formats[v.name] = "F8.3"
            measure[v.name] = "scale"
            continue
        width = max(1, len(str(max([*v.value_labels, 0])))) + 1
        top = m.data[v.name].dropna()
        if v.type == "integer" and len(top):
            width = max(width, len(str(int(top.abs().max()))) + 1)
        formats[v.name] = f"F{width}.0"
        measure[v.name] = "ordinal" if v.type == "integer" and v.value_labels else "nominal"
        if v.type == "integer" and not v.value_labels:
            measure[v.name] = "scale"

    def write(frame: pl.DataFrame, path: str) -> None:
        pyreadstat.write_sav(
            frame,
            path,
            file_label=_cut_bytes(m.title, 64),
            column_labels=labels,
            variable_value_labels=_value_labels(m, names),
            variable_format=formats,
            variable_measure=measure,
            row_compress=True,
        )

    return _through_file(write, frame)


def dta_bytes(m: Labelled) -> bytes:
    """Stata ``.dta`` (version 15), every variable labelled, categories numbered; names
    longer than Stata's 32 characters shortened as the codebook shows."""
    names = {v.name: v.stata_name for v in m.variables}
    if len(set(names.values())) != len(names):
        raise ValueError("two variables shorten to the same Stata name")
    frame = neutralise_frame(m.numbered()).rename(columns=names)
    labels = {names[v.name]: _cut_chars(v.label, STATA_LABEL_CHARS) for v in m.variables}

    def write(frame: pl.DataFrame, path: str) -> None:
        pyreadstat.write_dta(
            frame,
            path,
            file_label=_cut_chars(m.title, STATA_LABEL_CHARS),
            column_labels=labels,
            variable_value_labels=_value_labels(m, names),
            version=15,
        )

    return _through_file(write, frame)


def table_csv_bytes(m: Labelled) -> bytes:
    """CSV in instrument order: whole numbers as integers, missing as empty cells."""
    return csv_bytes(m.data)


def xlsx_with_codebook(m: Labelled) -> bytes:
    """Excel: the data sheet and a codebook sheet."""
    data = m.data.astype(object)
    return xlsx_bytes({"data": data.where(m.data.notna(), None), "codebook": m.codebook()})


def codebook_csv_bytes(m: Labelled) -> bytes:
    return csv_bytes(m.codebook())


@dataclass(frozen=True)
class MicrodataFormat:
    name: str
    title: str
    suffix: str
    mime: str
    write: Callable[[Labelled], bytes]


MICRODATA_FORMATS: dict[str, MicrodataFormat] = {
    f.name: f
    for f in (
        MicrodataFormat("csv", "CSV", ".csv", "text/csv", table_csv_bytes),
        MicrodataFormat(
            "xlsx",
            "Excel",
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx_with_codebook,
        ),
        MicrodataFormat("sav", "SPSS", ".sav", "application/x-spss-sav", sav_bytes),
        MicrodataFormat("dta", "Stata", ".dta", "application/x-stata-dta", dta_bytes),
        MicrodataFormat("codebook", "codebook, CSV", ".csv", "text/csv", codebook_csv_bytes),
    )
}


def microdata_bytes(m: Labelled, fmt: str) -> bytes:
    """``m`` written in ``fmt`` (a key of :data:`MICRODATA_FORMATS`)."""
    return MICRODATA_FORMATS[fmt].write(m)


def format_for(name: str | None, out_suffix: str) -> str:
    """The format named, or the one that writes files ending in ``out_suffix``."""
    if name:
        return name
    by_suffix = {f.suffix: f.name for f in reversed(MICRODATA_FORMATS.values())}
    return by_suffix.get(out_suffix.lower(), "csv")


__all__ = [
    "MICRODATA_FORMATS",
    "Labelled",
    "Variable",
    "labelled",
    "microdata_bytes",
]
