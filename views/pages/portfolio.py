"""Portfolio: every area at a glance (engagement managers). A row opens its profile."""

import streamlit as st

from analysis.portfolio import readable, short_title
from app.exports.tables import csv_bytes
from views import figures, state
from views.figures.style import BAND_CELLS, VERDICT_CELLS
from views.widgets import chart, require

require(
    lambda scope: scope.role in {"manager", "admin"}, "The portfolio is for engagement managers."
)
cat = state.catalogue()
bands = {b.id: b.label for b in cat.rules.bands}

st.title("Portfolio")
state.prepare_profiles()
table = state.ask("portfolio")
if table.empty:
    st.info("No area has evidence yet.")
    st.stop()
names = state.ask("area_names")
counts = state.door().action_counts()  # read afresh: actions change without new evidence
for column in ("open_actions", "overdue_actions"):
    table[column] = table["area"].map(counts[column]).fillna(0).astype(int)
# The pillars under the titles the area profile gives them.
pillars = {p.id: p.title.en for p in cat.survey.pillars if p.id in table}

one, two, three, four = st.columns([3, 2, 2, 3])
verdicts = one.multiselect(
    "Verdict", sorted(table["verdict"].unique()), key="portfolio_verdicts", placeholder="All"
)
in_band = two.multiselect(
    "A pillar in band",
    list(bands),
    format_func=bands.get,
    key="portfolio_bands",
    placeholder="Any band",
)
which = three.selectbox(
    "Which pillar",
    ["any", *pillars],
    format_func=lambda p: "Any pillar" if p == "any" else pillars[p],
    key="portfolio_band_pillar",
)
search = four.text_input("Find an area (name or code)", key="portfolio_search")
shown = table
if verdicts:
    shown = shown[shown["verdict"].isin(verdicts)]
if in_band:
    columns = [f"{p}_band" for p in (pillars if which == "any" else [which])]
    shown = shown[shown[columns].isin(in_band).any(axis=1)]
if search:
    needle = search.strip().lower()
    named = shown["area"].map(names).fillna("").str.lower()
    hit = shown["area"].str.lower().str.contains(needle, regex=False) | named.str.contains(
        needle, regex=False
    )
    shown = shown[hit]
shown = shown.reset_index(drop=True)

view = readable(shown, pillars, names)
# On screen, narrower than the CSV so that every column fits at 1440 px: the weakest
# link carries its mutual trust, and open and overdue actions share a column.
view["Weakest link"] = [
    "–" if not isinstance(link, str) else f"{link} ({mutual:.2f})"
    for link, mutual in zip(shown["weakest_link"], shown["weakest_link_mutual"], strict=True)
]
view["Sectors with evidence"] = [
    f"{int(c)}/{int(t)}"
    for c, t in zip(shown["sectors_covered"], shown["sectors_total"], strict=True)
]
view["Actions"] = [
    "–" if not n else f"{n} open" + (f", {late} late" if late else "")
    for n, late in zip(shown["open_actions"], shown["overdue_actions"], strict=True)
]
styled = view.style.apply(
    lambda col: shown["verdict_id"].map(VERDICT_CELLS).fillna(""), subset=["Verdict"]
)
for pid, title in pillars.items():
    styled = styled.apply(
        lambda col, pid=pid: shown[f"{pid}_band"].map(BAND_CELLS).fillna(""), subset=[title]
    )
styled = styled.format(precision=2, na_rep="–").format(
    "{:.0f}", subset=["How likely (%)"], na_rep="–"
)
st.caption(
    f"{len(shown)} of {len(table)} areas. Click a row to open its profile; click a column "
    "heading to sort. Pillar cells are coloured by band (strength, borderline, concern); "
    "the weakest link shows its mutual trust; “Change” counts the pillars that rose (↑) or "
    "fell (↓) by more than chance since the last wave (the 95% interval of the change "
    "excludes zero)."
)
on_screen = [
    "Area",
    "Verdict",
    "How likely (%)",
    *pillars.values(),
    "Weakest link",
    "Sectors with evidence",
    "Staff disagree",
    "Last wave",
    "Change since last wave",
    "Actions",
]
picked = st.dataframe(
    styled,
    hide_index=True,
    width="stretch",
    height=min(38 + 35 * max(len(view), 1), 760),
    column_order=on_screen,
    column_config={
        "Area": st.column_config.TextColumn(width=48, pinned=True),
        "Verdict": st.column_config.TextColumn(width=150),
        "How likely (%)": st.column_config.NumberColumn(
            "P %", width=42, help="How likely the verdict is (share of resamples, %)"
        ),
        **{
            t: st.column_config.NumberColumn(short_title(t), width=58, help=t)
            for t in pillars.values()
        },
        "Weakest link": st.column_config.TextColumn(
            width=140, help="The pair of sectors with the lowest mutual trust, and its value"
        ),
        "Sectors with evidence": st.column_config.TextColumn(
            "Sectors", width=48, help="Sectors with enough survey evidence, of all sectors"
        ),
        "Staff disagree": st.column_config.CheckboxColumn(
            "Split", width=40, help="Staff disagree too much for the area score (rwg(j))"
        ),
        "Last wave": st.column_config.TextColumn("Wave", width=58),
        "Change since last wave": st.column_config.TextColumn("Change", width=56),
        "Actions": st.column_config.TextColumn(width=72, help="Open and overdue actions"),
    },
    on_select="rerun",
    selection_mode="single-row",
    key="portfolio_table",
)
rows = picked.selection.rows if picked is not None else []
if rows and rows[0] < len(shown):
    st.switch_page("views/pages/area_profile.py", query_params={"area": shown["area"][rows[0]]})

st.download_button(
    "Download the portfolio (CSV)",
    data=csv_bytes(readable(shown, pillars, names, band_labels=bands)),
    file_name="readiness_portfolio.csv",
    mime="text/csv",
    on_click=state.door().record_export,
    kwargs={"what": "portfolio"},
    key="portfolio_download",
)

st.header("Each pillar across areas")
cols = st.columns(2)
for i, (pid, title) in enumerate(pillars.items()):
    with cols[i % 2]:
        chart(
            figures.pillar_strip(
                shown.assign(name=shown["area"].map(names)),
                pid,
                bands=cat.rules.bands,
                title=title,
            ),
            key=f"strip_{pid}",
        )
