"""The board deck (briefing.pptx): an overview slide, one slide per area with its chart and
status, and a slide of what changed since last year's list.

python-pptx, 16:9. Every slide carries the example-data mark when the example data is used.
Text is set as text runs (never fields or formulas), so input text stays inert; characters the
file format forbids (control characters) or that would reorder the slide's text (bidi
overrides) are made visible first (:func:`~boligmonitor.report.safe_text.visible`). Dates and zip
entries are pinned (:func:`~boligmonitor.io.zipfix.pin_zip`): the same content gives the
same bytes.
"""

from __future__ import annotations

import datetime as dt
import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Pt

from boligmonitor.io.zipfix import pin_zip
from boligmonitor.labels import label, label_n
from boligmonitor.report.content import SUPPRESSED, ReportContent
from boligmonitor.report.render_html import png_size
from boligmonitor.report.safe_text import visible

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 16:9, 13.333 x 7.5 in
MARGIN = Emu(457200)  # 0.5 in
GREY = RGBColor(0x55, 0x55, 0x55)
PURPLE = RGBColor(0x6A, 0x3D, 0x9A)
RED = RGBColor(0xB0, 0x00, 0x20)


def _text(slide, left, top, width, height, lines, size=14, bold_first=False, color=None):
    box = slide.shapes.add_textbox(left, top, width, height)
    tf = box.text_frame
    tf.word_wrap = True
    for i, line in enumerate(lines):
        para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = para.add_run()
        run.text = visible(str(line))
        run.font.size = Pt(size)
        run.font.bold = bold_first and i == 0
        if color is not None:
            run.font.color.rgb = color
    return box


def _title(slide, text: str) -> None:
    _text(slide, MARGIN, Emu(300000), WIDTH - 2 * MARGIN - Emu(2200000), Emu(700000), [text],
          size=26, bold_first=True)


def _mark(slide, content: ReportContent, number: int) -> None:
    if content.is_example:
        box = _text(slide, WIDTH - MARGIN - Emu(2000000), Emu(250000), Emu(2000000),
                    Emu(400000), [content.example_mark], size=14, bold_first=True)
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor(0xFF, 0xF3, 0xCD)
    footer = f"{content.title} · {content.date} · {number}"
    if content.is_example:
        footer += f" · {content.example_mark}"
    _text(slide, MARGIN, HEIGHT - Emu(450000), WIDTH - 2 * MARGIN, Emu(300000), [footer],
          size=9, color=GREY)


def _picture(slide, png: bytes, left, top, max_w, max_h) -> None:
    w, h = png_size(png)
    scale = min(max_w / w, max_h / h)
    slide.shapes.add_picture(io.BytesIO(png), left, top, int(w * scale), int(h * scale))


def _outlook_slide(slide, c: ReportContent, images: dict[str, bytes], number: int) -> None:
    o = c.outlook
    assert o is not None
    _title(slide, c.t("outlook_slide"))
    _mark(slide, c, number)
    top = Emu(1100000)
    notes = list(o.notes[:1])
    if len(o.notes) > 1:  # the verdict ends "Why:"; its reasons are the report's, not the slide's
        notes = [f"{o.notes[0]} {c.t('outlook_slide_why').format(section=c.t('sec_outlook'))}"]
    if o.table is not None:
        t = o.table
        rows = len(t.rows) + 1
        has_chart = "outlook" in images
        table_w = (WIDTH - 2 * MARGIN) * (0.5 if has_chart else 1.0)
        shape = slide.shapes.add_table(rows, len(t.columns), MARGIN, top, int(table_w),
                                       Emu(330000 * rows))
        for j, h in enumerate(t.columns):
            shape.table.cell(0, j).text = visible(h)
        for i, row in enumerate(t.rows, start=1):
            for j, v in enumerate(row):
                shape.table.cell(i, j).text = visible(v.text)
        for r in shape.table.rows:
            for cell in r.cells:
                for para in cell.text_frame.paragraphs:
                    for run in para.runs:
                        run.font.size = Pt(11)
        if has_chart:
            _picture(slide, images["outlook"], MARGIN + int(table_w) + Emu(150000), top,
                     WIDTH - 2 * MARGIN - int(table_w) - Emu(150000), HEIGHT - Emu(2900000))
        top = top + Emu(330000 * rows) + Emu(200000)
    else:
        notes.insert(0, o.intro)
    color = None if o.is_calibrated else RGBColor(0xD5, 0x5E, 0x00)
    _text(slide, MARGIN, max(top, HEIGHT - Emu(1500000)), WIDTH - 2 * MARGIN, Emu(900000),
          notes, size=12, color=color)


def render_pptx(content: ReportContent, images: dict[str, bytes]) -> bytes:
    """Return the deck as bytes; ``images`` maps chart keys to PNG bytes."""
    c = content
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    blank = prs.slide_layouts[6]
    number = 0

    # Overview: the summary table (and the overview chart beside it, where there is one).
    number += 1
    slide = prs.slides.add_slide(blank)
    _title(slide, f"{c.t('overview_slide')}: {c.title}")
    _mark(slide, c, number)
    has_chart = "overview" in images
    table_w = (WIDTH - 2 * MARGIN) * (0.55 if has_chart else 1.0)
    heads = [c.sheets[0].columns[1], c.sheets[0].columns[4], c.t("col_n_met"),
             c.t("col_direction")]
    rows = len(c.summary) + 1
    shape = slide.shapes.add_table(rows, len(heads), MARGIN, Emu(1150000), int(table_w),
                                   Emu(370000 * rows))
    table = shape.table
    for j, h in enumerate(heads):
        table.cell(0, j).text = visible(h)
    for i, s in enumerate(c.summary, start=1):
        for j, v in enumerate((s.area_name, s.category, s.criteria_met, s.direction)):
            table.cell(i, j).text = visible(v)
    for row in table.rows:
        for cell in row.cells:
            for para in cell.text_frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(12)
    if has_chart:
        _picture(slide, images["overview"], MARGIN + int(table_w) + Emu(150000), Emu(1150000),
                 WIDTH - 2 * MARGIN - int(table_w) - Emu(150000), HEIGHT - Emu(1800000))
    # Published beside computed, in one line under the table (and each finding on a slide).
    pub = c.published
    if pub.n_compared:
        line = c.t("deck_published").format(
            compared=label_n("summary.area_years", pub.n_compared, c.lang).format(
                n=pub.n_compared),
            differ=label_n("report.published_differ", pub.n_differ, c.lang).format(
                n=pub.n_differ).rstrip("."))
        _text(slide, MARGIN, Emu(1150000 + 370000 * rows + 150000), int(table_w),
              Emu(600000), [line], size=12, color=RED if pub.n_differ else GREY)

    # One slide per area.
    for a in c.areas:
        number += 1
        s = a.summary
        slide = prs.slides.add_slide(blank)
        _title(slide, s.area_name)
        _mark(slide, c, number)
        key = next((k for k in a.chart_keys if k in images), None)
        text_left = MARGIN
        if key is not None:
            _picture(slide, images[key], MARGIN, Emu(1100000), Emu(5600000),
                     HEIGHT - Emu(1700000))
            text_left = MARGIN + Emu(5800000)
        lines = [s.category, s.criteria_met, f"{c.t('col_direction')}: {s.direction}"]
        if s.listable_note:
            lines.append(s.listable_note)
        for ln in a.lines:
            if ln.is_met:
                lines.append(f"✔ {ln.criterion} ({ln.classification}): {ln.value.text} "
                             f"({ln.line_with_operator})")
        lines.extend(f"⚠ {w}" for w in s.warnings)
        if any(ln.value.state == SUPPRESSED for ln in a.lines):
            lines.append(f"{c.t('sec_disclosure')}: {label('text.suppressed', c.lang)}")
        _text(slide, text_left, Emu(1100000), WIDTH - text_left - MARGIN, HEIGHT - Emu(1700000),
              lines, size=15, bold_first=True)

    # Every disagreement with a published list, as a finding.
    if pub.findings:
        number += 1
        slide = prs.slides.add_slide(blank)
        _title(slide, c.t("sec_published"))
        _mark(slide, c, number)
        _text(slide, MARGIN, Emu(1150000), WIDTH - 2 * MARGIN, HEIGHT - Emu(1800000),
              [pub.findings_heading, *(f"≠ {f}" for f in pub.findings)], size=16,
              bold_first=True)

    # The plan's own targets: one slide, apart from the list criteria.
    if c.plan is not None:
        number += 1
        slide = prs.slides.add_slide(blank)
        _title(slide, c.plan.title)
        _mark(slide, c, number)
        key = next((k for k in c.plan.chart_keys if k in images), None)
        text_left = MARGIN
        if key is not None:
            _picture(slide, images[key], MARGIN, Emu(1100000), Emu(5600000),
                     HEIGHT - Emu(1700000))
            text_left = MARGIN + Emu(5800000)
        lines = [c.plan.intro]
        for row in c.plan.table.rows:
            area, indicator, target, _, latest, _, status = (x.text for x in row)
            lines.append(f"{area}, {indicator}: {target}; {latest}. {status}")
        _text(slide, text_left, Emu(1100000), WIDTH - text_left - MARGIN, HEIGHT - Emu(1700000),
              lines, size=12)


    # What changed.
    number += 1
    slide = prs.slides.add_slide(blank)
    _title(slide, c.t("changes_slide"))
    _mark(slide, c, number)
    lines: list[str] = []
    if c.previous_year is None:
        lines.append(c.t("no_previous"))
    else:
        for ch in c.changes:
            head = ch.area_name + (f": {ch.before} → {ch.after}" if ch.is_category_change else "")
            lines.append(head)
            lines.extend(f"   • {r}" for r in ch.reasons)
        if not c.changes:
            lines.append(c.t("no_changes"))
        if c.unchanged:
            lines.append(f"{c.t('unchanged')}: {', '.join(c.unchanged)}.")
    _text(slide, MARGIN, Emu(1150000), WIDTH - 2 * MARGIN, HEIGHT - Emu(1800000), lines,
          size=14)

    # The coming lists: the probabilities, the calibration verdict, the chart.
    if c.outlook is not None:
        number += 1
        _outlook_slide(prs.slides.add_slide(blank), c, images, number)

    props = prs.core_properties
    day = dt.datetime.fromisoformat(c.date)
    props.title = visible(c.title)
    props.author = props.last_modified_by = "boligmonitor"
    props.created = props.modified = day
    props.revision = 1
    buf = io.BytesIO()
    prs.save(buf)
    return pin_zip(buf.getvalue(), c.date)
