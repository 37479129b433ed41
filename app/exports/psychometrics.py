"""The panel's psychometrics report written out: Markdown, CSV (the scale table) or JSON."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from analysis.psychometrics import PanelReport


def report_json(report: PanelReport) -> str:
    def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
        clean = frame.reset_index()
        clean = clean.astype(object).where(clean.notna(), None)
        return clean.to_dict(orient="records")

    return json.dumps(
        {
            "instrument": report.instrument,
            "scales": records(report.scales),
            "items": records(report.items),
            "comparisons": records(report.comparisons),
            "pairwise": records(report.pairwise),
            "correlations": records(report.correlations),
            "factor_structure": {
                "n_factors": report.n_factors,
                "eigenvalues": records(report.parallel),
                "loadings": records(report.loadings),
            },
            "measurement_model": {
                "structure": report.structure,
                "invariance": records(report.invariance),
            },
        },
        indent=2,
        default=float,
    )


def report_csv(report: PanelReport) -> str:
    """The scale table, one row per scale."""
    return report.scales.to_csv()


def report_markdown(report: PanelReport) -> str:
    lines = [f"# Psychometrics: {report.instrument}", ""]
    lines += [
        "## Scales",
        "",
        markdown_table(report.scales.drop(columns=["aggregation_note"])),
        "",
    ]
    lines += ["### Can area scores be used?", ""]
    for scale, row in report.scales.iterrows():
        lines.append(f"- **{scale}**: {row['aggregation_note']}")
    lines += ["", "## Items", "", markdown_table(report.items), ""]
    lines += ["## Sector comparisons", ""]
    if not report.comparisons.empty and "p_holm" in report.comparisons:
        lines += [
            "Each scale's sectors are compared in a linear mixed model with the area as a "
            "random intercept (respondents in one area are not independent); `p_holm` is "
            f"Holm-adjusted over the {int(report.comparisons['family_size'].iloc[0])} "
            "comparisons below, and `differ` is `p_holm` < 0.05. Welch's ANOVA and "
            "Kruskal–Wallis, which ignore areas, are given for reference.",
            "",
        ]
    lines += [markdown_table(report.comparisons), ""]
    lines += ["## Correlations between pillars", "", markdown_table(report.correlations), ""]
    lines += ["## Measurement model", "", structure_sentence(report.structure), ""]
    if not report.invariance.empty:
        lines += [
            "Measurement invariance of each scale (one-factor CFA, maximum likelihood) across "
            "sectors and across waves: configural (same structure), metric (equal loadings), "
            "scalar (equal intercepts). A step holds when CFI drops by no more than 0.010 "
            "(Chen, 2007); comparing group means of a scale presumes scalar invariance.",
            "",
            markdown_table(report.invariance.set_index(["scale", "across"])),
            "",
        ]
    lines += [
        "## Factor structure",
        "",
        f"Parallel analysis suggests {report.n_factors} factors (observed factor eigenvalues "
        f"above the 95th percentile of those of random data). {report.factor_note}",
        "",
        markdown_table(report.parallel),
        "",
        "Minres loadings, oblimin rotation:",
        "",
        markdown_table(report.loadings),
        "",
    ]
    return "\n".join(lines)


def structure_sentence(structure: dict[str, Any]) -> str:
    """The CFA of the instrument's intended structure in one sentence."""
    if "chi2" not in structure:
        return f"The intended structure could not be fitted: {structure.get('note', 'no data')}."
    s = structure
    text = (
        f"CFA of the intended structure ({s['factors']} scales as correlated factors, "
        f"n = {s['n']} complete respondents): χ²({s['df']}) = {s['chi2']:.1f}, "
        f"CFI = {s['cfi']:.3f}, TLI = {s['tli']:.3f}, RMSEA = {s['rmsea']:.3f}, "
        f"SRMR = {s['srmr']:.3f}"
    )
    good = s["cfi"] >= 0.95 and s["rmsea"] <= 0.06 and s["srmr"] <= 0.08
    text += (
        " — a good fit by Hu and Bentler's (1999) cut-offs."
        if good
        else " — short of Hu and Bentler's (1999) cut-offs (CFI ≥ .95, RMSEA ≤ .06, SRMR ≤ .08)."
    )
    if s.get("note"):
        text += f" Note: {s['note']}"
    return text


def invariance_warning(row: pd.Series) -> str | None:
    """The warning a sector comparison carries when the scale's scalar invariance across
    sectors is not shown (None when it is)."""
    level = row.get("invariance", "not tested")
    if level == "scalar":
        return None
    if level == "not tested":
        return (
            "Measurement invariance across sectors could not be tested for this scale, so "
            "it is not known whether sectors read its items alike: compare sector means "
            "with caution."
        )
    return (
        f"Scalar invariance across sectors does not hold for this scale (it holds up to: "
        f"{level}): sectors may read its items differently, so a difference in sector "
        "means may reflect the measure rather than the people."
    )


def comparison_sentence(row: pd.Series) -> str:
    """What a scale's sector comparison says, following its adjusted p: "Sectors differ on
    this scale" only when the Holm-adjusted p of the test that accounts for areas is below
    0.05, otherwise "No clear difference between sectors on this scale"."""
    family = int(row.get("family_size", 1) or 1)
    adjusted = row.get("p_holm", np.nan)
    if row.get("test") == "mixed":
        test = (
            f"mixed model with area as a random effect, χ²({row['mixed_df']:.0f}) = "
            f"{row['mixed_chi2']:.2f}, p = {row['mixed_p']:.3g}"
        )
    else:
        test = f"Welch's ANOVA (areas could not be modelled), p = {row['welch_p']:.3g}"
    holm = f"Holm-adjusted over {family} scales: p = {adjusted:.3g}"
    if pd.notna(adjusted) and adjusted < 0.05:
        return f"Sectors differ on this scale ({test}; {holm})."
    return f"No clear difference between sectors on this scale ({test}; {holm})."


def markdown_table(frame: pd.DataFrame) -> str:
    frame = frame.reset_index()
    head = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)

    def cell(v: Any) -> str:
        if isinstance(v, float | np.floating):
            return "" if np.isnan(v) else f"{v:.3f}"
        return str(v).replace("|", "\\|")

    rows = ["| " + " | ".join(cell(v) for v in r) + " |" for r in frame.itertuples(index=False)]
    return "\n".join([head, rule, *rows])


FORMATS = {"md": report_markdown, "csv": report_csv, "json": report_json}


def report_text(report: PanelReport, fmt: str) -> str:
    """The report in ``fmt`` (``md``, ``csv`` or ``json``)."""
    return FORMATS[fmt](report)
