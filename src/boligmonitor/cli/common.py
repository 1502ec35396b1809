"""What the commands share: printing, the project folder, the data options, the settings.

:func:`echo` prints (escaping what a terminal would act on); :func:`current_project` finds the
project folder a command runs in, and :func:`setting` reads an option from the command line,
else the project's configuration, else its default; :func:`add_data_arguments` and
:func:`load_dataset` declare and load the data a command works on; :func:`file_batches` the raw
files a validate or an ingest reads; :func:`list_years`, :func:`check_governed` and
:func:`check_fed` check the list years asked for before any work is done.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from boligmonitor.errors import BoligmonitorError, DataValidationError
from boligmonitor.labels import label
from boligmonitor.schemas import escape_text

Handler = Callable[[argparse.Namespace], int]


def echo(text: object = "", *, err: bool = False) -> None:
    """Print ``text`` with every character a terminal would act on escaped (line breaks kept)."""
    lines = str(text).split("\n")
    print("\n".join(escape_text(line) for line in lines), file=sys.stderr if err else sys.stdout)


def echo_problems(exc: DataValidationError) -> None:
    """Print a validation error's count and table of problems on stderr."""
    n = len(exc.problems)
    where = f" in {exc.source}" if exc.source else ""
    echo(f"error: {n} problem{'s' if n != 1 else ''}{where}", err=True)
    echo(exc.format(limit=200), err=True)


def echo_missing_references(result, lang: str = "en", list_years=None) -> None:
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


def file_batches(args: argparse.Namespace, command: str) -> list[tuple[list, dict]]:
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


#: The list years the command line accepts: a year outside cannot be a list of the law, and a
#: range beyond them would be scored year by year for minutes (or overflow the engine).
LIST_YEAR_BOUNDS = (1990, 2100)


def check_year_bounds(option: str, first: int, last: int) -> None:
    """Refuse list years outside :data:`LIST_YEAR_BOUNDS`, naming the option as given."""
    low, high = LIST_YEAR_BOUNDS
    if first < low or last > high:
        raise BoligmonitorError(f"{option}: allowed: list years from {low} to {high}")


def list_years(args: argparse.Namespace) -> list[int] | None:
    if args.list_year is not None:
        check_year_bounds(f"--list-year {args.list_year}", args.list_year, args.list_year)
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
        check_year_bounds(f"--list-years {args.list_years!r}", int(first), int(last))
        years = list(range(int(first), int(last) + 1))
    check_governed(years, args.rules)
    return years


def check_folder(folder: str, option: str) -> None:
    """Refuse, before any work, a folder to write into that is a file."""
    from pathlib import Path

    if Path(folder).exists() and not Path(folder).is_dir():
        raise BoligmonitorError(f"{option} {folder}: a file, not a folder to write into")


def check_governed(years: list[int], rules: str | None) -> None:
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


def check_fed(data, result, years: list[int], rules: str | None) -> None:
    """Raise if the data cannot feed a requested list year: no area is scored for it."""
    from boligmonitor.formatting import years_text

    scored = set(result.areas["list_year"].astype(int))
    missing = [y for y in years if y not in scored]
    if not missing:
        return
    feedable = sorted(set(data.assess(rules=rules).areas["list_year"].astype(int)))
    span = (f"it feeds list years {feedable[0]}-{feedable[-1]}" if feedable
            else "it feeds no list year")
    what = "list year" if len(missing) == 1 else "list years"
    raise BoligmonitorError(f"the data cannot feed {what} {years_text(missing)}: "
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


def setting(args: argparse.Namespace, name: str, default):
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


def min_cell_setting(args: argparse.Namespace) -> int:
    """The minimum cell size of disclosure control: --min-cell, else the project's, else the
    package default."""
    from boligmonitor.disclosure import DEFAULT_MIN_CELL

    min_cell = setting(args, "min_cell", DEFAULT_MIN_CELL)
    if min_cell < 0:
        raise BoligmonitorError(f"--min-cell {min_cell}: allowed: a whole number >= 0")
    return min_cell
