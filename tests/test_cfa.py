"""Tests for analysis.cfa: confirmatory factor analysis and measurement invariance.

Golden values: lavaan (Rosseel, 2012) on the Holzinger and Swineford (1939) data
(``lavaan::HolzingerSwineford1939``; ``tests/data/holzinger_swineford_1939.csv``), the
three-factor model of the lavaan tutorial (https://lavaan.ugent.be/tutorial/cfa.html and
.../tutorial/groups.html):

    HS.model <- 'visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9'
    fit <- cfa(HS.model, data = HolzingerSwineford1939)
    summary(fit, fit.measures = TRUE)
    # Test statistic 85.306, df 24; baseline 918.852 on 36; CFI 0.931; TLI 0.896;
    # RMSEA 0.092 (90% CI 0.071-0.114); SRMR 0.065; loadings x2 0.554, x3 0.729, x5 1.113,
    # x6 0.926, x8 1.180, x9 1.082; variances x1 0.549 ... x9 0.566; visual 0.809,
    # textual 0.979, speed 0.384; covariances 0.408, 0.262, 0.173.
    configural <- cfa(HS.model, data = HolzingerSwineford1939, group = "school")
    metric <- cfa(HS.model, ..., group = "school", group.equal = "loadings")
    scalar <- cfa(HS.model, ..., group = "school", group.equal = c("loadings", "intercepts"))
    lavTestLRT(configural, metric, scalar)
    # Chisq 115.85 / 124.04 / 164.10 on 48 / 54 / 60 df (summary: 115.851, 124.044,
    # 164.103); Chisq diff 8.1922 (p 0.2244) and 40.059 (p 4.435e-07).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.cfa import cfa, invariance_verdict, measurement_invariance
from analysis.errors import HeywoodCaseWarning, InvalidArgumentError, NotIdentifiedError

HS = pd.read_csv(Path(__file__).parent / "data" / "holzinger_swineford_1939.csv")
MODEL = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}


@pytest.fixture(scope="module")
def fit():
    return cfa(HS, model=MODEL)


@pytest.fixture(scope="module")
def invariance():
    return measurement_invariance(HS, model=MODEL, group="school")


def test_three_factor_model_reproduces_lavaan_fit(fit):
    assert round(fit.chi2, 3) == 85.306
    assert fit.df == 24 and fit.n == 301
    assert round(fit.baseline_chi2, 3) == 918.852 and fit.baseline_df == 36
    assert round(fit.cfi, 3) == 0.931
    assert round(fit.tli, 3) == 0.896
    assert round(fit.rmsea, 3) == 0.092
    assert (round(fit.rmsea_low, 3), round(fit.rmsea_high, 3)) == (0.071, 0.114)
    assert round(fit.srmr, 3) == 0.065
    assert fit.converged and fit.warnings == ()


def test_three_factor_model_reproduces_lavaan_estimates(fit):
    est = fit.loadings.set_index("item")["estimate"].round(3).to_dict()
    assert est == {
        "x1": 1.0, "x2": 0.554, "x3": 0.729,
        "x4": 1.0, "x5": 1.113, "x6": 0.926,
        "x7": 1.0, "x8": 1.180, "x9": 1.082,
    }  # fmt: skip
    resid = fit.residual_variances.set_index("item")["variance"].round(3).tolist()
    assert resid == [0.549, 1.134, 0.844, 0.371, 0.446, 0.356, 0.799, 0.488, 0.566]
    phi = fit.factor_covariances.round(3)
    assert np.diag(phi).tolist() == [0.809, 0.979, 0.384]
    assert (phi.loc["visual", "textual"], phi.loc["visual", "speed"]) == (0.408, 0.262)
    assert phi.loc["textual", "speed"] == 0.173
    # standardised loadings (lavaan std.all): x1 0.772, x4 0.852, x7 0.570
    std = fit.loadings.set_index("item")["std"].round(3)
    assert (std["x1"], std["x4"], std["x7"]) == (0.772, 0.852, 0.570)


def test_invariance_by_school_reproduces_lavaan(invariance):
    assert list(invariance.index) == ["configural", "metric", "scalar"]
    assert invariance["chi2"].round(3).tolist() == [115.851, 124.044, 164.103]
    assert invariance["df"].tolist() == [48, 54, 60]
    assert invariance.loc["metric", "delta_chi2"] == pytest.approx(8.1922, abs=1e-4)
    assert invariance.loc["metric", "p_delta_chi2"] == pytest.approx(0.2244, abs=1e-4)
    assert invariance.loc["scalar", "delta_chi2"] == pytest.approx(40.059, abs=1e-3)
    assert invariance.loc["scalar", "p_delta_chi2"] == pytest.approx(4.435e-07, rel=1e-3)
    assert invariance.attrs["groups"] == {"Pasteur": 156, "Grant-White": 145}
    for col in ("chi2", "df", "cfi", "tli", "rmsea", "srmr", "delta_cfi", "delta_rmsea"):
        assert col in invariance


def test_invariance_fit_indices_and_chen_cut_offs(invariance):
    # lavaan fitMeasures of the three models: CFI 0.923 / 0.921 / 0.882,
    # RMSEA 0.097 / 0.093 / 0.107, SRMR 0.068 / 0.072 / 0.082.
    assert invariance["cfi"].round(3).tolist() == [0.923, 0.921, 0.882]
    assert invariance["rmsea"].round(3).tolist() == [0.097, 0.093, 0.107]
    assert invariance["srmr"].round(3).tolist() == [0.068, 0.072, 0.082]
    d = invariance
    assert d.loc["metric", "delta_cfi"] == pytest.approx(
        d.loc["metric", "cfi"] - d.loc["configural", "cfi"]
    )
    # Chen (2007): metric holds (ΔCFI -0.002), scalar does not (ΔCFI -0.038)
    assert bool(d.loc["metric", "holds"]) and not bool(d.loc["scalar", "holds"])
    # the configural model itself fits poorly (RMSEA 0.097 > 0.08), so nothing is claimed
    assert invariance_verdict(d) == "none"
    assert invariance_verdict(d.assign(holds=[True, True, False])) == "metric"
    assert invariance_verdict(d.assign(holds=[True, True, True])) == "scalar"


def _exact(cov: np.ndarray, n: int, seed: int = 0) -> pd.DataFrame:
    """n rows whose sample covariance is exactly ``cov``."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, len(cov)))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False, ddof=0))).T
    x = z @ np.linalg.cholesky(cov).T
    return pd.DataFrame(x, columns=[f"i{k}" for k in range(1, len(cov) + 1)])


def test_a_heywood_case_is_named():
    # one factor, three items: loading of i1 squared = r12 r13 / r23 = 0.9 * 0.5 / 0.3 = 1.5,
    # so its residual variance is 1 - 1.5 = -0.5 (Heywood case).
    r = np.array([[1, 0.9, 0.5], [0.9, 1, 0.3], [0.5, 0.3, 1]])
    data = _exact(r, 300)
    with pytest.warns(HeywoodCaseWarning, match="Heywood case: item i1"):
        result = cfa(data, model={"f": ["i1", "i2", "i3"]})
    assert result.residual_variances.set_index("item")["variance"]["i1"] == pytest.approx(
        -0.5, abs=1e-3
    )
    assert any("Heywood" in w for w in result.warnings)


def test_a_model_with_negative_df_is_refused():
    data = _exact(np.eye(3) * 0.5 + 0.5, 100)
    with pytest.raises(NotIdentifiedError, match="df = -4"):
        cfa(data, model={"a": ["i1", "i2", "i3"], "b": ["i1", "i2", "i3"]})
    with pytest.raises(NotIdentifiedError, match="at least 2 items"):
        cfa(data, model={"a": ["i1", "i2"], "b": ["i3"]})


def test_missing_rows_are_left_out_and_counted(fit):
    gappy = HS.copy()
    gappy.loc[:9, "x1"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = cfa(gappy, model=MODEL)
    assert result.n == 291


def test_bad_arguments_say_what_to_fix():
    with pytest.raises(InvalidArgumentError, match="not in the data: x99"):
        cfa(HS, model={"f": ["x1", "x99"]})
    with pytest.raises(InvalidArgumentError, match="at least 2 groups"):
        measurement_invariance(HS.assign(g="one"), model=MODEL, group="g")
