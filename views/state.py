"""What every page shares: the store, the instruments and the user's scoped data.

The engine is opened once per process. On the first start with an empty embedded
database the sample data is loaded through the normal import path, and the pages say so.
Scoped data is cached per account and data version, so new evidence is seen at once."""

from __future__ import annotations

import os
import secrets

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, func, select

from survey import evidence
from survey.access import ScopedData
from survey.accounts import Account
from survey.instruments import Catalogue, default_catalogue
from survey.models import ImportBatch
from survey.sampledata import is_empty, load_sample_data
from survey.store import database_url, open_store
from survey.summaries import ensure_scored


@st.cache_resource(show_spinner="Opening the evidence store…")
def store() -> tuple[Engine, str | None]:
    """The engine, and a note when this start loaded the sample data."""
    engine = open_store()
    ensure_scored(engine, catalogue())
    note = None
    if engine.dialect.name == "sqlite" and is_empty(engine):
        report = load_sample_data(engine, catalogue=catalogue())
        note = (
            f"This was a new, empty database, so the sample data was loaded: {report.summary()} "
            "It is fictional and for demonstration only."
        )
    return engine, note


@st.cache_resource
def catalogue() -> Catalogue:
    return default_catalogue()


def data_version() -> int:
    """Grows with every import: part of every cache key, so new evidence invalidates."""
    engine, _ = store()
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(ImportBatch.id), 0))).scalar_one())


@st.cache_resource(max_entries=64, show_spinner="Computing readiness profiles…")
def _scoped(account: Account, version: int) -> ScopedData:
    engine, _ = store()
    return ScopedData(engine, account, catalogue())


def scoped(account: Account) -> ScopedData:
    return _scoped(account, data_version())


@st.cache_data(show_spinner=False)
def _all_waves(version: int) -> pd.DataFrame:
    engine, _ = store()
    return evidence.waves(engine)


def all_waves() -> pd.DataFrame:
    """Every area and wave: only for the demo picker, which exists only for sample data."""
    return _all_waves(data_version())


@st.cache_data(show_spinner=False)
def _area_names(account: Account, version: int) -> dict[str, str]:
    table = scoped(account).waves()
    return dict(zip(table["area"], table["area_name"], strict=True))


def area_names(account: Account) -> dict[str, str]:
    """Names of the areas this account may see."""
    return _area_names(account, data_version())


def area_name(area: str) -> str:
    account = st.session_state["account"]
    return area_names(account).get(area, area)


@st.cache_data(show_spinner=False)
def _benchmark(version: int) -> pd.Series:
    from survey.access import benchmark as median_of_areas

    engine, _ = store()
    return median_of_areas(engine)


def benchmark(account: Account) -> pd.Series:
    """Median of all areas per scale and pillar (pooled, same for every viewer)."""
    return _benchmark(data_version())


@st.cache_data(show_spinner="Computing every area's profile…")
def _portfolio(account: Account, version: int) -> pd.DataFrame:
    from analysis.portfolio import portfolio_table

    data = scoped(account)
    names = {s.code: s.short for s in catalogue().sectors.sectors}
    disclosed = [data.disclose(p).profile for p in data.profiles()]
    return portfolio_table(disclosed, names)


def portfolio(account: Account) -> pd.DataFrame:
    return _portfolio(account, data_version())


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV for download, spreadsheet formulas neutralised."""
    from survey.access import csv_bytes as to_csv

    return to_csv(frame)


def pseudonym_key() -> str:
    """``READINESS_PSEUDONYM_KEY``; without it, a random key for this process (area codes
    then change when the dashboard restarts, which is safe but not stable)."""
    key = os.environ.get("READINESS_PSEUDONYM_KEY", "")
    return key if len(key) >= 16 else _process_key()


@st.cache_resource
def _process_key() -> str:
    return secrets.token_hex(16)


@st.cache_data(show_spinner="Pooling the evidence…")
def _pooled(account: Account, version: int) -> pd.DataFrame:
    return scoped(account).pooled(pseudonym_key())


def pooled(account: Account) -> pd.DataFrame:
    """Pooled, pseudonymised microdata (the panel's view of the survey)."""
    return _pooled(account, data_version())


def _model():
    from analysis.readiness import context_from_catalogue

    return context_from_catalogue(catalogue()).model


@st.cache_data(show_spinner=False)
def _pooled_scores(account: Account, version: int) -> pd.DataFrame:
    from analysis.pooled import pooled_scores as scores_of

    return scores_of(pooled(account), _model())


def pooled_scores(account: Account) -> pd.DataFrame:
    """Per pooled respondent: pillar and scale scores and the (merged) sector."""
    return _pooled_scores(account, data_version())


@st.cache_data(show_spinner=False)
def _sector_means(account: Account, version: int, min_group: int) -> pd.DataFrame:
    from analysis.pooled import sector_means as means_of

    return means_of(pooled_scores(account), min_group=min_group)


def sector_means(account: Account) -> pd.DataFrame:
    """Mean of every scale by sector (pooled); sectors below the minimum group left out."""
    return _sector_means(account, data_version(), scoped(account).rules.min_group)


@st.cache_data(show_spinner=False)
def _pooled_trust(account: Account, version: int, min_group: int):
    from analysis.pooled import pooled_trust as trust_of

    return trust_of(pooled(account), _model(), min_group=min_group)


def pooled_trust(account: Account):
    """The pooled directed trust matrix after disclosure control: (mean, n, status)."""
    return _pooled_trust(account, data_version(), scoped(account).rules.min_group)


@st.cache_data(show_spinner="Computing the psychometrics report…")
def _panel_report(account: Account, version: int):
    from analysis.psychometrics import panel_report

    return panel_report(pooled(account), _model())


def panel_report(account: Account):
    return _panel_report(account, data_version())


def database_label() -> str:
    from sqlalchemy.engine import make_url

    return make_url(database_url()).render_as_string(hide_password=True)
