"""Pooled views for the panel never show a group under the minimum."""

import numpy as np
import pandas as pd

from analysis.pooled import pooled_trust, sector_means
from analysis.readiness import context_from_catalogue
from instruments.catalogue import default_catalogue


def test_sector_means_leave_out_small_sectors():
    scores = pd.DataFrame(
        {"culture": [4.0] * 6 + [2.0] * 3, "sector": ["police"] * 6 + ["dwp"] * 3}
    )
    means = sector_means(scores, min_group=5)
    assert list(means.index) == ["police"]
    assert means.loc["police", "culture"] == 4.0


def test_pooled_trust_hides_cells_rated_by_few():
    model = context_from_catalogue(default_catalogue()).model
    sizes = {"police": 9, "mental_health": 8, "acute_health": 8}
    rows = []
    for sector, size in sizes.items():
        for i in range(size):
            row = {"sector": sector}
            for target in sizes:
                # Only three mental-health staff rate the police: a cell of three.
                if sector == "mental_health" and target == "police" and i >= 3:
                    continue
                for facet in model.trust.facets:
                    row[model.trust.item(target, facet)] = 4.0
            rows.append(row)
    mean, n, status = pooled_trust(pd.DataFrame(rows), model, min_group=5)
    assert status.loc["mental_health", "police"] == "small"
    assert np.isnan(mean.loc["mental_health", "police"])
    shown = (status == "shown").to_numpy()
    assert shown.sum() >= 3
    assert (n.to_numpy()[shown] >= 5).all()
    assert (mean.to_numpy()[shown] == 4.0).all()
