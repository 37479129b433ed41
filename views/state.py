"""A cache over the app layer: the store and instruments opened once per process, and what
a signed-in person asks of :class:`app.access.ScopedData`, cached per account and data
version (so new evidence is seen at once). Pages read through :func:`ask`; nothing here
reads the store itself."""

from __future__ import annotations

import secrets
import threading
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from app import store as app_store
from app.access import ScopedData
from app.accounts import Account
from app.evidence import first_start
from app.pooled import PooledView
from app.profiles import ProfileBook
from app.settings import settings
from instruments.catalogue import Catalogue

KEY = "account"
PRODUCT = "Sharing Readiness"
STARTING = "Starting…"


@st.cache_resource(show_spinner="Opening the evidence store…")
def store() -> tuple[Engine, str | None]:
    """The engine, and a note when this start loaded the sample data."""
    engine = app_store.open_configured_store()
    return engine, first_start(engine, catalogue()) or _first.get(settings().store_url)


_first: dict[str, str | None] = {}  # store URL -> what warm_up's first start said
_first_lock = threading.Lock()


def warm_up(screen: Any = None, bar: Any = None) -> None:
    """The first screen of a fresh start: the product's name and a progress bar (drawn
    by the entry script into ``screen`` before its slow imports, or here) while the store
    opens and the sample data loads, never a blank page. Once that is done, for every
    later visitor of this process, nothing is drawn."""
    url = settings().store_url
    if url in _first:
        if screen is not None:
            screen.empty()
        return
    if screen is None or bar is None:
        screen = st.empty()
        with screen.container():
            st.title(PRODUCT)
            bar = st.progress(0.0, text=STARTING)

    def loading(done: int, total: int) -> None:
        share = done / total if total else 1.0
        bar.progress(share, text=f"Loading the sample data: {done} of {total} files")

    with _first_lock:  # two first visitors at once load the sample data once
        if url not in _first:
            bar.progress(0.0, text="Opening the evidence store…")
            engine = app_store.open_configured_store()
            try:
                _first[url] = first_start(engine, catalogue(), progress=loading)
            finally:
                engine.dispose()
    screen.empty()


@st.cache_resource
def catalogue() -> Catalogue:
    return app_store.catalogue()


def engine() -> Engine:
    return store()[0]


def data_version() -> int:
    """Grows with every import: part of every cache key, so new evidence invalidates."""
    return app_store.data_version(engine())


@st.cache_resource
def _book() -> ProfileBook:
    """Every account's profiles (undisclosed: ScopedData applies scope and disclosure
    control on the way out). The book knows each area's data version itself and keeps
    what it computes in the store, for every process."""
    return ProfileBook(engine(), catalogue())


def prepare_profiles() -> None:
    """Compute the profiles of the visible areas not yet computed for their evidence
    (the first start, or after imports), showing how far it has got."""
    book = _book()
    todo = book.missing(ask("visible_areas"))
    if not todo:
        return
    bar = st.progress(0.0, text=f"Computing readiness profiles for {len(todo)} areas…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Computing readiness profiles: {done} of {total} areas")

    book.of(todo, progress=progress)
    bar.empty()


def account() -> Account:
    return st.session_state[KEY]


def door(who: Account | None = None) -> ScopedData:
    """The signed-in account's one door to the evidence."""
    return ScopedData(engine(), who or account(), catalogue(), book=_book())


@st.cache_data(max_entries=512, show_spinner=False)
def _ask(who: Account, version: int, method: str, args: tuple) -> Any:
    return getattr(door(who), method)(*args)


def ask(method: str, *args: Any) -> Any:
    """``ScopedData.<method>(*args)`` for the signed-in account, cached per data version."""
    return _ask(account(), data_version(), method, args)


def area_name(area: str) -> str:
    return ask("area_names").get(area, area)


def pseudonym_key() -> str:
    """``READINESS_PSEUDONYM_KEY``; without it, a random key for this process (area codes
    then change when the dashboard restarts, which is safe but not stable)."""
    key = settings().pseudonym_key
    return key if len(key) >= 16 else _process_key()


@st.cache_resource
def _process_key() -> str:
    return secrets.token_hex(16)


@st.cache_resource(max_entries=16, show_spinner="Pooling the evidence…")
def _pooled(who: Account, version: int, key: str) -> PooledView:
    return door(who).pooled_view(key)


def pooled() -> PooledView:
    """The panel's pooled, pseudonymised view (computed once per data version)."""
    return _pooled(account(), data_version(), pseudonym_key())
