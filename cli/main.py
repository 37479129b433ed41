"""The ``readiness`` command line. Each command builds the app-layer objects and calls one
function; an error a user caused is reported as a plain sentence with exit status 1
(:class:`cli.common.Commands`), never as a traceback."""

from __future__ import annotations

import click

from cli.accounts import audit_command, users
from cli.common import Commands
from cli.evidence import db, import_command, mapping_group, sample_data
from cli.exports import export
from cli.instruments import instruments, template
from cli.profiles import profile_command, psychometrics_command, report_command
from cli.safekeeping import backup_command, restore_command


@click.group(cls=Commands)
@click.version_option(package_name="sharing-readiness")
def main() -> None:
    """Sharing Readiness: instruments, evidence and readiness profiles."""


for command in (
    instruments,
    template,
    import_command,
    mapping_group,
    sample_data,
    profile_command,
    psychometrics_command,
    report_command,
    users,
    audit_command,
    export,
    db,
    backup_command,
    restore_command,
):
    main.add_command(command)


if __name__ == "__main__":
    main()
