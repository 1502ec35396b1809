"""The command line as a user meets it: the main job's summary and the data options."""

from __future__ import annotations

import pytest

import boligmonitor as bm
from boligmonitor.cli import main


def test_assess_prints_the_example_note_and_one_block_per_area(capsys):
    assert main(["assess", "--list-years", "2018-2022"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Eksempeldata")
    lines = out.splitlines()
    names = ["Ellekonebakken", "Houlkærvænget", "Klostervænget", "Ringparken", "Vestervang"]
    for name in names:
        i = lines.index(name) if name in lines else next(
            k for k, line in enumerate(lines) if line.startswith(name + " ("))
        assert lines[i + 1].startswith("  2018: ")
        if name in ("Klostervænget", "Ringparken"):  # few convicted: values suppressed
            assert lines[i + 2] == "  " + bm.label("text.explanation_withheld")
        else:
            assert lines[i + 2].startswith(f"  {name} opfylder")
    assert "Klostervænget (under 1.000 beboere: kan ikke komme på en liste)" in lines
    assert "Houlkærvænget" in lines  # at least 1,000 residents: no flag
    houlkaer = lines[lines.index("Houlkærvænget") + 1]
    assert "2021: Udsat boligområde, 2022: Ikke på en liste" in houlkaer


def test_assess_scores_a_processed_store(tmp_path, capsys):
    main(["ingest", *map(str, bm.example_files().values()), "--processed", str(tmp_path)])
    capsys.readouterr()
    assert main(["assess", "--processed", str(tmp_path), "--list-year", "2018"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Eksempeldata")  # the store remembers the example's provenance
    assert "2018: 2 områder på en liste (Ghettoområde 1, Udsat boligområde 1)" in out


def test_processed_and_files_cannot_be_mixed(tmp_path, capsys):
    assert main(["assess", "--processed", str(tmp_path), "--data", "x.csv"]) == 2
    assert "--processed cannot be combined" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--references", "r.csv"], ["--memberships", "m.csv"]])
def test_references_without_data_is_an_error_not_a_silent_example(args, capsys):
    assert main(["assess", *args]) == 2
    assert "need --data or --processed" in capsys.readouterr().err


def test_both_assess_tables_carry_the_options_in_force_and_the_example_flag(tmp_path):
    import pandas as pd

    out, crit = tmp_path / "areas.csv", tmp_path / "criteria.csv"
    assert main(["assess", "--list-year", "2021", "--out", str(out),
                 "--criteria-out", str(crit)]) == 0
    for path in (out, crit):
        table = pd.read_csv(path)
        assert table["options"].str.contains("annual_lag=1").all(), path
        assert table["is_example"].all(), path


def test_assess_exports_are_disclosure_controlled_by_default(tmp_path):
    import pandas as pd

    out, crit = tmp_path / "areas.csv", tmp_path / "criteria.csv"
    assert main(["assess", "--list-year", "2025", "--out", str(out),
                 "--criteria-out", str(crit)]) == 0
    areas, criteria = pd.read_csv(out), pd.read_csv(crit)
    # Klostervænget's few convicted persons: the crime values built on them are blank and
    # marked, and its explanation (which quotes the values) is withheld.
    kc = criteria[(criteria["area_name"] == "Klostervænget") & (criteria["criterion"] == "crime")]
    assert kc["value"].isna().all() and kc["is_suppressed"].all()
    assert kc["is_met"].notna().all()  # whether the line is crossed is still shown
    k = areas[areas["area_name"] == "Klostervænget"].iloc[0]
    assert k["is_suppressed"] and "udeladt" in k["explanation_da"]
    h = areas[areas["area_name"] == "Houlkærvænget"].iloc[0]
    assert not h["is_suppressed"] and "opfylder" in h["explanation_da"]


def test_assess_with_min_cell_0_writes_every_value(tmp_path):
    import pandas as pd

    crit = tmp_path / "criteria.csv"
    assert main(["assess", "--list-year", "2025", "--min-cell", "0",
                 "--criteria-out", str(crit)]) == 0
    criteria = pd.read_csv(crit)
    assert criteria.loc[criteria["criterion"] == "crime", "value"].notna().all()
