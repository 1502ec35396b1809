"""Writing the aggregation's two tables: Parquet, whole or not at all, deterministically.

Both tables are written together through the package's manifest writer
(:mod:`boligmonitor.io.output`): the folder keeps a manifest, :data:`AGGREGATE_MANIFEST`, of
the files the aggregation wrote, and a file of one of the two names that it does not list, or
that changed since, stops the command with :class:`~boligmonitor.errors.OutputError` before
anything is written. Every other file in the folder is left alone. The files carry no
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

from boligmonitor.errors import OutputError
from boligmonitor.io.output import OutputKind, previous_output, write_output
from boligmonitor.microdata.engine import AggregateOptions, Aggregates, aggregate
from boligmonitor.microdata.relation import Source

INDICATORS_FILE = "indicators.parquet"
REFERENCES_FILE = "references.parquet"
AGGREGATE_MANIFEST = "boligmonitor-aggregate.json"
AGGREGATE_OUTPUT = OutputKind(
    manifest=AGGREGATE_MANIFEST, written_by="boligmonitor aggregate",
    staging_prefix=".boligmonitor-aggregate-", what="the aggregates", error=OutputError)


def _parquet_bytes(frame: pd.DataFrame, metadata: dict[str, str]) -> bytes:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # Replace pandas' own metadata (which names the pandas version) with ours.
    table = table.replace_schema_metadata({k.encode(): v.encode() for k, v in metadata.items()})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def write_aggregates(
    result: Aggregates, out_dir: str | os.PathLike[str], options: AggregateOptions | None = None
) -> tuple[Path, Path]:
    """Write ``indicators.parquet`` and ``references.parquet`` into ``out_dir``; return paths."""
    out = Path(out_dir)
    meta = {}
    if options is not None:
        meta["boligmonitor.aggregate_options"] = json.dumps(
            dataclasses.asdict(options), sort_keys=True
        )
    files = {
        INDICATORS_FILE: _parquet_bytes(result.indicators,
                                        {**meta, "boligmonitor.layout": "indicators"}),
        REFERENCES_FILE: _parquet_bytes(result.references,
                                        {**meta, "boligmonitor.layout": "references"}),
    }
    ind, ref = write_output(out, files, AGGREGATE_OUTPUT)
    return ind, ref


def aggregate_files(
    persons: Source,
    addresses: Source,
    out_dir: str | os.PathLike[str],
    options: AggregateOptions | None = None,
) -> tuple[Path, Path]:
    """Aggregate ``persons`` with ``addresses`` (see :func:`aggregate`) and write both tables."""
    options = options or AggregateOptions()
    # Refuse before the slow part: a file of ours in the way is known before the aggregation.
    previous_output(Path(out_dir), AGGREGATE_OUTPUT, [INDICATORS_FILE, REFERENCES_FILE])
    return write_aggregates(aggregate(persons, addresses, options), out_dir, options)
