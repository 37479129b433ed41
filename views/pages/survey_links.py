"""Survey links: open a wave of the staff survey for an area, and close it again
(engagement managers and administrators).

Anyone holding an open link can answer the survey without an account; each answer is
saved as one anonymous response of that area and wave."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import collection
from app.evidence import known_waves
from instruments.kinds import SURVEY
from views import state
from views.widgets import plain, require

account = require(lambda scope: scope.can_import, "This page is for engagement managers.")
engine = state.engine()
cat = state.catalogue()
surveys = [inst.key for inst in cat.of_kind(SURVEY)]


def page_url() -> str | None:
    return getattr(getattr(st, "context", None), "url", None)


def close(token: str) -> None:
    try:
        collection.close_link(engine, account, token)
    except collection.LinkNotOpen:
        st.session_state["links_note"] = "That link was already closed."
    else:
        st.session_state["links_note"] = "The link is closed: it takes no more answers."


st.title("Survey links")
st.write(
    "Open a wave of the survey for an area: anyone with the link can answer it, without an "
    "account, until you close it. Answers are anonymous: no name, address or account is kept."
)
if account.scope.read_only:
    st.info(
        "Demo mode is read-only: here you see how links are opened and closed, but opening "
        "one needs an account, and links opened by real managers are not shown."
    )
known = known_waves(engine, account)
if not known.empty:
    st.caption("Areas so far: " + ", ".join(sorted(set(known["area"]))))
with st.form("link_form"):
    left, middle, right = st.columns(3)
    area = left.text_input("Area code", key="link_area", max_chars=collection.MAX_LABEL)
    wave = middle.text_input("Wave label", key="link_wave", max_chars=collection.MAX_LABEL)
    instrument = right.selectbox(
        "Survey", surveys, format_func=lambda k: str(cat.get(k).title), key="link_instrument"
    )
    left, middle = st.columns(2)
    closes = left.date_input(
        "Last day for answers (optional)", value=None, key="link_closes", format="YYYY-MM-DD"
    )
    limit = middle.number_input(
        "Most answers to take (optional)", min_value=1, value=None, step=1, key="link_limit"
    )
    opened = st.form_submit_button(
        "Open the wave", key="link_open", disabled=account.scope.read_only
    )
if opened:
    try:
        token = collection.open_link(
            engine,
            account,
            area,
            wave,
            instrument,
            catalogue=cat,
            closes_after=closes,
            max_responses=int(limit) if limit else None,
        )
    except collection.LinkError as exc:
        st.error(f"No link was opened: {exc}.")
    else:
        st.success(f"Opened {area.strip()}, wave {wave.strip()}. The link is listed below.")
if note := st.session_state.pop("links_note", None):
    st.info(note)

st.subheader("Open links")
links = collection.open_links(engine, account)
if links.empty:
    st.write("No survey link is open.")
for link in links.itertuples():
    text, button = st.columns([5, 1])
    when = f"{link.created_at:%Y-%m-%d %H:%M}"
    text.markdown(
        f"**{plain(link.area)}**, wave **{plain(link.wave)}**: opened by "
        f"{plain(link.created_by)}, {when}"
    )
    limits = [f"{link.responses} answers so far"]
    if pd.notna(link.max_responses):
        limits[0] = f"{link.responses} of at most {int(link.max_responses)} answers"
    if pd.notna(link.expires_at):
        limits.append(f"takes answers until {link.expires_at:%Y-%m-%d %H:%M} UTC")
    text.caption("; ".join(limits))
    text.code(collection.link_url(link.token, page_url()), language=None)
    text.caption(f"Relative address: {collection.link_url(link.token)}")
    button.button("Close", key=f"link_close_{link.token}", on_click=close, args=(link.token,))
