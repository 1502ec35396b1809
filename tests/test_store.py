"""Ingest: atomic, idempotent, replacing newer rows, never touching raw files."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import pytest

import boligmonitor as bm
from boligmonitor.cli import main
from conftest import write_as


def _snapshot(d: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(d.iterdir()) if p.is_file()}


@pytest.fixture
def example_paths():
    return list(bm.example_files().values())


def test_ingest_writes_parquet_and_a_manifest_with_name_sha256_rows_and_layout(
        tmp_path, example_paths):
    bm.ingest(example_paths, tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    by_name = {s["name"]: s for s in manifest["sources"]}
    ind = by_name["indicators.csv"]
    raw = bm.example_files()["indicators"]
    assert ind["sha256"] == hashlib.sha256(raw.read_bytes()).hexdigest()
    assert ind["rows"] == 100 and ind["layout"] == "indicators" and ind["is_example"]
    # The store holds the manifest and the tables, and may keep its (empty) writers' lock file.
    assert {p.suffix for p in tmp_path.iterdir() if p.name != ".ingest.lock"} == {
        ".json", ".parquet"}
    ds = bm.read_processed(tmp_path)
    assert ds.is_example
    example = bm.example_data()
    pd.testing.assert_frame_equal(ds.indicators, example.indicators.sort_values(
        ["area_id", "year"], ignore_index=True), check_like=False, check_dtype=False)


def test_ingesting_the_same_file_twice_changes_no_byte(tmp_path, example_paths):
    bm.ingest(example_paths, tmp_path)
    before = _snapshot(tmp_path)
    result = bm.ingest(example_paths[0], tmp_path)
    assert not result.changed
    assert _snapshot(tmp_path) == before


def test_ingest_never_modifies_the_raw_files(tmp_path, example_paths):
    before = {p: p.read_bytes() for p in example_paths}
    bm.ingest(example_paths, tmp_path / "processed")
    assert {p: p.read_bytes() for p in example_paths} == before


def test_a_newer_file_replaces_the_same_areas_and_years_and_the_manifest_says_so(
        tmp_path, example):
    bm.ingest(bm.example_files()["indicators"], tmp_path / "p")
    newer = example.indicators[example.indicators["year"] >= 2024].copy()
    newer["mean_gross_income_15_64"] += 1000
    path = write_as(newer, tmp_path / "indicators_2026.csv")
    result = bm.ingest(path, tmp_path / "p")
    assert result.actions[0]["replaced"][0]["rows"] == 10
    ds = bm.read_processed(tmp_path / "p")
    assert len(ds.indicators) == 100
    got = ds.indicators.set_index(["area_id", "year"])["mean_gross_income_15_64"]
    want = newer.set_index(["area_id", "year"])["mean_gross_income_15_64"]
    assert (got.loc[want.index] == want).all()
    manifest = json.loads((tmp_path / "p" / "manifest.json").read_text())
    old = next(s for s in manifest["sources"] if s["name"] == "indicators.csv")
    assert old["rows_current"] == 90
    assert old["replaced_by"] == [{"name": "indicators_2026.csv",
                                   "sha256": result.actions[0]["sha256"], "rows": 10}]
    assert any("replaced 10 rows from indicators.csv" in line
               for line in result.summary_lines("en"))
    assert any("erstatter 10 rækker fra indicators.csv" in line
               for line in result.summary_lines("da"))


def test_a_failed_ingest_leaves_the_previous_processed_data_exactly_as_it_was(
        tmp_path, example_paths, example):
    bm.ingest(example_paths, tmp_path)
    before = _snapshot(tmp_path)
    bad = example.indicators.copy()
    bad["region"] = bad["region"].astype(object)
    bad.loc[3, "region"] = "Fyn"
    with pytest.raises(bm.DataValidationError):
        bm.ingest(write_as(bad, tmp_path.parent / "bad.csv"), tmp_path)
    assert _snapshot(tmp_path) == before


def test_a_crash_while_writing_the_manifest_leaves_the_previous_data_readable(
        tmp_path, example_paths, example, monkeypatch):
    bm.ingest(example_paths, tmp_path)
    before = _snapshot(tmp_path)
    newer = example.indicators[example.indicators["year"] == 2025].copy()
    newer["mean_gross_income_15_64"] += 1
    path = write_as(newer, tmp_path.parent / "newer.csv")
    real_replace = os.replace

    def failing_replace(src, dst):
        if str(dst).endswith("manifest.json"):
            raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        bm.ingest(path, tmp_path)
    monkeypatch.setattr(os, "replace", real_replace)
    ds = bm.read_processed(tmp_path)  # still the old, complete data
    assert (ds.indicators["mean_gross_income_15_64"].sum()
            == example.indicators["mean_gross_income_15_64"].sum())
    after = _snapshot(tmp_path)
    assert {k: v for k, v in after.items() if k in before} == before


def test_a_file_that_contradicts_the_store_is_rejected_as_a_whole(tmp_path, example):
    bm.ingest(bm.example_files()["indicators"], tmp_path)
    before = _snapshot(tmp_path)
    other = example.indicators[example.indicators["year"] == 2025].copy()
    other["area_name"] = other["area_name"] + " (ny)"
    with pytest.raises(bm.DataValidationError) as info:
        bm.ingest(write_as(other, tmp_path.parent / "other.csv"), tmp_path)
    assert (info.value.problems["column"] == "area_name").any()
    assert _snapshot(tmp_path) == before


def test_problems_of_several_files_are_reported_together(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("area_id,list_year,category,source\nx,2021,ghetto,s\n", encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("area_id,list_year,category,source\ny,1800,parallelsamfund,s\n",
                 encoding="utf-8")
    with pytest.raises(bm.DataValidationError) as info:
        bm.ingest([a, b], tmp_path / "p")
    assert set(info.value.problems["file"]) == {str(a), str(b)}
    assert not (tmp_path / "p").exists()


def test_cli_ingest_then_validate_reports_and_exits_zero(tmp_path, example_paths, capsys):
    assert main(["ingest", *map(str, example_paths), "--processed", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "indicators.csv: 100 rækker indlæst, årlige indikatorer (layout a)" in out


def test_cli_prints_every_problem_and_exits_non_zero(tmp_path, capsys):
    bad = tmp_path / "m.csv"
    bad.write_text("area_id,list_year,category,source\nx,2021,ghetto,s\ny,3000,udsat,s\n",
                   encoding="utf-8")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "3 problems" in err
    assert "row 2, column 'category': value 'ghetto'" in err
    assert "row 3, column 'list_year'" in err


def test_read_processed_on_an_empty_directory_says_to_ingest_first(tmp_path):
    with pytest.raises(bm.DataSourceError, match="ingest"):
        bm.read_processed(tmp_path)


def test_read_processed_gives_the_same_dtypes_as_the_readers(tmp_path, example):
    bm.ingest(list(bm.example_files().values()), tmp_path)
    ds = bm.read_processed(tmp_path)
    for name in ("indicators", "references", "memberships"):
        got, want = getattr(ds, name), getattr(example, name)
        assert got.dtypes.to_dict() == want.dtypes.to_dict(), name
