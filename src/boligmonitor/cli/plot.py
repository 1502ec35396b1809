"""``boligmonitor plot``: the board's charts for the plan period (PNG, SVG, PDF),
disclosure-controlled."""

from __future__ import annotations

import argparse

from boligmonitor.cli.common import (
    Handler,
    add_data_arguments,
    check_fed,
    check_folder,
    check_governed,
    check_year_bounds,
    current_project,
    echo,
    echo_missing_references,
    load_dataset,
    min_cell_setting,
    setting,
)
from boligmonitor.errors import BoligmonitorError
from boligmonitor.labels import label, label_n


def add_parser(sub: argparse._SubParsersAction) -> Handler:
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
    return run


def run(args: argparse.Namespace) -> int:
    from boligmonitor.io.figures import FORMATS, save_figures
    from boligmonitor.plots import (
        board_charts,
        suppress_for_charts,
        suppress_warning_for_charts,
    )
    from boligmonitor.project import EXAMPLE_PLAN_PERIOD, parse_period

    project = current_project(args)
    args.rules = setting(args, "rules", None)
    lang = setting(args, "lang", "da")
    min_cell = min_cell_setting(args)
    if args.plan_period is not None:
        plan_period = parse_period(args.plan_period)
        if plan_period is None:
            raise BoligmonitorError(f"--plan-period {args.plan_period!r}: allowed: A-B, "
                                    "e.g. 2021-2025")
    else:
        plan_period = project.plan.period if project is not None else EXAMPLE_PLAN_PERIOD
    out = args.out or (str(project.figures) if project is not None else "figures")
    check_folder(out, "--out")
    if args.dpi is not None and not 10 <= args.dpi <= 1200:
        raise BoligmonitorError(f"--dpi {args.dpi}: allowed: a whole number 10-1200 "
                                "(300: print)")
    if args.list_year is not None:
        check_year_bounds(f"--list-year {args.list_year}", args.list_year, args.list_year)
        check_governed([args.list_year], args.rules)
    data = load_dataset(args)
    result = data.assess(rules=args.rules)
    if not len(result.areas):
        raise BoligmonitorError("the data feeds no list year: nothing to chart")
    year = args.list_year or int(result.areas["list_year"].max())
    check_fed(data, result, [year], args.rules)
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
    echo_missing_references(result, lang)
    return 0
