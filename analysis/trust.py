"""The directed inter-agency trust matrix and what it says.

T[a, b] is how much staff of rater sector ``a`` trust target sector ``b`` (the mean over
raters of their facet means). It splits into a symmetric part, mutual trust
S = (T + Tᵀ) / 2, and an antisymmetric part, asymmetry A = (T − Tᵀ) / 2, with T = S + A.
Own-sector ratings (the diagonal) are reported apart and left out of everything else."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class TrustMatrix:
    """Rater sector × target sector: ``mean`` (NaN where fewer than ``min_n`` raters) and
    ``n`` (raters per cell)."""

    mean: pd.DataFrame
    n: pd.DataFrame
    min_n: int

    @property
    def sectors(self) -> list[str]:
        return list(self.mean.index)

    def mutual(self) -> pd.DataFrame:
        """S = (T + Tᵀ) / 2; NaN where either direction is missing."""
        t = self.mean.to_numpy()
        return pd.DataFrame((t + t.T) / 2, index=self.mean.index, columns=self.mean.columns)

    def asymmetry(self) -> pd.DataFrame:
        """A = (T − Tᵀ) / 2: positive where the row sector trusts the column sector more
        than it is trusted back."""
        t = self.mean.to_numpy()
        return pd.DataFrame((t - t.T) / 2, index=self.mean.index, columns=self.mean.columns)

    def _off_diagonal(self) -> np.ndarray:
        t = self.mean.to_numpy(copy=True)
        np.fill_diagonal(t, np.nan)
        return t

    def trusting(self) -> pd.Series:
        """How trusting each sector is: its row mean, own sector left out."""
        with np.errstate(all="ignore"):
            return pd.Series(_nanmean(self._off_diagonal(), axis=1), index=self.mean.index)

    def trusted(self) -> pd.Series:
        """How trusted each sector is: its column mean, own sector left out."""
        with np.errstate(all="ignore"):
            return pd.Series(_nanmean(self._off_diagonal(), axis=0), index=self.mean.columns)

    def own(self) -> pd.DataFrame:
        """Own-sector ratings, reported apart: sector, mean, n."""
        return pd.DataFrame(
            {
                "mean": np.diag(self.mean.to_numpy()),
                "n": np.diag(self.n.to_numpy()),
            },
            index=self.mean.index,
        )

    def pairs(self) -> pd.DataFrame:
        """Every unordered pair of different sectors with both directions known:
        a, b, t_ab, t_ba, n_ab, n_ba, mutual, asymmetry (= (t_ab − t_ba) / 2)."""
        t, n = self.mean.to_numpy(), self.n.to_numpy()
        i, j = np.triu_indices(len(t), k=1)
        keep = ~np.isnan(t[i, j]) & ~np.isnan(t[j, i])
        i, j = i[keep], j[keep]
        s = self.sectors
        return pd.DataFrame(
            {
                "a": [s[k] for k in i],
                "b": [s[k] for k in j],
                "t_ab": t[i, j],
                "t_ba": t[j, i],
                "n_ab": n[i, j].astype(int),
                "n_ba": n[j, i].astype(int),
                "mutual": (t[i, j] + t[j, i]) / 2,
                "asymmetry": (t[i, j] - t[j, i]) / 2,
            }
        )

    def weakest_links(self, k: int | None = None) -> pd.DataFrame:
        """Sector pairs ranked from the lowest mutual trust up (ties: larger asymmetry
        first)."""
        pairs = self.pairs()
        # A stable sort on (mutual, -|asymmetry|), as one array operation.
        order = np.lexsort((-pairs["asymmetry"].abs().to_numpy(), pairs["mutual"].to_numpy()))
        ranked = pairs.take(order)
        ranked.index = pd.RangeIndex(1, len(ranked) + 1, name="rank")
        return ranked if k is None else ranked.head(k)


def _nanmean(values: np.ndarray, axis: int) -> np.ndarray:
    answered = ~np.isnan(values)
    count = answered.sum(axis=axis)
    total = np.where(answered, values, 0.0).sum(axis=axis)
    with np.errstate(all="ignore"):
        return np.where(count > 0, total / count, np.nan)


def cell_sums(
    trust: pd.DataFrame, rater_sector: pd.Series, sectors: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Per rater sector and target, the sum of trust scores and the number of raters.

    ``trust`` is respondent × target (from :func:`analysis.scoring.trust_scores`)."""
    # -1 for a rater whose sector is not in ``sectors`` (left out).
    codes = pd.Index(sectors).get_indexer(np.asarray(rater_sector, dtype=object))
    values = trust.reindex(columns=sectors).to_numpy(dtype=float)
    answered = ~np.isnan(values)
    onehot = np.zeros((len(sectors), len(values)))
    rows = np.flatnonzero(codes >= 0)
    onehot[codes[rows], rows] = 1.0
    return onehot @ np.where(answered, values, 0.0), onehot @ answered.astype(float)


def trust_matrix(
    trust: pd.DataFrame, rater_sector: pd.Series, sectors: list[str], *, min_n: int = 5
) -> TrustMatrix:
    """The directed trust matrix of one group of respondents.

    Parameters
    ----------
    trust : respondent × target-sector trust scores.
    rater_sector : each respondent's own sector.
    sectors : the sector codes, in display order (rows and columns).
    min_n : cells rated by fewer raters are left empty (their n is still reported).
    """
    total, count = cell_sums(trust, rater_sector, sectors)
    with np.errstate(all="ignore"):
        mean = np.where(count >= max(min_n, 1), total / count, np.nan)
    return TrustMatrix(
        mean=pd.DataFrame(mean, index=sectors, columns=sectors),
        n=pd.DataFrame(count.astype(int), index=sectors, columns=sectors),
        min_n=min_n,
    )
