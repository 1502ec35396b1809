"""A project's configuration: what it holds, where it is found, how it is read and checked.

:class:`ProjectConfig` (with :class:`RawFiles`, :class:`Plan` and :class:`Target`) is the
checked ``boligmonitor.toml``, every path absolute; :func:`find_project` finds the folder a
command runs in, :func:`load_project` reads its file and :func:`parse_config` checks it like
data: every problem at once, each naming the key, the value and what is allowed (a
:class:`~boligmonitor.errors.DataValidationError` whose file is the configuration).
:func:`restrict_areas` narrows a dataset to the areas of interest. The scaffold ``init`` writes
is :mod:`boligmonitor.project.scaffold`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import glob
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from boligmonitor.datasets import Dataset, dataset_from_tables, read_processed
from boligmonitor.errors import PROBLEM_COLUMNS, BoligmonitorError, DataValidationError
from boligmonitor.io.readers import read_table
from boligmonitor.schemas import LAYOUT_NAMES
from boligmonitor.targets import DIRECTIONS, TARGET_INDICATORS, default_direction

CONFIG_NAME = "boligmonitor.toml"
PROJECT_ENV = "BOLIGMONITOR_PROJECT"
LANGUAGES = ("da", "en")
DATE_RULES = ("list", "today")
# The example plan: the bundled example data's (Viborg Kommune's boligsociale helhedsplan).
EXAMPLE_PLAN_PERIOD = (2021, 2025)
# boligmonitor.io.figures.FORMATS, without importing matplotlib to read a configuration.
FIGURE_FORMATS = ("png", "svg", "pdf")


class ProjectError(BoligmonitorError):
    """A project folder cannot be found, made or used (not a problem of the configuration's
    values: those are a DataValidationError naming each key)."""


@dataclass(frozen=True)
class RawFiles:
    """One ``[[data.raw]]`` entry: files as received (a glob pattern) and how to read them."""

    pattern: str
    mapping: Path | None = None
    layout: str | None = None
    sheet: str | None = None
    header_row: int | None = None

    def files(self, root: Path) -> list[Path]:
        """The files the pattern matches now, sorted by name (oldest first by convention)."""
        return sorted(Path(p) for p in glob.glob(str(root / self.pattern)) if Path(p).is_file())


@dataclass(frozen=True)
class Target:
    """A plan's own goal for one area and indicator: ``value`` by ``year``, ``direction``
    ``below`` (at most, e.g. a share outside work) or ``above`` (e.g. an income)."""

    area_id: str
    indicator: str
    value: float
    year: int
    direction: str
    note: str = ""


@dataclass(frozen=True)
class Plan:
    """The plan the board follows: its name, period (first and last year) and areas."""

    name: str = ""
    period: tuple[int, int] | None = None
    areas: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()
    scenarios: tuple[Path, ...] = ()  # the plan's scenario files (docs/outlook.md)

    def targets_table(self) -> pd.DataFrame:
        """The targets as a table (area_id, indicator, value, year, direction, note)."""
        cols = ["area_id", "indicator", "value", "year", "direction", "note"]
        return pd.DataFrame([t.__dict__ for t in self.targets], columns=cols)


@dataclass(frozen=True)
class ProjectConfig:
    """A project's configuration, checked, with every path absolute."""

    root: Path
    path: Path
    processed: Path
    files: dict[str, Path] = field(default_factory=dict)  # layout -> canonical file
    raw: tuple[RawFiles, ...] = ()
    areas: tuple[str, ...] = ()
    plan: Plan = field(default_factory=Plan)
    language: str = "da"
    min_cell: int = 5
    rules: str | None = None
    reports: Path = Path("reports")
    figures: Path = Path("figures")
    figure_formats: tuple[str, ...] = FIGURE_FORMATS
    dpi: int = 300
    report_date: str = "list"

    def report_date_for(self, list_year: int, today: dt.date | None = None) -> str:
        """The report's date under the configured rule: 1 December of the list year
        (``list``), the day it is run (``today``), or the fixed date given."""
        if self.report_date == "list":
            return f"{list_year}-12-01"
        if self.report_date == "today":
            return (today or dt.date.today()).isoformat()
        return self.report_date

    def areas_of_interest(self) -> tuple[str, ...]:
        """The areas to report on: ``areas``, else the plan's areas, else () for all."""
        return self.areas or self.plan.areas

    def dataset(self) -> Dataset:
        """The project's data: the files named in ``[data]``, else the processed store,
        restricted to the areas of interest."""
        if self.files:
            tables = {layout: read_table(path, layout) for layout, path in self.files.items()}
            data = dataset_from_tables(**tables)
        else:
            if not (self.processed / "manifest.json").is_file():
                raise ProjectError(
                    f"{self.processed}: no processed data yet; put the files as received in "
                    f"data/raw, name them under [[data.raw]] in {self.path.name} and run "
                    "`boligmonitor ingest`")
            data = read_processed(self.processed)
        return restrict_areas(data, self.areas_of_interest(), self.path)


# --- finding and reading ------------------------------------------------------------------------


def find_project(start: str | Path | None = None) -> Path | None:
    """The project folder holding ``start`` (default: the working directory): the nearest
    folder, ``start`` or above it, with a ``boligmonitor.toml``; None where there is none."""
    here = Path(start if start is not None else os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


def load_project(folder: str | Path) -> ProjectConfig:
    """Read and check the configuration of the project in ``folder`` (or the file itself)."""
    folder = Path(folder)
    path = folder if folder.suffix == ".toml" else folder / CONFIG_NAME
    if not path.is_file():
        where = "the file" if folder.suffix == ".toml" else f"{CONFIG_NAME} in the folder"
        raise ProjectError(f"{path}: not a boligmonitor project ({where} is missing; "
                           f"`boligmonitor init {folder}` makes one)")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ProjectError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(raw, path)


# --- checking ------------------------------------------------------------------------------------

TOP_KEYS = ("language", "min_cell", "areas", "rules", "data", "plan", "output")
DATA_KEYS = ("processed", "raw", *LAYOUT_NAMES)
RAW_KEYS = ("files", "mapping", "layout", "sheet", "header_row")
PLAN_KEYS = ("name", "period", "areas", "targets", "scenarios")
TARGET_KEYS = ("area", "indicator", "value", "year", "direction", "note")
OUTPUT_KEYS = ("reports", "figures", "figure_formats", "dpi", "report_date")


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: list[dict[str, Any]] = []

    def add(self, key: str, value: Any, problem: str, allowed: str = "") -> None:
        shown = value if value is None or isinstance(value, str | int | float) else repr(value)
        self.rows.append({"file": str(self.path), "row": None, "column": key, "value": shown,
                          "problem": problem, "allowed": allowed})

    def unknown(self, table: dict, known: tuple[str, ...], prefix: str) -> None:
        for key in table:
            if key not in known:
                near = difflib.get_close_matches(str(key), known, n=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                self.add(f"{prefix}{key}", None, f"unknown key{hint}", ", ".join(known))

    def raise_if_any(self) -> None:
        if self.rows:
            raise DataValidationError(pd.DataFrame(self.rows, columns=PROBLEM_COLUMNS),
                                      source=str(self.path))


def _table(p: _Problems, raw: dict, key: str, prefix: str = "") -> dict:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        p.add(prefix + key, value, "must be a table", f"[{prefix}{key}]")
        return {}
    return value


def _text(p: _Problems, value: Any, key: str, allowed: str = "text") -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        p.add(key, value, "must be a non-empty text", allowed)
        return None
    return value.strip()


def _year(p: _Problems, value: Any, key: str) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
        p.add(key, value, "must be a year", "a whole number 1990-2100")
        return None
    return value


def _ids(p: _Problems, value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        p.add(key, value, "must be a list of area ids", 'e.g. ["viborg-houlkaervaenget"]')
        return ()
    ids = tuple(v.strip() for v in value)
    dup = sorted({v for v in ids if ids.count(v) > 1})
    if dup:
        p.add(key, ", ".join(dup), "an area is named twice", "each area once")
    return tuple(dict.fromkeys(ids))


def _path(root: Path, value: Any, key: str, p: _Problems, *, must_exist: bool = False,
          default: str | None = None) -> Path | None:
    if value is None:
        return root / default if default is not None else None
    text = _text(p, value, key, "a path, relative to the project folder")
    if text is None:
        return None
    path = (root / text).resolve() if not Path(text).is_absolute() else Path(text)
    if must_exist and not path.is_file():
        p.add(key, value, f"no such file ({path})", "an existing file")
    return path


def parse_period(value: Any) -> tuple[int, int] | None:
    """A plan period from ``"2021-2025"`` or ``[2021, 2025]``; None where it is not one."""
    if isinstance(value, str):
        first, sep, last = value.partition("-")
        if sep and first.strip().isdigit() and last.strip().isdigit():
            value = [int(first), int(last)]
    if (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            and 1990 <= value[0] <= value[1] <= 2100):
        return (value[0], value[1])
    return None


def parse_config(raw: dict, path: Path) -> ProjectConfig:
    """Check a configuration read from ``path``; relative paths are relative to its folder."""
    root = path.parent.resolve()
    p = _Problems(path)
    p.unknown(raw, TOP_KEYS, "")

    language = raw.get("language", "da")
    if language not in LANGUAGES:
        p.add("language", language, "unknown language", ", ".join(LANGUAGES))
        language = "da"
    min_cell = raw.get("min_cell", 5)
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 0:
        p.add("min_cell", min_cell, "must be a whole number >= 0",
              "5 (the default); 0 turns disclosure control off, for internal analysis only")
        min_cell = 5
    areas = _ids(p, raw.get("areas"), "areas")
    rules = raw.get("rules")
    if rules is not None:
        text = _text(p, rules, "rules", "a bundled rule set id (2010, 2013, 2018, 2021) or a "
                     "rule file")
        if text is not None and (root / text).is_file():
            rules = str((root / text).resolve())
        else:
            rules = text

    data = _table(p, raw, "data")
    p.unknown(data, DATA_KEYS, "data.")
    processed = _path(root, data.get("processed"), "data.processed", p,
                      default="data/processed") or root / "data" / "processed"
    files: dict[str, Path] = {}
    for layout in LAYOUT_NAMES:
        if layout in data:
            f = _path(root, data[layout], f"data.{layout}", p, must_exist=True)
            if f is not None:
                files[layout] = f
    if files and not ({"indicators", "criterion_values"} & set(files)):
        p.add("data", ", ".join(files), "files name no indicators or criterion values",
              "data.indicators or data.criterion_values, or none (the processed store)")
    if files and "processed" in data:
        p.add("data.processed", data["processed"], "both files and a processed store named",
              "either data.processed or the files (data.indicators ...)")
    raw_entries = data.get("raw", [])
    if not isinstance(raw_entries, list) or not all(isinstance(e, dict) for e in raw_entries):
        p.add("data.raw", raw_entries, "must be a list of tables",
              '[[data.raw]] with files = "data/raw/*.csv"')
        raw_entries = []
    raws = []
    for i, entry in enumerate(raw_entries):
        key = f"data.raw[{i + 1}]."
        p.unknown(entry, RAW_KEYS, key)
        pattern = _text(p, entry.get("files"), key + "files",
                        'a file or a pattern, e.g. "data/raw/beboerdata_*.csv"')
        if pattern is None and "files" not in entry:
            p.add(key + "files", None, "missing", 'a file or a pattern, e.g. "data/raw/*.csv"')
        mapping = _path(root, entry.get("mapping"), key + "mapping", p, must_exist=True)
        layout = entry.get("layout")
        if layout is not None and layout not in LAYOUT_NAMES:
            p.add(key + "layout", layout, "unknown layout", ", ".join(LAYOUT_NAMES))
            layout = None
        header_row = entry.get("header_row")
        if header_row is not None and (isinstance(header_row, bool)
                                       or not isinstance(header_row, int) or header_row < 1):
            p.add(key + "header_row", header_row, "must be a whole number >= 1", "1, 2, ...")
            header_row = None
        sheet = _text(p, entry.get("sheet"), key + "sheet", "the sheet's name")
        if pattern is not None:
            raws.append(RawFiles(pattern, mapping, layout, sheet, header_row))

    plan = _plan(p, _table(p, raw, "plan"), areas, root)

    output = _table(p, raw, "output")
    p.unknown(output, OUTPUT_KEYS, "output.")
    reports = _path(root, output.get("reports"), "output.reports", p, default="reports")
    figures = _path(root, output.get("figures"), "output.figures", p, default="figures")
    formats = output.get("figure_formats", list(FIGURE_FORMATS))
    if (not isinstance(formats, list) or not formats
            or not all(f in FIGURE_FORMATS for f in formats)):
        p.add("output.figure_formats", formats, "unknown figure format",
              "a list of " + ", ".join(FIGURE_FORMATS))
        formats = list(FIGURE_FORMATS)
    dpi = output.get("dpi", 300)
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 50 <= dpi <= 1200:
        p.add("output.dpi", dpi, "not a resolution", "a whole number 50-1200 (300: print)")
        dpi = 300
    report_date = output.get("report_date", "list")
    if report_date not in DATE_RULES:
        try:
            report_date = dt.date.fromisoformat(str(report_date)).isoformat()
        except ValueError:
            p.add("output.report_date", report_date, "not a date rule",
                  '"list" (1 December of the list year), "today", or a date YYYY-MM-DD')
            report_date = "list"

    p.raise_if_any()
    return ProjectConfig(root=root, path=path.resolve(), processed=processed, files=files,
                         raw=tuple(raws), areas=areas, plan=plan, language=language,
                         min_cell=min_cell, rules=rules,
                         reports=reports or root / "reports",
                         figures=figures or root / "figures",
                         figure_formats=tuple(dict.fromkeys(formats)), dpi=dpi,
                         report_date=report_date)


def _scenario_files(p: _Problems, value: Any, root: Path) -> tuple[Path, ...]:
    """The plan's scenario files (relative to the project folder), each one that exists."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        p.add("plan.scenarios", value, "must be a list of file names",
              'e.g. ["scenarios/helhedsplan.toml"]')
        return ()
    paths = []
    for text in value:
        path = Path(text.strip())
        path = path if path.is_absolute() else root / path
        if not path.is_file():
            p.add("plan.scenarios", text, "no such file",
                  "a scenario file (TOML, docs/outlook.md), relative to the project folder")
        else:
            paths.append(path)
    return tuple(paths)


def _plan(p: _Problems, plan: dict, areas: tuple[str, ...], root: Path) -> Plan:
    p.unknown(plan, PLAN_KEYS, "plan.")
    name = _text(p, plan.get("name"), "plan.name") or ""
    period = None
    if "period" in plan:
        period = parse_period(plan["period"])
        if period is None:
            p.add("plan.period", plan["period"], "not a period",
                  '"A-B" or [A, B] with A <= B, e.g. "2026-2030"')
    plan_areas = _ids(p, plan.get("areas"), "plan.areas")
    if areas and plan_areas:
        outside = [a for a in plan_areas if a not in areas]
        if outside:
            p.add("plan.areas", ", ".join(outside), "a plan area is not among the areas",
                  "the areas of interest (areas = [...]) or leave areas out")
    entries = plan.get("targets", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        p.add("plan.targets", entries, "must be a list of tables", "[[plan.targets]]")
        entries = []
    targets: list[Target] = []
    keys: set[tuple[str, str, int]] = set()
    for i, entry in enumerate(entries):
        key = f"plan.targets[{i + 1}]."
        p.unknown(entry, TARGET_KEYS, key)
        indicator = entry.get("indicator")
        if indicator not in TARGET_INDICATORS:
            p.add(key + "indicator", indicator, "not an indicator a target can be set for",
                  ", ".join(TARGET_INDICATORS))
            indicator = None
        value = entry.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            p.add(key + "value", value, "must be a number",
                  "a share as a fraction (35 % = 0.35), an income in DKK")
            value = None
        elif indicator is not None and indicator.startswith("share_") and not 0 <= value <= 1:
            p.add(key + "value", value, "a share must be a fraction 0-1",
                  f"e.g. {value / 100:g} for {value:g} %" if 1 < value <= 100 else "0-1")
            value = None
        elif indicator is not None and not indicator.startswith("share_") and value < 0:
            p.add(key + "value", value, "must be >= 0", "an amount in DKK")
            value = None
        year = _year(p, entry.get("year"), key + "year")
        direction = entry.get("direction")
        if direction is None:
            direction = default_direction(indicator) if indicator is not None else None
        elif direction not in DIRECTIONS:
            p.add(key + "direction", direction, "unknown direction", ", ".join(DIRECTIONS))
            direction = None
        note = _text(p, entry.get("note"), key + "note") or ""
        area = entry.get("area")
        target_areas: tuple[str, ...]
        if area in (None, "all"):
            target_areas = plan_areas
            if not plan_areas:
                p.add(key + "area", area, "no area: the plan names no areas",
                      "an area id, or plan.areas for area = \"all\"")
        elif isinstance(area, str) and area.strip():
            target_areas = (area.strip(),)
            if plan_areas and area.strip() not in plan_areas:
                p.add(key + "area", area, "not one of the plan's areas", ", ".join(plan_areas))
        else:
            p.add(key + "area", area, "must be an area id", 'an area id, or "all"')
            target_areas = ()
        if None in (indicator, value, year, direction):
            continue
        for a in target_areas:
            if (a, indicator, year) in keys:
                p.add(key + "area", a, f"a second target for {indicator} in {year}",
                      "one target per area, indicator and year")
            keys.add((a, indicator, year))
            targets.append(Target(a, indicator, float(value), int(year), direction, note))
    return Plan(name=name, period=period, areas=plan_areas, targets=tuple(targets),
                scenarios=_scenario_files(p, plan.get("scenarios"), root))


def restrict_areas(data: Dataset, areas: tuple[str, ...], path: Path | str = CONFIG_NAME
                   ) -> Dataset:
    """The dataset with the area tables (indicators, criterion values) restricted to
    ``areas`` (all where empty); references and published lists stay whole. An area the data
    do not hold is an error naming it."""
    if not areas:
        return data
    known = set()
    for t in (data.indicators, data.criterion_values):
        if t is not None:
            known.update(t["area_id"].astype(str))
    unknown = [a for a in areas if a not in known]
    if unknown:
        near = {a: difflib.get_close_matches(a, sorted(known), n=1) for a in unknown}
        shown = ", ".join(f"{a!r}" + (f" (did you mean {near[a][0]!r}?)" if near[a] else "")
                          for a in unknown)
        raise ProjectError(f"{path}: areas not in the data: {shown}; the data hold "
                           f"{len(known)} area{'s' if len(known) != 1 else ''}")

    def only(t: pd.DataFrame | None) -> pd.DataFrame | None:
        if t is None:
            return None
        out = t[t["area_id"].astype(str).isin(areas)].reset_index(drop=True)
        out.attrs = dict(t.attrs)
        return out

    return replace(data, indicators=only(data.indicators),
                   criterion_values=only(data.criterion_values))
