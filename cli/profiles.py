"""``readiness profile`` and ``readiness psychometrics``: what the evidence says."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from analysis.readiness import Profile
from analysis.verdict import label_of
from app.exports.psychometrics import markdown_table, report_text
from app.exports.report import FORMATS as REPORT_FORMATS
from app.pooled import coder_agreement_table, survey_report
from cli.common import PASSWORD_HELP, as_user, catalogue
from instruments.catalogue import Catalogue
from instruments.kinds import INTERVIEW, SURVEY


def _computing(done: int, total: int) -> None:
    """Progress on the terminal (never in piped output, which may be JSON)."""
    if sys.stderr.isatty():
        click.echo(f"  computing profiles: {done} of {total} areas", err=True)


@click.command("profile")
@click.argument("area", required=False)
@click.option("--wave", default=None, help="Wave label (default: the latest wave).")
@click.option("--all", "all_areas", is_flag=True, help="Every area and wave the user may see.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON.")
@click.option("--user", "username", required=True, help="Show what this user may see.")
@click.option("--password", default=None, help=PASSWORD_HELP)
def profile_command(
    area: str | None,
    wave: str | None,
    all_areas: bool,
    as_json: bool,
    username: str,
    password: str | None,
) -> None:
    """The readiness profile and verdict of AREA (or of every area with --all), as USER
    sees it: only areas the account may see, small groups suppressed as on the dashboard."""
    if bool(area) == all_areas:
        raise click.UsageError("give an AREA code or --all")
    scoped = as_user(username, password)
    cat = scoped.catalogue
    if all_areas:
        profiles = scoped.disclosed_profiles()
    else:
        waves = scoped.area_waves(area)
        if not waves:
            raise click.ClickException(f"no evidence for area '{area}'")
        if wave is not None and wave not in waves:
            raise click.ClickException(
                f"area '{area}' has no wave '{wave}' (waves: {', '.join(waves)})"
            )
        profiles = [scoped.profile(area, wave or waves[-1]).profile]
    if as_json:
        data = [p.to_dict() for p in profiles]
        click.echo(json.dumps(data if all_areas else data[0], indent=2, ensure_ascii=False))
        return
    for p in profiles:
        click.echo(profile_text(p, cat))


def profile_text(p: Profile, cat: Catalogue) -> str:
    v = p.verdict
    lines = [
        f"{p.area} wave {p.wave}: {v.statement or v.label} ({p.respondents} survey respondents)"
    ]
    ex = v.explanation
    if ex is not None:
        lines.append(f"  {ex.decided_by.text}")
    lines += [f"  - {r.text}" for r in v.reasons]
    if ex is not None and ex.conditions:
        lines.append("  Conditions to meet for Ready:")
        lines += [f"  - {r.text}" for r in ex.conditions]
    elif ex is not None and ex.next_level and ex.route:
        lines.append(f"  To reach {label_of(cat.rules, ex.next_level)}:")
        lines += [f"  - {r.text}" for r in ex.route]
    lines.append("  Pillars:")
    for _, row in p.pillars.iterrows():
        if row["n"]:
            lines.append(
                f"    {row['title']:<48} {row['estimate']:.2f} "
                f"[{row['low']:.2f}, {row['high']:.2f}] n={row['n']} {row['band']}"
            )
    if p.change is not None:
        pillars = p.change[p.change["kind"] == "pillar"]
        lines.append(f"  Change since wave {pillars['previous_wave'].iloc[0]}:")
        for pid, row in pillars.iterrows():
            lines.append(
                f"    {p.pillars.loc[pid, 'title']:<48} {row['difference']:+.2f} "
                f"[{row['low']:+.2f}, {row['high']:+.2f}]"
            )
    if p.disagreement:
        lines.append(
            "  Respondents disagree too much for an area score to be trusted (rwg(j) below "
            f"{cat.rules.agreement.rwg_j_min:.2f}) on: {', '.join(p.disagreement)}"
        )
    if p.missing_key_sectors:
        names = ", ".join(cat.sector_name(s) for s in p.missing_key_sectors)
        lines.append(f"  Key sectors without enough evidence: {names}")
    return "\n".join(lines)


@click.command("psychometrics")
@click.option("--instrument", "key", required=True, help="staff_survey or stakeholder_interview.")
@click.option(
    "--format", "fmt", type=click.Choice(["md", "csv", "json"]), default="md", show_default=True
)
@click.option("--user", "username", required=True, help="Run as this user.")
@click.option("--password", default=None, help=PASSWORD_HELP)
def psychometrics_command(key: str, fmt: str, username: str, password: str | None) -> None:
    """The panel's psychometrics report of an instrument, pooled over every area (for the
    panel, engagement managers and administrators)."""
    cat = catalogue()
    inst = cat.get(key)
    if inst.kind not in {SURVEY, INTERVIEW}:
        raise click.ClickException(
            f"'{key}' is a {inst.kind}: psychometrics cover the staff survey and the interview"
        )
    scoped = as_user(username, password)
    scoped.require_pooled()
    db = scoped.engine
    if inst.kind == INTERVIEW:
        table = coder_agreement_table(db, cat)
        if table.empty:
            raise click.ClickException("no interview ratings in the database yet")
        if fmt == "json":
            click.echo(table.reset_index().to_json(orient="records", indent=2))
        elif fmt == "csv":
            click.echo(table.to_csv(), nl=False)
        else:
            click.echo("# Inter-coder agreement (Cohen's kappa) per interview dimension\n")
            click.echo(markdown_table(table))
        return
    report = survey_report(db, cat, key)
    if report is None:
        raise click.ClickException("no survey responses in the database yet")
    click.echo(report_text(report, fmt))


@click.command("report")
@click.argument("area", required=False)
@click.option("--wave", default=None, help="Wave label (default: the latest wave).")
@click.option("--all", "all_areas", is_flag=True, help="Every area the user may see.")
@click.option("--format", "fmt", type=click.Choice(list(REPORT_FORMATS)), required=True)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="The file to write (a folder with --all).",
)
@click.option("--user", "username", required=True, help="Make the report as this user.")
@click.option("--password", default=None, help=PASSWORD_HELP)
def report_command(area, wave, all_areas, fmt, out, username, password) -> None:
    """The area report of AREA (or of every area with --all) as HTML, PDF or PowerPoint,
    holding only what USER may see; audited."""
    if bool(area) == all_areas:
        raise click.UsageError("give an AREA code or --all")
    data = as_user(username, password)
    suffix = REPORT_FORMATS[fmt].suffix
    if not all_areas:
        out.write_bytes(data.report(area, wave, fmt=fmt))
        click.echo(f"Wrote {out}")
        return
    out.mkdir(parents=True, exist_ok=True)
    areas = data.visible_areas()
    data.book.of(areas, progress=_computing)  # stored ones read, the others computed
    with click.progressbar(areas, label="Writing reports", file=sys.stderr) as bar:
        for code in bar:
            (out / f"readiness_{code}{suffix}").write_bytes(data.report(code, fmt=fmt))
    click.echo(f"Wrote {len(areas)} reports to {out}")
