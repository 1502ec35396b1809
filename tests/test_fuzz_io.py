"""Property-based fuzzing of the readers, the validation and the `validate` and `ingest` commands.

Whatever the bytes of a file or the text of its cells: the readers return a table or raise
DataValidationError; the commands exit 0, or 2 with an ``error:`` line, never a traceback; a
failed ingest leaves the processed store exactly as it was. Examples are few and bounded so
that the whole module stays within a few seconds.
"""

from __future__ import annotations

import contextlib
import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import boligmonitor as bm
from boligmonitor.cli import main


def fuzz(n: int):
    return settings(max_examples=n, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


MEMBERSHIPS_HEADER = ["area_id", "list_year", "category", "source"]
INDICATOR_HEADER = ["area_id", "area_name", "municipality", "region", "year", "residents",
                    "share_non_western", "share_outside_work_education_18_64",
                    "share_convicted_18plus", "share_basic_education_30_59",
                    "mean_gross_income_15_64"]
GOOD_ROW = ["a1", "Ellekonebakken", "Viborg", "Midtjylland", "2021", "1120", "0.4", "0.3",
            "0.01", "0.4", "200000"]

# Text as hostile as can be written to a file: every code point but lone surrogates.
cell_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
numberish = st.one_of(cell_text, st.sampled_from(
    ["inf", "-Infinity", "nan", "1e308", "1e999", "-0", "0x10", "1_000", "١٢", "½", " 5 ",
     "5%", "1.000,5", "=1+1", "\x00", "", "NaN", "None"]))


def _snapshot(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()}


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _assert_clean_exit(code: int, err: str) -> None:
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 2:
        assert err.startswith("error: "), err


def _assert_clean_table(table: pd.DataFrame) -> None:
    from boligmonitor.schemas import forbidden_characters

    for col in table.columns:
        s = table[col]
        if pd.api.types.is_numeric_dtype(s):
            assert not s.isin([float("inf"), float("-inf")]).any(), col
        else:
            assert not s.dropna().map(lambda v: bool(forbidden_characters(str(v)))).any(), col


@fuzz(100)
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".parquet"]),
       head=st.sampled_from([b"", b"PK\x03\x04", b"PAR1", b"\xff\xfe", b"\xef\xbb\xbf",
                             b"area_id,list_year,category,source\n"]))
def test_any_bytes_give_a_table_or_a_validation_error(data, suffix, head):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"f{suffix}"
        path.write_bytes(head + data + (b"PAR1" if suffix == ".parquet" else b""))
        try:
            table = bm.read_table(path, sheet="Sheet1")
        except bm.DataValidationError as exc:
            assert len(exc.problems) >= 1
            assert exc.problems["problem"].map(lambda p: isinstance(p, str) and p).all()
        else:
            assert isinstance(table, pd.DataFrame)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = tmp_path_factory.mktemp("fuzz") / "p"
    bm.ingest(bm.example_files()["references"], store)
    return store


@fuzz(25)
@given(changes=st.lists(st.tuples(st.integers(0, len(GOOD_ROW) - 1), numberish),
                       min_size=1, max_size=3),
       header=st.lists(cell_text, max_size=2))
def test_cli_validate_and_ingest_on_any_cell_text_exit_cleanly_and_keep_the_store(
        store, changes, header):
    # A good row with one to three cells made hostile: most rows fail, some pass.
    cells = ["a2", *GOOD_ROW[1:]]
    for i, v in changes:
        cells[i] = v
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        before = _snapshot(store)
        path = d / "x.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(INDICATOR_HEADER + header)
            w.writerow(GOOD_ROW + [""] * len(header))
            w.writerow([*cells, *[""] * len(header)])
        code, _, err = _run(["validate", str(path)])
        _assert_clean_exit(code, err)
        if code == 0:  # what passes is clean: printable text, finite numbers
            _assert_clean_table(bm.read_table(path))
        code, _, err = _run(["ingest", str(path), "--processed", str(store)])
        _assert_clean_exit(code, err)
        if code == 2:
            assert _snapshot(store) == before
        # Nothing a terminal would act on is ever printed raw.
        assert not any(c in err for c in ("\x1b", "\x00", "\u202e", "\x07", "\r"))


@fuzz(20)
@given(cells=st.lists(st.one_of(cell_text, st.integers(-10**20, 10**20),
                                 st.floats(allow_nan=True, allow_infinity=True)),
                      min_size=4, max_size=4))
def test_any_workbook_cells_give_a_table_or_a_validation_error(cells):
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "x.xlsx"
        wb = Workbook()
        ws = wb.active
        ws.title = "Data"
        ws.append(MEMBERSHIPS_HEADER)
        ws.append(["x", 2021, "udsat_boligomraade", "s"])
        # A workbook cannot hold every character; openpyxl refuses the rest.
        ws.append([ILLEGAL_CHARACTERS_RE.sub("?", c) if isinstance(c, str) else c
                   for c in cells])
        wb.save(path)
        code, _, err = _run(["validate", str(path), "--sheet", "Data"])
        _assert_clean_exit(code, err)


ADDRESSES_CSV = ("address_id,area_id,valid_from_year,valid_to_year,area_name,municipality,"
                 "region\n1,A1,2020,,Område Øst,Viborg,Midtjylland\n")
PERSONS_HEADER = b"person_id,year,address_id,age,origin,country,gross_income\n"


@fuzz(25)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".parquet"]),
       head=st.sampled_from([b"", b"PAR1", PERSONS_HEADER, b"\xff\xfe"]))
def test_cli_aggregate_on_any_bytes_exits_with_one_line_and_writes_nothing(data, suffix, head):
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        persons = d / f"persons{suffix}"
        persons.write_bytes(head + data + (b"PAR1" if suffix == ".parquet" else b""))
        addresses = d / "addresses.csv"
        addresses.write_text(ADDRESSES_CSV, encoding="utf-8")
        code, _, err = _run(["aggregate", str(persons), "--addresses", str(addresses),
                             "--out", str(d / "out")])
        _assert_clean_exit(code, err)
        assert code == 2
        # DuckDB's own errors run over many lines (the SQL it ran, its CSV sniffer's
        # settings): one line per error here, as for every other command.
        if "cannot read persons" in err:
            assert len(err.strip().splitlines()) == 1, err
            assert "LINE 1" not in err and "DESCRIBE" not in err
        assert not (d / "out").exists()
