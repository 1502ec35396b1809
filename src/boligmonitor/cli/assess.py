"""``boligmonitor assess``: score areas against the criteria of each list year's rule set,
print the summary and write the areas and criteria tables, disclosure-controlled."""

from __future__ import annotations

import argparse

from boligmonitor.cli.common import (
    Handler,
    add_data_arguments,
    check_fed,
    echo,
    echo_missing_references,
    list_years,
    load_dataset,
    min_cell_setting,
    setting,
)
from boligmonitor.labels import label


def add_parser(sub: argparse._SubParsersAction) -> Handler:
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
    return run


def run(args: argparse.Namespace) -> int:
    from boligmonitor.disclosure import suppress_assessment
    from boligmonitor.io.writers import check_table_path, write_table
    from boligmonitor.summary import summary_lines

    # Everything the command line can check is checked before any work is done.
    for path in (args.out, args.criteria_out):
        if path:
            check_table_path(path)
    args.rules = setting(args, "rules", None)
    lang = setting(args, "lang", "da")
    years = list_years(args)
    data = load_dataset(args)
    result = data.assess(list_years=years, rules=args.rules)
    if years is not None:
        check_fed(data, result, years, args.rules)
    # What the command prints and writes may be passed on: disclosure control by default.
    min_cell = min_cell_setting(args)
    if min_cell > 0:
        result = suppress_assessment(result, indicators=data.indicators,
                                     criterion_values=data.criterion_values, min_cell=min_cell)
    for line in summary_lines(result, is_example=data.is_example, lang=lang):
        echo(line)
    echo_missing_references(result, lang)
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
