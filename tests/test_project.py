"""The analyst's project folder: `boligmonitor init`, the docs' worked example put in it, and the
yearly run with no flags (ingest, assess, plot, report, a notebook through JupyterLab's own
machinery); the configuration checked like data; the scaffold never overwrites."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
from pathlib import Path

import pytest

from boligmonitor.cli import main
from boligmonitor.io.example import example_export_files, example_files
from boligmonitor.project import (
    CONFIG_NAME,
    FIGURE_FORMATS,
    ProjectError,
    find_project,
    init_project,
    load_project,
    scaffold_files,
)

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs" / "examples"
AREAS = ["viborg-houlkaervaenget", "viborg-ellekonebakken"]

PLAN = f"""\
name = "Boligsocial helhedsplan 2021-2025"
period = "2021-2025"
areas = {AREAS!r}

[[plan.targets]]
area = "all"
indicator = "share_outside_work_education_18_64"
value = 0.35
year = 2025
note = "Beskæftigelsesmålet"

[[plan.targets]]
area = "viborg-ellekonebakken"
indicator = "mean_gross_income_15_64"
value = 400000
year = 2025
""".replace("'", '"')


def _configure(root: Path) -> None:
    """What an analyst edits in the scaffold: the plan and its targets, lighter charts."""
    config = root / CONFIG_NAME
    text = config.read_text("utf-8")
    start = text.index("# name = ")
    end = text.index("\n\n", text.index("# areas = "))
    text = text[:start] + PLAN + text[end:]
    text = text.replace('figure_formats = ["png", "svg", "pdf"]', 'figure_formats = ["svg"]')
    config.write_text(text, "utf-8")


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Path:
    """A project made by `boligmonitor init`, with the docs' example files as received and an
    ingest run in it with no flags."""
    root = tmp_path_factory.mktemp("workbench") / "boligraad"
    assert main(["init", str(root)]) == 0
    for name in ("beboerdata.csv", "references.csv", "memberships.csv"):
        shutil.copyfile(DOCS / name, root / "data" / "raw" / name)
    _configure(root)
    with contextlib.chdir(root):
        assert main(["ingest"]) == 0
    return root


@pytest.fixture(scope="session")
def report_dir(project) -> Path:
    # From a folder below the project: the configuration is found upwards.
    with contextlib.chdir(project / "notebooks"):
        assert main(["report"]) == 0
    return project / "reports" / "2024"


# --- the yearly run with no flags ---------------------------------------------------------------


def test_init_writes_the_scaffold_and_ingest_reads_the_configured_raw_files(project):
    assert (project / CONFIG_NAME).is_file() and (project / ".gitignore").is_file()
    assert sorted(p.name for p in (project / "notebooks").glob("*.py")) == sorted(
        p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.py"))
    manifest = (project / "data" / "processed" / "manifest.json").read_text("utf-8")
    for name in ("beboerdata.csv", "references.csv", "memberships.csv"):
        assert name in manifest
    # The mapping template reads the docs' Danish export as it is: cp1252, percent, a title.
    assert (project / "data" / "raw" / "beboerdata.mapping.toml").read_bytes() == (
        DOCS / "beboerdata.mapping.toml").read_bytes()


def test_validate_with_no_files_checks_the_configured_raw_files(project, capsys):
    with contextlib.chdir(project / "data"):
        assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "beboerdata.csv: gyldig, årlige indikatorer (layout a), 50 rækker" in out
    assert "references.csv: gyldig, referenceværdier" in out and "memberships.csv: gyldig" in out


def test_validate_outside_a_project_needs_files(tmp_path, capsys):
    with contextlib.chdir(tmp_path):
        assert main(["validate"]) == 2
    assert "give FILE..." in capsys.readouterr().err


def test_ingest_again_changes_nothing(project, capsys):
    before = (project / "data" / "processed" / "manifest.json").read_bytes()
    with contextlib.chdir(project):
        assert main(["ingest"]) == 0
    assert capsys.readouterr().out.count("intet ændret") == 3
    assert (project / "data" / "processed" / "manifest.json").read_bytes() == before


def test_assess_with_no_flags_scores_the_plans_areas_in_the_projects_language(project, capsys):
    with contextlib.chdir(project):
        assert main(["assess", "--list-year", "2024"]) == 0
    out = capsys.readouterr().out
    assert "Houlkærvænget" in out and "Ellekonebakken" in out
    assert "Vestervang" not in out and "Ringparken" not in out  # not areas of interest
    assert "Eksempeldata" in out  # the docs' example files are recognised as example data


def test_a_flag_overrides_the_configuration(project, capsys):
    with contextlib.chdir(project):
        assert main(["assess", "--list-year", "2024", "--lang", "en"]) == 0
    assert "Example data" in capsys.readouterr().out


def test_project_option_works_from_anywhere(project, capsys, tmp_path):
    with contextlib.chdir(tmp_path):
        assert main(["assess", "--list-year", "2024", "--project", str(project)]) == 0
    assert "Houlkærvænget" in capsys.readouterr().out


def _settings_project(project: Path, tmp_path: Path) -> Path:
    """A copy of the project whose language, minimum cell size and report date are not the
    defaults, and whose plan holds a small area (whose explanation disclosure control hides)."""
    other = tmp_path / "settings"
    shutil.copytree(project, other, ignore=shutil.ignore_patterns("reports", "figures"))
    config = other / CONFIG_NAME
    text = config.read_text("utf-8")
    for old, new in (('language = "da"', 'language = "en"'), ("min_cell = 5 ", "min_cell = 0 "),
                     ('report_date = "list"', 'report_date = "2025-01-15"'),
                     (f"areas = {AREAS!r}".replace("'", '"'),
                      f"areas = {[*AREAS, 'viborg-klostervaenget']!r}".replace("'", '"'))):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    config.write_text(text, "utf-8")
    return other


def test_the_projects_language_and_min_cell_are_used_and_flags_override_them(
        project, tmp_path, capsys):
    other = _settings_project(project, tmp_path)
    withheld = "explanation is withheld"
    with contextlib.chdir(other / "data"):
        assert main(["assess", "--list-year", "2024"]) == 0
        out = capsys.readouterr().out
        assert "Example data" in out and "Klostervænget meets 0 of 4 criteria" in out
        assert withheld not in out
        assert main(["assess", "--list-year", "2024", "--lang", "da", "--min-cell", "5"]) == 0
        out = capsys.readouterr().out
        assert "Eksempeldata" in out and "Forklaringen er udeladt" in out
        assert "Klostervænget opfylder" not in out


def test_the_report_takes_the_projects_language_min_cell_and_date_rule(
        project, tmp_path, monkeypatch):
    """What `report` hands to the renderers (not rendered here: the yearly run above renders)."""
    import boligmonitor.report

    other = _settings_project(project, tmp_path)
    made = []
    monkeypatch.setattr(boligmonitor.report, "write_report",
                        lambda content, out, progress=None: made.append((content, out)) or [])
    with contextlib.chdir(other / "notebooks"):
        assert main(["report"]) == 0
        assert main(["report", "--lang", "da", "--min-cell", "5", "--date", "2025-02-01"]) == 0
    (content, out), (flagged, _) = made
    assert out == other / "reports" / "2024"
    assert (content.lang, content.date, content.min_cell) == ("en", "2025-01-15", 0)
    assert content.method.disclosure.startswith("Disclosure control is off")
    assert "internal analysis only" in content.method.disclosure
    assert (flagged.lang, flagged.date, flagged.min_cell) == ("da", "2025-02-01", 5)
    assert flagged.method.disclosure.startswith("Antal under 5 personer vises ikke")


def test_report_with_no_flags_goes_to_the_projects_reports_folder(report_dir):
    assert sorted(p.name for p in report_dir.iterdir()) == [
        "boligmonitor-report.json", "briefing.pptx", "report.html", "report.pdf", "tables.xlsx"]
    html = (report_dir / "report.html").read_text("utf-8")
    assert "1. december 2024" in html  # the report date rule "list"
    assert "Houlkærvænget" in html and "Vestervang" not in html
    assert "Eksempeldata" in html
    # The plan's targets, in a section of their own (and a sheet), beside the criteria.
    section = html[html.index('<section id="plan-targets">'):html.index('<section id="areas">')]
    assert "Helhedsplanens mål: Boligsocial helhedsplan 2021-2025" in section
    assert "højst 35,0 pct. i 2025" in section and "mindst 400.000 kr. i 2025" in section
    assert section.count("<img ") == 2  # one chart per indicator with a target
    assert "Grænse" not in section


def test_plot_with_no_flags_writes_the_configured_formats_into_the_figures_folder(project):
    with contextlib.chdir(project / "data"):  # the folder is the project's, not the cwd's
        assert main(["plot"]) == 0
    written = sorted(p.name for p in (project / "figures").iterdir()
                     if p.name != "boligmonitor-figures.json")
    assert written and {p.rsplit(".", 1)[1] for p in written} == {"svg"}
    assert "targets_share_outside_work_education_18_64.svg" in written
    assert "targets_mean_gross_income_15_64.svg" in written


def test_a_notebook_opens_and_runs_through_jupyterlabs_machinery(project, monkeypatch):
    """JupyterLab opens a notebooks/*.py file through jupytext's contents manager and runs it
    in the installed kernel: the same here, in the project folder, with no parameter set."""
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    kernelspec = pytest.importorskip("jupyter_client.kernelspec")
    manager = jupytext.TextFileContentsManager(root_dir=str(project))
    model = manager.get("notebooks/02_plan_period.py", content=True, type="notebook")
    assert model["type"] == "notebook"
    nb = model["content"]
    spec = kernelspec.KernelSpecManager().get_kernel_spec("python3")
    assert spec.language == "python"
    # The kernel is this interpreter (the venv), whatever other kernels Jupyter has installed.
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep
                       + os.environ.get("PATH", ""))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for var in ("BOLIGMONITOR_PROCESSED", "BOLIGMONITOR_PROJECT"):
        monkeypatch.delenv(var, raising=False)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={
        "metadata": {"path": str(project / "notebooks")}}).execute()
    text = "\n".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
        + str(o.get("data", {}).get("text/html", ""))
        for c in nb.cells for o in c.get("outputs", []))
    assert "Boligsocial helhedsplan 2021-2025" in text
    assert "højst 35,0 pct. i 2025" in text and "mindst 400.000 kr. i 2025" in text
    images = [o for c in nb.cells for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert len(images) >= 2 + 5  # the two targets charts, the overview and the five criteria
    assert "Vestervang" not in text  # the project's areas of interest, not the whole example


# --- the configuration, checked like data ---------------------------------------------------------

BAD = """\
lnguage = "da"
language = "fr"
min_cell = -1
areas = ["a", "a"]

[data]
processed = "data/processed"

[[data.raw]]
files = "data/raw/*.csv"
mapping = "nowhere.toml"
layout = "indicator"

[plan]
period = "2030-2026"
scenarios = ["scenarios/nowhere.toml"]

[[plan.targets]]
area = "a"
indicator = "share_outside_work"
value = 35
year = 2025

[[plan.targets]]
area = "a"
indicator = "share_outside_work_education_18_64"
value = 35
year = 20250
direction = "down"

[output]
report_date = "december"
figure_formats = ["jpg"]
"""


def test_every_problem_of_a_configuration_is_named_with_key_value_and_allowed(tmp_path, capsys):
    (tmp_path / CONFIG_NAME).write_text(BAD, "utf-8")
    assert main(["assess", "--project", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    expected = [
        ("'lnguage'", "did you mean 'language'"),
        ("'language'", "value 'fr'"),
        ("'min_cell'", "value -1"),
        ("'areas'", "an area is named twice"),
        ("'data.raw[1].mapping'", "no such file"),
        ("'data.raw[1].layout'", "allowed: indicators, criterion_values"),
        ("'plan.period'", "value '2030-2026'"),
        ("'plan.scenarios'", "value 'scenarios/nowhere.toml': no such file"),
        ("'plan.targets[1].indicator'", "value 'share_outside_work'"),
        ("'plan.targets[2].value'", "e.g. 0.35 for 35 %"),
        ("'plan.targets[2].year'", "1990-2100"),
        ("'plan.targets[2].direction'", "allowed: below, above"),
        ("'output.report_date'", "value 'december'"),
        ("'output.figure_formats'", "allowed: a list of png, svg, pdf"),
    ]
    lines = err.splitlines()
    for key, words in expected:
        assert any(key in line and words in line for line in lines), (key, words, err)
    assert err.splitlines()[0].startswith("error: 14 problems in ")


def test_a_configuration_that_is_not_toml_is_one_clear_line(tmp_path, capsys):
    (tmp_path / CONFIG_NAME).write_text("language = da\n", "utf-8")
    assert main(["assess", "--project", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not valid TOML" in err[0]


def test_areas_the_data_do_not_hold_are_named_with_the_closest(project, tmp_path, capsys):
    other = tmp_path / "p"
    shutil.copytree(project, other, ignore=shutil.ignore_patterns("reports", "figures"))
    config = other / CONFIG_NAME
    config.write_text(config.read_text("utf-8").replace(
        "areas = []", 'areas = ["viborg-houlkaervanget"]').replace(
        f"areas = {AREAS!r}".replace("'", '"'), "areas = []").replace('area = "all"',
                                                                        'area = "viborg-x"'),
        "utf-8")
    assert main(["assess", "--project", str(other)]) == 2
    err = capsys.readouterr().err
    assert "viborg-houlkaervanget" in err and "did you mean 'viborg-houlkaervaenget'" in err


def test_a_project_without_processed_data_says_to_ingest(tmp_path, capsys):
    init_project(tmp_path / "p")
    assert main(["report", "--project", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err
    assert "no processed data yet" in err and "boligmonitor ingest" in err


def test_ingest_with_nothing_in_data_raw_names_the_patterns(tmp_path, capsys):
    init_project(tmp_path / "p")
    assert main(["ingest", "--project", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err
    assert "data/raw/beboerdata*.csv" in err and "Traceback" not in err
    assert not (tmp_path / "p" / "data" / "processed" / "manifest.json").exists()


def test_a_bad_raw_file_stores_nothing_of_the_others(project, tmp_path, capsys):
    other = tmp_path / "p"
    init_project(other)
    shutil.copyfile(DOCS / "beboerdata.csv", other / "data" / "raw" / "beboerdata.csv")
    (other / "data" / "raw" / "references.csv").write_text(
        "year,scope,indicator,value,source\n2020,national,share_convicted_18plus,7,x\n", "utf-8")
    assert main(["ingest", "--project", str(other)]) == 2
    assert "references.csv" in capsys.readouterr().err
    assert not (other / "data" / "processed" / "manifest.json").exists()


def test_the_project_is_found_from_a_folder_below_it_and_not_elsewhere(project, tmp_path):
    assert find_project(project / "data" / "raw") == project.resolve()
    assert find_project(tmp_path) is None


def test_relative_paths_are_relative_to_the_project_folder(project):
    config = load_project(project)
    assert config.processed == (project / "data" / "processed").resolve()
    assert config.raw[0].mapping == (project / "data/raw/beboerdata.mapping.toml").resolve()
    assert config.plan.period == (2021, 2025)
    assert [(t.area_id, t.indicator) for t in config.plan.targets] == [
        (AREAS[0], "share_outside_work_education_18_64"),
        (AREAS[1], "share_outside_work_education_18_64"),
        (AREAS[1], "mean_gross_income_15_64")]
    assert config.report_date_for(2024) == "2024-12-01"


def test_the_figure_formats_are_those_of_the_figure_writer():
    from boligmonitor.io.figures import FORMATS

    assert FIGURE_FORMATS == FORMATS


# --- init never overwrites -------------------------------------------------------------------------


def test_init_refuses_a_folder_holding_other_things(tmp_path, capsys):
    (tmp_path / "thesis.docx").write_text("mine", "utf-8")
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not empty" in err and "thesis.docx" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.docx"]


def test_init_completes_a_partial_project_and_keeps_every_file_as_it_is(tmp_path):
    root = tmp_path / "p"
    init_project(root)
    config = root / CONFIG_NAME
    config.write_text("# mine\n", "utf-8")
    (root / "notebooks" / "02_plan_period.py").unlink()
    (root / "data" / "raw" / "beboerdata_2024.csv").write_bytes(b"as received")
    result = init_project(root)
    assert result.written == [root / "notebooks" / "02_plan_period.py"]
    assert config.read_text("utf-8") == "# mine\n"
    assert (root / "data" / "raw" / "beboerdata_2024.csv").read_bytes() == b"as received"


def test_init_in_an_existing_file_is_refused(tmp_path):
    (tmp_path / "f").write_text("x", "utf-8")
    with pytest.raises(ProjectError, match="not a folder"):
        init_project(tmp_path / "f")


# --- the copies that must stay the same ----------------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_scaffolds_notebooks_are_the_repositorys(tmp_path):
    files = scaffold_files()
    for nb in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.py")):
        assert files[f"notebooks/{nb.name}"] == nb.read_bytes(), (
            f"copy notebooks/{nb.name} to src/boligmonitor/data/project/notebooks/"
            f"{nb.name}.template")


def test_the_docs_examples_are_the_bundled_example_files_byte_for_byte():
    bundled = {**example_export_files(), **{p.name: p for p in example_files().values()}}
    for name in ("beboerdata.csv", "beboerdata.mapping.toml", "references.csv",
                 "memberships.csv"):
        assert _sha(DOCS / name) == _sha(bundled[name]), (
            f"docs/examples/{name} differs: run python tools/make_example_export.py")


def test_init_with_the_example_puts_the_docs_worked_example_in_data_raw(tmp_path):
    result = init_project(tmp_path / "p", example=True)
    raw = tmp_path / "p" / "data" / "raw"
    for name in ("beboerdata.csv", "references.csv", "memberships.csv"):
        assert (raw / name) in result.written
        assert _sha(raw / name) == _sha(DOCS / name)
