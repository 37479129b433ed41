"""Every instrument file loads, validates, documents itself and imports; a broken file is
reported with its file, item and field."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from helpers import count_rows, filled_rows, write_csv, write_xlsx
from openpyxl import load_workbook

from app.evidence import import_file
from app.exports.codebook import codebook_csv, codebook_markdown, write_template
from cli.main import main
from instruments.catalogue import DEFAULT_DIR, InstrumentError, instrument_files, load_catalogue
from instruments.codebook import CODEBOOK_FIELDS
from instruments.columns import columns
from survey.store.engine import open_store

INSTRUMENT_FILES = instrument_files(DEFAULT_DIR)


def _key(path: Path) -> str:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["key"]


def test_the_project_ships_a_survey_an_interview_and_a_workshop():
    kinds = {yaml.safe_load(p.read_text(encoding="utf-8"))["kind"] for p in INSTRUMENT_FILES}
    assert kinds == {"survey", "interview", "workshop"}


# --- the contract every instrument file meets ----------------------------------------------


@pytest.fixture(params=INSTRUMENT_FILES, ids=lambda p: p.name)
def instrument_file(request: pytest.FixtureRequest) -> Path:
    return request.param


@pytest.fixture
def instrument_key(instrument_file: Path) -> str:
    return _key(instrument_file)


def test_loads_and_validates(instrument_file, instrument_key):
    catalogue = load_catalogue(DEFAULT_DIR, extra=[instrument_file])
    inst = catalogue.get(instrument_key)
    assert catalogue.files[instrument_key] == instrument_file.name
    assert inst.key == instrument_key
    assert inst.version.count(".") >= 1
    cols = columns(catalogue, instrument_key)
    ids = [c.id for c in cols]
    assert len(ids) == len(set(ids)), "column ids must be unique"
    assert set(inst.id_columns) <= {c.id for c in cols if c.required}


def test_codebook_csv_lists_every_column_with_its_reverse_flag(catalogue, instrument_key):
    text = codebook_csv(catalogue, instrument_key)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CODEBOOK_FIELDS
    cols = columns(catalogue, instrument_key)
    assert [r["item_id"] for r in rows] == [c.id for c in cols]
    for row, col in zip(rows, cols, strict=True):
        assert row["reverse"] == ("yes" if col.reverse else "no"), col.id
        assert row["required"] == ("yes" if col.required else "no"), col.id
        assert row["response_options"].startswith(col.allowed)


def test_codebook_markdown_has_a_row_per_column(catalogue, instrument_key):
    text = codebook_markdown(catalogue, instrument_key)
    inst = catalogue.get(instrument_key)
    assert text.startswith(f"# {inst.title.en} (`{inst.key}` version {inst.version})")
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert table[0] == "| " + " | ".join(CODEBOOK_FIELDS) + " |"
    body = table[1:]
    cols = columns(catalogue, instrument_key)
    assert len(body) == len(cols)
    for line, col in zip(body, cols, strict=True):
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        assert cells[0] == col.id
        assert cells[CODEBOOK_FIELDS.index("reverse")] == ("yes" if col.reverse else "no")


def test_templates_have_exactly_the_columns(catalogue, instrument_key, tmp_path):
    ids = [c.id for c in columns(catalogue, instrument_key)]
    csv_path = write_template(catalogue, instrument_key, tmp_path / "t.csv")
    assert csv_path.read_text(encoding="utf-8").splitlines() == [",".join(ids)]
    xlsx_path = write_template(catalogue, instrument_key, tmp_path / "t.xlsx")
    book = load_workbook(xlsx_path)
    assert book.sheetnames == ["responses", "codebook"]
    assert [list(r) for r in book["responses"].iter_rows(values_only=True)] == [ids]
    guide = list(book["codebook"].iter_rows(values_only=True))
    assert guide[0] == CODEBOOK_FIELDS
    assert [r[0] for r in guide[1:]] == ids


def test_filled_csv_template_imports(catalogue, instrument_key, tmp_path):
    template = write_template(catalogue, instrument_key, tmp_path / "template.csv")
    header = next(csv.reader(io.StringIO(template.read_text(encoding="utf-8"))))
    header, rows = filled_rows(catalogue, instrument_key, 7, header)
    path = write_csv(tmp_path / "filled.csv", header, rows)
    engine = open_store(f"sqlite:///{tmp_path}/t.db")
    result = import_file(engine, path, instrument=instrument_key, area="E06000001", wave="2026-1")
    assert result.rows == 7
    assert count_rows(engine)["responses"] == 7
    engine.dispose()


def test_filled_xlsx_template_imports(catalogue, instrument_key, tmp_path):
    template = write_template(catalogue, instrument_key, tmp_path / "template.xlsx")
    book = load_workbook(template)
    header = [c.value for c in book["responses"][1]]
    header, rows = filled_rows(catalogue, instrument_key, 4, header)
    path = write_xlsx(tmp_path / "filled.xlsx", header, rows)
    engine = open_store(f"sqlite:///{tmp_path}/t.db")
    result = import_file(engine, path, instrument=instrument_key, area="E06000001", wave="2026-1")
    assert (result.rows, result.instrument_key) == (4, instrument_key)
    assert count_rows(engine)["responses"] == 4
    engine.dispose()


# --- broken instruments ----------------------------------------------------------------------


def _copy_instruments(tmp_path: Path) -> Path:
    folder = tmp_path / "instruments"
    shutil.copytree(DEFAULT_DIR, folder, ignore=shutil.ignore_patterns("*.md"))
    return folder


def _edit(folder: Path, name: str, change: Callable[[dict[str, Any]], None]) -> Path:
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _item(data: dict[str, Any], item_id: str, section: str = "items") -> dict[str, Any]:
    return next(i for i in data[section] if i["id"] == item_id)


def _duplicate_item(data):
    data["items"].append({**_item(data, "lead_1"), "text": "A second item with the same id."})


def _unknown_scale(data):
    _item(data, "lead_2")["scale"] = "leadrship"


def _scale_with_one_item(data):
    data["items"] = [i for i in data["items"] if i["id"] not in {"purp_2", "purp_3", "purp_4"}]


def _reverse_true_false(data):
    _item(data, "know_3")["reverse"] = True


def _misspelt_field(data):
    _item(data, "adv_2")["revers"] = True


def _no_lawful_position(data):
    del _item(data, "mh_crisis", "vignettes")["lawful_position"]


def _unknown_sector(data):
    _item(data, "mh_crisis", "vignettes")["sectors"] = ["police", "mental_helth"]


BROKEN = [
    # (file, change, item named, field named, words in the message)
    ("staff_survey.yaml", _duplicate_item, "item 'lead_1'", "id", "duplicate"),
    ("staff_survey.yaml", _unknown_scale, "item 'lead_2'", "scale", "leadrship"),
    ("staff_survey.yaml", _scale_with_one_item, "scale 'shared_purpose'", "items", "2 or more"),
    ("staff_survey.yaml", _reverse_true_false, "item 'know_3'", "reverse", "Likert"),
    ("staff_survey.yaml", _misspelt_field, "item 'adv_2'", "revers", "not permitted"),
    ("workshop.yaml", _no_lawful_position, "vignette 'mh_crisis'", "lawful_position", "needs"),
    ("workshop.yaml", _unknown_sector, "vignette 'mh_crisis'", "sectors", "mental_helth"),
]


@pytest.mark.parametrize(
    ("file", "change", "where", "field", "words"),
    BROKEN,
    ids=[b[1].__name__.strip("_") for b in BROKEN],
)
def test_broken_instrument_names_file_item_and_field(tmp_path, file, change, where, field, words):
    folder = _copy_instruments(tmp_path)
    _edit(folder, file, change)
    with pytest.raises(InstrumentError) as info:
        load_catalogue(folder)
    matching = [p for p in info.value.problems if p.file == file and p.where == where]
    assert matching, f"no problem about {where} in {file}: {info.value}"
    assert any(p.field == field and words in p.message for p in matching), str(info.value)
    message = str(info.value)
    assert file in message and where in message and f"field '{field}'" in message


def test_every_problem_is_reported_at_once(tmp_path):
    folder = _copy_instruments(tmp_path)
    _edit(folder, "staff_survey.yaml", lambda d: (_unknown_scale(d), _reverse_true_false(d)))
    _edit(folder, "workshop.yaml", _unknown_sector)
    with pytest.raises(InstrumentError) as info:
        load_catalogue(folder)
    found = {(p.file, p.where, p.field) for p in info.value.problems}
    assert {
        ("staff_survey.yaml", "item 'lead_2'", "scale"),
        ("staff_survey.yaml", "item 'know_3'", "reverse"),
        ("workshop.yaml", "vignette 'mh_crisis'", "sectors"),
    } <= found


def test_unmodified_copy_loads(tmp_path):
    cat = load_catalogue(_copy_instruments(tmp_path))
    assert set(cat.instruments) == {_key(p) for p in INSTRUMENT_FILES}


# --- the command line --------------------------------------------------------------------------


@pytest.fixture
def runner(monkeypatch) -> CliRunner:
    monkeypatch.delenv("READINESS_INSTRUMENTS_DIR", raising=False)
    return CliRunner()


def test_cli_validate_accepts_the_real_instruments(runner):
    result = runner.invoke(main, ["instruments", "validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: ")
    for path in INSTRUMENT_FILES:
        assert _key(path) in result.output


def test_cli_validate_rejects_a_broken_folder(runner, tmp_path):
    folder = _copy_instruments(tmp_path)
    _edit(folder, "staff_survey.yaml", _reverse_true_false)
    result = runner.invoke(main, ["instruments", "validate", str(folder)])
    assert result.exit_code == 1
    assert "staff_survey.yaml: item 'know_3', field 'reverse'" in result.output
    assert "Traceback" not in result.output


def test_cli_validate_one_file_of_the_folder(runner):
    result = runner.invoke(main, ["instruments", "validate", str(DEFAULT_DIR / "workshop.yaml")])
    assert result.exit_code == 0, result.output


def test_cli_validate_a_broken_draft_file(runner, tmp_path):
    draft = tmp_path / "workshop_draft.yaml"
    shutil.copy(DEFAULT_DIR / "workshop.yaml", draft)
    _edit(tmp_path, draft.name, _unknown_sector)
    result = runner.invoke(main, ["instruments", "validate", str(draft)])
    assert result.exit_code == 1
    assert "workshop_draft.yaml: vignette 'mh_crisis', field 'sectors'" in result.output
    assert "mental_helth" in result.output
    assert "used twice" not in result.output


def test_cli_codebook_csv(runner, catalogue):
    result = runner.invoke(main, ["instruments", "codebook", "staff_survey", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = {r["item_id"]: r for r in csv.DictReader(io.StringIO(result.output))}
    assert list(rows) == [c.id for c in columns(catalogue, "staff_survey")]
    assert rows["lead_3"]["reverse"] == "yes"
    assert rows["lead_1"]["reverse"] == "no"
    assert rows["know_1"]["response_options"] == "true/false (keyed answer: false)"
    assert rows["trust_police_ability"]["text"] == "Staff in Police are good at their jobs."
    assert rows["sector"]["required"] == "yes"


def test_cli_codebook_markdown(runner):
    result = runner.invoke(
        main, ["instruments", "codebook", "stakeholder_interview", "--format", "md"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# ")
    assert "| rate_leadership |" in result.output
    assert "| theme_1_pair |" in result.output


def test_cli_codebook_unknown_instrument(runner):
    result = runner.invoke(main, ["instruments", "codebook", "staff_survy"])
    assert result.exit_code == 1
    assert "unknown instrument 'staff_survy'" in result.output
    assert "staff_survey" in result.output
    assert "Traceback" not in result.output


# --- the sector list and the rules, by path ---------------------------------------------------


@pytest.mark.parametrize("name", ["readiness_rules.yaml", "sectors.yaml"])
def test_cli_validate_a_shipped_reference_file(runner, name):
    """Every shipped file validates by path, the rules and sector list included."""
    result = runner.invoke(main, ["instruments", "validate", str(DEFAULT_DIR / name)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"OK: {DEFAULT_DIR / name}")
    assert "discriminator" not in result.output


def _bad_gate(data):
    next(g for g in data["gates"] if g["id"] == "over_caution")["cap"] = "maybe_ready"


def _bad_sector(data):
    data["sectors"][0]["key"] = "perhaps"


@pytest.mark.parametrize(
    ("name", "change", "where", "field"),
    [
        ("readiness_rules.yaml", _bad_gate, "gate 'over_caution'", "cap"),
        ("sectors.yaml", _bad_sector, "sector 'acute_health'", "key"),
    ],
)
def test_cli_validate_a_broken_reference_file_names_file_entry_and_field(
    runner, tmp_path, name, change, where, field
):
    draft = tmp_path / name
    shutil.copy(DEFAULT_DIR / name, draft)
    _edit(tmp_path, name, change)
    result = runner.invoke(main, ["instruments", "validate", str(draft)])
    assert result.exit_code == 1
    assert f"{name}: {where}, field '{field}'" in result.output
    assert f"problem(s) in {draft}" in result.output
    assert "Traceback" not in result.output and "discriminator" not in result.output


def test_a_renamed_rules_draft_is_told_by_its_content(runner, tmp_path):
    draft = tmp_path / "rules_draft.yaml"
    shutil.copy(DEFAULT_DIR / "readiness_rules.yaml", draft)
    _edit(tmp_path, draft.name, _bad_gate)
    result = runner.invoke(main, ["instruments", "validate", str(draft)])
    assert result.exit_code == 1
    assert "rules_draft.yaml: gate 'over_caution', field 'cap'" in result.output
