"""The one door to the evidence: every page, download and export reads through
:class:`ScopedData`, which knows the user's scope and applies disclosure control.

A partnership member bound to area X gets area X and nothing else, whatever they ask for;
the panel gets pooled, pseudonymised data and no free text; small groups are suppressed
for everyone."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from analysis import privacy
from analysis.readiness import Profile
from analysis.verdict import Reason
from survey import audit, evidence
from survey.accounts import Account, Scope
from survey.instruments import Catalogue
from survey.profiles import load_profiles

MIN_AREAS_FOR_BENCHMARK = 5


class AccessDenied(Exception):
    """The user may not see this; the message says so without revealing anything."""


def disclosure_rules() -> privacy.DisclosureRules:
    """Minimum group sizes: ``READINESS_MIN_GROUP`` (default 5) and
    ``READINESS_MIN_TEXT_GROUP`` (default 10)."""
    return privacy.DisclosureRules(
        min_group=int(os.environ.get("READINESS_MIN_GROUP", "5")),
        min_text_group=int(os.environ.get("READINESS_MIN_TEXT_GROUP", "10")),
    )


@dataclass(frozen=True)
class Disclosed:
    """A profile after disclosure control, with the suppressed views the pages show."""

    profile: Profile
    coverage: pd.DataFrame  # n per sector, small sectors suppressed
    trust_mean: pd.DataFrame
    trust_n: pd.DataFrame
    trust_status: pd.DataFrame
    mutual: pd.DataFrame
    asymmetry: pd.DataFrame
    calibration_by_sector: pd.DataFrame


class ScopedData:
    """Evidence and profiles as one user may see them."""

    def __init__(self, engine: Engine, account: Account, catalogue: Catalogue):
        self.engine = engine
        self.account = account
        self.scope: Scope = account.scope
        self.catalogue = catalogue
        self.rules = disclosure_rules()

    # -- which areas -------------------------------------------------------------------
    @cached_property
    def areas(self) -> list[str]:
        """Area codes this user may open one by one (none for the panel)."""
        if self.scope.pooled_only:
            return []
        known = list(evidence.waves(self.engine)["area"].unique())
        return sorted(a for a in known if self.scope.may_see(a))

    def _check(self, area: str) -> None:
        if not self.scope.may_see(area):
            raise AccessDenied("you do not have access to that area")

    def waves(self) -> pd.DataFrame:
        """Areas and waves with response counts, for the visible areas only."""
        if self.scope.pooled_only:
            raise AccessDenied("the panel sees pooled data only")
        return evidence.waves(self.engine, self.areas)

    # -- profiles ----------------------------------------------------------------------
    @cached_property
    def _profiles(self) -> list[Profile]:
        if self.scope.pooled_only or not self.areas:
            return []
        return load_profiles(self.engine, self.catalogue, self.areas)

    def profiles(self) -> list[Profile]:
        """Every visible (area, wave) profile, waves in order (the portfolio's view)."""
        return list(self._profiles)

    def area_profiles(self, area: str) -> list[Profile]:
        """One area's profiles, waves in order; computed from that area's evidence alone
        unless every profile is already at hand."""
        self._check(area)
        if "_profiles" in self.__dict__:
            return [p for p in self._profiles if p.area == area]
        if area not in self._by_area:
            self._by_area[area] = load_profiles(self.engine, self.catalogue, [area])
        return self._by_area[area]

    @cached_property
    def _by_area(self) -> dict[str, list[Profile]]:
        return {}

    def profile(self, area: str, wave: str | None = None) -> Disclosed:
        """One area's profile (latest wave by default), after disclosure control."""
        mine = self.area_profiles(area)
        if not mine:
            raise AccessDenied("there is no evidence for that area yet")
        chosen = mine[-1] if wave is None else next((p for p in mine if p.wave == wave), None)
        if chosen is None:
            raise AccessDenied("that area has no such wave")
        key = (chosen.area, chosen.wave)
        if key not in self._disclosed:
            self._disclosed[key] = self.disclose(chosen)
        return self._disclosed[key]

    @cached_property
    def _disclosed(self) -> dict[tuple[str, str], Disclosed]:
        return {}

    def disclose(self, p: Profile) -> Disclosed:
        rules = self.rules
        cov = privacy.suppress_groups(
            p.coverage, n="n", value_columns=[], min_group=rules.min_group, total_shown=True
        )
        group_sizes = p.coverage["n"]
        mean, n, status = privacy.suppress_matrix(
            p.trust.mean, p.trust.n, group_sizes=group_sizes, min_group=rules.min_group
        )
        mutual, asym = privacy.mutual_and_asymmetry(mean)
        calib = p.calibration_by_sector.rename(columns={"participants": "n"})
        calib = privacy.suppress_groups(
            calib,
            n="n",
            value_columns=[c for c in calib.columns if c != "n"],
            min_group=rules.min_group,
            total_shown=True,
        )
        pairs = p.pairs
        shown = status == "shown"
        if len(pairs):
            keep = [
                bool(shown.loc[a, b] and shown.loc[b, a])
                for a, b in zip(pairs["a"], pairs["b"], strict=True)
            ]
            pairs = pairs[keep]
        scores = {name: _few_hidden(getattr(p, name), rules.min_group) for name in SCORED}
        overall = p.calibration.copy()
        few_in_workshop = bool(
            len(overall) and 0 < overall["participants"].iloc[0] < rules.min_group
        )
        if few_in_workshop:
            rates = [c for c in overall.columns if c.startswith(("over_caution", "over_sharing"))]
            overall[rates] = np.nan
        reasons = [_hide_pair(r, shown) for r in p.verdict.reasons]
        if few_in_workshop:
            reasons = [_hide_rate(r) for r in reasons]
        verdict = replace(p.verdict, reasons=reasons)
        return Disclosed(
            profile=replace(p, pairs=pairs, verdict=verdict, calibration=overall, **scores),
            coverage=cov,
            trust_mean=mean,
            trust_n=n,
            trust_status=status,
            mutual=mutual,
            asymmetry=asym,
            calibration_by_sector=calib,
        )

    def benchmark(self) -> pd.Series:
        """Median over all areas of each scale and pillar: see :func:`benchmark`."""
        return benchmark(self.engine)

    # -- free text ---------------------------------------------------------------------
    def texts(self, area: str, wave: str) -> pd.DataFrame:
        """Open answers of one wave (see :meth:`_texts`), read once per wave."""
        self._check(area)
        if not self.scope.free_text:
            raise AccessDenied("free text is not available to your role")
        key = ("texts", area, wave)
        if key not in self._memo:
            self._memo[key] = self._texts(area, wave)
        return self._memo[key]

    def _texts(self, area: str, wave: str) -> pd.DataFrame:
        """Open answers of one wave, by sector, for sectors of at least the text threshold,
        redacted. Never for the panel."""
        frame = evidence.text_frame(self.engine, [area])
        frame = frame[frame["wave"] == wave]
        profile = next((p for p in self.area_profiles(area) if p.wave == wave), None)
        sizes = profile.coverage["n"] if profile is not None else pd.Series(dtype=int)
        big = [s for s, n in sizes.items() if privacy.text_allowed(int(n), self.rules)]
        frame = frame[frame["sector"].isin(big)]
        out = frame[["sector", "item_id", "text"]].copy()
        out["text"] = out["text"].map(privacy.redact)
        return out.reset_index(drop=True)

    def quotes(self, area: str, wave: str) -> pd.DataFrame:
        """Interview quotes (managers and administrators only), redacted."""
        self._check(area)
        if not self.scope.quotes:
            raise AccessDenied("interview quotes are for engagement managers only")
        key = ("quotes", area, wave)
        if key not in self._memo:
            self._memo[key] = self._quotes(area, wave)
        return self._memo[key]

    def _quotes(self, area: str, wave: str) -> pd.DataFrame:
        codes = evidence.evidence(self.engine, [area]).codes
        codes = codes[(codes["wave"] == wave) & codes["quote"].notna()]
        out = codes[["theme", "rater_sector", "target_sector", "quote"]].copy()
        out["quote"] = out["quote"].map(privacy.redact)
        return out.reset_index(drop=True)

    @cached_property
    def _memo(self) -> dict:
        return {}

    # -- exports -----------------------------------------------------------------------
    def export_profile_csv(
        self, area: str, wave: str | None = None, *, audited: bool = True
    ) -> bytes:
        """The profile's pillar and scale table as CSV, formulas neutralised. Audited,
        unless the caller records the export itself (a page prepares the file before the
        user clicks; see :meth:`record_export`)."""
        key = ("csv", area, wave)
        if key not in self._memo:
            self._memo[key] = csv_bytes(self._profile_table(area, wave))
        if audited:
            self.record_export(what="profile", area=area)
        return self._memo[key]

    def _profile_table(self, area: str, wave: str | None) -> pd.DataFrame:
        d = self.profile(area, wave)
        p = d.profile
        table = pd.concat(
            [
                p.pillars.assign(level="pillar").reset_index(names="measure"),
                p.scales.assign(level="scale").reset_index(names="measure"),
            ],
            ignore_index=True,
        )
        table.insert(0, "verdict", p.verdict.label)
        table.insert(0, "wave", p.wave)
        table.insert(0, "area", p.area)
        return table

    def record_export(self, *, what: str, area: str | None = None) -> None:
        audit.record(self.engine, self.account.username, "export", area=area, what=what)

    def pooled(self, key: str) -> pd.DataFrame:
        """Pooled, pseudonymised survey microdata (areas coded, rare categories merged, no
        identifiers or free text): what the panel analyses. Not for partnership members."""
        if self.scope.role == "partnership":
            raise AccessDenied("pooled microdata is for the panel and engagement managers")
        survey = evidence.survey_frame(self.engine, None)
        micro, _ = privacy.pseudonymise(survey, key=key, rules=self.rules)
        return micro

    def export_microdata_csv(self, key: str) -> bytes:
        """Pooled, pseudonymised microdata for the panel (and managers); audited."""
        micro = self.pooled(key)
        audit.record(self.engine, self.account.username, "export", what="microdata")
        return csv_bytes(micro)


SCORED = ("pillars", "scales")
_SCORE_COLUMNS = ("estimate", "low", "high", "band", "rwg_j")


def _few_hidden(table: pd.DataFrame, min_group: int) -> pd.DataFrame:
    """A score from fewer than ``min_group`` respondents (a whole area-wave can be that
    small) is shown like one nobody answered: the count stays, the numbers and band go."""
    out = table.copy()
    few = (out["n"] > 0) & (out["n"] < min_group)
    for column in _SCORE_COLUMNS:
        if column in out.columns:
            out.loc[few, column] = np.nan
    return out


def benchmark(engine: Engine) -> pd.Series:
    """Median over all areas of each scale and pillar (latest waves): a pooled figure, the
    same for every role. Empty with fewer than ``MIN_AREAS_FOR_BENCHMARK`` areas, where a
    median would give other areas away (with two areas, the median and one's own mean give
    the other's)."""
    from survey.summaries import median_of_areas

    return median_of_areas(engine, min_areas=MIN_AREAS_FOR_BENCHMARK)


def _hide_pair(reason: Reason, shown: pd.DataFrame) -> Reason:
    """A reason about a sector pair keeps its numbers only when both directions of the pair
    are shown in the (disclosure-controlled) trust matrix; otherwise it still says what
    caps the verdict, without figures that would give a hidden cell away."""
    if reason.kind != "gate" or not ("~" in reason.subject or ">" in reason.subject):
        return reason
    a, b = reason.subject.replace(">", "~").split("~", 1)
    visible = a in shown.index and b in shown.index and shown.loc[a, b] and shown.loc[b, a]
    if visible:
        return reason
    text = reason.text.split(" is ", 1)[0] if " is " in reason.text else "Trust between two sectors"
    if reason.text.startswith("Trust is one-sided"):
        text = "Trust between two sectors is one-sided"
    return Reason(
        f"{text} is at a critical level; the figures are hidden because a group is too small "
        "to show. This caps the verdict.",
        reason.kind,
        reason.subject,
        caps=reason.caps,
    )


def _hide_rate(reason: Reason) -> Reason:
    """A workshop-rate reason from fewer participants than the minimum group keeps what it
    caps, without the rate."""
    if reason.subject not in {"over_caution", "over_sharing"}:
        return reason
    what = "held back" if reason.subject == "over_caution" else "over-shared"
    return Reason(
        f"In the workshop scenarios, participants {what} often enough to cap the verdict; the "
        "figures are hidden because fewer than the minimum number of people took part.",
        reason.kind,
        reason.subject,
        caps=reason.caps,
    )


def csv_bytes(frame: pd.DataFrame) -> bytes:
    # CRLF rows (RFC 4180): the writer then quotes any cell holding a carriage return, which
    # spreadsheets would otherwise read as the start of a new row (and maybe a formula).
    out = io.StringIO()
    privacy.neutralise_frame(frame).to_csv(out, index=False, lineterminator="\r\n")
    return out.getvalue().encode("utf-8-sig")
