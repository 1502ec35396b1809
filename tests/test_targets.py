"""The plan's own targets: progress (reached, on track, behind, missed), the chart (structure,
apart from the law's lines) and the report's section, on small tables with known answers."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

import boligmonitor as bm
from boligmonitor import plots, style
from boligmonitor.labels import label
from boligmonitor.targets import target_progress

matplotlib.use("Agg")

OUTSIDE = "share_outside_work_education_18_64"
INCOME = "mean_gross_income_15_64"


def _indicators(values: dict[str, list[float]], indicator: str = OUTSIDE,
                years: range = range(2019, 2024)) -> pd.DataFrame:
    rows = [{"area_id": a, "area_name": a.upper(), "year": y, indicator: v}
            for a, vs in values.items() for y, v in zip(years, vs, strict=True)]
    return pd.DataFrame(rows)


def _targets(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"area_id": a, "indicator": i, "value": v, "year": y, "direction": d}
                         for a, i, v, y, d in rows])


def _status(values, target, *, direction="below", year=2025, indicator=OUTSIDE):
    t = _targets(("A", indicator, target, year, direction))
    return target_progress(t, _indicators({"A": values}, indicator), plan_period=(2021, 2025)
                           ).iloc[0]


def test_a_target_at_or_beyond_the_latest_value_is_reached():
    assert _status([0.40, 0.39, 0.38, 0.36, 0.35], 0.35).status == "reached"
    assert _status([200_000] * 4 + [250_000], 250_000, direction="above",
                   indicator=INCOME).status == "reached"


def test_ahead_of_the_straight_path_from_the_year_before_the_plan_is_on_track():
    # Baseline 2020: 0.40; target 0.35 in 2025: the path is 0.39 in 2021, 0.37 in 2023.
    row = _status([0.41, 0.40, 0.395, 0.38, 0.37], 0.35)
    assert row.baseline_year == 2020 and row.baseline_value == pytest.approx(0.40)
    assert row.path_value == pytest.approx(0.37)
    assert row.status == "on_track" and row.gap == pytest.approx(0.02)


def test_short_of_the_straight_path_is_behind():
    assert _status([0.41, 0.40, 0.40, 0.39, 0.38], 0.35).status == "behind"


def test_an_income_target_counts_upwards():
    row = _status([200_000, 200_000, 205_000, 230_000, 240_000], 250_000, direction="above",
                  indicator=INCOME)
    assert row.status == "on_track" and row.gap == pytest.approx(10_000)


def test_past_the_target_year_without_it_is_missed_and_without_data_is_no_data():
    assert _status([0.41, 0.40, 0.40, 0.39, 0.38], 0.35, year=2022).status == "missed"
    t = _targets(("B", OUTSIDE, 0.35, 2025, "below"))
    assert target_progress(t, _indicators({"A": [0.4] * 5})).iloc[0].status == "no_data"


def test_without_a_baseline_the_path_is_not_judged():
    t = _targets(("A", OUTSIDE, 0.35, 2030, "below"))
    row = target_progress(t, _indicators({"A": [0.4] * 5}), plan_period=(2026, 2030)).iloc[0]
    assert row.status == "not_reached" and np.isnan(row.path_value)


# --- the chart --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chart() -> Figure:
    ind = _indicators({"A": [0.41, 0.40, 0.395, 0.38, 0.37], "B": [0.30, 0.31, 0.30, 0.30, 0.29]})
    t = _targets(("A", OUTSIDE, 0.35, 2025, "below"), ("B", OUTSIDE, 0.28, 2025, "below"))
    return plots.plot_targets(t, ind, plan_period=(2021, 2025), is_example=True)


def _gid(fig: Figure, gid: str) -> list:
    return list(fig.findobj(lambda a: a.get_gid() == gid))


def test_the_chart_marks_each_target_at_its_year_and_value(chart):
    (mark,) = [a for a in _gid(chart, "target:A") if isinstance(a, Line2D)]
    assert list(mark.get_xdata()) == [2025] and list(mark.get_ydata()) == [0.35]
    assert mark.get_linestyle() == "None" and mark.get_marker() == "D"
    (other,) = _gid(chart, "target:B")
    assert list(other.get_ydata()) == [0.28]


def test_the_chart_draws_the_path_from_the_baseline_and_the_yearly_values(chart):
    (path,) = _gid(chart, "target-path:A")
    assert list(path.get_xdata()) == [2020, 2025]
    assert list(path.get_ydata()) == pytest.approx([0.40, 0.35])
    (values,) = _gid(chart, "area:A")
    assert list(values.get_xdata()) == list(range(2019, 2026))
    assert list(values.get_ydata()) == pytest.approx(
        [0.41, 0.40, 0.395, 0.38, 0.37, np.nan, np.nan], nan_ok=True)


def test_the_chart_draws_no_line_of_the_law_and_says_so(chart):
    assert _gid(chart, "threshold") == [] and _gid(chart, "met-side") == []
    texts = " ".join(t.get_text() for t in chart.findobj(matplotlib.text.Text))
    assert label("target.legend") in texts and label("chart.threshold") not in texts
    assert "ikke lovens" in texts
    assert len(_gid(chart, "plan-period")) == 1 and len(_gid(chart, "example-mark")) == 1


def test_board_charts_add_one_targets_chart_per_indicator_only_when_a_plan_sets_targets():
    ds = bm.example_data()
    res = ds.assess(list_years=[2023, 2024])
    t = _targets(("viborg-houlkaervaenget", OUTSIDE, 0.35, 2025, "below"),
                 ("viborg-vestervang", INCOME, 300_000, 2025, "above"))
    with_targets = plots.board_charts(res, indicators=ds.indicators, targets=t, lang="en")
    assert {k for k in with_targets if k.startswith("targets_")} == {
        f"targets_{OUTSIDE}", f"targets_{INCOME}"}
    assert not any(k.startswith("targets_") for k in plots.board_charts(res))


# --- one look per area in every chart, and a target of several areas drawn once --------------

# The plan's areas in the plan's order (not the ids'): a target with area = "all" is one target
# per plan area, the same value in the same year.
PLAN_AREAS = ("viborg-houlkaervaenget", "viborg-ellekonebakken", "viborg-vestervang")


@pytest.fixture(scope="module")
def board() -> dict[str, Figure]:
    ds = bm.example_data()
    t = _targets(*[(a, OUTSIDE, 0.35, 2025, "below") for a in PLAN_AREAS],
                 ("viborg-vestervang", INCOME, 300_000, 2025, "above"))
    return plots.board_charts(ds.assess(list_years=[2023, 2024]), indicators=ds.indicators,
                              targets=t)


def _look(fig: Figure, area_id: str) -> tuple[str, str, str]:
    """The colour, marker and line style of an area's values in ``fig`` (the same in each
    panel of a dashboard)."""
    looks = {(matplotlib.colors.to_hex(a.get_color()), a.get_marker(), a.get_linestyle())
             for a in _gid(fig, f"area:{area_id}") if isinstance(a, Line2D)}
    (look,) = looks
    return look


def test_an_area_looks_the_same_in_the_trend_and_the_targets_and_neutral_on_its_dashboard(
        board):
    trend = board["trend_employment"]
    areas = sorted(a.get_gid().split(":", 1)[1] for a in trend.findobj(Line2D)
                   if str(a.get_gid()).startswith("area:"))
    assert len(areas) == 5 and len({_look(trend, a) for a in areas}) == 5
    for aid in PLAN_AREAS:
        look = _look(trend, aid)
        assert _look(board[f"targets_{OUTSIDE}"], aid) == look, aid
        # A dashboard shows one area beside the category strip: the neutral style, never a
        # colour that is also a category's (vermillion = ghettoområde).
        dash = _look(board[f"dashboard_{aid}"], aid)
        assert dash[0] == style.series_style(0)["color"].lower(), aid
        assert dash[0] not in {c.lower() for c in style.CATEGORY_COLORS.values()}, aid
        (path,) = _gid(board[f"targets_{OUTSIDE}"], f"target-path:{aid}")
        assert matplotlib.colors.to_hex(path.get_color()) == look[0], aid
    # An area alone in a targets chart is not blue for being the first: it keeps its look.
    alone = _look(board[f"targets_{INCOME}"], "viborg-vestervang")
    assert alone == _look(trend, "viborg-vestervang")
    assert alone[0] != matplotlib.colors.to_hex(style.series_style(0)["color"])
    (mark,) = _gid(board[f"targets_{INCOME}"], "target:viborg-vestervang")
    assert matplotlib.colors.to_hex(mark.get_markeredgecolor()) == alone[0]


def test_a_chart_of_some_areas_gives_each_its_look_among_all_the_datasets_areas():
    ds = bm.example_data()
    res = ds.assess(list_years=[2024])
    vv = "viborg-vestervang"
    every = plots.plot_trend(res, "employment")
    alone = plots.plot_trend(res, "employment", areas=[vv])
    target = plots.plot_targets(_targets((vv, OUTSIDE, 0.35, 2025, "below")), ds.indicators)
    assert _look(alone, vv) == _look(every, vv) == _look(target, vv)
    # The rule: the areas sorted by id, whatever order they are given in.
    assert style.area_styles(["b", "c", "a"]) == style.area_styles(["a", "b", "c"])
    assert style.area_styles(["b", "a"])["b"] == style.series_style(1)
    assert style.area_styles(["b"], shown=["a", "b"])["a"] == style.series_style(1)


def test_a_target_of_every_area_is_one_mark_in_no_areas_colour_labelled_once(board):
    fig = board[f"targets_{OUTSIDE}"]
    marks = [a for a in fig.findobj(Line2D) if str(a.get_gid()).startswith("target:")]
    assert [m.get_gid() for m in marks] == ["target:all"]
    assert list(marks[0].get_xdata()) == [2025] and list(marks[0].get_ydata()) == [0.35]
    areas = {_look(fig, a)[0] for a in PLAN_AREAS}
    assert matplotlib.colors.to_hex(marks[0].get_markeredgecolor()) not in areas
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_gid() == "target-label"]
    assert [t.get_text() for t in texts] == ["35,0 pct."]
    assert matplotlib.colors.to_hex(texts[0].get_color()) not in areas


def _label_boxes(fig: Figure) -> list:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # the layout places the labels
    renderer = canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in fig.findobj(matplotlib.text.Text)
            if t.get_gid() == "target-label"]


def test_targets_of_some_areas_share_a_mark_and_close_targets_labels_do_not_overlap():
    ind = _indicators({"A": [0.41, 0.40, 0.39, 0.38, 0.37], "B": [0.40, 0.39, 0.39, 0.38, 0.38],
                       "C": [0.36, 0.36, 0.35, 0.36, 0.36]})
    t = _targets(("A", OUTSIDE, 0.35, 2025, "below"), ("B", OUTSIDE, 0.35, 2025, "below"),
                 ("C", OUTSIDE, 0.351, 2025, "below"))
    fig = plots.plot_targets(t, ind, plan_period=(2021, 2025))
    assert sorted(a.get_gid() for a in fig.findobj(Line2D)
                  if str(a.get_gid()).startswith("target:")) == ["target:A+B", "target:C"]
    a, b = _label_boxes(fig)
    assert a.y1 <= b.y0 or b.y1 <= a.y0, (a, b)
    # Drawn into a caller's figure (not laid out by the package), apart too.
    caller = Figure(figsize=(6.3, 3.4))
    plots.plot_targets(t, ind, plan_period=(2021, 2025), ax=caller.add_subplot())
    a, b = _label_boxes(caller)
    assert a.y1 <= b.y0 or b.y1 <= a.y0, (a, b)


# --- the report -------------------------------------------------------------------------------


def test_the_report_has_a_section_of_the_plans_targets_apart_from_the_criteria():
    from boligmonitor.report import build_report

    t = _targets(("viborg-houlkaervaenget", OUTSIDE, 0.35, 2025, "below"),
                 ("viborg-ellekonebakken", INCOME, 400_000, 2025, "above"))
    content = build_report(bm.example_data(), list_year=2025, plan_name="Helhedsplan 2021-2025",
                           plan_period=(2021, 2025), targets=t)
    assert content.plan.title == "Helhedsplanens mål: Helhedsplan 2021-2025"
    rows = [[c.text for c in r] for r in content.plan.table.rows]
    assert rows[0][2] == "højst 35,0 pct. i 2025" and rows[0][6] == "Nået"
    assert rows[1][2] == "mindst 400.000 kr. i 2025" and rows[1][6] == "Ikke nået i målåret"
    assert content.plan.chart_keys == (f"targets-{OUTSIDE}", f"targets-{INCOME}")
    # A sheet of its own in the workbook, where a number never stands without what it means:
    # the direction and the years in columns of their own (the table's cells join them).
    sheet = content.sheets[-1]
    assert sheet is content.plan.sheet and sheet.title == content.plan.title
    assert sheet.columns == ("Område", "Indikator", "Retning", "Mål", "Målår", "Udgangspunkt",
                             "Udgangsår", "Seneste", "Seneste år", "Afstand til målet",
                             "Status")
    cells = [[(c.text, c.raw) for c in r] for r in sheet.rows]
    assert cells[0][2:5] == [("højst", "højst"), ("35,0 pct.", 0.35), ("2025", 2025)]
    assert cells[1][2:5] == [("mindst", "mindst"), ("400.000 kr.", 400_000), ("2025", 2025)]
    assert [r[6][1] for r in cells] == [2020, 2020] and [r[8][1] for r in cells] == [2025, 2025]
    from openpyxl import load_workbook

    from boligmonitor.report.render_xlsx import render_xlsx

    ws = load_workbook(io.BytesIO(render_xlsx(content))).worksheets[-1]
    assert [c.value for c in ws[2]] == list(sheet.columns)
    assert [c.value for c in ws[3]][2:5] == ["højst", 0.35, 2025]
    # The list criteria are untouched by the targets: no line of an area says "target".
    assert all("mål" not in ln.criterion for a in content.areas for ln in a.lines)
    # An area looks in the report's charts as in the board's trend chart.
    trend = plots.plot_trend(bm.example_data().assess(), "employment")
    (page,) = [a for a in content.areas if a.summary.area_id == "viborg-houlkaervaenget"]
    (dashboard,) = [k for k in page.chart_keys if k.endswith("-dashboard")]
    assert _look(content.charts[f"targets-{OUTSIDE}"].make(), "viborg-houlkaervaenget") == _look(
        trend, "viborg-houlkaervaenget")
    dash = _look(content.charts[dashboard].make(), "viborg-houlkaervaenget")
    assert dash[0] == style.series_style(0)["color"].lower()
    assert build_report(bm.example_data(), list_year=2025).plan is None


def test_no_area_is_drawn_in_the_colour_of_the_lines_of_the_law():
    """With seven areas or more, the seventh was black, like every threshold line."""
    colours = {style.area_styles([f"a{i:02d}" for i in range(12)])[f"a{i:02d}"]["color"]
               for i in range(12)}
    assert style.THRESHOLD_COLOR not in colours and len(colours) == len(style.AREA_COLORS)
