"""The yearly report: content, the four files, disclosure control, injection, determinism.

Each report is rendered once per module (fixtures below) and read back by every test.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from pypdf import PdfReader

import boligmonitor as bm
from boligmonitor import formatting
from boligmonitor.cli import main
from boligmonitor.datasets import dataset_from_tables
from boligmonitor.errors import ReportError
from boligmonitor.report import REPORT_FILES, build_report, render_all, write_report
from boligmonitor.report.build import show_value
from boligmonitor.report.charts import chart_png, render_charts
from boligmonitor.report.render_html import png_size
from report_files import pdf_pages, pptx_texts, sheet_frame, xlsx_values

DATE = "2025-12-01"
SCRIPT_NAME = "<script>alert(1)</script>"
FORMULA_NAME = '=HYPERLINK("http://example.invalid","klik")'
FORMULA_SOURCE = "@SUM(1+1)"
MINUS_SOURCE = "-2+3"
CHROMIUM = Path("/usr/bin/chromium")


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_report(tmp_path_factory):
    data = bm.example_data()
    content = build_report(data, date=DATE)
    out = tmp_path_factory.mktemp("example") / "2025"
    images = render_charts(content)
    paths = write_report(content, out, images=images)
    return content, out, paths, images


def hostile_data():
    """The example tables with a script-tag area name, formula-like texts and small counts:
    Ringparken has 2 convicted persons every year and only 3 residents 30-59 without basic
    schooling only (a small complement)."""
    ex = bm.example_data()
    ind = ex.indicators.copy()
    ind.attrs = {}
    ind["area_name"] = ind["area_name"].astype(str)
    ind.loc[ind["area_id"] == "viborg-vestervang", "area_name"] = SCRIPT_NAME
    ind.loc[ind["area_id"] == "viborg-klostervaenget", "area_name"] = FORMULA_NAME
    ring = ind["area_id"] == "viborg-ringparken"
    ind.loc[ring, "n_convicted_18plus"] = 2.0
    ind.loc[ring, "share_convicted_18plus"] = 2.0 / ind.loc[ring, "n_residents_18plus"]
    ind.loc[ring, "n_basic_education_30_59"] = ind.loc[ring, "n_residents_30_59"] - 3
    ind.loc[ring, "share_basic_education_30_59"] = (
        ind.loc[ring, "n_basic_education_30_59"] / ind.loc[ring, "n_residents_30_59"])
    refs = ex.references.copy()
    refs.attrs = {}
    refs["source"] = refs["source"].astype(str)
    refs.loc[refs["indicator"] == "share_convicted_18plus", "source"] = FORMULA_SOURCE
    refs.loc[refs["indicator"] == "mean_gross_income_15_64", "source"] = MINUS_SOURCE
    mem = ex.memberships.copy()
    mem.attrs = {}
    return dataset_from_tables(indicators=ind, references=refs, memberships=mem)


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    data = hostile_data()
    content = build_report(data, date=DATE)
    out = tmp_path_factory.mktemp("hostile") / "report"
    write_report(content, out)
    return data, content, out


# --- reading the files back --------------------------------------------------------------------


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        self.tags.append((tag, d))
        if "id" in d:
            self.ids.add(d["id"])

    def handle_data(self, data):
        self.text.append(data)


def parse_html(path: Path) -> _Html:
    p = _Html()
    p.feed(path.read_text(encoding="utf-8"))
    return p




# --- the example report ------------------------------------------------------------------------


def test_the_report_writes_the_four_files(example_report):
    _, out, paths, _ = example_report
    assert [p.name for p in paths] == list(REPORT_FILES)
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]


def test_the_html_names_every_area_the_list_year_the_method_and_the_example_mark(
        example_report):
    _content, out, _, _ = example_report
    html = parse_html(out / "report.html")
    text = " ".join(html.text)
    for name in bm.example_data().indicators["area_name"].unique():
        assert name in text
    area_ids = {d.get("data-area-id") for _, d in html.tags if d.get("data-area-id")}
    assert area_ids == set(bm.example_data().indicators["area_id"].unique())
    assert "2025" in text and "listeåret 2025" in text
    assert {"summary", "areas", "changes", "method", "glossary", "sources"} <= html.ids
    assert "Metode" in text and "Almenboligloven" in text
    assert text.count("Eksempeldata") >= 2
    assert any(d.get("class") == "example-mark" for _, d in html.tags)
    for sha in bm.example_data().sources["sha256"]:
        assert sha in text


def test_the_html_loads_nothing_from_the_network_and_runs_no_script(example_report):
    _, out, _, _ = example_report
    html = parse_html(out / "report.html")
    assert not [t for t, _ in html.tags if t in ("script", "link", "iframe", "object")]
    srcs = [d["src"] for t, d in html.tags if t == "img"]
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert len(srcs) == len(example_report[0].charts) > 0


def test_the_pdf_has_a_contents_page_numbers_and_the_example_mark_on_every_page(example_report):
    content, out, _, _ = example_report
    pages = pdf_pages(out / "report.pdf")
    assert len(pages) > 5
    assert "Indhold" in pages[0]
    for i, page in enumerate(pages, start=1):
        assert "Eksempeldata" in page, f"page {i} lacks the example mark"
        assert f"Side {i}" in page
    whole = "\n".join(pages)
    for s in content.summary:
        assert s.area_name in whole
    assert "Metode" in whole and "Ordliste" in whole and "SHA-256" in whole
    reader = PdfReader(out / "report.pdf")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert [o.title for o in reader.outline if not isinstance(o, list)][:2] == [
        "Sammenfatning", "Områderne"]


def test_the_workbook_gives_back_the_scores(example_report):
    _content, out, _, _ = example_report
    wb = openpyxl.load_workbook(out / "tables.xlsx")
    assert wb.sheetnames[:3] == ["Resultater", "Kriterier", "Data"]
    for ws in wb:
        assert ws.freeze_panes == "A3"
        assert str(ws["A1"].value).startswith("Eksempeldata")
    scores = sheet_frame(out / "tables.xlsx", "Resultater")
    result = bm.assess(*(getattr(bm.example_data(), n) for n in
                         ("indicators", "references", "memberships")), list_years=[2025])
    expected = result.areas.set_index("area_id")
    assert set(scores["Område-id"]) == set(expected.index)
    for row in scores.itertuples(index=False):
        assert row[5] == expected.loc[row[0], "n_criteria_met"]
        assert row[7] == expected.loc[row[0], "residents"]
    crit = sheet_frame(out / "tables.xlsx", "Kriterier")
    crit = crit[crit["Listeår"] == 2025]
    exp = result.criteria
    assert len(crit) == len(exp)
    for head, col in (("Værdi", "value"), ("Margin", "margin")):
        got = pd.to_numeric(crit[head], errors="coerce").to_numpy(dtype=float)
        shown = ~np.isnan(got)
        # Cells not shown as numbers are the disclosure mark, never a silent blank.
        assert set(crit.loc[~shown, head]) <= {"diskretioneret", "mangler"}
        assert shown.mean() > 0.8
        np.testing.assert_allclose(got[shown], exp[col].to_numpy()[shown], rtol=1e-12)


def test_the_deck_has_an_overview_a_slide_per_area_a_changes_slide_and_the_outlook(
        example_report):
    content, out, _, _ = example_report
    slides = pptx_texts(out / "briefing.pptx")
    assert content.outlook is not None  # the latest list year: the coming lists follow it
    assert len(slides) == 3 + len(content.areas)
    assert slides[0].startswith("Overblik")
    for s, text in zip(content.summary, slides[1:-2], strict=True):
        assert s.area_name in text and s.category in text
    assert "Ændringer" in slides[-2]
    assert slides[-1].startswith("Udsigt") and "kalibreret" in slides[-1]
    assert all(s.area_name in slides[-1] for s in content.summary)
    assert all("Eksempeldata" in t for t in slides)
    deck = Presentation(out / "briefing.pptx")
    pictures = [sh for sl in list(deck.slides)[1:-2] for sh in sl.shapes if sh.shape_type == 13]
    assert len(pictures) == (len(content.areas) if content.charts else 0)


def test_the_summary_says_category_criteria_met_direction_and_warnings_in_danish(
        example_report):
    content, _, _, _ = example_report
    assert content.previous_year == 2024
    for s in content.summary:
        assert s.sentence.startswith(s.area_name + ": ")
        assert "kriterier opfyldt" in s.criteria_met
        assert s.direction in ("Bedre", "Værre", "Uændret", "Ny")
    klostervaenget = next(s for s in content.summary if s.area_name == "Klostervænget")
    assert klostervaenget.is_listable is False and "1.000" in klostervaenget.listable_note


def test_what_changed_names_the_criterion_that_crossed_the_line():
    content = build_report(bm.example_data(), list_year=2019, date=DATE)
    change = next(c for c in content.changes if c.area_name == "Ellekonebakken")
    assert change.is_category_change
    assert (change.before, change.after) == ("Ghettoområde", "Udsat boligområde")
    assert any("ikke-vestlige" in r and "ikke længere opfyldt" in r and "50,0 pct." in r
               for r in change.reasons)


def test_the_date_comes_from_the_option_or_the_list_never_the_clock():
    data = bm.example_data()
    assert build_report(data, list_year=2024).date == "2024-12-01"
    assert build_report(data, list_year=2024, date="2025-01-15").date == "2025-01-15"
    with pytest.raises(ReportError, match="YYYY-MM-DD"):
        build_report(data, date="15/1/2025")


def test_every_chart_gives_the_same_png_again(example_report):
    # Built once more here and once more in the test below: the layout solver's last-bit noise
    # used to flip a few anti-aliased pixels of a dashboard in about half of the builds.
    content, _, _, images = example_report
    for key, chart in content.charts.items():
        assert chart_png(chart.make()) == images[key], key


def test_the_report_rendered_twice_from_scratch_gives_byte_identical_files(example_report):
    _content, out, _, _ = example_report
    again = render_all(build_report(bm.example_data(), date=DATE))  # content and charts anew
    for name in REPORT_FILES:
        assert again[name] == (out / name).read_bytes(), name


def test_office_files_carry_the_report_date_not_the_clock(example_report):
    _, out, _, _ = example_report
    for name in ("tables.xlsx", "briefing.pptx"):
        with zipfile.ZipFile(out / name) as z:
            assert {i.date_time[:3] for i in z.infolist()} == {(2025, 12, 1)}
            core = z.read("docProps/core.xml").decode()
            assert re.findall(r"<dcterms:modified[^>]*>([^<]*)<", core) == ["2025-12-01T00:00:00Z"]


def test_english_report_uses_the_english_labels():
    content = build_report(bm.example_data(), lang="en", date=DATE)
    assert content.title == "Boligmonitor: list year 2025"
    assert content.example_mark == "Example data"
    assert all("criteria met" in s.criteria_met for s in content.summary)


def test_number_format_is_danish_by_default():
    assert formatting.number(1234.5, 1, "da") == "1.234,5"
    assert show_value(0.40, "share", "da").text == "40,0 pct."
    assert show_value(0.40, "share", "en").text == "40.0%"
    assert show_value(0.0123, "share", "da", margin=True, decimals=2).text == "+1,23 pct.-point"
    assert show_value(float("nan"), "share", "da").text == "mangler"
    assert show_value(0.5, "share", "da", suppressed=True).state == "suppressed"


# --- writing whole or not at all ---------------------------------------------------------------


def test_a_failure_half_way_leaves_the_previous_report_in_place(tmp_path, monkeypatch):
    import boligmonitor.report.charts as charts
    import boligmonitor.report.render_pdf as render_pdf

    content = build_report(bm.example_data(), date=DATE)
    monkeypatch.setattr(charts, "render_charts", lambda c, dpi=150, progress=None: {})
    out = tmp_path / "2025"
    write_report(content, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(render_pdf, "render_pdf", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_report(content, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["2025"]


def test_the_report_command_writes_into_reports_of_the_list_year(tmp_path, monkeypatch, capsys):
    import boligmonitor.report.charts as charts

    monkeypatch.setattr(charts, "render_charts", lambda c, dpi=150, progress=None: {})
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--date", DATE]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == ("Boligmonitor: listeåret 2025 (Eksempeldata): 5 områder, "
                          "0 på en liste, 1 ændret siden 2024")
    assert printed[1:] == [f"skrev {Path('reports/2025') / n}" for n in REPORT_FILES]
    assert main(["report", "--list-year", "2030"]) == 2
    assert "cannot feed list year 2030" in capsys.readouterr().err


def _user_files(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "keep.txt").write_text("also mine", encoding="utf-8")


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture
def no_charts(monkeypatch):
    import boligmonitor.report.charts as charts

    monkeypatch.setattr(charts, "render_charts", lambda c, dpi=150, progress=None: {})


def test_the_report_command_refuses_a_folder_of_files_it_did_not_write(tmp_path, no_charts,
                                                                        capsys):
    out = tmp_path / "mine"
    _user_files(out)
    before = _tree(out)
    assert main(["report", "--date", DATE, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and str(out) in err and "notes.txt" in err
    assert _tree(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]


def test_report_out_dot_refuses_the_working_folder_in_one_line(tmp_path, no_charts,
                                                               monkeypatch, capsys):
    _user_files(tmp_path)
    before = _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--date", DATE, "--out", "."]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ")
    assert "Traceback" not in err
    assert _tree(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "sub"]


def test_rerunning_into_a_previous_report_replaces_only_its_own_files(tmp_path, no_charts,
                                                                      capsys):
    out = tmp_path / "2025"
    assert main(["report", "--date", DATE, "--out", str(out)]) == 0
    first = _tree(out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "sub").mkdir()
    (out / "sub" / "keep.txt").write_text("also mine", encoding="utf-8")
    assert main(["report", "--date", DATE, "--out", str(out), "--lang", "en"]) == 0
    second = _tree(out)
    assert second["notes.txt"] == b"mine" and second["sub/keep.txt"] == b"also mine"
    assert set(REPORT_FILES) < set(first)  # and the report's record of its own files
    assert set(second) == set(first) | {"notes.txt", "sub/keep.txt"}
    for name in REPORT_FILES:
        assert second[name] != first[name], name  # the English report replaced the Danish
    assert b"Example data" in second["report.html"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert [p.name for p in tmp_path.iterdir()] == ["2025"]


def test_a_report_file_name_the_report_did_not_write_is_not_overwritten(tmp_path, no_charts):
    out = tmp_path / "2025"
    out.mkdir()
    (out / "report.html").write_text("a user's own page", encoding="utf-8")
    content = build_report(bm.example_data(), date=DATE)
    with pytest.raises(ReportError, match="cannot tell they are its own"):
        write_report(content, out)
    assert _tree(out) == {"report.html": b"a user's own page"}


def test_a_manifest_naming_other_files_is_not_trusted(tmp_path, no_charts):
    out = tmp_path / "2025"
    content = build_report(bm.example_data(), date=DATE)
    write_report(content, out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (manifest,) = [p for p in out.iterdir() if p.suffix == ".json"]
    record = json.loads(manifest.read_text(encoding="utf-8"))
    record["files"]["notes.txt"] = record["files"]["report.html"]
    manifest.write_text(json.dumps(record), encoding="utf-8")
    before = _tree(out)
    with pytest.raises(ReportError, match=r"notes\.txt"):
        write_report(content, out)
    assert _tree(out) == before


def test_a_failure_while_swapping_files_puts_every_previous_file_back(tmp_path, no_charts,
                                                                      monkeypatch):
    import boligmonitor.io.output as output

    out = tmp_path / "2025"
    write_report(build_report(bm.example_data(), date=DATE), out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = _tree(out)
    real_replace, calls = output.os.replace, []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 3:  # after two report files were swapped in
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", flaky)
    with pytest.raises(OSError, match="No space"):
        write_report(build_report(bm.example_data(), date=DATE, lang="en"), out)
    monkeypatch.setattr(output.os, "replace", real_replace)
    assert len(calls) == 3 + 2  # the failed swap and the two put back
    assert _tree(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


# --- disclosure control ------------------------------------------------------------------------


def _suppressed_texts(data, content):
    """The formatted texts of Ringparken's crime and education values that must not appear."""
    res = bm.assess(data.indicators, data.references, data.memberships, list_years=[2025])
    c = res.criteria
    rows = c[(c["area_id"] == "viborg-ringparken")
             & c["criterion"].isin(["crime", "education"])]
    texts = set()
    for r in rows.itertuples(index=False):
        dec = 2 if r.threshold < 0.1 else 1
        texts.add(show_value(r.value, "share", "da", decimals=dec).text)
        texts.add(show_value(r.margin, "share", "da", decimals=dec, margin=True).text)
    return texts


def test_small_counts_are_suppressed_in_every_file(hostile_report):
    data, content, out = hostile_report
    ring = next(a for a in content.areas if a.summary.area_id == "viborg-ringparken")
    crime = [ln for ln in ring.lines if ln.criterion_id in ("crime", "education")]
    assert crime and all(ln.value.state == "suppressed" and ln.margin.state == "suppressed"
                         for ln in crime)
    # is_met is kept: the board must see whether a line is crossed.
    assert all(ln.status.text in ("opfyldt", "ikke opfyldt") for ln in crime)
    hidden = _suppressed_texts(data, content)
    html = (out / "report.html").read_text(encoding="utf-8")
    pdf = "\n".join(pdf_pages(out / "report.pdf"))
    deck = "\n".join(pptx_texts(out / "briefing.pptx"))
    cells = [str(v) for v in xlsx_values(out / "tables.xlsx") if v is not None]
    for text in hidden:
        assert text not in html and text not in pdf and text not in deck and text not in cells
    assert 'data-state="suppressed"' in html
    assert "diskretioneret" in pdf and "diskretioneret" in deck


def test_the_hostile_charts_are_laid_out_without_a_warning(hostile_report):
    # A 40-character area name (the formula) used to collapse the early-warning panels:
    # "constrained_layout not applied because axes sizes collapsed to zero".
    import warnings

    _data, content, _out = hostile_report
    assert "early_warning" in content.charts
    for key in content.overview_chart_keys:
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            chart_png(content.charts[key].make(), dpi=40)


def test_the_early_warning_chart_draws_no_number_built_on_a_small_count(hostile_report):
    _data, content, _out = hostile_report
    fig = content.charts["early_warning"].make()
    for crit in ("crime", "education"):
        (latest,) = [ln for ax in fig.axes for ln in ax.get_lines()
                     if ln.get_gid() == f"latest:{crit}"]
        names = [t.get_text() for t in latest.axes.get_yticklabels()]
        row = names.index("Ringparken")
        assert np.isnan(latest.get_xdata()[row])
        assert np.isfinite(np.delete(np.asarray(latest.get_xdata(), float), row)).any()


def test_the_workbook_shows_no_count_below_the_minimum(hostile_report):
    _data, _content, out = hostile_report
    frame = sheet_frame(out / "tables.xlsx", "Data")
    count_heads = [bm.label(f"column.{c}") for c in
                   ("residents", "n_residents_18_64", "n_outside_work_education_18_64",
                    "n_residents_18plus", "n_convicted_18plus", "n_residents_30_59",
                    "n_basic_education_30_59", "n_non_western")]
    for head in count_heads:
        for v in frame[head]:
            assert v == "diskretioneret" or (isinstance(v, int | float) and v >= 5), (head, v)
    ring = frame[frame["Område-id"] == "viborg-ringparken"]
    for head in ("Dømte 18 år+", "Andel dømte (18 år+)", "Kun grundskole 30-59 år",
                 "Andel kun med grundskoleuddannelse (30-59 år)"):
        assert set(ring[head]) == {"diskretioneret"}
    # No total sits beside a suppressed part (a total minus the others would give it back).
    assert not any(str(v).lower().startswith(("total", "i alt")) for v in frame.iloc[:, 0])
    crit = sheet_frame(out / "tables.xlsx", "Kriterier")
    rc = crit[(crit["Område-id"] == "viborg-ringparken") & (crit["Listeår"] == 2025)
              & (crit["Kriterium"].str.startswith(("Dømte", "Kun grundskole")))]
    assert set(rc["Værdi"]) == {"diskretioneret"}
    assert set(rc["Personer til grænsen"]) == {"diskretioneret"}


# --- layout (b): criterion values per list year -----------------------------------------------

# Values of list year 2025, distinct from the earlier years so that each text is traceable.
LIST_VALUES = {
    "b-nord": ("Nordparken", 1500, (0.523, 0.457, 3.26, 0.624, 0.497)),
    "b-syd": ("Sydhaven", 2100, (0.204, 0.253, 1.12, 0.352, 0.806)),
    "b-lille": ("Lillegården", 4, (0.613, 0.537, 2.71, 0.719, 0.437)),
}
LIST_COLUMNS = ("share_non_western", "share_outside_work_education_18_64",
                "convicted_ratio_to_national", "share_basic_education_30_59",
                "income_ratio_to_region")
# The texts of Nordparken's 2025 values (shown) and of Lillegården's (4 residents: suppressed).
NORD_TEXTS = ("52,3 pct.", "45,7 pct.", "3,26", "62,4 pct.", "49,7 pct.")
LILLE_TEXTS = ("61,3 pct.", "53,7 pct.", "2,71", "71,9 pct.", "43,7 pct.")


def list_value_data(tmp_path: Path):
    """A small layout (b) table (three areas, list years 2023-2025) and published lists, read
    from CSV files as a user's would be; Lillegården has 4 residents in 2025, 900 before."""
    rows = []
    for year in (2023, 2024, 2025):
        for aid, (name, residents, values) in LIST_VALUES.items():
            if year < 2025:  # earlier years: other values, and Lillegården not small
                values = tuple(round(v * 0.9, 4) for v in values)
                residents = 900 if aid == "b-lille" else residents
            rows.append({"area_id": aid, "area_name": name, "municipality": "Viborg",
                         "region": "Midtjylland", "list_year": year, "residents": residents,
                         **dict(zip(LIST_COLUMNS, values, strict=True))})
    pd.DataFrame(rows).to_csv(tmp_path / "criterion_values.csv", index=False)
    pd.DataFrame({"area_id": ["b-nord", "b-nord"], "list_year": [2023, 2024],
                  "category": ["udsat_boligomraade"] * 2,
                  "source": ["Listen 1. december 2023", "Listen 1. december 2024"]}).to_csv(
        tmp_path / "memberships.csv", index=False)
    return dataset_from_tables(
        criterion_values=bm.read_criterion_values(tmp_path / "criterion_values.csv"),
        memberships=bm.read_memberships(tmp_path / "memberships.csv"))


@pytest.fixture(scope="module")
def list_value_report(tmp_path_factory):
    data = list_value_data(tmp_path_factory.mktemp("layout_b_data"))
    content = build_report(data, date=DATE)
    out = tmp_path_factory.mktemp("layout_b") / "2025"
    write_report(content, out)
    return data, content, out


def test_a_layout_b_report_shows_its_values_in_the_html_and_the_workbook(list_value_report):
    _data, content, out = list_value_report
    assert content.list_year == 2025 and not content.is_example
    html = parse_html(out / "report.html")
    text = " ".join(html.text)
    for name, _, _ in LIST_VALUES.values():
        assert name in text
    for t in NORD_TEXTS:
        assert t in text, t
    assert "criterion_values.csv" in text
    crit = sheet_frame(out / "tables.xlsx", "Kriterier")
    crit = crit[crit["Listeår"] == 2025]
    for aid in ("b-nord", "b-syd"):
        got = set(pd.to_numeric(crit.loc[crit["Område-id"] == aid, "Værdi"]).round(6))
        assert got == {round(v, 6) for v in LIST_VALUES[aid][2]}, aid
    data = sheet_frame(out / "tables.xlsx", "Data")
    nord = data[(data["Område-id"] == "b-nord") & (data["Listeår"] == 2025)].iloc[0]
    headers = [bm.label(f"column.{c}") for c in ("residents", *LIST_COLUMNS)]
    assert nord[headers].tolist() == [1500, *LIST_VALUES["b-nord"][2]]


def test_a_layout_b_area_under_the_minimum_residents_is_suppressed_in_every_file(
        list_value_report):
    _data, content, out = list_value_report
    lille = next(a for a in content.areas if a.summary.area_id == "b-lille")
    assert lille.summary.residents.state == "suppressed"
    assert lille.lines and all(ln.value.state == ln.margin.state == "suppressed"
                               for ln in lille.lines)
    html = (out / "report.html").read_text(encoding="utf-8")
    pdf = "\n".join(pdf_pages(out / "report.pdf"))
    deck = "\n".join(pptx_texts(out / "briefing.pptx"))
    cells = [str(v) for v in xlsx_values(out / "tables.xlsx") if v is not None]
    for t in LILLE_TEXTS:
        assert t not in html and t not in pdf and t not in deck, t
    hidden = {str(v) for v in LIST_VALUES["b-lille"][2]}
    assert not hidden & set(cells)
    assert 'data-state="suppressed"' in html and "diskretioneret" in pdf
    scores = sheet_frame(out / "tables.xlsx", "Resultater").set_index("Område-id")
    assert scores.loc["b-lille", "Beboere 1. januar"] == "diskretioneret"
    data = sheet_frame(out / "tables.xlsx", "Data")
    row = data[(data["Område-id"] == "b-lille") & (data["Listeår"] == 2025)]
    assert set(row.iloc[0, 5:]) == {"diskretioneret"}
    # Earlier years, with 900 residents, are shown.
    before = data[(data["Område-id"] == "b-lille") & (data["Listeår"] == 2024)]
    assert before.iloc[0, 5] == 900


@pytest.mark.parametrize(("min_cell", "small_years"), [(3, set()), (5, {2025}),
                                                       (1000, {2023, 2024, 2025})])
def test_a_layout_b_report_follows_the_minimum_it_is_given(tmp_path, min_cell, small_years):
    content = build_report(list_value_data(tmp_path), date=DATE, min_cell=min_cell)
    lille = next(a for a in content.areas if a.summary.area_id == "b-lille")
    assert (lille.summary.residents.state == "suppressed") == (2025 in small_years)
    assert {ln.value.state for ln in lille.lines} == (
        {"suppressed"} if 2025 in small_years else {"value"})
    data = next(t for t in content.sheets if t.key == "data")
    area, year, residents = (data.columns.index(bm.label(f"column.{c}"))
                             for c in ("area_id", "list_year", "residents"))
    states = {int(r[year].raw): r[residents].state for r in data.rows
              if r[area].text == "b-lille"}
    assert {y for y, st in states.items() if st == "suppressed"} == small_years


# --- injection ---------------------------------------------------------------------------------


def test_a_script_tag_in_an_area_name_is_escaped_in_the_html(hostile_report):
    _, _, out = hostile_report
    raw = (out / "report.html").read_text(encoding="utf-8")
    html = parse_html(out / "report.html")
    assert not [t for t, _ in html.tags if t == "script"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert SCRIPT_NAME in " ".join(html.text)


def test_input_texts_stay_inert_text_in_the_pdf_and_the_deck(hostile_report):
    _, _, out = hostile_report
    pdf = "\n".join(pdf_pages(out / "report.pdf"))
    assert SCRIPT_NAME in pdf and "HYPERLINK" in pdf
    deck = "\n".join(pptx_texts(out / "briefing.pptx"))
    assert SCRIPT_NAME in deck and FORMULA_NAME in deck


def test_formula_like_cells_are_written_as_text_in_the_workbook(hostile_report):
    _, _, out = hostile_report
    wb = openpyxl.load_workbook(out / "tables.xlsx")
    seen = set()
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
                    seen.add(cell.value)
    assert {FORMULA_NAME, FORMULA_SOURCE, MINUS_SOURCE} <= seen
    with zipfile.ZipFile(out / "tables.xlsx") as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode() and "<f " not in z.read(name).decode()


def test_a_report_on_own_data_carries_no_example_mark(hostile_report):
    _data, content, out = hostile_report
    assert not content.is_example
    assert "Eksempeldata" not in "\n".join(pdf_pages(out / "report.pdf"))


# --- names that are markup, control characters, or very long -----------------------------------

# One name of every markup family reportlab's paragraph parser knows (reportlab/platypus/
# paraparser.py: b, strong, i, em, u, strike, font, span, super/sup, sub, br, nobr, a (link and
# anchor), link, img, onDraw, index, seq, seqreset, seqdefault, seqchain, seqformat, greek,
# unichar, bullet, para) and its entities and character references.
MARKUP_NAME = (
    '<para><b>b</b><strong>t</strong><i>i</i><em>e</em><u>u</u><strike>s</strike>'
    '<font color="red" size="30" face="Courier">f</font><span color="blue">p</span>'
    "<super>x</super><sup>y</sup><sub>z</sub><br/><nobr>n</nobr>"
    '<a href="https://example.invalid/a">a</a><link href="https://example.invalid/l">l</link>'
    '<a name="anchor"/><img src="{png}" width="40" height="40"/>'
    '<onDraw name="drawTOCEntryEnd" label="1,0,None"/><index item="i"/>'
    '<seq id="s"/><seqreset id="s"/><seqdefault id="s"/><seqchain order="s t"/>'
    '<seqformat id="s" value="i"/><greek>a</greek><unichar name="SNOWMAN"/>'
    '<unichar value="0x2603"/><bullet>*</bullet>&amp;&lt;&#65;&nbsp;&amp;lt;</para>'
)
# Control characters, a right-to-left override and a mathtext command matplotlib does not know.
CONTROL_NAME = "Vester\x1bvang\x07\x00 \u202eRLO $\\undefinedcmd{x}$"
CONTROL_SHOWN = "Vester\ufffdvang\ufffd\ufffd \ufffdRLO $\\undefinedcmd{x}$"
LONG_NAME = "R" * 5000
RAW_CHARACTERS = ("\x1b", "\x07", "\x00", "\u202e")


def _png(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    from PIL import Image

    Image.new("RGB", size, colour).save(path, format="PNG")
    return path.read_bytes()


def _report_with_name(work: Path, area_id: str, name: str):
    """The example with one area renamed ``name``, rendered once with stand-in chart images
    (one distinct PNG per chart), so that a test sees every chart placed and nothing else."""
    ex = bm.example_data()
    ind = ex.indicators.copy()
    ind.attrs = {}
    ind["area_name"] = ind["area_name"].astype(str)
    ind.loc[ind["area_id"] == area_id, "area_name"] = name
    refs, mem = ex.references.copy(), ex.memberships.copy()
    refs.attrs, mem.attrs = {}, {}
    # Validation rejects such names at the front door (test_hostile_input); here they are let
    # through on purpose, to show that the renderers are safe on their own.
    content = build_report(dataset_from_tables(indicators=ind, references=refs, memberships=mem),
                           date=DATE, validate=False)
    images = {key: _png(work / f"chart{i}.png", (300 + i, 200), (0, 10 * i, 200))
              for i, key in enumerate(content.charts)}
    files = render_all(content, images=images)
    out = work / "report"
    out.mkdir()
    for file_name, blob in files.items():
        (out / file_name).write_bytes(blob)
    return name, content, images, out


@pytest.fixture(scope="module")
def markup_name_report(tmp_path_factory):
    work = tmp_path_factory.mktemp("markup_name")
    local_png = work / "local.png"
    _png(local_png, (7, 5), (255, 0, 0))  # a file on this machine the name points at
    return _report_with_name(work, "viborg-vestervang", MARKUP_NAME.format(png=local_png))


@pytest.fixture(scope="module")
def control_name_report(tmp_path_factory):
    return _report_with_name(tmp_path_factory.mktemp("control_name"), "viborg-klostervaenget",
                             CONTROL_NAME)


@pytest.fixture(scope="module")
def long_name_report(tmp_path_factory):
    return _report_with_name(tmp_path_factory.mktemp("long_name"), "viborg-ringparken",
                             LONG_NAME)


def _squeeze(text: str) -> str:
    return "".join(text.split())


def test_markup_in_an_area_name_prints_literally_in_the_pdf_and_its_contents(
        markup_name_report):
    name, _content, _images, out = markup_name_report
    pages = pdf_pages(out / "report.pdf")
    assert _squeeze(name) in _squeeze(pages[0])  # the table of contents
    whole = _squeeze("\n".join(pages))
    assert whole.count(_squeeze(name)) >= 4  # contents, heading, summary table, sentence
    reader = PdfReader(out / "report.pdf")
    titles = []
    stack = list(reader.outline)
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        else:
            titles.append(item.title)
    assert name in titles


def test_markup_in_an_area_name_adds_no_link_and_no_image_to_the_pdf(markup_name_report):
    _name, content, images, out = markup_name_report
    reader = PdfReader(out / "report.pdf")
    n_contents_pages = next(i for i, text in enumerate(pdf_pages(out / "report.pdf"))
                            if content.t("sec_summary") in text.splitlines()[0:3])
    page_ids = {p.indirect_reference.idnum for p in reader.pages}
    for i, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            # Only the contents' own links: internal, on its pages, to a page of this file.
            assert "/A" not in annot and i < n_contents_pages, (i, dict(annot))
            assert annot["/Dest"][0].idnum in page_ids
    placed = {}
    for page in reader.pages:
        for obj in (page["/Resources"].get("/XObject") or {}).values():
            if obj.get_object()["/Subtype"] == "/Image":
                placed[obj.idnum] = (obj.get_object()["/Width"], obj.get_object()["/Height"])
    charts = [*content.overview_chart_keys, *(k for a in content.areas for k in a.chart_keys),
              *(content.outlook.chart_keys if content.outlook is not None else ())]
    assert len(charts) == len(images)
    assert sorted(placed.values()) == sorted(png_size(images[k]) for k in charts)
    assert (7, 5) not in placed.values()  # the local file the name points at


def test_control_bidi_and_mathtext_characters_are_shown_not_passed_raw(control_name_report):
    _name, _content, _images, out = control_name_report
    html = (out / "report.html").read_text(encoding="utf-8")
    pdf = "\n".join(pdf_pages(out / "report.pdf"))
    deck = "\n".join(pptx_texts(out / "briefing.pptx"))
    cells = [str(v) for v in xlsx_values(out / "tables.xlsx") if v is not None]
    for raw in RAW_CHARACTERS:
        assert raw not in html and raw not in pdf and raw not in deck, repr(raw)
        assert not any(raw in v for v in cells), repr(raw)
    assert CONTROL_SHOWN in parse_html_text(html)
    assert _squeeze(CONTROL_SHOWN) in _squeeze(pdf)
    assert CONTROL_SHOWN in deck
    assert CONTROL_SHOWN in cells
    for name in ("briefing.pptx", "tables.xlsx"):
        with zipfile.ZipFile(out / name) as z:
            xml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
        assert b"_x001B_" not in xml and b"_x001b_" not in xml and b"\x1b" not in xml


def test_a_5000_character_name_is_laid_out_in_every_file(long_name_report):
    _name, content, _images, out = long_name_report
    assert any(s.area_name == LONG_NAME for s in content.summary)
    html = parse_html_text((out / "report.html").read_text(encoding="utf-8"))
    assert LONG_NAME in html
    pdf = _squeeze("\n".join(pdf_pages(out / "report.pdf")))
    assert LONG_NAME in pdf  # whole in the summary table and the sentences, wrapped
    assert LONG_NAME in pptx_texts(out / "briefing.pptx")[1 + [
        s.area_name for s in content.summary].index(LONG_NAME)]
    assert LONG_NAME in xlsx_values(out / "tables.xlsx")


def parse_html_text(html: str) -> str:
    p = _Html()
    p.feed(html)
    return " ".join(p.text)


# --- headless Chromium -------------------------------------------------------------------------

_PROBE = """<script>
window.__errors = [];
window.alert = function (m) { __errors.push("alert: " + m); };
window.addEventListener("error", function (e) {
  __errors.push(String(e.message || (e.target && (e.target.src || e.target.href)) || "error"));
}, true);
document.addEventListener("securitypolicyviolation", function (e) {
  __errors.push("csp: " + e.violatedDirective + " " + e.blockedURI);
});
var _ce = console.error;
console.error = function () { __errors.push(Array.from(arguments).join(" ")); };
window.addEventListener("load", function () {
  var r = {images: Array.from(document.images).map(function (i) {
             return [i.complete, i.naturalWidth]; }), errors: __errors};
  var p = document.createElement("pre"); p.id = "__probe";
  p.textContent = JSON.stringify(r); document.body.appendChild(p);
});
</script>"""


def chromium_probe(html_path: Path, work: Path) -> dict:
    """Open ``html_path`` in headless Chromium with a probe that records every image's natural
    width and every error (script errors, failed loads, CSP violations, alerts)."""
    html = html_path.read_text(encoding="utf-8")
    # The report forbids all scripts; the probe is allowed in the test copy only.
    html = html.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';")
    html = html.replace("<head>", "<head>" + _PROBE, 1)
    page = work / "probe.html"
    page.write_text(html, encoding="utf-8")
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", f"--user-data-dir={work / 'profile'}", "--enable-logging=stderr",
           "--virtual-time-budget=10000", "--dump-dom", page.as_uri()]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    m = re.search(r'<pre id="__probe">(.*?)</pre>', run.stdout, re.S)
    assert m, f"Chromium did not finish the page: {run.stderr[-2000:]}"
    result = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    result["console"] = [ln for ln in run.stderr.splitlines()
                         if "CONSOLE" in ln and ("ERROR" in ln or "Uncaught" in ln)]
    return result


needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="headless Chromium not installed at /usr/bin/chromium (apt-get install chromium; "
           ".ci/run installs it)")


@needs_chromium
def test_the_html_renders_in_chromium_with_every_image_and_no_errors(example_report, tmp_path):
    content, out, _, _ = example_report
    result = chromium_probe(out / "report.html", tmp_path)
    assert len(result["images"]) == len(content.charts)
    assert all(complete and width > 0 for complete, width in result["images"])
    assert result["errors"] == [] and result["console"] == []


@needs_chromium
def test_the_hostile_html_runs_nothing_in_chromium(hostile_report, tmp_path):
    _, _, out = hostile_report
    result = chromium_probe(out / "report.html", tmp_path)
    assert result["errors"] == [] and result["console"] == []


def test_chromium_probe_catches_a_broken_image(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("headless Chromium not installed at /usr/bin/chromium")
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
                    "content=\"default-src 'none'; img-src data:\"></head><body>"
                    '<img src="data:image/png;base64,AAAA"></body></html>', encoding="utf-8")
    result = chromium_probe(page, tmp_path)
    assert result["images"] == [[True, 0]]


def test_for_income_the_distance_to_the_line_is_shown_in_kroner_not_persons(example_report):
    content = example_report[0]
    lines = [ln for a in content.areas for ln in a.lines]
    income = [ln for ln in lines if ln.criterion_id == "income"]
    assert income and all(ln.persons.text.endswith(" kr.") for ln in income)
    others = [ln for ln in lines if ln.criterion_id == "employment"]
    assert not any(ln.persons.text.endswith("kr.") for ln in others)


def test_pdf_table_columns_are_as_wide_as_their_longest_word():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph

    from boligmonitor.report.render_pdf import BOLD, FONT, TEXT_W, fit_widths, register_fonts

    register_fonts()
    cell = ParagraphStyle("c", fontName=FONT, fontSize=7.5)
    head = ParagraphStyle("h", fontName=BOLD, fontSize=7.5)
    data = [[Paragraph("Klassifikation", head), Paragraph("Kriterium", head)],
            [Paragraph("forebyggelsesområde", cell), Paragraph("kort tekst", cell)]]
    widths = fit_widths(data, TEXT_W, stretch=1)
    assert widths[0] > stringWidth("forebyggelsesområde", FONT, 7.5)
    assert sum(widths) == pytest.approx(TEXT_W)
    # A word wider than the page gets half of it and is split; the table still fits.
    data[1][0] = Paragraph("R" * 5000, cell)
    widths = fit_widths(data, TEXT_W, stretch=1)
    assert widths[0] == pytest.approx(TEXT_W / 2) and sum(widths) == pytest.approx(TEXT_W)
