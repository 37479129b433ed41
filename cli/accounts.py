"""``readiness users …`` and ``readiness audit``: accounts and the audit log."""

from __future__ import annotations

import click

from app.accounts import ROLES, add_user, audit_entries, list_users, set_disabled
from app.settings import settings
from cli.common import engine


@click.group()
def users() -> None:
    """Local accounts: administrators, engagement managers, partnership and panel members."""


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(list(ROLES)), required=True)
@click.option("--area", default=None, help="The area a partnership member is bound to.")
@click.option("--email", default=None, help="E-mail for single sign-on (then no password).")
@click.option("--name", "display_name", default=None, help="Name shown in the dashboard.")
@click.option(
    "--password", default=None, help="Prompted for when not given (or READINESS_NEW_PASSWORD)."
)
def users_add(username, role, area, email, display_name, password) -> None:
    """Create an account."""
    password = password or settings().new_password
    if password is None and not email:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    account = add_user(
        engine(),
        username,
        role,
        password=password,
        area=area,
        email=email,
        display_name=display_name,
    )
    click.echo(f"Added {account.label}")


@users.command("list")
def users_list() -> None:
    """List the accounts."""
    table = list_users(engine())
    click.echo("no accounts yet" if table.empty else table.to_string(index=False))


def _set_disabled(username: str, disabled: bool) -> None:
    set_disabled(engine(), username, disabled)
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
    table = audit_entries(engine(), limit=limit)
    click.echo("the audit log is empty" if table.empty else table.to_string(index=False))
