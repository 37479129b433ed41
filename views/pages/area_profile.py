"""Area profile: is this area ready, and if not, exactly why."""

from functools import partial

import pandas as pd
import streamlit as st

from analysis.change import change_table
from app.access import AccessDenied
from app.exports.microdata import MICRODATA_FORMATS
from app.exports.report import FORMATS as REPORT_FORMATS
from app.exports.tables import csv_bytes
from views import figures, state
from views.action_panel import action_panel, pair_actions
from views.errors import sentence
from views.widgets import area_and_wave, chart, plain, verdict_box

account = state.account()
names = state.catalogue().sectors
sector_names = {s.code: s.short for s in names.sectors}
rules = state.catalogue().rules
min_group, min_text_group = state.ask("disclosure_limits")

choice = area_and_wave(key="profile")
if choice is None:
    st.stop()
area, wave = choice
try:
    d = state.ask("profile", area, wave)
except AccessDenied as exc:
    st.warning(sentence(exc))
    st.stop()
p = d.profile
st.title(f"{plain(state.area_name(area))} ({plain(area)}), wave {plain(wave)}")

verdict_box(p.verdict, {v.id: v.label for v in rules.verdicts})
if p.disagreement:
    st.warning(
        "Staff in this area disagree too much for these area scores to mean much "
        f"(rwg(j) below {rules.agreement.rwg_j_min:.2f}): {', '.join(p.disagreement)}. "
        "Look at the spread by sector before relying on the average."
    )

titles = pd.concat([p.pillars["title"], p.scales["title"]]).to_dict()
actions = state.door().actions(area)  # read afresh: actions change without new evidence
on_pair = pair_actions(actions)
history = state.ask("trend", area, wave)
if history["wave"].nunique() > 1:
    st.header("Across waves")
    left, right = st.columns(2)
    with left:
        chart(
            figures.trend_chart(history, kind="pillar", title="Pillars, every wave"),
            key="trend_pillars",
        )
    with right:
        chart(
            figures.trend_chart(history, kind="pair", title="Weakest links (mutual trust)"),
            key="trend_pairs",
        )
if p.change is not None:
    before = p.change["previous_wave"].iloc[0]
    st.header(f"Change since wave {plain(before)}")
    st.caption(
        "A change is real only when its 95% interval excludes zero (bootstrap of "
        "respondents within sectors in each wave); otherwise it is within chance."
    )
    chart(figures.change_chart(p.change, titles=titles), key="change_chart")
    tables = {
        "pillars": ("pillar",),
        "sector pairs (mutual trust)": ("pair",),
        "scales": ("scale",),
    }
    for label, kinds in tables.items():
        table = change_table(
            p.change, kinds=kinds, titles=titles, names=sector_names, current_wave=wave
        )
        if len(table) and kinds == ("pair",):
            pairs = p.change.loc[table.index]
            table["Actions on this pair"] = [
                on_pair.get((a, b), "–") for a, b in zip(pairs["a"], pairs["b"], strict=True)
            ]
        if len(table):
            with st.expander(f"Change in {label}", expanded=kinds == ("pair",)):
                st.dataframe(table, hide_index=True, key=f"change_{kinds[0]}")

benchmark = state.ask("benchmark")
st.header("Pillars")
chart(
    figures.score_chart(p.pillars, rules.bands, benchmark=benchmark, title="Pillar scores"),
    key="pillar_chart",
)
with st.expander("Every scale"):
    likert = p.scales[p.scales["kind"] == "likert"]
    chart(
        figures.score_chart(likert, rules.bands, benchmark=benchmark, title="Scale scores"),
        key="scale_chart",
    )
    knowledge = p.scales[p.scales["kind"] == "knowledge"]
    for _, row in knowledge.iterrows():
        st.write(
            f"Knowledge of the law: {row['estimate']:.0%} of true/false statements answered "
            f"correctly (95% interval {row['low']:.0%}–{row['high']:.0%}, n = {row['n']})."
        )

st.header("Trust between sectors")
mode = st.radio(
    "Show",
    ["trust", "mutual", "asymmetry"],
    format_func={
        "trust": "Trust (rater → target)",
        "mutual": "Mutual trust",
        "asymmetry": "Asymmetry (one-sided trust)",
    }.get,
    horizontal=True,
    key="trust_mode",
)
values = {"trust": d.trust_mean, "mutual": d.mutual, "asymmetry": d.asymmetry}[mode]
chart(
    figures.trust_heatmap(values, d.trust_n, d.trust_status, names=sector_names, mode=mode),
    key="trust_heatmap",
)
st.caption(
    "Each row is the sector whose staff answered; each column the sector they rated. Cells "
    f"rated by fewer than {min_group} people, or about a sector with fewer than "
    f"{min_group} respondents here, are suppressed, as are cells from which a "
    "suppressed one could be worked out."
)
if len(p.pairs):
    st.subheader("Weakest links")
    chart(figures.weakest_links_chart(p.pairs, names=sector_names), key="weakest_links")

action_panel(area, wave, p, actions, sectors=sector_names)

st.header("Confidence about the law")
overall = p.calibration
if len(overall) and pd.isna(overall["over_caution"].iloc[0]) and overall["lawful_n"].iloc[0]:
    st.write(
        f"Fewer than {min_group} people took part in this wave's workshop, so its "
        "figures are not shown."
    )
elif len(overall) and overall["lawful_n"].iloc[0] > 0:
    row = overall.iloc[0]
    st.write(
        f"In the workshop scenarios, participants held back where sharing was lawful in "
        f"{row['over_caution']:.0%} of decisions (n = {int(row['lawful_n'])}) and would have "
        f"shared where it was not lawful in {row['over_sharing']:.0%} "
        f"(n = {int(row['unlawful_n'])})."
    )
    chart(
        figures.calibration_chart(d.calibration_by_sector, names=sector_names),
        key="calibration_chart",
    )
else:
    st.write("No workshop evidence for this wave.")

st.header("Interviews and workshops beside the survey")
if len(p.triangulation):
    table = p.triangulation[["title", "survey", "interview", "interviews", "disagree"]]
    st.dataframe(
        table.rename(
            columns={
                "title": "Dimension",
                "survey": "Survey score",
                "interview": "Interview rating",
                "interviews": "Interviews",
                "disagree": "Differ by more than 1 point",
            }
        ),
        hide_index=True,
        key="triangulation",
    )
left, right = st.columns(2)
with left:
    if len(p.themes):
        chart(figures.evidence_bars(p.themes, kind="themes"), key="themes_chart")
with right:
    if len(p.cards):
        chart(
            figures.evidence_bars(
                p.cards, kind="cards", pillar_titles=p.pillars["title"].to_dict()
            ),
            key="cards_chart",
        )
if account.scope.quotes:
    with st.expander("Interview quotes (engagement managers only)"):
        st.dataframe(state.ask("quotes", area, wave), hide_index=True, key="quotes")
if account.scope.free_text:
    st.subheader("What staff wrote: themes")
    themes = state.ask("comment_themes", area, wave)
    if themes.empty:
        st.write(
            f"No open comments from sectors of at least {min_text_group} respondents in this wave."
        )
    else:
        st.caption(
            "Open comments coded to the themes of the coding frame "
            "(instruments/comment_themes.yaml), counted only from sectors with at least "
            f"{min_text_group} respondents; shares are of the comments to each question."
            + (
                " Examples are redacted and for engagement managers only."
                if account.scope.quotes
                else ""
            )
        )
        st.dataframe(themes, hide_index=True, key="comment_themes")
    if account.scope.quotes:
        with st.expander("Uncoded comments, grouped (for the coding frame's next version)"):
            clusters = state.ask("uncoded_comment_clusters", area, wave)
            if clusters.empty:
                st.write("Too few uncoded comments to group.")
            else:
                st.dataframe(clusters, key="uncoded_clusters")
    with st.expander(
        f"What staff wrote (sectors with at least {min_text_group} respondents, redacted)"
    ):
        st.dataframe(state.ask("texts", area, wave), hide_index=True, key="texts")

st.header("Who gave evidence")
chart(
    figures.coverage_chart(
        d.coverage, min_per_sector=rules.minimum_evidence.respondents_per_sector
    ),
    key="coverage_chart",
)
st.write(
    f"{p.respondents} survey respondents, {p.interviews} interviews, "
    f"{p.workshop_participants} workshop participants."
)
if p.missing_key_sectors:
    missing = ", ".join(sector_names.get(s, s) for s in p.missing_key_sectors)
    st.write(f"Key sectors without enough survey evidence: {plain(missing)}.")

st.header("Take it to the board")
st.caption(
    "The area report holds only what you may see here. It is made when you click, which "
    "can take a few seconds; every download is recorded in the audit log."
)
door = state.door()
buttons = st.columns(len(REPORT_FORMATS) + 1)
for column, fmt in zip(buttons, REPORT_FORMATS.values(), strict=False):
    why_not = fmt.unavailable()
    column.download_button(
        f"Report ({fmt.title})",
        data=partial(door.report, area, wave, fmt=fmt.name),
        file_name=f"readiness_{area}_{wave}{fmt.suffix}",
        mime=fmt.mime,
        on_click="ignore",
        disabled=why_not is not None,
        help=why_not,
        key=f"report_{fmt.name}",
    )
buttons[-1].download_button(
    "Scores (CSV)",
    data=csv_bytes(state.ask("profile_table", area, wave)),
    file_name=f"readiness_{area}_{wave}.csv",
    mime="text/csv",
    on_click=door.record_export,
    kwargs={"what": "profile", "area": area},
    key="profile_download",
)
if door.scope.quotes:
    with st.expander("Respondent-level data for R, SPSS and Stata"):
        st.caption(
            "This wave's survey answers, one row per respondent, with variable and value "
            "labels: no identifiers, organisations or free text, small categories merged and "
            "rare combinations suppressed. Made when you click; recorded in the audit log."
        )
        micro = st.columns(len(MICRODATA_FORMATS))
        for column, fmt in zip(micro, MICRODATA_FORMATS.values(), strict=True):
            column.download_button(
                "Codebook (CSV)" if fmt.name == "codebook" else f"Microdata ({fmt.title})",
                data=partial(door.export_area_microdata, area, wave, fmt.name),
                file_name=f"readiness_{area}_{wave}_"
                f"{'codebook' if fmt.name == 'codebook' else 'microdata'}{fmt.suffix}",
                mime=fmt.mime,
                on_click="ignore",
                key=f"area_microdata_{fmt.name}",
            )
