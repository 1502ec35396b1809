"""The command line: the one place that wires paths, logging, progress bars and exit codes.

Each sub-command has an ``_add_<name>`` function that declares its arguments and a
``_cmd_<name>`` handler that returns the exit code. Library errors become one clear message
(and, for validation errors, the table of problems) on stderr with exit code 2; so does an
operating-system error on a path the user gave (a file that cannot be read, a directory that
cannot be written). A closed pipe (``boligmonitor assess | head -1``) ends the command quietly.
Anything else is a bug and shows its traceback; ``--debug`` shows the traceback of every error.

Everything printed goes through :func:`echo`, which escapes the characters a terminal would
act on (control characters, bidi overrides) wherever they come from: a name in the data, a
header, a file name.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from collections.abc import Callable, Sequence

from boligmonitor.errors import (
    BoligmonitorError,
    DataValidationError,
    DataWarning,
    format_problems,
)
from boligmonitor.labels import label, label_n
from boligmonitor.schemas import escape_text

log = logging.getLogger("boligmonitor")

Handler = Callable[[argparse.Namespace], int]


def echo(text: object = "", *, err: bool = False) -> None:
    """Print ``text`` with every character a terminal would act on escaped (line breaks kept)."""
    lines = str(text).split("\n")
    print("\n".join(escape_text(line) for line in lines), file=sys.stderr if err else sys.stdout)


def _echo_warning(w: DataWarning) -> None:
    n = len(w.problems)
    where = f" in {w.source}" if w.source else ""
    echo(f"warning: {n} implausible value{'s' if n != 1 else ''}{where}", err=True)
    echo(format_problems(w.problems, limit=200), err=True)


def _echo_problems(exc: DataValidationError) -> None:
    n = len(exc.problems)
    where = f" in {exc.source}" if exc.source else ""
    echo(f"error: {n} problem{'s' if n != 1 else ''}{where}", err=True)
    echo(exc.format(limit=200), err=True)


def _echo_missing_references(result, lang: str = "en", list_years=None) -> None:
    """Name every reference a relative criterion lacked (see boligmonitor.criteria.stated)."""
    from boligmonitor.criteria.stated import missing_reference_messages, missing_references

    areas, criteria = result.areas, result.criteria
    if list_years is not None:
        areas = areas[areas["list_year"].isin(list_years)]
        criteria = criteria[criteria["list_year"].isin(list_years)]
    for line in missing_reference_messages(missing_references(criteria, areas), lang):
        echo(label("cli.warning", lang).format(message=line), err=True)


def add_lang_argument(p: argparse.ArgumentParser) -> None:
    """Declare --lang: the language of what the command prints (its one-line summaries)."""
    p.add_argument("--lang", choices=("da", "en"), default=None,
                   help="language of the summary it prints (default: the project's, else da)")


def _add_validate(sub: argparse._SubParsersAction) -> Handler:
    p = sub.add_parser("validate", help="check input files against their layout; write nothing",
                       description="Check FILEs; in a project folder without FILEs, the raw "
                       "files its configuration names ([[data.raw]]).")
    p.add_argument("files", nargs="*", metavar="FILE")
    add_project_argument(p)
    p.add_argument("--mapping", help="column-mapping file (TOML) for files not in canonical form")
    p.add_argument("--layout", help="layout of the files (default: the mapping's, or detected)")
    p.add_argument("--sheet", help="Excel sheet to read")
    p.add_argument("--header-row", type=int, help="1-based header row (Excel, CSV)")
    add_lang_argument(p)
    return _cmd_validate


def _cmd_validate(args: argparse.Namespace) -> int:
    from boligmonitor import formatting
    from boligmonitor.io.mapping import read_mapping
    from boligmonitor.io.readers import read_table

    # Every file is checked and every problem of every file reported, as ingest does; a bad
    # mapping is reported once.
    batches = _file_batches(args, "validate")
    lang = _setting(args, "lang", "da")
    failed = n = 0
    for files, how in batches:
        mapping = read_mapping(how["mapping"]) if how["mapping"] else None
        for path in files:
            n += 1
            try:
                table = read_table(path, layout=how["layout"], mapping=mapping,
                                   sheet=how["sheet"], header_row=how["header_row"])
            except DataValidationError as exc:
                _echo_problems(exc)
                failed += 1
                continue
            meta = table.attrs["boligmonitor"]
            echo(label("cli.valid", lang).format(
                path=path, layout=label(f"report.layout_{meta['layout']}", lang),
                rows=label_n("cli.rows", len(table), lang).format(
                    n=formatting.number(len(table), 0, lang)),
                example=label("cli.example", lang) if meta.get("is_example") else ""))
    if failed:
        echo(f"error: {failed} of {n} file{'s' if n != 1 else ''} invalid", err=True)
        return 2
    return 0


def _file_batches(args: argparse.Namespace, command: str) -> list[tuple[list, dict]]:
    """The files a validate or an ingest works on, in batches that share how they are read:
    the FILEs given with the options given, else the raw files of the project's configuration
    (each [[data.raw]] entry with its own mapping, layout, sheet and header row)."""
    given = {"mapping": args.mapping, "layout": args.layout, "sheet": args.sheet,
             "header_row": args.header_row}
    if args.files:
        return [(list(args.files), given)]
    project = current_project(args)
    if project is None:
        raise BoligmonitorError(f"{command}: give FILE..., or run it in a project folder "
                                "(`boligmonitor init DIR` makes one) whose configuration "
                                "names the raw files")
    if not project.raw:
        raise BoligmonitorError(f"{project.path}: names no raw files ([[data.raw]] with "
                                f"files = \"data/raw/...\"); give FILE... to {command}")
    batches, empty = [], []
    for entry in project.raw:
        files = entry.files(project.root)
        if not files:
            empty.append(entry.pattern)
            continue
        batches.append((files, {"mapping": args.mapping or entry.mapping,
                                "layout": args.layout or entry.layout,
                                "sheet": args.sheet or entry.sheet,
                                "header_row": args.header_row or entry.header_row}))
    for pattern in empty:
        echo(f"note: no file matches {pattern} (from {project.path.name})", err=True)
    if not batches:
        raise BoligmonitorError(f"no raw file to {command}: nothing matches "
                                f"{', '.join(empty)} in {project.root}; put the files as "
                                "received in data/raw")
    return batches


def _add_ingest(sub: argparse._SubParsersAction) -> Handler:
    p = sub.add_parser(
        "ingest", help="validate files and store them as Parquet in the processed directory"
    )
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="files as received; in a project folder, default: the raw files its "
                   "configuration names ([[data.raw]])")
    p.add_argument("--mapping", help="column-mapping file (TOML) for files not in canonical form")
    p.add_argument("--layout", help="layout of the files (default: the mapping's, or detected)")
    p.add_argument("--sheet", help="Excel sheet to read")
    p.add_argument("--header-row", type=int, help="1-based header row (Excel, CSV)")
    p.add_argument("--processed", help="processed directory (default: the project's, else "
                   "data/processed)")
    add_project_argument(p)
    add_lang_argument(p)
    return _cmd_ingest


def _cmd_ingest(args: argparse.Namespace) -> int:
    import pandas as pd

    from boligmonitor.io.mapping import read_mapping
    from boligmonitor.io.readers import read_table
    from boligmonitor.io.store import ingest

    project = current_project(args)
    processed = args.processed or (project.processed if project else "data/processed")
    batches = _file_batches(args, "ingest")
    if len(batches) > 1:
        # Every batch is checked before the first is stored: a bad file stores nothing, and
        # every problem of every file is reported at once.
        problems = []
        for files, how in batches:
            mapping = read_mapping(how["mapping"]) if how["mapping"] else None
            for f in files:
                try:
                    read_table(f, how["layout"], mapping, sheet=how["sheet"],
                               header_row=how["header_row"])
                except DataValidationError as exc:
                    problems.append(exc.problems)
        if problems:
            raise DataValidationError(pd.concat(problems, ignore_index=True),
                                      source="the raw files of the project")
    for files, how in batches:
        result = ingest(files, processed, layout=how["layout"], mapping=how["mapping"],
                        sheet=how["sheet"], header_row=how["header_row"])
        for line in result.summary_lines(_setting(args, "lang", "da")):
            echo(line)
    return 0


def _add_aggregate(sub: argparse._SubParsersAction) -> Handler:
    p = sub.add_parser(
        "aggregate",
        help="aggregate person-level register data (Parquet) into area indicators and references",
        description="Write indicators.parquet and references.parquet into --out; the layouts "
        "of the inputs are documented in docs/microdata.md.",
    )
    p.add_argument("persons", nargs="+", metavar="PERSONS",
                   help="persons Parquet files, directories of them, or glob patterns")
    p.add_argument("--addresses", required=True, metavar="FILE",
                   help="addresses-to-areas table (Parquet or CSV)")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    p.add_argument("--education-regime", choices=("2013", "2018"), default="2018",
                   help="which law's education definition to use (default: %(default)s)")
    p.add_argument("--unknown-education-not-basic", action="store_true",
                   help="2018 regime: do not count unknown education as basic (default: count)")
    p.add_argument("--unknown-country-non-western", action="store_true",
                   help="count immigrants and descendants of unknown country as non-western")
    p.add_argument("--memory-limit", default="2GB",
                   help="DuckDB memory limit (default: %(default)s)")
    p.add_argument("--threads", type=int, default=2, help="DuckDB threads (default: %(default)s)")
    p.add_argument("--no-unique-check", action="store_true",
                   help="skip the check that each person appears once per data year")
    return _cmd_aggregate


def _cmd_aggregate(args: argparse.Namespace) -> int:
    from boligmonitor.microdata import AggregateOptions, aggregate_files

    options = AggregateOptions(
        education_regime=args.education_regime,
        unknown_education_is_basic=not args.unknown_education_not_basic,
        unknown_country_is_non_western=args.unknown_country_non_western,
        memory_limit=args.memory_limit,
        threads=args.threads,
        check_unique=not args.no_unique_check,
    )
    for path in aggregate_files(args.persons, args.addresses, args.out, options):
        echo(f"wrote {path}")
    return 0


def _add_assess(sub: argparse._SubParsersAction) -> Handler:
    p = sub.add_parser(
        "assess", help="score areas against the criteria of each list year's rule set"
    )
    add_data_arguments(p)
    years = p.add_mutually_exclusive_group()
    years.add_argument("--list-year", type=int, help="one list year N")
    years.add_argument("--list-years", help="a range of list years A-B")
    p.add_argument("--rules", help="bundled rule set id (2010, 2013, 2018, 2021) or a rule file")
    p.add_argument(
        "--out", help="areas table: one row per area and list year (.csv, .parquet, .xlsx)"
    )
    p.add_argument("--criteria-out", help="criteria table, one row per area, year and criterion")
    p.add_argument("--min-cell", type=int, default=None, metavar="N",
                   help="disclosure control: suppress counts below N and the values built on "
                   "them (default: the project's, else 5; 0 turns it off, for internal "
                   "analysis only)")
    p.add_argument("--lang", choices=("da", "en"), default=None,
                   help="language of the summary (default: the project's, else da)")
    return _cmd_assess


def _list_years(args: argparse.Namespace) -> list[int] | None:
    if args.list_year is not None:
        years = [args.list_year]
    elif args.list_years is None:
        return None
    else:
        first, sep, last = args.list_years.partition("-")
        if not sep or not first.strip().isdigit() or not last.strip().isdigit():
            raise BoligmonitorError(
                f"--list-years {args.list_years!r}: allowed: A-B, e.g. 2018-2024")
        if int(first) > int(last):
            raise BoligmonitorError(f"--list-years {args.list_years!r}: the first year is after "
                                    f"the last (allowed: A-B with A <= B, e.g. 2018-2024)")
        years = list(range(int(first), int(last) + 1))
    _check_governed(years, args.rules)
    return years


def _check_governed(years: list[int], rules: str | None) -> None:
    """Say, in the command line's words, which list year no bundled rule set governs."""
    if rules is not None:
        return
    from boligmonitor.rules import available_rules, governing_rules, load_rules

    for y in years:
        if governing_rules(y) is None:
            spans = ", ".join(f"{rid}: {load_rules(rid).list_years}"
                              for rid in available_rules())
            raise BoligmonitorError(f"no bundled rule set governs list year {y} (rule sets: "
                                    f"{spans}); give one with --rules")


def _check_fed(data, result, years: list[int], rules: str | None) -> None:
    """Raise if the data cannot feed a requested list year: no area is scored for it."""
    scored = set(result.areas["list_year"].astype(int))
    missing = [y for y in years if y not in scored]
    if not missing:
        return
    feedable = sorted(set(data.assess(rules=rules).areas["list_year"].astype(int)))
    span = (f"it feeds list years {feedable[0]}-{feedable[-1]}" if feedable
            else "it feeds no list year")
    what = "list year" if len(missing) == 1 else "list years"
    raise BoligmonitorError(f"the data cannot feed {what} {', '.join(map(str, missing))}: "
                            f"no area is scored for it ({span})")


def add_project_argument(p: argparse.ArgumentParser) -> None:
    """Declare ``--project``: the project folder whose configuration the command uses."""
    p.add_argument("--project", metavar="DIR",
                   help="project folder (default: the one holding the working directory, "
                   "found by its boligmonitor.toml); options given here override its "
                   "configuration")


def current_project(args: argparse.Namespace):
    """The project the command runs in: ``--project DIR``, else the folder holding the working
    directory that has a boligmonitor.toml, else None. Read once per command."""
    from boligmonitor.project import find_project, load_project

    if not hasattr(args, "_project_config"):
        given = getattr(args, "project", None)
        folder = given if given is not None else find_project()
        args._project_config = None if folder is None else load_project(folder)
    return args._project_config


def add_data_arguments(p: argparse.ArgumentParser) -> None:
    """Declare the options that say which data a command works on (see :func:`load_dataset`)."""
    p.add_argument("--data", help="indicators (layout a) or criterion values (layout b); "
                   "default: the processed store if --processed is given, else the project's "
                   "data, else the bundled example data")
    p.add_argument("--references", help="reference values (layout c)")
    p.add_argument("--memberships", help="published list memberships (layout d)")
    p.add_argument("--processed", help="a processed directory written by `boligmonitor ingest`")
    add_project_argument(p)


def load_dataset(args: argparse.Namespace):
    """Return the Dataset the data options name: files, a processed store, the project's data
    (its configuration, areas of interest included), or the example."""
    from boligmonitor.datasets import dataset_from_tables, example_data
    from boligmonitor.io.readers import read_table

    if args.data is None and args.processed is None:
        if args.references or args.memberships:
            raise BoligmonitorError("--references and --memberships need --data or --processed")
        project = current_project(args)
        if project is not None:
            return project.dataset()
        return example_data()
    if args.processed is not None:
        if args.data or args.references or args.memberships:
            raise BoligmonitorError("--processed cannot be combined with --data, --references "
                                    "or --memberships: ingest those files into the store")
        from boligmonitor.datasets import read_processed

        return read_processed(args.processed)
    main_table = read_table(args.data)
    layout = main_table.attrs["boligmonitor"]["layout"]
    if layout not in ("indicators", "criterion_values"):
        raise BoligmonitorError(
            f"--data {args.data}: layout {layout!r} cannot be scored "
            "(allowed: indicators, criterion_values)"
        )
    tables = {layout: main_table}
    if args.references:
        tables["references"] = read_table(args.references, "references")
    if args.memberships:
        tables["memberships"] = read_table(args.memberships, "memberships")
    return dataset_from_tables(**tables)


def _setting(args: argparse.Namespace, name: str, default):
    """An option's value: the command line's, else the project configuration's, else
    ``default``."""
    given = getattr(args, name, None)
    if given is not None:
        return given
    project = current_project(args)
    value = None
    if project is not None:
        value = {"lang": project.language, "min_cell": project.min_cell,
                 "rules": project.rules}[name]
    return default if value is None else value


def _cmd_assess(args: argparse.Namespace) -> int:
    from boligmonitor.disclosure import suppress_assessment
    from boligmonitor.io.writers import check_table_path, write_table
    from boligmonitor.summary import summary_lines

    # Everything the command line can check is checked before any work is done.
    for path in (args.out, args.criteria_out):
        if path:
            check_table_path(path)
    args.rules = _setting(args, "rules", None)
    lang = _setting(args, "lang", "da")
    years = _list_years(args)
    data = load_dataset(args)
    result = data.assess(list_years=years, rules=args.rules)
    if years is not None:
        _check_fed(data, result, years, args.rules)
    # What the command prints and writes may be passed on: disclosure control by default.
    min_cell = _min_cell(args)
    if min_cell > 0:
        result = suppress_assessment(result, indicators=data.indicators,
                                     criterion_values=data.criterion_values, min_cell=min_cell)
    for line in summary_lines(result, is_example=data.is_example, lang=lang):
        echo(line)
    _echo_missing_references(result, lang)
    # Example data must say so wherever it is shown, also in exported tables; so must the
    # readings of the law in force (the areas table carries them already).
    if args.out:
        path = write_table(result.areas.assign(is_example=data.is_example), args.out)
        echo(label("cli.wrote", lang).format(path=path))
    if args.criteria_out:
        crit = result.criteria.assign(options=result.options.describe(),
                                      is_example=data.is_example)
        echo(label("cli.wrote", lang).format(path=write_table(crit, args.criteria_out)))
    return 0


def _add_report(sub: argparse._SubParsersAction) -> Handler:
    p = sub.add_parser(
        "report",
        help="write the yearly report: report.html, report.pdf, tables.xlsx, briefing.pptx",
        description="Write the yearly indicator report into --out (default reports/<list year>). "
        "Only the report's own files are replaced, whole or not at all; a folder holding "
        "other files is refused.",
    )
    p.add_argument("--list-year", type=int,
                   help="list year N (default: the latest the data allows)")
    add_data_arguments(p)
    p.add_argument("--rules", help="bundled rule set id (2010, 2013, 2018, 2021) or a rule file")
    p.add_argument("--out", metavar="DIR", help="output directory (default: reports/<N>, in a "
                   "project its configured reports folder)")
    p.add_argument("--lang", choices=("da", "en"), default=None,
                   help="language of the report (default: the project's, else da)")
    p.add_argument("--min-cell", type=int, default=None, metavar="N",
                   help="disclosure control: smallest count shown (default: the project's, "
                   "else 5)")
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="the report's date (default: the project's rule, else from the data, "
                   "else 1 December of N)")
    return _cmd_report


def _cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tqdm import tqdm

    from boligmonitor.disclosure import SUPPRESSED_CATEGORY
    from boligmonitor.report import build_report, n_steps, write_report
    from boligmonitor.report.build import latest_list_year

    project = current_project(args)
    args.rules = _setting(args, "rules", None)
    lang = _setting(args, "lang", "da")
    data = load_dataset(args)
    min_cell = _min_cell(args)
    date = args.date
    if project is not None and date is None:
        year = args.list_year or latest_list_year(data, rules=args.rules)
        date = project.report_date_for(year)
    plan = {}
    if project is not None:
        plan = {"plan_name": project.plan.name or None, "plan_period": project.plan.period,
                "targets": project.plan.targets_table() if project.plan.targets else None}
    assessment = data.assess(rules=args.rules)
    content = build_report(data, list_year=args.list_year, rules=args.rules, lang=lang,
                           min_cell=min_cell, date=date, assessment=assessment, **plan)
    reports = project.reports if project is not None else Path("reports")
    out = Path(args.out) if args.out else reports / str(content.list_year)
    with tqdm(total=n_steps(content), desc="report", unit="step", file=sys.stderr,
              leave=False, disable=None) as bar:
        paths = write_report(content, out, progress=lambda _step: bar.update(1))
    cats = sum(1 for s in content.summary
               if s.category_id not in ("none", "undetermined", SUPPRESSED_CATEGORY))
    mark = f" ({content.example_mark})" if content.is_example else ""
    n_areas, n_changed = len(content.summary), len(content.changes)
    since = (label("cli.since", lang).format(year=content.previous_year)
             if content.previous_year else label("cli.no_previous", lang))
    echo(label("cli.report_summary", lang).format(
        title=content.title, mark=mark,
        areas=label_n("summary.areas", n_areas, lang).format(n=n_areas),
        listed=label_n("cli.listed", cats, lang).format(n=cats),
        changed=label_n("cli.changed", n_changed, lang).format(n=n_changed), since=since))
    for path in paths:
        echo(label("cli.wrote", lang).format(path=path))
    _echo_missing_references(assessment, lang, [content.list_year])
    return 0


def _add_plot(sub: argparse._SubParsersAction) -> Handler:
    p = sub.add_parser(
        "plot", help="write the board's charts (PNG 300 dpi, SVG, PDF) for the plan period"
    )
    add_data_arguments(p)
    p.add_argument("--list-year", type=int, help="list year N of the margins and the early "
                   "warning (for N+1); default: the latest the data allows")
    p.add_argument("--rules", help="bundled rule set id (2010, 2013, 2018, 2021) or a rule file")
    p.add_argument("--out", help="output directory (default: the project's figures folder, "
                   "else figures)")
    p.add_argument("--format", action="append", choices=("png", "svg", "pdf"), dest="formats",
                   help="file format; repeat for several (default: png, svg and pdf)")
    p.add_argument("--lang", choices=("da", "en"), default=None,
                   help="language of the charts (default: the project's, else da)")
    p.add_argument("--plan-period",
                   help="plan period to shade, A-B (default: the project's plan, else 2021-2025, "
                   "the example's)")
    p.add_argument("--dpi", type=int, default=None,
                   help="PNG resolution (default: the project's, else 300)")
    p.add_argument("--min-cell", type=int, default=None, metavar="N",
                   help="disclosure control: suppress counts below N and values built on them "
                   "(default: the project's, else 5)")
    return _cmd_plot


def _min_cell(args: argparse.Namespace) -> int:
    """The minimum cell size of disclosure control: --min-cell, else the project's, else the
    package default."""
    from boligmonitor.disclosure import DEFAULT_MIN_CELL

    min_cell = _setting(args, "min_cell", DEFAULT_MIN_CELL)
    if min_cell < 0:
        raise BoligmonitorError(f"--min-cell {min_cell}: allowed: a whole number >= 0")
    return min_cell


def _cmd_plot(args: argparse.Namespace) -> int:
    from boligmonitor.io.figures import FORMATS, save_figures
    from boligmonitor.plots import (
        board_charts,
        suppress_for_charts,
        suppress_warning_for_charts,
    )
    from boligmonitor.project import EXAMPLE_PLAN_PERIOD, parse_period

    project = current_project(args)
    args.rules = _setting(args, "rules", None)
    lang = _setting(args, "lang", "da")
    min_cell = _min_cell(args)
    if args.plan_period is not None:
        plan_period = parse_period(args.plan_period)
        if plan_period is None:
            raise BoligmonitorError(f"--plan-period {args.plan_period!r}: allowed: A-B, "
                                    "e.g. 2021-2025")
    else:
        plan_period = project.plan.period if project is not None else EXAMPLE_PLAN_PERIOD
    out = args.out or (str(project.figures) if project is not None else "figures")
    if args.list_year is not None:
        _check_governed([args.list_year], args.rules)
    data = load_dataset(args)
    result = data.assess(rules=args.rules)
    if not len(result.areas):
        raise BoligmonitorError("the data feeds no list year: nothing to chart")
    year = args.list_year or int(result.areas["list_year"].max())
    _check_fed(data, result, [year], args.rules)
    warning = None
    if data.indicators is not None:
        warning = data.early_warning(year, rules=args.rules)
    shown, indicators, hidden = suppress_for_charts(result, data.indicators, min_cell,
                                                    criterion_values=data.criterion_values,
                                                    with_mask=True)
    warning = suppress_warning_for_charts(warning, data.indicators, min_cell)
    targets = (project.plan.targets_table()
               if project is not None and project.plan.targets else None)
    figures = board_charts(shown, indicators=indicators, suppressed=hidden, warning=warning,
                           list_year=year, plan_period=plan_period, lang=lang,
                           is_example=data.is_example, targets=targets,
                           criterion_values=data.criterion_values)
    if data.is_example:
        echo(data.example_note(lang))
    formats = args.formats or (project.figure_formats if project is not None else FORMATS)
    dpi = args.dpi or (project.dpi if project is not None else 300)
    paths = save_figures(figures, out, formats, dpi=dpi)
    echo(label("cli.plot_summary", lang).format(
        files=label_n("cli.files", len(paths), lang).format(n=len(paths)),
        charts=label_n("cli.charts", len(figures), lang).format(n=len(figures)), out=out))
    _echo_missing_references(result, lang)
    return 0


def _add_init(sub: argparse._SubParsersAction) -> Handler:
    p = sub.add_parser(
        "init", help="make a project folder: configuration, data log, mapping template, "
        "notebooks",
        description="Write the scaffold of an analyst's project into DIR (made if missing): "
        "boligmonitor.toml (commented), data/raw with its data log and a mapping-file "
        "template, data/processed, notebooks/. Nothing that exists is overwritten; a folder "
        "holding anything else is refused.")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--example", action="store_true",
                   help="also put the worked example's files in data/raw (the example areas as "
                   "a Danish export, their reference values and published lists; invented "
                   "figures, marked Eksempeldata in every output)")
    return _cmd_init


def _cmd_init(args: argparse.Namespace) -> int:
    from boligmonitor.project import init_project

    result = init_project(args.dir, example=args.example)
    for path in result.written:
        echo(f"wrote {path}")
    for path in result.kept:
        echo(f"kept {path} (exists)")
    if not result.written:
        echo(f"{result.root}: complete already, nothing written")
    elif args.example:
        echo(f"next, in {result.root}: `boligmonitor ingest` and `boligmonitor report` (the "
             "example's invented figures; replace the files in data/raw with yours)")
    else:
        echo(f"next: put your files in {result.root / 'data' / 'raw'}, name them in "
             f"{result.root / 'boligmonitor.toml'}, then in {result.root}: "
             "`boligmonitor ingest` and `boligmonitor report` (see its README.md)")
    return 0


def _add_outlook(sub: argparse._SubParsersAction) -> Handler:
    p = sub.add_parser(
        "outlook",
        help="the coming lists: the probability of each category, with scenarios",
        description="Project every area's indicators over the coming years and score thousands "
        "of projected futures through the criteria: the probability of each category on each "
        "coming 1 December list, for the baseline and each scenario (docs/outlook.md). The "
        "same seed gives the same result.",
    )
    add_data_arguments(p)
    p.add_argument("--list-years", help="the coming list years A-B (default: the five after "
                   "the last list year the data feed)")
    p.add_argument("--scenario", action="append", default=[], metavar="FILE",
                   help="a scenario file (TOML, docs/outlook.md); repeat for several")
    p.add_argument("--draws", type=int, default=None, metavar="N",
                   help="projected futures per area (default: 2000)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: 0)")
    p.add_argument("--rules", help="bundled rule set id (2010, 2013, 2018, 2021) or a rule file")
    p.add_argument("--out", help="the probabilities as a tidy table: area_id, area_name, "
                   "list_year, category, probability, scenario (.csv, .parquet, .xlsx)")
    p.add_argument("--lang", choices=("da", "en"), default="da",
                   help="language of what is printed (default: %(default)s)")
    p.add_argument("--min-cell", type=int, default=None, metavar="N",
                   help="disclosure control: suppress the probabilities that would give a "
                   "count below N back (default 5; 0 turns it off, for internal analysis only)")
    p.add_argument("--charts", metavar="DIR", help="also write the outlook's charts (the "
                   "probabilities, and each area's indicators against the lines) into DIR")
    p.add_argument("--format", action="append", choices=("png", "svg", "pdf"), dest="formats",
                   help="chart file format; repeat for several (default: png, svg and pdf)")
    return _cmd_outlook


def _cmd_outlook(args: argparse.Namespace) -> int:
    from boligmonitor.io.writers import check_table_path, write_table
    from boligmonitor.outlook import DEFAULT_DRAWS, read_scenario
    from boligmonitor.outlook.publish import suppress_outlook
    from boligmonitor.outlook.text import summary_lines, tidy_probabilities

    if args.out:
        check_table_path(args.out)
    min_cell = _min_cell(args)
    draws = DEFAULT_DRAWS if args.draws is None else args.draws
    if draws < 1:
        raise BoligmonitorError(f"--draws {draws}: allowed: a whole number >= 1")
    if args.seed < 0:
        raise BoligmonitorError(f"--seed {args.seed}: allowed: a whole number >= 0")
    scenarios = [read_scenario(path) for path in args.scenario]  # refused before any work
    years = _list_years(argparse.Namespace(list_year=None, list_years=args.list_years,
                                           rules=args.rules))
    data = load_dataset(args)
    result = data.outlook(list_years=years, scenarios=scenarios, draws=draws, seed=args.seed,
                          rules=args.rules)
    # What the command prints and writes may be passed on: disclosure control by default.
    if min_cell > 0:
        result = suppress_outlook(result, data.indicators, data.references, data.memberships,
                                  min_cell)
    for line in summary_lines(result, lang=args.lang, is_example=data.is_example):
        echo(line)
    if args.out:
        table = tidy_probabilities(result, is_example=data.is_example)
        echo(f"wrote {write_table(table, args.out)}")
    if args.charts:
        from boligmonitor.io.figures import FORMATS, save_figures
        from boligmonitor.plots import outlook_charts

        figures = outlook_charts(result, lang=args.lang, is_example=data.is_example)
        paths = save_figures(figures, args.charts, args.formats or FORMATS)
        echo(f"wrote {len(paths)} files ({len(figures)} charts) to {args.charts}")
    return 0


COMMANDS: list[Callable[[argparse._SubParsersAction], Handler]] = [
    _add_init,
    _add_validate,
    _add_ingest,
    _add_aggregate,
    _add_assess,
    _add_plot,
    _add_report,
    _add_outlook,
]


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    """Return the argument parser and the handler of each sub-command."""
    parser = argparse.ArgumentParser(
        prog="boligmonitor",
        description="Monitor public housing areas against the criteria of "
        "almenboligloven §§ 61 a-b.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.add_argument("--debug", action="store_true",
                        help="show the Python traceback of every error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    handlers: dict[str, Handler] = {}
    for add in COMMANDS:
        before = set(sub.choices)
        handler = add(sub)
        for name in set(sub.choices) - before:
            handlers[name] = handler
    return parser, handlers


def _os_error(exc: OSError) -> str:
    what = exc.strerror or str(exc)
    if exc.filename is not None:
        other = f" -> {exc.filename2}" if exc.filename2 is not None else ""
        return f"{exc.filename}{other}: {what}"
    return what


def _quiet_stdout() -> None:
    """After a closed pipe: send what is still buffered nowhere, so that the interpreter's own
    flush at exit does not complain about the pipe either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture)
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DataWarning)
            try:
                code = handlers[args.command](args)
            finally:
                for w in caught:
                    if isinstance(w.message, DataWarning):
                        _echo_warning(w.message)
                    else:  # not ours to judge: shown as Python would have shown it
                        warnings.showwarning(w.message, w.category, w.filename, w.lineno)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:
        _quiet_stdout()
        return 141  # the shell's code for a command ended by a closed pipe (128 + SIGPIPE)
    except KeyboardInterrupt:
        if args.debug:
            raise
        echo("interrupted", err=True)
        return 130
    except DataValidationError as exc:
        if args.debug:
            raise
        _echo_problems(exc)
        return 2
    except BoligmonitorError as exc:
        if args.debug:
            raise
        echo(f"error: {exc}", err=True)
        return 2
    except OSError as exc:
        # A path the user gave: a file that cannot be read, a directory that cannot be written.
        if args.debug:
            raise
        echo(f"error: {_os_error(exc)}", err=True)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
