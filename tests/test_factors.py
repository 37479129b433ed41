"""Tests for analysis.factors.

Golden values come from R 4.2.2 with psych 2.2.9 and GPArotation 2022.10-2
(``packageVersion("psych")``, ``packageVersion("GPArotation")``) on tests/data/bfi.csv read
back with ``read.csv``. psych rotates with ``stats::varimax`` (rotate = "varimax") and
``GPArotation::oblimin`` (rotate = "oblimin"). Factor columns are matched up to sign and
order before comparing.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import (
    ConstantItemError,
    InvalidArgumentError,
    NonNumericError,
    TooFewItemsError,
    TooFewObservationsError,
)
from analysis.factors import FactorSolution, factor_analysis, parallel_analysis

BFI = pd.read_csv(Path(__file__).parent / "data" / "bfi.csv")
ITEMS_15 = [f"{s}{i}" for s in "ACE" for i in range(1, 6)]  # raw, not reverse-keyed
ITEMS_25 = [f"{s}{i}" for s in "ACENO" for i in range(1, 6)]

# R: x <- na.omit(bfi[, c(paste0("A", 1:5), paste0("C", 1:5), paste0("E", 1:5))])  # 2563 rows
#    f <- psych::fa(x, nfactors = 3, fm = "minres", rotate = "varimax"); f$loadings
VARIMAX = [
    (-0.004390, 0.009489, -0.407365),
    (0.199724, 0.133309, 0.652518),
    (0.304442, 0.091532, 0.682350),
    (0.176348, 0.213724, 0.430440),
    (0.423623, 0.101159, 0.509272),
    (0.084137, 0.565552, 0.015946),
    (0.018724, 0.647712, 0.092599),
    (0.007933, 0.562326, 0.120100),
    (-0.099504, -0.640849, -0.063253),
    (-0.180999, -0.556270, -0.077993),
    (-0.601397, 0.029972, -0.085982),
    (-0.714168, -0.122447, -0.101194),
    (0.542903, 0.109436, 0.239682),
    (0.666018, 0.101941, 0.258458),
    (0.457244, 0.321891, 0.131994),
]
VARIMAX_SS = (2.212415, 1.999738, 1.694604)  # f$Vaccounted["SS loadings", ]

# R: f <- psych::fa(x, nfactors = 3, fm = "minres", rotate = "oblimin"); f$loadings; f$Phi
OBLIMIN = [
    (0.151581, 0.060010, -0.475165),
    (-0.041399, 0.038132, 0.704331),
    (0.066954, -0.019794, 0.721424),
    (0.011529, 0.151197, 0.441652),
    (0.265335, -0.001067, 0.493291),
    (0.039196, 0.576863, -0.060012),
    (-0.070042, 0.659668, 0.034411),
    (-0.085383, 0.568727, 0.077947),
    (-0.031598, -0.647722, 0.016190),
    (-0.123623, -0.549582, 0.007178),
    (-0.637365, 0.104142, 0.023930),
    (-0.743790, -0.040628, 0.046464),
    (0.501198, 0.028020, 0.152728),
    (0.631339, 0.005145, 0.149345),
    (0.429554, 0.270782, 0.022457),
]
OBLIMIN_PHI = [(1.0, 0.250666, 0.518572), (0.250666, 1.0, 0.283414), (0.518572, 0.283414, 1.0)]
OBLIMIN_SS = (2.058112, 1.981009, 1.867636)  # f$Vaccounted["SS loadings", ] = diag(Phi L'L)

# R: f$communality (identical for both rotations)
COMMUNALITY = [
    0.166056,
    0.483441,
    0.566665,
    0.262055,
    0.449048,
    0.327182,
    0.428456,
    0.330697,
    0.424590,
    0.348280,
    0.369970,
    0.535269,
    0.364167,
    0.520773,
    0.330109,
]

# R: psych::fa(x, nfactors = 1, fm = "minres")$loadings
ONE_FACTOR = [
    -0.218671,
    0.541611,
    0.605610,
    0.463063,
    0.618669,
    0.325898,
    0.354498,
    0.329387,
    -0.389823,
    -0.423340,
    -0.427986,
    -0.579919,
    0.557543,
    0.637174,
    0.544972,
]


def align(actual: np.ndarray, expected: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Reorder and re-sign the columns of ``actual`` to best match ``expected``."""
    order, signs = [], []
    for j in range(expected.shape[1]):
        scores = [
            -np.inf if i in order else abs(actual[:, i] @ expected[:, j])
            for i in range(actual.shape[1])
        ]
        best = int(np.argmax(scores))
        order.append(best)
        signs.append(np.sign(actual[:, best] @ expected[:, j]))
    return actual[:, order] * signs, np.array(order)


@pytest.fixture(scope="module")
def items15() -> pd.DataFrame:
    return BFI[ITEMS_15]


@pytest.mark.parametrize(
    "rotation, golden, ss", [("varimax", VARIMAX, VARIMAX_SS), ("oblimin", OBLIMIN, OBLIMIN_SS)]
)
def test_rotated_loadings_match_psych(items15, rotation, golden, ss):
    solution = factor_analysis(items15, 3, rotation=rotation)
    assert isinstance(solution, FactorSolution)
    assert solution.n == 2563
    assert list(solution.loadings.index) == ITEMS_15
    loadings, order = align(solution.loadings.to_numpy(), np.array(golden))
    np.testing.assert_allclose(loadings, golden, atol=1e-4)
    np.testing.assert_allclose(solution.variance["ss_loadings"].to_numpy()[order], ss, atol=1e-4)
    np.testing.assert_allclose(solution.communalities, COMMUNALITY, atol=1e-5)
    np.testing.assert_allclose(solution.uniquenesses, 1 - np.array(COMMUNALITY), atol=1e-5)


def test_oblimin_factor_correlations_match_psych(items15):
    solution = factor_analysis(items15, 3, rotation="oblimin")
    _, order = align(solution.loadings.to_numpy(), np.array(OBLIMIN))
    phi = solution.factor_correlations.to_numpy()[np.ix_(order, order)]
    np.testing.assert_allclose(phi, OBLIMIN_PHI, atol=1e-4)


def test_factors_are_ordered_by_variance_and_signed_positive(items15):
    for rotation in ("varimax", "oblimin", None):
        solution = factor_analysis(items15, 3, rotation=rotation)
        ss = solution.variance["ss_loadings"].to_numpy()
        assert np.all(np.diff(ss) <= 0)
        assert np.all(solution.loadings.sum() > 0)
        assert list(solution.loadings.columns) == ["MR1", "MR2", "MR3"]


def test_varimax_is_orthogonal_rotation_of_unrotated(items15):
    unrotated = factor_analysis(items15, 3, rotation=None).loadings.to_numpy()
    varimax = factor_analysis(items15, 3, rotation="varimax").loadings.to_numpy()
    # same common-factor model: L L' is invariant under orthogonal rotation
    np.testing.assert_allclose(varimax @ varimax.T, unrotated @ unrotated.T, atol=1e-10)


def test_one_factor_matches_psych(items15):
    solution = factor_analysis(items15, 1)
    np.testing.assert_allclose(solution.loadings["MR1"], ONE_FACTOR, atol=1e-5)
    assert solution.factor_correlations is None
    assert solution.rotation is None


def test_proportion_of_variance(items15):
    solution = factor_analysis(items15, 3, rotation="varimax")
    v = solution.variance
    np.testing.assert_allclose(v["proportion_var"], v["ss_loadings"] / 15, atol=1e-15)
    # R: f$Vaccounted["Cumulative Var", 3] = sum(f$communality) / 15
    assert v["cumulative_var"].iloc[-1] == pytest.approx(sum(COMMUNALITY) / 15, abs=1e-5)


# --- parallel analysis ----------------------------------------------------------------------

# R: x25 <- na.omit(bfi[, 1:25])                                    # 2436 rows
#    eigen(cor(x25))$values[1:7]
#    psych::fa(cor(x25), 1, fm = "minres", rotate = "none")$values[1:7]
#    (the observed eigenvalues of psych::fa.parallel(x25, fm = "minres", fa = "both"), which
#    reports 6 factors and 5 components; simulated values are random and not compared)
OBSERVED_PC = [5.134311, 2.751887, 2.142702, 1.852328, 1.548163, 1.073582, 0.839539]
OBSERVED_FA = [4.364138, 1.921594, 1.305203, 0.970727, 0.724643, 0.222698, 0.000958]


@pytest.fixture(scope="module")
def parallel():
    return parallel_analysis(BFI[ITEMS_25], n_iter=20, seed=1)


def test_parallel_observed_eigenvalues_match_psych(parallel):
    table = parallel.eigenvalues
    assert list(table.columns) == ["observed_pc", "simulated_pc", "observed_fa", "simulated_fa"]
    np.testing.assert_allclose(table["observed_pc"].iloc[:7], OBSERVED_PC, atol=1e-6)
    np.testing.assert_allclose(table["observed_fa"].iloc[:7], OBSERVED_FA, atol=1e-5)


def test_parallel_suggests_what_psych_suggests(parallel):
    # R: set.seed(42); psych::fa.parallel(x25, fm = "minres", fa = "both", n.iter = 20)
    #    "the number of factors = 6 and the number of components = 5"
    assert (parallel.n_factors, parallel.n_components) == (6, 5)
    # simulated eigenvalues of uncorrelated normal data hover around 1 (components) and 0
    # (factors); R's set.seed(42) run gave 1.1867 and 0.2155 for the first ones (means)
    assert 1.1 < parallel.eigenvalues["simulated_pc"].iloc[0] < 1.3
    assert 0.1 < parallel.eigenvalues["simulated_fa"].iloc[0] < 0.35


def test_parallel_is_reproducible():
    a = parallel_analysis(BFI[ITEMS_15], n_iter=5, seed=3)
    b = parallel_analysis(BFI[ITEMS_15], n_iter=5, seed=3)
    pd.testing.assert_frame_equal(a.eigenvalues, b.eigenvalues)


# --- bad input ------------------------------------------------------------------------------


def test_too_few_items():
    with pytest.raises(TooFewItemsError):
        factor_analysis(BFI[["A1"]], 1)


def test_constant_item(items15):
    with pytest.raises(ConstantItemError, match="Z"):
        factor_analysis(items15.assign(Z=1), 2)


def test_non_numeric_item(items15):
    with pytest.raises(NonNumericError, match="A1"):
        parallel_analysis(items15.assign(A1=items15["A1"].astype(str)))


def test_more_items_than_rows():
    with pytest.raises(TooFewObservationsError, match="more complete rows than items"):
        factor_analysis(BFI[ITEMS_15].dropna().iloc[:10], 2)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_factors": 0},
        {"n_factors": 15},
        {"n_factors": 2.5},
        {"n_factors": 2, "rotation": "promax"},
        {"n_factors": 2, "method": "ml"},
    ],
)
def test_invalid_options(items15, kwargs):
    with pytest.raises(InvalidArgumentError):
        factor_analysis(items15, **kwargs)


@pytest.mark.parametrize("kwargs", [{"n_iter": 0}, {"quantile": 1.0}])
def test_invalid_parallel_options(items15, kwargs):
    with pytest.raises(InvalidArgumentError):
        parallel_analysis(items15, **kwargs)
