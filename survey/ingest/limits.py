"""How large an import file may be. Each limit is checked before the part it guards is read,
so a file over a limit is refused quickly and without filling memory: the file's size before
anything else, an Excel workbook's unpacked size, shared strings and declared dimensions
before the sheet is read, and rows, columns, cells and cell length as the rows are read.

The defaults suit a staff survey of an area (tens of thousands of respondents); a deployment
changes them through its settings (:mod:`app.settings`, ``READINESS_MAX_*``)."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    file_mb: float = 20
    rows: int = 50_000
    columns: int = 1_000
    cells: int = 2_500_000
    cell_chars: int = 10_000
    xlsx_unpacked_mb: float = 200
    xlsx_shared_strings_mb: float = 40

    @property
    def file_bytes(self) -> int:
        return int(self.file_mb * MB)


class OverLimit(ValueError):
    """A file is over one of the :class:`Limits`; the message names the limit and setting."""

    def __init__(self, what: str, limit: str, setting: str) -> None:
        super().__init__(
            f"{what}; the limit is {limit} (setting READINESS_{setting.upper()}). "
            "Split the file, or ask the administrator to raise the limit"
        )


def mb(n: float) -> str:
    return f"{n:,.0f} MB" if n >= 10 else f"{n:,.1f} MB"
