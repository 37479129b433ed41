"""The one door to the evidence, :class:`app.access.ScopedData`, on the sample data: a
partnership member sees their own area and nothing of any other, the panel sees pooled,
pseudonymised data only, managers see every area; small groups are hidden (with a
complementary group so they cannot be worked out by subtraction) and free text comes only
from large enough groups, with personal details taken out."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest
from click.testing import CliRunner
from helpers import filled_rows, write_csv

from app.access import AccessDenied, ScopedData
from app.evidence import import_file, load_sample_data
from cli.main import main
from survey.ingest.sample import SAMPLE_DIR
from survey.store.accounts import Account, AccountError, add_user
from survey.store.engine import open_store

MANIFEST = pd.read_csv(SAMPLE_DIR / "manifest.csv")
AREA_NAMES: dict[str, str] = dict(zip(MANIFEST["area"], MANIFEST["area_name"], strict=False))
AREAS = sorted(AREA_NAMES)
OTHERS = [a for a in AREAS if a != "ASH"]
WAVES = sorted(set(MANIFEST["wave"]))
PASSWORD = "correct horse battery"
KEY = "a-panel-key-of-32-characters-xyz"

PARTNER = Account("ash", "partnership", "ASH")
PANEL = Account("prof", "panel")
MANAGER = Account("mgr", "manager")


def sample_column(column: str) -> set[str]:
    """Every non-empty value of a column over the sample's staff-survey files."""
    values: set[str] = set()
    for path in SAMPLE_DIR.glob("*_staff_survey.csv"):
        with path.open(encoding="utf-8", newline="") as fh:
            values |= {r[column] for r in csv.DictReader(fh) if r[column].strip()}
    return values


def sample_cell(file: str, respondent: str, column: str) -> str:
    with (SAMPLE_DIR / file).open(encoding="utf-8", newline="") as fh:
        return next(r[column] for r in csv.DictReader(fh) if r["respondent_id"] == respondent)


def mentions_other_area(text: str, mine: str = "ASH") -> list[str]:
    """Codes (as whole words) and names of areas other than ``mine`` found in ``text``."""
    found = [a for a in AREAS if a != mine and re.search(rf"\b{a}\b", text)]
    return found + [AREA_NAMES[a] for a in AREAS if a != mine and AREA_NAMES[a] in text]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The sample data in a SQLite file, with one account per role."""
    folder = tmp_path_factory.mktemp("access")
    url = f"sqlite:///{folder}/readiness.db"
    engine = open_store(url)
    load_sample_data(engine)
    for name, role, area in [("ash", "partnership", "ASH"), ("prof", "panel", None)]:
        add_user(engine, name, role, password=PASSWORD, area=area)
    yield engine, url
    engine.dispose()


@pytest.fixture(scope="module")
def partner(store, catalogue) -> ScopedData:
    return ScopedData(store[0], PARTNER, catalogue)


@pytest.fixture(scope="module")
def panel(store, catalogue) -> ScopedData:
    return ScopedData(store[0], PANEL, catalogue)


@pytest.fixture(scope="module")
def manager(store, catalogue) -> ScopedData:
    return ScopedData(store[0], MANAGER, catalogue)


# --- a partnership member -----------------------------------------------------------------


def test_partnership_member_sees_only_their_area(partner):
    assert partner.areas == ["ASH"]
    assert set(partner.waves()["area"]) == {"ASH"}
    assert [(p.area, p.wave) for p in partner.profiles()] == [("ASH", "2025-1")]
    own = partner.profile("ASH")
    assert own.profile.area == "ASH" and own.profile.respondents == 180


@pytest.mark.parametrize("area", OTHERS)
def test_partnership_member_gets_nothing_of_another_area(partner, area):
    with pytest.raises(AccessDenied) as info:
        partner.profile(area)
    assert area not in str(info.value) and AREA_NAMES[area] not in str(info.value)
    for wave in WAVES:
        with pytest.raises(AccessDenied):
            partner.profile(area, wave)
        with pytest.raises(AccessDenied):
            partner.texts(area, wave)
        with pytest.raises(AccessDenied):
            partner.quotes(area, wave)
        with pytest.raises(AccessDenied):
            partner.export_profile_csv(area, wave)
    with pytest.raises(AccessDenied):
        partner.export_profile_csv(area)


@pytest.mark.parametrize("area", ["ash", "ASH ", "", "%", "*", "ASH' OR '1'='1"])
def test_partnership_member_cannot_widen_the_area_by_spelling(partner, area):
    with pytest.raises(AccessDenied):
        partner.profile(area)
    with pytest.raises(AccessDenied):
        partner.texts(area, "2025-1")


def test_partnership_export_names_no_other_area(partner):
    data = partner.export_profile_csv("ASH").decode("utf-8-sig")
    table = pd.read_csv(io.StringIO(data))
    assert set(table["area"]) == {"ASH"} and set(table["wave"]) == {"2025-1"}
    assert mentions_other_area(data) == []


def test_partnership_member_reads_own_free_text_but_no_quotes(partner):
    texts = partner.texts("ASH", "2025-1")
    assert len(texts) > 0
    assert mentions_other_area(texts.to_csv()) == []
    with pytest.raises(AccessDenied, match="engagement managers"):
        partner.quotes("ASH", "2025-1")


def test_partnership_member_gets_no_microdata(partner):
    with pytest.raises(AccessDenied):
        partner.export_microdata_csv(KEY)


def test_unknown_role_or_unbound_partnership_gets_no_scope():
    with pytest.raises(AccountError, match="bound to an area"):
        _ = Account("x", "partnership").scope
    with pytest.raises(AccountError, match="unknown role"):
        _ = Account("x", "root").scope


# --- the academic panel -------------------------------------------------------------------


@pytest.mark.parametrize("area", AREAS)
def test_panel_gets_no_single_area(panel, area):
    with pytest.raises(AccessDenied):
        panel.profile(area)
    with pytest.raises(AccessDenied):
        panel.export_profile_csv(area)
    for wave in WAVES:
        with pytest.raises(AccessDenied):
            panel.texts(area, wave)
        with pytest.raises(AccessDenied):
            panel.quotes(area, wave)


def test_panel_sees_no_area_list(panel):
    assert panel.areas == []
    assert panel.profiles() == []
    with pytest.raises(AccessDenied):
        panel.waves()


def test_panel_microdata_are_pooled_and_pseudonymised(panel):
    data = panel.export_microdata_csv(KEY).decode("utf-8-sig")
    micro = pd.read_csv(io.StringIO(data), dtype=str, keep_default_na=False)
    assert len(micro) == 1870
    assert micro["area"].str.fullmatch(r"A\d\d").all()
    assert micro["area"].nunique() == len(AREAS)
    forbidden = {"respondent_id", "response_id", "organisation", "open_barrier", "open_success"}
    assert forbidden.isdisjoint(micro.columns)
    assert not any(c.endswith("_id") for c in micro.columns)
    cells = set(micro.to_numpy().ravel())
    assert cells.isdisjoint(AREAS)
    assert not re.search(r"\bR\d{5}\b", data)  # respondent ids
    for name in AREA_NAMES.values():
        assert name not in data
    for org in sample_column("organisation"):
        assert org not in data
    for answer in sample_column("open_barrier") | sample_column("open_success"):
        assert answer not in data


# --- an engagement manager ----------------------------------------------------------------


def test_manager_sees_every_area_and_quotes(manager):
    assert manager.areas == AREAS
    assert set(manager.waves()["area"]) == set(AREAS)
    assert len(manager.profiles()) == len(MANIFEST) // 3
    quotes = manager.quotes("BRK", "2025-1")
    assert len(quotes) > 0 and quotes["quote"].str.len().gt(0).all()
    assert manager.profile("FEN").profile.wave == "2026-1"  # the latest wave by default
    assert manager.profile("FEN", "2025-1").profile.wave == "2025-1"


def test_manager_microdata_are_pseudonymised_too(manager):
    micro = pd.read_csv(io.BytesIO(manager.export_microdata_csv(KEY)))
    assert set(micro["area"]).isdisjoint(AREAS)


# --- free text: large groups only, personal details removed -------------------------------

PERSONAL = [
    ("BRK", "BRK_2025-1_staff_survey.csv", "R00014", "open_barrier", "Jane Smith", "[name]"),
    (
        "CLD",
        "CLD_2025-1_staff_survey.csv",
        "R00023",
        "open_barrier",
        "someone@example.org",
        "[email]",
    ),
    ("ELM", "ELM_2025-1_staff_survey.csv", "R00031", "open_success", "01632 960 123", "[phone]"),
    (
        "GRY",
        "GRY_2025-1_staff_survey.csv",
        "R00044",
        "open_success",
        "943 476 5919",
        "[NHS number]",
    ),
]


@pytest.mark.parametrize(("area", "file", "respondent", "column", "detail", "mark"), PERSONAL)
def test_free_text_is_redacted(manager, area, file, respondent, column, detail, mark):
    original = sample_cell(file, respondent, column)
    assert detail in original  # the planted row is there to be found
    texts = manager.texts(area, "2025-1")
    assert not texts["text"].str.contains(detail, regex=False).any()
    rest = original.replace(detail, "\0").split("\0")[-1].strip()
    shown = texts[texts["text"].str.contains(rest, regex=False)]
    assert len(shown) == 1 and mark in shown["text"].iloc[0]


def test_partnership_member_reads_redacted_text_too(store, catalogue):
    cld = ScopedData(store[0], Account("cld", "partnership", "CLD"), catalogue)
    texts = cld.texts("CLD", "2025-1")
    assert texts["text"].str.contains("[email]", regex=False).any()
    assert not texts["text"].str.contains("someone@example.org", regex=False).any()


# --- disclosure control on a small sector -------------------------------------------------

SIZES = {
    "police": 20,
    "local_authority": 15,
    "mental_health": 11,
    "adult_social_care": 7,
    "voluntary": 3,
}


@pytest.fixture
def small_sector(sqlite_engine, catalogue, tmp_path):
    """An area whose voluntary sector has 3 respondents, next to larger sectors."""
    header, rows = filled_rows(catalogue, "staff_survey", sum(SIZES.values()))
    sectors = [s for s, n in SIZES.items() for _ in range(n)]
    at = header.index("sector")
    for row, sector in zip(rows, sectors, strict=True):
        row[at] = sector
    path = write_csv(tmp_path / "small.csv", header, rows)
    import_file(
        sqlite_engine,
        path,
        instrument="staff_survey",
        area="SML",
        wave="2026-1",
        catalogue=catalogue,
    )
    return sqlite_engine


@pytest.mark.parametrize("who", [MANAGER, Account("sml", "partnership", "SML")])
def test_small_sector_is_hidden_with_a_complementary_one(small_sector, catalogue, who):
    d = ScopedData(small_sector, who, catalogue).profile("SML")
    cov = d.coverage
    assert cov["suppressed"].sum() == 2
    assert pd.isna(cov.loc["voluntary", "n"])
    assert "fewer than 5" in cov.loc["voluntary", "reason"]
    # The next-smallest sector is hidden too: total minus the shown sectors is no longer 3.
    assert pd.isna(cov.loc["adult_social_care", "n"])
    assert cov.loc["adult_social_care", "reason"] != ""
    shown = cov[~cov["suppressed"]]
    assert shown.loc[["police", "local_authority", "mental_health"], "n"].tolist() == [20, 15, 11]
    hidden = d.profile.respondents - shown["n"].sum()
    assert hidden >= 5  # what subtraction gives back is a group of at least five
    assert 3 not in set(cov["n"].dropna())


def test_trust_cells_rated_by_fewer_than_five_are_not_shown(small_sector, catalogue):
    d = ScopedData(small_sector, MANAGER, catalogue).profile("SML")
    raters = d.profile.trust.n
    status = d.trust_status
    assert (status == "shown").to_numpy().sum() > 0  # the rule leaves something to see
    small = (raters > 0) & (raters < 5)
    assert small.to_numpy().any()
    assert not (status[small] == "shown").to_numpy().any()
    assert d.trust_mean[small].isna().all().all()
    assert not (status.loc["voluntary"] == "shown").any()  # three raters
    assert not (status["voluntary"] == "shown").any()  # a target sector of three people
    # A sector hidden in the coverage table is not given away by its trust cells' counts.
    for sector in d.coverage.index[d.coverage["suppressed"]]:
        assert d.trust_n.loc[sector].fillna(0).eq(0).all()
    # Summaries come from shown cells only.
    assert d.mutual[~((status == "shown") & (status.T == "shown"))].isna().all().all()


def test_scores_of_an_area_wave_with_fewer_than_five_respondents_are_hidden(
    sqlite_engine, catalogue, tmp_path
):
    """Three respondents in a whole area-wave are a group of three: their scores are
    shown nowhere, in the profile or its export (and the sample's areas keep theirs)."""
    header, rows = filled_rows(catalogue, "staff_survey", 3)
    import_file(
        sqlite_engine,
        write_csv(tmp_path / "tiny.csv", header, rows),
        instrument="staff_survey",
        area="TNY",
        wave="2026-1",
        catalogue=catalogue,
    )
    data = ScopedData(sqlite_engine, Account("tny", "partnership", "TNY"), catalogue)
    profile = data.profile("TNY").profile
    for table in (profile.pillars, profile.scales):
        assert (table["n"] == 3).all()
        assert table[["estimate", "low", "high"]].isna().all().all()
        assert table["band"].isna().all()
    export = pd.read_csv(io.BytesIO(data.export_profile_csv("TNY")), encoding="utf-8-sig")
    assert export[["estimate", "low", "high", "band"]].isna().all().all()


def test_scores_of_large_enough_groups_are_shown(partner):
    export = pd.read_csv(io.BytesIO(partner.export_profile_csv("ASH")), encoding="utf-8-sig")
    pillars = export[export["level"] == "pillar"]
    assert pillars["estimate"].notna().all() and pillars["band"].notna().all()


def test_free_text_only_from_sectors_of_ten_or_more(small_sector, catalogue):
    texts = ScopedData(small_sector, MANAGER, catalogue).texts("SML", "2026-1")
    assert set(texts["sector"]) == {"police", "local_authority", "mental_health"}
    assert texts["sector"].value_counts()["mental_health"] == 2 * 11  # both open questions


def test_disclosure_threshold_comes_from_the_environment(small_sector, catalogue, monkeypatch):
    monkeypatch.setenv("READINESS_MIN_TEXT_GROUP", "12")
    texts = ScopedData(small_sector, MANAGER, catalogue).texts("SML", "2026-1")
    assert set(texts["sector"]) == {"police", "local_authority"}


# --- the export commands ------------------------------------------------------------------


@pytest.fixture
def cli(store, monkeypatch):
    monkeypatch.setenv("READINESS_DATABASE_URL", store[1])
    monkeypatch.setenv("READINESS_PASSWORD", PASSWORD)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args))


def test_cli_partnership_exports_own_area_only(cli, tmp_path):
    own = tmp_path / "ash.csv"
    result = cli("export", "profile", "ASH", "--user", "ash", "--out", str(own))
    assert result.exit_code == 0, result.output
    assert mentions_other_area(own.read_text(encoding="utf-8-sig")) == []
    for area in ("BRK", "WRN"):
        out = tmp_path / f"{area}.csv"
        result = cli("export", "profile", area, "--user", "ash", "--out", str(out))
        assert result.exit_code == 1
        assert "do not have access" in result.output and "Traceback" not in result.output
        assert not out.exists()
    out = tmp_path / "micro.csv"
    result = cli("export", "microdata", "--user", "ash", "--key", KEY, "--out", str(out))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert not out.exists()


def test_cli_panel_exports_microdata_not_profiles(cli, tmp_path):
    out = tmp_path / "micro.csv"
    result = cli("export", "microdata", "--user", "prof", "--key", KEY, "--out", str(out))
    assert result.exit_code == 0, result.output
    micro = pd.read_csv(out, encoding="utf-8-sig")
    assert micro["area"].str.fullmatch(r"A\d\d").all()
    result = cli("export", "profile", "ASH", "--user", "prof", "--out", str(tmp_path / "p.csv"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    short = cli("export", "microdata", "--user", "prof", "--key", "short", "--out", str(out))
    assert short.exit_code == 1 and "16" in short.output and "Traceback" not in short.output


def test_cli_export_with_a_wrong_password_writes_nothing(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("READINESS_PASSWORD", "not the password")
    out = tmp_path / "ash.csv"
    result = cli("export", "profile", "ASH", "--user", "ash", "--out", str(out))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert not out.exists()
