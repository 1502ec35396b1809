"""The aggregation engine: person-level register data to area indicators and references, in SQL.

DuckDB streams the persons Parquet files once: each person is joined to the area of their
address in the data year, and a single hash aggregate sums the counts per
(year, area, person's region). That partial table is tiny (years x areas x 5 regions), so the
area indicators, the national conviction share and the regional mean incomes are all exact
re-aggregations of it. Memory is bounded by DuckDB's ``memory_limit`` and the small aggregate
state, not by the number of persons; time grows linearly with the rows read.

The definitions follow CRITERIA.md ("Definitions shared by all versions"); the unsettled
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

    Readings (CRITERIA.md):

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
    ``validate`` (check every input value against the layout; one extra predicate in the
    same scan, and a second scan only when something is wrong), ``check_unique`` (check that
    no person appears twice in a data year, e.g. from a file given twice; one more scan with a
    hash table of the person ids, spilled to disk beyond ``memory_limit``).
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


def _check_columns(rel: _Relation, layout: list[InputColumn]) -> None:
    problems = []
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
        elif not _accepts(col, _type_class(rel.types[col.name])):
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


def _invalid_predicate(col: InputColumn) -> str | None:
    """SQL that is true where a value of ``col`` breaks the layout (None: nothing to check)."""
    c = f'"{col.name}"'
    parts = []
    if not col.nullable:
        parts.append(f"{c} IS NULL")
    if col.allowed is not None:
        parts.append(f"{c} NOT IN ({_sql_list(col.allowed)})")
    if col.bounds is not None:
        lo, hi = col.bounds
        parts.append(f"{c} < {lo} OR {c} > {hi}")
    if col.name == "country":
        parts.append(f"(length({c}::VARCHAR) <> 2 OR upper({c}::VARCHAR) <> {c}::VARCHAR)")
    if col.type == "number":
        parts.append(f"isnan({c}::DOUBLE)")
    if not parts:
        return None
    return "(" + " OR ".join(f"({p})" for p in parts) + ")"


def _may_have_bad_values(
    con: duckdb.DuckDBPyConnection, rel: _Relation, layout: list[InputColumn]
) -> bool:
    """Whether any value may break the layout, judged from column summaries.

    Null counts, minima and maxima come from Parquet statistics where the files have them, and
    the distinct values of the text columns are few; so this costs a fraction of a scan. Only
    when it finds something does :func:`_value_problems` look for the rows.
    """
    exprs: list[str] = []
    checks: list[tuple[InputColumn, str]] = []
    for col in layout:
        c = f'"{col.name}"'
        if not col.nullable:
            exprs.append(f"count(*) - count({c})")
            checks.append((col, "nulls"))
        if col.bounds is not None or col.type == "number":
            exprs += [f"min({c})::DOUBLE", f"max({c})::DOUBLE"]
            checks += [(col, "min"), (col, "max")]
        if col.allowed is not None or col.name == "country":
            exprs.append(f"list(DISTINCT {c}::VARCHAR)")
            checks.append((col, "values"))
    row = con.execute(f"SELECT {', '.join(exprs)} FROM ({rel.sql})").fetchone()
    for (col, what), value in zip(checks, row, strict=True):
        if what == "nulls" and value:
            return True
        if what in ("min", "max") and value is not None:
            if math.isnan(value):
                return True
            if col.bounds is not None and not col.bounds[0] <= value <= col.bounds[1]:
                return True
        if what == "values":
            values = [v for v in value or [] if v is not None]
            if col.allowed is not None and set(values) - set(col.allowed):
                return True
            if col.name == "country" and any(len(v) != 2 or v.upper() != v for v in values):
                return True
    return False


def _allowed_text(col: InputColumn) -> str:
    bits = []
    if col.allowed is not None:
        bits.append(", ".join(col.allowed))
    if col.bounds is not None:
        lo, hi = col.bounds
        bits.append(f"{lo:g} to {hi:g}")
    if col.name == "country":
        bits.append("ISO 3166 alpha-2 code in upper case")
    if col.type == "number":
        bits.append("a number")
    bits.append("may be empty" if col.nullable else "not empty")
    return "; ".join(bits)


def _value_problems(
    con: duckdb.DuckDBPyConnection, rel: _Relation, layout: list[InputColumn]
) -> pd.DataFrame:
    """Every value that breaks the layout: up to 20 example rows per column, and a count."""
    frames = []
    for col in layout:
        pred = _invalid_predicate(col)
        if pred is None:
            continue
        n = con.execute(f"SELECT count(*) FROM ({rel.diag_sql}) WHERE {pred}").fetchone()[0]
        if not n:
            continue
        rows = con.execute(
            f'SELECT _file, _row, CAST("{col.name}" AS VARCHAR) FROM ({rel.diag_sql}) '
            f"WHERE {pred} ORDER BY _file, _row LIMIT {_MAX_EXAMPLES}"
        ).fetchall()
        allowed = _allowed_text(col)
        for file, row, value in rows:
            frames.append(
                {
                    "file": Path(str(file)).name,
                    "row": row,
                    "column": col.name,
                    "value": value,
                    "problem": "value not allowed",
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


# --------------------------------------------------------------------------------------------
# Addresses


def _load_addresses(con: duckdb.DuckDBPyConnection, rel: _Relation, key_cast: str) -> None:
    """Materialise the address-to-area table and check it: windows, overlaps, area attributes."""
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
               _row
        FROM ({rel.diag_sql})
        """
    )
    problems: list[dict[str, object]] = []

    def add(sql: str, column: str, problem: str, allowed: str) -> None:
        for row, value in con.execute(sql).fetchall()[:_MAX_EXAMPLES]:
            problems.append(
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
        "WHERE valid_from_year > valid_to_year ORDER BY _row",
        "valid_to_year",
        "validity ends before it starts",
        "valid_to_year >= valid_from_year",
    )
    for name in ("area_name", "municipality", "region"):
        add(
            f"SELECT _row, area_id FROM _addr WHERE area_id IS NOT NULL AND {name} IS NULL "
            "ORDER BY _row",
            name,
            f"an address in an area needs the area's {name}",
            "not empty",
        )
    add(
        """
        SELECT b._row, CAST(b.address_id AS VARCHAR) FROM _addr a JOIN _addr b
          ON a.address_id = b.address_id AND a._row < b._row
         AND a.valid_from_year <= b.valid_to_year AND b.valid_from_year <= a.valid_to_year
        WHERE a.area_id IS NOT NULL AND b.area_id IS NOT NULL
        ORDER BY b._row
        """,
        "address_id",
        "the address is in two areas (or listed twice) in overlapping years",
        "at most one area per address and year",
    )
    for name in ("area_name", "municipality", "region"):
        add(
            f"""
            SELECT min(_row), area_id || ': ' || string_agg(DISTINCT {name}, ' / ')
            FROM _addr WHERE area_id IS NOT NULL GROUP BY area_id
            HAVING count(DISTINCT {name}) > 1 ORDER BY 1
            """,
            name,
            f"one area has more than one {name}",
            f"one {name} per area_id",
        )
    if problems:
        raise DataValidationError(pd.DataFrame(problems), source=rel.label)


# --------------------------------------------------------------------------------------------
# The aggregation


def _band(lo: int, hi: int | None) -> str:
    return f"age >= {lo}" if hi is None else f"age BETWEEN {lo} AND {hi}"


def _basic_education_sql(options: AggregateOptions) -> str:
    """SQL true where a person's highest education is basic schooling under ``options``."""
    if options.education_regime == "2013":
        # 2013 rules: unknown education counts as basic (CRITERIA.md, 2013 item 4).
        return "coalesce(highest_education, 'unknown') IN ('basic', 'unknown')"
    # 2018 rules: only education taken or approved in Denmark counts; other sources are
    # removed, and such a person's education is then unknown (CRITERIA.md, 2018 item 3).
    education = (
        f"CASE WHEN education_source IN ({_sql_list(DANISH_EDUCATION_SOURCES)}) "
        "THEN coalesce(highest_education, 'unknown') ELSE 'unknown' END"
    )
    basic = ("basic", "unknown") if options.unknown_education_is_basic else ("basic",)
    return f"{education} IN ({_sql_list(basic)})"


def _non_western_sql(options: AggregateOptions) -> str:
    west = _sql_list(sorted(western_countries()))
    unknown = "TRUE" if options.unknown_country_is_non_western else "FALSE"
    return (
        "origin IN ('immigrant', 'descendant') AND "
        f"(CASE WHEN country IS NULL THEN {unknown} ELSE country NOT IN ({west}) END)"
    )


def _partial_sql(persons_sql: str, key_cast: str, options: AggregateOptions) -> str:
    b = {k: _band(*v) for k, v in AGE_BANDS.items()}
    income = f"{b['15_64']} AND is_taxable AND NOT is_student AND gross_income IS NOT NULL"
    return f"""
    SELECT p.year AS year, a.area_id AS area_id, p.region AS person_region,
      count(*) AS residents,
      count(*) FILTER (WHERE {_non_western_sql(options)}) AS n_non_western,
      count(*) FILTER (WHERE {b["18_64"]}) AS n_residents_18_64,
      coalesce(sum(fte_outside_work_education) FILTER (WHERE {b["18_64"]}), 0)
        AS n_outside_work_education_18_64,
      count(*) FILTER (WHERE {b["18plus"]}) AS n_residents_18plus,
      count(*) FILTER (WHERE {b["18plus"]} AND is_convicted) AS n_convicted_18plus,
      count(*) FILTER (WHERE {b["30_59"]}) AS n_residents_30_59,
      count(*) FILTER (WHERE {b["30_59"]} AND {_basic_education_sql(options)})
        AS n_basic_education_30_59,
      coalesce(sum(gross_income::DOUBLE) FILTER (WHERE {income}), 0) AS income_sum_15_64,
      count(*) FILTER (WHERE {income}) AS n_income_15_64
    FROM ({persons_sql}) AS p
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


def _check_unique(con: duckdb.DuckDBPyConnection, rel: _Relation) -> None:
    """Raise if a person appears more than once in a data year.

    One data year at a time, so that the hash table of person ids holds one year's population
    whatever the number of years; with files split by year, Parquet statistics let each query
    skip the other years' row groups.
    """
    years = [y for (y,) in con.execute("SELECT DISTINCT year FROM _partial ORDER BY 1").fetchall()]
    problems: list[dict[str, object]] = []
    allowed = "one row per person and data year"
    for year in years:
        n_rows, n_ids = con.execute(
            f"SELECT count(*), count(DISTINCT person_id) FROM ({rel.sql}) WHERE year = {int(year)}"
        ).fetchone()
        if n_rows == n_ids:
            continue
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
    every problem found when a column is missing or a value breaks the layout.
    """
    options = options or AggregateOptions()
    con, spill = connect(options)
    try:
        prel = _Relation(con, persons, "persons")
        arel = _Relation(con, addresses, "addresses")
        _check_columns(prel, PERSONS)
        _check_columns(arel, ADDRESSES)
        key_cast = _key_cast(prel, arel)
        problems = _value_problems(con, arel, ADDRESSES)  # a small table: always checked
        if len(problems):
            raise DataValidationError(problems, source=arel.label)
        _load_addresses(con, arel, key_cast)
        if options.validate and _may_have_bad_values(con, prel, PERSONS):
            problems = _value_problems(con, prel, PERSONS)
            if len(problems):
                raise DataValidationError(problems, source=prel.label)
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _partial AS "
                + _partial_sql(prel.sql, key_cast, options)
            )
        except duckdb.Error as exc:
            raise DataSourceError(f"{prel.label}: cannot aggregate persons: {exc}") from exc
        if options.check_unique:
            _check_unique(con, prel)
        indicators = _shape_indicators(con.execute(_indicators_sql()).df())
        references = _shape_references(
            con.execute(_REFERENCES_SQL).df(), f"boligmonitor aggregate of {prel.label}"
        )
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    return Aggregates(indicators, references)


def _shape(frame: pd.DataFrame, layout: list) -> pd.DataFrame:
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


def _shape_indicators(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    return _shape(frame.replace({np.inf: np.nan}), INDICATORS)


def _shape_references(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    frame = frame.copy()
    frame["source"] = source
    return _shape(frame, REFERENCES)
