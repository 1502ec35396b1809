"""From person-level register microdata to area indicators and reference values.

- :mod:`~boligmonitor.microdata.layout`: the input layout (persons, addresses) and definitions.
- :mod:`~boligmonitor.microdata.engine`: the aggregation, in SQL on DuckDB streaming Parquet.
  Its steps: :mod:`~boligmonitor.microdata.relation` (the inputs as DuckDB relations),
  :mod:`~boligmonitor.microdata.checks` (columns, types, values),
  :mod:`~boligmonitor.microdata.addresses` (the addresses table, loaded and checked),
  :mod:`~boligmonitor.microdata.sql` (the one scan and the results) and
  :mod:`~boligmonitor.microdata.unique` (no person twice in a data year).
- :mod:`~boligmonitor.microdata.output`: writing the two result tables atomically.
- :mod:`~boligmonitor.microdata.synthetic`: a seeded generator of register-like test data.
- :mod:`~boligmonitor.microdata.trajectories`: seeded area trajectories over many years (trends,
  shocks, small-area noise) with the truth known, for backtesting the outlook.

The input layout is documented in docs/microdata.md.
"""

from __future__ import annotations

from boligmonitor.microdata.engine import AggregateOptions, Aggregates, aggregate
from boligmonitor.microdata.output import aggregate_files, write_aggregates
from boligmonitor.microdata.synthetic import SyntheticRegister, generate

__all__ = [
    "AggregateOptions",
    "Aggregates",
    "SyntheticRegister",
    "aggregate",
    "aggregate_files",
    "generate",
    "write_aggregates",
]
