"""Each dashboard page as its reader meets it (Streamlit's AppTest on the sample data): what
the area profile says about the planted areas and why, how its widgets and the address
change what is shown, the portfolio's verdicts and filters, the panel's patterns, and what
each role may read of free text and quotes.

Who may open which page, and what a role must never see of another area, is
``test_dashboard_access.py``; uploads, forms and the survey are ``test_evidence_pages.py``.

The pages only read, so every test of this module runs on one copy of the sample store,
with Streamlit's caches kept between tests as a running dashboard keeps them between
sessions; an autouse check fails any test that writes to it."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from app.access import ScopedData
from app.evidence import load_sample_data
from survey.ingest.sample import SAMPLE_DIR
from survey.store import readers as evidence
from survey.store.accounts import Account
from survey.store.engine import open_store
from survey.store.models import AuditEntry, ImportBatch
from views.figures import HIDDEN, esc

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = str(ROOT / "dashboard.py")
PROFILE = "views/pages/area_profile.py"
PATTERNS, OVERVIEW = "views/pages/patterns.py", "views/pages/overview.py"
MANAGER = Account("m", "manager")
PANEL = Account("p", "panel")
ADMIN = Account("a", "admin")
VERDICTS = ("Ready with conditions", "Ready", "Not yet ready", "Insufficient evidence")


def planted_verdicts() -> dict[tuple[str, str], str]:
    """(area, wave) → the verdict the table of planted patterns in the sample data's README
    promises (the first bold words of its last column)."""
    found = {}
    readme = (SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not re.fullmatch(r"`[A-Z]{3}`", cells[0]):
            continue
        verdict = re.match(r"\*\*(.+?)\*\*", cells[-1])
        assert verdict and verdict.group(1) in VERDICTS, line
        for wave in re.findall(r"\d{4}-\d", cells[2]):
            found[(cells[0].strip("`"), wave)] = verdict.group(1)
    return found


PLANTED = planted_verdicts()
LATEST = {area: verdict for (area, _), verdict in sorted(PLANTED.items())}  # last wave wins


# --- one store for the module -------------------------------------------------------------


def _fresh_caches() -> None:
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Iterator[Path]:
    """The sample store, loaded once; the app runs from this folder on this file."""
    folder = tmp_path_factory.mktemp("pages")
    path = folder / "readiness.db"
    engine = open_store(f"sqlite:///{path}")
    load_sample_data(engine)
    engine.dispose()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        mp.setenv("READINESS_DATABASE_URL", f"sqlite:///{path}")
        for name in ("READINESS_MIN_GROUP", "READINESS_MIN_TEXT_GROUP"):
            mp.delenv(name, raising=False)
        _fresh_caches()  # the engine is cached per process: this module opens its own
        yield path
        _fresh_caches()


@pytest.fixture(scope="module")
def engine(store_path) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{store_path}")
    yield engine
    engine.dispose()


def _writes(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return tuple(
            int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (ImportBatch, AuditEntry)
        )


@pytest.fixture(autouse=True)
def reads_only(engine) -> Iterator[None]:
    """The tests share one store, so none may change it (an import or an audit entry)."""
    before = _writes(engine)
    yield
    assert _writes(engine) == before, "a page test wrote to the shared store"


# --- reading a page -----------------------------------------------------------------------


def open_page(page: str | None, account: Account, **params: str) -> AppTest:
    """``account`` signed in, the address carrying ``params``; the landing page first (as
    after signing in), then ``page``."""
    # 180 s: the Patterns page's first run fits the measurement model (a CFA and each
    # scale's invariance across sectors and waves) and a mixed model per scale.
    at = AppTest.from_file(DASHBOARD, default_timeout=180)
    at.session_state["account"] = account
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception
    if page is not None:
        at.switch_page(page).run()
        assert not at.exception
    return at


def charts(at: AppTest) -> dict[str, dict]:
    """Every plotly figure on the page as its JSON, by the chart's widget key."""
    out = {}
    for chart in at.get("plotly_chart"):
        key = chart.proto.id.rsplit("-", 1)[-1]
        out[key] = json.loads(chart.proto.spec)
    return out


def array(value) -> np.ndarray:
    """A plotly JSON array: a plain list, or typed and base64-packed ("bdata")."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = [int(s) for s in str(value.get("shape", len(flat))).split(",")]
        return flat.reshape(shape)
    return np.asarray(value, dtype=object)


def trace(fig: dict, name: str) -> dict:
    (found,) = [t for t in fig["data"] if t.get("name") == name]
    return found


def annotations(fig: dict) -> list[str]:
    return [a.get("text", "") for a in fig["layout"].get("annotations", [])]


def table(at, label: str | None = None):
    """The frame of the page's one table, or of the one table in the expander ``label``."""
    if label is not None:
        (at,) = [e for e in at.expander if e.label == label]
    (found,) = at.dataframe
    return found.value


def verdict(at: AppTest) -> str:
    """The verdict box's words (it is a success, info, error or warning box)."""
    boxes = [
        e.value
        for kind in ("success", "info", "error", "warning")
        for e in getattr(at, kind)
        if e.value.startswith("**Verdict: ")
    ]
    assert len(boxes) == 1, boxes
    return boxes[0].removeprefix("**Verdict: ").removesuffix("**")


def reasons(at: AppTest) -> list[str]:
    return [m.value[2:] for m in at.markdown if m.value.startswith("- ")]


def headers(at: AppTest) -> list[str]:
    return [h.value for h in at.header]


def rendered(at: AppTest) -> str:
    """Every element's text (and every table's cells) on the page."""
    parts = []
    stack = [at._tree]
    while stack:
        node = stack.pop()
        if getattr(node, "proto", None) is not None:
            parts.append(str(node.proto))
        if node.__class__.__name__ == "Dataframe":
            parts.append(node.value.to_csv())
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            stack.extend(children.values())
    return "\n".join(parts)


def sector_labels(catalogue) -> list[str]:
    return [esc(s.short) for s in catalogue.sectors.sectors]


# --- the area profile -----------------------------------------------------------------------


def test_brookfield_is_not_yet_ready_because_acute_health_and_adult_social_care_distrust():
    at = open_page(PROFILE, MANAGER, area="BRK")
    assert at.title[0].value == "Brookfield (BRK), wave 2025-1"
    assert verdict(at) == PLANTED[("BRK", "2025-1")] == "Not yet ready"
    first = reasons(at)[0]  # a critical concern leads the reasons
    assert "Acute health" in first and "Adult social care" in first and "2.24" in first
    assert {"Pillars", "Trust between sectors", "Who gave evidence"} <= set(headers(at))
    assert {"pillar_chart", "trust_heatmap", "weakest_links"} <= set(charts(at))
    assert [s.value for s in at.subheader] == ["Weakest links", "What staff wrote: themes"]


def test_the_pillar_chart_and_weakest_links_show_brookfields_numbers():
    figs = charts(open_page(PROFILE, MANAGER, area="BRK"))
    pillars = figs["pillar_chart"]
    assert pillars["layout"]["title"]["text"] == "Pillar scores"
    assert "Inter-agency trust" in json.dumps(pillars)
    links = figs["weakest_links"]
    assert links["layout"]["title"]["text"].startswith("Weakest links")
    weakest = array(links["data"][0]["hovertext"])[0]  # the lowest pair comes first
    assert "Acute health staff trust Adult social care: 2.2" in weakest
    assert "Adult social care staff trust Acute health: 2.2" in weakest


@pytest.mark.parametrize("min_group", [None, "1", "8"])
def test_the_trust_heatmap_greys_exactly_the_suppressed_cells(
    min_group, monkeypatch, engine, catalogue
):
    """A cell says "suppressed" exactly where disclosure control hid it, and no cell does
    when every group is big enough (a minimum of 1); the caption names the rule in force."""
    if min_group is not None:
        monkeypatch.setenv("READINESS_MIN_GROUP", min_group)
    account = Account(f"m{min_group}", "manager")  # its own cache entries for these rules
    at = open_page(PROFILE, account, area="BRK")
    expected = ScopedData(engine, account, catalogue).profile("BRK").trust_status
    hidden = int(np.isin(expected.to_numpy(), HIDDEN).sum())
    heat = charts(at)["trust_heatmap"]
    assert annotations(heat).count("suppressed") == hidden
    grey = array(trace(heat, "suppressed")["z"]).astype(float)
    assert int(np.isfinite(grey).sum()) == hidden
    assert (hidden == 0) == (min_group == "1")
    if hidden == 0:
        assert "suppressed" not in annotations(heat)
        assert "suppressed" not in json.dumps(trace(heat, "trust"))
    rule = min_group or "5"
    assert any(f"fewer than {rule} people" in c.value for c in at.caption)


def test_the_trust_heatmap_names_every_sector_on_both_axes(catalogue):
    heat = charts(open_page(PROFILE, MANAGER, area="BRK"))["trust_heatmap"]
    assert heat["layout"]["title"]["text"].startswith("How much staff of each sector trust")
    labels = sector_labels(catalogue)
    assert heat["layout"]["xaxis"]["ticktext"] == labels
    assert heat["layout"]["yaxis"]["ticktext"] == labels


def test_the_trust_mode_changes_the_heatmap():
    at = open_page(PROFILE, MANAGER, area="ELM")
    before = trace(charts(at)["trust_heatmap"], "trust")
    assert (before["zmin"], before["zmax"]) == (1, 5) and "zmid" not in before

    at.radio(key="trust_mode").set_value("mutual").run()
    mutual = charts(at)["trust_heatmap"]
    assert mutual["layout"]["title"]["text"].startswith("Mutual trust")
    hover = array(trace(mutual, "mutual")["text"]).ravel().tolist()
    assert "Mental health and Police trust each other: 3.69" in " ".join(hover)

    at.radio(key="trust_mode").set_value("asymmetry").run()
    assert not at.exception
    heat = charts(at)["trust_heatmap"]
    after = trace(heat, "asymmetry")
    assert (after["zmin"], after["zmid"], after["zmax"]) == (-2, 0, 2)
    assert after["colorscale"] != before["colorscale"]  # diverging, not light-to-dark
    assert after["colorscale"][len(after["colorscale"]) // 2][0] == 0.5
    assert heat["layout"]["title"]["text"].startswith("One-sided trust")
    hover = " ".join(array(after["text"]).ravel().tolist())
    assert "Police staff trust Mental health more than Mental health staff trust Police: +0.85" in (
        hover
    )
    assert "Mental health staff trust Police less than Police staff trust Mental health: -0.85" in (
        hover
    )


def test_fenwick_vale_improves_and_only_the_later_wave_shows_the_change():
    at = open_page(PROFILE, MANAGER)
    assert dict(at.query_params) == {"area": "ASH", "wave": "2025-1"}
    at.selectbox(key="profile_area").set_value("FEN").run()
    assert not at.exception
    # Another area opens on its latest wave, not on the wave of the area before.
    assert at.title[0].value == "Fenwick Vale (FEN), wave 2026-1"
    assert verdict(at) == PLANTED[("FEN", "2026-1")] == LATEST["FEN"] == "Ready"
    assert "Change since wave 2025-1" in headers(at)
    change = charts(at)["change_chart"]
    assert change["layout"]["title"]["text"] == "Change since wave 2025-1"
    assert "Culture and behaviour" in json.dumps(change)

    at.selectbox(key="profile_wave_FEN").set_value("2025-1").run()
    assert not at.exception
    assert at.title[0].value == "Fenwick Vale (FEN), wave 2025-1"
    assert verdict(at) == PLANTED[("FEN", "2025-1")] == "Not yet ready"
    assert not any(h.startswith("Change since") for h in headers(at))
    assert "change_chart" not in charts(at)
    assert dict(at.query_params) == {"area": "FEN", "wave": "2025-1"}

    at.selectbox(key="profile_wave_FEN").set_value("2026-1").run()
    assert verdict(at) == "Ready" and "Change since wave 2025-1" in headers(at)


def test_the_address_opens_an_area_and_wave_and_follows_the_choice():
    at = open_page(PROFILE, MANAGER, area="ELM", wave="2025-1")
    assert at.title[0].value == "Elmstead (ELM), wave 2025-1"
    assert verdict(at) == PLANTED[("ELM", "2025-1")] == "Ready with conditions"
    (first, *_) = reasons(at)
    assert first.startswith("Trust is one-sided: Police trust Mental health at 4.54")
    assert "Mental health trust Police at only 2.83" in first and "0.85" in first

    at.selectbox(key="profile_area").set_value("BRK").run()
    assert not at.exception
    assert dict(at.query_params) == {"area": "BRK", "wave": "2025-1"}
    assert verdict(at) == "Not yet ready"
    at.selectbox(key="profile_area").set_value("GRY").run()
    at.selectbox(key="profile_wave_GRY").set_value("2026-1").run()
    assert dict(at.query_params) == {"area": "GRY", "wave": "2026-1"}
    assert at.title[0].value == "Greyhaven (GRY), wave 2026-1"


def test_an_unknown_area_or_wave_in_the_address_falls_back_to_one_that_exists():
    at = open_page(PROFILE, MANAGER, area="NOPE", wave="1999-9")
    assert [w.value for w in at.warning][:1] == [
        "That area is not available to you. Showing one you can see."
    ]
    assert at.title[0].value == "Ashvale (ASH), wave 2025-1"
    assert dict(at.query_params) == {"area": "ASH", "wave": "2025-1"}
    at = open_page(PROFILE, MANAGER, area="FEN", wave="1999-9")
    assert at.title[0].value == "Fenwick Vale (FEN), wave 2026-1"  # the latest wave


# --- quotes and free text -------------------------------------------------------------------

QUOTES = "Interview quotes (engagement managers only)"
TEXTS = "What staff wrote (sectors with at least 10 respondents, redacted)"


def test_managers_read_quotes_and_redacted_free_text():
    at = open_page(PROFILE, MANAGER, area="CLD")
    assert {QUOTES, TEXTS} <= {e.label for e in at.expander}
    quotes = table(at, QUOTES)
    texts = table(at, TEXTS)
    assert len(quotes) > 0 and len(texts) > 0
    assert "I asked IG three times by email ([email]) and never got an answer." in set(
        texts["text"]
    )
    assert "@example.org" not in rendered(at)


def test_a_partnership_member_reads_redacted_free_text_but_no_quotes():
    manager = open_page(PROFILE, MANAGER, area="CLD")
    quotes = set(table(manager, QUOTES)["quote"])
    member = open_page(None, Account("cld", "partnership", "CLD"))  # lands on the profile
    assert member.title[0].value == "Caldermoor (CLD), wave 2025-1"
    labels = {e.label for e in member.expander}
    assert QUOTES not in labels and TEXTS in labels
    assert len(member.dataframe) == 3  # the triangulation table, comment themes and free text
    texts = table(member, TEXTS)
    assert any("([email])" in t for t in texts["text"])
    text = rendered(member)
    assert "@example.org" not in text
    assert quotes and not [q for q in quotes if q in text]


# --- the portfolio --------------------------------------------------------------------------


def test_the_portfolio_lists_every_area_with_its_planted_verdict():
    at = open_page(None, MANAGER)  # managers land on the portfolio
    assert at.title[0].value == "Portfolio"
    rows = table(at)
    assert len(rows) == 12 == len(LATEST)
    assert dict(zip(rows["Area"], rows["Verdict"], strict=True)) == LATEST
    for area in ("ASH", "BRK", "CLD", "DUN", "ELM"):
        assert area in LATEST
    assert dict(zip(rows["Area"], rows["Last wave"], strict=True))["FEN"] == "2026-1"
    assert at.caption[0].value.startswith("12 of 12 areas")
    (download,) = at.get("download_button")
    assert download.label == "Download the portfolio (CSV)"
    strips = [k for k in charts(at) if k.startswith("strip_")]
    assert len(strips) == 5


def test_the_verdict_filter_and_the_search_box_narrow_the_portfolio():
    at = open_page(None, MANAGER)
    everything = at.get("download_button")[0].proto.url

    def shown() -> list[str]:
        return list(table(at)["Area"])

    not_ready = sorted(a for a, v in LATEST.items() if v == "Not yet ready")
    at.multiselect(key="portfolio_verdicts").set_value(["Not yet ready"]).run()
    assert shown() == not_ready == ["BRK", "KES", "LRK"]
    assert at.caption[0].value.startswith("3 of 12 areas")
    assert at.get("download_button")[0].proto.url != everything  # the file follows the filter
    strip = charts(at)["strip_culture"]
    assert len(array(strip["data"][0]["hovertext"])) == 3

    at.multiselect(key="portfolio_verdicts").set_value(["Not yet ready", "Ready"]).run()
    assert shown() == ["ASH", "BRK", "FEN", "KES", "LRK"]
    at.text_input(key="portfolio_search").input("vale").run()  # Ashvale, Fenwick Vale
    assert shown() == ["ASH", "FEN"]
    at.multiselect(key="portfolio_verdicts").set_value([]).run()
    at.text_input(key="portfolio_search").input(" elm ").run()  # a code, any case, spaces
    assert shown() == ["ELM"]
    at.text_input(key="portfolio_search").input("nowhere").run()
    assert not at.exception
    assert shown() == [] and at.caption[0].value.startswith("0 of 12 areas")


# --- patterns -------------------------------------------------------------------------------


def test_the_panel_lands_on_patterns_with_reliabilities_and_heatmaps(catalogue):
    at = open_page(None, PANEL)
    assert at.title[0].value == "Patterns across areas"
    scales = at.dataframe[0].value  # the scales table comes first
    likert = [s.id for s in catalogue.survey.scales if s.id in scales.index]
    assert len(likert) >= 15
    alpha = scales["alpha"].astype(float)
    assert alpha.notna().all() and alpha.between(0.5, 1).all()
    assert (scales["alpha_low"] <= alpha).all() and (alpha <= scales["alpha_high"]).all()
    figs = charts(at)
    assert {"sector_heatmap", "distribution", "pooled_trust"} <= set(figs)
    heat = figs["sector_heatmap"]
    assert heat["layout"]["title"]["text"] == "Mean scale scores by sector"
    assert "Psychological safety" in heat["layout"]["xaxis"]["ticktext"]  # titles, not ids
    pooled = figs["pooled_trust"]
    assert pooled["layout"]["title"]["text"].startswith("How much staff of each sector trust")
    assert set(pooled["layout"]["yaxis"]["ticktext"]) <= {
        *sector_labels(catalogue),
        "Other (merged small groups)",
    }


def test_choosing_another_scale_redraws_the_distribution():
    at = open_page(None, PANEL)
    before = charts(at)["distribution"]
    assert before["layout"]["title"]["text"] == "Culture and behaviour by sector"
    at.selectbox(key="patterns_scale").set_value("fear_of_sanction").run()
    assert not at.exception
    after = charts(at)["distribution"]
    assert after["layout"]["title"]["text"] == "Fear of sanction by sector"
    assert array(after["data"][0]["median"]).tolist() != array(before["data"][0]["median"]).tolist()
    # the sentence follows the Holm-adjusted p of the mixed model (area random effect)
    said = [m.value for m in at.markdown if "between sectors" in m.value or "Sectors" in m.value]
    assert any(
        s.startswith(("Sectors differ on this scale", "No clear difference between sectors"))
        and "Holm-adjusted" in s
        for s in said
    )


def test_the_panel_reads_no_free_text_or_quote(engine):
    at = open_page(None, PANEL)
    text = rendered(at)
    written = set(evidence.text_frame(engine)["text"])
    quotes = set(evidence.evidence(engine, None).codes["quote"].dropna())
    assert len(written) > 50 and len(quotes) > 20
    assert [t for t in written | quotes if t in text] == []
    assert "[email]" not in text and "example.org" not in text


def test_managers_see_the_same_patterns_as_the_panel():
    panel = open_page(None, PANEL).dataframe[0].value
    at = open_page(PATTERNS, MANAGER)
    assert at.title[0].value == "Patterns across areas"
    mine = at.dataframe[0].value  # the scales table comes first
    assert list(mine.index) == list(panel.index)
    assert np.allclose(mine["alpha"].astype(float), panel["alpha"].astype(float))
    assert {"sector_heatmap", "distribution", "pooled_trust"} <= set(charts(at))


# --- the other pages ------------------------------------------------------------------------


def test_areas_and_waves_for_a_manager():
    at = open_page(OVERVIEW, MANAGER)
    waves = table(at)
    assert len(waves) == 14 and waves["Area"].nunique() == 12
    assert at.caption[0].value.startswith("12 areas, 14 waves, 1870 survey respondents")
    assert any(c.value.startswith("Database: sqlite:///") for c in at.caption)


def test_survey_links_for_a_manager():
    at = open_page("views/pages/survey_links.py", MANAGER)
    assert at.title[0].value == "Survey links"
    assert "No survey link is open." in [m.value for m in at.markdown]
    assert at.caption[0].value.startswith("Areas so far: ASH, BRK")
    assert at.text_input(key="link_area").value == ""


def test_administration_for_an_administrator():
    at = open_page("views/pages/admin.py", ADMIN)
    assert at.title[0].value == "Administration"
    log = at.dataframe[1].value
    assert len(log) > 0 and set(log["action"]) == {"import"}  # the sample data's imports
    at.selectbox(key="audit_action").set_value("export").run()
    assert not at.exception and at.dataframe[1].value.empty


def test_the_panel_sees_no_small_cell_in_any_pooled_figure():
    at = open_page(None, PANEL)
    figs = charts(at)
    shown = [
        int(n) for text in annotations(figs["pooled_trust"]) for n in re.findall(r"n=(\d+)", text)
    ]
    assert shown, "the pooled trust heatmap labels its cells with n"
    assert min(shown) >= 5
    boxes = [int(n) for n in re.findall(r"\(n=(\d+)\)", json.dumps(figs["distribution"]))]
    assert boxes, "each sector's box is labelled with its n"
    assert min(boxes) >= 5
