"""The example mark follows the data, and the command line speaks one language (issue 14,
items 6 and 12).

docs/examples/danish_export.csv says in its first line that its figures are invented; its
mapping declares it (``is_example = true``), so an ingest records it as example data and every
output built from the store is marked "Eksempeldata". The command's one-line summaries come
from the label catalogue, in the language asked, with singular and plural right (one area).

The docs example is ingested and reported once for the module (one area, so it is quick).
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pptx import Presentation
from pypdf import PdfReader

import boligmonitor as bm
from boligmonitor.cli import main
from boligmonitor.datasets import read_processed
from boligmonitor.io.files import EXAMPLE_KEY
from boligmonitor.labels import label

DOCS = Path(__file__).resolve().parents[1] / "docs" / "examples"
CSV, MAPPING = DOCS / "danish_export.csv", DOCS / "danish_export.mapping.toml"


@pytest.fixture(scope="module")
def docs_run(tmp_path_factory):
    """The docs example through the command line: ingest, report (Danish), report (English),
    plot; what each printed, and where it wrote."""
    work = tmp_path_factory.mktemp("docs_example")
    store, printed = work / "processed", {}
    def run(name, argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        printed[name] = (code, out.getvalue().splitlines(), err.getvalue().splitlines())

    run("ingest", ["ingest", str(CSV), "--mapping", str(MAPPING), "--processed", str(store)])
    run("report", ["report", "--processed", str(store), "--out", str(work / "da"),
                   "--date", "2021-12-01"])
    run("report_en", ["report", "--processed", str(store), "--out", str(work / "en"),
                      "--lang", "en", "--date", "2021-12-01"])
    run("plot", ["plot", "--processed", str(store), "--out", str(work / "figures"),
                 "--format", "png", "--dpi", "40"])
    run("validate", ["validate", str(CSV), "--mapping", str(MAPPING)])
    return work, printed


# --- 12. the example mark follows the data -----------------------------------------------------


def test_a_mapping_declares_its_source_example_data_and_the_manifest_records_it(docs_run):
    work, printed = docs_run
    assert printed["ingest"][0] == 0
    (source,) = json.loads((work / "processed" / "manifest.json").read_text())["sources"]
    assert source["name"] == "danish_export.csv" and source["is_example"] is True
    data = read_processed(work / "processed")
    assert data.is_example
    # Not the bundled example's own notes (its title, its date): the catalogue's note.
    assert data.example_note() == label("text.example_data_note")
    assert data.metadata == {}


def test_every_output_built_from_the_declared_example_is_marked(docs_run):
    work, _printed = docs_run
    mark = label("text.example_data")
    pages = [p.extract_text() for p in PdfReader(work / "da" / "report.pdf").pages]
    assert pages and all(mark in p for p in pages)
    html = (work / "da" / "report.html").read_text(encoding="utf-8")
    assert 'class="example-mark"' in html
    wb = openpyxl.load_workbook(work / "da" / "tables.xlsx")
    assert all(str(ws["A1"].value).startswith(mark) for ws in wb)
    deck = Presentation(work / "da" / "briefing.pptx")
    assert all(any(mark in sh.text_frame.text for sh in s.shapes if sh.has_text_frame)
               for s in deck.slides)
    assert "Example data" in (work / "en" / "report.html").read_text(encoding="utf-8")
    assert list((work / "figures").glob("*.png"))


def test_a_parquet_file_declares_itself_example_data_by_a_metadata_key(tmp_path):
    ind = bm.example_data().indicators.copy()
    ind.attrs = {}
    table = pa.Table.from_pandas(ind, preserve_index=False)
    marked = table.replace_schema_metadata({EXAMPLE_KEY: b"true"})
    pq.write_table(marked, tmp_path / "marked.parquet")
    pq.write_table(table.replace_schema_metadata({}), tmp_path / "plain.parquet")
    assert bm.read_table(tmp_path / "marked.parquet").attrs["boligmonitor"]["is_example"]
    assert not bm.read_table(tmp_path / "plain.parquet").attrs["boligmonitor"]["is_example"]
    result = bm.ingest([tmp_path / "marked.parquet"], tmp_path / "store")
    assert result.actions[0]["is_example"]
    assert read_processed(tmp_path / "store").is_example


def test_a_mapping_that_says_is_example_wrongly_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(MAPPING.read_text(encoding="utf-8").replace("is_example = true",
                                                                'is_example = "ja"'),
                   encoding="utf-8")
    with pytest.raises(bm.DataValidationError, match=r"is_example.*true or false"):
        bm.read_indicators(CSV, bad)


# --- 6. one language, singular and plural right -----------------------------------------------


def test_the_one_line_summaries_speak_danish_with_the_singular_right(docs_run):
    work, printed = docs_run
    code, out, err = printed["report"]
    assert code == 0
    assert out[0] == ("Boligmonitor: listeåret 2021 (Eksempeldata): 1 område, 0 på en liste, "
                      "0 ændret siden 2020")
    assert all(line.startswith("skrev ") for line in out[1:])
    assert all(line.startswith("advarsel: ") for line in err)
    code, out, _err = printed["ingest"]
    assert out == ["danish_export.csv: 2 rækker indlæst, årlige indikatorer (layout a) "
                   "(eksempeldata)", f"behandlede data i {work / 'processed'}"]
    code, out, _err = printed["plot"]
    assert out[-1].startswith("skrev ") and " filer (" in out[-1] and "figurer) i " in out[-1]
    code, out, _err = printed["validate"]
    assert out == [f"{CSV}: gyldig, årlige indikatorer (layout a), 2 rækker (eksempeldata)"]
    english = ("wrote", "rows", "ingested", "areas", "files", "charts", "warning", "valid")
    for name in ("report", "ingest", "plot", "validate"):
        text = " ".join(printed[name][1] + printed[name][2])
        assert not any(f"{w} " in text or f" {w}" in text for w in english), (name, text)


def test_the_one_line_summaries_speak_english_when_asked(docs_run):
    _work, printed = docs_run
    code, out, err = printed["report_en"]
    assert code == 0
    assert out[0] == ("Boligmonitor: list year 2021 (Example data): 1 area, 0 on a list, "
                      "0 changed since 2020")
    assert all(line.startswith("wrote ") for line in out[1:])
    assert all(line.startswith("warning: ") for line in err)
    assert "områder" not in " ".join(out + err)


def test_init_and_outlook_speak_the_same_language_as_the_other_commands(tmp_path, capsys):
    from boligmonitor.cli import main

    assert main(["init", str(tmp_path / "p")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("skrev ") and out[-1].startswith("næste skridt: læg jeres filer i ")
    assert main(["init", str(tmp_path / "p")]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(": allerede komplet, intet skrevet")
    table = tmp_path / "outlook.csv"
    assert main(["outlook", "--draws", "20", "--list-years", "2026-2026",
                 "--out", str(table)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == f"skrev {table}"
    assert main(["outlook", "--draws", "20", "--list-years", "2026-2026", "--lang", "en",
                 "--out", str(tmp_path / "o.csv")]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("wrote ")
