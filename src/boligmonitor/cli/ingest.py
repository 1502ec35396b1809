"""``boligmonitor ingest``: validate files and store them as Parquet in the processed
directory (every file checked before the first is stored)."""

from __future__ import annotations

import argparse

from boligmonitor.cli.common import (
    Handler,
    add_lang_argument,
    add_project_argument,
    current_project,
    echo,
    file_batches,
    setting,
)
from boligmonitor.errors import DataValidationError


def add_parser(sub: argparse._SubParsersAction) -> Handler:
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
    return run


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from boligmonitor.io.mapping import read_mapping
    from boligmonitor.io.readers import read_table
    from boligmonitor.io.store import ingest

    project = current_project(args)
    processed = args.processed or (project.processed if project else "data/processed")
    batches = file_batches(args, "ingest")
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
        for line in result.summary_lines(setting(args, "lang", "da")):
            echo(line)
    return 0
