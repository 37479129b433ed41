"""Commands for accounts, the audit log and scoped exports."""

from __future__ import annotations

from pathlib import Path

import click

from survey.cli_common import catalogue as _catalogue
from survey.cli_common import engine as _engine


@click.group()
def users() -> None:
    """Local accounts: administrators, engagement managers, partnership and panel members."""


@users.command("add")
@click.argument("username")
@click.option(
    "--role", type=click.Choice(["admin", "manager", "partnership", "panel"]), required=True
)
@click.option("--area", default=None, help="The area a partnership member is bound to.")
@click.option("--email", default=None, help="E-mail for single sign-on (then no password).")
@click.option("--name", "display_name", default=None, help="Name shown in the dashboard.")
@click.option(
    "--password",
    envvar="READINESS_NEW_PASSWORD",
    default=None,
    help="Prompted for when not given (or READINESS_NEW_PASSWORD).",
)
def users_add(username, role, area, email, display_name, password) -> None:
    """Create an account."""
    from survey.accounts import AccountError, add_user

    if password is None and not email:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        account = add_user(
            _engine(),
            username,
            role,
            password=password,
            area=area,
            email=email,
            display_name=display_name,
        )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Added {account.label}")


@users.command("list")
def users_list() -> None:
    """List the accounts."""
    from survey.accounts import list_users

    table = list_users(_engine())
    click.echo("no accounts yet" if table.empty else table.to_string(index=False))


def _set_disabled(username: str, disabled: bool) -> None:
    from survey.accounts import AccountError, set_disabled

    try:
        set_disabled(_engine(), username, disabled)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{'Disabled' if disabled else 'Enabled'} {username}")


@users.command("disable")
@click.argument("username")
def users_disable(username: str) -> None:
    """Disable an account (it can no longer log in)."""
    _set_disabled(username, True)


@users.command("enable")
@click.argument("username")
def users_enable(username: str) -> None:
    """Enable a disabled or locked account."""
    _set_disabled(username, False)


@click.command("audit")
@click.option("--limit", default=50, show_default=True)
def audit_command(limit: int) -> None:
    """The newest audit-log entries."""
    from survey.audit import entries

    table = entries(_engine(), limit=limit)
    click.echo("the audit log is empty" if table.empty else table.to_string(index=False))


def _login(engine, username: str, password: str | None):
    from survey.accounts import LoginError, authenticate

    if password is None:
        password = click.prompt("Password", hide_input=True)
    try:
        return authenticate(engine, username, password)
    except LoginError as exc:
        raise click.ClickException(str(exc)) from None


@click.group("export")
def export() -> None:
    """Exports, as a named user: each sees only what their role allows."""


@export.command("profile")
@click.argument("area")
@click.option("--wave", default=None)
@click.option("--user", "username", required=True, help="Export as this user.")
@click.option(
    "--password",
    envvar="READINESS_PASSWORD",
    default=None,
    help="Prompted for when not given (or READINESS_PASSWORD).",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_profile(area, wave, username, password, out) -> None:
    """The profile table of AREA as CSV."""
    from survey.access import AccessDenied, ScopedData

    engine = _engine()
    account = _login(engine, username, password)
    try:
        data = ScopedData(engine, account, _catalogue()).export_profile_csv(area, wave)
    except AccessDenied as exc:
        raise click.ClickException(str(exc)) from None
    out.write_bytes(data)
    click.echo(f"Wrote {out}")


@export.command("microdata")
@click.option("--user", "username", required=True, help="Export as this user.")
@click.option("--password", envvar="READINESS_PASSWORD", default=None)
@click.option(
    "--key",
    envvar="READINESS_PSEUDONYM_KEY",
    required=True,
    help="Secret key for area codes (or READINESS_PSEUDONYM_KEY).",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_microdata(username, password, key, out) -> None:
    """Pooled, pseudonymised survey microdata for the panel, as CSV."""
    from analysis.privacy import DisclosureError
    from survey.access import AccessDenied, ScopedData

    engine = _engine()
    account = _login(engine, username, password)
    try:
        data = ScopedData(engine, account, _catalogue()).export_microdata_csv(key)
    except (AccessDenied, DisclosureError) as exc:
        raise click.ClickException(str(exc)) from None
    out.write_bytes(data)
    click.echo(f"Wrote {out}")
