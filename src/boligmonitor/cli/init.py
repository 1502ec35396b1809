"""``boligmonitor init``: make (or complete) an analyst's project folder
(:func:`boligmonitor.project.init_project`)."""

from __future__ import annotations

import argparse

from boligmonitor.cli.common import (
    Handler,
    add_lang_argument,
    echo,
)
from boligmonitor.labels import label


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
    add_lang_argument(p)
    return run


def run(args: argparse.Namespace) -> int:
    from boligmonitor.project import init_project

    result = init_project(args.dir, example=args.example)
    lang = args.lang or "da"
    for path in result.written:
        echo(label("cli.wrote", lang).format(path=path))
    for path in result.kept:
        echo(label("cli.kept", lang).format(path=path))
    if not result.written:
        echo(label("cli.init_complete", lang).format(root=result.root))
    elif args.example:
        echo(label("cli.init_next_example", lang).format(root=result.root))
    else:
        echo(label("cli.init_next", lang).format(
            raw=result.root / "data" / "raw", config=result.root / "boligmonitor.toml",
            root=result.root))
    return 0
