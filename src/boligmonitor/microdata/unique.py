"""The duplicate-person check: no person appears twice in a data year.

A file given twice, or two extracts that overlap, would count people twice without changing
any single value, so the value checks cannot see it. :func:`check_unique` reads the person ids
once more after the scan: a bitmap of them where they are integers in a range that fits in
64 MiB, otherwise a sort per data year that spills to disk beyond the memory limit.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from boligmonitor.errors import DataValidationError
from boligmonitor.microdata.relation import MAX_EXAMPLES, Relation, type_class

# The largest bitmap of person ids the duplicate check builds (bits): 64 MiB, a range of about
# 537 million ids. Larger ranges, and text ids, take a hash table instead.
_BITMAP_BITS = 1 << 29


def _id_range(con: duckdb.DuckDBPyConnection, rel: Relation) -> tuple[int, int] | None:
    """The smallest and largest person id (integer ids), None if there are none."""
    lo, hi = con.execute(f"SELECT min(person_id), max(person_id) FROM ({rel.sql})").fetchone()
    return None if lo is None else (int(lo), int(hi))


def _equal_neighbours(
    con: duckdb.DuckDBPyConnection, rel: Relation, year: int, key: str
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


def check_unique(con: duckdb.DuckDBPyConnection, rel: Relation) -> None:
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
    id_range = _id_range(con, rel) if type_class(id_type) == "integer" else None
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
        text = type_class(id_type) == "text"
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
            f"LIMIT {MAX_EXAMPLES}"
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

