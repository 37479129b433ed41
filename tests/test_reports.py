"""The board pack: the area report in HTML, PDF and PowerPoint, as the reader's account may
see it, audited; and ``readiness report`` on the command line."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from pptx import Presentation
from pypdf import PdfReader

from app.access import AccessDenied, ScopedData
from app.evidence import load_sample_data
from app.exports.report import FORMATS, ReportUnavailable
from app.exports.report import pdf as pdf_writer
from app.profiles import load_profiles
from cli.main import main
from instruments.catalogue import default_catalogue
from survey.store import audit
from survey.store.accounts import Account, add_user
from survey.store.engine import open_store

PASSWORD = "a long enough password"
MANAGER = Account("boss", "manager")
ASH = Account("ash", "partnership", "ASH")
AREAS = {  # every sample area's code and name
    "ASH": "Ashvale", "BRK": "Brookfield", "CLD": "Caldermoor", "DUN": "Dunholme",
    "ELM": "Elmstead", "FEN": "Fenwick Vale", "GRY": "Greyhaven", "HRB": "Harrowby",
    "KES": "Kestrelford", "LRK": "Larkmere", "MRL": "Marlowe Cross", "WRN": "Wrenhallow",
}  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("reports")
    url = f"sqlite:///{folder}/sample.db"
    engine = open_store(url)
    load_sample_data(engine)
    add_user(engine, "boss", "manager", password=PASSWORD)
    add_user(engine, "ash", "partnership", password=PASSWORD, area="ASH")
    yield engine, url
    engine.dispose()


@pytest.fixture(scope="module")
def reports(store) -> dict[tuple[str, str, str], bytes]:
    """(reader, area, format) → the report bytes."""
    engine, _ = store
    out = {}
    for who, account, area in (("manager", MANAGER, "BRK"), ("partner", ASH, "ASH")):
        data = ScopedData(engine, account, default_catalogue())
        for fmt in FORMATS:
            out[(who, area, fmt)] = data.report(area, fmt=fmt)
    return out


class _Fetches(HTMLParser):
    """Every address a browser would fetch: src, href, srcset, poster, data attributes,
    and url(...) / @import in styles."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"src", "href", "xlink:href", "srcset", "poster", "data", "action"} and (
                value
            ):
                self.found.append(value)
            if name == "style" and value:
                self.found += re.findall(r"url\(([^)]*)\)", value)

    def handle_data(self, data):
        self.found += re.findall(r"url\(([^)]*)\)|@import\s+['\"]?([^'\";]+)", data)


def _text_of_pdf(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _text_of_pptx(data: bytes) -> str:
    prs = Presentation(io.BytesIO(data))
    parts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def text_of(fmt: str, data: bytes) -> str:
    if fmt == "pdf":
        return _text_of_pdf(data)
    if fmt == "pptx":
        return _text_of_pptx(data)
    return data.decode("utf-8")


def test_the_html_report_fetches_nothing_and_shows_the_verdict(reports):
    html = reports[("manager", "BRK", "html")].decode("utf-8")
    parser = _Fetches()
    parser.feed(html)
    fetched = [str(u) for u in parser.found if u]
    assert not [u for u in fetched if re.search(r"(?i)\b(https?:)?//", u)], fetched
    assert all(u.startswith(("data:", "#")) for u in fetched), fetched
    assert "Verdict: Not yet ready" in html
    assert "Decided by" in html and "Distrust between key sectors" in html
    assert '<meta name="viewport"' in html  # readable on a phone
    assert "@page" in html and "@media print" in html  # printable on A4


def test_the_pdf_holds_the_verdict_the_decided_by_line_and_the_area(reports):
    text = _text_of_pdf(reports[("manager", "BRK", "pdf")])
    assert "Brookfield (BRK), wave 2025-1" in text
    assert "Verdict: Not yet ready" in text
    assert "Decided by the critical gate" in text
    assert re.search(r"Page 1 of \d+", text)  # page numbers in the footer
    assert "Sharing Readiness staff survey 1.0.0" in text  # instrument versions
    reader = PdfReader(io.BytesIO(reports[("manager", "BRK", "pdf")]))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (
        210,
        297,
    )  # A4


def test_the_slides_open_and_hold_the_verdict_slide(reports):
    prs = Presentation(io.BytesIO(reports[("manager", "BRK", "pptx")]))
    assert len(prs.slides) >= 8
    titles = [
        next((sh.text_frame.text for sh in s.shapes if sh.has_text_frame), "") for s in prs.slides
    ]
    assert any(t.startswith("Verdict: Not yet ready") for t in titles)
    text = _text_of_pptx(reports[("manager", "BRK", "pptx")])
    for heading in ("Pillars", "Trust between sectors", "Weakest links", "Change across waves"):
        assert heading in text
    assert "Decided by the critical gate" in text


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_partnership_report_names_no_other_area(reports, fmt):
    text = text_of(fmt, reports[("partner", "ASH", fmt)])
    assert "Ashvale (ASH)" in text
    others = {code: name for code, name in AREAS.items() if code != "ASH"}
    leaked = [c for c in others if re.search(rf"\b{c}\b", text)]
    leaked += [n for n in others.values() if n in text]
    assert not leaked


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_partnership_member_cannot_make_another_areas_report(store, fmt):
    engine, _ = store
    with pytest.raises(AccessDenied):
        ScopedData(engine, ASH, default_catalogue()).report("BRK", fmt=fmt)


def test_quotes_are_for_managers_only(reports):
    assert "Interview quotes (engagement managers only)" in text_of(
        "html", reports[("manager", "BRK", "html")]
    )
    assert "Interview quotes" not in text_of("html", reports[("partner", "ASH", "html")])


def test_every_report_is_audited(store, reports):
    engine, _ = store
    log = audit.entries(engine, action="export")
    made = log[log["detail"].str.contains("report")]
    assert len(made) >= 2 * len(FORMATS)
    assert set(made["actor"]) >= {"boss", "ash"}
    assert set(made["area"]) >= {"BRK", "ASH"}


def test_a_report_with_suppressed_cells_says_so_and_hides_their_figures(store, monkeypatch):
    """With a minimum group of 8, some of Brookfield's trust cells are hidden: the report
    says "suppressed" there, and no hidden cell's own figure is in its matrix."""
    engine, _ = store
    monkeypatch.setenv("READINESS_MIN_GROUP", "8")
    data = ScopedData(engine, MANAGER, default_catalogue())
    disclosed = data.profile("BRK")
    hidden = disclosed.trust_status.isin(["small", "complementary"])
    assert hidden.to_numpy().any()
    content = data.report_content("BRK")
    matrix = content.trust[0]
    assert matrix.values[hidden].isna().all().all()  # nothing hidden reaches the writers
    html = FORMATS["html"].write(content).decode("utf-8")
    first = html.split('<table class="matrix">', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<td [^>]*>([^<]*)</td>", first)
    assert "suppressed" in cells
    (undisclosed,) = [
        p for p in load_profiles(engine, default_catalogue(), ["BRK"]) if p.wave == "2025-1"
    ]
    raw = undisclosed.trust.mean
    shown = {c for c in cells if c and c != "suppressed"}
    values = pd.Series(
        {(r, t): f"{raw.loc[r, t]:.2f}" for r in raw.index for t in raw.columns if hidden.loc[r, t]}
    ).dropna()
    visible = {f"{x:.2f}" for x in disclosed.trust_mean.stack().dropna()}
    assert not (set(values) - visible) & shown  # a hidden cell's figure shows nowhere else
    pdf_text = _text_of_pdf(FORMATS["pdf"].write(content))
    assert "suppressed" in pdf_text


def test_without_pango_a_pdf_is_refused_with_what_to_install(monkeypatch):
    def broken():
        raise ReportUnavailable(pdf_writer.NEEDS)

    monkeypatch.setattr(pdf_writer, "_weasyprint", broken)
    pdf_writer.unavailable.cache_clear()
    try:
        assert "apt-get install libpango" in pdf_writer.unavailable()
        with pytest.raises(ReportUnavailable, match="Pango"):
            pdf_writer.pdf_bytes(None)
    finally:
        pdf_writer.unavailable.cache_clear()


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
def cli(store, monkeypatch):
    _, url = store
    monkeypatch.setenv("READINESS_DATABASE_URL", url)
    monkeypatch.setenv("READINESS_PASSWORD", PASSWORD)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def test_cli_report_of_an_area(cli, tmp_path):
    out = tmp_path / "brk.pdf"
    result = cli("report", "BRK", "--format", "pdf", "--out", str(out), "--user", "boss")
    assert result.exit_code == 0, result.output
    assert "Brookfield" in _text_of_pdf(out.read_bytes())


def test_cli_report_refuses_another_area_to_a_partnership_member(cli, tmp_path):
    out = tmp_path / "brk.html"
    result = cli("report", "BRK", "--format", "html", "--out", str(out), "--user", "ash")
    assert result.exit_code == 1
    assert "you do not have access to that area" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_cli_report_all_writes_one_file_per_visible_area(cli, tmp_path):
    out: Path = tmp_path / "all"
    result = cli("report", "--all", "--format", "html", "--out", str(out), "--user", "ash")
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["readiness_ASH.html"]
