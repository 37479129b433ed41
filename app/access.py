"""The one door to the evidence: every page, download and export reads through
:class:`ScopedData`, which knows the user's scope and applies disclosure control.

A partnership member bound to area X gets area X and nothing else, whatever they ask for;
the panel gets pooled, pseudonymised data and no free text; small groups are suppressed
for everyone. ScopedData keeps nothing between calls: the expensive part (profiles) comes
from a :class:`app.profiles.ProfileBook` shared by every account, and what a page shows
is cached above this layer (:mod:`views.state`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
from sqlalchemy import Engine

from analysis.change import trend
from analysis.context import context_from_catalogue
from analysis.disclosure import Disclosed, DisclosureRules, disclose, text_allowed
from analysis.kanonymity import k_anonymise
from analysis.portfolio import portfolio_table
from analysis.pseudonyms import pseudonymise
from analysis.readiness import Profile
from analysis.redaction import redact
from analysis.themes import UNCODED, Coder, code_comments, theme_counts, uncoded_clusters
from app import actions as plans
from app import derived
from app.exports.microdata import Labelled, labelled, labelled_table, microdata_bytes
from app.exports.report import FORMATS as REPORT_FORMATS
from app.exports.report import ReportContent
from app.exports.report import build as build_report
from app.exports.tables import csv_bytes
from app.pooled import PooledView
from app.profiles import ProfileBook
from app.settings import settings
from instruments.catalogue import Catalogue
from instruments.coding import load_coding_frame
from instruments.errors import ReadinessError
from survey.store import actions as action_store
from survey.store import audit, readers
from survey.store.accounts import Account, Scope, list_users
from survey.store.audit import ACTIONS as AUDIT_ACTIONS

__all__ = ["AUDIT_ACTIONS", "AccessDenied", "Disclosed", "ScopedData", "disclosure_rules"]


PROFILE_LABELS = {
    "area": "Area",
    "wave": "Wave",
    "verdict": "Readiness verdict",
    "measure": "Pillar or scale",
    "level": "pillar or scale",
}


class AccessDenied(ReadinessError):
    """The user may not see this; the message says so without revealing anything."""


def disclosure_rules() -> DisclosureRules:
    """Minimum group sizes from the settings (``READINESS_MIN_GROUP``, default 5, and
    ``READINESS_MIN_TEXT_GROUP``, default 10)."""
    s = settings()
    return DisclosureRules(min_group=s.min_group, min_text_group=s.min_text_group)


class ScopedData:
    """Evidence and profiles as one user may see them."""

    def __init__(
        self,
        engine: Engine,
        account: Account,
        catalogue: Catalogue,
        *,
        book: ProfileBook | None = None,
        rules: DisclosureRules | None = None,
    ):
        self.engine = engine
        self.account = account
        self.scope: Scope = account.scope
        self.catalogue = catalogue
        self.book = book or ProfileBook(engine, catalogue)
        self.rules = rules or disclosure_rules()

    def disclosure_limits(self) -> tuple[int, int]:
        """The smallest group shown, and the smallest whose free text is shown."""
        return self.rules.min_group, self.rules.min_text_group

    # -- which areas -------------------------------------------------------------------
    @property
    def areas(self) -> list[str]:
        """Area codes this user may open one by one (none for the panel)."""
        if self.scope.pooled_only:
            return []
        known = readers.waves(self.engine)["area"].unique()
        return sorted(a for a in known if self.scope.may_see(a))

    def visible_areas(self) -> list[str]:
        """The areas this user may open (:attr:`areas`), as a call a cache can key on."""
        return self.areas

    def _check(self, area: str) -> None:
        if not self.scope.may_see(area):
            raise AccessDenied("you do not have access to that area")

    def waves(self) -> pd.DataFrame:
        """Areas and waves with response counts, for the visible areas only."""
        if self.scope.pooled_only:
            raise AccessDenied("the panel sees pooled data only")
        return readers.waves(self.engine, self.areas)

    def area_names(self) -> dict[str, str]:
        """Names of the areas this user may see."""
        if self.scope.pooled_only:
            return {}
        table = self.waves()
        return dict(zip(table["area"], table["area_name"], strict=True))

    # -- profiles ----------------------------------------------------------------------
    def profiles(self) -> list[Profile]:
        """Every visible (area, wave) profile, waves in order (the portfolio's view),
        before disclosure control: use :meth:`disclosed_profiles` for anything shown."""
        return self.book.of(self.areas)

    def disclosed_profiles(self) -> list[Profile]:
        """Every visible (area, wave) profile after disclosure control."""
        return [disclose(p, self.rules).profile for p in self.profiles()]

    def area_profiles(self, area: str) -> list[Profile]:
        """One area's profiles, waves in order."""
        self._check(area)
        return self.book.of([area])

    def area_waves(self, area: str) -> list[str]:
        return [p.wave for p in self.area_profiles(area)]

    def profile(self, area: str, wave: str | None = None) -> Disclosed:
        """One area's profile (latest wave by default), after disclosure control."""
        mine = self.area_profiles(area)
        if not mine:
            raise AccessDenied("there is no evidence for that area yet")
        chosen = mine[-1] if wave is None else next((p for p in mine if p.wave == wave), None)
        if chosen is None:
            raise AccessDenied("that area has no such wave")
        return disclose(chosen, self.rules)

    def trend(self, area: str, wave: str | None = None) -> pd.DataFrame:
        """Each pillar, and the mutual trust of the weakest links, across every wave of
        ``area`` up to ``wave`` (all by default), after disclosure control."""
        mine = self.area_profiles(area)
        upto = [p for p in mine if wave is None or p.wave <= wave]
        history = [disclose(p, self.rules).profile for p in upto]
        names = {s.code: s.short for s in self.catalogue.sectors.sectors}
        return trend(history, names=names)

    def disclose(self, p: Profile) -> Disclosed:
        return disclose(p, self.rules)

    def portfolio(self) -> pd.DataFrame:
        """Every visible area in one table (its latest wave), after disclosure control.

        Each area's row is kept beside its stored profiles (per state of its evidence and
        the disclosure rules), so the table of every area is a read, not a computation."""
        names = {s.code: s.short for s in self.catalogue.sectors.sectors}
        rules = self.rules

        def row(profiles: list[Profile]) -> pd.DataFrame:
            if not profiles:
                return portfolio_table([], names)
            # Only the latest wave is shown; the earlier ones are only counted.
            return portfolio_table([*profiles[:-1], disclose(profiles[-1], rules).profile], names)

        variant = f"{rules!r}|{sorted(names.items())}"
        rows = self.book.view("portfolio", self.areas, variant, row)
        if not rows:
            return portfolio_table([], names)
        return pd.concat([rows[a] for a in sorted(rows)], ignore_index=True)

    def action_counts(self) -> pd.DataFrame:
        """Open and overdue actions of each visible area (index area code). Read afresh
        on every call: actions change without new evidence."""
        if self.scope.pooled_only:
            raise AccessDenied("action plans are for engagement managers and partnerships")
        return plans.counts(action_store.actions(self.engine, self.areas))

    # -- action plans ------------------------------------------------------------------
    def _may_plan(self, area: str) -> None:
        self._check(area)
        if self.scope.role not in {"manager", "admin", "partnership"}:
            raise AccessDenied("action plans are for engagement managers and partnerships")

    def actions(self, area: str) -> pd.DataFrame:
        """The action plans of one area (not for the panel), due date first, with
        ``open`` and ``overdue``."""
        self._may_plan(area)
        return plans.with_state(action_store.actions(self.engine, [area]))

    def plan_action(self, area: str, **values: object) -> int:
        """Store a new action of ``area`` (see :class:`app.actions.ActionInput`); audited.
        Managers, administrators and the area's partnership members only."""
        self._may_plan(area)
        action = plans.checked(plans.ActionInput, values)
        sectors = {s.code for s in self.catalogue.sectors.sectors}
        pillars = {p.id for p in self.catalogue.survey.pillars}
        gates = {g.id for g in self.catalogue.rules.gates}
        for name, known in (
            ("sector_a", sectors),
            ("sector_b", sectors),
            ("pillar", pillars),
            ("gate", gates),
        ):
            value = getattr(action, name)
            if value is not None and value not in known:
                raise plans.ActionError(f"the action cannot be saved: unknown {name} '{value}'")
        return action_store.create(self.engine, self.account.username, area, **action.model_dump())

    def update_action(self, action_id: int, **changes: object) -> dict:
        """Change an action's description, owner role, due date or status; audited. Only
        for those who may plan actions in its area."""
        area = action_store.area_of(self.engine, int(action_id))
        if area is None or not self.scope.may_see(area):
            raise AccessDenied("there is no such action for you to change")
        self._may_plan(area)
        change = plans.checked(plans.ActionChange, changes)
        values = change.model_dump(exclude_none=True)
        return action_store.update_action(
            self.engine, self.account.username, int(action_id), **values
        )

    def benchmark(self) -> pd.Series:
        """Median over all areas of each scale and pillar: see :func:`app.derived.benchmark`."""
        return derived.benchmark(self.engine)

    # -- free text ---------------------------------------------------------------------
    def texts(self, area: str, wave: str) -> pd.DataFrame:
        """Open answers of one wave, by sector, for sectors of at least the text threshold,
        redacted. Never for the panel."""
        frame = self._open_answers(area, wave)
        out = frame[["sector", "item_id", "text"]].copy()
        out["text"] = out["text"].map(redact)
        return out.reset_index(drop=True)

    def _open_answers(self, area: str, wave: str) -> pd.DataFrame:
        """One wave's open answers as given, from sectors of at least the text threshold
        only; refused to roles without free text."""
        self._check(area)
        if not self.scope.free_text:
            raise AccessDenied("free text is not available to your role")
        frame = readers.text_frame(self.engine, [area], instrument=self.catalogue.survey.key)
        frame = frame[frame["wave"] == wave]
        profile = next((p for p in self.area_profiles(area) if p.wave == wave), None)
        sizes = profile.coverage["n"] if profile is not None else pd.Series(dtype=int)
        big = [s for s, n in sizes.items() if text_allowed(int(n), self.rules)]
        return frame[frame["sector"].isin(big)]

    def _coder(self) -> Coder:
        frame = load_coding_frame(self.catalogue.folder)
        names = {
            s.code: [s.short.lower(), s.name.split(" (")[0].lower()]
            for s in self.catalogue.sectors.sectors
        }
        return Coder(frame, names)

    def comment_themes(self, area: str, wave: str) -> pd.DataFrame:
        """What one wave's open comments say: comments per theme of the coding frame, with
        their share and the sectors they name, from sectors of at least the text threshold
        only (none for the panel). Managers also get one redacted example per theme."""
        coder = self._coder()
        coded = code_comments(self._open_answers(area, wave), coder)
        names = {s.code: s.short for s in self.catalogue.sectors.sectors}
        counts = theme_counts(coded, coder, sector_names=names)
        out = pd.DataFrame(
            {
                "Theme": counts["title"],
                "Barrier or enabler": counts["type"].str.capitalize(),
                "Comments": counts["comments"].astype(int),
                "Share (%)": (counts["share"] * 100).round(0),
                "Sectors named": counts["sectors"],
            },
            index=counts.index,
        )
        if self.scope.quotes and len(coded):
            best = coded[coded["score"] > 0].sort_values(["score"], ascending=False, kind="stable")
            examples = best.groupby("theme")["text"].first().map(redact)
            out["Example (redacted)"] = out.index.map(examples).fillna("")
        return out.reset_index(drop=True)

    def uncoded_comment_clusters(self, area: str, wave: str) -> pd.DataFrame:
        """The comments the coding frame left uncoded, grouped (TF-IDF and NMF) into a few
        clusters with their top terms: for the frame's next version. Managers only."""
        if not self.scope.quotes:
            raise AccessDenied("uncoded comment clusters are for engagement managers only")
        coded = code_comments(self._open_answers(area, wave), self._coder())
        return uncoded_clusters(coded.loc[coded["theme"] == UNCODED, "text"])

    def quotes(self, area: str, wave: str) -> pd.DataFrame:
        """Interview quotes (managers and administrators only), redacted."""
        self._check(area)
        if not self.scope.quotes:
            raise AccessDenied("interview quotes are for engagement managers only")
        codes = readers.evidence(self.engine, [area]).codes
        codes = codes[(codes["wave"] == wave) & codes["quote"].notna()]
        out = codes[["theme", "rater_sector", "target_sector", "quote"]].copy()
        out["quote"] = out["quote"].map(redact)
        return out.reset_index(drop=True)

    # -- exports -----------------------------------------------------------------------
    def profile_table(self, area: str, wave: str | None = None) -> pd.DataFrame:
        """The profile's pillar and scale table, after disclosure control."""
        p = self.profile(area, wave).profile
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

    def export_profile_csv(
        self, area: str, wave: str | None = None, *, audited: bool = True
    ) -> bytes:
        """The profile's pillar and scale table as CSV, formulas neutralised. Audited,
        unless the caller records the export itself (a page prepares the file before the
        user clicks; see :meth:`record_export`)."""
        with self._refusal_audited("profile", area):
            data = csv_bytes(self.profile_table(area, wave))
        if audited:
            self.record_export(what="profile", area=area)
        return data

    def export_profile(self, area: str, wave: str | None, fmt: str) -> bytes:
        """The profile's pillar and scale table in ``fmt`` (``csv``, ``xlsx``, ``sav``,
        ``dta`` or ``codebook``), labelled; audited."""
        if fmt == "csv":
            return self.export_profile_csv(area, wave)
        table = self.profile_table(area, wave)
        title = f"Sharing Readiness profile of {area}, wave {table['wave'].iloc[0]}"
        data = microdata_bytes(labelled_table(table, PROFILE_LABELS, title), fmt)
        self.record_export(what=f"profile ({fmt})", area=area)
        return data

    def report_content(self, area: str, wave: str | None = None) -> ReportContent:
        """What the area report of ``area`` (latest wave by default) says to this user:
        disclosure-controlled, every wave up to it for the trend, quotes for managers."""
        d = self.profile(area, wave)
        upto = [p for p in self.area_profiles(area) if p.wave <= d.profile.wave]
        quotes = self.quotes(area, d.profile.wave) if self.scope.quotes else None
        return build_report(
            d,
            [disclose(p, self.rules) for p in upto],
            catalogue=self.catalogue,
            area_name=self.area_names().get(area, area),
            benchmark=self.benchmark(),
            min_group=self.rules.min_group,
            quotes=quotes,
            actions=self._readable_actions(area, d.profile),
            comment_themes=(
                self.comment_themes(area, d.profile.wave).drop(
                    columns=["Example (redacted)"], errors="ignore"
                )
                if self.scope.free_text
                else None
            ),
        )

    def _readable_actions(self, area: str, p: Profile) -> pd.DataFrame:
        gates = {g.id: g.title or g.id for g in self.catalogue.rules.gates}
        sectors = {s.code: s.short for s in self.catalogue.sectors.sectors}
        titles = {**p.pillars["title"].to_dict(), **gates}
        return plans.readable(self.actions(area), sectors=sectors, titles=titles)

    def report(self, area: str, wave: str | None = None, *, fmt: str = "pdf") -> bytes:
        """The area report in ``fmt`` (``html``, ``pdf`` or ``pptx``); audited."""
        writer = REPORT_FORMATS[fmt]
        with self._refusal_audited(f"report ({fmt})", area):
            content = self.report_content(area, wave)
        data = writer.write(content)
        self.record_export(what=f"report ({fmt})", area=area)
        return data

    def record_export(self, *, what: str, area: str | None = None) -> None:
        audit.record(self.engine, self.account.username, "export", area=area, what=what)

    @contextmanager
    def _refusal_audited(self, what: str, area: str | None = None) -> Iterator[None]:
        """An export refused (:class:`AccessDenied`) is audited with the reason, then the
        refusal goes on to the user."""
        try:
            yield
        except AccessDenied as exc:
            audit.record(
                self.engine,
                self.account.username,
                "export_refused",
                area=area[:40] if area else None,
                what=what,
                why=str(exc),
            )
            raise

    def pooled(self, key: str) -> pd.DataFrame:
        """Pooled, pseudonymised survey microdata (areas coded, rare categories merged, no
        identifiers or free text): what the panel analyses. Not for partnership members."""
        self.require_pooled()
        survey = readers.survey_frame(self.engine, None, instrument=self.catalogue.survey.key)
        micro, _ = pseudonymise(survey, key=key, rules=self.rules)
        return micro

    def require_pooled(self) -> None:
        """Refuse an account that may not see data pooled over every area (a partnership
        member sees their own area only)."""
        if self.scope.role == "partnership":
            raise AccessDenied("pooled microdata is for the panel and engagement managers")

    def pooled_view(self, key: str) -> PooledView:
        """The pooled microdata with the figures the Patterns page draws from it."""
        model = context_from_catalogue(self.catalogue).model
        return PooledView(self.pooled(key), model, self.rules)

    def export_microdata_csv(self, key: str) -> bytes:
        """Pooled, pseudonymised microdata for the panel (and managers) as CSV, in
        instrument order; audited."""
        return self.export_microdata(key, "csv")

    def labelled_microdata(self, key: str) -> Labelled:
        """The pooled, pseudonymised microdata (:meth:`pooled`) in instrument order, with
        variable and value labels (:func:`app.exports.microdata.labelled`), made
        k-anonymous for the smallest group shown (:func:`analysis.kanonymity.k_anonymise`):
        a file leaves the system, so no combination of area, wave, sector, role, co-location
        and team in it describes fewer people than that."""
        return labelled(
            k_anonymise(self.pooled(key), self.rules.min_group).frame,
            self.catalogue,
            self.catalogue.survey.key,
            area_label="Area (pseudonymised code)",
        )

    def export_microdata(self, key: str, fmt: str, *, audited: bool = True) -> bytes:
        """The pooled microdata in ``fmt`` (``csv``, ``xlsx``, ``sav``, ``dta`` or
        ``codebook``; :data:`app.exports.microdata.MICRODATA_FORMATS`); audited unless the
        caller records the export itself."""
        with self._refusal_audited("microdata"):
            frame = self.labelled_microdata(key)
        data = microdata_bytes(frame, fmt)
        if audited:
            self.record_export(what="microdata" if fmt == "csv" else f"microdata ({fmt})")
        return data

    def area_microdata(self, area: str, wave: str | None = None) -> Labelled:
        """One area's survey microdata (latest wave by default) for engagement managers
        and administrators: respondents in instrument order, labelled, with identifiers,
        organisation and free text removed, rare categories merged as in the panel's
        microdata (:func:`analysis.pseudonyms.pseudonymise`) and k-anonymous as
        :meth:`labelled_microdata` is."""
        self._check(area)
        if not self.scope.quotes:
            raise AccessDenied("respondent-level data is for engagement managers")
        wave = wave or self.profile(area).profile.wave
        survey = readers.survey_frame(self.engine, [area], instrument=self.catalogue.survey.key)
        survey = survey[survey["wave"] == wave]
        if survey.empty:
            raise AccessDenied("that area has no survey evidence in that wave")
        micro, _ = pseudonymise(survey, key=f"area microdata {area}", rules=self.rules)
        micro["area"] = area
        micro = k_anonymise(micro, self.rules.min_group).frame
        return labelled(micro, self.catalogue, self.catalogue.survey.key, area_label="Area")

    def export_area_microdata(
        self, area: str, wave: str | None, fmt: str, *, audited: bool = True
    ) -> bytes:
        """:meth:`area_microdata` in ``fmt``; audited unless the caller records it."""
        with self._refusal_audited(f"area microdata ({fmt})", area):
            frame = self.area_microdata(area, wave)
        data = microdata_bytes(frame, fmt)
        if audited:
            self.record_export(what=f"area microdata ({fmt})", area=area)
        return data

    # -- administration ----------------------------------------------------------------
    def _admin(self) -> None:
        if not self.scope.can_admin:
            raise AccessDenied("this is for administrators")

    def accounts(self) -> pd.DataFrame:
        """Every account (administrators only)."""
        self._admin()
        return list_users(self.engine)

    def audit_log(self, action: str | None = None, limit: int = 500) -> pd.DataFrame:
        """The newest audit-log entries (administrators only)."""
        self._admin()
        return audit.entries(self.engine, limit=limit, action=action)


def known_areas(engine: Engine) -> list[str]:
    """Every area code, with no names or figures: for the demo's role picker only, which
    exists only while the store holds nothing but the fictional sample data."""
    return sorted(readers.waves(engine)["area"].unique())
