"""The board's charts: their structure (lines and data, thresholds per year, shading, labels,
the example-data mark, gaps), checked on the figure objects rather than on pixels."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

import boligmonitor as bm
from boligmonitor import plots, style
from boligmonitor.labels import label

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def data():
    return bm.example_data()


@pytest.fixture(scope="module")
def result(data):
    return bm.assess(data.indicators, data.references, data.memberships)


@pytest.fixture(scope="module")
def warning(data, result):
    return bm.early_warning(data.indicators, data.references, data.memberships,
                            list_year=int(result.areas["list_year"].max()))


def _artists(fig: Figure, gid: str):
    return [a for a in fig.findobj(lambda a: a.get_gid() == gid)]


def _line(fig: Figure, gid: str) -> Line2D:
    (line,) = [a for a in _artists(fig, gid) if isinstance(a, Line2D)]
    return line


def _title(fig: Figure) -> str:
    """The chart's title: the figure title of a chart that made its figure."""
    (title,) = _artists(fig, "title")
    return title.get_text()


def _legend(fig: Figure):
    """The chart's legend: in the footer of a chart that made its figure."""
    (legend,) = fig.legends
    return legend


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def _step_value(line: Line2D, year: int) -> float:
    """The value a threshold step line has over list year ``year``."""
    x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    for i in range(len(x) - 1):
        if x[i] == year - 0.5 and x[i + 1] == year + 0.5:
            return float(y[i])
    return np.nan


def _list_rows(result, criterion: str) -> pd.DataFrame:
    """The rows plot_trend draws by default: each year's first classification with it."""
    c = result.criteria
    c = c[c["criterion"] == criterion]
    c = c.assign(_r=(c["role"].astype(str) != "criteria").astype(int))
    return c.sort_values(["_r"], kind="stable").drop_duplicates(
        ["area_id", "list_year"]).sort_index()


# --- trend ------------------------------------------------------------------------------------


def test_trend_draws_each_area_with_its_scored_values(result):
    fig = plots.plot_trend(result, "employment")
    rows = _list_rows(result, "employment")
    for area, grp in rows.groupby("area_id", observed=True):
        line = _line(fig, f"area:{area}")
        got = pd.Series(line.get_ydata(), index=line.get_xdata())
        want = grp.set_index("list_year")["value"].astype(float)
        np.testing.assert_allclose(got.reindex(want.index).to_numpy(), want.to_numpy())


def test_trend_threshold_is_the_rule_value_of_each_year_for_an_absolute_line(result):
    fig = plots.plot_trend(result, "education")
    line = _line(fig, "threshold")
    for year in range(2013, 2026):
        rules = bm.rules_for_year(year)
        crit = next(c for cl, c in rules.criteria() if c.id == "education")
        assert _step_value(line, year) == pytest.approx(crit.threshold), year


def test_trend_relative_threshold_moves_with_the_reference_values(data, result):
    fig = plots.plot_trend(result, "crime")
    line = _line(fig, "threshold")
    refs = data.references
    national = refs[(refs["scope"] == "national") & (refs["indicator"] ==
                                                     "share_convicted_18plus")]
    national = national.set_index("year")["value"]
    for year in range(2018, 2026):
        crit = next(c for cl, c in bm.rules_for_year(year).criteria() if c.id == "crime")
        assert crit.reference == "national"
        want = crit.threshold * national.loc[[year - 2, year - 1]].mean()
        assert _step_value(line, year) == pytest.approx(want), year
    # The 2013 rules: an absolute line of 2.7 %.
    assert _step_value(line, 2015) == pytest.approx(0.027)
    values = {round(_step_value(line, y), 8) for y in range(2018, 2026)}
    assert len(values) > 1, "a relative line must be drawn moving"


def test_trend_marks_each_change_of_rule_set(result):
    fig = plots.plot_trend(result, "employment")
    xs = sorted(a.get_xdata()[0] for a in _artists(fig, "regime-change"))
    assert xs == [2012.5, 2017.5, 2020.5]
    assert "Regler 2018" in _texts(fig)


def test_trend_shades_the_plan_period_default_and_configured(result):
    fig = plots.plot_trend(result, "employment")
    (span,) = _artists(fig, "plan-period")
    assert (span.get_x(), span.get_x() + span.get_width()) == (2020.5, 2025.5)
    assert "Helhedsplan 2021-2025" in _texts(fig)
    fig = plots.plot_trend(result, "employment", plan_period=(2019, 2022))
    (span,) = _artists(fig, "plan-period")
    assert (span.get_x(), span.get_x() + span.get_width()) == (2018.5, 2022.5)
    assert _artists(plots.plot_trend(result, "employment", plan_period=None),
                    "plan-period") == []


def _met_side_bounds(fig: Figure) -> tuple[float, float]:
    (poly,) = [a for a in _artists(fig, "met-side") if isinstance(a, PolyCollection)]
    verts = np.concatenate([p.vertices for p in poly.get_paths()])
    return float(verts[:, 1].min()), float(verts[:, 1].max())


def test_met_side_is_above_a_greater_than_line_and_below_a_less_than_line(result):
    fig = plots.plot_trend(result, "employment")
    ax = fig.axes[0]
    lo, hi = _met_side_bounds(fig)
    assert hi == pytest.approx(ax.get_ylim()[1]) and lo == pytest.approx(0.40)
    fig = plots.plot_trend(result, "income")
    ax = fig.axes[0]
    lo, hi = _met_side_bounds(fig)
    assert lo == pytest.approx(ax.get_ylim()[0])
    assert hi < ax.get_ylim()[1]


def test_latest_value_is_labelled_in_danish_and_english(result):
    rows = _list_rows(result, "employment")
    last = rows[(rows["list_year"] == 2025) & (rows["area_name"] == "Houlkærvænget")]
    v = float(last["value"].iloc[0])
    fig = plots.plot_trend(result, "employment", "Houlkærvænget")
    labels_ = [t.get_text() for t in _artists(fig, "latest-label")]
    assert labels_ == [style.fmt_pct(v, 1, "da")]
    assert "," in labels_[0] and labels_[0].endswith(" pct.")
    fig = plots.plot_trend(result, "employment", "Houlkærvænget", lang="en")
    assert [t.get_text() for t in _artists(fig, "latest-label")] == [style.fmt_pct(v, 1, "en")]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_trend_texts_come_from_the_catalogue_in_the_language_asked(result, lang):
    fig = plots.plot_trend(result, "employment", lang=lang)
    ax = fig.axes[0]
    assert _title(fig) == label("criterion.employment", lang)
    assert ax.get_xlabel() == label("chart.list_year", lang)
    legend = [t.get_text() for t in _legend(fig).get_texts()]
    assert label("chart.threshold", lang) in legend
    assert label("chart.met_side", lang) in legend
    other = "en" if lang == "da" else "da"
    assert label("chart.threshold", other) not in legend


def test_example_mark_is_drawn_when_the_data_is_example_and_only_then(result):
    fig = plots.plot_trend(result, "employment", is_example=True)
    (mark,) = _artists(fig, "example-mark")
    assert mark.get_text() == "EKSEMPELDATA" and mark.get_visible()
    fig = plots.plot_trend(result, "employment", is_example=True, lang="en")
    assert _artists(fig, "example-mark")[0].get_text() == "EXAMPLE DATA"
    assert _artists(plots.plot_trend(result, "employment"), "example-mark") == []


def test_example_flag_is_taken_from_the_tables_attrs(result):
    crit = result.criteria.copy()
    crit.attrs["is_example"] = True
    assert len(_artists(plots.plot_trend(crit, "employment"), "example-mark")) == 1


def test_suppressed_value_is_a_gap_not_a_zero(result):
    crit = result.criteria.copy()
    hit = (crit["area_name"] == "Houlkærvænget") & (crit["list_year"] == 2022)
    crit.loc[hit, "value"] = np.nan
    fig = plots.plot_trend(crit, "employment", "Houlkærvænget")
    line = _line(fig, "area:viborg-houlkaervaenget")
    y = pd.Series(line.get_ydata(), index=line.get_xdata())
    assert np.isnan(y[2022])
    assert not (y.dropna() == 0).any()
    assert not np.isnan(y[2021]) and not np.isnan(y[2023])
    assert _legend(fig).get_title().get_text() == label("chart.gaps_note")


def test_missing_reference_makes_a_gap_in_the_threshold(data):
    refs = data.references[data.references["year"] != 2021]
    res = bm.assess(data.indicators, refs, data.memberships, list_years=range(2020, 2025),
                    stated_references=False)
    line = _line(plots.plot_trend(res, "crime"), "threshold")
    assert np.isnan(_step_value(line, 2022)) and np.isnan(_step_value(line, 2023))
    assert not np.isnan(_step_value(line, 2024))
    # With the published values (the default), the list of 2022 has its own published line
    # (1,45 % = 2 x the national average, so 3 x it for udsat); 2023 has none.
    res = bm.assess(data.indicators, refs, data.memberships, list_years=range(2020, 2025))
    line = _line(plots.plot_trend(res, "crime"), "threshold")
    assert _step_value(line, 2022) == pytest.approx(3 * 0.0145 / 2)
    assert np.isnan(_step_value(line, 2023))


def test_trend_can_draw_into_a_given_axes(result):
    fig = Figure()
    ax = fig.add_subplot(2, 1, 1)
    out = plots.plot_trend(result, "employment", is_example=True, ax=ax)
    assert out is fig
    assert len(_artists(fig, "example-mark")) == 1


def test_unknown_area_and_criterion_name_what_is_allowed(result):
    with pytest.raises(KeyError, match="Houlkærvænget"):
        plots.plot_trend(result, "employment", "Nowhere")
    with pytest.raises(KeyError, match="no rows for criterion"):
        plots.plot_trend(result, "nonsense")


# --- the other charts -------------------------------------------------------------------------


def test_overview_colours_each_cell_by_category_and_counts_criteria_met(result):
    fig = plots.plot_overview(result, is_example=True)
    areas = result.areas
    for r in areas.itertuples():
        (cell,) = _artists(fig, f"cell:{r.area_id}:{r.list_year}")
        assert isinstance(cell, Rectangle)
        want = matplotlib.colors.to_rgba(style.CATEGORY_COLORS[str(r.category)])
        assert cell.get_facecolor() == pytest.approx(want)
    assert "2/4" in _texts(fig)
    assert "0/4*" in _texts(fig)  # Klostervænget: under 1,000 residents
    assert label("category.udsat_boligomraade") in _texts(fig)
    assert len(_artists(fig, "example-mark")) == 1


def test_overview_leaves_an_area_year_without_data_empty(result):
    areas = result.areas[~((result.areas["area_name"] == "Vestervang")
                           & (result.areas["list_year"] == 2022))]
    fig = plots.plot_overview(areas)
    assert _artists(fig, "cell:viborg-vestervang:2022") == []
    assert len(_artists(fig, "cell:viborg-vestervang:2023")) == 1


def test_margins_are_sorted_and_met_apart_from_not_met(result):
    fig = plots.plot_margins(result, 2020)
    bars = [p for p in _artists(fig, "margin:employment") if isinstance(p, Rectangle)]
    widths = [b.get_width() for b in bars]
    assert widths == sorted(widths)
    rows = _list_rows(result, "employment")
    rows = rows[rows["list_year"] == 2020]
    assert sorted(widths) == pytest.approx(sorted(rows["margin"].astype(float)))
    met = matplotlib.colors.to_rgba(style.MET_COLOR)
    not_met = matplotlib.colors.to_rgba(style.NOT_MET_COLOR)
    for b in bars:
        if b.get_width() > 0:
            assert b.get_facecolor() == pytest.approx(met) and b.get_hatch()
        else:
            assert b.get_facecolor() == pytest.approx(not_met) and not b.get_hatch()
    assert label("chart.margins_title").format(year=2020) in _texts(fig)


def test_margins_of_a_missing_value_are_a_gap_labelled_missing(result):
    crit = result.criteria.copy()
    hit = (crit["area_name"] == "Ringparken") & (crit["list_year"] == 2025)
    crit.loc[hit, ["value", "margin"]] = np.nan
    fig = plots.plot_margins(crit, 2025, lang="en")
    bars = [p for p in _artists(fig, "margin:employment") if isinstance(p, Rectangle)]
    assert sum(not b.get_visible() for b in bars) == 1
    assert "missing" in " ".join(_texts(fig))
    assert "suppressed" not in " ".join(_texts(fig))


def test_margins_of_a_suppressed_value_are_a_gap_labelled_suppressed_not_missing(data, result):
    ind = data.indicators.copy()
    small = (ind["area_name"] == "Ringparken") & (ind["year"] == 2024)
    ind.loc[small, "n_convicted_18plus"] = 2.0
    ind.loc[small, "share_convicted_18plus"] = 2.0 / ind.loc[small, "n_residents_18plus"]
    safe, _ = plots.suppress_for_charts(result, ind, min_cell=5)
    fig = plots.plot_margins(safe, 2025, lang="en")
    bars = [p for p in _artists(fig, "margin:crime") if isinstance(p, Rectangle)]
    assert sum(not b.get_visible() for b in bars) == 2  # udsat and forebyggelse panels
    texts = " ".join(_texts(fig))
    assert "suppressed" in texts and "missing" not in texts


def test_early_warning_draws_each_boundary_and_latest_value(warning):
    fig = plots.plot_early_warning(warning, lang="en")
    b = warning.boundaries
    b = b[(b["classification"] == "udsat") & (b["criterion"] == "employment")]
    line = _line(fig, "boundary:employment")
    assert sorted(line.get_xdata()) == pytest.approx(sorted(b["boundary"]))
    assert label("chart.early_warning_title", "en").format(year=warning.list_year) in _texts(fig)


def test_early_warning_can_show_only_the_averaged_criteria(warning):
    fig = plots.plot_early_warning(warning, averaged_only=True)
    gids = {a.get_gid() for a in fig.findobj() if str(a.get_gid()).startswith("boundary:")}
    assert gids == {"boundary:employment", "boundary:crime"}


def test_raw_values_by_data_year_beside_the_average_at_its_last_data_year(data, result):
    fig = plots.plot_raw_vs_averaged(result, data.indicators, "Houlkærvænget", "employment")
    raw = _line(fig, "raw:viborg-houlkaervaenget")
    ind = data.indicators[data.indicators["area_name"] == "Houlkærvænget"]
    got = pd.Series(raw.get_ydata(), index=raw.get_xdata()).dropna()
    want = ind.set_index("year")["share_outside_work_education_18_64"].astype(float)
    np.testing.assert_allclose(got.to_numpy(), want.reindex(got.index).to_numpy())
    avg = _line(fig, "averaged:viborg-houlkaervaenget")
    got = pd.Series(avg.get_ydata(), index=avg.get_xdata())
    rows = _list_rows(result, "employment")
    rows = rows[rows["area_name"] == "Houlkærvænget"].set_index("list_year")["value"]
    assert got[2023] == pytest.approx(rows[2024])  # list 2024 averages data years 2022-2023
    assert got[2023] == pytest.approx(want.loc[[2022, 2023]].mean())


def test_dashboard_has_a_category_strip_and_one_panel_per_criterion(result):
    fig = plots.plot_area_dashboard(result, "viborg-houlkaervaenget", is_example=True)
    crits = set(_list_rows(result, "employment")["criterion"])
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    for crit in ("employment", "crime", "education", "income", "non_western"):
        assert any(t.startswith(label(f"criterion.{crit}")[:20]) for t in titles), crit
    assert crits
    (cell,) = _artists(fig, "cell:viborg-houlkaervaenget:2021")
    assert cell.get_facecolor() == pytest.approx(
        matplotlib.colors.to_rgba(style.CATEGORY_COLORS["udsat_boligomraade"]))
    assert len(_artists(fig, "threshold")) == 5
    assert len(_artists(fig, "example-mark")) == 1


def test_board_charts_returns_every_chart_by_name(data, result, warning):
    figs = plots.board_charts(result, indicators=data.indicators, warning=warning,
                              is_example=True)
    assert {"overview", "margins_2025", "trend_employment",
            "dashboard_viborg-ringparken", "raw_vs_averaged_viborg-ringparken",
            f"early_warning_{warning.list_year}"} <= set(figs)
    assert all(isinstance(f, Figure) and _artists(f, "example-mark") for f in figs.values())


# --- numbers ----------------------------------------------------------------------------------


def test_danish_numbers_have_a_decimal_comma_and_pct():
    assert style.fmt_pct(0.4) == "40,0 pct."
    assert style.fmt_number(1234567.25, 2) == "1.234.567,25"
    assert style.fmt_value(210100, "dkk") == "210.100 kr."
    assert style.fmt_margin(-0.0088, "share") == "−0,9 pct.-point"
    assert style.fmt_margin(0.0, "share") == "0,0 pct.-point"
    assert style.fmt_value(float("nan"), "share") == "–"
