"""The report's section "Udsigt" in every file: the coming lists' probabilities, the calibration
verdict with its reasons, the sheet of probabilities; only in a report of the latest list
year; the same bytes for the same inputs (the outlook's seed is fixed)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from pypdf import PdfReader

import boligmonitor as bm
from boligmonitor.report import build_report, render_all

DATE = "2025-12-01"


@pytest.fixture(scope="module")
def rendered():
    content = build_report(bm.example_data(), date=DATE, outlook_draws=300)
    return content, render_all(content, images={})


def test_the_latest_report_has_the_outlook_with_its_verdict_in_the_html(rendered):
    content, files = rendered
    o = content.outlook
    assert o is not None and o.table is not None
    assert o.table.columns[1:6] == ("2026", "2027", "2028", "2029", "2030")
    assert len(o.table.rows) == 5
    html = files["report.html"].decode("utf-8")
    assert '<section id="outlook">' in html and 'href="#outlook"' in html
    assert "Udsigt: de kommende lister" in html
    # the example data's smooth invented series: the method says it is not calibrated on them
    assert 'data-calibrated="false"' in html and "ikke kalibreret" in html
    for row in o.table.rows:
        assert row[0].text in html


def test_the_workbook_has_the_probabilities_and_the_pdf_the_section(rendered):
    content, files = rendered
    wb = openpyxl.load_workbook(io.BytesIO(files["tables.xlsx"]))
    assert "Udsigt" in wb.sheetnames
    ws = wb["Udsigt"]
    header = [c.value for c in ws[2]]
    assert header[:6] == ["Område-id", "Område", "Listeår", "Scenarie", "Kategori",
                          "Sandsynlighed"]
    probs = [r[5] for r in ws.iter_rows(min_row=3, values_only=True)]
    assert len(probs) == len(content.outlook.table.rows) * 5 * 5  # area, year, category
    assert all(isinstance(p, int | float) and 0 <= p <= 1 for p in probs)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(files["report.pdf"])).pages)
    assert "Udsigt: de kommende lister" in text and "kalibreret" in text


def test_the_decks_outlook_slide_says_where_the_reasons_are(rendered):
    from pptx import Presentation

    content, files = rendered
    slide = list(Presentation(io.BytesIO(files["briefing.pptx"])).slides)[-1]
    texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
    (note,) = [t for t in texts if "kalibreret" in t]
    assert note.startswith(content.outlook.notes[0])  # the verdict, "... Hvorfor:"
    assert note.endswith("se rapportens afsnit »Udsigt: de kommende lister«.")


def test_a_report_of_an_earlier_list_year_has_no_outlook():
    content = build_report(bm.example_data(), list_year=2019, date=DATE, outlook_draws=50)
    assert content.outlook is None
    files = render_all(content, images={})
    assert '<section id="outlook">' not in files["report.html"].decode("utf-8")


def test_the_outlook_speaks_the_reports_language_and_repeats_itself():
    content = build_report(bm.example_data(), date=DATE, lang="en", outlook_draws=300)
    assert content.outlook is not None
    assert content.t("sec_outlook") == "Outlook: the coming lists"
    assert content.outlook.notes[0].startswith("Note: the method is not calibrated")
    again = build_report(bm.example_data(), date=DATE, lang="en", outlook_draws=300)
    assert again.outlook == content.outlook


def test_the_plans_scenarios_stand_beside_the_baseline_in_every_file(tmp_path):
    """``report --scenario FILE`` (or the project's plan.scenarios): a table per scenario with
    the difference from the baseline, its probability chart, its rows in the sheet."""
    from pathlib import Path

    from boligmonitor.outlook import read_scenario

    example = Path(__file__).parents[1] / "docs" / "examples" / "helhedsplan_scenario.toml"
    scenario = read_scenario(example)
    content = build_report(bm.example_data(), date=DATE, outlook_draws=300,
                           outlook_scenarios=[scenario])
    o = content.outlook
    assert o is not None and len(o.scenarios) == 1
    (table,) = o.scenarios
    assert "Helhedsplanen" in table.title and len(table.rows) == 5
    assert "outlook-scenario0" in o.chart_keys
    assert "Helhedsplanen" in content.charts["outlook-scenario0"].title
    files = render_all(content, images={})
    assert table.title in files["report.html"].decode("utf-8")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(files["report.pdf"])).pages)
    assert "Helhedsplanen" in text
    ws = openpyxl.load_workbook(io.BytesIO(files["tables.xlsx"]))["Udsigt"]
    assert {r[3] for r in ws.iter_rows(min_row=3, values_only=True)} == {
        "Grundforløb", "Helhedsplanen"}


def test_a_scenario_file_the_report_cannot_read_is_one_line_before_any_work(tmp_path, capsys):
    from boligmonitor.cli import main

    out = tmp_path / "r"
    assert main(["report", "--out", str(out), "--scenario", str(tmp_path / "nowhere.toml")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nowhere.toml: no such file" in err[0]
    assert not out.exists()
