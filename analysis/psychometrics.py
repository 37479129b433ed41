"""The panel report: how well each scale of an instrument measures, and whether area-level
scores mean anything.

Per scale: Cronbach's alpha (interval), McDonald's omega, n, item analysis; the spread of
rwg(j) across areas and ICC(1), ICC(2), with a plain-words verdict on aggregation; sector
comparisons; correlations between pillars. Every statistic comes from the public API
(:mod:`analysis.reliability`, :mod:`analysis.aggregation`, :mod:`analysis.comparison`)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from analysis.aggregation import icc1, icc2, rwg_j
from analysis.cfa import cfa, invariance_verdict, measurement_invariance
from analysis.comparison import adjust_p, compare_groups, compare_groups_clustered
from analysis.errors import AnalysisError, StatisticWarning
from analysis.factors import factor_analysis, parallel_analysis
from analysis.reliability import cronbach_alpha, item_analysis, mcdonald_omega
from analysis.scoring import ScoringModel, keyed_items, score

RWG_MIN = 0.70  # conventional cut-off (LeBreton & Senter, 2008)
ICC2_MIN = 0.70
MIN_GROUP = 3  # areas with fewer complete respondents are left out of rwg(j)
INVARIANCE_MIN_GROUP = 30  # groups with fewer complete respondents are left out of invariance


@dataclass(frozen=True)
class PanelReport:
    """Tables of the panel report (all at full precision)."""

    instrument: str
    scales: pd.DataFrame
    items: pd.DataFrame
    rwg: pd.DataFrame  # per scale, area and wave
    comparisons: pd.DataFrame
    pairwise: pd.DataFrame
    correlations: pd.DataFrame
    parallel: pd.DataFrame  # observed vs simulated eigenvalues
    n_factors: int  # suggested by parallel analysis
    loadings: pd.DataFrame  # oblimin-rotated minres loadings, items x factors
    # how the factor structure was found: n used, the parallel analysis' data sets and seed
    factor_note: str = ""
    # CFA of the intended structure (every Likert scale a factor): chi2, df, cfi, tli,
    # rmsea, srmr, n (or a note)
    structure: dict[str, Any] = field(default_factory=dict)
    # per scale and grouping (sector, wave): the invariance steps and the level that holds
    invariance: pd.DataFrame = field(default_factory=pd.DataFrame)


def _scale_blocks(survey: pd.DataFrame, model: ScoringModel) -> dict[str, tuple[pd.DataFrame, int]]:
    """Reverse-keyed item blocks per scale (trust: one block of facets per target sector)."""
    blocks = {}
    for spec in model.scales:
        items = pd.DataFrame(
            keyed_items(survey, spec), columns=list(spec.items), index=survey.index
        )
        blocks[spec.id] = (items, spec.points if spec.kind == "likert" else 0)
    if model.trust is not None:
        for sector in model.trust.sectors:
            cols = [model.trust.item(sector, f) for f in model.trust.facets]
            items = survey.reindex(columns=cols).astype(float)
            if items.notna().any(axis=1).sum() >= 10:
                blocks[f"trust:{sector}"] = (items, 5)
    return blocks


def _aggregation_note(median_rwg: float, icc_1: float, icc_2: float) -> tuple[bool, str]:
    if np.isnan(median_rwg) or np.isnan(icc_2):
        return False, "Not enough areas or respondents to judge aggregation."
    agree = median_rwg >= RWG_MIN
    differ = icc_2 >= ICC2_MIN
    if agree and differ:
        return True, (
            f"Respondents within an area agree (median rwg(j) {median_rwg:.2f}) and areas differ "
            f"reliably (per area and wave: ICC(1) {icc_1:.2f}, ICC(2) {icc_2:.2f}): area scores "
            "are meaningful."
        )
    if not agree:
        return False, (
            f"Respondents within an area disagree too much (median rwg(j) {median_rwg:.2f} < "
            f"{RWG_MIN:.2f}): an area average hides real differences; report the spread."
        )
    return False, (
        f"Areas do not differ reliably on this scale (ICC(2) {icc_2:.2f} < {ICC2_MIN:.2f}): "
        "treat differences between areas with caution."
    )


def panel_report(
    survey: pd.DataFrame,
    model: ScoringModel,
    *,
    instrument: str = "staff_survey",
    group: str = "area",
    sector: str = "sector",
) -> PanelReport:
    """The panel report of a survey frame (one row per respondent, item columns,
    ``group`` and ``sector`` columns).

    A statistic that cannot be computed for a scale (e.g. a constant item) is left empty
    and the reason is given in ``note``. Its many small matrix computations run on one
    BLAS thread, which on a shared machine is several times faster than many."""
    with threadpool_limits(limits=1, user_api="blas"):
        return _panel_report(survey, model, instrument=instrument, group=group, sector=sector)


def _panel_report(
    survey: pd.DataFrame, model: ScoringModel, *, instrument: str, group: str, sector: str
) -> PanelReport:
    scores = score(survey, model)
    # Agreement and ICCs are per area and wave: a wave is its own sample of the area, and
    # pooling waves mixes change over time into the spread within an area.
    units = (
        survey[group].astype(str) + _UNIT_SEP + survey["wave"].astype(str)
        if "wave" in survey
        else survey[group]
    )
    scale_rows, item_rows, rwg_rows, comp_rows, pair_rows = [], [], [], [], []
    for name, (items, points) in _scale_blocks(survey, model).items():
        row: dict[str, Any] = {"scale": name, "items": items.shape[1]}
        notes = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", StatisticWarning)
            try:
                rel = cronbach_alpha(items, missing="pairwise")
                row.update(n=rel.n, alpha=rel.alpha, alpha_low=rel.ci_low, alpha_high=rel.ci_high)
                row["omega"] = mcdonald_omega(items)
                ia = item_analysis(items).reset_index(names="item")
                ia.insert(0, "scale", name)
                item_rows.append(ia)
            except AnalysisError as exc:
                notes.append(str(exc))
            if points:
                try:
                    agreement = rwg_j(items, units, scale_points=points)
                    agreement = agreement[agreement["n"] >= MIN_GROUP]
                    rwg_rows.append(_split_units(agreement.assign(scale=name), group))
                    row["rwg_j_median"] = float(agreement["rwg_j"].median())
                    row["rwg_j_q1"] = float(agreement["rwg_j"].quantile(0.25))
                    row["rwg_j_q3"] = float(agreement["rwg_j"].quantile(0.75))
                    row["areas_rwg_ok"] = float((agreement["rwg_j"] >= RWG_MIN).mean())
                    values = items.mean(axis=1)
                    keep = values.notna()
                    row["icc1"] = icc1(values[keep], units[keep])
                    row["icc2"] = icc2(values[keep], units[keep])
                except AnalysisError as exc:
                    notes.append(str(exc))
                ok, text = _aggregation_note(
                    row.get("rwg_j_median", np.nan),
                    row.get("icc1", np.nan),
                    row.get("icc2", np.nan),
                )
                row["aggregation_supported"], row["aggregation_note"] = ok, text
            else:
                row["aggregation_supported"] = False
                row["aggregation_note"] = (
                    "Knowledge check: scored as share correct; rwg(j) does not apply."
                )
            if name in scores.scales.columns:
                frame = pd.DataFrame(
                    {"score": scores.scales[name], sector: survey[sector], group: survey[group]}
                ).dropna()
                try:
                    cmp = compare_groups(frame, dv="score", between=sector)
                    comp_rows.append(
                        {
                            "scale": name,
                            **_clustered(frame, sector, group),
                            "welch_F": cmp.welch.F,
                            "welch_df1": cmp.welch.df1,
                            "welch_df2": cmp.welch.df2,
                            "welch_p": cmp.welch.p,
                            "kruskal_H": cmp.kruskal.H,
                            "kruskal_df": cmp.kruskal.df,
                            "kruskal_p": cmp.kruskal.p,
                            "eta_squared": cmp.effect_sizes.eta_squared,
                            "omega_squared": cmp.effect_sizes.omega_squared,
                            "epsilon_squared": cmp.effect_sizes.epsilon_squared,
                        }
                    )
                    pair_rows.append(cmp.pairwise.assign(scale=name))
                except AnalysisError as exc:
                    notes.append(f"sector comparison: {exc}")
        said = [str(w.message) for w in caught if issubclass(w.category, StatisticWarning)]
        notes += list(dict.fromkeys(said))
        row["note"] = "; ".join(notes)
        scale_rows.append(row)
    scales = pd.DataFrame(scale_rows).set_index("scale")
    parallel, n_factors, loadings = factor_structure(survey, model)
    factor_note = _factor_note(survey, model)
    structure, invariance = measurement_model(survey, model, sector=sector)
    comparisons = (
        _adjusted(pd.DataFrame(comp_rows).set_index("scale")) if comp_rows else pd.DataFrame()
    )
    if not comparisons.empty:
        levels = _levels(invariance, "sector")
        comparisons["invariance"] = [levels.get(s, "not tested") for s in comparisons.index]
    return PanelReport(
        instrument=instrument,
        scales=scales,
        items=pd.concat(item_rows, ignore_index=True) if item_rows else pd.DataFrame(),
        rwg=pd.concat(rwg_rows, ignore_index=True) if rwg_rows else pd.DataFrame(),
        comparisons=comparisons,
        pairwise=pd.concat(pair_rows, ignore_index=True) if pair_rows else pd.DataFrame(),
        correlations=scores.pillars.corr(method="pearson", min_periods=10),
        parallel=parallel,
        n_factors=n_factors,
        loadings=loadings,
        structure=structure,
        invariance=invariance,
        factor_note=factor_note,
    )


PARALLEL_SEED = 20261121
PARALLEL_ITERATIONS = 500


def _factor_note(survey: pd.DataFrame, model: ScoringModel) -> str:
    blocks = _likert_blocks(survey, model)
    if not blocks:
        return ""
    items = pd.concat(blocks.values(), axis=1)
    n = int(items.notna().all(axis=1).sum())
    return (
        f"n = {n} of {len(items)} respondents answered all {items.shape[1]} Likert items "
        f"(complete cases); parallel analysis over {PARALLEL_ITERATIONS} simulated data sets, "
        f"seed {PARALLEL_SEED}."
    )


def _levels(invariance: pd.DataFrame, across: str) -> dict[str, str]:
    if invariance.empty:
        return {}
    part = invariance[invariance["across"] == across]
    return dict(zip(part["scale"], part["level"], strict=True))


def _likert_blocks(survey: pd.DataFrame, model: ScoringModel) -> dict[str, pd.DataFrame]:
    return {
        s.id: pd.DataFrame(keyed_items(survey, s), columns=list(s.items), index=survey.index)
        for s in model.scales
        if s.kind == "likert"
    }


def measurement_model(
    survey: pd.DataFrame,
    model: ScoringModel,
    *,
    sector: str = "sector",
    wave: str = "wave",
    min_group: int = INVARIANCE_MIN_GROUP,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """The instrument's measurement model: a CFA of its intended structure and the
    measurement invariance of each Likert scale across sectors and across waves.

    Returns
    -------
    structure : dict
        The CFA with every Likert scale a factor and each item on its own scale only:
        ``chi2``, ``df``, ``cfi``, ``tli``, ``rmsea``, ``srmr``, ``n`` (complete rows), or
        ``note`` saying why it could not be fitted.
    invariance : DataFrame
        One row per scale and ``across`` (``"sector"``, ``"wave"``): ``groups`` and ``n``
        used (groups of fewer than ``min_group`` complete respondents are left out), the
        configural CFI and RMSEA, ΔCFI and ΔRMSEA of the metric and scalar steps,
        ``level`` (the highest of configural / metric / scalar that holds by Chen's 2007
        criterion, ΔCFI ≥ −0.010; "none"; or "not tested") and ``note``.

    Notes
    -----
    A one-factor model of a three-item scale has no degrees of freedom in one group, so
    its configural step fits exactly (it is taken to hold); metric and scalar steps still
    test equality across groups. In R: ``lavaan::cfa(model, data, group = "sector",
    group.equal = …)`` per step (see :func:`analysis.cfa.measurement_invariance`).
    """
    blocks = _likert_blocks(survey, model)
    structure: dict[str, Any] = {}
    usable = {k: list(v.columns) for k, v in blocks.items() if v.shape[1] >= 3}
    if usable:
        items = pd.concat([blocks[k] for k in usable], axis=1)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", StatisticWarning)
                fit = cfa(items, model=usable)
            structure = {
                "chi2": fit.chi2,
                "df": fit.df,
                "p": fit.p,
                "cfi": fit.cfi,
                "tli": fit.tli,
                "rmsea": fit.rmsea,
                "srmr": fit.srmr,
                "n": fit.n,
                "factors": len(usable),
                "note": "; ".join(str(w.message) for w in caught),
            }
        except AnalysisError as exc:
            structure = {"note": str(exc)}
    rows = []
    for scale, items in blocks.items():
        for across in (sector, wave):
            rows.append(
                {
                    "scale": scale,
                    "across": across,
                    **_invariance_row(items, survey, across, min_group),
                }
            )
    return structure, pd.DataFrame(rows)


def _invariance_row(
    items: pd.DataFrame, survey: pd.DataFrame, across: str, min_group: int
) -> dict[str, Any]:
    if across not in survey:
        return {"level": "not tested", "note": f"no {across} column"}
    if items.shape[1] < 3:
        return {
            "level": "not tested",
            "note": f"{items.shape[1]} items: a one-factor CFA needs at least 3",
        }
    frame = items.assign(_group=survey[across].astype("string")).dropna()
    sizes = frame["_group"].value_counts()
    keep = sizes[sizes >= max(min_group, items.shape[1] + 1)].index
    frame = frame[frame["_group"].isin(keep)]
    if len(keep) < 2:
        return {
            "level": "not tested",
            "note": f"fewer than 2 {across} groups with {min_group}+ complete respondents",
        }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StatisticWarning)
            table = measurement_invariance(frame, model={"f": list(items.columns)}, group="_group")
    except AnalysisError as exc:
        return {"level": "not tested", "note": str(exc)}
    return {
        "groups": len(keep),
        "n": len(frame),
        "configural_cfi": table.loc["configural", "cfi"],
        "configural_rmsea": table.loc["configural", "rmsea"],
        "metric_delta_cfi": table.loc["metric", "delta_cfi"],
        "metric_delta_rmsea": table.loc["metric", "delta_rmsea"],
        "scalar_delta_cfi": table.loc["scalar", "delta_cfi"],
        "scalar_delta_rmsea": table.loc["scalar", "delta_rmsea"],
        "level": invariance_verdict(table),
        "note": "; ".join(table.attrs.get("warnings", [])),
    }


_UNIT_SEP = "\x1f"


def _split_units(agreement: pd.DataFrame, group: str) -> pd.DataFrame:
    """rwg(j) rows keyed by area and wave: ``group`` and ``wave`` columns."""
    out = agreement.reset_index(names=group)
    labels = out[group].astype(str)
    if labels.str.contains(_UNIT_SEP).any():
        parts = labels.str.split(_UNIT_SEP, n=1, expand=True)
        out[group] = parts[0]
        out.insert(1, "wave", parts[1])
    return out


def _clustered(frame: pd.DataFrame, sector: str, group: str) -> dict[str, Any]:
    """The sector comparison with areas as a random intercept (the test the page states);
    where it cannot be fitted (one area), Welch's p stands in and ``test`` says so."""
    if frame[group].nunique() < 2:
        return {"test": "welch (one area)"}
    try:
        mixed = compare_groups_clustered(frame, dv="score", between=sector, cluster=group)
    except (AnalysisError, np.linalg.LinAlgError) as exc:
        return {"test": f"welch (mixed model failed: {exc})"}
    return {
        "test": "mixed",
        "mixed_chi2": mixed.chi2,
        "mixed_df": mixed.df,
        "mixed_p": mixed.p,
        "area_icc": mixed.icc,
        "areas": mixed.clusters,
    }


def _adjusted(comparisons: pd.DataFrame) -> pd.DataFrame:
    """Holm-adjusted p over the family of sector comparisons shown together, and whether
    sectors differ (adjusted p < 0.05). The p adjusted is the mixed model's where it was
    fitted, Welch's otherwise (``test``)."""
    out = comparisons.copy()
    p = out["mixed_p"] if "mixed_p" in out else pd.Series(np.nan, index=out.index)
    p = p.where(out["test"] == "mixed", out["welch_p"])
    out["p"] = p
    out["p_holm"] = adjust_p(p.to_numpy(dtype=float), "holm")
    out["family_size"] = int(p.notna().sum())
    out["differ"] = out["p_holm"] < 0.05
    return out


def factor_structure(
    survey: pd.DataFrame, model: ScoringModel, *, seed: int = 20261121
) -> tuple[pd.DataFrame, int, pd.DataFrame]:  # seed: PARALLEL_SEED
    """Parallel analysis over every Likert item (reverse-keyed), then a minres solution
    with that many factors, oblimin-rotated. Empty tables where it cannot be computed.

    In R: ``psych::fa.parallel(x, fm = "minres")`` then
    ``psych::fa(x, nfactors, fm = "minres", rotate = "oblimin")``."""
    blocks = [
        pd.DataFrame(keyed_items(survey, s), columns=list(s.items), index=survey.index)
        for s in model.scales
        if s.kind == "likert"
    ]
    if not blocks:
        return pd.DataFrame(), 0, pd.DataFrame()
    items = pd.concat(blocks, axis=1)
    try:
        pa = parallel_analysis(items, seed=seed, n_iter=PARALLEL_ITERATIONS)
        if pa.n_factors < 1:
            return pa.eigenvalues, 0, pd.DataFrame()
        solution = factor_analysis(items, pa.n_factors, rotation="oblimin")
    except AnalysisError:
        return pd.DataFrame(), 0, pd.DataFrame()
    return pa.eigenvalues, pa.n_factors, solution.loadings


def coder_agreement(
    ratings: pd.DataFrame, *, categories: dict[str, list[int]] | None = None
) -> pd.DataFrame:
    """Inter-coder agreement per interview dimension, from interviews rated by two coders.

    ``ratings`` has ``interview``, ``coder``, ``dimension`` and ``rating``. For each
    dimension the first two coders (alphabetically) of every double-coded interview are
    paired. Returns index dimension: ``interviews``, ``exact`` (share identical),
    ``kappa``, ``kappa_linear``, ``kappa_quadratic`` (or a ``note`` where undefined).
    ``categories`` maps a dimension to its rubric's points (e.g. 1–5), so that weighted
    kappa weighs a disagreement by the rubric's distance, not by the categories used.

    In R: ``psych::cohen.kappa(cbind(a, b))``."""
    from analysis.agreement import cohen_kappa

    rows = []
    for dim, part in ratings.groupby("dimension", sort=True):
        wide = part.pivot_table(
            index="interview", columns="coder", values="rating", aggfunc="first"
        )
        pairs = [
            (r.dropna().iloc[0], r.dropna().iloc[1])
            for _, r in wide.iterrows()
            if r.notna().sum() >= 2
        ]
        row: dict[str, Any] = {"dimension": dim, "interviews": len(pairs)}
        if len(pairs) >= 2:
            a = pd.Series([p[0] for p in pairs])
            b = pd.Series([p[1] for p in pairs])
            row["exact"] = float((a == b).mean())
            points = (categories or {}).get(dim)
            try:
                row["kappa"] = cohen_kappa(a, b)
                row["kappa_linear"] = cohen_kappa(a, b, weights="linear", categories=points)
                row["kappa_quadratic"] = cohen_kappa(a, b, weights="quadratic", categories=points)
            except AnalysisError as exc:
                row["note"] = str(exc)
        else:
            row["note"] = "fewer than 2 double-coded interviews"
        rows.append(row)
    return pd.DataFrame(rows).set_index("dimension") if rows else pd.DataFrame()
