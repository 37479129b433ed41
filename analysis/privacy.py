"""Disclosure control: what may be shown about small groups, free text and microdata.

Staff only say honestly that they distrust a partner agency if they cannot be picked out.
So a group is shown only with at least ``min_group`` respondents and cannot be worked out
by subtraction from a total shown elsewhere; free text needs a larger group and
:func:`redact`; the panel's microdata are pseudonymised; exports cannot run formulas."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

COMPLEMENTARY = "hidden so a small group cannot be worked out from the total"
PROFILE_COLUMNS = ("sector", "role_level", "co_located", "multi_agency_team")
KEPT = ("area", "wave", *PROFILE_COLUMNS)
# Numeric identifiers; any other non-numeric column outside KEPT is dropped anyway.
IDENTIFIERS = ("response_id", "respondent_id", "organisation_id", "batch_id")


class DisclosureError(ValueError):
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


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PHONE = re.compile(
    r"(?<![\w+/.])(?:\+44\s?(?:\(0\)\s?)?|0044\s?|\(?0)\d{2,4}\)?(?:[\s-]?\d){5,8}(?!\d)"
)
_NHS = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
_POSTCODE = re.compile(r"(?<!\w)[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}(?!\w)")
# Capitalised words that follow a title or role but are not names ("Nurse Practitioner").
_NOT_NAMES = (
    r"Practitioners?|Professionals?|Consultant|Manager|Lead|Leader|Teams?|Services?|Board"
    r"|Practice|Partnership|Council|Police|Health|Care|Social|Mental|Safeguarding|Hub|Agency"
    r"|Agencies|Meeting|Report|Officer|Station|Ward|Office|Unit|Department|Trust|Support"
    r"|Protocol|Adults?|Children|Community|Acute|Primary|Public|Family|Early|Youth|Housing"
    r"|Education|Fire|Probation|Ambulance|Hospital|Court|County|City|District|Borough|Local"
    r"|National|Integrated|Joint|Information|Governance|Data|And|The|Of|\w+day"
)
_WORD = (
    rf"(?!(?:{_NOT_NAMES})\b)"
    r"[A-Z](?:[a-z]+|[a-z]*[A-Z][a-z]+|['’][A-Z][a-z]+)(?:-[A-Z][a-z]+)?(?!\w)"
)
_NAME = rf"(?:[A-Z]\.?\s+)*{_WORD}(?:\s+{_WORD}){{0,2}}"
_TITLED = re.compile(
    r"\b(?:Mrs|Mr|Ms|Miss|Mx|Dr|Prof|Professor|Sister|Nurse|Matron|Midwife|PCSO|PC|DCI|DC|DS"
    rf"|DI|Sgt|Sergeant|Insp|Inspector|Constable|Councillor|Cllr|Revd|Rev)\b\.?\s+{_NAME}"
)
_ROLED = re.compile(
    r"(?P<role>(?i:\b(?:my|our|their|his|her|your|the|a|an)\s+(?:(?:line|team|practice|ward)"
    r"\s+manager|manager|colleague|boss|supervisor|(?:social|key|support|case|youth)\s+worker"
    r"|caseworker|health\s+visitor|(?:police|probation|duty)\s+officer|officer|nurse|midwife"
    r"|doctor|gp|consultant|counterpart|contact|team\s+leader|lead|director|practitioner"
    r"|co-?ordinator|therapist|psychiatrist|(?:head\s*)?teacher|sergeant|inspector|mentor)))"
    rf"(?P<gap>\s+){_NAME}"
)


def _phone(m: re.Match[str]) -> str:  # a UK number has 9 or 10 digits after the 0 or +44
    national = re.sub(r"\D", "", re.sub(r"^(?:\+|00)44", "", m.group(0))).removeprefix("0")
    return "[phone]" if len(national) in (9, 10) else m.group(0)


def _redact_once(text: str) -> str:
    text = _PHONE.sub(_phone, _EMAIL.sub("[email]", text))
    text = _POSTCODE.sub("[postcode]", _NHS.sub("[NHS number]", text))
    text = _TITLED.sub("[name]", text)
    return _ROLED.sub(lambda m: f"{m.group('role')}{m.group('gap')}[name]", text)


def redact(text: str) -> str:
    """Take contact details, NHS numbers, postcodes and people's names out of free text.

    E-mail addresses become "[email]"; UK phone numbers (landline or mobile, spaced or not,
    0…, +44 … or +44 (0)… forms) "[phone]"; any other run of 10 digits, optionally spaced
    3-3-4 ("943 476 5919"), "[NHS number]"; UK postcodes ("SW1A 1AA") "[postcode]"; a title
    or role with capitalised names ("Mrs J. Patel", "PC Jones", "Cllr Ahmed") "[name]";
    and in "my manager Sarah told me" the name only ("my manager [name] told me").

    Everything else is kept exactly, markup included (escaping is the view's job; text is
    never stripped or rendered here), and replacing repeats until nothing changes, so
    ``redact(redact(x)) == redact(x)``.

    Notes
    -----
    The NHS number's Modulus 11 check digit is deliberately not used as a filter: a number
    mistyped by one digit is still an identifier. Name detection is heuristic: a bare name
    ("Sarah said") is not found, and a capitalised word after a title or role is taken for
    a name unless it is a known service word ("Nurse Practitioner").
    """
    if not isinstance(text, str):
        raise TypeError(f"redact() takes a string, got {type(text).__name__}; drop missing text.")
    while (clean := _redact_once(text)) != text:
        text = clean
    return text


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
    survey : the wide survey frame (:func:`survey.evidence.survey_frame`), areas pooled.
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


def neutralise_formula(value: object) -> object:
    """Stop a spreadsheet from running a cell as a formula (CSV / formula injection).

    A string starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
    leading apostrophe, as OWASP's CSV-injection guidance advises, so Excel and LibreOffice
    show it as text. Numbers and other values are unchanged, and so are strings that only
    look like SQL: they are stored as data and never executed."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """:func:`neutralise_formula` over every text cell (object, string or category columns)
    and every column name, ready for a CSV or XLSX export. Numeric columns are untouched."""
    out = df.copy()
    for column, dtype in df.dtypes.items():
        if isinstance(dtype, np.dtypes.ObjectDType | pd.StringDtype | pd.CategoricalDtype):
            out[column] = out[column].astype(object).map(neutralise_formula)
    out.columns = out.columns.map(neutralise_formula)
    return out
