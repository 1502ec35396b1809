"""Chart files (deterministic PNG, SVG, PDF; atomic writes), the Jupyter tables and the
``plot`` command."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import boligmonitor as bm
from boligmonitor import plots
from boligmonitor.cli import main
from boligmonitor.display import assessment_html
from boligmonitor.io.figures import figure_bytes, save_figure, save_figures
from boligmonitor.notebook import notebook_dataset


@pytest.fixture(scope="module")
def data():
    return bm.example_data()


@pytest.fixture(scope="module")
def result(data):
    return bm.assess(data.indicators, data.references, data.memberships)


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_saving_the_same_figure_twice_gives_identical_bytes(result, tmp_path, fmt):
    fig = plots.plot_trend(result, "crime", is_example=True)
    a = save_figure(fig, tmp_path / f"a.{fmt}", dpi=120).read_bytes()
    b = save_figure(fig, tmp_path / f"b.{fmt}", dpi=120).read_bytes()
    assert a == b


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_the_same_chart_built_twice_gives_identical_bytes_without_dates(result, fmt):
    a = figure_bytes(plots.plot_overview(result, is_example=True), fmt, dpi=100)
    b = figure_bytes(plots.plot_overview(result, is_example=True), fmt, dpi=100)
    assert a == b
    for word in (b"CreationDate", b"ModDate", b"<dc:date>", b"Software", b"Matplotlib v"):
        assert word not in a, word


def test_png_is_saved_at_300_dpi_by_default(result, tmp_path):
    from PIL import Image

    fig = plots.plot_trend(result, "employment")
    path = save_figure(fig, tmp_path / "t.png")
    with Image.open(path) as im:
        assert im.info["dpi"] == pytest.approx((300, 300), abs=0.1)
        assert im.size[0] == pytest.approx(fig.get_figwidth() * 300, abs=2)


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(result, tmp_path, monkeypatch):
    fig = plots.plot_trend(result, "employment")
    target = tmp_path / "chart.svg"
    target.write_bytes(b"previous")

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        save_figure(fig, target)
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.svg"]


def test_an_unknown_suffix_names_the_allowed_ones(result, tmp_path):
    fig = plots.plot_trend(result, "employment")
    with pytest.raises(ValueError, match=r"\.png, \.svg, \.pdf"):
        save_figure(fig, tmp_path / "chart.jpg")


def test_save_figures_writes_every_format_of_every_chart(result, tmp_path):
    figs = {"a": plots.plot_overview(result), "b": plots.plot_margins(result)}
    paths = save_figures(figs, tmp_path / "out", dpi=50)
    assert sorted(p.name for p in paths) == ["a.pdf", "a.png", "a.svg", "b.pdf", "b.png",
                                             "b.svg"]


# --- Jupyter ----------------------------------------------------------------------------------


def test_an_assessment_displays_as_coloured_html_in_jupyter(result):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    assert bm.register_jupyter_display(shell)
    html = shell.display_formatter.format(result)[0]["text/html"]
    assert "Resultat af scoringen" in html
    assert "#E69F00" in html  # udsat boligområde, the charts' colour
    assert "bm-met" in html and "bm-notmet" in html
    assert "Houlkærvænget" in html
    assert isinstance(result.areas, type(result.criteria))  # tables stay plain DataFrames


def test_the_html_escapes_text_from_the_data(data):
    ind = data.indicators.copy()
    ind["area_name"] = ind["area_name"].astype(str).str.replace(
        "Ringparken", "<script>alert(1)</script>")
    res = bm.assess(ind, data.references, data.memberships, list_years=[2024, 2025])
    html = assessment_html(res, is_example=True)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Eksempeldata" in html


def test_notebooks_read_the_processed_store_named_by_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("BOLIGMONITOR_PROCESSED", raising=False)
    assert notebook_dataset().is_example
    main(["ingest", *map(str, bm.example_files().values()), "--processed", str(tmp_path)])
    monkeypatch.setenv("BOLIGMONITOR_PROCESSED", str(tmp_path))
    ds = notebook_dataset()
    assert ds.indicators is not None and len(ds.indicators) == 100


# --- the command ------------------------------------------------------------------------------


def test_plot_command_writes_the_board_charts(tmp_path, capsys):
    out = tmp_path / "charts"
    assert main(["plot", "--out", str(out), "--format", "png", "--dpi", "30",
                 "--list-year", "2024"]) == 0
    names = sorted(p.name for p in Path(out).iterdir())
    assert "boligmonitor-figures.json" in names  # the manifest of the charts it wrote
    names.remove("boligmonitor-figures.json")
    assert "overview.png" in names and "margins_2024.png" in names
    assert "early_warning_2025.png" in names
    assert all(n.endswith(".png") for n in names)
    text = capsys.readouterr().out
    assert text.startswith("Eksempeldata")
    assert f"skrev {len(names)} filer" in text


def test_the_example_mark_is_in_the_saved_file(result):
    svg = figure_bytes(plots.plot_overview(result, is_example=True), "svg").decode()
    assert 'id="example-mark"' in svg
    svg = figure_bytes(plots.plot_overview(result, is_example=False), "svg").decode()
    assert 'id="example-mark"' not in svg


def test_a_bad_plan_period_is_one_clear_error(capsys):
    assert main(["plot", "--plan-period", "2021", "--out", "x"]) == 2
    assert "--plan-period" in capsys.readouterr().err


def test_a_chart_built_again_gets_its_layout_to_the_last_bit(result):
    # The layout solver's order depends on memory addresses; figure_bytes freezes the layout
    # on a fixed grid so that the bytes cannot move with it.
    positions = []
    for _ in range(4):
        fig = plots.plot_area_dashboard(result, "viborg-ringparken", is_example=True)
        figure_bytes(fig, "png", dpi=50)
        positions.append([tuple(a.get_position().bounds) for a in fig.axes])
    assert all(p == positions[0] for p in positions[1:])


def _small_counts(data):
    """The example data with 2 convicted persons in Ringparken every year."""
    from boligmonitor.datasets import dataset_from_tables

    ind = data.indicators.copy()
    ind.attrs = {}
    ring = ind["area_id"] == "viborg-ringparken"
    ind.loc[ring, "n_convicted_18plus"] = 2.0
    ind.loc[ring, "share_convicted_18plus"] = 2.0 / ind.loc[ring, "n_residents_18plus"]
    refs, mem = data.references.copy(), data.memberships.copy()
    refs.attrs, mem.attrs = {}, {}
    return dataset_from_tables(indicators=ind, references=refs, memberships=mem)


def test_plot_command_draws_no_early_warning_number_built_on_a_small_count(
        data, tmp_path, monkeypatch):
    from boligmonitor.cli import plot as plot_command

    monkeypatch.setattr(plot_command, "load_dataset", lambda args: _small_counts(data))
    seen = {}

    def spy(result, **kw):
        seen["warning"] = kw["warning"]
        return {"early": plots.plot_early_warning(kw["warning"], is_example=False)}

    monkeypatch.setattr(plots, "board_charts", spy)
    assert main(["plot", "--out", str(tmp_path), "--format", "png", "--dpi", "30",
                 "--list-year", "2025"]) == 0
    b = seen["warning"].boundaries
    hit = (b["area_id"] == "viborg-ringparken") & (b["indicator"] == "share_convicted_18plus")
    assert hit.any()
    assert b.loc[hit, ["boundary", "latest_value", "headroom"]].isna().all().all()
    assert b.loc[~hit & (b["indicator"] == "share_convicted_18plus"), "boundary"].notna().any()


def test_suppress_warning_for_charts_leaves_the_warning_alone_without_indicators(data):
    ew = bm.early_warning(data.indicators, data.references, data.memberships, list_year=2025)
    assert plots.suppress_warning_for_charts(ew, None) is ew
    assert plots.suppress_warning_for_charts(None, data.indicators) is None
    shown = plots.suppress_warning_for_charts(ew, _small_counts(data).indicators, min_cell=5)
    assert shown.list_year == ew.list_year
    # The projection is disclosed too; 2 convicted of many keep every projected category.
    assert (shown.projection.areas["category"].astype(str).tolist()
            == ew.projection.areas["category"].astype(str).tolist())
    assert shown.boundaries["boundary"].isna().sum() > ew.boundaries["boundary"].isna().sum()
