"""Areas and waves: what evidence the store holds, as far as the user may see."""

import streamlit as st

from app.access import AccessDenied
from app.store import database_label
from views import state

st.title("Sharing Readiness")
_, note = state.store()
if note:
    st.info(note)
st.subheader("Areas and waves")
try:
    table = state.ask("waves")
except AccessDenied:
    st.write(
        "As a panel member you see pooled, pseudonymised data only: use the patterns pages "
        "and the anonymised downloads."
    )
    st.stop()
if table.empty:
    st.write("No evidence yet. Import a file with `readiness import`.")
else:
    st.caption(
        f"{table['area'].nunique()} areas, {len(table)} waves, "
        f"{int(table['survey'].sum())} survey respondents, "
        f"{int(table['interview'].sum())} interview records (one per coder), "
        f"{int(table['workshop'].sum())} workshop participants."
    )
    st.dataframe(
        table.rename(
            columns={
                "area": "Area",
                "area_name": "Name",
                "wave": "Wave",
                "survey": "Survey respondents",
                "interview": "Interviews (per coder)",
                "workshop": "Workshop participants",
            }
        ),
        hide_index=True,
        width="stretch",
        key="waves_table",
    )
st.caption(f"Database: {database_label()}")
