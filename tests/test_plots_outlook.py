"""The outlook's charts, checked on the figure objects: the fan (observed, median, 50 % and 80 %
bands) against each list's line, the probability bars and their numbers, the example mark, the
calibration footnote exactly where the method is not calibrated, English labels, suppressed
values as gaps, and the same bytes twice."""

from __future__ import annotations

import dataclasses

import matplotlib
import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.text import Text

import boligmonitor as bm
from boligmonitor import plots
from boligmonitor.io.figures import figure_bytes
from boligmonitor.outlook.calibration import CALIBRATED
from boligmonitor.outlook.publish import suppress_outlook
from figure_texts import drawn_texts, overlap

matplotlib.use("Agg")
AREA = "viborg-ellekonebakken"
EMPLOYMENT = "share_outside_work_education_18_64"


@pytest.fixture(scope="module")
def data():
    return bm.example_data()


@pytest.fixture(scope="module")
def outlook(data):
    plan = bm.Scenario("plan", "Planen", (bm.outlook.Change(
        "residents", "persons", -200.0, 2027, areas=("viborg-houlkaervaenget",)),))
    return data.outlook(draws=300, seed=4, scenarios=[plan])


def _gid(fig, gid):
    return [a for a in fig.findobj(lambda a: a.get_gid() == gid)]


def _texts(fig):
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def test_a_fan_shows_the_observed_years_the_median_and_both_bands_against_the_lines(outlook):
    fig = plots.plot_outlook_fan(outlook, AREA, EMPLOYMENT, is_example=True)
    (observed,) = [a for a in _gid(fig, "observed") if isinstance(a, Line2D)]
    (median,) = [a for a in _gid(fig, "median") if isinstance(a, Line2D)]
    rows = outlook.projections[(outlook.projections.area_id == AREA)
                               & (outlook.projections.indicator == EMPLOYMENT)
                               & (outlook.projections.scenario == "baseline")]
    drawn = rows[rows.is_projected]
    # the median continues from the last observed value into the drawn years
    assert list(median.get_xdata()[1:]) == list(drawn["year"])
    assert median.get_ydata()[0] == rows.loc[~rows.is_projected, "observed"].iloc[-1]
    np.testing.assert_allclose(median.get_ydata()[1:], drawn["median"])
    assert np.isfinite(observed.get_ydata()).sum() == (~rows.is_projected).sum()
    assert [isinstance(a, PolyCollection) for a in _gid(fig, "band-80")] == [True]
    assert [isinstance(a, PolyCollection) for a in _gid(fig, "band-50")] == [True]
    # the udsat line (40 %) and the forebyggelse line (30 %) of the 2021 rules
    (udsat,) = [a for a in _gid(fig, "threshold:udsat") if isinstance(a, Line2D)]
    (fore,) = [a for a in _gid(fig, "threshold:forebyggelse") if isinstance(a, Line2D)]
    assert set(np.round(udsat.get_ydata(), 6)) == {0.4}
    assert set(np.round(fore.get_ydata(), 6)) == {0.3}
    assert _gid(fig, "example-mark")
    texts = _texts(fig)
    assert "Grænse (Udsat boligområde)" in texts and "80 pct.-interval" in texts


def test_a_relative_line_moves_with_its_drawn_reference_and_shows_its_band(outlook):
    fig = plots.plot_outlook_fan(outlook, AREA, "mean_gross_income_15_64", lang="en",
                                 is_example=False)
    (line,) = [a for a in _gid(fig, "threshold:udsat") if isinstance(a, Line2D)]
    assert len(set(np.round(line.get_ydata(), 0))) > 5  # 55 % of a moving regional mean
    assert _gid(fig, "threshold-band:udsat")
    assert not _gid(fig, "example-mark")
    assert "Line (Vulnerable housing area)" in _texts(fig)


def test_the_footnote_says_not_calibrated_exactly_where_the_method_is_not(outlook):
    assert not outlook.is_calibrated  # the example's smooth invented series
    fig = plots.plot_outlook_area(outlook, AREA, is_example=True)
    (note,) = _gid(fig, "calibration-note")
    assert "ikke kalibreret" in note.get_text()
    ok = dataclasses.replace(outlook, calibration=dataclasses.replace(
        outlook.calibration, status=CALIBRATED))
    assert not _gid(plots.plot_outlook_area(ok, AREA, is_example=True), "calibration-note")
    assert not _gid(plots.plot_outlook_probabilities(ok, is_example=True), "calibration-note")


def test_the_probability_bars_stack_the_categories_and_say_the_chance_of_a_list(outlook):
    fig = plots.plot_outlook_probabilities(outlook, is_example=True)
    s = outlook.summary[(outlook.summary.scenario == "baseline")
                        & (outlook.summary.area_id == AREA)].set_index("list_year")
    p = outlook.probabilities
    for year in outlook.list_years:
        (lab,) = _gid(fig, f"label:{AREA}:{year}")
        assert lab.get_text().endswith("pct.")
        fore = p[(p.area_id == AREA) & (p.list_year == year) & (p.scenario == "baseline")
                 & (p.category == "forebyggelsesomraade")]["probability"].iloc[0]
        bars = _gid(fig, f"bar:{AREA}:forebyggelsesomraade")
        heights = {round(r.get_x() + r.get_width() / 2): r.get_height() for r in bars}
        assert heights.get(year, 0.0) == pytest.approx(fore)
    assert s["probability_listed"].max() > 0  # the chart is not of zeros only


def test_a_scenario_chart_marks_the_baseline_beside_it(outlook):
    fig = plots.plot_outlook_probabilities(outlook, scenario="plan", is_example=True)
    (marks,) = [a for a in _gid(fig, "baseline:viborg-houlkaervaenget")
                if isinstance(a, Line2D)]
    before = outlook.summary[(outlook.summary.scenario == "baseline")
                             & (outlook.summary.area_id == "viborg-houlkaervaenget")]
    np.testing.assert_allclose(marks.get_ydata(), before["probability_listed"])
    assert any("Planen" in t for t in _texts(fig))


def test_suppressed_values_are_gaps_and_the_bytes_repeat(outlook, data):
    ind = data.indicators.copy()
    ind.attrs = {}
    last = (ind.area_id == AREA) & (ind.year == ind.year.max())
    ind.loc[last, "n_convicted_18plus"] = 3.0
    ind.loc[last, "share_convicted_18plus"] = 3.0 / ind.loc[last, "n_residents_18plus"]
    shown = suppress_outlook(outlook, ind, data.references, data.memberships)
    fig = plots.plot_outlook_fan(shown, AREA, "share_convicted_18plus", is_example=True)
    (median,) = [a for a in _gid(fig, "median") if isinstance(a, Line2D)]
    assert np.isnan(median.get_ydata()).all()  # nothing projected from a suppressed start
    # ... and the gap is marked as suppressed, never silent: a dotted band, a legend entry.
    assert _gid(fig, "suppressed")
    assert "Diskretioneret" in [t.get_text() for t in fig.findobj(Text)]
    area = plots.plot_outlook_area(shown, AREA, is_example=True)
    assert _gid(area, "suppressed")
    a = figure_bytes(plots.plot_outlook_area(outlook, AREA, is_example=True), "png", dpi=60)
    b = figure_bytes(plots.plot_outlook_area(outlook, AREA, is_example=True), "png", dpi=60)
    assert a == b


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_text_of_the_outlook_charts_is_inside_its_figure_and_clear_of_the_others(
        outlook, lang):
    long = dataclasses.replace(outlook, summary=outlook.summary.assign(
        area_name=outlook.summary["area_name"].astype(str) + " og omegns afdeling nummer syv"))
    figures = {
        "probabilities": plots.plot_outlook_probabilities(long, lang=lang, is_example=True),
        "scenario": plots.plot_outlook_probabilities(long, scenario="plan", lang=lang,
                                                     is_example=True),
        "area": plots.plot_outlook_area(long, AREA, lang=lang, is_example=True),
        "fan": plots.plot_outlook_fan(long, AREA, "mean_gross_income_15_64", lang=lang,
                                      is_example=True),
    }
    for key, fig in figures.items():
        texts = drawn_texts(fig)
        w, h = fig.bbox.width, fig.bbox.height
        for text, box in texts:
            assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= w and box.y1 <= h, (key, text)
        clashes = [(s[:30], t[:30]) for i, (s, a) in enumerate(texts)
                   for t, c in texts[i + 1:] if overlap(a, c)]
        assert not clashes, (key, clashes)
