"""The dashboard as each kind of visitor meets it (Streamlit's AppTest, in a temporary folder
with its own SQLite file): the login page, demo mode only while the store holds nothing but
the sample data, a partnership member who sees their own area on every page and nothing of
any other, the panel without area tables or free text, wrong passwords, and the
administrators' audit log."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from helpers import filled_rows, write_csv
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Dataframe

from app.evidence import import_file, load_sample_data
from survey.ingest.sample import SAMPLE_DIR
from survey.store.accounts import ROLES, add_user
from survey.store.engine import open_store

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD = ROOT / "dashboard.py"
# Every page the router can open, as dashboard.py names them.
PAGES = re.findall(r"st\.Page\(\s*\"(views/[\w/]+\.py)\"", DASHBOARD.read_text(encoding="utf-8"))
MANIFEST = pd.read_csv(SAMPLE_DIR / "manifest.csv")
AREA_NAMES: dict[str, str] = dict(zip(MANIFEST["area"], MANIFEST["area_name"], strict=False))
PASSWORD = "correct horse battery"
USERS = [
    ("ash", "partnership", "ASH"),
    ("prof", "panel", None),
    ("boss", "admin", None),
]
SIGN_IN = "Sign in"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    """A SQLite file holding the sample data and one account per role, copied by each test."""
    path = tmp_path_factory.mktemp("dashboard") / "template.db"
    engine = open_store(f"sqlite:///{path}")
    load_sample_data(engine)
    for name, role, area in USERS:
        add_user(engine, name, role, password=PASSWORD, area=area)
    engine.dispose()  # the last connection closing folds the WAL back into the file
    return path


def _fresh_caches() -> None:
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def app_dir(tmp_path, monkeypatch) -> Path:
    """Run the app from an empty temporary folder on its own database file."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{tmp_path / 'readiness.db'}")
    for name in ("READINESS_MIN_GROUP", "READINESS_MIN_TEXT_GROUP"):
        monkeypatch.delenv(name, raising=False)
    _fresh_caches()  # the engine is cached per process: each test opens its own
    yield tmp_path
    _fresh_caches()


@pytest.fixture
def app(app_dir, sample_db) -> AppTest:
    shutil.copy(sample_db, app_dir / "readiness.db")
    return AppTest.from_file(str(DASHBOARD), default_timeout=180)


def _nodes(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


def rendered(at: AppTest) -> str:
    """Everything the page shows: the text of every element (options of widgets too) and
    the cells of every table."""
    parts = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        if isinstance(node, Dataframe):
            parts.append(node.value.to_csv())
    return "\n".join(parts)


def other_areas(text: str, mine: str | None) -> list[str]:
    """Area codes (whole words) and names other than ``mine`` found in ``text``."""
    codes = [a for a in AREA_NAMES if a != mine and re.search(rf"\b{a}\b", text)]
    return codes + [n for a, n in AREA_NAMES.items() if a != mine and n in text]


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    next(b for b in at.button if b.label == SIGN_IN).click().run()
    assert not at.exception
    return at


def on_login_page(at: AppTest) -> bool:
    return any(b.label == SIGN_IN for b in at.button) and "account" not in at.session_state


def demo_offered(at: AppTest) -> bool:
    return any(b.key == "demo_enter" for b in at.button)


def visit_every_page(at: AppTest) -> dict[str, str]:
    """The text of every page the signed-in user can open (a page their role does not have
    is not registered, so it cannot be switched to)."""
    seen = {}
    for page in PAGES:
        try:
            at.switch_page(page)
        except ValueError:
            continue
        at.run()
        assert not at.exception, page
        seen[page] = rendered(at)
    return seen


# --- signing in ---------------------------------------------------------------------------


def test_the_pages_to_visit_are_found_in_the_router():
    assert {"views/pages/overview.py", "views/pages/admin.py"} <= set(PAGES)


def test_first_start_loads_the_sample_data_and_offers_the_demo(app_dir):
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60).run()
    assert not at.exception
    assert on_login_page(at)
    assert demo_offered(at)
    assert any("DEMO" in w.value for w in at.warning)
    assert not at.dataframe  # nothing to see before choosing a role
    assert any("sample data was loaded" in i.value for i in at.info)
    at.selectbox(key="demo_role").set_value("partnership").run()
    at.selectbox(key="demo_area").set_value("ASH")
    at.button(key="demo_enter").click().run()
    assert not at.exception
    assert any("DEMO MODE" in c.value for c in at.sidebar.caption)
    at.switch_page("views/pages/overview.py").run()
    (table,) = at.dataframe
    assert list(table.value["Area"]) == ["ASH"]
    for page, text in visit_every_page(at).items():
        assert other_areas(text, "ASH") == [], page


def test_login_page_is_shown_when_not_signed_in(app):
    app.run()
    assert not app.exception
    assert on_login_page(app)
    assert [t.value for t in app.text_input] == ["", ""]
    assert not app.dataframe
    assert other_areas(rendered(app), None) == []


def test_after_a_real_import_demo_mode_ends_and_login_is_required(app, app_dir, catalogue):
    app.run()
    assert demo_offered(app)
    app.selectbox(key="demo_role").set_value("manager")
    app.button(key="demo_enter").click().run()
    app.switch_page("views/pages/overview.py").run()
    assert len(app.dataframe[0].value) == len(MANIFEST) // 3  # a demo manager sees it all

    engine = open_store(f"sqlite:///{app_dir / 'readiness.db'}")
    header, rows = filled_rows(catalogue, "staff_survey", 3)
    import_file(
        engine,
        write_csv(app_dir / "real.csv", header, rows),
        instrument="staff_survey",
        area="E06000001",
        wave="2026-1",
        catalogue=catalogue,
        imported_by="cli",
    )
    engine.dispose()

    app.run()  # the demo session in progress ends at once
    assert not app.exception
    assert on_login_page(app) and not demo_offered(app)
    assert not app.dataframe and not app.warning
    fresh = AppTest.from_file(str(DASHBOARD), default_timeout=60).run()
    assert on_login_page(fresh) and not demo_offered(fresh)
    assert [s.key for s in fresh.selectbox] == []


def test_demo_visitors_never_see_real_accounts_or_the_audit_log(app):
    """Demo mode needs no password, and accounts may exist before real data arrive: no demo
    role may open the administration page."""
    app.run()
    roles = app.selectbox(key="demo_role").options
    assert "Administrator" not in roles
    assert len(roles) == 3
    for role in (code for code, label in ROLES.items() if label in roles):
        visitor = AppTest.from_file(str(DASHBOARD), default_timeout=60).run()
        visitor.selectbox(key="demo_role").set_value(role).run()
        visitor.button(key="demo_enter").click().run()
        assert visitor.session_state["account"].username.startswith("demo:")
        pages = visit_every_page(visitor)
        assert "views/pages/admin.py" not in pages, role
        for text in pages.values():
            assert "boss" not in text and "login_failed" not in text, role


def test_wrong_password_shows_an_error_and_no_data(app):
    app.run()
    sign_in(app, "ash", "not the password")
    assert on_login_page(app)
    (error,) = app.error
    assert "wrong user name or password" in error.value.lower()
    assert not app.dataframe
    assert other_areas(rendered(app), None) == []
    # An unknown user name reads exactly the same.
    app.text_input(key="login_username").input("nobody")
    app.text_input(key="login_password").input("not the password")
    next(b for b in app.button if b.label == SIGN_IN).click().run()
    assert [e.value for e in app.error] == [error.value]


# --- what each role sees ------------------------------------------------------------------


def test_partnership_member_sees_only_their_area_on_every_page(app):
    sign_in(app.run(), "ash", PASSWORD)
    assert app.session_state["account"].area == "ASH"
    pages = visit_every_page(app)
    assert "views/pages/overview.py" in pages
    assert "views/pages/admin.py" not in pages  # not in their navigation at all
    for page, text in pages.items():
        assert other_areas(text, "ASH") == [], page
    app.switch_page("views/pages/overview.py").run()
    (table,) = app.dataframe
    assert list(table.value["Area"]) == ["ASH"] and list(table.value["Name"]) == ["Ashvale"]


def test_area_in_the_address_shows_nothing_of_that_area(app):
    app.query_params["area"] = "BRK"
    app.query_params["wave"] = "2025-1"
    sign_in(app.run(), "ash", PASSWORD)
    pages = visit_every_page(app)
    for page, text in pages.items():
        assert other_areas(text, "ASH") == [], page
    assert any(re.search(r"\bASH\b", text) for text in pages.values())  # their own instead


def test_admin_page_refuses_a_partnership_member_opened_directly(app_dir, sample_db):
    """Even run on its own, the administration page shows nothing to a non-administrator."""
    from survey.store.accounts import Account

    shutil.copy(sample_db, app_dir / "readiness.db")
    page = AppTest.from_file(str(ROOT / "views" / "pages" / "admin.py"), default_timeout=60)
    page.session_state["account"] = Account("ash", "partnership", "ASH")
    page.run()
    assert [e.value for e in page.error] == ["This page is for administrators."]
    assert not page.dataframe
    assert "login" not in rendered(page)


def test_panel_member_sees_no_area_table_and_no_free_text(app):
    sign_in(app.run(), "prof", PASSWORD)
    pages = visit_every_page(app)
    assert "views/pages/admin.py" not in pages
    for page, text in pages.items():
        assert other_areas(text, None) == [], page
        for phrase in ("portal never loads", "someone@example.org", "discharge ward"):
            assert phrase not in text, page
    assert list(pages) == ["views/pages/patterns.py"]  # no page lists areas for the panel
    app.switch_page("views/pages/patterns.py").run()
    assert any("pseudonymised" in c.value for c in app.caption)


def test_admin_sees_accounts_and_the_audit_log(app):
    app.run()
    sign_in(app, "ash", "not the password")
    sign_in(app, "boss", PASSWORD)
    pages = visit_every_page(app)
    assert "views/pages/admin.py" in pages
    admin = pages["views/pages/admin.py"]
    assert "$argon2" not in admin and PASSWORD not in admin
    app.switch_page("views/pages/admin.py").run()
    users, log = (d.value for d in app.dataframe)
    assert set(users["username"]) == {name for name, _, _ in USERS}
    assert {"login", "login_failed", "user_added", "import"} <= set(log["action"])
    assert ((log["actor"] == "boss") & (log["action"] == "login")).any()
    failed = log[log["action"] == "login_failed"]
    assert list(failed["actor"]) == ["ash"] and "wrong password" in failed["detail"].iloc[0]
    app.selectbox(key="audit_action").set_value("login_failed").run()
    assert set(app.dataframe[1].value["action"]) == {"login_failed"}
