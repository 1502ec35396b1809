"""The processed store and every writer under careless use: two ingests at once, a killed
ingest, a umask, a name that contradicts the store."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

import boligmonitor as bm
from boligmonitor.cli import main
from conftest import write_as

SRC = str(Path(bm.__file__).resolve().parents[1])


def _run(script: str, *args: str, timeout: float = 120) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _split_by_area(example, tmp_path: Path) -> tuple[Path, Path]:
    ind = example.indicators
    ids = sorted(ind["area_id"].unique())
    a = write_as(ind[ind["area_id"].isin(ids[:2])], tmp_path / "first.csv")
    b = write_as(ind[ind["area_id"].isin(ids[2:])], tmp_path / "second.csv")
    return a, b


# Both processes read the manifest, then dawdle for a second before writing theirs: without a
# lock each writes a store that lacks the other's rows and the last writer wins.
_SLOW_INGEST = """
    import sys, time
    from pathlib import Path
    import boligmonitor.io.store as store
    real = store.read_manifest
    def slow(d):
        m = real(d)
        time.sleep(1.0)
        return m
    store.read_manifest = slow
    from boligmonitor.cli import main
    go = Path(sys.argv[3])
    while not go.exists():
        time.sleep(0.01)
    sys.exit(main(["ingest", sys.argv[1], "--processed", sys.argv[2]]))
"""


def test_two_ingests_at_once_into_one_store_both_land(tmp_path, example):
    a, b = _split_by_area(example, tmp_path)
    store, go = tmp_path / "processed", tmp_path / "go"
    bm.ingest(bm.example_files()["references"], store)
    procs = [_run(_SLOW_INGEST, str(f), str(store), str(go)) for f in (a, b)]
    go.touch()
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "rækker indlæst, årlige indikatorer" in out
    ds = bm.read_processed(store)
    assert set(ds.indicators["area_id"]) == set(example.indicators["area_id"])
    assert len(ds.indicators) == len(example.indicators)
    manifest = json.loads((store / "manifest.json").read_text())
    assert sorted(s["name"] for s in manifest["sources"]) == [
        "first.csv", "references.csv", "second.csv"]
    # One of them waited for the other, and said so.
    assert sum("ventede" in out for out, _ in outs) == 1


def test_an_ingest_gives_up_with_a_clear_message_while_another_holds_the_store(
        tmp_path, example, capsys):
    a, _ = _split_by_area(example, tmp_path)
    store = tmp_path / "processed"
    store.mkdir()
    from filelock import FileLock

    with FileLock(store / ".ingest.lock"), \
            pytest.raises(bm.DataSourceError, match=r"another ingest .* still running"):
        bm.ingest(a, store, lock_timeout=0.2)
    assert not (store / "manifest.json").exists()


_KILLED_INGEST = """
    import os, signal, sys
    real = os.replace
    def killed(src, dst):
        if str(dst).endswith("manifest.json"):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(src, dst)
    os.replace = killed
    from boligmonitor.cli import main
    main(["ingest", sys.argv[1], "--processed", sys.argv[2]])
"""


def test_the_next_ingest_removes_what_a_killed_ingest_left_and_nothing_else(tmp_path, example):
    a, b = _split_by_area(example, tmp_path)
    store = tmp_path / "processed"
    bm.ingest(a, store)
    p = _run(_KILLED_INGEST, str(b), str(store))
    p.communicate(timeout=120)
    assert p.returncode == -9
    leftovers = [q.name for q in store.iterdir() if q.name.startswith(".manifest.json.")]
    assert len(leftovers) == 1  # the killed ingest's temporary manifest
    # Files that merely look alike, or are the user's, must survive.
    keep = [".manifest.json.notes", "manifest.json.bak", ".report.html.abcd1234.boligmonitor-tmp",
            "notes.txt", ".indicators.csv.abcdefgh"]
    for name in keep:
        (store / name).write_text("mine")
    bm.ingest(b, store)
    names = {q.name for q in store.iterdir()}
    assert not names & set(leftovers)
    assert set(keep) <= names
    assert len(bm.read_processed(store).indicators) == len(example.indicators)


def test_an_ingest_removes_only_its_own_stale_tables_not_a_users_look_alikes(tmp_path, example):
    a, b = _split_by_area(example, tmp_path)
    store = tmp_path / "processed"
    bm.ingest(a, store)
    (old,) = [p.name for p in store.glob("indicators-*.parquet")]
    # A user's files that share the store's prefix and suffix, but not its names.
    mine = ["indicators-backup.parquet", "references-2019-copy.parquet",
            "indicators-ABCDEF123456.parquet", "indicators-0123456789ab.parquet.bak"]
    for name in mine:
        (store / name).write_text("mine")
    bm.ingest(b, store)  # the indicators table changes: its previous file is stale
    names = {p.name for p in store.iterdir()}
    assert old not in names
    assert set(mine) <= names
    assert all((store / n).read_text() == "mine" for n in mine)
    assert len(bm.read_processed(store).indicators) == len(example.indicators)


def test_a_name_that_contradicts_the_store_names_the_incoming_file_and_both_values(
        tmp_path, example):
    bm.ingest(bm.example_files()["indicators"], tmp_path / "p")
    other = example.indicators[example.indicators["year"] == 2025].copy()
    area = other["area_id"].iloc[0]
    stored_name = other["area_name"].iloc[0]
    other.loc[other["area_id"] == area, "area_name"] = "Nyt navn"
    path = write_as(other, tmp_path / "renamed.csv")
    with pytest.raises(bm.DataValidationError) as info:
        bm.ingest(path, tmp_path / "p")
    problems = info.value.problems
    assert len(problems) == 1
    row = problems.iloc[0]
    assert row["file"] == str(path) and row["column"] == "area_name"
    assert row["value"] == "Nyt navn"
    assert repr(stored_name) in row["problem"] and "indicators.csv" in row["problem"]
    assert area in row["problem"]


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_every_file_the_package_writes_follows_the_umask(tmp_path, umask_027, example,
                                                         monkeypatch):
    store = tmp_path / "processed"
    bm.ingest(bm.example_files()["indicators"], store)
    stored = [p for p in store.iterdir() if p.suffix in (".json", ".parquet")]
    assert stored and {_mode(p) for p in stored} == {0o640}

    table = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    for suffix in (".csv", ".parquet", ".xlsx"):
        assert _mode(bm.write_table(table, tmp_path / f"t{suffix}")) == 0o640, suffix

    from boligmonitor.io.figures import save_figure

    fig = Figure()
    fig.add_subplot()
    assert _mode(save_figure(fig, tmp_path / "fig.png", dpi=20)) == 0o640

    import boligmonitor.report as report

    monkeypatch.setattr(report, "render_all", lambda *a, **k: {"report.html": b"<p>x</p>"})
    report.write_report(None, tmp_path / "rep")
    assert _mode(tmp_path / "rep") == 0o750
    assert _mode(tmp_path / "rep" / "report.html") == 0o640


def test_a_store_the_user_may_not_write_is_one_clear_line_and_exit_2(
        tmp_path, example, capsys, monkeypatch):
    # As root no directory is read-only, so the refusal the operating system gives a user is
    # played here: creating any file in the store fails.
    import tempfile

    store = tmp_path / "processed"
    bm.ingest(bm.example_files()["references"], store)

    def refused(*args, dir=None, **kwargs):
        raise PermissionError(13, "Permission denied", str(dir))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    assert main(["ingest", str(bm.example_files()["indicators"]),
                 "--processed", str(store)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "Permission denied" in err and str(store) in err


@pytest.mark.parametrize("damage", [
    "[]", '{"format": 1}', '{"format": 1, "tables": [], "sources": 3}',
    '{"format": 1, "tables": {"indicators": {"file": "../outside.parquet", "rows": 1}}, '
    '"sources": []}',
    '{"format": 1, "tables": {}, "sources": [{"name": "x.csv"}]}',
    "PARQUET:garbage", "PARQUET:other columns",
])
def test_a_damaged_store_is_one_clear_line_and_exit_2(tmp_path, capsys, damage):
    store = tmp_path / "processed"
    bm.ingest(bm.example_files()["indicators"], store)
    # A file outside the store that a hand-edited manifest points at: never read.
    pd.DataFrame({"x": [1]}).to_parquet(tmp_path / "outside.parquet")
    if damage.startswith("PARQUET:"):
        (table,) = store.glob("indicators-*.parquet")
        if damage.endswith("garbage"):
            table.write_bytes(b"not parquet")
        else:
            pd.DataFrame({"x": [1]}).to_parquet(table)
    else:
        (store / "manifest.json").write_text(damage, encoding="utf-8")
    before = {p.name: p.read_bytes() for p in store.iterdir()}
    for argv in (["assess", "--processed", str(store)],
                 ["ingest", str(bm.example_files()["references"]), "--processed", str(store)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        assert "damaged processed data" in err and "ingest the raw files again" in err
    assert {p.name: p.read_bytes() for p in store.iterdir()} == before
