"""Pseudonymised microdata for the academic panel: areas coded with a keyed hash, rare
categories merged, identifiers and free text dropped, rows shuffled."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.disclosure import DEFAULT_RULES, DisclosureError, DisclosureRules

PROFILE_COLUMNS = ("sector", "role_level", "co_located", "multi_agency_team")
KEPT = ("area", "wave", *PROFILE_COLUMNS)
# Numeric identifiers; any other non-numeric column outside KEPT is dropped anyway.
IDENTIFIERS = ("response_id", "respondent_id", "organisation_id", "batch_id")


def _keyed(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def _merge_rare(values: pd.Series, threshold: int) -> pd.Series:
    values = values.astype(object)
    if values.dropna().map(lambda v: isinstance(v, bool | np.bool_)).all():
        values = values.map({True: "yes", False: "no"}.get, na_action="ignore")
    counts = values.value_counts()
    merged = {*counts.index[counts < threshold], "other"}
    pooled = int(counts[counts.index.isin(merged)].sum())
    # A small "other" is no safer (in a yes/no column it is simply the other answer), so
    # the next-smallest values join it until it is large enough.
    rest = counts[~counts.index.isin(merged)].sort_index(key=lambda s: s.astype(str))
    for value, count in rest.sort_values(kind="stable").items():
        if pooled == 0 or pooled >= threshold:
            break
        merged.add(value)
        pooled += int(count)
    return values.where(~values.isin(merged), "other")


def pseudonymise(
    survey: pd.DataFrame,
    *,
    key: str,
    rules: DisclosureRules = DEFAULT_RULES,
    columns_to_drop: Sequence[str] = IDENTIFIERS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pseudonymised microdata for the academic panel, and the area key for administrators.

    Parameters
    ----------
    survey : the wide survey frame (:func:`survey.store.readers.survey_frame`), areas pooled.
    key : a long random secret (16 characters or more), kept like a password.
    columns_to_drop : identifiers always removed (as is any column ending "_id").

    Returns
    -------
    microdata, mapping
        ``microdata``: ``area`` as a code, ``wave``, the profile columns and the numeric
        item columns, rows shuffled, index 0..n−1. ``mapping`` (area, code) is for
        administrators only and must never reach the panel: with it a code is an area.

    Notes
    -----
    Every non-numeric column other than ``KEPT`` (free text, organisation, respondent key,
    timestamps) goes with the identifiers. Areas get "A01", "A02", … in the order of
    HMAC-SHA256(key, area): not the alphabetical order, and not reversible without the key;
    stable for the same key and set of areas. A value of sector, role level, co-location
    or multi-agency team held by fewer than ``rules.rare_category`` rows becomes "other",
    and the next-smallest values join a still small "other" (in a yes/no column it would
    be the other answer); yes/no columns read "yes"/"no". Rows are shuffled with a seed
    derived from the key, so their order says nothing about area, wave or response time.
    """
    if not isinstance(key, str) or len(key) < 16:
        raise DisclosureError("key must be a secret of 16+ characters (secrets.token_hex(32)).")
    if "area" not in survey.columns:
        raise DisclosureError("The survey frame has no 'area' column to pseudonymise.")
    secret, items = key.encode("utf-8"), set(survey.select_dtypes("number").columns)
    dropped = {*columns_to_drop, *(c for c in survey.columns if str(c).endswith("_id"))}
    out = survey[[c for c in survey.columns if c in {*KEPT, *items} - dropped]].copy()
    areas = sorted(out["area"].dropna().astype(str).unique(), key=lambda a: _keyed(secret, a))
    codes = [f"A{i:0{max(2, len(str(len(areas))))}d}" for i in range(1, len(areas) + 1)]
    out["area"] = out["area"].astype(str).map(dict(zip(areas, codes, strict=True)))
    for column in PROFILE_COLUMNS:
        if column in out.columns:
            out[column] = _merge_rare(out[column], rules.rare_category)
    seed = int.from_bytes(_keyed(secret, "row order")[:8], "big")
    order = np.random.default_rng(seed).permutation(len(out))
    return out.iloc[order].reset_index(drop=True), pd.DataFrame({"area": areas, "code": codes})
