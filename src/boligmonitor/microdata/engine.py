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
one-row-per-person check reads the person ids once more (see :func:`_check_unique`).

The definitions follow docs/law.md ("Definitions shared by all versions"); the unsettled
readings are the fields of :class:`AggregateOptions`, each with a documented default.
"""

from __future__ import annotations

import glob
import math
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from boligmonitor.errors import DataSourceError, DataValidationError, OptionError
from boligmonitor.microdata.layout import (
    ADDRESSES,
    AGE_BANDS,
    DANISH_EDUCATION_SOURCES,
    PERSONS,
    InputColumn,
    western_countries,
)
from boligmonitor.schemas import INDICATORS, REFERENCES, SHARE_COUNTS

EducationRegime = Literal["2013", "2018"]
EDUCATION_REGIMES: tuple[str, ...] = ("2013", "2018")

# Something a caller hands in as a table: Parquet paths, or an in-memory table (tests, notebooks).
Source = str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | pd.DataFrame | pa.Table

_MAX_EXAMPLES = 20
_OPEN_END_YEAR = 9999


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


# --------------------------------------------------------------------------------------------
# Sources


def _paths(source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[str]:
    """Expand files, directories (their ``*.parquet``) and glob patterns, in a stable order."""
    items = [source] if isinstance(source, str | os.PathLike) else list(source)
    if not items:
        raise DataSourceError("no persons files given")
    out: list[str] = []
    for item in items:
        text = os.fspath(item)
        path = Path(text)
        if path.is_dir():
            found = sorted(str(p) for p in path.glob("*.parquet"))
            if not found:
                raise DataSourceError(f"{text}: directory has no *.parquet files")
            out.extend(found)
        elif any(ch in text for ch in "*?["):
            found = sorted(glob.glob(text))
            if not found:
                raise DataSourceError(f"{text}: pattern matches no files")
            out.extend(found)
        elif path.is_file():
            out.append(text)
        else:
            raise DataSourceError(f"{text}: no such file")
    return out


def _sql_list(values: Iterable[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


class _Relation:
    """A table given to the engine: its SQL (fast scan), diagnostic SQL and a readable name."""

    def __init__(self, con: duckdb.DuckDBPyConnection, source: Source, name: str) -> None:
        self.name = name
        if isinstance(source, pd.DataFrame | pa.Table):
            view = f"_{name}_mem"
            con.register(view, source)
            self.files: list[str] = []
            self.label = f"in-memory {name} table"
            self.sql = f"SELECT * FROM {view}"
            # Row numbers are 1-based positions in the table.
            self.diag_sql = (
                f"SELECT *, '{self.label}' AS _file, row_number() OVER () AS _row FROM {view}"
            )
        else:
            self.files = _paths(source)
            files = "[" + _sql_list(self.files) + "]"
            try:
                if all(f.lower().endswith((".csv", ".txt")) for f in self.files):
                    reader = f"read_csv({files}, union_by_name = true, header = true)"
                    # CSV: the header is line 1, so data row n is line n + 1.
                    self.diag_sql = (
                        f"SELECT *, filename AS _file, "
                        f"row_number() OVER (PARTITION BY filename) + 1 AS _row FROM "
                        f"read_csv({files}, union_by_name = true, header = true, filename = true)"
                    )
                else:
                    reader = f"read_parquet({files}, union_by_name = true)"
                    self.diag_sql = (
                        f"SELECT *, filename AS _file, file_row_number + 1 AS _row FROM "
                        f"read_parquet({files}, union_by_name = true, filename = true, "
                        f"file_row_number = true)"
                    )
                self.sql = f"SELECT * FROM {reader}"
                con.execute(f"DESCRIBE {self.sql}")
            except duckdb.Error as exc:
                where = ", ".join(self.files)
                raise DataSourceError(f"{where}: cannot read {name}: {exc}") from exc
            names = [Path(f).name for f in self.files]
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            self.label = shown
        self.types = {row[0]: str(row[1]) for row in con.execute(f"DESCRIBE {self.sql}").fetchall()}


_INTEGER_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
)
_NUMBER_TYPES = (*_INTEGER_TYPES, "FLOAT", "DOUBLE", "DECIMAL")


def _type_class(duck_type: str) -> str:
    base = duck_type.split("(")[0].upper()
    if base in _INTEGER_TYPES:
        return "integer"
    if base in _NUMBER_TYPES:
        return "number"
    if base == "BOOLEAN":
        return "boolean"
    if base in ("VARCHAR", "ENUM"):  # pandas categoricals arrive as ENUM
        return "text"
    if base == "NULL" or duck_type == '"NULL"':
        return "null"
    return base.lower()


def _accepts(col: InputColumn, cls: str) -> bool:
    if cls == "null":  # a column of only empty cells (CSV, or all-null Parquet)
        return col.nullable
    if col.type == "key":
        return cls in ("integer", "text")
    if col.type == "number":
        return cls in ("integer", "number")
    return cls == col.type


def _check_columns(
    con: duckdb.DuckDBPyConnection, rel: _Relation, layout: list[InputColumn]
) -> None:
    problems: list[dict[str, object]] = []
    for col in layout:
        if col.name not in rel.types:
            problems.append(
                {
                    "file": rel.label,
                    "column": col.name,
                    "problem": "required column is missing",
                    "allowed": col.type,
                }
            )
            continue
        cls = _type_class(rel.types[col.name])
        if _accepts(col, cls):
            continue
        found = _non_numbers(con, rel, col) if cls == "text" else []
        problems.extend(found)
        if not found:
            problems.append(
                {
                    "file": rel.label,
                    "column": col.name,
                    "value": rel.types[col.name],
                    "problem": "column has the wrong type",
                    "allowed": col.type,
                }
            )
    if problems:
        raise DataValidationError(pd.DataFrame(problems), source=rel.label)


def _non_numbers(
    con: duckdb.DuckDBPyConnection, rel: _Relation, col: InputColumn
) -> list[dict[str, object]]:
    """The cells that make a number column text (a CSV file with ``inf`` or ``n/a`` in it)."""
    if col.type not in ("integer", "number"):
        return []
    c = _q(col.name)
    number = f"TRY_CAST({c} AS DOUBLE)"
    bad = f"NOT coalesce(isfinite({number}), FALSE)"
    if col.type == "integer":
        bad += f" OR {number} <> floor({number})"
    rows = con.execute(
        f"SELECT _file, _row, {c}::VARCHAR FROM ({rel.diag_sql}) "
        f"WHERE {c} IS NOT NULL AND ({bad}) ORDER BY _file, _row LIMIT {_MAX_EXAMPLES}"
    ).fetchall()
    what = "a finite number" if col.type == "number" else "a whole number"
    return [
        {
            "file": Path(str(file)).name,
            "row": row,
            "column": col.name,
            "value": value,
            "problem": f"value is not {what}",
            "allowed": what + ("; may be empty" if col.nullable else "; not empty"),
        }
        for file, row, value in rows
    ]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _may_be_blank(col: InputColumn) -> bool:
    """Whether ``col`` is text (or a key, which may be text) with no list of allowed values."""
    return col.type in ("text", "key") and col.allowed is None


def _blank_sql(c: str) -> str:
    """SQL true where text ``c`` is empty or only spaces, tabs and line breaks.

    The comparison with '!' first (every blank text sorts below it) lets ``trim`` run only on
    the rare texts that start with white space: blank checks cost nothing on millions of ids.
    """
    return f"({c}::VARCHAR < '!' AND trim({c}::VARCHAR, ' ' || chr(9) || chr(10) || chr(13)) = '')"


def _invalid_predicate(col: InputColumn, types: dict[str, str]) -> str | None:
    """SQL that is true where a value of ``col`` breaks the layout (None: nothing to check).

    ``types`` are the relation's column types. The row-level twin of :func:`_summary_checks`,
    which must find the same problems.
    """
    c = _q(col.name)
    parts = []
    if not col.nullable:
        parts.append(f"{c} IS NULL")
    if col.allowed is not None:
        parts.append(f"{c}::VARCHAR NOT IN ({_sql_list(col.allowed)})")
    if _may_be_blank(col) and _type_class(types[col.name]) == "text":
        parts.append(_blank_sql(c))
    if col.bounds is not None:
        lo, hi = col.bounds
        parts.append(f"{c} < {lo!r} OR {c} > {hi!r}")
    if col.type == "number":
        parts.append(f"NOT isfinite({c}::DOUBLE)")  # NaN, inf and -inf
    if not parts:
        return None
    return "(" + " OR ".join(f"({p})" for p in parts) + ")"


# Persons columns that are keys of the partial aggregate: their checks read its groups.
_GROUP_KEYS = {"year": "year", "region": "person_region"}
_ENUM_SUFFIX = "__value"


def _enum_type(col: InputColumn) -> str:
    return f"_allowed_{col.name}"


def _enum_values(col: InputColumn) -> tuple[str, ...]:
    """The ENUM of ``col``'s allowed values; for countries the western ones come first."""
    assert col.allowed is not None
    if col.name != "country":
        return col.allowed
    # Western first, so that "not western" is one comparison of the ENUM's code.
    west = western_countries()
    return (*sorted(west & set(col.allowed)), *(v for v in col.allowed if v not in west))


def _create_enum_types(con: duckdb.DuckDBPyConnection, layout: list[InputColumn]) -> None:
    for col in layout:
        if col.allowed is not None and col.name not in _GROUP_KEYS:
            con.execute(f"CREATE TYPE {_enum_type(col)} AS ENUM ({_sql_list(_enum_values(col))})")


class _Check(NamedTuple):
    """One summary of one column: how the scan computes it per group, how the groups reduce."""

    col: InputColumn
    kind: Literal["nulls", "invalid", "blank", "min", "max", "values"]
    per_group: str | None  # an aggregate of the partial scan; None for a key of the groups
    reduce: str  # over the partial table


def _summary_checks(layout: list[InputColumn], types: dict[str, str]) -> list[_Check]:
    """The column summaries that show whether any value of the persons breaks the layout."""
    checks: list[_Check] = []
    for col in layout:
        c = "p." + _q(col.name)  # the persons side of the join to the addresses
        key = _GROUP_KEYS.get(col.name)
        if key is not None:
            k = _q(key)
            if not col.nullable:
                nulls = f"coalesce(sum(residents) FILTER (WHERE {k} IS NULL), 0)"
                checks.append(_Check(col, "nulls", None, nulls))
            if col.bounds is not None:
                checks.append(_Check(col, "min", None, f"min({k})::DOUBLE"))
                checks.append(_Check(col, "max", None, f"max({k})::DOUBLE"))
            if col.allowed is not None:
                checks.append(_Check(col, "values", None, f"list(DISTINCT {k}::VARCHAR)"))
            continue
        if not col.nullable:
            checks.append(_Check(col, "nulls", f"count(*) - count({c})", "sum({})"))
        if col.allowed is not None:
            # A value outside the list is NULL as the ENUM but not as text.
            value = "p." + _value(col.name)
            checks.append(_Check(col, "invalid", f"count({c}) - count({value})", "sum({})"))
        if _may_be_blank(col) and _type_class(types[col.name]) == "text":
            checks.append(_Check(col, "blank", f"count_if({_blank_sql(c)})", "sum({})"))
        if col.bounds is not None or col.type == "number":
            checks.append(_Check(col, "min", f"min({c})::DOUBLE", "min({})"))
            checks.append(_Check(col, "max", f"max({c})::DOUBLE", "max({})"))
    return checks


def _check_failed(check: _Check, value: object) -> bool:
    col = check.col
    if check.kind in ("nulls", "invalid", "blank"):
        return bool(value)
    if check.kind == "values":
        return bool(set(v for v in value or [] if v is not None) - set(col.allowed or ()))
    if value is None:  # min or max of no values
        return False
    if not math.isfinite(value):  # NaN sorts last in DuckDB, so it shows in the maximum
        return True
    return col.bounds is not None and not col.bounds[0] <= value <= col.bounds[1]


def _failed_summaries(
    con: duckdb.DuckDBPyConnection, checks: list[_Check]
) -> list[_Check]:
    """The summaries, reduced over the partial table, that show a problem."""
    if not checks:
        return []
    exprs = [
        ch.reduce if ch.per_group is None else ch.reduce.format(f"_check_{i}")
        for i, ch in enumerate(checks)
    ]
    row = con.execute(f"SELECT {', '.join(exprs)} FROM _partial").fetchone()
    return [ch for ch, v in zip(checks, row, strict=True) if _check_failed(ch, v)]


def _allowed_text(col: InputColumn) -> str:
    bits = []
    if col.allowed_label is not None:
        bits.append(col.allowed_label)
    elif col.allowed is not None:
        bits.append(", ".join(col.allowed))
    if col.bounds is not None:
        lo, hi = col.bounds
        bits.append(f"{lo:g} to {hi:g}")
    if col.type == "number":
        bits.append("a finite number")
    if _may_be_blank(col):
        bits.append("not blank")
    bits.append("may be empty" if col.nullable else "not empty")
    return "; ".join(bits)


def _value_problems(
    con: duckdb.DuckDBPyConnection,
    rel: _Relation,
    layout: list[InputColumn],
    source_sql: str | None = None,
) -> pd.DataFrame:
    """Every value that breaks the layout: up to 20 example rows per column, and a count.

    ``source_sql`` is the table to look in, with ``_file`` and ``_row`` (default: the
    relation's diagnostic scan). In the persons table each example also names the person.
    """
    source = source_sql or rel.diag_sql
    preds = {
        col.name: p for col in layout if (p := _invalid_predicate(col, rel.types)) is not None
    }
    if not preds:
        return pd.DataFrame()
    counts = con.execute(
        f"SELECT {', '.join(f'count_if({p})' for p in preds.values())} FROM ({source})"
    ).fetchone()
    frames = []
    person = "person_id" in rel.types and any(col.name == "person_id" for col in layout)
    who = "CAST(person_id AS VARCHAR)" if person else "NULL"
    for col, n in zip([c for c in layout if c.name in preds], counts, strict=True):
        if not n:
            continue
        rows = con.execute(
            f"SELECT _file, _row, CAST({_q(col.name)} AS VARCHAR), {who} FROM ({source}) "
            f"WHERE {preds[col.name]} ORDER BY _file, _row LIMIT {_MAX_EXAMPLES}"
        ).fetchall()
        allowed = _allowed_text(col)
        for file, row, value, pid in rows:
            problem = "value not allowed"
            if person and col.name != "person_id":
                problem += f" (person_id {pid})"
            frames.append(
                {
                    "file": Path(str(file)).name,
                    "row": row,
                    "column": col.name,
                    "value": value,
                    "problem": problem,
                    "allowed": allowed,
                }
            )
        if n > len(rows):
            frames.append(
                {
                    "file": rel.label,
                    "column": col.name,
                    "problem": f"{n - len(rows)} more rows with values not allowed",
                    "allowed": allowed,
                }
            )
    return pd.DataFrame(frames)


def _validate_persons(
    con: duckdb.DuckDBPyConnection, rel: _Relation, checks: list[_Check]
) -> None:
    """Raise with every bad value if the summaries of the partial scan show any."""
    failed = _failed_summaries(con, checks)
    if not failed:
        return
    problems = _value_problems(con, rel, PERSONS)
    if not len(problems):
        # The summaries and the row predicates disagree: say what the summaries found rather
        # than let the values through.
        problems = pd.DataFrame(
            {
                "file": rel.label,
                "column": ch.col.name,
                "problem": f"the column's summary ({ch.kind}) shows values not allowed",
                "allowed": _allowed_text(ch.col),
            }
            for ch in failed
        )
    raise DataValidationError(problems, source=rel.label)


# --------------------------------------------------------------------------------------------
# Addresses


def _load_addresses(con: duckdb.DuckDBPyConnection, rel: _Relation, key_cast: str) -> None:
    """Materialise the address-to-area table and check it: values, windows, overlaps, areas.

    The file is read once; every check runs on the table in memory (a few hundred thousand
    rows at most), and the detailed queries only where a cheap one found something.
    """
    columns = ", ".join(_q(col.name) for col in ADDRESSES)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _addr_raw AS "
        f"SELECT {columns}, _file, _row, row_number() OVER () AS _seq FROM ({rel.diag_sql})"
    )
    problems = _value_problems(con, rel, ADDRESSES, "SELECT * FROM _addr_raw")
    if len(problems):
        raise DataValidationError(problems, source=rel.label)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _addr AS
        SELECT CAST(address_id AS {key_cast}) AS address_id,
               CAST(area_id AS VARCHAR) AS area_id,
               CAST(area_name AS VARCHAR) AS area_name,
               CAST(municipality AS VARCHAR) AS municipality,
               CAST(region AS VARCHAR) AS region,
               CAST(valid_from_year AS BIGINT) AS valid_from_year,
               CAST(coalesce(valid_to_year, {_OPEN_END_YEAR}) AS BIGINT) AS valid_to_year,
               _row, _seq
        FROM _addr_raw
        """
    )
    con.execute("DROP TABLE _addr_raw")
    problems_found: list[dict[str, object]] = []

    def add(sql: str, column: str, problem: str, allowed: str) -> None:
        for row, value in con.execute(sql).fetchall()[:_MAX_EXAMPLES]:
            problems_found.append(
                {
                    "file": rel.label,
                    "row": row,
                    "column": column,
                    "value": value,
                    "problem": problem,
                    "allowed": allowed,
                }
            )

    add(
        "SELECT _row, valid_from_year || '-' || valid_to_year FROM _addr "
        "WHERE valid_from_year > valid_to_year ORDER BY _seq",
        "valid_to_year",
        "validity ends before it starts",
        "valid_to_year >= valid_from_year",
    )
    for name in ("area_name", "municipality", "region"):
        add(
            f"SELECT _row, area_id FROM _addr WHERE area_id IS NOT NULL AND {name} IS NULL "
            "ORDER BY _seq",
            name,
            f"an address in an area needs the area's {name}",
            "not empty",
        )
    # _seq, not _row: rows of two files can have the same number.
    add(
        """
        SELECT b._row, CAST(b.address_id AS VARCHAR) FROM _addr a JOIN _addr b
          ON a.address_id = b.address_id AND a._seq < b._seq
         AND a.valid_from_year <= b.valid_to_year AND b.valid_from_year <= a.valid_to_year
        WHERE a.area_id IS NOT NULL AND b.area_id IS NOT NULL
        ORDER BY b._seq
        """,
        "address_id",
        "the address is in two areas (or listed twice) in overlapping years",
        "at most one area per address and year",
    )
    attributes = ("area_name", "municipality", "region")
    differs = " OR ".join(f"min({name}) <> max({name})" for name in attributes)
    (n_inconsistent,) = con.execute(
        f"SELECT count(*) FROM (SELECT area_id FROM _addr WHERE area_id IS NOT NULL "
        f"GROUP BY area_id HAVING {differs})"
    ).fetchone()
    for name in attributes if n_inconsistent else ():
        add(
            f"""
            SELECT min(_row), area_id || ': ' || string_agg(DISTINCT {name}, ' / ')
            FROM _addr WHERE area_id IS NOT NULL GROUP BY area_id
            HAVING count(DISTINCT {name}) > 1 ORDER BY min(_seq)
            """,
            name,
            f"one area has more than one {name}",
            f"one {name} per area_id",
        )
    if problems_found:
        raise DataValidationError(pd.DataFrame(problems_found), source=rel.label)


# --------------------------------------------------------------------------------------------
# The aggregation


def _band(lo: int, hi: int | None) -> str:
    return f"age >= {lo}" if hi is None else f"age BETWEEN {lo} AND {hi}"


def _value(name: str) -> str:
    """The ENUM twin of a persons column (NULL where the text is not an allowed value)."""
    return _q(name + _ENUM_SUFFIX)


def _basic_education_sql(options: AggregateOptions) -> str:
    """SQL true where a person's highest education is basic schooling under ``options``.

    Written on the ENUM twins: an empty education is unknown, a value outside the layout
    (only with ``validate=False``) is neither basic nor unknown.
    """
    education, source = _value("highest_education"), _value("education_source")
    if options.education_regime == "2013":
        # 2013 rules: unknown education counts as basic (docs/law.md, the 2013 rules, criterion 4).
        return f"(highest_education IS NULL OR {education} IN ('basic', 'unknown'))"
    # 2018 rules: only education taken or approved in Denmark counts; other sources are
    # removed, and such a person's education is then unknown (docs/law.md, the 2018 rules).
    danish = f"coalesce({source} IN ({_sql_list(DANISH_EDUCATION_SOURCES)}), FALSE)"
    if options.unknown_education_is_basic:
        return (
            f"(NOT {danish} OR highest_education IS NULL "
            f"OR {education} IN ('basic', 'unknown'))"
        )
    return f"({danish} AND {education} = 'basic')"


def _non_western_sql(options: AggregateOptions) -> str:
    """SQL true where a person counts as non-western (immigrant or descendant, see the docs).

    The country ENUM lists the western countries first, so a country is western exactly when
    its code is below their number. A text that is no country code (only with
    ``validate=False``) is not western either.
    """
    country = _value("country")
    n_west = len(western_countries() & set(_country_column().allowed or ()))
    unknown = "TRUE" if options.unknown_country_is_non_western else "FALSE"
    return (
        f"{_value('origin')} IN ('immigrant', 'descendant') AND CASE "
        f"WHEN country IS NULL THEN {unknown} WHEN {country} IS NULL THEN TRUE "
        f"ELSE enum_code({country}) >= {n_west} END"
    )


def _country_column() -> InputColumn:
    return next(col for col in PERSONS if col.name == "country")


def _persons_projection(rel: _Relation) -> str:
    """The persons columns the aggregate reads, and the ENUM twin of each one with a list."""
    cols = []
    for col in PERSONS:
        cols.append(_q(col.name))
        if col.allowed is not None and col.name not in _GROUP_KEYS:
            cols.append(f"TRY_CAST({_q(col.name)} AS {_enum_type(col)}) AS {_value(col.name)}")
    return f"SELECT {', '.join(cols)} FROM ({rel.sql})"


def _partial_sql(
    rel: _Relation,
    key_cast: str,
    options: AggregateOptions,
    checks: Sequence[_Check] = (),
) -> str:
    """The one scan: the sums per year, area and person's region, with the value summaries.

    ``checks`` adds the per-group summaries of :func:`_summary_checks`.
    """
    b = {k: _band(*v) for k, v in AGE_BANDS.items()}
    income = f"{b['15_64']} AND is_taxable AND NOT is_student AND gross_income IS NOT NULL"
    extra = [
        f"{ch.per_group} AS _check_{i}" for i, ch in enumerate(checks) if ch.per_group is not None
    ]
    extras = "".join(f",\n      {e}" for e in extra)
    # count_if rather than count(*) FILTER: a plain sum of booleans, no selection per aggregate.
    return f"""
    SELECT p.year AS year, a.area_id AS area_id, p.region AS person_region,
      count(*) AS residents,
      count_if({_non_western_sql(options)}) AS n_non_western,
      count_if({b["18_64"]}) AS n_residents_18_64,
      coalesce(sum(fte_outside_work_education) FILTER (WHERE {b["18_64"]}), 0)
        AS n_outside_work_education_18_64,
      count_if({b["18plus"]}) AS n_residents_18plus,
      count_if({b["18plus"]} AND is_convicted) AS n_convicted_18plus,
      count_if({b["30_59"]}) AS n_residents_30_59,
      count_if({b["30_59"]} AND {_basic_education_sql(options)}) AS n_basic_education_30_59,
      coalesce(sum(gross_income::DOUBLE) FILTER (WHERE {income}), 0) AS income_sum_15_64,
      count_if({income}) AS n_income_15_64{extras}
    FROM ({_persons_projection(rel)}) AS p
    LEFT JOIN (SELECT address_id, area_id, valid_from_year, valid_to_year FROM _addr
               WHERE area_id IS NOT NULL) AS a
      ON CAST(p.address_id AS {key_cast}) = a.address_id
     AND p.year BETWEEN a.valid_from_year AND a.valid_to_year
    GROUP BY ALL
    """


# The sums kept per year, area and person's region; the synthetic generator keeps the same.
COUNTS = (
    "residents",
    "n_non_western",
    "n_residents_18_64",
    "n_outside_work_education_18_64",
    "n_residents_18plus",
    "n_convicted_18plus",
    "n_residents_30_59",
    "n_basic_education_30_59",
    "income_sum_15_64",
    "n_income_15_64",
)


def _indicators_sql() -> str:
    sums = ",\n".join(f"coalesce(sum(q.{c}), 0)::DOUBLE AS {c}" for c in COUNTS)
    shares = ",\n".join(
        f"{num} / nullif({den}, 0) AS {share}" for share, (num, den) in SHARE_COUNTS.items()
    )
    return f"""
    WITH years AS (SELECT DISTINCT year FROM _partial),
    areas AS (
      SELECT area_id, any_value(area_name) AS area_name,
             any_value(municipality) AS municipality, any_value(region) AS region
      FROM _addr WHERE area_id IS NOT NULL GROUP BY area_id
    ),
    area_years AS (
      SELECT DISTINCT ar.*, y.year
      FROM _addr a JOIN years y ON y.year BETWEEN a.valid_from_year AND a.valid_to_year
      JOIN areas ar ON ar.area_id = a.area_id
    ),
    counts AS (
      SELECT ay.area_id, ay.area_name, ay.municipality, ay.region, ay.year, {sums}
      FROM area_years ay LEFT JOIN _partial q ON q.area_id = ay.area_id AND q.year = ay.year
      GROUP BY ALL
    )
    SELECT *, {shares},
      income_sum_15_64 / nullif(n_income_15_64, 0) AS mean_gross_income_15_64
    FROM counts ORDER BY area_id, year
    """


_REFERENCES_SQL = """
SELECT year, 'national' AS scope, 'share_convicted_18plus' AS indicator,
       sum(n_convicted_18plus)::DOUBLE / sum(n_residents_18plus) AS value
FROM _partial GROUP BY year HAVING sum(n_residents_18plus) > 0
UNION ALL
SELECT year, person_region AS scope, 'mean_gross_income_15_64' AS indicator,
       sum(income_sum_15_64) / sum(n_income_15_64) AS value
FROM _partial WHERE person_region IS NOT NULL
GROUP BY year, person_region HAVING sum(n_income_15_64) > 0
ORDER BY year, indicator, scope
"""


# The largest bitmap of person ids the duplicate check builds (bits): 64 MiB, a range of about
# 537 million ids. Larger ranges, and text ids, take a hash table instead.
_BITMAP_BITS = 1 << 29


def _id_range(con: duckdb.DuckDBPyConnection, rel: _Relation) -> tuple[int, int] | None:
    """The smallest and largest person id (integer ids), None if there are none."""
    lo, hi = con.execute(f"SELECT min(person_id), max(person_id) FROM ({rel.sql})").fetchone()
    return None if lo is None else (int(lo), int(hi))


def _equal_neighbours(
    con: duckdb.DuckDBPyConnection, rel: _Relation, year: int, key: str
) -> bool:
    """Whether two persons of ``year`` have the same ``key``: sorted, a key equal to the one
    before it. A sort, unlike a hash table of distinct keys, spills to disk in bounded memory.
    """
    (n,) = con.execute(
        f"SELECT count(*) FROM (SELECT k, lag(k) OVER (ORDER BY k) AS previous FROM "
        f"(SELECT {key} AS k FROM ({rel.sql}) WHERE year = {int(year)} AND person_id IS NOT NULL)"
        f") WHERE k = previous"
    ).fetchone()
    return n > 0


def _check_unique(con: duckdb.DuckDBPyConnection, rel: _Relation) -> None:
    """Raise if a person appears more than once in a data year.

    Integer ids whose range fits in :data:`_BITMAP_BITS` are counted with a bitmap
    (``bitstring_agg``): one bit per possible id, so the check reads the ids once, with no hash
    table, and all years in one query when their bitmaps fit together. The range comes from
    the Parquet statistics where the files have them (DuckDB answers an ungrouped min and max
    from them without reading the column); should an id fall outside it (statistics that
    lie), the sort takes over. Otherwise one data year at a time the ids are sorted and each
    compared with the one before (:func:`_equal_neighbours`), so that memory holds at most one
    year's population whatever the number of years; text ids are hashed to 64 bits first,
    which proves them distinct where the hashes are (and the ids themselves are compared where
    they are not). With files split by year, Parquet statistics let each query skip the other
    years' row groups.
    """
    years = [y for (y,) in con.execute("SELECT DISTINCT year FROM _partial ORDER BY 1").fetchall()]
    years = [y for y in years if y is not None]
    if not years:
        return
    id_type = rel.types["person_id"]
    duplicated: set[int] = set()  # the years where someone appears twice
    id_range = _id_range(con, rel) if _type_class(id_type) == "integer" else None
    bits = 0 if id_range is None else id_range[1] - id_range[0] + 1
    done = False
    if 0 < bits <= _BITMAP_BITS:
        lo, hi = id_range
        distinct = f"bit_count(bitstring_agg(person_id, {lo}::{id_type}, {hi}::{id_type}))"
        batches = [years] if bits * len(years) <= _BITMAP_BITS else [[y] for y in years]
        try:
            for batch in batches:
                duplicated.update(
                    year
                    for year, n, d in con.execute(
                        f"SELECT year, count(person_id), {distinct} FROM ({rel.sql}) "
                        f"WHERE year IN ({', '.join(str(int(y)) for y in batch)}) GROUP BY year"
                    ).fetchall()
                    if n != d
                )
            done = True
        except duckdb.OutOfRangeException:
            duplicated.clear()
    if not done:
        text = _type_class(id_type) == "text"
        for year in years:
            if _equal_neighbours(con, rel, year, "hash(person_id)" if text else "person_id") and (
                not text or _equal_neighbours(con, rel, year, "person_id")
            ):
                duplicated.add(year)
    problems: list[dict[str, object]] = []
    allowed = "one row per person and data year"
    for year in sorted(duplicated):
        dup = f"""
            SELECT person_id, count(*) AS n FROM ({rel.sql}) WHERE year = {int(year)}
            GROUP BY person_id HAVING count(*) > 1
        """
        n = con.execute(f"SELECT count(*) FROM ({dup})").fetchone()[0]
        rows = con.execute(
            f"SELECT CAST(person_id AS VARCHAR), n FROM ({dup}) ORDER BY person_id "
            f"LIMIT {_MAX_EXAMPLES}"
        ).fetchall()
        for pid, k in rows:
            problems.append(
                {
                    "file": rel.label,
                    "column": "person_id",
                    "value": f"{pid} in {year}",
                    "problem": f"the person appears {k} times in the data year",
                    "allowed": allowed,
                }
            )
        if n > len(rows):
            problems.append(
                {
                    "file": rel.label,
                    "column": "person_id",
                    "problem": f"{n - len(rows)} more persons appear more than once in {year}",
                    "allowed": allowed,
                }
            )
    if problems:
        raise DataValidationError(pd.DataFrame(problems), source=rel.label)


def _key_cast(persons: _Relation, addresses: _Relation) -> str:
    """The type both address keys are joined as: their own if both are integers, else text."""
    classes = {_type_class(persons.types["address_id"]), _type_class(addresses.types["address_id"])}
    classes.discard("null")
    return "BIGINT" if classes <= {"integer"} else "VARCHAR"


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
        prel = _Relation(con, persons, "persons")
        arel = _Relation(con, addresses, "addresses")
        _check_columns(con, prel, PERSONS)
        _check_columns(con, arel, ADDRESSES)
        key_cast = _key_cast(prel, arel)
        _load_addresses(con, arel, key_cast)  # a small table: always checked
        _create_enum_types(con, PERSONS)
        checks = _summary_checks(PERSONS, prel.types) if options.validate else []
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _partial AS "
                + _partial_sql(prel, key_cast, options, checks)
            )
        except duckdb.Error as exc:
            raise DataSourceError(f"{prel.label}: cannot aggregate persons: {exc}") from exc
        _validate_persons(con, prel, checks)
        if options.check_unique:
            _check_unique(con, prel)
        indicators = con.execute(_indicators_sql()).df()
        references = con.execute(_REFERENCES_SQL).df()
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
        for i in np.flatnonzero(~finite)[:_MAX_EXAMPLES]:
            row = indicators.iloc[i]
            where = f"area {row['area_id']} in {row['year']}"
            bad(where, name, values[i], "the aggregate is not a finite number")
    values = references["value"].to_numpy(dtype="float64", na_value=np.nan)
    for i in np.flatnonzero(~np.isfinite(values))[:_MAX_EXAMPLES]:
        row = references.iloc[i]
        where = f"{row['scope']} in {row['year']}"
        bad(where, row["indicator"], values[i], "the reference is not a finite number")
    if problems:
        raise DataValidationError(pd.DataFrame(problems), source=source)
