"""The addresses-to-areas table of the aggregation: read once, checked, kept in memory.

:func:`load_addresses` materialises the table as ``_addr`` (with open validities closed at a
far year) for the scan of the persons to join, after checking every value against the layout
and what the layout cannot say alone: a validity that ends before it starts, an address in an
area without the area's name, municipality or region, an address in two areas in overlapping
years, and an area with two names (or municipalities, regions).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from boligmonitor.errors import DataValidationError
from boligmonitor.microdata.checks import value_problems
from boligmonitor.microdata.layout import ADDRESSES
from boligmonitor.microdata.relation import MAX_EXAMPLES, Relation, quote

# The year an open validity (no valid_to_year) is taken to end.
_OPEN_END_YEAR = 9999


def load_addresses(con: duckdb.DuckDBPyConnection, rel: Relation, key_cast: str) -> None:
    """Materialise the address-to-area table and check it: values, windows, overlaps, areas.

    The file is read once; every check runs on the table in memory (a few hundred thousand
    rows at most), and the detailed queries only where a cheap one found something.
    """
    columns = ", ".join(quote(col.name) for col in ADDRESSES)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _addr_raw AS "
        f"SELECT {columns}, _file, _row, row_number() OVER () AS _seq FROM ({rel.diag_sql})"
    )
    problems = value_problems(con, rel, ADDRESSES, "SELECT * FROM _addr_raw")
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
        for row, value in con.execute(sql).fetchall()[:MAX_EXAMPLES]:
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

