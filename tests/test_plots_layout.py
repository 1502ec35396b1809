"""The charts' layout and their text from the data: every text inside the figure and clear of
every other text, a layout computed once that a second pass would not move, the same bytes in
any order and in worker processes, and hostile area names drawn as plain text.

The board is built and drawn once per session for the example data and once for a hostile
name; the tests read those drawings.
"""

from __future__ import annotations

import os
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

import boligmonitor as bm
from boligmonitor import plots
from boligmonitor.errors import OptionError
from boligmonitor.io.figures import (
    default_workers,
    figure_bytes,
    figures_bytes,
    freeze_layout,
    save_figures,
)
from boligmonitor.plots.layout import ChartLayout
from figure_texts import drawn_texts, overlap

# Every family of hostile text in one area name: mathtext with an unknown command, control
# characters, a right-to-left override, XML specials, and length (about 5,000 characters).
MATH = r"$\undefinedcmd{x}$"
HOSTILE = (MATH + " Ring\x00\x07\x1b\u202eparken <&>\"' $\\alpha$ "
           + "Vestervangsparkens afdeling " * 178)
HOSTILE_ID = "viborg-vestervang"


# The resolutions the package draws charts at: the report's images and `boligmonitor plot`.
REPORT_DPI, PLOT_DPI = 150, 300


@dataclass
class Board:
    figures: dict[str, Figure]
    texts: dict[str, list[tuple[str, object]]]  # chart: (text, bbox in pixels) drawn
    warnings: dict[str, list[str]]
    # chart: (panel positions, x ranges) after the layout ran once, and after it ran again
    passes: dict[str, tuple[list, list]]


# A plan's target with area = "all": one target per plan area (every area of the long names),
# the same value in the same year, so one point in the targets chart.
PLAN_AREAS = ("viborg-vestervang", "viborg-ringparken", "viborg-klostervaenget",
              "viborg-houlkaervaenget")
TARGETS = pd.DataFrame([{"area_id": a, "indicator": "share_outside_work_education_18_64",
                         "value": 0.35, "year": 2025, "direction": "below"}
                        for a in PLAN_AREAS])


def _board(data, lang: str = "da", dpi: float = REPORT_DPI, validate: bool = True) -> Board:
    result = data.assess(validate=validate)
    ew = data.early_warning(int(result.areas["list_year"].max()), validate=validate)
    shown, ind = plots.suppress_for_charts(result, data.indicators, 5)
    ew = plots.suppress_warning_for_charts(ew, data.indicators, 5)
    figures = plots.board_charts(shown, indicators=ind, warning=ew, lang=lang,
                                 is_example=data.is_example, targets=TARGETS)
    texts, caught, passes = {}, {}, {}
    for key, fig in figures.items():
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            engine = fig.get_layout_engine()
            assert isinstance(engine, ChartLayout), key
            engine.execute(fig)
            first = (_positions(fig), [ax.get_xlim() for ax in fig.axes])
            # Run again on the laid-out chart: what one pass gave must not move.
            engine.is_done = False
            engine.execute(fig)
            passes[key] = (first, (_positions(fig), [ax.get_xlim() for ax in fig.axes]))
            freeze_layout(fig)
            texts[key] = drawn_texts(fig, dpi)
        caught[key] = [str(x.message) for x in w]
    return Board(figures, texts, caught, passes)


def _positions(fig: Figure) -> list[tuple[float, ...]]:
    return [tuple(ax.get_position().bounds) for ax in fig.axes]


# Long names, each in its own area of one dataset (so one board shows all three): a formula,
# a long Danish name that wraps, and one long word.
LONG_NAMES = {
    "viborg-klostervaenget": '=HYPERLINK("http://example.invalid","klik")',
    "viborg-vestervang": ("Boligforeningen Vestervang og omegns afdeling nummer syv, blok A til "
                          "og med blok K"),
    "viborg-ringparken": "X" * 200,
}


def _named_data(names: dict[str, str]):
    from boligmonitor.datasets import dataset_from_tables

    ex = bm.example_data()
    ind = ex.indicators.copy()
    ind.attrs = {}
    ind["area_name"] = ind["area_name"].astype(str)
    for area_id, name in names.items():
        ind.loc[ind["area_id"] == area_id, "area_name"] = name
    refs, mem = ex.references.copy(), ex.memberships.copy()
    refs.attrs, mem.attrs = {}, {}
    return dataset_from_tables(indicators=ind, references=refs, memberships=mem)


@pytest.fixture(scope="session")
def example_board():
    return _board(bm.example_data())


@pytest.fixture(scope="session")
def english_board():
    # At the resolution of `boligmonitor plot`: the English margins chart's title used to
    # end beyond the figure there (laid out at 100 dpi with hinted text, drawn wider).
    return _board(bm.example_data(), "en", PLOT_DPI)


@pytest.fixture(scope="session")
def hostile_board():
    # Validation rejects such a name at the front door (tests/test_hostile_input.py); it is let
    # through here on purpose, to show that the charts are safe on their own.
    return _board(_named_data({HOSTILE_ID: HOSTILE}), validate=False)


@pytest.fixture(scope="session")
def long_names_board():
    return _board(_named_data(LONG_NAMES))


@pytest.fixture(scope="session")
def long_names_english_board():
    return _board(_named_data(LONG_NAMES), "en", PLOT_DPI)


BOARDS = ["example_board", "english_board", "hostile_board", "long_names_board",
          "long_names_english_board"]


# --- text stays in the figure and clear of other text ------------------------------------------


@pytest.mark.parametrize("board", BOARDS)
def test_every_text_is_inside_its_figure(board, request):
    b: Board = request.getfixturevalue(board)
    for key, fig in b.figures.items():
        w, h = fig.bbox.width, fig.bbox.height
        for text, box in b.texts[key]:
            assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= w and box.y1 <= h, (key, text[:60])


@pytest.mark.parametrize("board", BOARDS)
def test_no_text_overlaps_another(board, request):
    b: Board = request.getfixturevalue(board)
    for key, texts in b.texts.items():
        clashes = [(s[:40], t[:40]) for i, (s, a) in enumerate(texts)
                   for t, c in texts[i + 1:] if overlap(a, c)]
        assert not clashes, (key, clashes)


@pytest.mark.parametrize("board", BOARDS)
def test_charts_are_laid_out_without_a_warning_and_keep_room_for_their_panels(board, request):
    # A long area name used to collapse panels to nothing ("constrained_layout not applied
    # because axes sizes collapsed to zero").
    b: Board = request.getfixturevalue(board)
    for key, fig in b.figures.items():
        assert b.warnings[key] == [], key
        assert all(ax.get_position().width > 0.15 and ax.get_position().height > 0.03
                   for ax in fig.axes if ax.axison), key


# --- text from the data is plain text ----------------------------------------------------------


def test_a_hostile_name_is_drawn_as_plain_text_in_every_chart(hostile_board):
    drawn = [t for texts in hostile_board.texts.values() for t, _ in texts]
    named = [t for t in drawn if "Ring" in t]
    assert named, "the hostile name is drawn"
    # As typed: no mathtext (an unknown command would not parse, $\\alpha$ would be a glyph).
    assert any(MATH in t for t in named) and any("$\\alpha$" in t for t in named)
    assert any("<&>\"'" in t for t in named)
    for t in named:
        assert "\u202e" not in t and not any(ord(c) < 32 and c != "\n" for c in t), t[:40]
    for fig in hostile_board.figures.values():
        for t in fig.findobj(Text):
            if "$" in t.get_text():
                assert t.get_parse_math() is False, t.get_text()[:40]


def test_every_long_name_is_in_every_chart_of_its_board(long_names_board):
    figures = long_names_board.figures
    assert {"overview", "margins_2025", "trend_employment", "early_warning_2026",
            "dashboard_viborg-ringparken", "raw_vs_averaged_viborg-ringparken",
            "targets_share_outside_work_education_18_64"} <= set(figures)
    for key, texts in long_names_board.texts.items():
        drawn = " ".join(t for t, _ in texts).replace("\n", " ")
        # A chart of one area shows its own name; the others every area's.
        if key.startswith(("dashboard_", "raw_vs_averaged_")):
            ids = [a for a in LONG_NAMES if key.endswith(a)]
        else:
            ids = list(LONG_NAMES)
        for area_id in ids:
            assert LONG_NAMES[area_id][:20] in drawn, (key, area_id)


def test_a_5000_character_name_is_cut_to_two_lines_in_the_title(hostile_board):
    fig = hostile_board.figures[f"dashboard_{HOSTILE_ID}"]
    (title,) = [t for t in fig.texts if t.get_gid() == "title"]
    assert title.get_text().count("\n") == 1 and title.get_text().endswith("…")
    assert title.get_text().startswith(MATH)
    assert len(HOSTILE) > 4900


def test_the_svg_of_a_hostile_name_is_well_formed_xml(hostile_board):
    for key in ("overview", f"dashboard_{HOSTILE_ID}", "trend_employment"):
        svg = figure_bytes(hostile_board.figures[key], "svg", dpi=72)
        root = ET.fromstring(svg)  # raises on control characters or unescaped specials
        assert root.tag.endswith("svg")
        assert "\u202e".encode() not in svg and b"\x00" not in svg


# --- one layout, deterministic ------------------------------------------------------------------


@pytest.mark.parametrize("board", BOARDS)
def test_the_layout_is_a_fixed_point_a_second_pass_moves_nothing(board, request):
    # One measurement is the layout: nothing a panel holds takes more or less room when the
    # panel changes size. A second run of the engine on the laid-out chart must agree.
    b: Board = request.getfixturevalue(board)
    for key, ((pos1, xlim1), (pos2, xlim2)) in b.passes.items():
        np.testing.assert_allclose(pos2, pos1, rtol=0, atol=1e-9, err_msg=key)
        np.testing.assert_allclose(xlim2, xlim1, rtol=1e-12, err_msg=key)


def test_the_layout_is_the_same_whatever_format_or_resolution_is_saved_first():
    result = bm.example_data().assess()
    png_first = figure_bytes(plots.plot_area_dashboard(result, "viborg-ringparken"), "png", 80)
    fig = plots.plot_area_dashboard(result, "viborg-ringparken")
    figure_bytes(fig, "pdf")
    figure_bytes(fig, "svg", dpi=300)
    assert figure_bytes(fig, "png", 80) == png_first


def test_saving_runs_the_layout_once(monkeypatch):
    calls = []
    original = ChartLayout._execute
    monkeypatch.setattr(ChartLayout, "_execute",
                        lambda self, fig: (calls.append(fig), original(self, fig))[1])
    fig = plots.plot_trend(bm.example_data().assess(), "employment")
    for fmt in ("png", "svg", "pdf"):
        figure_bytes(fig, fmt, dpi=50)
    assert len(calls) == 1
    assert fig.get_layout_engine() is None  # frozen: savefig does not draw it twice


def test_a_callers_constrained_figure_is_laid_out_once_and_frozen_on_a_grid():
    fig = Figure(layout="constrained")
    ax = fig.add_subplot(2, 1, 1)
    plots.plot_trend(bm.example_data().assess(), "employment", ax=ax)
    a = figure_bytes(fig, "png", dpi=40)
    assert fig.get_layout_engine() is None
    assert all(v == round(v, 6) for ax in fig.axes if ax.get_axes_locator() is None
               for v in ax.get_position().bounds)
    assert figure_bytes(fig, "png", dpi=40) == a


# --- many charts in worker processes ---------------------------------------------------------


def test_charts_drawn_in_workers_are_the_bytes_drawn_one_by_one():
    result = bm.example_data().assess()
    recipes = [lambda: plots.plot_area_dashboard(result, "viborg-ringparken"),
               lambda: plots.plot_overview(result, is_example=True),
               lambda: plots.plot_margins(result)]
    serial = list(figures_bytes(recipes, ("png", "svg"), dpi=40, workers=1))
    parallel = list(figures_bytes(recipes, ("png", "svg"), dpi=40, workers=2))
    assert parallel == serial
    assert [len(x) for x in parallel] == [2] * 3


def test_few_charts_or_busy_processors_draw_in_this_process(monkeypatch):
    monkeypatch.delenv("BOLIGMONITOR_WORKERS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.3, 0.3, 0.3))
    assert default_workers(1) == 1 and default_workers(3) == 1
    assert default_workers(13) == 2
    monkeypatch.setenv("BOLIGMONITOR_WORKERS", "1")
    assert default_workers(13) == 1
    monkeypatch.setenv("BOLIGMONITOR_WORKERS", "two")
    with pytest.raises(OptionError, match="BOLIGMONITOR_WORKERS"):
        default_workers(13)
    monkeypatch.delenv("BOLIGMONITOR_WORKERS")
    monkeypatch.setattr(os, "getloadavg", lambda: (2.4, 2.0, 2.0))
    assert default_workers(13) == 1


def test_a_chart_that_fails_in_a_worker_fails_the_save_and_writes_nothing(tmp_path):
    def broken():
        raise KeyError("no rows for criterion 'nonsense'")

    result = bm.example_data().assess()
    recipes = [lambda: plots.plot_overview(result)] * 4 + [broken]
    with pytest.raises(KeyError, match="nonsense"):
        list(figures_bytes(recipes, ("png",), dpi=30, workers=2))
    figs = {"a": plots.plot_overview(result), "b": plots.plot_margins(result),
            "c": plots.plot_overview(result), "d": Figure()}
    figs["d"].add_subplot().text(0, 0, MATH).set_parse_math(True)  # mathtext that cannot parse
    with pytest.raises(ValueError):
        save_figures(figs, tmp_path / "out", ("png",), dpi=30, workers=2)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
