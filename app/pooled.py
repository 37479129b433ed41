"""The panel's pooled view: pseudonymised microdata of every area, and what the Patterns
page and the panel report compute from it (scores by sector, the pooled trust matrix, the
psychometrics report), each computed once per view."""

from __future__ import annotations

from functools import cached_property

import pandas as pd
from sqlalchemy import Engine

from analysis.disclosure import DisclosureRules
from analysis.pooled import pooled_scores, pooled_trust, sector_means
from analysis.psychometrics import PanelReport, coder_agreement, panel_report
from analysis.scoring import ScoringModel, scoring_model
from instruments.catalogue import Catalogue
from survey.store.readers import evidence


class PooledView:
    """Pooled, pseudonymised survey microdata and the figures drawn from it."""

    def __init__(self, micro: pd.DataFrame, model: ScoringModel, rules: DisclosureRules):
        self.micro = micro
        self.model = model
        self.rules = rules

    @cached_property
    def scores(self) -> pd.DataFrame:
        """Per pooled respondent: pillar and scale scores and the (merged) sector."""
        return pooled_scores(self.micro, self.model)

    @cached_property
    def sector_means(self) -> pd.DataFrame:
        """Mean of every score by sector; sectors below the minimum group left out."""
        return sector_means(self.scores, min_group=self.rules.min_group)

    @cached_property
    def trust(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """The pooled directed trust matrix after disclosure control: (mean, n, status)."""
        return pooled_trust(self.micro, self.model, min_group=self.rules.min_group)

    @cached_property
    def report(self) -> PanelReport:
        return panel_report(self.micro, self.model)


def survey_report(engine: Engine, catalogue: Catalogue, key: str) -> PanelReport | None:
    """The psychometrics report of survey instrument ``key`` over every area (None when no
    one has answered it yet)."""
    survey = evidence(engine, survey=key).survey
    if survey.empty:
        return None
    model = scoring_model(catalogue.get(key), catalogue.sector_codes)
    return panel_report(survey, model, instrument=key)


def coder_agreement_table(engine: Engine) -> pd.DataFrame:
    """Inter-coder agreement (Cohen's kappa) per interview dimension, over every area."""
    return coder_agreement(evidence(engine).ratings)
