"""``boligmonitor aggregate``: person-level register data (Parquet) to area indicators and
references (:mod:`boligmonitor.microdata`)."""

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
    add_lang_argument(p)
    return run


def run(args: argparse.Namespace) -> int:
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
        echo(label("cli.wrote", args.lang or "da").format(path=path))
    return 0
