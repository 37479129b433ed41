"""Confirmatory factor analysis and measurement invariance, by maximum likelihood.

A CFA tests the instrument's intended structure (each item loads on its own scale's
factor only) against the data; measurement invariance asks whether the same structure
(configural), the same loadings (metric) and the same intercepts (scalar) hold in every
group, as comparing group means of a scale presumes (scalar invariance).

The estimator is lavaan's default: normal-theory maximum likelihood on the biased
(divide-by-N) covariance matrices, the first loading of each factor fixed to 1, and
chi-square = Σ_g N_g F_g. Results reproduce lavaan to the printed decimals
(``tests/test_cfa.py``: Holzinger and Swineford 1939, one group and by school).

In R::

    fit <- lavaan::cfa(model, data)                                   # cfa()
    lavaan::cfa(model, data, group = "g")                              # configural
    lavaan::cfa(model, data, group = "g", group.equal = "loadings")    # metric
    lavaan::cfa(model, data, group = "g",
                group.equal = c("loadings", "intercepts"))             # scalar
    lavaan::fitMeasures(fit, c("chisq", "df", "cfi", "tli", "rmsea", "srmr"))
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats
from threadpoolctl import threadpool_limits

from analysis.errors import (
    HeywoodCaseWarning,
    InvalidArgumentError,
    NotIdentifiedError,
    TooFewObservationsError,
    UndefinedStatisticError,
    numeric_items,
)

__all__ = ["CFAResult", "cfa", "invariance_verdict", "measurement_invariance"]

# Chen (2007): a drop in CFI of more than .010 rejects the more constrained model (metric
# against configural, scalar against metric); a rise in RMSEA of more than .015 supplements it.
DELTA_CFI_MAX = 0.010
DELTA_RMSEA_MAX = 0.015


@dataclass(frozen=True)
class CFAResult:
    """A fitted CFA.

    Attributes
    ----------
    chi2, df, p : the likelihood-ratio test of the model against the saturated model.
    cfi, tli, rmsea, srmr : fit indices (formulas in :func:`cfa` Notes).
    rmsea_low, rmsea_high : 90 % interval of RMSEA.
    loadings : one row per (group,) factor and item: ``estimate`` (unstandardised) and
        ``std`` (standardised, lavaan's ``std.all``).
    residual_variances : item residual variances (per group when there are groups).
    factor_covariances : factor covariance matrix (the first group's when grouped).
    n : respondents used (complete rows); ``groups`` their count per group.
    warnings : plain-words problems (a Heywood case; no convergence).
    """

    chi2: float
    df: int
    p: float
    cfi: float
    tli: float
    rmsea: float
    rmsea_low: float
    rmsea_high: float
    srmr: float
    loadings: pd.DataFrame
    residual_variances: pd.DataFrame
    factor_covariances: pd.DataFrame
    n: int
    groups: dict[str, int] = field(default_factory=dict)
    baseline_chi2: float = float("nan")
    baseline_df: int = 0
    converged: bool = True
    warnings: tuple[str, ...] = ()


# --- the model as index arrays ------------------------------------------------------------


@dataclass
class _Spec:
    """Where each free parameter sits in each group's matrices (-1 = fixed)."""

    items: list[str]
    factors: list[str]
    pattern: np.ndarray  # p x m bool: item loads on factor
    groups: int
    meanstructure: bool
    lam: list[np.ndarray] = field(default_factory=list)
    phi: list[np.ndarray] = field(default_factory=list)
    theta: list[np.ndarray] = field(default_factory=list)
    nu: list[np.ndarray] = field(default_factory=list)
    alpha: list[np.ndarray] = field(default_factory=list)
    free: int = 0

    def new(self, shape) -> np.ndarray:
        size = int(np.prod(shape))
        out = np.arange(self.free, self.free + size).reshape(shape)
        self.free += size
        return out


def _spec(model: dict[str, list[str]], groups: int, level: str, meanstructure: bool) -> _Spec:
    factors = list(model)
    items: list[str] = []
    for f in factors:
        items += [i for i in model[f] if i not in items]
    p, m = len(items), len(factors)
    pattern = np.zeros((p, m), dtype=bool)
    marker = np.zeros((p, m), dtype=bool)
    for j, f in enumerate(factors):
        for k, item in enumerate(model[f]):
            pattern[items.index(item), j] = True
            marker[items.index(item), j] = k == 0
    spec = _Spec(items, factors, pattern, groups, meanstructure)
    free_load = pattern & ~marker
    shared_lam = shared_nu = None
    for g in range(groups):
        lam = np.full((p, m), -1)
        if level in ("metric", "scalar") and shared_lam is not None:
            lam = shared_lam
        else:
            lam[free_load] = spec.new(int(free_load.sum()))
            shared_lam = lam
        phi = np.full((m, m), -1)
        iu = np.triu_indices(m)
        idx = spec.new(len(iu[0]))
        phi[iu] = idx
        phi[iu[1], iu[0]] = idx
        theta = spec.new(p)
        if meanstructure:
            if level == "scalar" and shared_nu is not None:
                nu = shared_nu
            else:
                nu = spec.new(p)
                shared_nu = nu
            alpha = spec.new(m) if (level == "scalar" and g > 0) else np.full(m, -1)
        else:
            nu = np.full(p, -1)
            alpha = np.full(m, -1)
        spec.lam.append(lam)
        spec.phi.append(phi)
        spec.theta.append(theta)
        spec.nu.append(nu)
        spec.alpha.append(alpha)
    return spec


def _matrices(spec: _Spec, theta: np.ndarray, g: int):
    _p, _m = spec.pattern.shape
    lam = np.where(spec.lam[g] >= 0, theta[spec.lam[g]], 0.0)
    lam[spec.pattern & (spec.lam[g] < 0)] = 1.0
    phi = theta[spec.phi[g]]
    th = theta[spec.theta[g]]
    nu = np.where(spec.nu[g] >= 0, theta[spec.nu[g]], 0.0)
    alpha = np.where(spec.alpha[g] >= 0, theta[spec.alpha[g]], 0.0)
    return lam, phi, th, nu, alpha


def _implied(lam, phi, th, nu, alpha):
    return lam @ phi @ lam.T + np.diag(th), nu + lam @ alpha


class _Stacked:
    """The samples and index arrays stacked over groups, for a vectorised objective."""

    def __init__(self, spec: _Spec, samples):
        self.spec = spec
        self.w = np.array([w for w, *_ in samples])
        self.s = np.stack([s for _, s, _, _ in samples])
        self.xbar = np.stack([x for _, _, x, _ in samples])
        self.logdet_s = np.array([ld for *_, ld in samples])
        self.lam = np.stack(spec.lam)
        self.phi = np.stack(spec.phi)
        self.theta = np.stack(spec.theta)
        self.nu = np.stack(spec.nu)
        self.alpha = np.stack(spec.alpha)
        self.ones = spec.pattern[None] & (self.lam < 0)
        p = spec.pattern.shape[0]
        self.eye = np.eye(p, dtype=bool)

    def matrices(self, theta: np.ndarray):
        lam = np.where(self.lam >= 0, theta[self.lam], 0.0)
        lam[self.ones] = 1.0
        phi = theta[self.phi]
        th = theta[self.theta]
        nu = np.where(self.nu >= 0, theta[self.nu], 0.0)
        alpha = np.where(self.alpha >= 0, theta[self.alpha], 0.0)
        return lam, phi, th, nu, alpha


def _objective(theta, stacked: _Stacked):
    """F = Σ_g w_g [log|Σ| + tr(S Σ⁻¹) − log|S| − p + (x̄ − μ)' Σ⁻¹ (x̄ − μ)] and its
    gradient (w_g = N_g / N), all groups at once."""
    spec = stacked.spec
    grad = np.zeros_like(theta)
    lam, phi, th, nu, alpha = stacked.matrices(theta)
    lt = np.swapaxes(lam, 1, 2)
    sigma = lam @ phi @ lt
    idx = np.arange(sigma.shape[1])
    sigma[:, idx, idx] += th
    try:
        chol = np.linalg.cholesky(sigma)
    except np.linalg.LinAlgError:
        return 1e10, grad  # outside the admissible region: the line search backs off
    inv = np.linalg.inv(sigma)
    if spec.meanstructure:
        d = stacked.xbar - (nu + np.einsum("gpm,gm->gp", lam, alpha))
    else:
        d = np.zeros_like(stacked.xbar)
    c = stacked.s + d[:, :, None] * d[:, None, :]
    logdet = 2 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    p = sigma.shape[1]
    cinv = c @ inv
    f = logdet + np.trace(cinv, axis1=1, axis2=2) - stacked.logdet_s - p
    w = stacked.w
    total = float(w @ f)
    wmat = (inv - inv @ cinv) * w[:, None, None]
    dmu = -2 * np.einsum("gpq,gq->gp", inv, d) * w[:, None]
    dlam = 2 * wmat @ lam @ phi + dmu[:, :, None] * alpha[:, None, :]
    dphi = lt @ wmat @ lam
    for index, dm in (
        (stacked.lam, dlam),
        (stacked.phi, dphi),
        (stacked.theta, np.diagonal(wmat, axis1=1, axis2=2)),
        (stacked.nu, dmu),
        (stacked.alpha, np.einsum("gpm,gp->gm", lam, dmu)),
    ):
        keep = index >= 0
        grad += np.bincount(index[keep], weights=dm[keep], minlength=len(theta))
    return total, grad


def _start(spec: _Spec, samples) -> np.ndarray:
    theta = np.zeros(spec.free)
    for g, (_, s, xbar, _) in enumerate(samples):
        var = np.diag(s)
        theta[spec.theta[g]] = 0.5 * var
        keep = spec.lam[g] >= 0
        theta[spec.lam[g][keep]] = 1.0
        m = len(spec.factors)
        phi = np.eye(m) * 0.05
        for j in range(m):
            marker = np.flatnonzero(spec.pattern[:, j] & (spec.lam[g][:, j] < 0))[0]
            phi[j, j] = 0.5 * var[marker]
        theta[spec.phi[g]] = phi
        if spec.meanstructure:
            theta[spec.nu[g]] = xbar
    return theta


def _warm_start(spec: _Spec, previous: list[tuple]) -> np.ndarray:
    """Start values from a fitted less constrained model's matrices (one tuple per group):
    each free parameter takes the previous estimate at its place (the last group's where
    groups now share it)."""
    theta = np.zeros(spec.free)
    for g, mats in enumerate(previous):
        for index, values in zip(
            (spec.lam[g], spec.phi[g], spec.theta[g], spec.nu[g], spec.alpha[g]),
            mats,
            strict=True,
        ):
            keep = index >= 0
            theta[index[keep]] = np.asarray(values)[keep]
    return theta


def _fit(spec: _Spec, samples, start: list[tuple] | None = None):
    # Small matrices: a multithreaded BLAS only adds overhead (several times the work).
    with threadpool_limits(limits=1, user_api="blas"):
        theta0 = _warm_start(spec, start) if start else _start(spec, samples)
        return _fit_single_thread(spec, samples, theta0)


def _fit_single_thread(spec: _Spec, samples, theta0: np.ndarray):
    stacked = _Stacked(spec, samples)
    res = optimize.minimize(
        _objective,
        theta0,
        args=(stacked,),
        jac=True,
        method="L-BFGS-B",
        options={"ftol": 1e-15, "gtol": 1e-9, "maxiter": 20_000, "maxcor": 30},
    )
    grad_norm = float(np.max(np.abs(_objective(res.x, stacked)[1])))
    if grad_norm > 1e-6:  # polish: quasi-Newton with a full Hessian approximation
        res2 = optimize.minimize(
            _objective,
            res.x,
            args=(stacked,),
            jac=True,
            method="BFGS",
            options={"gtol": 1e-10, "maxiter": 10_000},
        )
        if res2.fun <= res.fun:
            res = res2
        grad_norm = float(np.max(np.abs(_objective(res.x, stacked)[1])))
    return res.x, float(res.fun), grad_norm < 1e-5


# --- data ---------------------------------------------------------------------------------


def _samples(data: pd.DataFrame, items: list[str], group: str | None):
    missing = [i for i in items if i not in data]
    if missing:
        raise InvalidArgumentError(f"These items are not in the data: {', '.join(missing)}.")
    cols = [*items, group] if group else items
    frame = data[cols].dropna()
    x = numeric_items(frame[items], min_items=2)
    labels = frame[group].astype(str).to_numpy() if group else np.zeros(len(frame), dtype=str)
    names = sorted(set(labels), key=list(pd.unique(labels)).index) if group else [""]
    n = len(frame)
    samples, sizes = [], {}
    for name in names:
        xg = x[labels == name]
        if len(xg) <= len(items):
            raise TooFewObservationsError(
                f"Group {name or 'all'} has {len(xg)} complete rows for {len(items)} items; "
                "a CFA needs more rows than items in every group."
            )
        s = np.cov(xg, rowvar=False, ddof=0)
        sign, logdet = np.linalg.slogdet(s)
        if sign <= 0:
            raise UndefinedStatisticError(
                f"The items' covariance matrix{' in group ' + name if name else ''} is "
                "singular (an item is constant or a combination of others); drop it."
            )
        samples.append((len(xg) / n, s, xg.mean(axis=0), logdet))
        sizes[name] = len(xg)
    return samples, sizes, n


def _baseline(samples, n: int, meanstructure: bool) -> tuple[float, int]:
    """The independence model (variances, and means, free in each group)."""
    chi2 = sum(w * n * (np.log(np.diag(s)).sum() - logdet) for w, s, _, logdet in samples)
    p = samples[0][1].shape[0]
    return float(chi2), len(samples) * p * (p - 1) // 2


def _srmr(spec: _Spec, theta, samples) -> float:
    """lavaan's SRMR (Bentler): the root mean square of (s_ij − σ_ij) / √(s_ii s_jj) over
    the p(p+1)/2 moments (and, with means, (x̄_i − μ_i) / √s_ii over the p means), each
    group weighted by N_g / N."""
    total = 0.0
    for g, (w, s, xbar, _) in enumerate(samples):
        sigma, mu = _implied(*_matrices(spec, theta, g))
        sd = np.sqrt(np.diag(s))
        r = (s - sigma) / np.outer(sd, sd)
        iu = np.triu_indices(len(sd))
        squares = list(r[iu] ** 2)
        if spec.meanstructure:
            squares += list(((xbar - mu) / sd) ** 2)
        total += w * np.sqrt(np.mean(squares))
    return float(total)


def _rmsea_interval(chi2: float, df: int, n: int, groups: int, level=0.90):
    """The RMSEA interval from the noncentral chi-square (lavaan's ``rmsea.ci.lower``)."""
    if df <= 0:
        return np.nan, np.nan

    def ncp_for(q: float) -> float:
        def f(lam):
            return stats.ncx2.cdf(chi2, df, lam) - q if lam > 0 else stats.chi2.cdf(chi2, df) - q

        if f(0) < 0:
            return 0.0
        hi = max(chi2, 1.0)
        while f(hi) > 0:
            hi *= 2
        return optimize.brentq(f, 0, hi, xtol=1e-12)

    lo = ncp_for(1 - (1 - level) / 2)
    hi = ncp_for((1 - level) / 2)
    return (
        float(np.sqrt(lo / (n * df)) * np.sqrt(groups)),
        float(np.sqrt(hi / (n * df)) * np.sqrt(groups)),
    )


def _indices(chi2, df, base_chi2, base_df, n, groups):
    if df == 0:  # a saturated model fits exactly (lavaan: CFI = TLI = 1, RMSEA = 0)
        return 1.0, 1.0, 0.0
    rmsea = np.sqrt(max(chi2 - df, 0) / (df * n)) * np.sqrt(groups)
    cfi_den = max(base_chi2 - base_df, chi2 - df, 0)
    cfi = 1 - max(chi2 - df, 0) / cfi_den if cfi_den > 0 else 1.0
    tli = (
        (base_chi2 / base_df - chi2 / df) / (base_chi2 / base_df - 1)
        if df > 0 and base_df > 0
        else np.nan
    )
    return float(cfi), float(tli), float(rmsea)


def _validate_model(model: dict[str, list[str]]) -> None:
    if not isinstance(model, dict) or not model:
        raise InvalidArgumentError("model must map each factor to its items, e.g. {'f': [...]}.")
    for factor, items in model.items():
        if len(items) < 2:
            raise NotIdentifiedError(
                f"Factor {factor!r} has {len(items)} item; give every factor at least 2 items "
                "(3 or more for a factor that does not correlate with others)."
            )


def _run(data, model, group, level, meanstructure, start=None) -> tuple[CFAResult, list]:
    _validate_model(model)
    spec0 = _spec(model, 1, "configural", meanstructure)
    samples, sizes, n = _samples(data, spec0.items, group)
    spec = _spec(model, len(samples), level, meanstructure)
    p = len(spec.items)
    moments = len(samples) * (p * (p + 1) // 2 + (p if meanstructure else 0))
    df = moments - spec.free
    if df < 0:
        raise NotIdentifiedError(
            f"The model has {spec.free} free parameters but the data give {moments} moments "
            f"(df = {df}): it is not identified. Use fewer factors or more items per factor."
        )
    theta, fmin, converged = _fit(spec, samples, start)
    fitted = [_matrices(spec, theta, g) for g in range(len(samples))]
    chi2 = n * fmin
    base_chi2, base_df = _baseline(samples, n, meanstructure)
    cfi, tli, rmsea = _indices(chi2, df, base_chi2, base_df, n, len(samples))
    lo, hi = _rmsea_interval(chi2, df, n, len(samples))
    notes = []
    if not converged:
        notes.append("The estimation did not converge; the figures are not reliable.")
    load_rows, resid_rows = [], []
    names = list(sizes)
    for g, name in enumerate(names):
        lam, phi, th, _, _ = _matrices(spec, theta, g)
        sigma = lam @ phi @ lam.T + np.diag(th)
        sd_item = np.sqrt(np.diag(sigma))
        sd_factor = np.sqrt(np.clip(np.diag(phi), 0, None))
        for j, f in enumerate(spec.factors):
            for i in np.flatnonzero(spec.pattern[:, j]):
                load_rows.append(
                    {
                        "group": name,
                        "factor": f,
                        "item": spec.items[i],
                        "estimate": lam[i, j],
                        "std": lam[i, j] * sd_factor[j] / sd_item[i],
                    }
                )
        for i, item in enumerate(spec.items):
            resid_rows.append({"group": name, "item": item, "variance": th[i]})
            if th[i] < 0:
                notes.append(
                    f"Heywood case: item {item}{' in group ' + name if name else ''} has a "
                    f"negative residual variance ({th[i]:.4f}); the model does not fit it — "
                    "check the item's scale assignment or drop it."
                )
        neg = [f for f, v in zip(spec.factors, np.diag(phi), strict=True) if v <= 0]
        for f in neg:
            notes.append(f"Heywood case: factor {f} has a non-positive variance.")
    for note in notes:
        warnings.warn(note, HeywoodCaseWarning, stacklevel=3)
    loadings = pd.DataFrame(load_rows)
    resid = pd.DataFrame(resid_rows)
    if not group:
        loadings = loadings.drop(columns="group")
        resid = resid.drop(columns="group")
    phi0 = _matrices(spec, theta, 0)[1]
    result = CFAResult(
        chi2=float(chi2),
        df=int(df),
        p=float(stats.chi2.sf(chi2, df)) if df > 0 else np.nan,
        cfi=cfi,
        tli=tli,
        rmsea=rmsea,
        rmsea_low=lo,
        rmsea_high=hi,
        srmr=_srmr(spec, theta, samples),
        loadings=loadings,
        residual_variances=resid,
        factor_covariances=pd.DataFrame(phi0, index=spec.factors, columns=spec.factors),
        n=int(n),
        groups=sizes if group else {},
        baseline_chi2=base_chi2,
        baseline_df=base_df,
        converged=converged,
        warnings=tuple(notes),
    )
    return result, fitted


def cfa(data: pd.DataFrame, *, model: dict[str, list[str]]) -> CFAResult:
    """Fit a confirmatory factor model by maximum likelihood (one group).

    Parameters
    ----------
    data : one row per respondent, one numeric column per item; rows with any missing
        item are left out (``n`` says how many were used).
    model : factor name → its items (the first item is the factor's marker, loading 1).

    Returns
    -------
    CFAResult

    Raises
    ------
    NotIdentifiedError : a factor with fewer than 2 items, or negative df.
    TooFewObservationsError, UndefinedStatisticError, InvalidArgumentError

    Warns
    -----
    HeywoodCaseWarning : a negative residual or factor variance (also in ``warnings``).

    Notes
    -----
    With S the biased sample covariance matrix and Σ(θ) = ΛΦΛ' + Θ,
    F = log|Σ| + tr(SΣ⁻¹) − log|S| − p is minimised; χ² = N F_min on
    df = p(p+1)/2 − q. With the baseline (independence) model's χ²_b on df_b:
    CFI = 1 − max(χ² − df, 0) / max(χ²_b − df_b, χ² − df, 0);
    TLI = (χ²_b/df_b − χ²/df) / (χ²_b/df_b − 1);
    RMSEA = √(max(χ² − df, 0) / (df N)) · √G (G groups);
    SRMR as lavaan's (Bentler's) standardised root mean square residual.

    In R: ``lavaan::cfa(model, data)`` and ``fitMeasures(fit)``.

    References
    ----------
    Jöreskog, K. G. (1969). A general approach to confirmatory maximum likelihood factor
    analysis. Psychometrika, 34, 183–202.
    Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. Journal of
    Statistical Software, 48(2), 1–36.
    Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance
    structure analysis. Structural Equation Modeling, 6, 1–55.
    """
    return _run(data, model, None, "configural", meanstructure=False)[0]


def measurement_invariance(
    data: pd.DataFrame, *, model: dict[str, list[str]], group: str
) -> pd.DataFrame:
    """Configural, metric and scalar invariance of a CFA across the groups in ``group``.

    Returns
    -------
    DataFrame
        Index ``configural``, ``metric``, ``scalar``; columns ``chi2``, ``df``, ``cfi``,
        ``tli``, ``rmsea``, ``srmr``, ``delta_cfi``, ``delta_rmsea`` (against the step
        before), ``delta_chi2``, ``delta_df``, ``p_delta_chi2`` (the likelihood-ratio test
        against the step before), ``holds`` (Chen's primary criterion: CFI drops by no
        more than 0.010; for configural, CFI ≥ 0.90 and RMSEA ≤ 0.08, or df = 0) and
        ``rmsea_flag`` (Chen's supplementary sign: RMSEA rises by more than 0.015).
        ``attrs["groups"]`` holds the rows per group and ``attrs["warnings"]`` any problem.

    Notes
    -----
    Configural: the same pattern in every group, all parameters free per group (latent
    means 0). Metric: loadings equal across groups. Scalar: loadings and item intercepts
    equal, latent means free in every group but the first. Mean structure throughout.

    In R: ``lavaan::cfa(model, data, group = group, group.equal = …)`` for each step and
    ``lavaan::lavTestLRT(configural, metric, scalar)``.

    References
    ----------
    Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement
    invariance. Structural Equation Modeling, 14(3), 464–504.
    Vandenberg, R. J., & Lance, C. E. (2000). A review and synthesis of the measurement
    invariance literature. Organizational Research Methods, 3, 4–70.
    """
    if group not in data:
        raise InvalidArgumentError(f"The group column {group!r} is not in the data.")
    if data[group].dropna().nunique() < 2:
        raise InvalidArgumentError(f"Measurement invariance needs at least 2 groups in {group!r}.")
    rows, notes, sizes = {}, [], {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", HeywoodCaseWarning)
        fitted = None
        for level in ("configural", "metric", "scalar"):
            r, fitted = _run(data, model, group, level, meanstructure=True, start=fitted)
            sizes = r.groups
            rows[level] = {
                "chi2": r.chi2,
                "df": r.df,
                "cfi": r.cfi,
                "tli": r.tli,
                "rmsea": r.rmsea,
                "srmr": r.srmr,
            }
            notes += [f"{level}: {w}" for w in r.warnings]
    for w in caught:
        if not issubclass(w.category, HeywoodCaseWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    out = pd.DataFrame.from_dict(rows, orient="index")
    out["delta_cfi"] = out["cfi"].diff()
    out["delta_rmsea"] = out["rmsea"].diff()
    out["delta_chi2"] = out["chi2"].diff()
    out["delta_df"] = out["df"].diff()
    out["p_delta_chi2"] = [
        np.nan,
        *(
            float(stats.chi2.sf(c, d)) if d > 0 else np.nan
            for c, d in zip(out["delta_chi2"].iloc[1:], out["delta_df"].iloc[1:], strict=True)
        ),
    ]
    configural_ok = out.loc["configural", "df"] == 0 or (
        out.loc["configural", "cfi"] >= 0.90 and out.loc["configural", "rmsea"] <= 0.08
    )
    out["holds"] = [
        bool(configural_ok),
        *(bool(dc >= -DELTA_CFI_MAX) for dc in out["delta_cfi"].iloc[1:]),
    ]
    out["rmsea_flag"] = out["delta_rmsea"] > DELTA_RMSEA_MAX
    out.attrs["groups"] = sizes
    out.attrs["warnings"] = notes
    for note in notes:
        warnings.warn(note, HeywoodCaseWarning, stacklevel=2)
    return out


def invariance_verdict(table: pd.DataFrame) -> str:
    """The highest level that holds, in words: ``"scalar"``, ``"metric"``, ``"configural"``
    or ``"none"`` (each level counts only when every level below it holds)."""
    level = "none"
    for name in ("configural", "metric", "scalar"):
        if not bool(table.loc[name, "holds"]):
            break
        level = name
    return level
