"""The board's charts as a board member reads them (issue 14): every latest value names its
data year, a relative line reads as its relation and its value, a suppressed value is marked
as suppressed in every chart, the dashboard's strip lines up with its panels and a panel with
nothing to draw says why, numbers stay legible on hatched cells, and the category charts mark
agreement and disagreement with the published lists.

Checked on the figure objects (gids, texts, positions), each chart built once per module.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

import boligmonitor as bm
from boligmonitor import plots, style
from boligmonitor.datasets import dataset_from_tables
from boligmonitor.labels import label

matplotlib.use("Agg")

DOCS = Path(__file__).resolve().parents[1] / "docs" / "examples"
SMALL = "viborg-ringparken"  # 2 convicted every year: the crime values are suppressed
DIFFERS = ("viborg-vestervang", 2021)  # published as udsat, computed as on no list


def _tables():
    ex = bm.example_data()
    ind, refs, mem = ex.indicators.copy(), ex.references.copy(), ex.memberships.copy()
    for t in (ind, refs, mem):
        t.attrs = {}
    return ex, ind, refs, mem


@pytest.fixture(scope="module")
def small():
    """The example data with a small count (Ringparken: 2 convicted each year) and a published
    list that differs from the computation (Vestervang 2021), disclosed for the charts."""
    _ex, ind, refs, mem = _tables()
    ring = ind["area_id"] == SMALL
    ind.loc[ring, "n_convicted_18plus"] = 2.0
    ind.loc[ring, "share_convicted_18plus"] = 2.0 / ind.loc[ring, "n_residents_18plus"]
    extra = mem.iloc[[0]].copy()
    extra[["area_id", "list_year", "category", "status", "coverage", "source"]] = [
        DIFFERS[0], DIFFERS[1], "udsat_boligomraade", "listed", "partial", "test"]
    mem = pd.concat([mem, extra], ignore_index=True)
    data = dataset_from_tables(indicators=ind, references=refs, memberships=mem)
    result = data.assess()
    shown, values, mask = plots.suppress_for_charts(result, data.indicators, 5, with_mask=True)
    warning = plots.suppress_warning_for_charts(data.early_warning(2025), data.indicators, 5)
    return data, shown, values, mask, warning


@pytest.fixture(scope="module")
def docs_example():
    """docs/examples/danish_export.csv as ingested: one area, data years 2020 and 2021."""
    ind = bm.read_indicators(DOCS / "danish_export.csv", DOCS / "danish_export.mapping.toml")
    return dataset_from_tables(indicators=ind).assess()


def _gid(fig: Figure, gid: str) -> list:
    return list(fig.findobj(lambda a: a.get_gid() == gid))


def _gid_prefix(fig: Figure, prefix: str) -> list:
    return list(fig.findobj(lambda a: str(a.get_gid()).startswith(prefix)))


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def _panel(fig: Figure, criterion: str, lang: str = "da"):
    name = label(f"criterion.{criterion}", lang)[:20]
    (ax,) = [a for a in fig.axes if a.get_title(loc="left").startswith(name)]
    return ax


def _legend_texts(fig: Figure) -> list[str]:
    return [t.get_text() for leg in fig.legends for t in leg.get_texts()]


# --- 1. the latest value names its data year ---------------------------------------------------


def test_the_dashboards_latest_value_names_the_data_year_not_the_list_year(docs_example):
    # The docs example: list 2021 uses the education share of data year 2020 (46,6 pct.); the
    # title used to say "Seneste værdi (2021): 46,6 pct.".
    fig = plots.plot_area_dashboard(docs_example, "viborg-houlkaervaenget")
    title = _panel(fig, "education").get_title(loc="left")
    assert "Seneste værdi (dataår 2020): 46,6 pct." in title
    assert "(2021)" not in title
    en = plots.plot_area_dashboard(docs_example, "viborg-houlkaervaenget", lang="en")
    assert "Latest value (data year 2020): 46.6%" in _panel(en, "education", "en").get_title(
        loc="left")


def test_the_early_warnings_latest_value_names_its_data_year(small):
    fig = plots.plot_early_warning(small[4])
    assert "Seneste værdi (dataår 2025)" in _legend_texts(fig)


# --- 2. a relative line reads as its relation and its value ------------------------------------


def test_the_crime_line_reads_as_a_multiple_of_the_national_average_in_every_chart(small):
    _data, shown, *_ = small
    expected = "mindst 3 × landsgennemsnittet = 2,02 pct."
    margins = plots.plot_margins(shown)
    assert expected in _panel(margins, "crime").get_title(loc="left").replace("\n", " ")
    dash = plots.plot_area_dashboard(shown, "viborg-houlkaervaenget")
    assert expected in _panel(dash, "crime").get_title(loc="left").replace("\n", " ")
    trend = plots.plot_trend(shown, "crime")
    assert expected in trend.axes[0].get_title(loc="left")
    income = _panel(margins, "income").get_title(loc="left").replace("\n", " ")
    assert "under 55 pct. af regionens gennemsnit = " in income


# --- 3. a suppressed value is marked as suppressed, everywhere --------------------------------


def test_a_suppressed_crime_panel_says_so_on_the_dashboard(small):
    _data, shown, *_ = small
    fig = plots.plot_area_dashboard(shown, SMALL)
    ax = _panel(fig, "crime")
    bands = [a for a in _gid(fig, "suppressed") if a.axes is ax]
    assert bands, "the suppressed years are marked in the crime panel"
    (note,) = [t for t in _gid(fig, "no-data") if t.axes is ax]
    assert note.get_text().replace("\n", " ") == label("chart.all_suppressed")
    assert label("category.suppressed") in _legend_texts(fig)


def test_a_suppressed_value_is_marked_in_the_trend_margins_and_early_warning(small):
    _data, shown, _values, _mask, warning = small
    trend = plots.plot_trend(shown, "crime")
    ring = [t for t in _legend_texts(trend) if t.startswith("Ringparken")]
    assert ring and "(diskretioneret " in ring[0]
    margins = plots.plot_margins(shown)
    assert any(t.strip() == label("text.suppressed") for t in _texts(margins))
    ew = plots.plot_early_warning(warning)
    crime = _panel(ew, "crime")
    gaps = [t.get_text() for t in _gid_prefix(ew, "gap:") if t.axes is crime]
    assert gaps and set(gaps) == {label("text.suppressed")}


def test_a_suppressed_annual_value_is_marked_in_the_raw_chart(small):
    _data, shown, values, mask, _warning = small
    ind = values.copy()
    hidden = mask.copy()
    # Employment of one year suppressed, as disclosure control would leave it.
    row = ind.index[(ind["area_id"] == SMALL) & (ind["year"] == 2019)][0]
    ind.loc[row, "share_outside_work_education_18_64"] = np.nan
    hidden.loc[row, "share_outside_work_education_18_64"] = True
    fig = plots.plot_raw_vs_averaged(shown, ind, SMALL, suppressed=hidden)
    (band,) = _gid(fig, "suppressed")
    x0, x1 = band.get_x(), band.get_x() + band.get_width()
    assert (x0, x1) == pytest.approx((2018.5, 2019.5))


def test_a_suppressed_category_is_a_dotted_cell_and_a_legend_entry(small):
    _data, shown, *_ = small
    # As disclosure control leaves a category whose base is suppressed.
    areas = shown.areas.assign(category=shown.areas["category"].astype(str))
    hit = (areas["area_id"] == SMALL) & (areas["list_year"] == 2025)
    areas.loc[hit, ["category", "n_criteria_met"]] = ["suppressed", np.nan]
    for fig in (plots.plot_overview(areas),
                plots.plot_area_dashboard(dataclasses.replace(shown, areas=areas), SMALL)):
        assert label("category.suppressed") in _legend_texts(fig)
        cells = [a for a in _gid(fig, f"cell:{SMALL}:2025") if isinstance(a, Rectangle)]
        assert cells and all(c.get_hatch() == style.CATEGORY_HATCH["suppressed"] for c in cells)


# --- 9. the dashboard: strip lined up, axes labelled, empty panels say why ------------------


def test_the_dashboards_strips_line_up_with_the_panels_below_and_name_the_years(small):
    _data, shown, *_ = small
    fig = plots.plot_area_dashboard(shown, "viborg-houlkaervaenget")
    panels = [a for a in fig.axes if a.axison and a.get_lines()]
    strips = [a for a in fig.axes if a.axison and a not in panels and a.patches]
    assert len(strips) == 2
    for strip in strips:
        below = [a for a in panels if abs(a.get_position().x0 - strip.get_position().x0) < 1e-9]
        assert below, "a strip sits above a column of panels"
        for a in below:
            assert a.get_xlim() == pytest.approx(strip.get_xlim())
            assert a.get_position().width == pytest.approx(strip.get_position().width)
        assert [t.get_text() for t in strip.get_xticklabels()] == [
            t.get_text() for t in below[0].get_xticklabels()]
        assert all(t.get_text().isdigit() for t in strip.get_xticklabels())
    labelled = [a for a in panels if a.get_xlabel() == label("chart.list_year")]
    assert len(labelled) == 2  # the lowest panel of each column


def test_a_dashboard_panel_with_nothing_to_draw_says_so_and_has_no_empty_scale(docs_example):
    # No reference values: the crime line cannot be drawn and the value is unknown; it used to
    # be an empty 0-100 axis.
    fig = plots.plot_area_dashboard(docs_example, "viborg-houlkaervaenget")
    ax = _panel(fig, "crime")
    (note,) = [t for t in _gid(fig, "no-data") if t.axes is ax]
    assert note.get_text().replace("\n", " ") == label("chart.no_data")
    assert list(ax.get_yticks()) == []


# --- 10. numbers legible on every fill ----------------------------------------------------------


def test_numbers_on_hatched_cells_stand_on_a_box_of_the_cells_colour(docs_example):
    # The docs example is undetermined (hatched) in both its list years: "0/4" on hatching.
    for fig in (plots.plot_overview(docs_example),
                plots.plot_area_dashboard(docs_example, "viborg-houlkaervaenget")):
        cells = {a.get_gid(): a for a in _gid_prefix(fig, "cell:") if isinstance(a, Rectangle)}
        hatched = 0
        for t in _gid_prefix(fig, "cell-text:"):
            cell = cells["cell:" + t.get_gid().split(":", 1)[1]]
            if cell.get_hatch():
                hatched += 1
                box = t.get_bbox_patch()
                assert box is not None, t.get_text()
                assert box.get_facecolor() == pytest.approx(cell.get_facecolor())
                assert box.get_facecolor()[3] == 1.0  # opaque: no hatch line shows through
        assert hatched >= 2


# --- A. published beside computed in the category charts -------------------------------------


def test_the_category_charts_mark_agreement_and_outline_a_disagreement(small):
    _data, shown, *_ = small
    area, year = DIFFERS
    for fig in (plots.plot_overview(shown), plots.plot_area_dashboard(shown, area)):
        outlines = _gid(fig, f"finding:{area}:{year}")
        assert outlines and all(o.get_edgecolor()[:3] == pytest.approx(
            matplotlib.colors.to_rgb("#B00020")) for o in outlines)
        marks = [t.get_text() for t in _gid(fig, f"cell-text:{area}:{year}")]
        assert marks and all(m.endswith("≠") for m in marks)
        legend = _legend_texts(fig)
        assert label("chart.published_differs") in legend
        assert label("chart.published_agrees") in legend
    fig = plots.plot_overview(shown)
    agrees = [t.get_text() for t in _gid(fig, "cell-text:viborg-houlkaervaenget:2019")]
    assert agrees == ["2/4\n✓"]
    assert len(_gid_prefix(fig, "finding:")) == 1
    assert style.CATEGORY_COLORS["suppressed"]  # the suppressed colour stays the report's
