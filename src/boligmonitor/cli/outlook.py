"""``boligmonitor outlook``: the probability of each category on the coming lists, with
scenarios (:mod:`boligmonitor.outlook`), disclosure-controlled."""

from __future__ import annotations

import argparse

from boligmonitor.cli.common import (
    Handler,
    add_data_arguments,
    add_lang_argument,
    check_folder,
    current_project,
    echo,
    list_years,
    load_dataset,
    min_cell_setting,
    setting,
)
from boligmonitor.errors import BoligmonitorError
from boligmonitor.labels import label, label_n


def add_parser(sub: argparse._SubParsersAction) -> Handler:
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
                   help="a scenario file (TOML, docs/outlook.md); repeat for several "
                   "(default: the project's plan.scenarios)")
    p.add_argument("--draws", type=int, default=None, metavar="N",
                   help="projected futures per area (default: 2000)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: 0)")
    p.add_argument("--rules", help="bundled rule set id (2010, 2013, 2018, 2021) or a rule file")
    p.add_argument("--out", help="the probabilities as a tidy table: area_id, area_name, "
                   "list_year, category, probability, scenario (.csv, .parquet, .xlsx)")
    add_lang_argument(p)
    p.add_argument("--min-cell", type=int, default=None, metavar="N",
                   help="disclosure control: suppress the probabilities that would give a "
                   "count below N back (default 5; 0 turns it off, for internal analysis only)")
    p.add_argument("--charts", metavar="DIR", help="also write the outlook's charts (the "
                   "probabilities, and each area's indicators against the lines) into DIR")
    p.add_argument("--format", action="append", choices=("png", "svg", "pdf"), dest="formats",
                   help="chart file format; repeat for several (default: png, svg and pdf)")
    return run


def run(args: argparse.Namespace) -> int:
    from boligmonitor.io.writers import check_table_path, write_table
    from boligmonitor.outlook import DEFAULT_DRAWS, read_scenario
    from boligmonitor.outlook.publish import suppress_outlook
    from boligmonitor.outlook.text import summary_lines, tidy_probabilities

    if args.out:
        check_table_path(args.out)
    if args.charts:
        check_folder(args.charts, "--charts")
    min_cell = min_cell_setting(args)
    draws = DEFAULT_DRAWS if args.draws is None else args.draws
    if draws < 1:
        raise BoligmonitorError(f"--draws {draws}: allowed: a whole number >= 1")
    if args.seed < 0:
        raise BoligmonitorError(f"--seed {args.seed}: allowed: a whole number >= 0")
    project = current_project(args)
    paths = args.scenario or (list(project.plan.scenarios) if project is not None else [])
    scenarios = [read_scenario(path) for path in paths]  # refused before any work
    years = list_years(argparse.Namespace(list_year=None, list_years=args.list_years,
                                           rules=args.rules))
    data = load_dataset(args)
    result = data.outlook(list_years=years, scenarios=scenarios, draws=draws, seed=args.seed,
                          rules=args.rules)
    # What the command prints and writes may be passed on: disclosure control by default.
    if min_cell > 0:
        result = suppress_outlook(result, data.indicators, data.references, data.memberships,
                                  min_cell)
    lang = setting(args, "lang", "da")
    for line in summary_lines(result, lang=lang, is_example=data.is_example):
        echo(line)
    if args.out:
        table = tidy_probabilities(result, is_example=data.is_example)
        echo(label("cli.wrote", lang).format(path=write_table(table, args.out)))
    if args.charts:
        from boligmonitor.io.figures import FORMATS, save_figures
        from boligmonitor.plots import outlook_charts

        figures = outlook_charts(result, lang=lang, is_example=data.is_example)
        paths = save_figures(figures, args.charts, args.formats or FORMATS)
        echo(label("cli.plot_summary", lang).format(
            files=label_n("cli.files", len(paths), lang).format(n=len(paths)),
            charts=label_n("cli.charts", len(figures), lang).format(n=len(figures)),
            out=args.charts))
    return 0
