"""Pooled views for the panel: scores by sector and the pooled trust matrix, after
disclosure control. Inputs are pooled, pseudonymised microdata (see
:func:`analysis.pseudonyms.pseudonymise`)."""

from __future__ import annotations

import pandas as pd

from analysis.disclosure import suppress_matrix
from analysis.scoring import ScoringModel, score, trust_scores
from analysis.trust import trust_matrix


def pooled_scores(micro: pd.DataFrame, model: ScoringModel) -> pd.DataFrame:
    """Per respondent: pillar and scale scores, and the (merged) sector."""
    scores = score(micro, model)
    table = pd.concat([scores.pillars, scores.scales], axis=1)
    table["sector"] = micro["sector"].to_numpy()
    return table


def sector_means(scores: pd.DataFrame, *, min_group: int) -> pd.DataFrame:
    """Mean of every score by sector; sectors with fewer than ``min_group`` respondents
    are left out."""
    counts = scores.groupby("sector").size()
    means = scores.groupby("sector").mean(numeric_only=True)
    return means[counts.reindex(means.index) >= min_group]


def pooled_trust(
    micro: pd.DataFrame, model: ScoringModel, *, min_group: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The directed trust matrix of all respondents pooled, after disclosure control:
    (mean, n, status) as :func:`analysis.disclosure.suppress_matrix` gives them."""
    sectors = list(model.trust.sectors) if model.trust else []
    matrix = trust_matrix(trust_scores(micro, model), micro["sector"], sectors, min_n=1)
    sizes = micro["sector"].value_counts().reindex(sectors, fill_value=0)
    return suppress_matrix(matrix.mean, matrix.n, group_sizes=sizes, min_group=min_group)
