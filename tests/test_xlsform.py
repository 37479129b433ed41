"""The XLSForm of every shipped instrument: pyxform (the converter KoboToolbox and ODK use)
turns it into an XForm without an error or a warning, in every language; its fields are
the instrument's import columns, its profile fields are required where the instrument
requires them, and numbers carry their ranges."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from app.exports.xlsform import LANGUAGES, UnknownLanguage, xlsform_bytes, xlsform_sheets
from cli.main import main
from instruments.catalogue import default_catalogue
from instruments.columns import columns

CATALOGUE = default_catalogue()
KEYS = sorted(CATALOGUE.instruments)


def fields(sheets) -> dict[str, dict[str, str]]:
    return {
        r["name"]: r
        for r in sheets["survey"]
        if r["type"] not in {"begin_group", "end_group", "note"}
    }


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("key", KEYS)
def test_pyxform_accepts_every_instrument_without_a_warning(key, lang, tmp_path):
    path = tmp_path / f"{key}.xlsx"
    path.write_bytes(xlsform_bytes(CATALOGUE, key, lang))
    warnings: list[str] = []
    result = convert(xlsform=str(path), warnings=warnings)
    assert warnings == []
    inst = CATALOGUE.get(key)
    assert f'id="{inst.key}"' in result.xform and f'version="{inst.version}"' in result.xform


@pytest.mark.parametrize("key", KEYS)
def test_every_import_column_is_a_field_of_the_form(key):
    sheets = xlsform_sheets(CATALOGUE, key)
    named = fields(sheets)
    assert set(named) == {c.id for c in columns(CATALOGUE, key)}
    assert sheets["settings"] == [
        {
            "form_title": CATALOGUE.get(key).title.en,
            "form_id": key,
            "version": CATALOGUE.get(key).version,
            "default_language": "English (en)",
        }
    ]
    for col in columns(CATALOGUE, key):
        row = named[col.id]
        if col.required and row["type"] != "calculate":
            assert row.get("required") == "yes", col.id
        if row["type"] == "integer":
            assert row["constraint"].startswith(". >= "), col.id
    listed = {r["list_name"] for r in sheets["choices"]}
    for row in named.values():
        if row["type"].startswith("select_one "):
            assert row["type"].split()[1] in listed


def test_the_staff_survey_asks_the_trust_block_one_group_per_sector():
    sheets = xlsform_sheets(CATALOGUE, "staff_survey")
    groups = [r["name"] for r in sheets["survey"] if r["type"] == "begin_group"]
    assert [g for g in groups if g.startswith("trust_")] == [
        f"trust_{code}" for code in CATALOGUE.sector_codes
    ]
    named = fields(sheets)
    assert named["trust_police_ability"]["type"] == "select_one agree5"
    assert "Police" in named["trust_police_ability"]["label"]
    assert named["respondent_id"] == {
        "type": "calculate",
        "name": "respondent_id",
        "label": "",
        "calculation": "once(uuid())",
    }
    agree = [r for r in sheets["choices"] if r["list_name"] == "agree5"]
    assert [(r["name"], r["label"]) for r in agree][-1] == ("5", "Strongly agree")
    sectors = [r["name"] for r in sheets["choices"] if r["list_name"] == "sectors"]
    assert sectors == CATALOGUE.sector_codes


def test_an_unknown_language_is_refused():
    with pytest.raises(UnknownLanguage, match="unknown language"):
        xlsform_bytes(CATALOGUE, "staff_survey", "fr")


def test_the_command_writes_the_form(tmp_path, monkeypatch):
    monkeypatch.delenv("READINESS_INSTRUMENTS_DIR", raising=False)
    out = tmp_path / "form.xlsx"
    result = CliRunner().invoke(
        main, ["instruments", "xlsform", "workshop", "--out", str(out), "--lang", "cy"]
    )
    assert result.exit_code == 0, result.output
    book = load_workbook(io.BytesIO(out.read_bytes()), read_only=True)
    assert book.sheetnames == ["survey", "choices", "settings"]
    head = next(book["survey"].iter_rows(values_only=True))
    assert "label::Cymraeg (cy)" in head
    bad = CliRunner().invoke(main, ["instruments", "xlsform", "nope", "--out", str(out)])
    assert bad.exit_code == 1 and "unknown instrument" in bad.output
