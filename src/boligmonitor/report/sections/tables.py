"""The spreadsheet tables (one sheet each): the scores, the criteria of every list year up to
N with their margins, the data used (disclosure-controlled), and the method's tables."""

from __future__ import annotations

from typing import Any

import pandas as pd

from boligmonitor.datasets import Dataset
from boligmonitor.labels import has_label, label
from boligmonitor.options import Options
from boligmonitor.report.content import VALUE, Method, Shown, Table
from boligmonitor.report.formatting import (
    is_missing,
    show_count,
    show_value,
    yes_no,
)
from boligmonitor.report.formatting import show_text as _t
from boligmonitor.report.sections.areas import criterion_line


def spreadsheet_tables(summaries, crit: pd.DataFrame, mask: pd.DataFrame,
                       areas: pd.DataFrame, list_year: int, data: Dataset, ind_sup,
                       options: Options, lang: str, tx: dict[str, str], method: Method,
                       min_cell: int) -> tuple[Table, ...]:
    """The workbook's sheets: scores, criteria up to ``list_year``, the data used, and the
    method's references, sources and options."""
    scores = Table(
        tx["sheet_scores"],
        (label("column.area_id", lang), label("column.area_name", lang),
         label("column.municipality", lang), label("column.list_year", lang),
         label("column.category", lang), tx["col_n_met"], tx["col_n_criteria"],
         label("column.residents", lang), tx["col_listable"], tx["col_direction"],
         tx["col_warnings"]),
        tuple(
            (_t(s.area_id), _t(s.area_name), _t(s.municipality),
             Shown(str(list_year), list_year, VALUE, "year"), _t(s.category),
             show_count(s.n_met, lang, suppressed=s.n_met is None),
             Shown(str(s.n_criteria), s.n_criteria, VALUE, "int"), s.residents,
             _t(yes_no(s.is_listable, lang)), _t(s.direction), _t(" ".join(s.warnings)))
            for s in summaries
        ),
        key="scores",
    )
    c = crit[crit["list_year"] <= list_year]
    m = mask.loc[c.index]
    crit_rows = []
    for r, mm in zip(c.itertuples(index=False), m.itertuples(index=False), strict=True):
        ln = criterion_line(r, mm, lang)
        crit_rows.append((
            _t(r.area_id), _t(r.area_name), Shown(str(r.list_year), int(r.list_year), VALUE,
                                                  "year"),
            _t(ln.classification), _t(ln.criterion), ln.value, _t(ln.operator), ln.threshold,
            ln.reference, _t(ln.status), ln.margin, ln.persons, _t(ln.data_years),
            _t(ln.citation),
        ))
    criteria = Table(
        tx["sheet_criteria"],
        (label("column.area_id", lang), label("column.area_name", lang),
         label("column.list_year", lang), tx["col_classification"], tx["col_criterion"],
         label("column.value", lang), tx["col_operator"], tx["col_threshold"], tx["col_reference"],
         tx["col_status"], tx["col_margin"], tx["col_persons"], label("column.year", lang),
         tx["col_citation"]),
        tuple(crit_rows),
        key="criteria",
    )
    sheets = [scores, criteria]
    if data.indicators is not None and ind_sup is not None:
        last = list_year - min(options.point_in_time_lag, options.annual_lag)
        ind = ind_sup.values[data.indicators["year"] <= last]
        msk = ind_sup.mask.loc[ind.index]
        cols = list(ind.columns)
        heads = tuple(label(f"column.{c}", lang) if has_label(f"column.{c}") else c for c in cols)
        rows = []
        for r, mm in zip(ind.itertuples(index=False), msk.itertuples(index=False), strict=True):
            cells = []
            for col, v, sup in zip(cols, r, mm, strict=True):
                cells.append(_data_cell(col, v, bool(sup), lang))
            rows.append(tuple(cells))
        sheets.append(Table(tx["sheet_data"], heads, tuple(rows), key="data"))
    elif data.criterion_values is not None:
        cv = data.criterion_values[data.criterion_values["list_year"] <= list_year]
        cols = list(cv.columns)
        heads = tuple(label(f"column.{c}", lang) if has_label(f"column.{c}") else c for c in cols)
        rows = []
        for r in cv.itertuples(index=False):
            small = pd.notna(r.residents) and r.residents < min_cell
            rows.append(tuple(_data_cell(col, v, small and col not in ("area_id", "area_name",
                                                                       "municipality", "region",
                                                                       "list_year"), lang)
                              for col, v in zip(cols, r, strict=True)))
        sheets.append(Table(tx["sheet_data"], heads, tuple(rows), key="data"))
    sheets.extend([method.references, method.sources, method.options])
    return tuple(sheets)


def _data_cell(col: str, v: Any, suppressed: bool, lang: str) -> Shown:
    if col in ("area_id", "area_name", "municipality", "region"):
        return _t(v)
    if col in ("year", "list_year"):
        return Shown(str(int(v)), int(v), VALUE, "year")
    if col.startswith("share_") or col.endswith("_ratio_to_region"):
        return show_value(v, "share", lang, decimals=2, suppressed=suppressed)
    if col == "convicted_ratio_to_national":
        return show_value(v, "ratio_to_national", lang, suppressed=suppressed)
    if col.startswith("mean_gross_income"):
        return show_value(v, "dkk", lang, suppressed=suppressed)
    decimals = 0 if is_missing(v) or float(v).is_integer() else 1
    return show_count(v, lang, suppressed=suppressed, decimals=decimals)
