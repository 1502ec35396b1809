"""The aggregation engine: person-level register data to area indicators and references, in SQL.

DuckDB streams the persons Parquet files once: each person is joined to the area of their
address in the data year, and a single hash aggregate sums the counts per
(year, area, person's region). That partial table is tiny (years x areas x 5 regions), so the
area indicators, the national conviction share and the regional mean incomes are all exact
re-aggregations of it. Memory is bounded by DuckDB's ``memory_limit`` and the small aggregate
state, not by the number of persons; time grows linearly with the rows read.

The same scan checks the values: text columns with a list of allowed values are read as DuckDB
ENUMs (a value outside the list becomes NULL, so it shows as a difference of two counts), and
the aggregate keeps per group the null counts, minima and maxima that the layout's rules need.
Only when those summaries show a problem does a second, diagnostic scan find the rows. The
one-row-per-person check reads the person ids once more.

The definitions follow docs/law.md ("Definitions shared by all versions"); the unsettled
readings are the fields of :class:`AggregateOptions`, each with a documented default.

This module holds the options, the order of the steps (:func:`aggregate`) and the shaping of
the results; the steps live beside it: :mod:`~boligmonitor.microdata.relation` (the inputs as
DuckDB relations), :mod:`~boligmonitor.microdata.checks` (columns, types and values),
:mod:`~boligmonitor.microdata.addresses` (the addresses table, loaded and checked),
:mod:`~boligmonitor.microdata.sql` (the scan and the results in SQL) and
:mod:`~boligmonitor.microdata.unique` (the one-row-per-person check).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from typing import Literal, NamedTuple

import duckdb
import numpy as np
import pandas as pd

from boligmonitor.errors import DataSourceError, DataValidationError, OptionError
from boligmonitor.microdata.addresses import load_addresses
from boligmonitor.microdata.checks import (
    check_columns,
    summary_checks,
    summary_columns,
    validate_persons,
)
from boligmonitor.microdata.layout import ADDRESSES, PERSONS
from boligmonitor.microdata.relation import MAX_EXAMPLES, Relation, Source, duckdb_message
from boligmonitor.microdata.sql import (
    COUNTS,
    REFERENCES_SQL,
    create_enum_types,
    indicators_sql,
    join_key_type,
    partial_sql,
)
from boligmonitor.microdata.unique import check_unique
from boligmonitor.schemas import INDICATORS, REFERENCES, SHARE_COUNTS

EducationRegime = Literal["2013", "2018"]
EDUCATION_REGIMES: tuple[str, ...] = ("2013", "2018")


@dataclass(frozen=True)
class AggregateOptions:
    """The readings and engine settings of one aggregation.

    Readings (docs/law.md, "Open questions"):

    ``education_regime``
        ``"2018"`` (default; the rules of 2018 and 2021): only education taken or approved in
        Denmark counts; a person whose education comes from self-reported or imputed data
        counts as having unknown education. ``"2013"``: every registered education counts.
    ``unknown_education_is_basic``
        Whether persons 30-59 with unknown (or no registered) education count as having only
        basic schooling. The 2013 rules say yes; for 2018+ it is not settled (item 3), default
        yes. Ignored under the 2013 regime, where the law says yes.
    ``unknown_country_is_non_western``
        Whether an immigrant or descendant whose country of origin is unknown counts as
        non-western. Not settled; default no (the law lists countries, an unknown one is none).

    Engine settings: ``memory_limit`` (a DuckDB size such as ``"2GB"``), ``threads``,
    ``validate`` (check every input value against the layout; a few more aggregates in the
    same scan, and a second scan only when something is wrong), ``check_unique`` (check that
    no person appears twice in a data year, e.g. from a file given twice; one more scan of the
    person ids: a bitmap of them where they are integers in a range that fits in 64 MiB,
    otherwise a hash table per data year, spilled to disk beyond ``memory_limit``).
    """

    education_regime: EducationRegime = "2018"
    unknown_education_is_basic: bool = True
    unknown_country_is_non_western: bool = False
    memory_limit: str = "2GB"
    threads: int = 2
    validate: bool = True
    check_unique: bool = True

    def __post_init__(self) -> None:
        if self.education_regime not in EDUCATION_REGIMES:
            raise OptionError(
                f"education_regime {self.education_regime!r} is not one of "
                f"{', '.join(EDUCATION_REGIMES)}"
            )
        if self.threads < 1:
            raise OptionError(f"threads must be at least 1, got {self.threads}")


class Aggregates(NamedTuple):
    """The result of :func:`aggregate`: layout (a) ``indicators`` and layout (c) ``references``."""

    indicators: pd.DataFrame
    references: pd.DataFrame


def connect(options: AggregateOptions) -> tuple[duckdb.DuckDBPyConnection, str]:
    """Open an in-memory DuckDB with explicit memory limit, threads and a private spill dir."""
    spill = tempfile.mkdtemp(prefix="boligmonitor-duckdb-")
    con = duckdb.connect(
        config={
            "memory_limit": options.memory_limit,
            "threads": options.threads,
            "temp_directory": spill,
            # Row order of the scan does not matter to a sum; not keeping it saves memory.
            "preserve_insertion_order": False,
        }
    )
    return con, spill


def aggregate(
    persons: Source, addresses: Source, options: AggregateOptions | None = None
) -> Aggregates:
    """Aggregate person-level register data into area indicators and reference values.

    ``persons`` is one or more Parquet files (or directories of them, or glob patterns), or an
    in-memory table, in the persons layout of docs/microdata.md; ``addresses`` likewise in the
    addresses layout. Returns the indicators of every area and data year (layout ``indicators``,
    with every count column) and the references of every data year (layout ``references``):
    the national share of convicted residents 18+ and, per region of residence, the mean gross
    income of taxable persons 15-64 excluding students. Every person counts towards the
    references, also those whose address is in no area.

    Raises :class:`DataSourceError` for unreadable input and :class:`DataValidationError` with
    every problem found when a column is missing or a value breaks the layout, and when an
    aggregate would not be a finite number (possible only with ``validate=False``).
    """
    options = options or AggregateOptions()
    con, spill = connect(options)
    try:
        prel = Relation(con, persons, "persons")
        arel = Relation(con, addresses, "addresses")
        check_columns(con, prel, PERSONS)
        check_columns(con, arel, ADDRESSES)
        key_cast = join_key_type(prel, arel)
        load_addresses(con, arel, key_cast)  # a small table: always checked
        create_enum_types(con, PERSONS)
        checks = summary_checks(PERSONS, prel.types) if options.validate else []
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _partial AS "
                + partial_sql(prel, key_cast, options, summary_columns(checks))
            )
        except duckdb.Error as exc:
            raise DataSourceError(f"{prel.label}: cannot aggregate persons: "
                                  f"{duckdb_message(exc)}") from exc
        validate_persons(con, prel, checks)
        if options.check_unique:
            check_unique(con, prel)
        indicators = con.execute(indicators_sql()).df()
        references = con.execute(REFERENCES_SQL).df()
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    _check_finite(indicators, references, prel.label)
    return Aggregates(
        shape_table(indicators, INDICATORS),
        _shape_references(references, f"boligmonitor aggregate of {prel.label}"),
    )


def shape_table(frame: pd.DataFrame, layout: list) -> pd.DataFrame:
    """``frame``'s columns of ``layout`` in its order and dtypes (the generator uses it too)."""
    out = {}
    for col in layout:
        values = frame[col.name]
        if col.kind == "year":
            out[col.name] = values.astype("int64")
        elif col.kind in ("text", "region", "scope", "indicator", "category"):
            out[col.name] = values.astype("string")
        else:
            out[col.name] = pd.to_numeric(values).astype("float64")
    return pd.DataFrame(out).reset_index(drop=True)


def _shape_references(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    frame = frame.copy()
    frame["source"] = source
    return shape_table(frame, REFERENCES)


def _check_finite(indicators: pd.DataFrame, references: pd.DataFrame, source: str) -> None:
    """Raise unless every aggregate is a finite number, or missing where its base is 0.

    ``indicators`` is the engine's table with every sum (before shaping to the layout).
    Validated inputs cannot make anything else (every value is bounded and finite); this
    stands guard for ``validate=False`` and for mistakes in the SQL.
    """
    problems: list[dict[str, object]] = []

    def bad(where: str, column: str, value: float, what: str) -> None:
        problems.append(
            {
                "file": source,
                "column": column,
                "value": f"{value} for {where}",
                "problem": what,
                "allowed": "a finite number",
            }
        )

    bases = {share: den for share, (_, den) in SHARE_COUNTS.items()}
    bases["mean_gross_income_15_64"] = "n_income_15_64"
    for name in (*COUNTS, *bases):
        values = indicators[name].to_numpy(dtype="float64", na_value=np.nan)
        finite = np.isfinite(values)
        if name in bases:
            finite |= np.isnan(values) & (indicators[bases[name]].to_numpy() == 0)
        for i in np.flatnonzero(~finite)[:MAX_EXAMPLES]:
            row = indicators.iloc[i]
            where = f"area {row['area_id']} in {row['year']}"
            bad(where, name, values[i], "the aggregate is not a finite number")
    values = references["value"].to_numpy(dtype="float64", na_value=np.nan)
    for i in np.flatnonzero(~np.isfinite(values))[:MAX_EXAMPLES]:
        row = references.iloc[i]
        where = f"{row['scope']} in {row['year']}"
        bad(where, row["indicator"], values[i], "the reference is not a finite number")
    if problems:
        raise DataValidationError(pd.DataFrame(problems), source=source)
