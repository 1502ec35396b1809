"""The command line under careless use: every user error is one clear line and exit code 2,
never a traceback; a closed pipe ends quietly; nothing printed carries a raw control
character."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import boligmonitor as bm
from boligmonitor.cli import main

SRC = str(Path(bm.__file__).resolve().parents[1])
RAW_CONTROL = [chr(c) for c in range(0x20) if chr(c) != "\n"] + ["\x7f", "\u202e", "\u2066"]


def _one_error_line(capsys) -> str:
    cap = capsys.readouterr()
    assert "Traceback" not in cap.err
    lines = cap.err.strip().splitlines()
    assert len(lines) == 1, cap.err
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture(scope="module")
def recent_data(tmp_path_factory, example):
    """Indicators from 2015 on only: the first lists they can feed are years later."""
    d = tmp_path_factory.mktemp("recent")
    ind = example.indicators[example.indicators["year"] >= 2015]
    ind.to_parquet(d / "ind.parquet", index=False)
    example.references.to_csv(d / "refs.csv", index=False)
    return ["--data", str(d / "ind.parquet"), "--references", str(d / "refs.csv")]


@pytest.mark.parametrize("args, says", [
    (["plot", "--list-year", "2040"], "cannot feed list year 2040"),
    (["plot", "--list-year", "2011", "RECENT"], "cannot feed list year 2011"),
    (["plot", "--list-year", "1999"], "list year 1999"),
    (["assess", "--list-years", "2025-2020"], "first year is after the last"),
    (["assess", "--list-year", "2010", "RECENT"], "cannot feed list year 2010"),
    (["assess", "--list-year", "2040"], "cannot feed list year 2040"),
    (["assess", "--list-year", "2005"], "--rules"),
])
def test_a_list_year_the_data_or_the_law_cannot_give_is_one_line_and_exit_2(
        args, says, capsys, tmp_path, recent_data):
    if "RECENT" in args:
        args = [a for a in args if a != "RECENT"] + recent_data
    if args[0] == "plot":
        args = [*args, "--out", str(tmp_path / "figs"), "--format", "png"]
    assert main(args) == 2
    line = _one_error_line(capsys)
    assert says in line
    assert "rules=" not in line  # the command line's words, not Python's
    assert not (tmp_path / "figs").exists()


@pytest.mark.parametrize("args, says", [
    (["assess", "--list-year", "99999999999999999999"], "list years from 1990 to 2100"),
    (["assess", "--list-years", "2021-9999999"], "list years from 1990 to 2100"),
    (["outlook", "--list-years", "2026-3000"], "list years from 1990 to 2100"),
    (["plot", "--list-year", "3000"], "list years from 1990 to 2100"),
    (["plot", "--dpi", "100000"], "--dpi 100000: allowed: a whole number 10-1200"),
    (["plot", "--dpi", "0"], "--dpi 0: allowed"),
])
def test_an_option_out_of_range_is_one_line_before_any_work(args, says, capsys, tmp_path):
    if args[0] == "plot":
        args = [*args, "--out", str(tmp_path / "figs"), "--format", "png"]
    assert main(args) == 2
    assert says in _one_error_line(capsys)
    assert not (tmp_path / "figs").exists()


def test_a_range_the_data_cannot_feed_names_the_years_as_a_span(capsys, recent_data):
    assert main(["assess", "--list-years", "2020-2035", *recent_data]) == 2
    assert "cannot feed list years 2028-2035:" in _one_error_line(capsys)


def test_a_run_that_needs_more_memory_than_there_is_is_one_line(monkeypatch, capsys):
    import boligmonitor.datasets as datasets

    def too_big(self, **kwargs):
        raise MemoryError("Unable to allocate 18.2 TiB for an array")

    monkeypatch.setattr(datasets.Dataset, "outlook", too_big)
    assert main(["outlook", "--draws", "100000000000"]) == 2
    line = _one_error_line(capsys)
    assert "not enough memory" in line and "18.2 TiB" in line and "--draws" in line
    with pytest.raises(MemoryError):
        main(["--debug", "outlook", "--draws", "100000000000"])


def test_an_output_suffix_is_checked_before_any_work(capsys, tmp_path):
    assert main(["assess", "--list-year", "2021", "--out", str(tmp_path / "x.json")]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""  # nothing scored and printed before the refusal
    assert ".json" in cap.err and len(cap.err.strip().splitlines()) == 1


def test_an_unreadable_path_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    target = tmp_path / "out.csv"

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(target))

    import boligmonitor.io.atomic as atomic

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refused)
    assert main(["assess", "--list-year", "2021", "--out", str(target)]) == 2
    line = _one_error_line(capsys)
    assert str(target) in line and "Permission denied" in line


def test_a_refused_write_names_the_file_asked_for_not_its_temporary_file(
        tmp_path, capsys, monkeypatch):
    target = tmp_path / "out.csv"

    def refused(*, prefix, suffix, dir):
        # As tempfile.mkstemp does: the error names the temporary file it tried to create.
        raise PermissionError(13, "Permission denied",
                              os.path.join(dir, f"{prefix}abcd1234{suffix}"))

    import boligmonitor.io.atomic as atomic

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refused)
    assert main(["assess", "--list-year", "2021", "--out", str(target)]) == 2
    assert _one_error_line(capsys) == f"error: {target}: Permission denied"


@pytest.mark.parametrize("args, says", [
    (["assess", "--list-year", "2021", "--out", "FILE/x.csv"], "FILE is a file, not a directory"),
    (["plot", "--out", "FILE", "--format", "png"], "--out FILE: a file, not a folder"),
    (["outlook", "--charts", "FILE", "--draws", "5"], "--charts FILE: a file, not a folder"),
    (["ingest", "EXAMPLE", "--processed", "FILE"], "FILE: the processed directory is a file"),
])
def test_a_file_where_a_folder_is_wanted_is_named_before_any_work(tmp_path, capsys, args, says):
    file = tmp_path / "notes.txt"
    file.write_text("mine", encoding="utf-8")
    example = str(bm.example_files()["indicators"])
    args = [example if a == "EXAMPLE" else a.replace("FILE", str(file)) for a in args]
    assert main(args) == 2
    cap = capsys.readouterr()
    assert cap.out == ""  # refused before anything was scored or drawn
    assert says.replace("FILE", str(file)) in cap.err and len(cap.err.strip().splitlines()) == 1
    assert file.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("content", [b"\xad\xff rules", "regime = 'ø'".encode("cp1252")])
def test_a_rule_file_that_is_not_utf8_is_one_line_and_exit_2(tmp_path, capsys, content):
    rules = tmp_path / "rules.toml"
    rules.write_bytes(content)
    assert main(["assess", "--rules", str(rules)]) == 2
    line = _one_error_line(capsys)
    assert str(rules) in line and "not UTF-8" in line


def test_debug_shows_the_traceback_of_a_user_error(capsys):
    with pytest.raises(bm.BoligmonitorError):
        main(["--debug", "assess", "--list-years", "2025-2020"])


def test_a_bug_is_not_hidden(monkeypatch):
    import boligmonitor.io.readers as readers

    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(readers, "read_table", broken)
    with pytest.raises(KeyError):
        main(["validate", "x.csv"])


def test_a_closed_pipe_ends_the_command_quietly():
    env = {**os.environ, "PYTHONPATH": SRC}
    p = subprocess.Popen([sys.executable, "-m", "boligmonitor.cli", "assess"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()  # the reader is gone before the first line (like `| head -0`)
    err = p.stderr.read().decode()
    p.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert err == ""
    assert p.returncode in (0, 141)


def test_validate_reports_every_problem_of_every_file(tmp_path, capsys):
    good = bm.example_files()["memberships"]
    a = tmp_path / "a.csv"
    a.write_text("area_id,list_year,category,source\nx,2021,ghetto,s\n", encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("area_id,list_year,category,source\ny,1800,parallelsamfund,s\n",
                 encoding="utf-8")
    assert main(["validate", str(a), str(good), str(b)]) == 2
    cap = capsys.readouterr()
    assert f"{good}: gyldig, offentliggjorte lister" in cap.out
    assert "value 'ghetto'" in cap.err and "value 1800" in cap.err
    assert "2 of 3 files invalid" in cap.err


def test_nothing_printed_from_a_hostile_file_reaches_the_terminal_raw(tmp_path, capsys):
    name = tmp_path / "bad\x1b[2Jname\u202e.csv"
    name.write_text("area_id,list_year,category,source,col\x07\u202eumn\n"
                    "x\x1b[31m,2021,udsat\u202e,s\x00,1\n", encoding="utf-8")
    assert main(["validate", str(name)]) == 2
    assert main(["ingest", str(name), "--processed", str(tmp_path / "p")]) == 2
    cap = capsys.readouterr()
    printed = cap.out + cap.err
    assert "\\x1b" in printed and "\\u202e" in printed  # shown, escaped
    assert not [c for c in RAW_CONTROL if c in printed]
