"""The report as an A4 PDF (report.pdf) with page numbers, a table of contents and bookmarks.

Laid out with reportlab (pure pip, no system libraries), in DejaVu Sans, the font matplotlib
ships, so Danish letters and the law's symbols print on any machine. ``invariant`` pins the
document's dates and id, so the same content gives the same bytes.

Every text placed in the PDF goes through :func:`esc` (made visible by
:func:`~boligmonitor.report.safe_text.visible`, then XML-escaped) before reportlab's paragraph
markup sees it: an area name such as ``<img src="/etc/...">`` or ``<a href="...">`` prints as
those characters and does nothing. The table of contents re-parses each entry as markup, so its
entries are escaped again from the heading's plain text (escaped once, unescaped once). Headings
are bounded (:data:`HEADING_MAX` characters) and a table with a very long cell may split that
row across pages, so no input text can make a page overflow.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, unescape

import matplotlib
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from boligmonitor.report.charts import DEFAULT_DPI
from boligmonitor.report.content import SUPPRESSED, VALUE, ReportContent, Shown
from boligmonitor.report.render_html import png_size
from boligmonitor.report.safe_text import visible

FONT, BOLD, ITALIC = "BMDejaVuSans", "BMDejaVuSans-Bold", "BMDejaVuSans-Oblique"
PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
TEXT_W = PAGE_W - 2 * MARGIN
SUPPRESSED_COLOUR = colors.HexColor("#6a3d9a")
MISSING_COLOUR = colors.HexColor("#555555")
FINDING_COLOUR = "#B00020"  # a disagreement with a published list (the display's colour)
FRAME_H = PAGE_H - 2 * MARGIN
# A section (or an area) starts on a new page only where less than this share of the page is
# left: enough for its heading and the start of what follows, never half a page left blank.
NEW_PAGE_BELOW = 0.25
# A heading longer than this is cut (with "…"): it is repeated in the table of contents and the
# bookmarks, where a name of thousands of characters cannot fit a page.
HEADING_MAX = 1000
# A table with a cell longer than this may split a row across pages (reportlab's splitInRow).
# Shorter cells cannot make a row taller than a page (200 characters fill some 25 lines of the
# narrowest column), so ordinary tables keep their rows whole, as before.
LONG_CELL = 200


def esc(text: object) -> str:
    """``text`` as reportlab paragraph markup that shows exactly its characters."""
    return escape(visible(str(text)))


def _bounded(text: str, limit: int = HEADING_MAX) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


@cache
def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold, oblique) with reportlab, once."""
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file in ((FONT, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf"),
                       (ITALIC, "DejaVuSans-Oblique.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(ttf / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC,
                                  boldItalic=BOLD)


@cache
def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, spaceAfter=4)
    return {
        "body": base,
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=22, leading=27,
                                spaceAfter=8),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=11, leading=14,
                                   textColor=MISSING_COLOUR),
        # Headings keep with what follows them: never the last line of a page.
        "h1": ParagraphStyle("h1", base, fontName=BOLD, fontSize=16, leading=20, spaceBefore=6,
                             spaceAfter=8, keepWithNext=1),
        "h2": ParagraphStyle("h2", base, fontName=BOLD, fontSize=13, leading=16, spaceBefore=8,
                             spaceAfter=6, keepWithNext=1),
        "h3": ParagraphStyle("h3", base, fontName=BOLD, fontSize=10.5, leading=13, spaceBefore=6,
                             spaceAfter=3, keepWithNext=1),
        # A line that introduces what follows (an area's status, a change's area): kept with it.
        "lead": ParagraphStyle("lead", base, keepWithNext=1),
        "item": ParagraphStyle("item", base, leftIndent=12),
        "cell": ParagraphStyle("cell", base, fontSize=7.5, leading=9.2, spaceAfter=0),
        "cellr": ParagraphStyle("cellr", base, fontSize=7.5, leading=9.2, spaceAfter=0,
                                alignment=TA_RIGHT),
        "head": ParagraphStyle("head", base, fontName=BOLD, fontSize=7.5, leading=9.2,
                               spaceAfter=0),
        "note": ParagraphStyle("note", base, fontSize=8, leading=10, textColor=MISSING_COLOUR),
        "example": ParagraphStyle("example", base, backColor=colors.HexColor("#fff3cd"),
                                  borderPadding=4, spaceBefore=6, spaceAfter=10),
        "tochead": ParagraphStyle("tochead", base, fontName=BOLD, fontSize=13, leading=16,
                                  spaceBefore=8, spaceAfter=6),
        "toc1": ParagraphStyle("toc1", base, fontSize=10.5, leading=15),
        "toc2": ParagraphStyle("toc2", base, fontSize=9.5, leading=13, leftIndent=14),
    }


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(esc(text), _styles()[style])


def _shown(s: Shown, numeric: bool) -> Paragraph:
    text = esc(s.text)
    if s.state == SUPPRESSED:
        text = f'<font color="#6a3d9a"><i>{text}</i></font>'
    elif s.kind == "finding":
        text = f'<font color="{FINDING_COLOUR}"><b>{text}</b></font>'
    elif s.state != VALUE:
        text = f'<font color="#555555">{text}</font>'
    return Paragraph(text, _styles()["cellr" if numeric and s.kind not in ("text", "year",
                                                                         "finding")
                                      else "cell"])


def fit_widths(data: list[list[Paragraph]], total: float, stretch: int) -> list[float]:
    """Column widths that fit each column's longest word (reportlab splits a word that does
    not fit), with what is left of ``total`` going to column ``stretch``."""
    pad = 6.5  # left and right padding of a cell, and a little air
    need = []
    for j in range(len(data[0])):
        widest = 0.0
        for row in data:
            para = row[j]
            font = BOLD if row is data[0] else FONT
            size = para.style.fontSize
            for word in re.sub(r"<[^>]+>", " ", para.text).split():
                widest = max(widest, stringWidth(unescape(word), font, size))
        # A word wider than half the page (a pathological input text) is split instead.
        need.append(min(widest + pad, total / 2))
    if sum(need) > total:
        # More long words than the page is wide: every column gives up the same share (a word
        # that no longer fits is split), and the table keeps to the page.
        return [w * total / sum(need) for w in need]
    need[stretch] += max(0.0, total - sum(need))
    return need


@dataclass(frozen=True)
class _Group:
    """A row that heads a group of rows (a classification): one cell across the table."""

    text: str


def _table(columns, rows, widths=None, *, fit: bool = False, stretch: int = 1) -> Table:
    data = [[Paragraph(esc(c), _styles()["head"]) for c in columns]]
    groups = []
    for row in rows:
        if isinstance(row, _Group):
            groups.append(len(data))
            data.append([Paragraph(f"<b>{esc(row.text)}</b>", _styles()["cell"])]
                        + [Paragraph("", _styles()["cell"]) for _ in columns[1:]])
            continue
        data.append([c if isinstance(c, Paragraph) else _shown(c, True) for c in row])
    if fit:
        widths = fit_widths([r for i, r in enumerate(data) if i not in groups], TEXT_W, stretch)
    long_cell = any(len(p.text) > LONG_CELL for row in data for p in row
                    if isinstance(p, Paragraph))
    t = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT", splitInRow=int(long_cell))
    t.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor("#bbbbbb")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        *[cmd for i in groups for cmd in (("SPAN", (0, i), (-1, i)),
                                          ("BACKGROUND", (0, i), (-1, i),
                                           colors.HexColor("#f7f7f7")))],
    ]))
    return t


class _Doc(BaseDocTemplate):
    """A4 pages with the example mark and page numbers; headings feed the TOC and bookmarks."""

    def __init__(self, buf, content: ReportContent) -> None:
        super().__init__(
            buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
            bottomMargin=MARGIN, title=visible(content.title), author="boligmonitor",
            subject=visible(content.subtitle), creator="boligmonitor", producer="boligmonitor",
            invariant=1, lang=content.lang,
        )
        self.content = content
        frame = Frame(MARGIN, MARGIN, TEXT_W, PAGE_H - 2 * MARGIN, id="body")
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._decorate)])
        self._n_heading = 0
        self.fills: list[float] = []

    def _decorate(self, canvas, doc) -> None:
        c = self.content
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MISSING_COLOUR)
        canvas.drawString(MARGIN, 10 * mm, visible(f"{c.title} · {c.date}"))
        canvas.drawRightString(PAGE_W - MARGIN, 10 * mm, f"{c.t('page')} {doc.page}")
        if c.is_example:
            canvas.setFillColor(colors.HexColor("#fff3cd"))
            canvas.setStrokeColor(colors.HexColor("#c9a227"))
            mark = visible(c.example_mark)
            w = pdfmetrics.stringWidth(mark, BOLD, 10) + 10
            canvas.rect(PAGE_W - MARGIN - w, PAGE_H - 12 * mm, w, 6 * mm, fill=1, stroke=1)
            canvas.setFillColor(colors.HexColor("#6b4e00"))
            canvas.setFont(BOLD, 10)
            canvas.drawRightString(PAGE_W - MARGIN - 5, PAGE_H - 10.2 * mm, mark)
        canvas.restoreState()

    def afterFlowable(self, flowable) -> None:  # noqa: N802 (reportlab's hook)
        if not isinstance(flowable, Paragraph):
            return
        level = {"h1": 0, "h2": 1}.get(flowable.style.name)
        if level is None:
            return
        text = flowable.getPlainText()
        self._n_heading += 1
        key = f"h{self._n_heading}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
        # The TOC parses its entries as markup again: escape the plain text once more.
        self.notify("TOCEntry", (level, esc(text), self.page, key))

    def handle_documentBegin(self) -> None:  # noqa: N802 (reportlab's hook)
        self._n_heading = 0
        self.fills = []  # each pass of multiBuild lays the pages out again
        super().handle_documentBegin()

    def handle_pageEnd(self) -> None:  # noqa: N802 (reportlab's hook)
        f = self.frame
        top = f._y1 + f._height - f._topPadding
        self.fills.append(round((top - f._y) / (top - f._y1 - f._bottomPadding), 4))
        super().handle_pageEnd()


def _image(png: bytes, max_h: float = 200 * mm) -> Image:
    w, h = png_size(png)
    width, height = w / DEFAULT_DPI * 72, h / DEFAULT_DPI * 72
    scale = min(1.0, TEXT_W / width, max_h / height)
    return Image(io.BytesIO(png), width=width * scale, height=height * scale)


@dataclass(frozen=True)
class PdfLayout:
    """The PDF and how its pages came out: ``fills`` is the share of each page's text frame
    that is used (0-1), page by page."""

    data: bytes
    fills: tuple[float, ...]


def _outlook(c: ReportContent, images: dict[str, bytes], st: dict) -> list:
    """The section "Udsigt": intro, the calibration verdict (marked where the method does not
    hold), the probabilities, the scenarios, the charts."""
    o = c.outlook
    assert o is not None
    story: list = []
    _section(story, c.t("sec_outlook"))
    story.append(_p(o.intro))
    if o.notes:
        color = "#0072B2" if o.is_calibrated else "#D55E00"
        story.append(Paragraph(f'<font color="{color}"><b>{esc(o.notes[0])}</b></font>',
                               st["body"]))
        for n in o.notes[1:]:
            story.append(Paragraph(f"• {esc(n)}", st["item"]))
    for t in ([o.table] if o.table is not None else []) + list(o.scenarios):
        story.append(_p(t.title, "h3"))
        story.append(_table(t.columns, [list(row) for row in t.rows], fit=True, stretch=0))
    for key in o.chart_keys:
        if key in images:
            story.append(KeepTogether([_image(images[key], 150 * mm),
                                       _p(c.charts[key].title, "note")]))
    return story


def render_pdf(content: ReportContent, images: dict[str, bytes]) -> bytes:
    """Return the report as PDF bytes; ``images`` maps chart keys to PNG bytes."""
    return layout_pdf(content, images).data


def _section(story: list, text: str) -> None:
    """A section heading (level 1): on a new page only where little of this one is left."""
    story += [CondPageBreak(NEW_PAGE_BELOW * FRAME_H), _p(text, "h1")]


def layout_pdf(content: ReportContent, images: dict[str, bytes]) -> PdfLayout:
    """Lay the report out as PDF; return the bytes and how full each page is.

    Reading order: summary (table, then the overview charts), the areas (each: its status,
    its values against the lines and the explanation, then its charts), what changed, published
    beside computed, method, glossary. A heading keeps with what follows it (``keepWithNext``);
    a section starts on a new page only where less than :data:`NEW_PAGE_BELOW` of the page is
    left, so no page is left half empty for a short section; a chart keeps with its caption.
    """
    st = _styles()
    c = content
    story: list = [_p(c.title, "title"), _p(c.subtitle, "subtitle")]
    if c.is_example:
        story.append(Paragraph(f"<b>{esc(c.example_mark)}.</b> {esc(c.example_note)}",
                               st["example"]))
    story.append(_p(c.t("toc"), "tochead"))
    toc = TableOfContents()
    toc.levelStyles = [st["toc1"], st["toc2"]]
    story += [toc, PageBreak()]

    # 1. Summary: the table says it once (no sentences repeating it), then the charts.
    story.append(_p(c.t("sec_summary"), "h1"))
    head = c.sheets[0].columns
    rows = []
    for s in c.summary:
        warn = "<br/>".join(f"• {esc(w)}" for w in s.warnings) or esc(c.t("no_warnings"))
        if s.listable_note:
            warn += f'<br/><font color="#555555">{esc(s.listable_note)}</font>'
        rows.append([_p(s.area_name, "cell"), _shown(s.category_shown, False),
                     _shown(s.met_shown, False), _shown(s.residents, True),
                     _shown(s.direction_shown, False), Paragraph(warn, st["cell"])])
    story.append(_table([head[1], head[4], c.t("col_n_met"), head[7], c.t("col_direction"),
                         c.t("col_warnings")], rows,
                        [28 * mm, 27 * mm, 25 * mm, 17 * mm, 18 * mm, TEXT_W - 115 * mm]))
    if c.published.n_compared:
        story.append(_p(c.published.intro, "note"))
    for key in c.overview_chart_keys:
        if key in images:
            story.append(KeepTogether([_image(images[key]), _p(c.charts[key].title, "note")]))

    # The plan's own targets, apart from the list criteria.
    if c.plan is not None:
        _section(story, _bounded(c.plan.title))
        story.append(_p(c.plan.intro, "note"))
        story.append(_table(c.plan.table.columns,
                            [[_shown(x, x.kind not in ("text", "year")) for x in row]
                             for row in c.plan.table.rows], fit=True, stretch=6))
        for key in c.plan.chart_keys:
            if key in images:
                story.append(KeepTogether([_image(images[key]),
                                           _p(c.charts[key].title, "note")]))

    # 2. Areas: the numbers first (status, values against the lines, explanation), then charts.
    _section(story, c.t("sec_areas"))
    # One group of rows per classification (a row across the table names it). The reference
    # values stand in the line's own words ("3 × landsgennemsnittet = 2,02 pct.") and in the
    # method's table of reference values; the workbook has them per row.
    crit_cols = [c.t("col_criterion"), c.sheets[1].columns[5], c.t("col_threshold"),
                 c.t("col_status"), c.t("col_margin"), c.t("col_persons"),
                 c.sheets[1].columns[12]]
    for i, a in enumerate(c.areas):
        if i:
            story.append(CondPageBreak(NEW_PAGE_BELOW * FRAME_H))
        s = a.summary
        story.append(_p(_bounded(s.area_name), "h2"))
        status = f"{s.category} · {s.criteria_met} · {c.t('col_direction')}: {s.direction}"
        if s.listable_note:
            status += f" · {s.listable_note}"
        story.append(_p(status, "lead"))
        story.append(_p(c.t("criteria_table"), "h3"))
        rows: list = []
        group = None
        for ln in a.lines:
            if ln.classification != group:
                group = ln.classification
                rows.append(_Group(group))
            rows.append([_p(ln.criterion, "cell"), _shown(ln.value, True),
                         Paragraph(esc(ln.line_with_operator), st["cellr"]),
                         _shown(ln.status, False), _shown(ln.margin, True),
                         _shown(ln.persons, True), _p(ln.data_years, "cell")])
        story.append(_table(crit_cols, rows, fit=True, stretch=2))
        story.append(_p(c.t("margin_note"), "note"))
        story.append(_p(c.t("explanation"), "h3"))
        story.append(_p(a.explanation))
        for key in a.chart_keys:
            if key in images:
                story.append(KeepTogether([_image(images[key], 150 * mm),
                                           _p(c.charts[key].title, "note")]))

    # 3. Changes
    _section(story, c.t("sec_changes"))
    if c.previous_year is None:
        story.append(_p(c.t("no_previous")))
    else:
        if not c.changes:
            story.append(_p(c.t("no_changes")))
        for ch in c.changes:
            head_txt = f"<b>{esc(ch.area_name)}</b>"
            if ch.is_category_change:
                head_txt += f": {esc(ch.before)} → {esc(ch.after)}"
            story.append(Paragraph(head_txt, st["lead"]))
            for r in ch.reasons:
                story.append(Paragraph(f"• {esc(r)}", st["item"]))
        if c.unchanged:
            story.append(_p(f"{c.t('unchanged')}: {', '.join(c.unchanged)}."))

    # 4. Outlook: the coming lists
    if c.outlook is not None:
        story += _outlook(c, images, st)

    # 5. Published beside computed
    pub = c.published
    _section(story, c.t("sec_published"))
    story.append(_p(pub.intro))
    if pub.findings:
        story.append(Paragraph(f'<font color="{FINDING_COLOUR}"><b>{esc(pub.findings_heading)}'
                               "</b></font>", st["lead"]))
        for f in pub.findings:
            story.append(Paragraph(f"• {esc(f)}", st["item"]))
    if pub.table.rows:
        story.append(_table(pub.table.columns,
                            [[_shown(x, False) for x in row] for row in pub.table.rows],
                            fit=True, stretch=2))

    # 6. Method
    _section(story, c.t("sec_method"))
    story.append(_p(c.t("sec_rules"), "h2"))
    for r in c.method.rules:
        story.append(Paragraph(f"<b>{esc(r.name)}</b> ({esc(r.list_years)}). "
                               f"{esc(r.law)}.", st["lead"]))
        if r.note:
            story.append(_p(r.note, "note"))
        story.append(_table(r.citations.columns,
                            [[_p(x.text, "cell") for x in row] for row in r.citations.rows],
                            [45 * mm, TEXT_W - 45 * mm]))
    m = c.method
    for t, widths in ((m.options, [55 * mm, 45 * mm, TEXT_W - 100 * mm]),
                      (m.data_years, [50 * mm, 70 * mm, TEXT_W - 120 * mm]),
                      (m.references, [14 * mm, 24 * mm, 40 * mm, 22 * mm, TEXT_W - 100 * mm]),
                      (m.sources, [55 * mm, 38 * mm, 14 * mm, TEXT_W - 107 * mm])):
        story.append(_p(t.title, "h2"))
        if t.rows:
            story.append(_table(t.columns, [[_shown(x, True) for x in row] for row in t.rows],
                                widths))
        else:
            story.append(_p(c.t("no_references")))
    story += [_p(c.t("sec_disclosure"), "h2"), _p(m.disclosure)]

    # 7. Glossary
    _section(story, c.t("sec_glossary"))
    for term, text in c.glossary:
        story.append(Paragraph(f"<b>{esc(term)}</b>: {esc(text)}", st["body"]))
    story.append(Spacer(1, 6))

    buf = io.BytesIO()
    doc = _Doc(buf, content)
    with _binary_streams():
        doc.multiBuild(story)
    return PdfLayout(buf.getvalue(), tuple(doc.fills))


@contextlib.contextmanager
def _binary_streams() -> Iterator[None]:
    """Write the PDF's streams compressed but not ASCII85-encoded: reportlab encodes in pure
    Python without its optional accelerator, which took about half of the PDF's time (the
    charts' pixels, twice: the table of contents needs two passes), and made the file larger."""
    before = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = before
