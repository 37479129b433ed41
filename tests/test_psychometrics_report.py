"""The panel report and the rwg(j) agreement flag, on the shipped sample data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from analysis.profiles import agreement_by_wave, area_profiles
from analysis.psychometrics import coder_agreement, panel_report
from analysis.readiness import context_from_catalogue
from app.evidence import load_sample_data
from app.exports.psychometrics import report_csv, report_json, report_markdown
from cli.main import main
from instruments.catalogue import default_catalogue
from survey.store.accounts import add_user
from survey.store.engine import open_store
from survey.store.readers import evidence


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("psy") / "sample.db"
    engine = open_store(f"sqlite:///{path}")
    load_sample_data(engine)
    add_user(engine, "prof", "panel", password=PASSWORD)
    add_user(engine, "ash", "partnership", password=PASSWORD, area="ASH")
    yield path, evidence(engine)
    engine.dispose()


PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def ctx():
    return context_from_catalogue(default_catalogue())


@pytest.fixture(scope="module")
def report(sample, ctx):
    return panel_report(sample[1].survey, ctx.model)


def test_every_scale_has_reliability_and_an_aggregation_verdict(report, ctx):
    likert = [s.id for s in ctx.model.scales if s.kind == "likert"]
    scales = report.scales
    assert set(likert) <= set(scales.index)
    # The sample plants coherent four-item scales: alpha well above .7 everywhere.
    assert (scales.loc[likert, "alpha"] > 0.75).all()
    assert (scales.loc[likert, "alpha_low"] < scales.loc[likert, "alpha"]).all()
    assert (scales.loc[likert, "alpha"] < scales.loc[likert, "alpha_high"]).all()
    assert (scales.loc[likert, "n"] == 1870).all()
    assert scales.loc[likert, "omega"].between(0.7, 1).all()
    assert scales.loc["leadership", "aggregation_note"].startswith("Respondents within an area")
    assert "rwg(j) does not apply" in scales.loc["knowledge", "aggregation_note"]
    # One trust block per target sector that enough people rated.
    assert any(s.startswith("trust:") for s in scales.index)


def test_item_analysis_and_sector_comparisons(report, ctx):
    lead = report.items[report.items["scale"] == "leadership"].set_index("item")
    assert list(lead.index) == list(ctx.model.scale("leadership").items)
    assert lead["r_drop"].between(0.3, 1).all()
    assert {"welch_F", "kruskal_H", "eta_squared", "omega_squared", "epsilon_squared"} <= set(
        report.comparisons.columns
    )
    # areas as a random intercept; Holm over the family of comparisons shown together
    c = report.comparisons
    assert {"mixed_chi2", "mixed_df", "mixed_p", "area_icc", "p_holm", "differ"} <= set(c.columns)
    assert (c["test"] == "mixed").all()
    assert (c["p_holm"] >= c["mixed_p"] - 1e-12).all()
    assert (c["family_size"] == len(c)).all()
    assert (c["differ"] == (c["p_holm"] < 0.05)).all()
    assert set(report.pairwise["scale"]) >= {"leadership", "presumption"}
    assert report.correlations.shape == (5, 5)
    assert np.allclose(np.diag(report.correlations), 1.0)


def test_factor_structure_is_reported(report):
    assert report.n_factors >= 3
    assert report.loadings.shape[1] == report.n_factors
    assert {"observed_fa", "simulated_fa"} <= set(report.parallel.columns)


def test_report_renders_in_every_format(report):
    md = report_markdown(report)
    assert "### Can area scores be used?" in md and "## Factor structure" in md
    data = json.loads(report_json(report))
    assert {"scales", "items", "comparisons", "correlations", "factor_structure"} <= set(data)
    assert report_csv(report).splitlines()[0].startswith("scale,items,n,alpha")


def test_inter_coder_agreement_from_double_coded_interviews(sample):
    table = coder_agreement(sample[1].ratings)
    assert (table["interviews"] >= 10).all()
    assert table["kappa"].between(0.2, 1).all()
    assert (table["kappa_quadratic"] >= table["kappa"] - 1e-12).all()


@pytest.mark.parametrize(
    ("key", "fmt", "expect"),
    [
        ("staff_survey", "csv", "scale,items,n,alpha"),
        ("stakeholder_interview", "md", "Cohen's kappa"),
        ("stakeholder_interview", "json", '"kappa_quadratic"'),
    ],
)
def test_cli_psychometrics(sample, monkeypatch, key, fmt, expect):
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{sample[0]}")
    monkeypatch.setenv("READINESS_PASSWORD", PASSWORD)
    args = ["psychometrics", "--instrument", key, "--format", fmt, "--user", "prof"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert expect in result.output


def test_cli_psychometrics_refuses_the_workshop_and_empty_stores(sample, monkeypatch, tmp_path):
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{sample[0]}")
    monkeypatch.setenv("READINESS_PASSWORD", PASSWORD)
    result = CliRunner().invoke(
        main, ["psychometrics", "--instrument", "workshop", "--user", "prof"]
    )
    assert result.exit_code == 1 and "psychometrics cover the staff survey" in result.output
    result = CliRunner().invoke(main, ["psychometrics", "--instrument", "staff_survey"])
    assert result.exit_code == 2 and "--user" in result.output  # evidence needs an account
    args = ["psychometrics", "--instrument", "staff_survey", "--user", "ash"]
    result = CliRunner().invoke(main, args)  # a partnership member sees their area only
    assert result.exit_code == 1 and "pooled microdata is for the panel" in result.output
    empty = open_store(f"sqlite:///{tmp_path}/empty.db")
    add_user(empty, "prof", "panel", password=PASSWORD)
    empty.dispose()
    monkeypatch.setenv("READINESS_DATABASE_URL", f"sqlite:///{tmp_path}/empty.db")
    args = ["psychometrics", "--instrument", "staff_survey", "--user", "prof"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "no survey responses" in result.output
    assert "Traceback" not in result.output


def _area(code: str, answers: np.ndarray, model) -> pd.DataFrame:
    sectors = ["police", "acute_health", "adult_social_care", "mental_health", "local_authority"]
    frame = pd.DataFrame({"response_id": range(len(answers)), "area": code, "wave": "2026-1"})
    frame["sector"] = [sectors[i % len(sectors)] for i in range(len(answers))]
    for spec in model.scales:
        for j, item in enumerate(spec.items):
            if spec.kind == "likert":
                # Reverse-keyed items are written reversed so that every scale reads alike.
                frame[item] = 6 - answers[:, j] if spec.reverse[j] else answers[:, j]
    return frame


def test_profile_flags_an_area_whose_respondents_disagree(ctx):
    rng = np.random.default_rng(3)
    agree = np.clip(
        np.round(4 + rng.normal(0, 0.4, size=(60, 1)) + rng.normal(0, 0.3, (60, 4))), 1, 5
    )
    split = np.repeat(np.where(np.arange(60) % 2 == 0, 1.0, 5.0)[:, None], 4, axis=1)
    survey = pd.concat(
        [_area("AGREE", agree, ctx.model), _area("SPLIT", split, ctx.model)], ignore_index=True
    )
    table = agreement_by_wave(survey, ctx.model)
    assert table.loc[("AGREE", "2026-1"), "leadership"] > 0.7
    # Half answer 1 and half 5: variance far above the uniform null, rwg(j) truncated to 0.
    assert table.loc[("SPLIT", "2026-1"), "leadership"] == 0
    profiles = {p.area: p for p in area_profiles(ctx, survey)}
    assert profiles["AGREE"].disagreement == []
    assert "leadership" in profiles["SPLIT"].disagreement
    assert profiles["SPLIT"].to_dict()["disagreement"] == profiles["SPLIT"].disagreement


def test_the_measurement_model_is_tested(report, ctx):
    """A CFA of the intended structure and each scale's invariance across sectors and
    waves; sector comparisons carry the invariance level they rest on."""
    s = report.structure
    assert {"chi2", "df", "cfi", "tli", "rmsea", "srmr", "n"} <= set(s)
    assert s["df"] > 0 and 0 < s["n"] <= 1870 and 0 <= s["cfi"] <= 1
    likert = [x.id for x in ctx.model.scales if x.kind == "likert"]
    inv = report.invariance
    assert set(inv["scale"]) == set(likert)
    assert set(inv["across"]) == {"sector", "wave"}
    assert inv["level"].isin(["configural", "metric", "scalar", "none", "not tested"]).all()
    assert (inv["groups"].dropna() >= 2).all()
    assert "invariance" in report.comparisons
    md = report_markdown(report)
    assert "## Measurement model" in md and "CFA of the intended structure" in md
    data = json.loads(report_json(report))
    assert data["measurement_model"]["structure"]["df"] == s["df"]


def test_sentences_about_the_measurement_model():
    from app.exports.psychometrics import invariance_warning, structure_sentence

    assert invariance_warning(pd.Series({"invariance": "scalar"})) is None
    assert "holds up to: metric" in invariance_warning(pd.Series({"invariance": "metric"}))
    assert "could not be tested" in invariance_warning(pd.Series({"invariance": "not tested"}))
    fit = {"chi2": 85.3, "df": 24, "cfi": 0.931, "tli": 0.896, "rmsea": 0.092, "srmr": 0.065}
    text = structure_sentence({**fit, "n": 301, "factors": 3, "note": ""})
    assert text.startswith("CFA of the intended structure (3 scales") and "short of Hu" in text
    assert "could not be fitted" in structure_sentence({"note": "df = -3"})


def test_agreement_and_iccs_are_per_area_and_wave(report):
    """Pooling waves mixes change over time into the spread within an area: leadership's
    ICC(1) is 0.23 pooled over waves but 0.39 per area-wave (issue 14's measurement)."""
    assert {"area", "wave", "rwg_j", "scale"} <= set(report.rwg.columns)
    assert report.rwg.groupby(["scale", "area"])["wave"].nunique().max() >= 2
    assert round(report.scales.loc["leadership", "icc1"], 2) == 0.39
