"""The yearly report read page by page as a housing-board member reads it (issue 14; issue 9
point 6; issue 11 goal 3): one language, readings in words with their explanation, jargon
explained, the summary said once, headings kept with what follows them and no half-empty
pages, suppressed statuses and categories marked as suppressed in every file, and the
published lists beside the computation with every disagreement a finding.

One dataset, built to show all of it: the example data with Ringparken shrunk to a handful of
residents in its last data years (its category, statuses and direction are suppressed) and a
published list that differs from the computation (Vestervang 2021). The report is built and
rendered once per language for the module; the tests read the files.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import boligmonitor as bm
from boligmonitor.labels import catalogue, label
from boligmonitor.options import Options, reading_note, reading_value
from boligmonitor.report import build_report
from boligmonitor.report.charts import render_charts
from boligmonitor.report.render_html import render_html
from boligmonitor.report.render_pdf import layout_pdf
from boligmonitor.report.render_pptx import render_pptx
from boligmonitor.report.render_xlsx import render_xlsx
from boligmonitor.report.sections.published import published_section
from report_files import pdf_pages, pptx_texts

DATE = "2025-12-01"
TINY = "viborg-ringparken"
DIFFERS = ("viborg-vestervang", "Vestervang", 2021)
SRC = Path(__file__).resolve().parents[1] / "src" / "boligmonitor"


def reading_data():
    ex = bm.example_data()
    ind = ex.indicators.copy()
    tiny = (ind["area_id"] == TINY) & (ind["year"] >= 2024)
    for col in ("residents", "n_residents_18_64", "n_outside_work_education_18_64",
                "n_residents_18plus", "n_convicted_18plus", "n_residents_30_59",
                "n_basic_education_30_59", "n_non_western"):
        ind.loc[tiny, col] = (ind.loc[tiny, col] / 200).round()
    for share, num, den in (
            ("share_outside_work_education_18_64", "n_outside_work_education_18_64",
             "n_residents_18_64"),
            ("share_convicted_18plus", "n_convicted_18plus", "n_residents_18plus"),
            ("share_basic_education_30_59", "n_basic_education_30_59", "n_residents_30_59"),
            ("share_non_western", "n_non_western", "residents")):
        ind.loc[tiny, share] = ind.loc[tiny, num] / ind.loc[tiny, den]
    mem = ex.memberships.copy()
    extra = mem.iloc[[0]].copy()
    extra[["area_id", "list_year", "category", "source"]] = [
        DIFFERS[0], DIFFERS[2], "udsat_boligomraade", "test: a published list"]
    mem = pd.concat([mem, extra], ignore_index=True)
    return dataclasses.replace(ex, indicators=ind, memberships=mem)


@dataclasses.dataclass
class Rendered:
    content: object
    pages: list[str]  # the PDF's text, page by page
    fills: tuple[float, ...]
    html: str
    workbook: openpyxl.Workbook
    deck: list[str]  # each slide's text


def _render(lang: str, tmp: Path) -> Rendered:
    content = build_report(reading_data(), lang=lang, date=DATE)
    images = render_charts(content)
    pdf = layout_pdf(content, images)
    (tmp / "report.pdf").write_bytes(pdf.data)
    (tmp / "tables.xlsx").write_bytes(render_xlsx(content))
    (tmp / "briefing.pptx").write_bytes(render_pptx(content, images))
    slides = pptx_texts(tmp / "briefing.pptx")
    return Rendered(content, pdf_pages(tmp / "report.pdf"),
                    pdf.fills, render_html(content, images).decode("utf-8"),
                    openpyxl.load_workbook(tmp / "tables.xlsx"), slides)


@pytest.fixture(scope="module")
def da(tmp_path_factory):
    return _render("da", tmp_path_factory.mktemp("reading_da"))


@pytest.fixture(scope="module")
def en(tmp_path_factory):
    return _render("en", tmp_path_factory.mktemp("reading_en"))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _html_text(html: str) -> str:
    return _flat(re.sub(r"<[^>]+>", " ", html.split("<body>", 1)[1]))


# --- 4. the method page speaks the reader's language ------------------------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_reading_in_force_reads_in_words_with_its_explanation(lang, da, en):
    r = {"da": da, "en": en}[lang]
    table = r.content.method.options
    defaults = Options().to_dict()
    assert [row[0].text for row in table.rows] == [label(f"option.{k}", lang) for k in defaults]
    for (name, value), row in zip(defaults.items(), table.rows, strict=True):
        assert row[1].text == reading_value(name, value, lang)
        assert row[2].text == reading_note(name, lang)  # never an empty "Bemærkning"
    pdf, html = _flat(" ".join(r.pages)), _html_text(r.html)
    for python in ("like_criterion", "mean_of_shares", "'published'", "None", "True", "1e-09"):
        assert python not in pdf and python not in html, python
    assert reading_note("history", lang)[:40] in pdf


def test_the_danish_report_carries_no_english_sentence(da):
    pdf, html = _flat(" ".join(da.pages)), _html_text(da.html)
    for english in ("The 2021 law renamed", "Checked:", "One data year, the latest",
                    "like the criterion", "suppressed", "Example data"):
        assert english not in pdf and english not in html, english


# --- 5. jargon is explained -------------------------------------------------------------------


def test_the_jargon_a_board_meets_is_in_the_glossary_or_said_plainly(da, en):
    for r, lang in ((da, "da"), (en, "en")):
        terms = [t for t, _ in r.content.glossary]
        for key in ("undetermined", "suppressed", "margin", "persons", "early_warning",
                    "finding", "reading", "line"):
            assert label(f"glossary_term.{key}", lang) in terms, key
    # The early warning's "met if repeated" is said in plain words where it appears.
    assert label("chart.no_room", "da").replace("\n", " ") == "opfyldt, hvis tallet gentager sig"
    every_text = " ".join(v["da"] for v in catalogue().values())
    assert "ved gentagelse" not in every_text and "ved gentagelse" not in " ".join(da.pages)


# --- 7. the summary says it once --------------------------------------------------------------


def test_the_summary_table_is_not_repeated_as_lines_of_text(da):
    pdf = _flat(" ".join(da.pages))
    html = _html_text(da.html)
    for s in da.content.summary:
        assert _flat(s.sentence) not in pdf and _flat(s.sentence) not in html


# --- 8. headings with what follows them; no half-empty pages ---------------------------------


def _body_lines(page: str, content) -> list[str]:
    """A page's text without its running header and footer."""
    skip = (content.example_mark, f"{content.title} · {content.date}")
    return [ln for ln in page.splitlines() if ln.strip() and not ln.startswith(skip)
            and not re.fullmatch(rf"{content.t('page')} \d+", ln.strip())]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_no_heading_is_left_at_the_bottom_of_a_page(lang, da, en):
    r = {"da": da, "en": en}[lang]
    c = r.content
    headings = {c.t(k) for k in ("sec_summary", "sec_areas", "sec_changes", "sec_published",
                                 "sec_method", "sec_glossary", "criteria_table", "explanation",
                                 "sec_rules", "sec_disclosure")}
    headings |= {a.summary.area_name for a in c.areas}
    headings |= {t.title for t in (c.method.options, c.method.data_years, c.method.references,
                                   c.method.sources)}
    for i, page in enumerate(r.pages[1:], start=2):
        lines = _body_lines(page, c)
        assert lines, f"page {i} is empty"
        assert lines[-1].strip() not in headings, (i, lines[-1])


@pytest.mark.parametrize("lang", ["da", "en"])
def test_no_page_but_the_last_is_half_empty(lang, da, en):
    r = {"da": da, "en": en}[lang]
    assert len(r.fills) == len(r.pages)
    # The contents page stands alone; the glossary may end where it ends.
    thin = [(i, f) for i, f in enumerate(r.fills[1:-1], start=2) if f < 0.5]
    assert not thin, thin


# --- 3. a suppressed status, category or direction is marked as suppressed -------------------


def test_suppressed_statuses_categories_and_directions_look_suppressed_in_every_file(da):
    ring = next(a for a in da.content.areas if a.summary.area_id == TINY)
    s = ring.summary
    assert (s.category_shown.state, s.met_shown.state, s.direction_shown.state) == (
        "suppressed",) * 3
    assert ring.lines and {ln.status.state for ln in ring.lines} == {"suppressed"}
    # Workbook: the same style as a suppressed number, never plain text.
    scores = da.workbook["Resultater"]
    heads = [c.value for c in scores[2]]
    row = next(r for r in scores.iter_rows(min_row=3) if r[0].value == TINY)
    styled = [row[heads.index(h)] for h in (label("column.category"), "Kriterier opfyldt",
                                            "Udvikling siden sidste år")]
    number = row[heads.index(label("column.residents"))]
    assert number.value == "diskretioneret" and number.font.i
    for cell in styled:
        assert cell.value.lower() == "diskretioneret"
        assert cell.font.i and cell.font.color.rgb == number.font.color.rgb
        assert cell.fill.fgColor.rgb == number.fill.fgColor.rgb
    crit = da.workbook["Kriterier"]
    heads = [c.value for c in crit[2]]
    statuses = [r[heads.index("Status")] for r in crit.iter_rows(min_row=3)
                if r[0].value == TINY and r[heads.index("Listeår")].value == 2025]
    assert statuses and all(c.value == "diskretioneret" and c.font.i for c in statuses)
    # HTML: the cells carry the suppressed state like a suppressed number.
    summary = da.html.split('data-area-id="viborg-ringparken"', 1)[1].split("</tr>", 1)[0]
    assert summary.count('data-state="suppressed"') >= 4
    assert "Diskretioneret" in next(t for t in da.deck if t.startswith("Ringparken"))


# --- 2. the crime line in the text reads as in the charts ----------------------------------


def test_the_crime_line_reads_as_its_relation_and_value_in_the_text(da, en):
    assert "mindst 3 × landsgennemsnittet = 2,02 pct." in _flat(" ".join(da.pages))
    assert "at least 3 × the national average = 2.02%" in _flat(" ".join(en.pages))
    ring = next(a for a in da.content.areas if a.summary.area_id == "viborg-houlkaervaenget")
    crime = next(ln for ln in ring.lines if ln.criterion_id == "crime")
    assert crime.line == "3 × landsgennemsnittet = 2,02 pct."


# --- A. published beside computed ----------------------------------------------------------


def test_the_report_shows_the_published_lists_beside_the_computation(da):
    pub = da.content.published
    _area_id, name, year = DIFFERS
    assert pub.n_differ == 1 and pub.n_compared == len(pub.table.rows) > 30
    finding = "Vestervang 2021: beregnet Ikke på en liste, offentliggjort Udsat boligområde"
    assert pub.findings == (finding,)
    pdf, html = _flat(" ".join(da.pages)), _html_text(da.html)
    for text in (finding, label("report.sec_published"), pub.findings_heading):
        assert text in pdf and text in html, text
    assert 'id="published"' in da.html and "#published" in da.html
    # Every covered area-year, both categories side by side.
    row = next(r for r in pub.table.rows if r[0].raw == year and r[1].text == name)
    assert [c.text for c in row[2:]] == ["Ikke på en liste", "Udsat boligområde",
                                         "≠ afviger (et fund)"]
    ws = da.workbook[label("report.sheet_published")]
    heads = [c.value for c in ws[2]]
    assert heads == list(pub.table.columns)
    cells = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert [year, name, "Ikke på en liste", "Udsat boligområde", "≠ afviger (et fund)"] in cells
    assert any(finding in t for t in da.deck)
    assert "afviger" in da.deck[0]  # the overview slide says it


def test_an_area_too_small_to_be_listed_says_what_it_would_be():
    areas = pd.DataFrame({
        "area_id": ["a"], "area_name": ["Lillevang"], "list_year": [2021],
        "category": ["none"], "category_if_listable": ["udsat_boligomraade"],
        "is_listable": [False], "published_category": ["none"],
        "agrees_with_published": [True]})
    pub = published_section(areas, 2025, "da", {"sec_published": "x"})
    (row,) = pub.table.rows
    assert row[2].text == ("Ikke på en liste (under 1.000 beboere; med mindst 1.000 ville det "
                           "være udsat boligområde)")
    assert row[4].text == "✓ stemmer"


# --- B. one formatter -------------------------------------------------------------------------


def test_no_presentation_module_formats_a_number_itself():
    """Every number a person reads is written by boligmonitor.formatting: no format spec in an
    f-string or a format() call in the charts, the report, the deck, the display or the CLI."""
    places = [SRC / "style.py", SRC / "display.py", SRC / "summary.py",
              *sorted((SRC / "cli").glob("*.py")), *sorted((SRC / "plots").glob("*.py")),
              *sorted((SRC / "report").rglob("*.py"))]
    found = []
    for path in places:
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
                found.append(f"{path.name}:{node.lineno}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "format" and len(node.args) > 1):
                found.append(f"{path.name}:{node.lineno}")
    assert not found, found
    for name in ("fmt_number", "fmt_pct", "fmt_value", "fmt_margin", "fmt_kr", "fmt_pp"):
        assert not hasattr(__import__("boligmonitor.style", fromlist=["x"]), name), name
