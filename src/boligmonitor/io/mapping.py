"""The column-mapping file: how to read a source file as it is, without editing it.

A mapping is a TOML file that declares, for one source layout, the file conventions (encoding,
separator, decimal mark, thousands separator, Excel sheet and header row, extra missing-value
markers) and, for each source header, the canonical column and the unit its values are in.
Nothing is guessed: a percent column must be declared ``unit = "percent"``.

Example (a Danish export)::

    layout = "indicators"
    encoding = "cp1252"
    separator = ";"
    decimal = ","
    thousands = "."
    header_row = 1
    na_values = ["-"]
    ignore = ["Bemærkning"]

    [columns]
    "Afdeling" = "area_id"
    "Andel dømte" = { column = "share_convicted_18plus", unit = "percent" }

    [constants]
    region = "Midtjylland"

    [values.region]
    "Region Midtjylland" = "Midtjylland"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from boligmonitor.errors import DataValidationError
from boligmonitor.schemas import LAYOUTS, NUMERIC_KINDS, spec

# Units each kind of column may be declared in, and the factor to the canonical unit.
UNITS: dict[str, dict[str, float]] = {
    "share": {"fraction": 1.0, "percent": 0.01, "permille": 0.001},
    "ratio": {"ratio": 1.0, "percent": 0.01},
    "money": {"dkk": 1.0, "thousand_dkk": 1000.0},
    "count": {"persons": 1.0},
    "fte": {"persons": 1.0},
}
DEFAULT_UNIT = {"share": "fraction", "ratio": "ratio", "money": "dkk", "count": "persons",
                "fte": "persons"}

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16")
TOP_KEYS = {"layout", "encoding", "separator", "decimal", "thousands", "sheet", "header_row",
            "na_values", "ignore", "columns", "constants", "values"}
COLUMN_KEYS = {"column", "unit"}


@dataclass(frozen=True)
class ColumnMap:
    """One source header mapped to a canonical column, with its unit."""

    source: str
    column: str
    unit: str | None = None


@dataclass(frozen=True)
class Mapping:
    """How to read one source file. Built with :func:`read_mapping` or directly."""

    layout: str | None = None
    encoding: str = "utf-8-sig"
    separator: str = ","
    decimal: str = "."
    thousands: str | None = None
    sheet: str | None = None
    header_row: int = 1
    na_values: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    columns: tuple[ColumnMap, ...] = ()
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    path: str | None = None

    def rename(self) -> dict[str, str]:
        """Return ``{source header: canonical column}``."""
        return {c.source: c.column for c in self.columns}

    def unit_of(self, column: str) -> str | None:
        """Return the unit declared for canonical ``column``, if any."""
        for c in self.columns:
            if c.column == column:
                return c.unit
        return None


def _problem(path: str, key: str, value: object, problem: str, allowed: str = "") -> dict:
    return {"file": path, "row": pd.NA, "column": key, "value": value, "problem": problem,
            "allowed": allowed}


def read_mapping(path: str | Path) -> Mapping:
    """Read and check a column-mapping file; raise DataValidationError listing every problem."""
    path = str(path)
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataValidationError(
            pd.DataFrame([_problem(path, "", None, "mapping file not found")]), source=path
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataValidationError(
            pd.DataFrame([_problem(path, "", None, f"not a valid TOML file: {exc}")]), source=path
        ) from None
    return mapping_from_dict(raw, path=path)


def mapping_from_dict(raw: dict, *, path: str = "<mapping>") -> Mapping:
    """Build a :class:`Mapping` from a parsed TOML dict, checking every key and value."""
    problems: list[dict] = []
    for key in raw:
        if key not in TOP_KEYS:
            problems.append(_problem(path, key, key, "unknown key", ", ".join(sorted(TOP_KEYS))))
    layout = raw.get("layout")
    if layout is not None and layout not in LAYOUTS:
        problems.append(_problem(path, "layout", layout, "unknown layout", ", ".join(LAYOUTS)))
        layout = None
    encoding = raw.get("encoding", "utf-8-sig")
    if encoding not in ENCODINGS:
        problems.append(_problem(path, "encoding", encoding, "unsupported encoding",
                                 ", ".join(ENCODINGS)))
    for key, default in (("separator", ","), ("decimal", ".")):
        val = raw.get(key, default)
        if not isinstance(val, str) or len(val) != 1:
            problems.append(_problem(path, key, val, "must be one character"))
    thousands = raw.get("thousands")
    if thousands is not None and (not isinstance(thousands, str) or len(thousands) != 1):
        problems.append(_problem(path, "thousands", thousands, "must be one character"))
    if thousands is not None and thousands == raw.get("decimal", "."):
        problems.append(_problem(path, "thousands", thousands,
                                 "thousands separator equals the decimal mark"))
    header_row = raw.get("header_row", 1)
    if not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1:
        problems.append(_problem(path, "header_row", header_row, "must be a whole number >= 1"))
        header_row = 1
    sheet = raw.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        problems.append(_problem(path, "sheet", sheet, "must be the sheet's name as text"))
    for key in ("na_values", "ignore"):
        val = raw.get(key, [])
        if not isinstance(val, list) or not all(isinstance(v, str) for v in val):
            problems.append(_problem(path, key, val, "must be a list of strings"))

    known = {c.name for cols in LAYOUTS.values() for c in cols}
    if layout is not None:
        known = {c.name for c in LAYOUTS[layout]}
    cols: list[ColumnMap] = []
    raw_columns = raw.get("columns", {})
    if not isinstance(raw_columns, dict):
        problems.append(_problem(path, "columns", raw_columns, "must be a table"))
        raw_columns = {}
    seen_targets: dict[str, str] = {}
    for source, target in raw_columns.items():
        key = f"columns.{source}"
        unit = None
        if isinstance(target, dict):
            for k in target:
                if k not in COLUMN_KEYS:
                    problems.append(_problem(path, f"{key}.{k}", k, "unknown key",
                                             ", ".join(sorted(COLUMN_KEYS))))
            unit = target.get("unit")
            target = target.get("column")
        if not isinstance(target, str) or target not in known:
            problems.append(_problem(path, key, target, "not a canonical column of the layout",
                                     ", ".join(sorted(known))))
            continue
        if target in seen_targets:
            problems.append(_problem(path, key, target,
                                     f"column already mapped from {seen_targets[target]!r}"))
        seen_targets[target] = source
        if unit is not None:
            kind = _kind_of(target, layout)
            allowed = UNITS.get(kind, {}) if kind in NUMERIC_KINDS else {}
            if unit not in allowed:
                problems.append(_problem(path, f"{key}.unit", unit,
                                         f"unit not allowed for a {kind} column",
                                         ", ".join(allowed) or "no unit"))
        cols.append(ColumnMap(source, target, unit))

    constants = raw.get("constants", {})
    if not isinstance(constants, dict):
        problems.append(_problem(path, "constants", constants, "must be a table"))
        constants = {}
    for name in constants:
        if name not in known:
            problems.append(_problem(path, f"constants.{name}", name,
                                     "not a canonical column of the layout",
                                     ", ".join(sorted(known))))
        if name in seen_targets:
            problems.append(_problem(path, f"constants.{name}", name,
                                     f"also mapped from column {seen_targets[name]!r}"))
    values = raw.get("values", {})
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        problems.append(_problem(path, "values", values,
                                 "must be tables of {source value = canonical value}"))
        values = {}
    for name in values:
        if name not in known:
            problems.append(_problem(path, f"values.{name}", name,
                                     "not a canonical column of the layout",
                                     ", ".join(sorted(known))))

    if problems:
        raise DataValidationError(pd.DataFrame(problems), source=path)
    return Mapping(
        layout=layout,
        encoding=encoding,
        separator=raw.get("separator", ","),
        decimal=raw.get("decimal", "."),
        thousands=thousands,
        sheet=sheet,
        header_row=header_row,
        na_values=tuple(raw.get("na_values", [])),
        ignore=tuple(raw.get("ignore", [])),
        columns=tuple(cols),
        constants={k: str(v) for k, v in constants.items()},
        values={k: {str(a): str(b) for a, b in v.items()} for k, v in values.items()},
        path=path,
    )


def _kind_of(column: str, layout: str | None) -> str:
    layouts = [layout] if layout else list(LAYOUTS)
    for name in layouts:
        try:
            return spec(name, column).kind
        except KeyError:
            continue
    return "text"
