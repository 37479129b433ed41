"""No silent nonsense: figures that cannot be read as they stand come with a named warning
that says what to fix (issue 14, item 6)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.aggregation import icc2
from analysis.errors import NegativeICCWarning, ReverseKeyingWarning, StatisticWarning
from analysis.reliability import cronbach_alpha, mcdonald_omega


def _unreversed(n: int = 200, seed: int = 0) -> pd.DataFrame:
    """Three items of one trait, the third reverse-keyed but not reversed."""
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=n)
    items = pd.DataFrame({f"i{k}": trait + rng.normal(scale=0.7, size=n) for k in (1, 2, 3)})
    items["i3"] = -items["i3"]
    return items


def test_negative_alpha_says_to_check_reverse_keying():
    with pytest.warns(ReverseKeyingWarning, match="reverse-keyed items have been reversed"):
        result = cronbach_alpha(_unreversed())
    assert result.alpha < 0


def test_omega_with_a_negative_loading_names_the_item():
    with pytest.warns(ReverseKeyingWarning, match="Items i3 load negatively"):
        mcdonald_omega(_unreversed())


def test_a_proper_scale_gives_no_warning():
    items = _unreversed()
    items["i3"] = -items["i3"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", StatisticWarning)
        assert cronbach_alpha(items).alpha > 0.7
        mcdonald_omega(items)


def test_negative_icc2_says_not_to_aggregate():
    # Two groups with identical means and spread within: MS between 0 < MS within.
    values = pd.Series([1.0, 5.0, 3.0, 1.1, 4.9, 3.1])
    groups = pd.Series(["a", "a", "a", "b", "b", "b"])
    with pytest.warns(NegativeICCWarning, match="Do not aggregate"):
        assert icc2(values, groups) < 0
