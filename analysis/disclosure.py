"""Disclosure control: what may be shown about small groups, in one place.

Staff only say honestly that they distrust a partner agency if they cannot be picked out.
So a group is shown only with at least ``min_group`` respondents and cannot be worked out
by subtraction from a total shown elsewhere (complementary suppression); a trust cell is
shown only when its raters and both sectors are large enough; free text needs a larger
group. :func:`disclose` applies all of it to a readiness profile, and takes out of each
verdict reason the figures of any hidden cell or group it describes, working on what the
reason is about (its cells and group), never on its wording."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analysis.change import hide_small
from analysis.readiness import Profile
from analysis.verdict import Reason
from instruments.errors import ReadinessError

COMPLEMENTARY = "hidden so a small group cannot be worked out from the total"


class DisclosureError(ReadinessError, ValueError):
    """A disclosure-control setting or input makes no sense; the message says what to fix."""


def _positive(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise DisclosureError(f"{name} must be a whole number of at least 1, got {value!r}.")
    return int(value)


@dataclass(frozen=True)
class DisclosureRules:
    """Thresholds for showing groups, free text and pseudonymised microdata.

    Parameters
    ----------
    min_group : smallest number of respondents in a shown group (table row, trust cell).
    min_text_group : smallest group whose free text may be shown. Text carries style and
        local detail, so it identifies more easily than a mean: not below ``min_group``.
    rare_category : rarer profile categories of the pooled microdata become "other".

    Raises
    ------
    DisclosureError
        A threshold that is not a whole number ≥ 1, or ``min_text_group < min_group``.
    """

    min_group: int = 5
    min_text_group: int = 10
    rare_category: int = 10

    def __post_init__(self) -> None:
        for name in ("min_group", "min_text_group", "rare_category"):
            _positive(name, getattr(self, name))
        if self.min_text_group < self.min_group:
            raise DisclosureError(
                f"min_text_group ({self.min_text_group}) is below min_group ({self.min_group}): "
                "free text identifies more easily than numbers, so raise min_text_group."
            )


DEFAULT_RULES = DisclosureRules()


def _counts(values: pd.Series | pd.DataFrame, name: str) -> np.ndarray:
    try:
        n = values.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        n = np.array([np.nan])
    if not np.isfinite(n).all() or (n < 0).any():
        raise DisclosureError(f"{name} must hold counts ≥ 0; use 0 where nobody answered.")
    return n


def _complement(
    n: np.ndarray, hidden: np.ndarray, labels: Sequence[Hashable], min_group: int
) -> np.ndarray:
    """The further groups to hide, smallest n first (ties by label, else by position), so
    that the hidden groups with respondents are none, or ≥ 2 holding ≥ ``min_group``."""
    try:
        order = sorted(range(len(n)), key=lambda i: (n[i], labels[i]))
    except TypeError:
        order = sorted(range(len(n)), key=lambda i: (n[i], i))
    extra = np.zeros(len(n), dtype=bool)
    for i in order:
        gone = (hidden | extra) & (n > 0)
        if not gone.any() or (gone.sum() >= 2 and n[gone].sum() >= min_group):
            break
        extra[i] = n[i] > 0 and not gone[i]
    return extra


def suppress_groups(
    table: pd.DataFrame,
    *,
    n: str = "n",
    value_columns: list[str],
    min_group: int,
    total_shown: bool = True,
) -> pd.DataFrame:
    """Hide the rows of a group table that would single out fewer than ``min_group`` people.

    Parameters
    ----------
    table : one row per group (e.g. the sectors of an area) with its count ``n`` and
        ``value_columns`` (means, rates), which are hidden with the row.
    total_shown : whether the table's total (area n and area mean) is shown elsewhere.

    Returns
    -------
    DataFrame
        A copy with ``n`` and ``value_columns`` NaN in hidden rows, a boolean column
        ``suppressed`` and a ``reason`` ("" for shown rows).

    Notes
    -----
    *Primary*: a row with 0 < n < ``min_group`` is hidden ("fewer than 5 respondents"); a
    row with n = 0 is simply empty, as it describes nobody. *Complementary* (when
    ``total_shown``): with the area's N and mean M published, one hidden row comes back by
    subtraction, n_h = N − Σ n_i and mean_h = (N·M − Σ n_i·m_i) / n_h, and hidden rows
    together smaller than ``min_group`` are still a small group. So the shown rows with
    the smallest n (ties by index) are hidden too until at least two rows holding at least
    ``min_group`` people are hidden. A table of fewer people is hidden whole, and its total
    must not be shown either.
    """
    min_group = _positive("min_group", min_group)
    missing = [c for c in [n, *value_columns] if c not in table.columns]
    if missing:
        raise DisclosureError(f"The table has no column(s) {missing}; check n= and value_columns=.")
    counts = _counts(table[n], f"column {n!r}")
    primary = (counts > 0) & (counts < min_group)
    extra = total_shown & _complement(counts, primary, list(table.index), min_group)
    out = table.copy()
    out[n] = counts
    for column in value_columns:  # numbers become float so that NaN fits; text stays text
        if pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].astype(float)
    out.loc[primary | extra, [n, *value_columns]] = np.nan
    out["suppressed"] = primary | extra
    small = f"fewer than {min_group} respondents"
    out["reason"] = np.where(primary, small, np.where(extra, COMPLEMENTARY, ""))
    return out


def suppress_matrix(
    mean: pd.DataFrame, n: pd.DataFrame, *, group_sizes: pd.Series, min_group: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Disclosure control for the directed trust matrix of one area.

    Parameters
    ----------
    mean, n : rater sector (rows) × target sector (columns) mean trust and rater counts,
        as in :class:`analysis.trust.TrustMatrix`.
    group_sizes : respondents per sector in the area; an absent sector counts as 0.

    Returns
    -------
    mean, n, status
        ``mean`` NaN except in shown cells, ``n`` NaN in hidden cells, and ``status``:
        "shown", "small", "complementary" or "empty" (no raters).

    Notes
    -----
    A cell is "small" when fewer than ``min_group`` staff rated it, or its rater or its
    *target* sector has fewer than ``min_group`` respondents in the area: trust in a
    partner with a handful of staff is a judgement about named people. A sector with no
    respondents in the area is rated as an organisation and reveals no respondent. As group
    sizes and cell counts are published, a lone hidden n comes back by subtraction, so the
    rule of :func:`suppress_groups` is applied to the counts of every row and column until
    nothing changes. Summaries must use shown cells only (:func:`matrix_margins`,
    :func:`mutual_and_asymmetry`); those of the full matrix (``TrustMatrix.trusting``,
    ``mutual``, ``pairs``) would let a hidden value be solved for.
    """
    min_group = _positive("min_group", min_group)
    if not (mean.index.equals(n.index) and mean.columns.equals(n.columns)):
        raise DisclosureError("mean and n must have the same rater rows and target columns.")
    counts = _counts(n, "n")
    sizes = pd.Series(group_sizes, dtype=float).fillna(0.0)
    rows = sizes.reindex(mean.index, fill_value=0.0).to_numpy() >= min_group
    targets = sizes.reindex(mean.columns, fill_value=0.0).to_numpy()
    cols = (targets == 0) | (targets >= min_group)
    ok = (counts >= min_group) & rows[:, None] & cols[None, :]
    status = np.where(counts == 0, "empty", np.where(ok, "shown", "small")).astype(object)
    changed = True
    while changed:
        changed = False
        # Rows, then columns through a transposed view (writes reach ``status``).
        for view, line_n, labels in ((status, counts, mean.columns), (status.T, counts.T, n.index)):
            for i in range(view.shape[0]):
                hidden = np.isin(view[i], ["small", "complementary"])
                extra = _complement(line_n[i], hidden, list(labels), min_group)
                view[i, extra] = "complementary"
                changed |= bool(extra.any())
    shown, frame = status == "shown", {"index": mean.index, "columns": mean.columns}
    return (
        pd.DataFrame(np.where(shown, mean.to_numpy(dtype=float), np.nan), **frame),
        pd.DataFrame(np.where(shown | (status == "empty"), counts, np.nan), **frame),
        pd.DataFrame(status, **frame),
    )


def matrix_margins(mean_shown: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """How trusting each rater sector is (row means) and how trusted each target is (column
    means), from the *shown* cells only (``mean`` of :func:`suppress_matrix`), own-sector
    cells left out as in :mod:`analysis.trust`. A margin over all k cells of a row would
    give a hidden cell back as k·margin − Σ shown cells."""
    own = mean_shown.index.to_numpy()[:, None] == mean_shown.columns.to_numpy()[None, :]
    off = mean_shown.astype(float).mask(own)
    return off.mean(axis=1), off.mean(axis=0)


def mutual_and_asymmetry(mean_shown: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mutual trust S = (T + Tᵀ)/2 and asymmetry A = (T − Tᵀ)/2 from shown cells only.

    NaN unless both T[a, b] and T[b, a] are shown: S with a shown T[b, a] gives back a
    hidden T[a, b] = 2·S[a, b] − T[b, a] (and so does A)."""
    t = mean_shown.astype(float)
    tt = t.T.reindex(index=t.index, columns=t.columns)
    return (t + tt) / 2, (t - tt) / 2


def text_allowed(group_n: int, rules: DisclosureRules = DEFAULT_RULES) -> bool:
    """Whether free text from a group of ``group_n`` respondents may be shown: only when
    ``group_n >= rules.min_text_group`` (words identify their writer more than numbers)."""
    if group_n < 0:
        raise DisclosureError(f"group_n must be a count of respondents, got {group_n}.")
    return bool(group_n >= rules.min_text_group)


# --- a whole readiness profile ----------------------------------------------------------


@dataclass(frozen=True)
class Disclosed:
    """A profile after disclosure control, with the suppressed views the pages show."""

    profile: Profile
    coverage: pd.DataFrame  # n per sector, small sectors suppressed
    trust_mean: pd.DataFrame
    trust_n: pd.DataFrame
    trust_status: pd.DataFrame
    mutual: pd.DataFrame
    asymmetry: pd.DataFrame
    calibration_by_sector: pd.DataFrame


SCORED = ("pillars", "scales")
_SCORE_COLUMNS = ("estimate", "low", "high", "band", "rwg_j")
_RATE_PREFIXES = ("over_caution", "over_sharing")
WORKSHOP = "workshop"  # the group a reason about workshop rates describes


def disclose(p: Profile, rules: DisclosureRules = DEFAULT_RULES) -> Disclosed:
    """Apply disclosure control to a whole profile.

    Sector counts, trust cells and workshop rates by sector are suppressed (with
    complementary suppression); mutual trust and asymmetry come from shown cells only; the
    weakest links keep only pairs shown both ways; a score from fewer than ``min_group``
    respondents loses its numbers; the overall workshop rates of fewer than ``min_group``
    participants are hidden; and each verdict reason whose cells or group are hidden keeps
    what it caps but not its figures (:func:`disclose_reason`)."""
    cov = suppress_groups(p.coverage, n="n", value_columns=[], min_group=rules.min_group)
    mean, n, status = suppress_matrix(
        p.trust.mean, p.trust.n, group_sizes=p.coverage["n"], min_group=rules.min_group
    )
    mutual, asym = mutual_and_asymmetry(mean)
    calib = p.calibration_by_sector.rename(columns={"participants": "n"})
    calib = suppress_groups(
        calib,
        n="n",
        value_columns=[c for c in calib.columns if c != "n"],
        min_group=rules.min_group,
    )
    shown = status == "shown"
    pairs = p.pairs
    if len(pairs):
        keep = [
            bool(shown.loc[a, b] and shown.loc[b, a])
            for a, b in zip(pairs["a"], pairs["b"], strict=True)
        ]
        pairs = pairs[keep]
    scores = {name: few_hidden(getattr(p, name), rules.min_group) for name in SCORED}
    overall = p.calibration.copy()
    few_in_workshop = bool(len(overall) and 0 < overall["participants"].iloc[0] < rules.min_group)
    if few_in_workshop:
        overall[[c for c in overall.columns if c.startswith(_RATE_PREFIXES)]] = np.nan
    hidden_groups = {WORKSHOP} if few_in_workshop else set()

    def hide(r: Reason) -> Reason:
        return disclose_reason(r, shown, hidden_groups)

    explanation = p.verdict.explanation
    if explanation is not None:
        explanation = replace(
            explanation,
            decided_by=hide(explanation.decided_by),
            conditions=tuple(map(hide, explanation.conditions)),
            route=tuple(map(hide, explanation.route)),
        )
    verdict = replace(
        p.verdict, reasons=[hide(r) for r in p.verdict.reasons], explanation=explanation
    )
    return Disclosed(
        profile=replace(
            p,
            pairs=pairs,
            verdict=verdict,
            calibration=overall,
            change=hide_small(p.change, rules.min_group, _pair_set(pairs)),
            **scores,
        ),
        coverage=cov,
        trust_mean=mean,
        trust_n=n,
        trust_status=status,
        mutual=mutual,
        asymmetry=asym,
        calibration_by_sector=calib,
    )


def _pair_set(pairs: pd.DataFrame) -> set[tuple[str, str]]:
    if not len(pairs):
        return set()
    return set(zip(pairs["a"], pairs["b"], strict=True))


def few_hidden(table: pd.DataFrame, min_group: int) -> pd.DataFrame:
    """A score from fewer than ``min_group`` respondents (a whole area-wave can be that
    small) is shown like one nobody answered: the count stays, the numbers and band go."""
    out = table.copy()
    few = (out["n"] > 0) & (out["n"] < min_group)
    for column in _SCORE_COLUMNS:
        if column in out.columns:
            out.loc[few, column] = np.nan
    return out


def disclose_reason(
    reason: Reason, shown: pd.DataFrame, hidden_groups: set[str] = frozenset()
) -> Reason:
    """A reason keeps its figures only when every trust cell it quotes (``reason.cells``)
    is shown and the group it describes (``reason.group``) is not hidden; otherwise it is
    replaced by its figure-free wording (``reason.plain``), which still says what caps the
    verdict."""

    def visible(a: str, b: str) -> bool:
        return a in shown.index and b in shown.columns and bool(shown.loc[a, b])

    hidden = any(not visible(a, b) for a, b in reason.cells) or reason.group in hidden_groups
    if not hidden:
        return reason
    return Reason(reason.plain or HIDDEN_REASON, reason.kind, reason.subject, caps=reason.caps)


HIDDEN_REASON = (
    "A critical concern caps the verdict; its figures are hidden because a group is too small "
    "to show."
)
