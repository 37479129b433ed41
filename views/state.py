"""What every page shares: the store, the instruments and the user's scoped data.

The engine is opened once per process. On the first start with an empty embedded
database the sample data is loaded through the normal import path, and the pages say so.
Scoped data is cached per account and data version, so new evidence is seen at once."""

from __future__ import annotations

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


@st.cache_resource(show_spinner="Opening the evidence store…")
def store() -> tuple[Engine, str | None]:
    """The engine, and a note when this start loaded the sample data."""
    engine = open_store()
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


def database_label() -> str:
    from sqlalchemy.engine import make_url

    return make_url(database_url()).render_as_string(hide_password=True)
