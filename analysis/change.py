"""Change between two waves of an area that is tested, not just a difference: every
pillar, scale and sector pair's mutual trust, with a bootstrap interval for the change,
marked *real* only when that interval excludes zero.

Method. Each wave's profile resamples its respondents within sectors B times (the
profile's own bootstrap, :mod:`analysis.bootstrap`); the two waves are independent
samples, so the b-th draw of the change is the b-th draw of the later wave minus the b-th
of the earlier, and the interval is the percentile interval of those B differences:

    Δ* _b = θ*_b(wave 2) − θ*_b(wave 1),   interval = [q_{α/2}(Δ*), q_{1−α/2}(Δ*)]

The change is called real when the interval lies wholly above or below zero. In R, for
one measure: ``boot::boot`` on each wave with ``strata = sector``, then
``quantile(t2 - t1, c(.025, .975))``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.bootstrap import percentile_interval

METHOD = (
    "Change between waves: the difference of the two waves' scores, with a {level:.0%} "
    "interval from {resamples:,} bootstrap resamples of respondents within sectors in each "
    "wave (the percentile interval of the differences between the waves' resampled "
    "scores). A change is called real only when its interval excludes zero."
)


def pair_key(a: str, b: str) -> str:
    """The measure id of a sector pair's mutual trust in a change table: ``pair:a|b``."""
    return f"pair:{a}|{b}"


def _real(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return (low > 0) | (high < 0)


def change_between(before, after, level: float) -> pd.DataFrame:
    """Change in every pillar, scale and sector pair since the previous wave.

    Parameters
    ----------
    before, after : Profile
        The two waves' profiles (:class:`analysis.readiness.Profile`), each with its
        bootstrap draws (``draws["scales"]``: resamples × scales then pillars;
        ``draws["mutual"]``: resamples × the rows of ``pairs``).
    level : float
        The interval's coverage, e.g. 0.95.

    Returns
    -------
    DataFrame
        Index ``measure`` (scale or pillar id, or :func:`pair_key` for a pair); columns
        ``previous``, ``current``, ``difference``, ``low``, ``high``, ``real`` (the interval
        excludes zero), ``kind`` (scale, pillar or pair), ``a`` and ``b`` (the pair's
        sectors), ``n_previous``, ``n_current`` (respondents, or for a pair the fewest
        raters of its four cells' two waves) and ``previous_wave``.
    """
    a, b = before.draws.get("scales"), after.draws.get("scales")
    ids = [*after.scales.index, *after.pillars.index]
    prev = pd.concat([before.scales, before.pillars]).reindex(ids)
    curr = pd.concat([after.scales, after.pillars]).reindex(ids)
    out = pd.DataFrame(
        {
            "previous": prev["estimate"].to_numpy(dtype=float),
            "current": curr["estimate"].to_numpy(dtype=float),
            "n_previous": prev["n"].to_numpy(dtype=float),
            "n_current": curr["n"].to_numpy(dtype=float),
        },
        index=pd.Index(ids, name="measure"),
    )
    if a is not None and b is not None and a.shape == b.shape and a.size:
        low, high = percentile_interval(b - a, level)
    else:
        low = high = np.full(len(ids), np.nan)
    out["low"], out["high"] = low, high
    out["kind"] = ["scale"] * len(after.scales) + ["pillar"] * len(after.pillars)
    out["a"] = out["b"] = None
    out = pd.concat([out, _pair_change(before, after, level)])
    out["difference"] = out["current"] - out["previous"]
    out["real"] = _real(out["low"].to_numpy(dtype=float), out["high"].to_numpy(dtype=float))
    out["previous_wave"] = before.wave
    columns = ["previous", "current", "difference", "low", "high", "real", "kind", "a", "b"]
    return out[[*columns, "n_previous", "n_current", "previous_wave"]]


def _pair_cells(p, a: str, b: str) -> int:
    n = p.trust.n
    try:
        return int(min(n.loc[a, b], n.loc[b, a]))
    except KeyError:
        return 0


def _pair_change(before, after, level: float) -> pd.DataFrame:
    """Mutual trust of every pair scored in both waves, with the interval of its change."""
    da, db = before.draws.get("mutual"), after.draws.get("mutual")
    empty = pd.DataFrame(
        columns=["previous", "current", "n_previous", "n_current", "low", "high", "kind"]
    )
    if da is None or db is None or not len(before.pairs) or not len(after.pairs):
        return empty
    if da.shape[0] != db.shape[0]:
        return empty
    pairs_before = zip(before.pairs["a"], before.pairs["b"], strict=True)
    earlier = {(x, y): i for i, (x, y) in enumerate(pairs_before)}
    rows, diffs = [], []
    for j, (x, y) in enumerate(zip(after.pairs["a"], after.pairs["b"], strict=True)):
        i = earlier.get((x, y))
        if i is None:
            continue
        rows.append(
            {
                "measure": pair_key(x, y),
                "previous": float(before.pairs["mutual"].iloc[i]),
                "current": float(after.pairs["mutual"].iloc[j]),
                "n_previous": _pair_cells(before, x, y),
                "n_current": _pair_cells(after, x, y),
                "kind": "pair",
                "a": x,
                "b": y,
            }
        )
        diffs.append(db[:, j].astype(float) - da[:, i].astype(float))
    if not rows:
        return empty
    table = pd.DataFrame(rows).set_index("measure")
    table["low"], table["high"] = percentile_interval(np.column_stack(diffs), level)
    return table


def hide_small(change: pd.DataFrame | None, min_group: int, shown_pairs: set) -> pd.DataFrame:
    """Disclosure control of a change table: rows from fewer than ``min_group`` people in
    either wave lose their numbers, and only pairs shown (both ways) in the current wave
    stay."""
    if change is None:
        return None
    out = change.copy()
    small = (out["n_previous"].astype(float) < min_group) | (
        out["n_current"].astype(float) < min_group
    )
    out.loc[small, ["previous", "current", "difference", "low", "high"]] = np.nan
    out.loc[small, "real"] = False
    pair = out["kind"] == "pair"
    shown = np.array([(a, b) in shown_pairs for a, b in zip(out["a"], out["b"], strict=True)])
    keep = ~pair.to_numpy() | shown
    return out[keep]


def trend(history: list, *, pairs: int = 3, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Every wave of an area: each pillar, and the mutual trust of the ``pairs`` weakest
    links of the last wave, as a tidy table (``wave``, ``measure``, ``kind``, ``title``,
    ``estimate``, ``low``, ``high``) for a trend chart. ``history`` holds the area's
    (disclosure-controlled) profiles in wave order."""
    names = names or {}
    if not history:
        return pd.DataFrame(columns=["wave", "measure", "kind", "title", "estimate", "low", "high"])
    last = history[-1].pairs.head(pairs)
    weak = list(zip(last["a"], last["b"], strict=True)) if len(last) else []
    rows = []
    for p in history:
        for pid, r in p.pillars.iterrows():
            rows.append(
                {
                    "wave": p.wave,
                    "measure": pid,
                    "kind": "pillar",
                    "title": r["title"],
                    "estimate": r["estimate"],
                    "low": r["low"],
                    "high": r["high"],
                }
            )
        table = p.pairs.set_index(["a", "b"]) if len(p.pairs) else None
        for a, b in weak:
            r = table.loc[(a, b)] if table is not None and (a, b) in table.index else None
            rows.append(
                {
                    "wave": p.wave,
                    "measure": pair_key(a, b),
                    "kind": "pair",
                    "title": f"{names.get(a, a)} ↔ {names.get(b, b)}",
                    "estimate": np.nan if r is None else float(r["mutual"]),
                    "low": np.nan if r is None else float(r["mutual_low"]),
                    "high": np.nan if r is None else float(r["mutual_high"]),
                }
            )
    return pd.DataFrame(rows)


def change_table(
    change: pd.DataFrame,
    *,
    kinds: tuple[str, ...] = ("pillar",),
    titles: dict[str, str] | None = None,
    names: dict[str, str] | None = None,
    current_wave: str = "",
) -> pd.DataFrame:
    """A change table as a person reads it: what, the two waves' scores, the change and its
    interval to 2 decimals, and whether it is real ("Yes" when the interval excludes zero).
    ``titles``: measure id → title; ``names``: sector code → name (for pairs)."""
    titles, names = titles or {}, names or {}
    rows = change[change["kind"].isin(kinds)]
    if rows.empty:
        return pd.DataFrame()
    before = rows["previous_wave"].iloc[0]

    def what(measure: str, r: pd.Series) -> str:
        if r["kind"] == "pair":
            return f"{names.get(r['a'], r['a'])} ↔ {names.get(r['b'], r['b'])}"
        return titles.get(measure, measure)

    def num(x: float, sign: str = "") -> str:
        return "–" if pd.isna(x) else f"{x:{sign}.2f}"

    return pd.DataFrame(
        {
            "Measure": [what(m, r) for m, r in rows.iterrows()],
            f"Wave {before}": [num(x) for x in rows["previous"]],
            f"Wave {current_wave}" if current_wave else "Now": [num(x) for x in rows["current"]],
            "Change": [num(x, "+") for x in rows["difference"]],
            "95% interval": [
                "–" if pd.isna(lo) else f"{lo:+.2f} to {hi:+.2f}"
                for lo, hi in zip(rows["low"], rows["high"], strict=True)
            ],
            "Real change": [
                ("Yes, up" if d > 0 else "Yes, down") if real else "No (within chance)"
                for d, real in zip(rows["difference"], rows["real"], strict=True)
            ],
        },
        index=rows.index,
    )
