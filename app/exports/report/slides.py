"""The area report as a PowerPoint board pack: title; verdict, what decided it and its
conditions; pillars; the trust heatmap (trust, mutual, asymmetry); weakest links;
confidence about the law; evidence and coverage; change across waves; next steps; a method
note. Text, tables and the trust matrices are native (editable); the pillar and trend
charts are high-resolution images."""

from __future__ import annotations

import io

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from app.exports.report import charts
from app.exports.report.content import ReportContent

WIDE, HIGH = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
INK, MUTED = RGBColor(0x1A, 0x1A, 0x1A), RGBColor(0x55, 0x55, 0x55)
VERDICT_COLOURS = {
    "ready": RGBColor(0x00, 0x9E, 0x73),
    "ready_with_conditions": RGBColor(0x00, 0x72, 0xB2),
    "not_yet_ready": RGBColor(0xD5, 0x5E, 0x00),
    "insufficient_evidence": RGBColor(0x66, 0x66, 0x66),
}


class _Deck:
    def __init__(self, c: ReportContent):
        self.c = c
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDE, HIGH
        self.blank = self.prs.slide_layouts[6]

    def slide(self, title: str):
        s = self.prs.slides.add_slide(self.blank)
        self.text(s, title, MARGIN, Inches(0.3), WIDE - 2 * MARGIN, Inches(0.8), size=26, bold=True)
        footer = (
            f"{self.c.area_name} ({self.c.area}) · wave {self.c.wave} · {self.c.made_on:%d %B %Y}"
        )
        self.text(
            s,
            footer,
            MARGIN,
            HIGH - Inches(0.45),
            WIDE - 2 * MARGIN,
            Inches(0.3),
            size=10,
            colour=MUTED,
        )
        return s

    def text(
        self,
        s,
        text,
        left,
        top,
        width,
        height,
        *,
        size=16,
        bold=False,
        colour=INK,
        bullets: list[str] | None = None,
    ):
        box = s.shapes.add_textbox(left, top, width, height)
        frame = box.text_frame
        frame.word_wrap = True
        lines = [text] if bullets is None else bullets
        for i, line in enumerate(lines):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            run = para.add_run()
            run.text = ("• " + line) if bullets is not None else line
            run.font.size, run.font.bold = Pt(size), bold
            run.font.color.rgb = colour
            para.space_after = Pt(6)
        return box

    def picture(self, s, data: bytes, left, top, *, width=None, height=None):
        return s.shapes.add_picture(io.BytesIO(data), left, top, width=width, height=height)

    def table(self, s, frame: pd.DataFrame, left, top, width, *, size=11, rows: int = 14):
        frame = frame.head(rows)
        if frame.empty:
            return None
        shape = s.shapes.add_table(
            len(frame) + 1,
            len(frame.columns),
            left,
            top,
            width,
            Emu(int(Inches(0.32)) * (len(frame) + 1)),
        )
        grid = shape.table
        for j, name in enumerate(frame.columns):
            self._cell(grid.cell(0, j), str(name), size, bold=True)
        for i, row in enumerate(frame.itertuples(index=False), start=1):
            for j, value in enumerate(row):
                self._cell(grid.cell(i, j), "" if pd.isna(value) else str(value), size)
        return shape

    def matrix(self, s, rows, cols, grid, left, top, width) -> None:
        """A trust matrix as a native table, each cell filled with its colour."""
        if not rows:
            return
        height = min(Inches(5.3), Emu(int(Inches(0.36)) * (len(rows) + 1)))
        shape = s.shapes.add_table(len(rows) + 1, len(cols) + 1, left, top, width, height)
        table = shape.table
        table.first_row = table.first_col = True
        size = 9 if len(cols) > 9 else 10
        self._cell(table.cell(0, 0), "Rater ↓ / rated →", size, bold=True)
        for j, name in enumerate(cols, start=1):
            self._cell(table.cell(0, j), name, size, bold=True)
        for i, (name, line) in enumerate(zip(rows, grid, strict=True), start=1):
            self._cell(table.cell(i, 0), name, size, bold=True)
            for j, cell in enumerate(line, start=1):
                target = table.cell(i, j)
                self._cell(target, cell.text, size - 1 if cell.suppressed else size)
                target.fill.solid()
                target.fill.fore_color.rgb = RGBColor.from_string(cell.fill.lstrip("#").upper())
                for para in target.text_frame.paragraphs:
                    for run in para.runs:
                        run.font.color.rgb = RGBColor.from_string(cell.ink.lstrip("#").upper())

    @staticmethod
    def _cell(cell, text: str, size: int, bold: bool = False) -> None:
        cell.text = text
        for para in cell.text_frame.paragraphs:
            for run in para.runs:
                run.font.size, run.font.bold = Pt(size), bold


def pptx_bytes(c: ReportContent) -> bytes:
    d = _Deck(c)
    body = WIDE - 2 * MARGIN
    top = Inches(1.2)

    s = d.prs.slides.add_slide(d.blank)
    d.text(s, c.product, MARGIN, Inches(1.6), body, Inches(0.6), size=20, colour=MUTED)
    d.text(
        s, f"{c.area_name} ({c.area})", MARGIN, Inches(2.3), body, Inches(1.0), size=40, bold=True
    )
    d.text(
        s,
        f"Readiness report, wave {c.wave} · {c.made_on:%d %B %Y}",
        MARGIN,
        Inches(3.4),
        body,
        Inches(0.6),
        size=20,
    )
    d.text(
        s,
        f"Verdict: {c.statement}",
        MARGIN,
        Inches(4.4),
        body,
        Inches(0.8),
        size=28,
        bold=True,
        colour=VERDICT_COLOURS.get(c.verdict_id, INK),
    )

    s = d.slide(f"Verdict: {c.statement}")
    lines = [c.decided_by] if c.decided_by else []
    if c.conditions:
        lines += [f"Condition: {x}" for x in c.conditions]
    elif c.next_level and c.route:
        lines += [f"To reach {c.next_level}: {x}" for x in c.route]
    d.text(s, "", MARGIN, top, body, Inches(5.5), size=15, bullets=lines + c.reasons[:4])

    s = d.slide("Pillars")
    d.picture(
        s,
        charts.png(charts.scores, c.pillars, c.bands, "Pillar scores"),
        MARGIN,
        top,
        height=Inches(4.6),
    )
    d.text(
        s,
        "Dot: this area's score; line: its 95% interval; black tick: the median of all areas.",
        MARGIN,
        Inches(6.1),
        body,
        Inches(0.5),
        size=12,
        colour=MUTED,
    )

    for m in c.trust:
        s = d.slide(m.title.split(":")[0] + " between sectors")
        d.text(s, m.title, MARGIN, Inches(1.0), body, Inches(0.4), size=12, colour=MUTED)
        d.matrix(s, *charts.matrix_cells(m), MARGIN, Inches(1.5), body)

    s = d.slide("Weakest links")
    d.table(s, c.weakest_links, MARGIN, top, body, size=14)
    d.text(
        s,
        f"Cells with fewer than {c.min_group} raters are suppressed and left out.",
        MARGIN,
        Inches(5.9),
        body,
        Inches(0.5),
        size=12,
        colour=MUTED,
    )

    s = d.slide("Confidence about the law")
    d.text(s, "", MARGIN, top, body, Inches(1.6), size=16, bullets=c.calibration)
    if not c.calibration_table.empty:
        d.table(s, c.calibration_table, MARGIN, Inches(3.0), body, size=11, rows=12)

    s = d.slide("Evidence and coverage")
    d.text(
        s,
        c.counts
        + (f" Key sectors without enough evidence: {c.missing_key}." if c.missing_key else ""),
        MARGIN,
        top,
        body,
        Inches(0.8),
        size=16,
    )
    covered = c.coverage[c.coverage["Survey respondents"] != "0"]
    d.table(s, covered, MARGIN, Inches(2.1), Inches(6.0), size=11)
    if not c.beside.empty:
        d.table(s, c.beside, Inches(6.8), Inches(2.1), Inches(6.0), size=10)

    s = d.slide("Change across waves")
    d.picture(s, charts.png(charts.trend, c.trend, c.bands), MARGIN, top, height=Inches(3.6))
    if not c.change.empty:
        d.table(s, c.change, MARGIN, Inches(4.9), body, size=10)

    if not c.comment_themes.empty:
        s = d.slide("What staff wrote: comment themes")
        d.table(s, c.comment_themes.head(12), MARGIN, top, body, size=10)

    s = d.slide("Action plans")
    d.text(s, c.actions_summary, MARGIN, top, body, Inches(0.6), size=14)
    if not c.actions.empty:
        d.table(s, c.actions.head(12), MARGIN, Inches(2.1), body, size=10)

    s = d.slide("Next steps")
    steps = [f"{about}: {text}" for about, text in c.next_steps] or [
        "Keep doing what works; re-measure in the next wave."
    ]
    d.text(s, "", MARGIN, top, body, Inches(5.5), size=15, bullets=steps)

    s = d.slide("How to read this report")
    d.text(
        s,
        "",
        MARGIN,
        top,
        body,
        Inches(5.5),
        size=13,
        bullets=[*c.method, f"Instruments: {c.versions}."],
    )

    out = io.BytesIO()
    d.prs.save(out)
    return out.getvalue()
