"""Labelled microdata for R, SPSS and Stata: columns in instrument order, integers as
integers, missing as system missing, and every variable of the ``.sav`` and ``.dta`` read
back by pyreadstat with its variable label and value labels."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from app.access import AccessDenied, ScopedData
from app.evidence import load_sample_data
from app.exports.microdata import (
    OTHER_CODE,
    STATA_LABEL_CHARS,
    STATA_NAME_CHARS,
    labelled,
    microdata_bytes,
)
from cli.main import main
from instruments.columns import columns
from survey.store.accounts import Account, add_user
from survey.store.engine import open_store

KEY = "a-panel-key-of-32-characters-xyz"
PASSWORD = "correct horse battery"
PANEL = Account("prof", "panel")
MANAGER = Account("mgr", "manager")
PARTNER = Account("ash", "partnership", "ASH")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("microdata")
    url = f"sqlite:///{folder}/readiness.db"
    engine = open_store(url)
    load_sample_data(engine)
    add_user(engine, "prof", "panel", password=PASSWORD)
    add_user(engine, "boss", "manager", password=PASSWORD)
    yield engine, url
    engine.dispose()


@pytest.fixture(scope="module")
def panel(store, catalogue) -> ScopedData:
    return ScopedData(store[0], PANEL, catalogue)


@pytest.fixture(scope="module")
def pooled(panel):
    return panel.labelled_microdata(KEY)


def read_back(data: bytes, suffix: str, tmp_path) -> tuple[pd.DataFrame, object]:
    path = tmp_path / f"m{suffix}"
    path.write_bytes(data)
    reader = pyreadstat.read_sav if suffix == ".sav" else pyreadstat.read_dta
    return reader(str(path))


def test_columns_follow_the_instrument_and_integers_stay_integers(panel, catalogue):
    frame = pd.read_csv(io.BytesIO(panel.export_microdata(KEY, "csv")), dtype=str)
    order = [c.id for c in columns(catalogue, "staff_survey")]
    expected = ["area", "wave"] + [c for c in order if c in frame.columns]
    assert list(frame.columns) == expected
    assert frame.columns.get_loc("fear_1") < frame.columns.get_loc("trust_police_ability")
    assert "know_10" not in frame or frame.columns.get_loc("know_2") < frame.columns.get_loc(
        "know_10"
    )
    items = [c.id for c in columns(catalogue, "staff_survey") if c.group == "item"]
    cells = frame[[c for c in items if c in frame]].stack().dropna()
    assert len(cells) > 1000
    assert cells.str.fullmatch(r"\d+").all(), "every answer is a whole number, never 4.0"
    assert frame["sector"].dropna().isin([*catalogue.sector_codes, "other"]).all()


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_sav_and_dta_read_back_with_labels_and_values(pooled, catalogue, suffix, tmp_path):
    fmt = suffix[1:]
    df, meta = read_back(microdata_bytes(pooled, fmt), suffix, tmp_path)
    names = {v.name: (v.stata_name if fmt == "dta" else v.name) for v in pooled.variables}
    assert list(df.columns) == [names[v.name] for v in pooled.variables]
    labels = meta.column_names_to_labels
    for v in pooled.variables:
        label = labels[names[v.name]]
        assert label, f"{v.name} has no variable label"
        if fmt == "dta":
            assert len(label) <= STATA_LABEL_CHARS and len(names[v.name]) <= STATA_NAME_CHARS
        assert v.label.startswith(label.rstrip("…"))
    scale = catalogue.survey.response_scales["agree5"]
    agree = {float(k): text.en for k, text in scale.labels.items()}
    value_labels = meta.variable_value_labels
    assert value_labels[names["lead_1"]] == agree
    assert value_labels[names["trust_police_ability"]] == agree
    sectors = {s.code: s.name for s in catalogue.sectors.sectors}
    sector = next(v for v in pooled.variables if v.name == "sector")
    assert {value_labels["sector"][float(n)] for n in sector.codes.values()} <= {
        *sectors.values(),
        "Other (merged small groups)",
    }
    assert value_labels["role_level"][1.0] == "Frontline practitioner"
    assert {0.0: "No", 1.0: "Yes"}.items() <= value_labels["co_located"].items()
    expected = pooled.numbered().rename(columns=names)
    for column in expected.columns:
        if column == "area" or column == "wave":
            assert df[column].tolist() == expected[column].tolist()
        else:
            np.testing.assert_array_equal(df[column].to_numpy(float), expected[column].to_numpy())
    items = [names[v.name] for v in pooled.variables if v.type == "integer"]
    assert df[items].isna().to_numpy().any(), "unanswered items are system missing"


def test_a_tiny_file_round_trips_to_the_value(catalogue, tmp_path):
    micro = pd.DataFrame(
        {
            "area": ["A01", "A02", "A01"],
            "wave": ["2026-1"] * 3,
            "sector": ["police", "other", "acute_health"],
            "role_level": ["frontline", "manager", None],
            "co_located": ["yes", "no", "yes"],
            "multi_agency_team": [True, False, None],
            "lead_1": [1.0, 5.0, np.nan],
            "lead_3": [4.0, np.nan, 2.0],
            "know_1": [1.0, 0.0, 1.0],
        }
    )
    m = labelled(micro, catalogue, "staff_survey", area_label="Area code")
    df, meta = read_back(microdata_bytes(m, "sav"), ".sav", tmp_path)
    police = 1 + catalogue.sector_codes.index("police")
    acute = 1 + catalogue.sector_codes.index("acute_health")
    assert df["sector"].tolist() == [police, OTHER_CODE, acute]
    assert meta.variable_value_labels["sector"][OTHER_CODE] == "Other (merged small groups)"
    assert df["role_level"].tolist()[:2] == [1, 2] and np.isnan(df["role_level"][2])
    assert df["co_located"].tolist() == [1, 0, 1]
    assert df["multi_agency_team"].tolist()[:2] == [1, 0]
    assert df["lead_1"].tolist()[:2] == [1, 5] and np.isnan(df["lead_1"][2])
    assert df["know_1"].tolist() == [1, 0, 1]
    assert meta.variable_value_labels["know_1"] == {0: "False", 1: "True"}
    assert meta.original_variable_types["lead_1"] == "F2.0"
    assert meta.column_names_to_labels["lead_3"].startswith("Sharing information with partners")
    stata, smeta = read_back(microdata_bytes(m, "dta"), ".dta", tmp_path)
    assert stata["sector"].tolist() == [police, OTHER_CODE, acute]
    assert smeta.variable_value_labels["lead_1"][5] == "Strongly agree"
    text = microdata_bytes(m, "csv").decode("utf-8-sig").splitlines()
    assert (
        text[0] == "area,wave,sector,role_level,co_located,multi_agency_team,lead_1,lead_3,know_1"
    )
    assert text[1] == "A01,2026-1,police,frontline,yes,yes,1,4,1"
    assert text[3] == "A01,2026-1,acute_health,,yes,,,2,1"


def test_xlsx_has_a_data_sheet_and_a_codebook_sheet(pooled):
    book = load_workbook(io.BytesIO(microdata_bytes(pooled, "xlsx")), read_only=True)
    assert book.sheetnames == ["data", "codebook"]
    data = list(book["data"].iter_rows(values_only=True))
    assert list(data[0]) == [v.name for v in pooled.variables]
    assert all(isinstance(x, int) for x in data[1][6:] if x is not None)
    codebook = list(book["codebook"].iter_rows(values_only=True))
    assert codebook[0][:3] == ("variable", "stata_name", "label")
    lead = next(r for r in codebook if r[0] == "lead_1")
    assert "5 = Strongly agree" in lead[4] and lead[6] == "leadership"


def test_codebook_names_every_variable(pooled):
    book = pd.read_csv(io.BytesIO(microdata_bytes(pooled, "codebook")), encoding="utf-8-sig")
    assert book["variable"].tolist() == [v.name for v in pooled.variables]
    assert book["label"].notna().all()
    long = book[book["variable"].str.len() > STATA_NAME_CHARS]
    assert (long["stata_name"].str.len() <= STATA_NAME_CHARS).all()
    assert book["stata_name"].is_unique


def test_who_gets_which_microdata(store, catalogue):
    engine = store[0]
    with pytest.raises(AccessDenied):
        ScopedData(engine, PARTNER, catalogue).export_microdata(KEY, "sav")
    with pytest.raises(AccessDenied):
        ScopedData(engine, PARTNER, catalogue).export_area_microdata("ASH", None, "sav")
    with pytest.raises(AccessDenied):
        ScopedData(engine, PANEL, catalogue).export_area_microdata("ASH", None, "csv")
    area = ScopedData(engine, MANAGER, catalogue).area_microdata("ASH")
    assert set(area.data["area"]) == {"ASH"} and area.data["wave"].nunique() == 1
    assert not {"respondent_id", "organisation"} & set(area.data.columns)
    assert not [c for c in area.data.columns if c.startswith("open_")]


@pytest.fixture
def cli(store, monkeypatch):
    monkeypatch.setenv("READINESS_DATABASE_URL", store[1])
    monkeypatch.setenv("READINESS_PASSWORD", PASSWORD)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args))


@pytest.mark.parametrize("fmt", ["sav", "dta", "xlsx"])
def test_cli_writes_each_format(cli, tmp_path, fmt):
    out = tmp_path / f"panel.{fmt}"
    result = cli("export", "microdata", "--user", "prof", "--key", KEY, "--out", str(out))
    assert result.exit_code == 0, result.output
    if fmt in {"sav", "dta"}:
        df, meta = read_back(out.read_bytes(), f".{fmt}", tmp_path)
        assert len(df) > 100 and meta.variable_value_labels
    area = tmp_path / f"ash.{fmt}"
    result = cli("export", "area-microdata", "ASH", "--user", "boss", "--out", str(area))
    assert result.exit_code == 0, result.output
    profile = tmp_path / f"profile.{fmt}"
    args = ("export", "profile", "ASH", "--user", "boss", "--format", fmt, "--out", str(profile))
    result = cli(*args)
    assert result.exit_code == 0, result.output
    refused = cli("export", "area-microdata", "ASH", "--user", "prof", "--out", str(area) + "x")
    assert refused.exit_code == 1 and "Traceback" not in refused.output


SECTORS = ["police", "acute_health", "other"]
answers = st.one_of(st.none(), st.integers(1, 5))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(SECTORS), st.booleans(), answers, answers, answers),
        min_size=1,
        max_size=30,
    )
)
def test_whatever_is_written_reads_back_unchanged(catalogue, tmp_path, rows):
    micro = pd.DataFrame(
        [
            {
                "area": "A01",
                "wave": "2026-1",
                "sector": s,
                "co_located": "yes" if together else "no",
                "lead_1": np.nan if a is None else float(a),
                "trust_childrens_social_care_benevolence": np.nan if b is None else float(b),
                "know_1": np.nan if c is None else float(c % 2),
            }
            for s, together, a, b, c in rows
        ]
    )
    m = labelled(micro, catalogue, "staff_survey", area_label="Area")
    want = m.numbered()
    for fmt in ("sav", "dta"):
        df, _ = read_back(microdata_bytes(m, fmt), f".{fmt}", tmp_path)
        names = {v.name: (v.stata_name if fmt == "dta" else v.name) for v in m.variables}
        for v in m.variables:
            got = df[names[v.name]]
            if v.type == "string":
                assert got.tolist() == want[v.name].tolist()
            else:
                np.testing.assert_array_equal(got.to_numpy(float), want[v.name].to_numpy(float))


def test_downloadable_microdata_are_k_anonymous(panel, store, catalogue):
    from analysis.kanonymity import QUASI_IDENTIFIERS, class_sizes

    for m in (
        panel.labelled_microdata(KEY),
        ScopedData(store[0], MANAGER, catalogue).area_microdata("BRK"),
    ):
        frame = m.data
        sizes = class_sizes(frame, ["area", "wave", *QUASI_IDENTIFIERS])
        fully = frame[list(QUASI_IDENTIFIERS)].isna().all(axis=1).to_numpy()
        assert ((sizes >= 5) | fully).all()
        assert frame["sector"].notna().mean() > 0.5, "sector, suppressed last, mostly kept"
