"""Writing the aggregation's two tables: Parquet, atomically, deterministically.

Each file is written to a temporary file in the target directory and then moved into place
with :func:`os.replace`, so a reader never sees a half-written table. The files carry no
timestamps; their key-value metadata records the options that made them.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from boligmonitor.io.atomic import write_atomic
from boligmonitor.microdata.engine import AggregateOptions, Aggregates, aggregate
from boligmonitor.microdata.relation import Source

INDICATORS_FILE = "indicators.parquet"
REFERENCES_FILE = "references.parquet"


def _write_atomic(frame: pd.DataFrame, path: Path, metadata: dict[str, str]) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # Replace pandas' own metadata (which names the pandas version) with ours.
    table = table.replace_schema_metadata({k.encode(): v.encode() for k, v in metadata.items()})
    # The package's one atomic writer (it also gives the file the mode the umask says).
    write_atomic(path, lambda tmp: pq.write_table(table, tmp), fsync=False)


def write_aggregates(
    result: Aggregates, out_dir: str | os.PathLike[str], options: AggregateOptions | None = None
) -> tuple[Path, Path]:
    """Write ``indicators.parquet`` and ``references.parquet`` into ``out_dir``; return paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta = {}
    if options is not None:
        meta["boligmonitor.aggregate_options"] = json.dumps(
            dataclasses.asdict(options), sort_keys=True
        )
    ind, ref = out / INDICATORS_FILE, out / REFERENCES_FILE
    _write_atomic(result.indicators, ind, {**meta, "boligmonitor.layout": "indicators"})
    _write_atomic(result.references, ref, {**meta, "boligmonitor.layout": "references"})
    return ind, ref


def aggregate_files(
    persons: Source,
    addresses: Source,
    out_dir: str | os.PathLike[str],
    options: AggregateOptions | None = None,
) -> tuple[Path, Path]:
    """Aggregate ``persons`` with ``addresses`` (see :func:`aggregate`) and write both tables."""
    options = options or AggregateOptions()
    return write_aggregates(aggregate(persons, addresses, options), out_dir, options)
