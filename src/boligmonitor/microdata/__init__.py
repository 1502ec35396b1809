"""From person-level register microdata to area indicators and reference values.

- :mod:`~boligmonitor.microdata.layout`: the input layout (persons, addresses) and definitions.
- :mod:`~boligmonitor.microdata.engine`: the aggregation, in SQL on DuckDB streaming Parquet.
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
