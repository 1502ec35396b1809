"""The output tables of an assessment: areas, criteria and history, built once per list year.

Columns are gathered per list year as numpy arrays and joined once: text that is constant
within a list year becomes a categorical, nullable booleans and counts become pandas' masked
arrays. No Python loop runs over areas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from boligmonitor.criteria.categories import (
    NO_CATEGORY,
    UNDETERMINED,
    Run,
    Scored,
    Year,
    most_severe,
)
from boligmonitor.criteria.explain import explain_year, text_column
from boligmonitor.criteria.logic import Tri
from boligmonitor.criteria.published import PublishedLists
from boligmonitor.criteria.sources import year_spans
from boligmonitor.options import Options
from boligmonitor.schemas import CATEGORY_IDS


class Columns:
    """Column parts gathered per list year and joined once."""

    def __init__(self) -> None:
        self.parts: dict[str, list[tuple]] = {}

    def const(self, name: str, value: str, n: int) -> None:
        self.parts.setdefault(name, []).append(("const", value, n))

    def array(self, name: str, values: np.ndarray) -> None:
        self.parts.setdefault(name, []).append(("array", values))

    def text(self, name: str, values: np.ndarray, *, empty_is_missing: bool = False) -> None:
        """Text per row, stored as a categorical (few distinct values)."""
        kind = "text_na" if empty_is_missing else "text"
        self.parts.setdefault(name, []).append((kind, np.asarray(values, dtype=object)))

    def tri(self, name: str, tri: Tri | None, rows: np.ndarray) -> None:
        n = int(rows.sum())
        if tri is None:  # the regime has no such condition: unknown, not false
            yes, no = np.zeros(n, bool), np.zeros(n, bool)
        else:
            yes, no = tri.yes[rows], tri.no[rows]
        self.parts.setdefault(name, []).append(("tri", yes, no))

    def ints(self, name: str, values: np.ndarray | None, n: int) -> None:
        if values is None:
            values, mask = np.zeros(n, np.int64), np.ones(n, bool)
        else:
            mask = np.zeros(n, bool)
        self.parts.setdefault(name, []).append(("ints", values.astype(np.int64), mask))

    def build(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for name, parts in self.parts.items():
            kind = parts[0][0]
            if kind == "const":
                cats = list(dict.fromkeys(p[1] for p in parts))
                codes = np.repeat([cats.index(p[1]) for p in parts], [p[2] for p in parts])
                out[name] = pd.Categorical.from_codes(codes, categories=cats)
            elif kind == "array":
                out[name] = np.concatenate([p[1] for p in parts])
            elif kind in ("text", "text_na"):
                values = np.concatenate([p[1] for p in parts])
                if kind == "text_na":
                    values = np.where(values == "", None, values)
                out[name] = pd.Categorical(values)
            elif kind == "tri":
                yes = np.concatenate([p[1] for p in parts])
                no = np.concatenate([p[2] for p in parts])
                out[name] = pd.arrays.BooleanArray(yes, ~(yes | no))
            else:
                out[name] = pd.arrays.IntegerArray(
                    np.concatenate([p[1] for p in parts]), np.concatenate([p[2] for p in parts])
                )
        return out


def areas_table(
    scored: dict[int, Year],
    identity: pd.DataFrame,
    options: Options,
    published: PublishedLists,
    explain: bool,
) -> pd.DataFrame:
    """One row per area and list year: categories, listability, history, explanations."""
    class_ids = list(
        dict.fromkeys(
            c.id for yr in scored.values() for c in yr.rules.classifications if c.role == "criteria"
        )
    )
    cols = Columns()
    area_idx = []
    explanations: dict[str, list] = {}
    for y, yr in scored.items():
        rows = yr.present
        idx = np.flatnonzero(rows)
        n = len(idx)
        area_idx.append(idx)
        primary = yr.rules.classification(yr.rules.primary_classification)
        cols.array("list_year", np.full(n, y, dtype=np.int64))
        cols.const("rules", yr.rules.id, n)
        cols.const("source", yr.source_kind, n)
        cols.array("residents", yr.residents[rows])
        cols.tri("is_listable", yr.listable, rows)
        cols.array("n_criteria_met", yr.n_met[primary.id][rows].astype(np.int64))
        cols.array("n_criteria_unknown", yr.n_unknown[primary.id][rows].astype(np.int64))
        cols.array("n_criteria", np.full(n, len(primary.criteria), dtype=np.int64))
        cols.array("min_criteria_met", np.full(n, primary.min_met, dtype=np.int64))
        for cat in CATEGORY_IDS:
            # A category the regime does not have is not held (an area cannot be on a list
            # that did not exist), which is false rather than undetermined.
            cols.tri(f"is_{cat}", yr.categories.get(cat, Tri.const(False, len(rows))), rows)
        category, certain, possible = most_severe(yr, yr.categories, rows)
        if_listable = most_severe(yr, yr.conditions, rows)[0]
        cols.array("category", category)
        cols.array("category_certain", certain)
        cols.array("category_possible", possible)
        cols.array("category_if_listable", if_listable)
        pub = published.category(y, yr.rules)[rows]
        cols.text("published_category", pub, empty_is_missing=True)
        full = {}
        for name, values in (("category", category), ("certain", certain),
                             ("possible", possible)):
            full[name] = np.full(len(rows), UNDETERMINED, dtype=object)
            full[name][rows] = values
        agrees = published.agrees(y, full["category"], yr.rules, full["certain"],
                                  full["possible"])
        cols.tri("agrees_with_published", agrees, rows)
        for cid in class_ids:
            vals = yr.n_met.get(cid)
            cols.ints(f"n_met_{cid}", None if vals is None else vals[rows], n)
        cols.tri("is_kombineret_udlejning", yr.kombineret, rows)
        _history_columns(cols, next(iter(yr.runs.values()), None), rows, n)
        cols.const(
            "data_years",
            "; ".join(dict.fromkeys(f"{s.criterion.id}: {s.ev.data_years}" for s in yr.scored)),
            n,
        )
        cols.const("options", options.describe(), n)
        if explain:
            names = identity["area_name"].to_numpy(dtype=object)[idx]
            cats = {"category": category, "category_certain": certain,
                    "category_possible": possible, "category_if_listable": if_listable}
            for lang in ("da", "en"):
                explanations.setdefault(f"explanation_{lang}", []).append(
                    explain_year(yr, rows, names, cats, pub, agrees, lang)
                )
    idx_all = np.concatenate(area_idx) if area_idx else np.zeros(0, np.int64)
    out: dict[str, object] = {}
    for col in ("area_id", "area_name", "municipality", "region"):
        codes, uniques = pd.factorize(identity[col].to_numpy(dtype=object))
        out[col] = pd.Categorical.from_codes(codes[idx_all], categories=pd.Index(uniques))
    built = cols.build()
    for col in ("category", "category_certain", "category_possible", "category_if_listable"):
        if col in built:
            built[col] = pd.Categorical(built[col])
    out.update(built)
    if explanations:
        # Arrow text, joined without a detour through Python strings.
        out.update({name: text_column(parts) for name, parts in explanations.items()})
    return pd.DataFrame(out)


def _history_columns(cols: Columns, run: Run | None, rows: np.ndarray, n: int) -> None:
    cols.const("consecutive_category", run.category if run else "", n)
    cols.ints("n_consecutive_years", run.run[rows] if run else None, n)
    cols.ints("consecutive_years_required", np.full(n, run.years_required) if run else None, n)
    if run is None:
        for name in ("history_published_years", "history_computed_years",
                     "history_missing_years"):
            cols.text(name, np.full(n, "", dtype=object))
        return
    earlier = run.years[1:]
    pub = run.published[rows][:, 1:]
    missing = run.missing()[rows][:, 1:]
    cols.text("history_published_years", year_spans(pub, earlier))
    # The list year itself is always computed: it is the year being decided.
    computed = np.column_stack([np.ones(n, bool), ~pub]) if n else np.zeros((0, 1), bool)
    cols.text("history_computed_years", year_spans(computed, run.years))
    cols.text("history_missing_years", year_spans(missing, earlier))


# The criteria table's columns, in order. ``CRITERION_ARRAYS`` vary per area; the others are
# one value per list year and criterion, stored as categoricals.
CRITERIA_COLUMNS = (
    "area_id", "area_name", "list_year", "rules", "classification", "role", "criterion",
    "indicator", "value", "threshold", "operator", "operator_symbol", "is_met", "margin",
    "persons_to_threshold", "reference", "reference_value", "reference_source", "unit",
    "data_years", "citation",
)
CRITERION_ARRAYS = ("value", "threshold", "reference_value", "margin", "persons_to_threshold")


def _criterion_arrays(s: Scored, idx: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "value": s.value[idx],
        "threshold": s.ev.threshold[idx],
        "reference_value": s.ev.reference_value[idx],
        "margin": s.margin[idx],
        "persons_to_threshold": s.persons[idx],
    }


def _criterion_constants(yr: Year, s: Scored) -> dict[str, object]:
    c = s.criterion
    return {
        "rules": yr.rules.id, "classification": s.classification, "role": s.role,
        "criterion": c.id, "indicator": c.indicator, "operator": c.operator,
        "operator_symbol": c.symbol, "reference": c.reference,
        "reference_source": s.ev.reference_source, "unit": s.ev.unit,
        "data_years": s.ev.data_years, "citation": c.citation,
    }


def criteria_table(scored: dict[int, Year], identity: pd.DataFrame) -> pd.DataFrame:
    """One row per area, list year, classification and criterion."""
    area_idx: list[np.ndarray] = []
    years: list[np.ndarray] = []
    yes: list[np.ndarray] = []
    no: list[np.ndarray] = []
    arrays: dict[str, list[np.ndarray]] = {name: [] for name in CRITERION_ARRAYS}
    constants: dict[str, list[object]] = {}
    block_sizes: list[int] = []
    for y, yr in scored.items():
        idx = np.flatnonzero(yr.present)
        for s in yr.scored:
            area_idx.append(idx)
            years.append(np.full(len(idx), y, dtype=np.int64))
            yes.append(s.met.yes[idx])
            no.append(s.met.no[idx])
            for name, values in _criterion_arrays(s, idx).items():
                arrays[name].append(values)
            for name, value in _criterion_constants(yr, s).items():
                constants.setdefault(name, []).append(value)
            block_sizes.append(len(idx))
    if not area_idx:
        return pd.DataFrame(columns=list(CRITERIA_COLUMNS))
    all_idx = np.concatenate(area_idx)
    y_all, n_all = np.concatenate(yes), np.concatenate(no)
    out: dict[str, object] = {
        "area_id": pd.Categorical.from_codes(
            all_idx, categories=pd.Index(identity["area_id"].to_numpy())),
        "area_name": pd.Categorical.from_codes(
            *_codes(identity["area_name"].to_numpy(), all_idx)),
        "list_year": np.concatenate(years),
        "is_met": pd.arrays.BooleanArray(y_all, ~(y_all | n_all)),
    }
    out.update({name: np.concatenate(parts) for name, parts in arrays.items()})
    for name, labels in constants.items():
        cats = list(dict.fromkeys(labels))
        codes = np.repeat([cats.index(v) for v in labels], block_sizes)
        out[name] = pd.Categorical.from_codes(codes, categories=cats)
    return pd.DataFrame(out)[list(CRITERIA_COLUMNS)]


def _codes(values: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = pd.factorize(values)
    return codes[idx], pd.Index(uniques)


def empty_history() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_id": pd.Series(dtype=str),
            "list_year": pd.Series(dtype="int64"),
            "category": pd.Series(dtype=str),
            "year": pd.Series(dtype="int64"),
            "is_member": pd.Series(dtype="boolean"),
            "source": pd.Series(dtype=str),
        }
    )


__all__ = ["CRITERIA_COLUMNS", "NO_CATEGORY", "areas_table", "criteria_table", "empty_history"]
