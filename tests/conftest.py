"""Shared fixtures: the project's instruments, fresh SQLite and PostgreSQL stores, and the
running dashboard with a browser to drive it. Valid import files for any instrument come
from :mod:`helpers`; the browser pieces from :mod:`browser_support`."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import browser_support
import pytest
from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.exc import OperationalError

from instruments.catalogue import Catalogue, default_catalogue
from survey.store.engine import open_store

POSTGRES_ENV = "READINESS_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The project's own instruments (the folder shipped in ``instruments/``)."""
    return default_catalogue()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path}/t.db")
    yield engine
    engine.dispose()


def _psycopg(url: str) -> str:
    """The URL with the psycopg 3 driver named, which is the one the project ships."""
    u = make_url(url)
    if u.drivername in {"postgresql", "postgres"}:
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


needs_postgres = pytest.mark.skipif(
    not os.environ.get(POSTGRES_ENV, "").strip(),
    reason=f"{POSTGRES_ENV} is not set: PostgreSQL store tests need a real server",
)


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """A store on a new, uniquely named PostgreSQL database, dropped afterwards. Tests that
    use it are marked ``needs_postgres`` (skipped, with the reason, when no URL is set)."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        pytest.fail(f"{POSTGRES_ENV} is not set; mark the test with needs_postgres")
    admin = create_engine(_psycopg(url), isolation_level="AUTOCOMMIT")
    name = f"readiness_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except OperationalError as exc:
        admin.dispose()
        pytest.fail(f"{POSTGRES_ENV} is set but the server cannot be used: {exc}")
    engine = None
    try:
        own = make_url(_psycopg(url)).set(database=name)
        engine = open_store(own.render_as_string(hide_password=False))
        yield engine
    finally:
        if engine is not None:
            engine.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, needs_postgres])]
)
def engine(request: pytest.FixtureRequest) -> Engine:
    """The same test on the embedded SQLite store and on a real PostgreSQL server."""
    return request.getfixturevalue(
        {"sqlite": "sqlite_engine", "postgres": "pg_engine"}[request.param]
    )


# The dashboard in a browser (tests marked with browser_support.BROWSER_TEST) ---------------


@pytest.fixture(scope="session")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[browser_support.Dashboard]:
    """One ``streamlit run dashboard.py`` for the session, on a new SQLite file (its first
    start loads the sample data); stopped at the end."""
    with browser_support.running_dashboard(tmp_path_factory.mktemp("dashboard")) as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session, driven by Playwright."""
    with browser_support.running_browser() as running:
        yield running


@pytest.fixture
def new_page(browser) -> Iterator[Callable[..., object]]:
    """``new_page(width=1440, height=900)``: a signed-out page of that viewport size, closed
    after the test."""
    with browser_support.page_factory(browser) as factory:
        yield factory
