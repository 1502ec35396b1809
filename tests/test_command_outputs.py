"""A command never deletes or overwrites what it did not write: the charts (plot, outlook
--charts), the report and the aggregates keep a manifest of their files in the output folder and
replace a file only if the manifest lists it and it is unchanged since (io/output.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from matplotlib.figure import Figure

import boligmonitor as bm
from boligmonitor.cli import main
from boligmonitor.errors import OutputError
from boligmonitor.io.figures import FIGURES_MANIFEST, save_figures
from boligmonitor.report import build_report, write_report
from boligmonitor.report.output import MANIFEST, STAGING_PREFIX

DATE = "2025-12-01"


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _figure(title: str = "x") -> Figure:
    fig = Figure(figsize=(1, 1))
    fig.add_subplot().set_title(title)
    return fig


# --- the charts ---------------------------------------------------------------------------------


def test_plot_refuses_a_folder_holding_the_users_own_overview_png(tmp_path, capsys):
    out = tmp_path / "charts"
    out.mkdir()
    (out / "overview.png").write_bytes(b"my own drawing")
    assert main(["plot", "--out", str(out), "--format", "png", "--dpi", "30",
                 "--list-year", "2024"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "overview.png" in err and "did not write" in err
    assert _tree(out) == {"overview.png": b"my own drawing"}


def test_charts_saved_twice_into_the_same_folder_replace_their_own_files(tmp_path):
    # What plot and outlook --charts do (both save through save_figures; the plot command's
    # manifest: tests/test_plots_export.py::test_plot_command_writes_the_board_charts).
    out = tmp_path / "charts"
    save_figures({"a": _figure(), "b": _figure()}, out, ["png", "svg"], dpi=20)
    first = _tree(out)
    assert set(first) == {"a.png", "a.svg", "b.png", "b.svg", FIGURES_MANIFEST}
    save_figures({"a": _figure(), "b": _figure()}, out, ["png", "svg"], dpi=20)
    assert _tree(out) == first  # the same charts, byte for byte, and the same manifest
    save_figures({"a": _figure("new"), "b": _figure()}, out, ["png", "svg"], dpi=20)
    assert _tree(out)["a.png"] != first["a.png"] and _tree(out)["b.png"] == first["b.png"]


def test_a_chart_the_user_edited_is_refused_on_the_next_run(tmp_path):
    out = tmp_path / "charts"
    save_figures({"a": _figure(), "b": _figure()}, out, ["svg"], dpi=20)
    (out / "a.svg").write_bytes((out / "a.svg").read_bytes() + b"<!-- my note -->")
    before = _tree(out)
    with pytest.raises(OutputError, match=r"a\.svg changed since boligmonitor wrote it"):
        save_figures({"a": _figure("new"), "b": _figure("new")}, out, ["svg"], dpi=20)
    assert _tree(out) == before


def test_other_files_and_earlier_charts_are_left_alone_and_stay_listed(tmp_path):
    out = tmp_path / "charts"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    save_figures({"a": _figure(), "b": _figure()}, out, ["svg"], dpi=20)
    save_figures({"a": _figure("again")}, out, ["png"], dpi=20)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    listed = json.loads((out / FIGURES_MANIFEST).read_text(encoding="utf-8"))["files"]
    assert sorted(listed) == ["a.png", "a.svg", "b.svg"]
    # b.svg, written by the first run and not the second, is still recognised as the charts'.
    save_figures({"b": _figure("later")}, out, ["svg"], dpi=20)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_link_in_place_of_a_chart_is_not_replaced(tmp_path):
    out = tmp_path / "charts"
    save_figures({"a": _figure()}, out, ["svg"], dpi=20)
    elsewhere = tmp_path / "elsewhere.svg"
    os.replace(out / "a.svg", elsewhere)
    (out / "a.svg").symlink_to(elsewhere)  # same bytes, but not the file boligmonitor wrote
    with pytest.raises(OutputError, match=r"a\.svg"):
        save_figures({"a": _figure("new")}, out, ["svg"], dpi=20)
    assert (out / "a.svg").is_symlink()


def test_outlook_charts_refuse_a_users_file_of_a_chart_name(tmp_path, capsys):
    out = tmp_path / "charts"
    args = ["outlook", "--charts", str(out), "--format", "svg", "--draws", "50",
            "--list-years", "2026-2027"]
    assert main(args) == 0
    (name,) = [p.name for p in out.iterdir() if p.suffix == ".svg"][:1]
    (out / name).write_bytes(b"edited")
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and name in err and "changed since" in err
    assert (out / name).read_bytes() == b"edited"


# --- the report ---------------------------------------------------------------------------------


@pytest.fixture
def no_charts(monkeypatch):
    import boligmonitor.report.charts as charts

    monkeypatch.setattr(charts, "render_charts", lambda c, dpi=150, progress=None: {})


def test_a_report_file_the_user_edited_is_refused(tmp_path, no_charts, capsys):
    out = tmp_path / "2025"
    assert main(["report", "--date", DATE, "--out", str(out)]) == 0
    html = out / "report.html"
    html.write_text(html.read_text(encoding="utf-8") + "<p>my note</p>", encoding="utf-8")
    before = _tree(out)
    assert main(["report", "--date", DATE, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "report.html changed since boligmonitor wrote it" in err
    assert _tree(out) == before


def test_a_staging_folder_of_a_killed_report_is_removed_by_the_next_report(tmp_path, no_charts):
    out = tmp_path / "2025"
    content = build_report(bm.example_data(), date=DATE)
    write_report(content, out)
    leftover = out / f"{STAGING_PREFIX}killed"
    (leftover / "new").mkdir(parents=True)
    (leftover / "new" / "report.html").write_bytes(b"half")
    os.utime(leftover, (1_000_000_000, 1_000_000_000))  # long before this run
    not_a_folder = out / f"{STAGING_PREFIX}file"
    other_prefix = out / ".boligmonitor-figures-x"
    not_a_folder.write_bytes(b"x")
    other_prefix.mkdir()
    os.utime(not_a_folder, (1_000_000_000, 1_000_000_000))
    os.utime(other_prefix, (1_000_000_000, 1_000_000_000))
    write_report(content, out)
    assert not leftover.exists()
    assert not_a_folder.read_bytes() == b"x" and other_prefix.is_dir()  # not the report's
    assert MANIFEST in {p.name for p in out.iterdir()}


def test_a_staging_folder_removal_spares_files_and_other_prefixes(tmp_path, no_charts):
    out = tmp_path / "charts"
    save_figures({"a": _figure()}, out, ["svg"], dpi=20)
    old = (1_000_000_000, 1_000_000_000)
    kinds = {".boligmonitor-figures-killed": "dir", ".boligmonitor-figures-note": "file",
             ".boligmonitor-report-x": "dir", "mine": "dir"}
    for name, what in kinds.items():
        path = out / name
        path.mkdir() if what == "dir" else path.write_bytes(b"x")
        os.utime(path, old)
    save_figures({"a": _figure("new")}, out, ["svg"], dpi=20)
    left = {p.name for p in out.iterdir()}
    assert ".boligmonitor-figures-killed" not in left
    assert {".boligmonitor-figures-note", ".boligmonitor-report-x", "mine"} <= left


# --- the aggregates -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    from boligmonitor.microdata import generate

    return generate(3_000, (2023,), n_areas=3, area_size=(500, 900), seed=3,
                    out_dir=tmp_path_factory.mktemp("raw"))


def _aggregate(register, out: Path) -> list[str]:
    return ["aggregate", *map(str, register.persons), "--addresses",
            str(register.addresses_path), "--out", str(out), "--threads", "1"]


def test_aggregate_refuses_a_users_file_and_replaces_its_own(tmp_path, register, capsys):
    out = tmp_path / "aggregated"
    out.mkdir()
    (out / "indicators.parquet").write_bytes(b"mine")
    assert main(_aggregate(register, out)) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "indicators.parquet" in err and "did not write" in err
    assert _tree(out) == {"indicators.parquet": b"mine"}

    (out / "indicators.parquet").unlink()
    assert main(_aggregate(register, out)) == 0
    first = _tree(out)
    assert sorted(first) == ["boligmonitor-aggregate.json", "indicators.parquet",
                             "references.parquet"]
    assert main(_aggregate(register, out)) == 0  # its own files: replaced
    assert _tree(out) == first
    (out / "references.parquet").write_bytes(b"edited")
    assert main(_aggregate(register, out)) == 2
    assert "changed since" in capsys.readouterr().err
    assert (out / "references.parquet").read_bytes() == b"edited"


def test_charts_and_their_manifest_follow_the_umask(tmp_path):
    import stat

    old = os.umask(0o027)
    try:
        paths = save_figures({"a": _figure()}, tmp_path / "charts", ["svg"], dpi=20)
    finally:
        os.umask(old)
    for path in [*paths, tmp_path / "charts" / FIGURES_MANIFEST]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o640, path.name
    assert stat.S_IMODE((tmp_path / "charts").stat().st_mode) == 0o750
