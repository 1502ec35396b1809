"""`boligmonitor outlook`: a summary in the board's language, a tidy table by suffix, the same
bytes for the same seed, scenarios from files, and user errors as one line with exit code 2."""

from __future__ import annotations

import pandas as pd
import pytest

from boligmonitor.cli import main

PLAN = """name = "Helhedsplanen"

[[change]]
areas = ["viborg-ellekonebakken"]
indicator = "share_outside_work_education_18_64"
persons = -30
from_year = 2026
"""


@pytest.fixture
def plan(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN, encoding="utf-8")
    return path


def test_outlook_prints_the_probabilities_and_writes_the_tidy_table(tmp_path, plan, capsys):
    out = tmp_path / "outlook.csv"
    code = main(["outlook", "--list-years", "2026-2027", "--draws", "150", "--seed", "3",
                 "--scenario", str(plan), "--out", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "Udsigt for listerne 1. december 2026-2027 (Eksempeldata)" in text
    assert "Ellekonebakken:" in text and "Scenarie Helhedsplanen" in text
    assert "kalibreret" in text  # the verdict is always said
    table = pd.read_csv(out)
    assert list(table.columns[:6]) == ["area_id", "area_name", "list_year", "category",
                                       "probability", "scenario"]
    assert set(table["scenario"]) == {"baseline", "helhedsplanen"}
    assert table["is_example"].all()
    sums = table.groupby(["area_id", "list_year", "scenario"])["probability"].sum()
    assert sums.round(9).eq(1).all()


@pytest.mark.parametrize("suffix", [".parquet", ".xlsx"])
def test_the_same_seed_writes_the_same_bytes(tmp_path, suffix):
    paths = [tmp_path / f"o{i}{suffix}" for i in range(2)]
    for path in paths:
        assert main(["outlook", "--list-years", "2026-2026", "--draws", "80", "--seed", "9",
                     "--out", str(path)]) == 0
    assert paths[0].read_bytes() == paths[1].read_bytes()


@pytest.mark.parametrize("argv, words", [
    (["--draws", "0"], "--draws 0"),
    (["--seed", "-1"], "--seed -1"),
    (["--list-years", "2030-2026"], "first year is after the last"),
    (["--out", "table.txt"], ".txt"),
])
def test_a_bad_argument_is_one_line_and_exit_code_2(argv, words, capsys, tmp_path,
                                                    monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["outlook", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and len(err.splitlines()) == 1


def test_a_bad_scenario_file_is_one_line_naming_the_key_and_value(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[change]]\nindicator = "residents"\nrelative = -3\n'
                   "from_year = 2026\n", encoding="utf-8")
    assert main(["outlook", "--scenario", str(bad), "--draws", "10"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "'change[1].relative'" in err and "-3" in err and str(bad) in err
