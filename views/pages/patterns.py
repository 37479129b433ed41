"""Patterns across areas: psychometrics, sectors and pooled trust (the academic panel)."""

import streamlit as st

from app.access import AccessDenied
from app.exports.psychometrics import report_markdown
from app.exports.tables import csv_bytes
from views import figures, state
from views.errors import sentence
from views.widgets import require

require(
    lambda scope: scope.role != "partnership",
    "Patterns across areas are for the academic panel and engagement managers.",
)
cat = state.catalogue()
names = {s.code: s.short for s in cat.sectors.sectors}
names["other"] = "Other (merged small groups)"
titles = {x.id: x.title.en for x in cat.survey.scales} | {
    x.id: x.title.en for x in cat.survey.pillars
}
min_group, _ = state.ask("disclosure_limits")
st.title("Patterns across areas")
st.caption(
    "Pooled, pseudonymised data: areas are coded, small categories merged, no free text. "
    f"Groups of fewer than {min_group} respondents are not shown."
)
try:
    view = state.pooled()
except AccessDenied as exc:
    st.error(sentence(exc))
    st.stop()
pooled = view.micro
if pooled.empty:
    st.info("No survey evidence yet.")
    st.stop()
report = view.report

st.header("How well each scale measures")
table = report.scales
cols = ["items", "n", "alpha", "alpha_low", "alpha_high", "omega", "rwg_j_median", "icc1", "icc2"]
st.dataframe(
    table[[c for c in cols if c in table]],
    width="stretch",
    column_config={c: st.column_config.NumberColumn(format="%.3f") for c in cols[2:]},
    key="scales_table",
)
with st.expander("Can area scores be used? (agreement and ICC per scale)"):
    for scale, row in table.iterrows():
        st.write(f"{scale}: {row['aggregation_note']}")
with st.expander(f"Factor structure: parallel analysis suggests {report.n_factors} factors"):
    st.dataframe(report.loadings.round(2), width="stretch", key="loadings")

st.header("Scales by sector")
by_sector = view.sector_means
st.plotly_chart(
    figures.sector_scale_heatmap(by_sector, names=names, titles=titles),
    key="sector_heatmap",
)
scale = st.selectbox(
    "Distribution of",
    list(view.scores.columns.drop("sector")),
    format_func=lambda s: titles.get(s, s),
    key="patterns_scale",
)
st.plotly_chart(
    figures.distribution_by_sector(
        view.scores,
        value=scale,
        sector="sector",
        names=names,
        min_group=min_group,
        value_label=titles.get(scale),
    ),
    key="distribution",
)
if scale in report.comparisons.index:
    c = report.comparisons.loc[scale]
    st.write(
        f"Sectors differ on this scale: Welch F({c['welch_df1']:.0f}, {c['welch_df2']:.1f}) = "
        f"{c['welch_F']:.2f}, p = {c['welch_p']:.3g}; Kruskal–Wallis H = {c['kruskal_H']:.2f}, "
        f"p = {c['kruskal_p']:.3g}; ω² = {c['omega_squared']:.3f}, ε² = {c['epsilon_squared']:.3f}."
    )
    pairs = report.pairwise[report.pairwise["scale"] == scale].drop(columns="scale")
    with st.expander("Games–Howell pairwise comparisons"):
        st.dataframe(pairs, hide_index=True, key="pairwise")

st.header("Pooled trust between sectors")
mean, n, status = view.trust
st.plotly_chart(
    figures.trust_heatmap(mean, n, status, names=names, mode="trust"), key="pooled_trust"
)

st.header("Downloads")
st.download_button(
    "Pseudonymised microdata (CSV)",
    data=csv_bytes(pooled),
    file_name="readiness_microdata.csv",
    mime="text/csv",
    on_click=state.door().record_export,
    kwargs={"what": "microdata"},
    key="download_microdata",
)
st.download_button(
    "Psychometrics report (Markdown)",
    data=report_markdown(report),
    file_name="readiness_psychometrics.md",
    key="download_report",
)
