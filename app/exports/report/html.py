"""The area report as one self-contained HTML file: styles and charts (vector SVG) inline,
no request to any network address when it is opened; readable on a phone and printable on
A4 (the same file is what the PDF is made from)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from app.exports.report import charts
from app.exports.report.content import ReportContent

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_METADATA = re.compile(r"<metadata>.*?</metadata>", re.S)


def _table(frame: pd.DataFrame) -> Markup:
    """A table, every cell escaped (names and quotes come from users)."""
    if frame is None or frame.empty:
        return Markup("")
    body = frame.to_html(index=False, escape=True, na_rep="", border=0)
    return Markup(f'<div class="scroll">{body}</div>')


def _inline(svg: str, alt: str, as_image: bool) -> Markup:
    """An SVG chart inside the page, without its metadata block (which names web addresses,
    though nothing fetches them): as inline SVG (text a reader can select and a screen
    reader can read, with ``alt`` as its label), or as a ``data:`` image (what the PDF
    engine lays out fastest; still vector)."""
    svg = _METADATA.sub("", svg)
    if as_image:
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        return Markup('<img alt="{}" src="data:image/svg+xml;base64,{}">').format(alt, data)
    labelled = svg.replace("<svg ", '<svg role="img" aria-label="{}" ', 1)
    return Markup(labelled).format(alt) if "{" not in svg else Markup(svg)


def chart_svgs(c: ReportContent, *, as_image: bool = False) -> dict[str, object]:
    return {
        "pillars": _inline(
            charts.svg(charts.scores, c.pillars, c.bands, "Pillar scores"),
            "Pillar scores with their intervals and the median of all areas",
            as_image,
        ),
        "trust": [(m.title, charts.matrix_cells(m)) for m in c.trust],
        "trend": _inline(
            charts.svg(charts.trend, c.trend, c.bands), "Pillars across every wave", as_image
        ),
    }


def render(c: ReportContent, *, for_print: bool = False) -> str:
    template = _ENV.get_template("report.html.j2")
    return template.render(c=c, charts=chart_svgs(c, as_image=for_print), table=_table)


def html_bytes(c: ReportContent) -> bytes:
    return render(c).encode("utf-8")
