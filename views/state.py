"""What every page shares: the store, the instruments and cached reads.

The engine is opened once per process. On the first start with an empty embedded
database the sample data is loaded through the normal import path, and the pages say so."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from survey import evidence
from survey.instruments import Catalogue, default_catalogue
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


@st.cache_data(show_spinner=False)
def waves() -> pd.DataFrame:
    engine, _ = store()
    return evidence.waves(engine)


def database_label() -> str:
    from sqlalchemy.engine import make_url

    return make_url(database_url()).render_as_string(hide_password=True)
