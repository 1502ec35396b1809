"""The tables given to the aggregation: read as DuckDB relations, with their column types.

A persons or addresses input is Parquet files (or directories, glob patterns, CSV files) or an
in-memory table; :class:`Relation` gives the SQL of a fast scan of it, the SQL of a diagnostic
scan that also names each row's file and row number, a readable name for messages, and the
column types. The small SQL helpers the other engine modules share live here too.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from boligmonitor.errors import DataSourceError

# Something a caller hands in as a table: Parquet paths, or an in-memory table (tests, notebooks).
Source = str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | pd.DataFrame | pa.Table

# The example rows a problem report shows per column (and a count of the rest).
MAX_EXAMPLES = 20


def duckdb_message(exc: BaseException) -> str:
    """DuckDB's error as one line: its first paragraph, without the SQL it quotes and the
    settings of its CSV sniffer that follow (the command line prints one line per error)."""
    paragraph = str(exc).strip().split("\n\n", 1)[0]
    return "; ".join(line.strip() for line in paragraph.splitlines() if line.strip())


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


def sql_list(values: Iterable[str]) -> str:
    """``values`` as a list of SQL text literals."""
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


class Relation:
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
            files = "[" + sql_list(self.files) + "]"
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
                raise DataSourceError(f"{where}: cannot read {name}: {duckdb_message(exc)}"
                                      ) from exc
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


def type_class(duck_type: str) -> str:
    """The class of a DuckDB column type: integer, number, boolean, text, null or its own."""
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


def quote(name: str) -> str:
    """``name`` as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
