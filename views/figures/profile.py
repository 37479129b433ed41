"""Figures of an area's readiness profile: pure functions returning plotly figures.

Each function takes frames shaped as in :class:`analysis.readiness.Profile` and
:class:`analysis.disclosure.Disclosed`. Throughout: Okabe–Ito colours, and nothing told by colour
alone (bands are named, suppressed cells say so, series differ in marker and label); text
from data goes through :func:`esc`, as plotly renders a subset of HTML; a suppressed cell or
row is drawn as "suppressed" and its value and n never enter the figure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from views.figures.style import (
    BLACK,
    BLUE,
    DIVERGING,
    GREY,
    HIDDEN,
    SEQUENTIAL,
    SKY,
    SUPPRESSED_FILL,
    TYPE_COLOURS,
    VERMILLION,
    BandLike,
    add_bands,
    default_range,
    empty_figure,
    esc,
    flags,
    floats,
    layout,
    note,
    points,
    pretty,
    range_text,
    row_axis,
    row_note,
    wrap,
)


def score_chart(
    table: pd.DataFrame,
    bands: Sequence[BandLike],
    *,
    benchmark: pd.Series | None = None,
    title: str = "",
    x_range: tuple[float, float] | None = None,
) -> go.Figure:
    """One row per pillar or scale: the score with its likely range, labelled "3.42 (n=140)",
    on the shaded bands; ``benchmark`` (indexed like ``table``) as a black tick."""
    lo, hi = x_range or default_range(table)
    share = (lo, hi) == (0.0, 1.0)
    fmt = "{:.0%}" if share else "{:.2f}"
    labels = [esc(t) for t in table.get("title", table.index)]
    est, low, high = (floats(table, c) for c in ("estimate", "low", "high"))
    n = [f" (n={k:.0f})" if pd.notna(k) else "" for k in table.get("n", [np.nan] * len(table))]
    band_label = {b.id: b.label for b in bands}
    band = [band_label.get(b, b) for b in table.get("band", pd.Series(None, table.index))]
    rows = np.flatnonzero(np.isfinite(est))
    fig = go.Figure()
    add_bands(fig, bands, (lo, hi))
    text = [fmt.format(est[i]) + n[i] for i in rows]
    hover = [
        f"{labels[i]}: {fmt.format(est[i])}{n[i]}"
        + (f"<br>Likely range{range_text(low[i], high[i], fmt)}" if np.isfinite(low[i]) else "")
        + (f"<br>Band: {esc(band[i])}" if isinstance(band[i], str) else "")
        for i in rows
    ]
    name = "This area (line: likely range)"
    fig.add_trace(
        points(est[rows], rows, low[rows], high[rows], text=text, hovertext=hover, name=name)
    )
    for i in np.flatnonzero(~np.isfinite(est)):
        row_note(fig, i, f"no score{n[i]}", x=lo)
    if benchmark is not None:
        med = pd.to_numeric(benchmark.reindex(table.index), errors="coerce").to_numpy(float)
        has = np.flatnonzero(np.isfinite(med))
        marker = {"symbol": "line-ns-open", "size": 24, "line": {"width": 3}, "color": BLACK}
        hover = [f"{labels[i]}: median of all areas {fmt.format(med[i])}" for i in has]
        tick = go.Scatter(x=med[has], y=has, mode="markers", marker=marker, hovertext=hover)
        fig.add_trace(tick.update(name="Median of all areas", hoverinfo="text"))
    layout(fig, title, rows=len(table), per_row=48)
    row_axis(fig, labels)
    pad = (hi - lo) * 0.02
    fig.update_xaxes(range=[lo - pad, hi + pad], dtick=0.2 if share else 1)
    if share:
        return fig.update_xaxes(tickformat=".0%", title="Share of answers correct")
    return fig.update_xaxes(title="Average score (1 = low, 5 = high)")


def weakest_links_chart(
    pairs: pd.DataFrame,
    *,
    names: Mapping[str, str],
    k: int = 5,
    bands: Sequence[BandLike] | None = None,
) -> go.Figure:
    """Mutual trust of the ``k`` weakest sector pairs with likely ranges, each labelled
    "Acute health ↔ Adult social care"; both directions in the hover text."""
    title = "Weakest links: sector pairs with the lowest mutual trust"
    top = pairs.sort_values("mutual", kind="stable").head(k)
    if top.empty:
        return empty_figure(title, "No sector pair has enough ratings both ways to show.")
    name = {c: esc(names.get(c, c)) for c in [*top["a"], *top["b"]]}
    labels = [f"{name[a]} ↔ {name[b]}" for a, b in zip(top["a"], top["b"], strict=True)]
    m, low, high = (floats(top, c) for c in ("mutual", "mutual_low", "mutual_high"))
    text = [f"{x:.2f}{range_text(a, b)}" for x, a, b in zip(m, low, high, strict=True)]
    hover = [
        f"{name[r.a]} staff trust {name[r.b]}: {r.t_ab:.2f} (n = {r.n_ab:.0f})<br>"
        f"{name[r.b]} staff trust {name[r.a]}: {r.t_ba:.2f} (n = {r.n_ba:.0f})"
        for r in top.itertuples()
    ]
    fig = go.Figure()
    if bands is not None:
        add_bands(fig, bands, (1.0, 5.0))
    name = "Mutual trust (line: likely range)"
    fig.add_trace(points(m, range(len(top)), low, high, text=text, hovertext=hover, name=name))
    layout(fig, title, rows=len(top), per_row=52)
    row_axis(fig, labels)
    return fig.update_xaxes(range=[0.9, 5.1], dtick=1, title="Mutual trust (1 = low, 5 = high)")


def change_chart(change: pd.DataFrame, *, titles: Mapping[str, str] | None = None) -> go.Figure:
    """Each pillar's change since the previous wave with its likely range, a line at no
    change, labelled "+1.59 (1.52 to 1.67)". ``titles``: pillar id → title."""
    table = change[change["kind"] == "pillar"] if "kind" in change else change
    prev = table["previous_wave"].dropna() if "previous_wave" in table else []
    title = f"Change since wave {prev.iloc[0]}" if len(prev) else "Change since the last wave"
    if table.empty:
        return empty_figure(title, "No earlier wave to compare with.")
    titles = titles or {}
    labels = [esc(titles.get(m, pretty(m))) for m in table.index]
    d, low, high = (floats(table, c) for c in ("difference", "low", "high"))
    before, after = floats(table, "previous"), floats(table, "current")
    rows = np.flatnonzero(np.isfinite(d))
    text = [f"{round(d[i], 2) + 0:+.2f}{range_text(low[i], high[i])}" for i in rows]
    hover = [
        f"{labels[i]}: {before[i]:.2f} → {after[i]:.2f}, change {t}"
        for i, t in zip(rows, text, strict=True)
    ]
    fig = go.Figure().add_vline(x=0, line={"color": BLACK, "width": 1.5}, name="no change")
    name = "Change (line: likely range)"
    fig.add_trace(
        points(d[rows], rows, low[rows], high[rows], text=text, hovertext=hover, name=name)
    )
    for i in np.flatnonzero(~np.isfinite(d)):
        row_note(fig, i, "no earlier score")
    reach = max(0.5, 1.25 * float(np.nanmax(np.abs([*d, *low, *high]), initial=0)))
    layout(fig, title, rows=len(table), per_row=52)
    row_axis(fig, labels)
    fig.update_xaxes(range=[-reach, reach], zeroline=False, title="Change in score (points, 1–5)")
    note(fig, "← lower than before", x=0, y=1, yanchor="bottom")
    note(fig, "higher than before →", x=1, y=1, xanchor="right", yanchor="bottom")
    return fig


_CALIBRATION = (  # rate column, its number of decisions, legend
    ("over_caution", "lawful_n", "Held back when sharing was lawful (over-caution)"),
    ("over_sharing", "unlawful_n", "Shared when it was not lawful (over-sharing)"),
)
_CALIBRATION_STYLE = (  # label verb, marker, colour, row offset, label side
    ("held back", "circle", VERMILLION, -0.18, "top center"),
    ("over-shared", "diamond", BLUE, 0.18, "bottom center"),
)


def calibration_chart(
    calibration_by_sector: pd.DataFrame, *, names: Mapping[str, str]
) -> go.Figure:
    """Per sector, how often workshop participants held back where sharing was lawful and
    shared where it was not (0–100 %, Wilson intervals); suppressed sectors only named."""
    table = calibration_by_sector
    title = "Confidence about the law, by sector (workshop scenarios)"
    if table.empty:
        return empty_figure(title, "No workshop decisions for this wave.")
    hidden = flags(table, "suppressed")
    labels = [esc(names.get(s, s)) for s in table.index]
    fig = go.Figure()
    for (col, n_col, legend), style in zip(_CALIBRATION, _CALIBRATION_STYLE, strict=True):
        verb, symbol, colour, offset, side = style
        keep = np.flatnonzero(~hidden & np.isfinite(floats(table, col)))
        rate, low, high = (100 * floats(table, c)[keep] for c in (col, f"{col}_low", f"{col}_high"))
        n = floats(table, n_col)[keep]
        hover = [
            f"{labels[r]}: {verb} in {x:.0f}% of {k:.0f} decisions{range_text(a, b, '{:.0f}%')}"
            for r, x, k, a, b in zip(keep, rate, n, low, high, strict=True)
        ]
        fig.add_trace(
            points(
                rate,
                keep + offset,
                low,
                high,
                name=legend,
                textposition=side,
                text=[f"{x:.0f}% {verb}" for x in rate],
                hovertext=hover,
                marker={"symbol": symbol, "size": 11, "color": colour},
            )
        )
    reasons = table.get("reason", pd.Series("", index=table.index)).fillna("")
    for i in np.flatnonzero(hidden):
        row_note(fig, i, "suppressed: " + esc(reasons.iloc[i] or "too few people to show"))
    layout(fig, title, rows=len(table), per_row=72)
    row_axis(fig, labels)
    return fig.update_xaxes(range=[-2, 102], ticksuffix="%", title="Share of workshop decisions")


def coverage_chart(coverage: pd.DataFrame, *, min_per_sector: int) -> go.Figure:
    """Survey respondents per sector: key sectors hatched and labelled "key", a dashed line
    at the minimum per sector, suppressed sectors labelled without a number."""
    labels = [esc(x) for x in coverage.get("name", coverage.index)]
    key, hidden, n = flags(coverage, "key"), flags(coverage, "suppressed"), floats(coverage, "n")
    fig = go.Figure()
    for is_key, legend, colour, pattern in (
        (True, "Key sector (needed for a verdict)", BLUE, "/"),
        (False, "Other sector", SKY, ""),
    ):
        rows = np.flatnonzero((key == is_key) & ~hidden)
        fig.add_trace(
            go.Bar(
                x=n[rows],
                y=rows,
                orientation="h",
                name=legend,
                textposition="outside",
                marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": "white"}},
                text=[f"{x:.0f}" if x else "0 (none)" for x in n[rows]],
                cliponaxis=False,
                hovertext=[f"{labels[r]}: {n[r]:.0f} respondents" for r in rows],
                hoverinfo="text",
            )
        )
    reasons = coverage.get("reason", pd.Series("", index=coverage.index)).fillna("")
    for i in np.flatnonzero(hidden):
        why = str(reasons.iloc[i])
        row_note(fig, i, esc(f"{why} (hidden)" if why.startswith("fewer than") else "hidden"))
    line = {"color": BLACK, "dash": "dash", "width": 2}
    fig.add_vline(x=min_per_sector, line=line, annotation_text=f"minimum: {min_per_sector}")
    fig.update_annotations(selector={"text": f"minimum: {min_per_sector}"}, yanchor="bottom")
    layout(fig, "Who answered the survey: respondents per sector", rows=len(coverage), per_row=30)
    row_axis(fig, [f"{lab} · key" if k else lab for lab, k in zip(labels, key, strict=True)])
    top = float(np.nanmax(n, initial=float(min_per_sector)))
    fig.update_xaxes(range=[0, top * 1.15 + 1], title="Survey respondents")
    return fig.update_layout(bargap=0.3)


def evidence_bars(
    themes_or_cards: pd.DataFrame,
    *,
    kind: str,
    top: int = 8,
    pillar_titles: Mapping[str, str] | None = None,
) -> go.Figure:
    """Interview themes (``kind="themes"``: how many interviews raised each) or workshop
    cards (``kind="cards"``: votes per pillar), barriers and enablers in separate panels."""
    if kind not in ("themes", "cards"):
        raise ValueError(f'kind must be "themes" or "cards", not {kind!r}')
    themes, frame = kind == "themes", themes_or_cards
    title = (
        "Interview themes: how many interviews raised each"
        if themes
        else "Workshop cards: votes by pillar"
    )
    if frame.empty:
        return empty_figure(title, "Nothing was recorded for this wave.")
    value = "interviews" if themes else "votes"
    found = [str(t) for t in pd.unique(frame["type"])]
    types = [t for t in TYPE_COLOURS if t in found] + sorted(set(found) - set(TYPE_COLOURS))
    heads = [esc(pretty(t)) + "s" for t in types]
    fig = make_subplots(rows=len(types), cols=1, vertical_spacing=0.12, subplot_titles=heads)
    shown = 0
    for r, t in enumerate(types, start=1):
        part = frame[frame["type"].astype(str) == t]
        part = part.sort_values(value, ascending=False, kind="stable").head(top)
        shown += len(part)
        if themes:
            labels = [wrap(x) for x in part["title"]]
            text = [f"{v:.0f} interview{'s' * (v != 1)}" for v in part[value]]
        else:
            labels = [esc((pillar_titles or {}).get(p, pretty(p))) for p in part["pillar"]]
            text = [
                f"{v:.0f} votes ({c:.0f} cards)"
                for v, c in zip(part[value], part["cards"], strict=True)
            ]
        bar = go.Bar(
            x=part[value].astype(float),
            y=labels,
            orientation="h",
            name=heads[r - 1],
            marker={"color": TYPE_COLOURS.get(t, GREY)},
            text=text,
            textposition="outside",
            cliponaxis=False,
            hoverinfo="text",
            hovertext=[f"{a}: {b}" for a, b in zip(labels, text, strict=True)],
        )
        fig.add_trace(bar, row=r, col=1)
        fig.update_yaxes(autorange="reversed", row=r, col=1)
    layout(fig, title, rows=shown + len(types), per_row=34)
    most = max(float(frame[value].max()), 1)
    fig.update_xaxes(range=[0, 1.35 * most], tick0=0, dtick=max(1, int(np.ceil(most / 6))))
    fig.update_xaxes(title="Interviews" if themes else "Votes", row=len(types), col=1)
    return fig.update_layout(showlegend=False)


_HEAT = {  # mode: title, row axis, column axis, colour bar
    "trust": (
        "How much staff of each sector trust each other sector",
        "Staff of …",
        "… trust in",
        "Trust<br>1 low – 5 high",
    ),
    "mutual": (
        "Mutual trust: the average of the trust each way",
        "Sector",
        "and sector",
        "Mutual trust<br>1 low – 5 high",
    ),
    "asymmetry": (
        "One-sided trust: positive where a sector trusts more than it is trusted back",
        "Staff of …",
        "… compared with the trust back, trust in",
        "More (+) or less (−)<br>than trusted back",
    ),
}


def trust_heatmap(
    values: pd.DataFrame,
    n: pd.DataFrame,
    status: pd.DataFrame,
    *,
    names: Mapping[str, str],
    mode: str = "trust",
) -> go.Figure:
    """Rater sector (rows) × target sector (columns), each cell with its value and n.

    ``mode`` "trust" or "mutual" shades 1–5 light to dark; "asymmetry" diverges around 0
    (−2 to 2). A cell suppressed by disclosure control (in "mutual" and "asymmetry": either
    direction) is grey and says "suppressed"; own-sector cells are outlined."""
    if mode not in _HEAT:
        raise ValueError(f'mode must be "trust", "mutual" or "asymmetry", not {mode!r}')
    rows, cols = list(values.index), list(values.columns)

    def grid(frame: pd.DataFrame, fill: object) -> np.ndarray:
        return frame.reindex(index=rows, columns=cols).fillna(fill).to_numpy()

    st, nab = grid(status, "empty"), grid(n, np.nan).astype(float)
    st_t, nba = st, nab
    if mode != "trust":  # a pair is shown only when both directions are
        st_t, nba = grid(status.T, "empty"), grid(n.T, np.nan).astype(float)
    own = np.array(rows, dtype=object)[:, None] == np.array(cols, dtype=object)[None, :]
    hidden = np.isin(st, HIDDEN) | np.isin(st_t, HIDDEN)
    small = (st == "small") | (st_t == "small")
    shown = (st == "shown") & (st_t == "shown") & ~(own & (mode != "trust"))
    v = values.to_numpy(dtype=float)
    z = np.where(shown & np.isfinite(v), v, np.nan)
    label = {code: esc(names.get(code, code)) for code in [*rows, *cols]}
    hover = np.full(z.shape, "", dtype=object)
    cells = []  # added in one go: one add_annotation per cell is quadratic in plotly
    for i, j in np.ndindex(z.shape):
        a, b, x, colour, size = label[rows[i]], label[cols[j]], z[i, j], "#222", 11
        if hidden[i, j]:
            why = "too few people" if small[i, j] else "so a smaller group cannot be worked out"
            pair = f"{a} staff trust {b}" if mode == "trust" else f"{a} and {b}"
            hover[i, j], text, size = f"{pair}: suppressed ({why})", "suppressed", 9
        elif np.isfinite(x):
            hover[i, j] = _cell_sentence(mode, a, b, x, nab[i, j], nba[i, j], own[i, j])
            count = f"{nab[i, j]:.0f}" + ("" if mode == "trust" else f"/{nba[i, j]:.0f}")
            text = (
                f"{round(x, 1) + 0:+.1f}" if mode == "asymmetry" else f"{x:.1f}"
            ) + f"<br>n={count}"
            if (abs(x) > 1.2) if mode == "asymmetry" else (x > 3.3):
                colour = "white"
        elif own[i, j] and mode != "trust":
            text, colour = "own", GREY
        else:
            continue
        font = {"color": colour, "size": size}
        cells.append({"x": j, "y": i, "text": text, "showarrow": False, "font": font})
    fig = go.Figure(layout={"annotations": cells})
    xs, ys = list(range(len(cols))), list(range(len(rows)))
    common = {"x": xs, "y": ys, "xgap": 2, "ygap": 2, "hoverongaps": False, "text": hover}
    common["hovertemplate"] = "%{text}<extra></extra>"
    scale = {"zmin": 1.0, "zmax": 5.0, "colorscale": SEQUENTIAL}
    if mode == "asymmetry":
        scale = {"zmin": -2.0, "zmax": 2.0, "zmid": 0.0, "colorscale": DIVERGING}
    bar = {"title": {"text": _HEAT[mode][3]}, "thickness": 14}
    fig.add_trace(go.Heatmap(z=z, name=mode, colorbar=bar, **scale, **common))
    grey = [[0, SUPPRESSED_FILL], [1, SUPPRESSED_FILL]]
    z_hidden = np.where(hidden, 0.0, np.nan)
    fig.add_trace(
        go.Heatmap(z=z_hidden, name="suppressed", colorscale=grey, showscale=False, **common)
    )
    outline = {"type": "rect", "line": {"color": BLACK, "width": 2.5}, "name": "own sector"}
    for i, j in zip(*np.nonzero(own), strict=True):
        fig.add_shape(outline, x0=j - 0.5, x1=j + 0.5, y0=i - 0.5, y1=i + 0.5)
    layout(fig, _HEAT[mode][0], rows=len(rows), per_row=46)
    row_axis(fig, [label[r] for r in rows], pad=0, title=_HEAT[mode][1])
    ticks = {"tickvals": xs, "ticktext": [label[c] for c in cols], "tickangle": -35}
    fig.update_xaxes(side="top", showgrid=False, zeroline=False, title=_HEAT[mode][2], **ticks)
    note(fig, "Outlined: staff rating their own sector, reported apart. Blank: nobody rated.")
    return fig.update_layout(margin={"t": 190, "b": 70})


def _cell_sentence(mode: str, a: str, b: str, x: float, na: float, nb: float, own: bool) -> str:
    if mode == "trust" and own:
        return f"{a} staff trust their own sector: {x:.2f} (n = {na:.0f}; reported apart)"
    if mode == "trust":
        return f"{a} staff trust {b}: {x:.2f} (n = {na:.0f})"
    if mode == "mutual":
        return f"{a} and {b} trust each other: {x:.2f} on average (n = {na:.0f} and {nb:.0f})"
    how = "more than" if x > 0 else "less than" if x < 0 else "as much as"
    gap = f"{round(x, 2) + 0:+.2f}"
    return f"{a} staff trust {b} {how} {b} staff trust {a}: {gap} (n = {na:.0f} and {nb:.0f})"
