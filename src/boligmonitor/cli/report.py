"""``boligmonitor report``: the yearly report (report.html, report.pdf, tables.xlsx,
briefing.pptx) into its own folder, replacing only its own files."""

from __future__ import annotations

import argparse
import sys

from boligmonitor.cli.common import (
    Handler,
    add_data_arguments,
    current_project,
    echo,
    echo_missing_references,
    load_dataset,
    min_cell_setting,
    setting,
)
from boligmonitor.labels import label, label_n


def add_parser(sub: argparse._SubParsersAction) -> Handler:
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
    p.add_argument("--scenario", action="append", default=[], metavar="FILE",
                   help="a scenario of the plan (TOML, docs/outlook.md) shown beside the "
                   "baseline in the section Udsigt; repeat for several (default: the project's)")
    p.add_argument("--min-cell", type=int, default=None, metavar="N",
                   help="disclosure control: smallest count shown (default: the project's, "
                   "else 5)")
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="the report's date (default: the project's rule, else from the data, "
                   "else 1 December of N)")
    return run


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tqdm import tqdm

    from boligmonitor.disclosure import SUPPRESSED_CATEGORY
    from boligmonitor.report import build_report, n_steps, write_report
    from boligmonitor.report.build import latest_list_year

    project = current_project(args)
    args.rules = setting(args, "rules", None)
    lang = setting(args, "lang", "da")
    data = load_dataset(args)
    min_cell = min_cell_setting(args)
    date = args.date
    if project is not None and date is None:
        year = args.list_year or latest_list_year(data, rules=args.rules)
        date = project.report_date_for(year)
    plan = {}
    if project is not None:
        plan = {"plan_name": project.plan.name or None, "plan_period": project.plan.period,
                "targets": project.plan.targets_table() if project.plan.targets else None}
    from boligmonitor.outlook import read_scenario

    paths = args.scenario or (list(project.plan.scenarios) if project is not None else [])
    scenarios = [read_scenario(path) for path in paths]  # refused before any work
    assessment = data.assess(rules=args.rules)
    content = build_report(data, list_year=args.list_year, rules=args.rules, lang=lang,
                           min_cell=min_cell, date=date, assessment=assessment,
                           outlook_scenarios=scenarios, **plan)
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
    echo_missing_references(assessment, lang, [content.list_year])
    return 0
