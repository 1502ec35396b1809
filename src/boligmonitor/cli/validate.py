"""``boligmonitor validate``: check input files against their layout; write nothing."""

from __future__ import annotations

import argparse

from boligmonitor.cli.common import (
    Handler,
    add_lang_argument,
    add_project_argument,
    echo,
    echo_problems,
    file_batches,
    setting,
)
from boligmonitor.errors import DataValidationError
from boligmonitor.labels import label, label_n


def add_parser(sub: argparse._SubParsersAction) -> Handler:
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
    return run


def run(args: argparse.Namespace) -> int:
    from boligmonitor import formatting
    from boligmonitor.io.mapping import read_mapping
    from boligmonitor.io.readers import read_table

    # Every file is checked and every problem of every file reported, as ingest does; a bad
    # mapping is reported once.
    batches = file_batches(args, "validate")
    lang = setting(args, "lang", "da")
    failed = n = 0
    for files, how in batches:
        mapping = read_mapping(how["mapping"]) if how["mapping"] else None
        for path in files:
            n += 1
            try:
                table = read_table(path, layout=how["layout"], mapping=mapping,
                                   sheet=how["sheet"], header_row=how["header_row"])
            except DataValidationError as exc:
                echo_problems(exc)
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
