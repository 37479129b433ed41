"""Pieces several pages share: choosing an area and wave (carried in the URL) and the
verdict box."""

from __future__ import annotations

import re
from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from analysis.verdict import Verdict
from app.accounts import Account, Scope
from views import state
from views.figures import alt

# Characters that start formatting anywhere in a line: emphasis, code, links and images,
# HTML and entities, tables, strikethrough, LaTeX ($) and colour or icon directives (:red[…]).
_INLINE = re.compile(r"([\\`*_{}\[\]<>!|~$:&])")
# ... and at the start of a line only: a list, heading, quote or numbered item.
_LEADING = re.compile(r"^([-+#>]|\d+[.)])")


def plain(text: object) -> str:
    """``text`` (an area name, a wave label, a user name: anything a person typed) escaped
    so that markdown shows it exactly as typed, never as formatting, a link or HTML. Line
    breaks become spaces; ordinary text ("Ashvale", "2026-1") is left as it is."""
    flat = _INLINE.sub(r"\\\1", " ".join(str(text).split()))
    return _LEADING.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], flat)


_STYLE = {
    "ready": st.success,
    "ready_with_conditions": st.info,
    "not_yet_ready": st.error,
    "insufficient_evidence": st.warning,
}


def require(allowed: Callable[[Scope], bool], refusal: str) -> Account:
    """The signed-in account, when its role may open this page; otherwise the page says
    ``refusal`` and stops. (The router does not offer pages a role cannot open; this holds
    even when a page is reached some other way.)"""
    account: Account = state.account()
    if not allowed(account.scope):
        st.error(refusal)
        st.stop()
    return account


def area_and_wave(*, key: str) -> tuple[str, str] | None:
    """Area and wave selectors, starting from ``?area=…&wave=…`` when the user may see that
    area, and writing the choice back to the URL so a view can be shared.

    An area the user may not see is treated exactly like one that does not exist."""
    areas = state.ask("visible_areas")
    if not areas:
        st.info("There is no area for you to see yet.")
        return None
    asked = st.query_params.get("area")
    if asked and asked not in areas:
        st.warning("That area is not available to you. Showing one you can see.")
    names = state.ask("area_names")
    area = st.selectbox(
        "Area",
        areas,
        index=areas.index(asked) if asked in areas else 0,
        format_func=lambda a: f"{names.get(a, a)} ({a})",
        key=f"{key}_area",
    )
    waves = state.ask("area_waves", area)
    if not waves:
        st.info("This area has no evidence yet.")
        return None
    # The wave in the address belongs to the area in the address: another area chosen here
    # opens on its own latest wave, as it does from the portfolio.
    asked_wave = st.query_params.get("wave") if area == asked else None
    wave = st.selectbox(
        "Wave",
        waves,
        index=waves.index(asked_wave) if asked_wave in waves else len(waves) - 1,
        key=f"{key}_wave_{area}",
    )
    st.query_params["area"] = area
    st.query_params["wave"] = wave
    return area, wave


def verdict_box(verdict: Verdict, next_labels: dict[str, str]) -> None:
    """The verdict in large type (with how likely it is when it is not settled), the rule
    that decided it, every reason as a plain sentence, the conditions or the route to the
    next level, and the suggested next steps."""
    show = _STYLE.get(verdict.id, st.info)
    ex = verdict.explanation
    show(f"**Verdict: {verdict.statement or verdict.label}**")
    if ex is not None:
        st.markdown(f"**Decided by.** {ex.decided_by.text.removeprefix('Decided by ')}")
    for reason in verdict.reasons:
        st.markdown(f"- {reason.text}")
    if ex is None:
        return
    lines, heading = ex.route, f"To reach {next_labels.get(ex.next_level or '', '')}"
    if ex.conditions:
        lines, heading = ex.conditions, "Conditions to meet for Ready"
    if lines:
        st.markdown(f"**{heading}**\n\n" + "\n".join(f"- {r.text}" for r in lines))
    if ex.next_steps:
        with st.expander("Suggested next steps"):
            st.markdown("\n".join(f"- **{about}**: {text}" for about, text in ex.next_steps))


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def as_text(text: str) -> str:
    """``text`` with every markdown character escaped, for elements that render markdown
    (labels in a chart may be names people typed)."""
    return _MARKDOWN.sub(r"\\\1", text)


def chart(fig: go.Figure, *, key: str) -> None:
    """A chart with its text alternative: a caption summarising it, and a "Show as table"
    switch that shows the same numbers as a table (both read from the figure)."""
    st.plotly_chart(fig, key=key)
    st.caption(as_text(alt.chart_summary(fig)))
    if st.toggle("Show as table", key=f"{key}_as_table"):
        table = alt.chart_table(fig)
        title = alt.title_of(fig)
        st.dataframe(table, key=f"{key}_table")
        if title:
            st.caption(as_text(f"The numbers of “{title}”."))
