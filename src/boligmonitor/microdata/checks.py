"""The checks of the aggregation's inputs: columns and their types, and every value.

Three steps, cheapest first. :func:`check_columns` compares the column types of a relation
with the layout (a text column where numbers belong names its first cells that are no number).
:func:`summary_checks` are the null counts, minima, maxima and ENUM mismatches the one scan of
the persons computes per group (:func:`summary_columns`, read by
:func:`boligmonitor.microdata.sql.partial_sql`); only where they show a problem does
:func:`validate_persons` look for the rows, with :func:`value_problems` (which checks the small
addresses table directly). The duplicate-person check is :mod:`boligmonitor.microdata.unique`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, NamedTuple

import duckdb
import pandas as pd

from boligmonitor.errors import DataValidationError
from boligmonitor.microdata.layout import PERSONS, InputColumn
from boligmonitor.microdata.relation import MAX_EXAMPLES, Relation, quote, sql_list, type_class
from boligmonitor.microdata.sql import GROUP_KEYS, enum_twin

# --------------------------------------------------------------------------------------------
# Columns and types


def _accepts(col: InputColumn, cls: str) -> bool:
    if cls == "null":  # a column of only empty cells (CSV, or all-null Parquet)
        return col.nullable
    if col.type == "key":
        return cls in ("integer", "text")
    if col.type == "number":
        return cls in ("integer", "number")
    return cls == col.type


def check_columns(
    con: duckdb.DuckDBPyConnection, rel: Relation, layout: list[InputColumn]
) -> None:
    """Raise with every problem unless each column of ``layout`` is in ``rel``, of a type it
    accepts."""
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
        cls = type_class(rel.types[col.name])
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
    con: duckdb.DuckDBPyConnection, rel: Relation, col: InputColumn
) -> list[dict[str, object]]:
    """The cells that make a number column text (a CSV file with ``inf`` or ``n/a`` in it)."""
    if col.type not in ("integer", "number"):
        return []
    c = quote(col.name)
    number = f"TRY_CAST({c} AS DOUBLE)"
    bad = f"NOT coalesce(isfinite({number}), FALSE)"
    if col.type == "integer":
        bad += f" OR {number} <> floor({number})"
    rows = con.execute(
        f"SELECT _file, _row, {c}::VARCHAR FROM ({rel.diag_sql}) "
        f"WHERE {c} IS NOT NULL AND ({bad}) ORDER BY _file, _row LIMIT {MAX_EXAMPLES}"
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

    ``types`` are the relation's column types. The row-level twin of :func:`summary_checks`,
    which must find the same problems.
    """
    c = quote(col.name)
    parts = []
    if not col.nullable:
        parts.append(f"{c} IS NULL")
    if col.allowed is not None:
        parts.append(f"{c}::VARCHAR NOT IN ({sql_list(col.allowed)})")
    if _may_be_blank(col) and type_class(types[col.name]) == "text":
        parts.append(_blank_sql(c))
    if col.bounds is not None:
        lo, hi = col.bounds
        parts.append(f"{c} < {lo!r} OR {c} > {hi!r}")
    if col.type == "number":
        parts.append(f"NOT isfinite({c}::DOUBLE)")  # NaN, inf and -inf
    if not parts:
        return None
    return "(" + " OR ".join(f"({p})" for p in parts) + ")"


# --------------------------------------------------------------------------------------------
# The summaries of the one scan


class SummaryCheck(NamedTuple):
    """One summary of one column: how the scan computes it per group, how the groups reduce."""

    col: InputColumn
    kind: Literal["nulls", "invalid", "blank", "min", "max", "values"]
    per_group: str | None  # an aggregate of the partial scan; None for a key of the groups
    reduce: str  # over the partial table


def summary_checks(layout: list[InputColumn], types: dict[str, str]) -> list[SummaryCheck]:
    """The column summaries that show whether any value of the persons breaks the layout."""
    checks: list[SummaryCheck] = []
    for col in layout:
        c = "p." + quote(col.name)  # the persons side of the join to the addresses
        key = GROUP_KEYS.get(col.name)
        if key is not None:
            k = quote(key)
            if not col.nullable:
                nulls = f"coalesce(sum(residents) FILTER (WHERE {k} IS NULL), 0)"
                checks.append(SummaryCheck(col, "nulls", None, nulls))
            if col.bounds is not None:
                checks.append(SummaryCheck(col, "min", None, f"min({k})::DOUBLE"))
                checks.append(SummaryCheck(col, "max", None, f"max({k})::DOUBLE"))
            if col.allowed is not None:
                checks.append(SummaryCheck(col, "values", None, f"list(DISTINCT {k}::VARCHAR)"))
            continue
        if not col.nullable:
            checks.append(SummaryCheck(col, "nulls", f"count(*) - count({c})", "sum({})"))
        if col.allowed is not None:
            # A value outside the list is NULL as the ENUM but not as text.
            value = "p." + enum_twin(col.name)
            checks.append(SummaryCheck(col, "invalid", f"count({c}) - count({value})", "sum({})"))
        if _may_be_blank(col) and type_class(types[col.name]) == "text":
            checks.append(SummaryCheck(col, "blank", f"count_if({_blank_sql(c)})", "sum({})"))
        if col.bounds is not None or col.type == "number":
            checks.append(SummaryCheck(col, "min", f"min({c})::DOUBLE", "min({})"))
            checks.append(SummaryCheck(col, "max", f"max({c})::DOUBLE", "max({})"))
    return checks


def _summary_name(i: int) -> str:
    return f"_check_{i}"


def summary_columns(checks: Sequence[SummaryCheck]) -> list[tuple[str, str]]:
    """The per-group aggregates of ``checks`` that the scan computes, each with its column name
    in the partial table (for :func:`boligmonitor.microdata.sql.partial_sql`)."""
    return [
        (_summary_name(i), ch.per_group) for i, ch in enumerate(checks) if ch.per_group is not None
    ]


def _check_failed(check: SummaryCheck, value: object) -> bool:
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
    con: duckdb.DuckDBPyConnection, checks: list[SummaryCheck]
) -> list[SummaryCheck]:
    """The summaries, reduced over the partial table, that show a problem."""
    if not checks:
        return []
    exprs = [
        ch.reduce if ch.per_group is None else ch.reduce.format(_summary_name(i))
        for i, ch in enumerate(checks)
    ]
    row = con.execute(f"SELECT {', '.join(exprs)} FROM _partial").fetchone()
    return [ch for ch, v in zip(checks, row, strict=True) if _check_failed(ch, v)]


# --------------------------------------------------------------------------------------------
# The rows behind a problem


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


def value_problems(
    con: duckdb.DuckDBPyConnection,
    rel: Relation,
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
            f"SELECT _file, _row, CAST({quote(col.name)} AS VARCHAR), {who} FROM ({source}) "
            f"WHERE {preds[col.name]} ORDER BY _file, _row LIMIT {MAX_EXAMPLES}"
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


def validate_persons(
    con: duckdb.DuckDBPyConnection, rel: Relation, checks: list[SummaryCheck]
) -> None:
    """Raise with every bad value if the summaries of the partial scan show any."""
    failed = _failed_summaries(con, checks)
    if not failed:
        return
    problems = value_problems(con, rel, PERSONS)
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

