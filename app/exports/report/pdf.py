"""The area report as a PDF: A4, made offline from the HTML report by WeasyPrint, with the
charts as vector graphics, page numbers, and the area, wave, date and instrument versions
in the footer of every page.

WeasyPrint draws text with the system's Pango library (Debian: ``libpango-1.0-0`` and
``libpangoft2-1.0-0``, present wherever a desktop or a browser is installed). Without it a
PDF cannot be made: :class:`ReportUnavailable` says so and what to install."""

from __future__ import annotations

from functools import cache

from app.exports.report.content import ReportContent
from app.exports.report.html import render
from instruments.errors import ReadinessError

NEEDS = (
    "PDF reports need WeasyPrint and the system's Pango library: on Debian or Ubuntu, "
    "'apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core'. The HTML report "
    "prints to PDF from any browser meanwhile"
)


class ReportUnavailable(ReadinessError):
    """A report format cannot be made on this machine; the message says what it needs."""


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango library could not be loaded
        raise ReportUnavailable(f"{NEEDS} ({exc.__class__.__name__}: {exc})") from None
    return weasyprint


@cache
def unavailable() -> str | None:
    """Why a PDF cannot be made on this machine (None when it can)."""
    try:
        _weasyprint()
    except ReportUnavailable as exc:
        return str(exc)
    return None


def pdf_bytes(c: ReportContent) -> bytes:
    weasyprint = _weasyprint()
    # The report holds everything it shows (charts as ``data:`` images): nothing is fetched
    # from any other place, and a reference to one is an error, not a silent gap.
    offline = weasyprint.URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    html = render(c, for_print=True)
    return weasyprint.HTML(string=html, url_fetcher=offline).write_pdf()
