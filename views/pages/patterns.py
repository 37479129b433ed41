"""Patterns across areas: psychometrics, sectors and pooled trust (the academic panel)."""

from functools import partial

import streamlit as st

from app.access import AccessDenied
from app.exports.microdata import MICRODATA_FORMATS
from app.exports.psychometrics import (
    comparison_sentence,
    invariance_warning,
    report_markdown,
    structure_sentence,
)
from views import figures, state
from views.errors import sentence
from views.widgets import chart, require

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
    st.caption(report.factor_note)
    st.dataframe(report.loadings.round(2), width="stretch", key="loadings")

st.subheader("Measurement model")
st.write(structure_sentence(report.structure))
if not report.invariance.empty:
    levels = report.invariance.pivot(index="scale", columns="across", values="level")
    levels.index = [titles.get(s, s) for s in levels.index]
    st.caption(
        "Measurement invariance of each scale across sectors and waves (one-factor CFA): "
        "configural (same structure), metric (equal loadings), scalar (equal intercepts; "
        "needed to compare means). A step holds when CFI drops by no more than 0.010 "
        "(Chen, 2007)."
    )
    st.dataframe(levels, width="stretch", key="invariance")

st.header("Scales by sector")
by_sector = view.sector_means
chart(
    figures.sector_scale_heatmap(by_sector, names=names, titles=titles),
    key="sector_heatmap",
)
scale = st.selectbox(
    "Distribution of",
    list(view.scores.columns.drop("sector")),
    format_func=lambda s: titles.get(s, s),
    key="patterns_scale",
)
chart(
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
    st.write(comparison_sentence(c))
    caveat = invariance_warning(c)
    if caveat:
        st.warning(caveat)
    st.caption(
        f"Ignoring areas: Welch F({c['welch_df1']:.0f}, {c['welch_df2']:.1f}) = "
        f"{c['welch_F']:.2f}, p = {c['welch_p']:.3g}; Kruskal–Wallis H = {c['kruskal_H']:.2f}, "
        f"p = {c['kruskal_p']:.3g}; ω² = {c['omega_squared']:.3f}, ε² = {c['epsilon_squared']:.3f}."
    )
    pairs = report.pairwise[report.pairwise["scale"] == scale].drop(columns="scale")
    with st.expander("Games–Howell pairwise comparisons"):
        st.dataframe(pairs, hide_index=True, key="pairwise")

st.header("Pooled trust between sectors")
mean, n, status = view.trust
chart(figures.trust_heatmap(mean, n, status, names=names, mode="trust"), key="pooled_trust")

st.header("Downloads")
st.caption(
    "The pseudonymised microdata with variable and value labels, columns in questionnaire "
    "order, for R, SPSS and Stata; the codebook describes every variable. Each is made when "
    "you click and recorded in the audit log."
)
door = state.door()
buttons = st.columns(len(MICRODATA_FORMATS) + 1)
for column, fmt in zip(buttons, MICRODATA_FORMATS.values(), strict=False):
    column.download_button(
        "Codebook (CSV)" if fmt.name == "codebook" else f"Microdata ({fmt.title})",
        data=partial(door.export_microdata, state.pseudonym_key(), fmt.name),
        file_name=f"readiness_microdata{'_codebook' if fmt.name == 'codebook' else ''}{fmt.suffix}",
        mime=fmt.mime,
        on_click="ignore",
        key=f"download_microdata_{fmt.name}",
    )
buttons[-1].download_button(
    "Psychometrics report (Markdown)",
    data=partial(report_markdown, report),
    file_name="readiness_psychometrics.md",
    on_click="ignore",
    key="download_report",
)
