"""``boligmonitor init``: make (or complete) an analyst's project folder
(:func:`boligmonitor.project.init_project`)."""

from __future__ import annotations

import argparse

from boligmonitor.cli.common import (
    Handler,
    echo,
)


def add_parser(sub: argparse._SubParsersAction) -> Handler:
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
    return run


def run(args: argparse.Namespace) -> int:
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
