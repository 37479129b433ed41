"""Areas and waves: what evidence the store holds."""

import streamlit as st

from views import state

st.title("Sharing Readiness")
_, note = state.store()
if note:
    st.info(note)
table = state.waves()
st.subheader("Areas and waves")
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
st.caption(f"Database: {state.database_label()}")
