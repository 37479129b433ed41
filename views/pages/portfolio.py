"""Portfolio: every area at a glance (engagement managers)."""

import streamlit as st

from app.exports.tables import csv_bytes
from views import figures, state
from views.widgets import chart, require

require(
    lambda scope: scope.role in {"manager", "admin"}, "The portfolio is for engagement managers."
)
cat = state.catalogue()
sector_names = {s.code: s.short for s in cat.sectors.sectors}
pillars = list(cat.survey.pillars)

st.title("Portfolio")
table = state.ask("portfolio")
if table.empty:
    st.info("No area has evidence yet.")
    st.stop()
names = state.ask("area_names")
table.insert(1, "name", table["area"].map(names))

left, right = st.columns(2)
verdicts = left.multiselect(
    "Verdict", sorted(table["verdict"].unique()), key="portfolio_verdicts", placeholder="All"
)
search = right.text_input("Find an area", key="portfolio_search")
shown = table
if verdicts:
    shown = shown[shown["verdict"].isin(verdicts)]
if search:
    needle = search.strip().lower()
    hit = shown["area"].str.lower().str.contains(needle, regex=False) | shown["name"].fillna(
        ""
    ).str.lower().str.contains(needle, regex=False)
    shown = shown[hit]

labels = {p.id: p.title.en for p in pillars}
columns = {
    "area": "Area",
    "name": "Name",
    "wave": "Last wave",
    "verdict": "Verdict",
    **labels,
    "weakest_pillar": "Weakest pillar",
    "weakest_link": "Weakest link",
    "weakest_link_mutual": "Its mutual trust",
    "sectors_covered": "Sectors with evidence",
    "key_sectors_missing": "Key sectors missing",
    "agreement_flag": "Staff disagree",
    "respondents": "Respondents",
}
st.caption(f"{len(shown)} of {len(table)} areas. Click a column heading to sort.")
st.dataframe(
    shown[list(columns)].rename(columns=columns),
    hide_index=True,
    width="stretch",
    column_config={labels[p.id]: st.column_config.NumberColumn(format="%.2f") for p in pillars},
    key="portfolio_table",
)
st.download_button(
    "Download the portfolio (CSV)",
    data=csv_bytes(shown[list(columns)].rename(columns=columns)),
    file_name="readiness_portfolio.csv",
    mime="text/csv",
    on_click=state.door().record_export,
    kwargs={"what": "portfolio"},
    key="portfolio_download",
)

st.header("Each pillar across areas")
cols = st.columns(2)
for i, pillar in enumerate(pillars):
    with cols[i % 2]:
        chart(
            figures.pillar_strip(shown, pillar.id, bands=cat.rules.bands),
            key=f"strip_{pillar.id}",
        )
