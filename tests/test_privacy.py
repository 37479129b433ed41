"""Tests for analysis.privacy: small groups are hidden and cannot be worked out from totals,
the trust matrix and its summaries leak no hidden cell, free text loses its identifiers,
the panel's microdata are pseudonymised and exports cannot run formulas."""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.disclosure import (
    COMPLEMENTARY,
    DisclosureError,
    DisclosureRules,
    matrix_margins,
    mutual_and_asymmetry,
    suppress_groups,
    suppress_matrix,
    text_allowed,
)
from analysis.pseudonyms import pseudonymise
from analysis.redaction import redact
from analysis.trust import trust_matrix
from app.exports.formulas import neutralise_formula, neutralise_frame

NAN = np.nan

# --- rules ------------------------------------------------------------------------------------


def test_default_rules():
    rules = DisclosureRules()
    assert (rules.min_group, rules.min_text_group, rules.rare_category) == (5, 10, 10)


@pytest.mark.parametrize(
    "settings_",
    [
        {"min_group": 0},
        {"min_group": -3},
        {"min_group": 2.5},
        {"min_group": True},
        {"rare_category": 0},
        {"min_text_group": 0},
        {"min_group": 8, "min_text_group": 5},  # text would be shown for groups too small
    ],
)
def test_nonsense_rules_are_refused_with_a_named_error(settings_):
    with pytest.raises(DisclosureError, match=r"min_|rare_"):
        DisclosureRules(**settings_)
    assert issubclass(DisclosureError, ValueError)


# --- group tables -----------------------------------------------------------------------------


def sectors(**rows: tuple[int, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"n": [n for n, _ in rows.values()], "mean": [m for _, m in rows.values()]},
        index=pd.Index(list(rows), name="sector"),
    )


def test_primary_suppression_hides_small_groups_but_not_empty_ones():
    table = sectors(police=(12, 3.1), health=(3, 2.0), care=(0, NAN), fire=(8, 3.9))
    out = suppress_groups(table, value_columns=["mean"], min_group=5, total_shown=False)
    assert out.loc["health", "suppressed"]
    assert np.isnan(out.loc["health", "n"]) and np.isnan(out.loc["health", "mean"])
    assert out.loc["health", "reason"] == "fewer than 5 respondents"
    # Nobody answered for care: an empty row discloses nothing and says so with n = 0.
    assert not out.loc["care", "suppressed"] and out.loc["care", "n"] == 0
    assert out.loc[["police", "fire"], "mean"].tolist() == [3.1, 3.9]
    assert out.loc[["police", "care", "fire"], "reason"].tolist() == ["", "", ""]
    assert table.loc["health", "n"] == 3  # the input is not changed


def test_a_single_hidden_sector_is_recovered_from_the_area_total_unless_another_is_hidden():
    table = sectors(police=(20, 4.0), health=(12, 3.5), care=(3, 2.0))
    area_n = int(table["n"].sum())  # 35, shown on the area's overview
    area_mean = float((table["n"] * table["mean"]).sum() / area_n)  # 128 / 35

    # The danger: hide care alone and anyone can subtract it back out of the area total.
    care_n = area_n - 20 - 12
    care_mean = (area_n * area_mean - 20 * 4.0 - 12 * 3.5) / care_n
    assert care_n == 3 and care_mean == pytest.approx(2.0)

    out = suppress_groups(table, value_columns=["mean"], min_group=5)
    assert out["suppressed"].tolist() == [False, True, True]
    assert out.loc["health", "reason"] == COMPLEMENTARY
    hidden = table[out["suppressed"]]
    assert len(hidden) >= 2 and hidden["n"].sum() >= 5

    # What is left to subtract is the two sectors together: 15 people scoring 48 in total.
    shown = out[~out["suppressed"]]
    rest_n = area_n - shown["n"].sum()
    rest_sum = area_n * area_mean - (shown["n"] * shown["mean"]).sum()
    assert (rest_n, rest_sum) == (15, pytest.approx(48.0))
    # ...which fits care scoring 2.0 (the truth) just as well as care scoring 4.0.
    for care_score, health_score in [(2.0, 3.5), (4.0, 3.0)]:
        assert 3 * care_score + 12 * health_score == pytest.approx(rest_sum)


def test_hidden_groups_that_are_still_small_together_take_another_group_with_them():
    table = sectors(police=(30, 4.0), health=(9, 3.0), care=(1, 2.0), fire=(2, 1.0))
    out = suppress_groups(table, value_columns=["mean"], min_group=5)
    # care + fire = 3 people: still a small group, so health (the next smallest) goes too.
    assert out["suppressed"].tolist() == [False, True, True, True]
    assert out["reason"].tolist() == [
        "",
        COMPLEMENTARY,
        "fewer than 5 respondents",
        "fewer than 5 respondents",
    ]


def test_complementary_ties_are_broken_by_n_then_index():
    table = sectors(police=(7, 4.0), care=(7, 3.0), health=(2, 2.0), fire=(9, 1.0))
    out = suppress_groups(table, value_columns=["mean"], min_group=5)
    assert out.index[out["suppressed"]].tolist() == ["care", "health"]
    assert out.equals(suppress_groups(table, value_columns=["mean"], min_group=5))


def test_a_table_smaller_than_min_group_is_hidden_entirely():
    out = suppress_groups(
        sectors(police=(2, 4.0), care=(1, 3.0)), value_columns=["mean"], min_group=5
    )
    assert out["suppressed"].all() and out["n"].isna().all()


def test_text_value_columns_are_hidden_too():
    table = sectors(police=(12, 3.1), health=(3, 2.0)).assign(band=["borderline", "concern"])
    out = suppress_groups(table, value_columns=["mean", "band"], min_group=5, total_shown=False)
    assert pd.isna(out.loc["health", "band"]) and out.loc["police", "band"] == "borderline"


@pytest.mark.parametrize(
    ("table", "kwargs", "message"),
    [
        (sectors(police=(6, 1.0)), {"value_columns": ["score"]}, "score"),
        (sectors(police=(-1, 1.0)), {"value_columns": ["mean"]}, "counts"),
        (sectors(police=(6, 1.0)), {"value_columns": ["mean"], "min_group": 0}, "min_group"),
    ],
)
def test_bad_tables_and_settings_are_refused(table, kwargs, message):
    with pytest.raises(DisclosureError, match=message):
        suppress_groups(table, **{"min_group": 5, **kwargs})


@settings(max_examples=200, deadline=None)
@given(
    counts=st.lists(st.integers(0, 40), min_size=1, max_size=8),
    min_group=st.integers(1, 10),
)
def test_every_hidden_set_is_empty_or_at_least_two_groups_of_min_group_together(counts, min_group):
    table = pd.DataFrame({"n": counts, "mean": np.linspace(1, 5, len(counts))})
    out = suppress_groups(table, value_columns=["mean"], min_group=min_group)
    hidden = table[out["suppressed"].to_numpy()]
    small = (table["n"] > 0) & (table["n"] < min_group)
    assert out["suppressed"][small].all()  # every small group is hidden
    assert not out["suppressed"][table["n"] == 0].any()  # empty rows are not "hidden"
    assert out.loc[out["suppressed"], ["n", "mean"]].isna().all().all()
    pd.testing.assert_frame_equal(
        out.loc[~out["suppressed"], ["n", "mean"]], table[~out["suppressed"]], check_dtype=False
    )
    if table["n"].sum() >= min_group:
        assert hidden.empty or (len(hidden) >= 2 and hidden["n"].sum() >= min_group)
    else:  # the whole table is a small group: nothing in it can be shown
        assert out["suppressed"][table["n"] > 0].all()


# --- the trust matrix -------------------------------------------------------------------------

SECTORS = ["police", "health", "care", "fire"]


def square(rows: list[list[float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, index=SECTORS, columns=SECTORS, dtype=float)


MEAN = square(
    [
        [4.5, 3.0, 2.0, 3.5],
        [3.2, 4.4, 2.6, 3.0],
        [2.4, 3.1, 4.6, 3.3],
        [3.8, 2.9, 2.2, 4.7],
    ]
)
EVERYONE = pd.Series(30, index=SECTORS)


def test_a_small_cell_takes_three_more_with_it_so_no_row_or_column_has_one_hidden():
    n = square(
        [
            [25, 20, 3, 6],  # only 3 police staff rated care
            [18, 25, 12, 14],
            [16, 15, 25, 11],
            [10, 13, 6, 6],
        ]
    )
    mean, shown_n, status = suppress_matrix(MEAN, n, group_sizes=EVERYONE, min_group=5)
    assert status.loc["police", "care"] == "small"
    # The police row would give the care cell's n away from the police group size, so the
    # police row's smallest other cell (fire, 6) goes; the care and fire columns likewise.
    hidden = status != "shown"
    assert hidden.loc[["police", "fire"], ["care", "fire"]].all().all()
    assert hidden.sum().sum() == 4
    assert status.loc["police", "fire"] == "complementary"
    assert status.loc["fire", "care"] == "complementary" == status.loc["fire", "fire"]
    assert mean.isna().equals(hidden) and shown_n.isna().equals(hidden)
    assert mean.loc["health", "care"] == 2.6 and shown_n.loc["health", "care"] == 12


def test_a_small_rater_sector_is_hidden_in_its_whole_row():
    n = square([[25, 20, 12, 9], [4, 4, 3, 4], [16, 15, 25, 11], [10, 13, 6, 9]])
    sizes = pd.Series({"police": 30, "health": 4, "care": 30, "fire": 30})
    _, _, status = suppress_matrix(MEAN, n, group_sizes=sizes, min_group=5)
    assert (status.loc["health"] == "small").all()


def test_a_small_target_sector_is_not_singled_out_however_many_rate_it():
    n = square([[25, 20, 12, 18], [18, 25, 12, 14], [16, 15, 25, 11], [3, 3, 3, 3]])
    sizes = pd.Series({"police": 30, "health": 30, "care": 30, "fire": 3})  # 3 fire staff
    mean, _, status = suppress_matrix(MEAN, n, group_sizes=sizes, min_group=5)
    # 18 police officers rated fire, but "fire" here is three identifiable people.
    assert (status["fire"] == "small").all() and mean["fire"].isna().all()
    assert (status.loc["fire"] == "small").all()


def test_cells_nobody_rated_are_empty_not_hidden():
    n = square([[25, 20, 12, 0], [18, 25, 12, 0], [16, 15, 25, 0], [0, 0, 0, 0]])
    sizes = pd.Series({"police": 30, "health": 30, "care": 30})  # no fire respondents
    _, shown_n, status = suppress_matrix(MEAN, n, group_sizes=sizes, min_group=5)
    assert (status["fire"] == "empty").all() and (shown_n["fire"] == 0).all()
    assert (
        (status.loc[["police", "health", "care"], ["police", "health", "care"]] == "shown")
        .all()
        .all()
    )


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(0, 30), min_size=16, max_size=16),
    sizes=st.lists(st.integers(0, 40), min_size=4, max_size=4),
)
def test_every_row_and_column_of_the_matrix_passes_the_group_rule(counts, sizes):
    n = square(np.reshape(counts, (4, 4)).tolist())
    group_sizes = pd.Series(sizes, index=SECTORS)
    _, _, status = suppress_matrix(MEAN, n, group_sizes=group_sizes, min_group=5)
    shown = (status == "shown").to_numpy()
    sizes_ = group_sizes.to_numpy()
    # A target with no respondents in the area is rated as an organisation: no person shows.
    target_ok = (sizes_ == 0) | (sizes_ >= 5)
    ok = (n.to_numpy() >= 5) & (sizes_ >= 5)[:, None] & target_ok[None, :]
    assert not (shown & ~ok).any()
    values, hidden = n.to_numpy(), status.isin(["small", "complementary"]).to_numpy()
    for line_n, line_hidden in [
        *zip(values, hidden, strict=True),
        *zip(values.T, hidden.T, strict=True),
    ]:
        gone = line_n[line_hidden]
        if gone.size and not (gone.size >= 2 and gone.sum() >= 5):
            assert line_hidden[line_n > 0].all()  # nothing left in the line to hide


def test_margins_and_pair_summaries_use_shown_cells_only():
    n = square([[25, 20, 3, 6], [18, 25, 12, 14], [16, 15, 25, 11], [10, 13, 6, 6]])
    mean, _, _ = suppress_matrix(MEAN, n, group_sizes=EVERYONE, min_group=5)
    trusting, trusted = matrix_margins(mean)
    # Police's row keeps only its health cell off the diagonal (care and fire are hidden).
    assert trusting["police"] == 3.0
    assert trusted["care"] == 2.6 and trusted["fire"] == pytest.approx((3.0 + 3.3) / 2)
    assert trusting["health"] == pytest.approx((3.2 + 2.6 + 3.0) / 3)

    mutual, asym = mutual_and_asymmetry(mean)
    assert mutual.loc["police", "health"] == pytest.approx((3.0 + 3.2) / 2)
    assert asym.loc["police", "health"] == pytest.approx((3.0 - 3.2) / 2)
    # fire -> police (3.8) is shown but police -> fire is hidden. Mutual trust from the
    # full matrix would give the hidden cell straight back: 2 S - T[fire, police].
    naive = (MEAN + MEAN.T) / 2
    recovered = 2 * naive.loc["police", "fire"] - mean.loc["fire", "police"]
    assert recovered == pytest.approx(MEAN.loc["police", "fire"])
    assert np.isnan(mutual.loc["police", "fire"]) and np.isnan(mutual.loc["fire", "police"])
    assert np.isnan(asym.loc["police", "fire"]) and np.isnan(asym.loc["fire", "police"])
    assert mutual.equals(mutual.T)


def test_a_trust_matrix_from_the_analysis_goes_straight_in():
    scores = pd.DataFrame({"police": [4.0] * 6 + [2.0] * 2, "care": [3.0] * 6 + [5.0] * 2})
    raters = pd.Series(["police"] * 6 + ["care"] * 2)
    matrix = trust_matrix(scores, raters, ["police", "care"], min_n=1)
    sizes = raters.value_counts()
    mean, _, status = suppress_matrix(matrix.mean, matrix.n, group_sizes=sizes, min_group=5)
    assert status.loc["care"].eq("small").all() and mean.loc["care"].isna().all()
    # The police row's own-sector cell is its only other cell: it goes too (n = 6).
    assert status.loc["police"].tolist() == ["complementary", "small"]


# --- free text --------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "allowed"), [(0, False), (9, False), (10, True), (250, True)])
def test_free_text_needs_its_own_larger_group(n, allowed):
    assert text_allowed(n, DisclosureRules()) is allowed


def test_free_text_threshold_follows_the_rules():
    assert text_allowed(7, DisclosureRules(min_group=5, min_text_group=7))
    with pytest.raises(DisclosureError):
        text_allowed(-1)


REDACTIONS = [
    # contact details and numbers
    ("Email me at sarah.smith@nhs.net please", "Email me at [email] please"),
    ("Ring the hub on 01632 960 123.", "Ring the hub on [phone]."),
    ("her mobile is 07700 900123", "her mobile is [phone]"),
    ("call +44 20 7946 0018 or 07700900123", "call [phone] or [phone]"),
    ("(020) 7946 0018 / +44 (0)20 7946 0018", "[phone] / [phone]"),
    ("NHS no 943 476 5919 was on the form", "NHS no [NHS number] was on the form"),
    ("ref 9434765910 (wrong check digit)", "ref [NHS number] (wrong check digit)"),
    ("lives at SW1A 1AA near the station", "lives at [postcode] near the station"),
    ("postcode b33 8th", "postcode [postcode]"),  # typed in lower case
    ("moved to m1 1ae last year", "moved to [postcode] last year"),
    # names after titles and roles
    ("Mr Smith would not share", "[name] would not share"),
    ("Mrs J. Patel chairs the MASH", "[name] chairs the MASH"),
    ("Dr Aisha Khan and Sister Jane Smith", "[name] and [name]"),
    ("Nurse Brown rang PC Jones and DS Green", "[name] rang [name] and [name]"),
    ("Councillor Ahmed (Cllr Ahmed) blocked it", "[name] ([name]) blocked it"),
    ("my manager Sarah told me not to", "my manager [name] told me not to"),
    ("Our social worker Jane O'Neil helped", "Our social worker [name] helped"),
    ("Mr Smith's team", "[name]'s team"),
    ("<b>Mr Smith</b> said no", "<b>[name]</b> said no"),  # markup stays, the name goes
    # must stay exactly as written
    ("The MASH works well", "The MASH works well"),
    ("Police and Mental Health", "Police and Mental Health"),
    ("3 out of 10 referrals were shared", "3 out of 10 referrals were shared"),
    ("Meeting on 12/03/2024 at 09:30", "Meeting on 12/03/2024 at 09:30"),
    ("the Nurse Practitioner and my manager said", "the Nurse Practitioner and my manager said"),
    ("A&E, DWP and the 0-19 service; £1,500,000", "A&E, DWP and the 0-19 service; £1,500,000"),
    ("  spaces   and\ttabs\nkept  ", "  spaces   and\ttabs\nkept  "),
]


@pytest.mark.parametrize(("text", "expected"), REDACTIONS)
def test_redact(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [t for t, _ in REDACTIONS])
def test_redact_is_idempotent(text):
    assert redact(redact(text)) == redact(text)


PIECES = [
    "Mr Smith",
    "my manager Sarah",
    "01632 960 123",
    "943 476 5919",
    "SW1A 1AA",
    "a@b.org",
    "Police",
    "said",
    "12/03/2024",
    "<b>",
    "'s",
    "-",
    " ",
    " ",
    "\n",
    "0",
    "7",
    "Dr",
    "J.",
    "+44",
    "(0)20",
    "7946 0018",
    "b33 8th",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_redact_is_idempotent_on_any_mix_of_pieces(text):
    once = redact(text)
    assert isinstance(once, str) and redact(once) == once


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", "<b>bold</b> &amp; <a href='x'>link</a>", "1 < 2 > 0 & so"],
)
def test_markup_is_kept_verbatim_for_the_view_to_escape(text):
    assert redact(text) == text


def test_redact_takes_text_only():
    with pytest.raises(TypeError, match="string"):
        redact(None)  # type: ignore[arg-type]


# --- pseudonymised microdata ------------------------------------------------------------------

AREAS = ["ASH", "BRK", "CLD", "DUN", "ELM", "FEN", "GRY", "HRB", "KES", "LRK", "MRL", "WRN"]
KEY = "a-long-secret-key-for-the-panel"


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    """12 areas x 10 respondents. Rare in the pooled data: 4 fire staff, 3 IG specialists,
    6 people not co-located."""
    rng = np.random.default_rng(7)
    n = len(AREAS) * 10
    sector = np.array(["police", "acute_health", "adult_social_care"] * 40, dtype=object)
    sector[[5, 50, 77, 101]] = "fire_rescue"
    role = np.array(["frontline"] * 90 + ["manager"] * 27 + ["ig_specialist"] * 3, dtype=object)
    return pd.DataFrame(
        {
            "response_id": np.arange(1001, 1001 + n),
            "area": np.repeat(AREAS, 10),
            "wave": "2025-1",
            "sector": sector,
            "role_level": role,
            "organisation": [f"{a} Hospitals NHS Trust" for a in np.repeat(AREAS, 10)],
            "respondent_key": [f"R{i:05d}" for i in range(n)],
            "co_located": [i % 20 != 0 for i in range(n)],
            "multi_agency_team": [i % 2 == 0 for i in range(n)],
            "lead_1": rng.integers(1, 6, n).astype(float),
            "rel_1": rng.integers(1, 6, n).astype(float),
            "barrier": [f"ASH manager Sarah in {a} will not share" for a in np.repeat(AREAS, 10)],
        }
    )


def test_microdata_keep_no_identifier_area_code_or_free_text(survey):
    micro, _ = pseudonymise(survey, key=KEY)
    assert list(micro.columns) == [
        "area",
        "wave",
        "sector",
        "role_level",
        "co_located",
        "multi_agency_team",
        "lead_1",
        "rel_1",
    ]
    cells = set(micro.astype(str).to_numpy().ravel())
    assert not cells & set(AREAS)
    assert not {c for c in cells if c.startswith("R0") or "Sarah" in c or "NHS" in c}
    assert not cells & set(map(str, survey["response_id"]))
    assert micro["area"].str.fullmatch(r"A\d{2}").all()
    assert micro.index.equals(pd.RangeIndex(len(survey)))


def test_area_codes_come_from_a_keyed_hash_and_the_rows_are_shuffled(survey):
    micro, mapping = pseudonymise(survey, key=KEY)
    by_digest = sorted(
        AREAS, key=lambda a: hmac.new(KEY.encode(), a.encode(), hashlib.sha256).digest()
    )
    assert mapping["area"].tolist() == by_digest != AREAS  # not alphabetical
    assert mapping["code"].tolist() == [f"A{i:02d}" for i in range(1, 13)]
    # With the administrators' key the answers are all there, each area's under its code,
    # but the rows no longer come in the order of areas (or of responses).
    back = micro.assign(area=micro["area"].map(mapping.set_index("code")["area"]))
    assert back["area"].tolist() != survey["area"].tolist()
    pd.testing.assert_series_equal(
        back.groupby("area")["lead_1"].sum(), survey.groupby("area")["lead_1"].sum()
    )


def test_codes_are_stable_for_a_key_and_change_with_the_key(survey):
    first, mapping = pseudonymise(survey, key=KEY)
    again, same = pseudonymise(survey, key=KEY)
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(mapping, same)
    _, other = pseudonymise(survey, key="another-long-secret-key-entirely")
    assert other["area"].tolist() != mapping["area"].tolist()


def test_rare_categories_are_merged_into_other(survey):
    micro, _ = pseudonymise(survey, key=KEY)
    # 4 fire staff alone would make an "other" of 4: the next-smallest sector (adult social
    # care, 36) joins them.
    assert micro["sector"].value_counts().to_dict() == {
        "police": 40,
        "acute_health": 40,
        "other": 40,
    }
    assert micro["role_level"].value_counts().to_dict() == {"frontline": 90, "other": 30}
    # 6 not co-located: a small "other" would just mean "no", so the column says nothing.
    assert set(micro["co_located"]) == {"other"}
    assert micro["multi_agency_team"].value_counts().to_dict() == {"yes": 60, "no": 60}


def test_rare_category_threshold_is_configurable(survey):
    micro, _ = pseudonymise(survey, key=KEY, rules=DisclosureRules(rare_category=3))
    assert micro["role_level"].value_counts()["ig_specialist"] == 3


@pytest.mark.parametrize("key", ["", "short", None])
def test_a_guessable_key_is_refused(survey, key):
    with pytest.raises(DisclosureError, match="16"):
        pseudonymise(survey, key=key)


# --- spreadsheet exports ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x.example","click")', '\'=HYPERLINK("http://x.example","click")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Robert'); DROP TABLE responses;--", "Robert'); DROP TABLE responses;--"),
        ("plain text = fine", "plain text = fine"),
        ("", ""),
        (-2, -2),
        (3.5, 3.5),
        (None, None),
    ],
)
def test_formula_triggers_get_an_apostrophe(value, expected):
    assert neutralise_formula(value) == expected
    assert neutralise_formula(neutralise_formula(value)) == expected


def test_neutralise_frame_touches_text_cells_and_column_names_only():
    frame = pd.DataFrame(
        {
            "=cmd": ["=1+1", "ok"],
            "score": [-1.5, 2.0],
            "n": [-3, 4],
            "band": pd.Categorical(["@x", "fine"]),
        }
    )
    out = neutralise_frame(frame)
    assert list(out.columns) == ["'=cmd", "score", "n", "band"]
    assert out["'=cmd"].tolist() == ["'=1+1", "ok"] and out["band"].tolist() == ["'@x", "fine"]
    pd.testing.assert_series_equal(out["score"], frame["score"])
    pd.testing.assert_series_equal(out["n"], frame["n"])
    assert frame.columns[0] == "=cmd"  # the input is not changed
