"""The one base class for everything a user can cause.

Every error that a person can provoke by what they type, upload or configure derives from
:class:`ReadinessError`, and its message says what is wrong and what to do. The command
line turns it into a message and exit status 1 (:mod:`cli.common`), the dashboard into an
error box (:mod:`views.errors`); anything else is a bug and is shown as one."""

from __future__ import annotations

from dataclasses import dataclass


class ReadinessError(Exception):
    """Something a user caused (a bad file, a wrong option, a refused request)."""


@dataclass(frozen=True)
class Problem:
    """One problem in an instrument file: the file, the item (or section) and the field."""

    file: str
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}, field '{self.field}': {self.message}"


class InstrumentError(ReadinessError):
    """One or more instrument files are invalid; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownInstrumentError(ReadinessError, KeyError):
    """No instrument has the key asked for; the message lists the known keys."""

    def __str__(self) -> str:
        return str(self.args[0])
