"""Area reports: one writer per format, looked up in :data:`FORMATS`. Every format lays out
the same :class:`~app.exports.report.content.ReportContent`, built from what the reader's
account may see after disclosure control."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.exports.report.content import ReportContent, build
from app.exports.report.html import html_bytes
from app.exports.report.pdf import ReportUnavailable, pdf_bytes
from app.exports.report.pdf import unavailable as pdf_unavailable
from app.exports.report.slides import pptx_bytes

__all__ = ["FORMATS", "ReportContent", "ReportFormat", "ReportUnavailable", "build"]


@dataclass(frozen=True)
class ReportFormat:
    name: str
    title: str
    suffix: str
    mime: str
    write: Callable[[ReportContent], bytes]
    unavailable: Callable[[], str | None] = lambda: None  # why it cannot be made here


FORMATS: dict[str, ReportFormat] = {
    f.name: f
    for f in (
        ReportFormat("html", "web page (HTML)", ".html", "text/html", html_bytes),
        ReportFormat("pdf", "PDF", ".pdf", "application/pdf", pdf_bytes, pdf_unavailable),
        ReportFormat(
            "pptx",
            "PowerPoint",
            ".pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            pptx_bytes,
        ),
    )
}
