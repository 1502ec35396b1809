"""The summary: one line per area (category, criteria met, residents, whether it can be listed,
direction since last year, early-warning flags) and one sentence that says it in words."""

from __future__ import annotations

import pandas as pd

from boligmonitor.datasets import Dataset
from boligmonitor.disclosure import SUPPRESSED_CATEGORY
from boligmonitor.labels import label
from boligmonitor.options import Options
from boligmonitor.report.content import AreaSummary
from boligmonitor.report.formatting import category_name, is_missing, show_count, tri
from boligmonitor.rules import RuleSet


def area_summary(row, prev: pd.DataFrame, prev_year: int | None, rules_prev: RuleSet | None,
                 rules_now: RuleSet, residents_suppressed: bool, flags: tuple[str, ...],
                 lang: str, tx: dict[str, str]) -> AreaSummary:
    """The summary of one area: ``row`` is its row of the assessment's areas in the list year,
    ``prev`` the areas of the year before (indexed by area id, empty without one)."""
    aid = str(row.area_id)
    cat_id = str(row.category)
    n_met = None if is_missing(row.n_criteria_met) else int(row.n_criteria_met)
    n_crit = int(row.n_criteria)
    listable = tri(row.is_listable)
    residents = show_count(row.residents, lang, suppressed=residents_suppressed)
    note = label("text.cannot_be_listed", lang) if listable is False else ""
    if aid in prev.index:
        p = prev.loc[aid]
        direction = direction_between(str(p["category"]), cat_id, p["n_criteria_met"],
                                      n_met, rules_prev, rules_now)
    else:
        direction = "new"
    met_txt = (label("text.suppressed", lang) if n_met is None
               else tx["criteria_met_of"].format(n=n_met, k=n_crit))
    sentence = tx["summary_sentence"].format(
        area=row.area_name, category=category_name(cat_id, lang), met=met_txt,
        direction=label(f"direction.{direction}", lang).lower(),
        previous=prev_year if prev_year is not None else "-",
    )
    return AreaSummary(
        aid, str(row.area_name), str(row.municipality), cat_id, category_name(cat_id, lang),
        n_met, n_crit, met_txt, residents, listable, note, direction,
        label(f"direction.{direction}", lang), flags, sentence,
    )


def resident_mask(data: Dataset, ind_sup, list_year: int, options: Options,
                  min_cell: int) -> dict[str, bool]:
    """Whether each area's residents count of the list year is suppressed."""
    out: dict[str, bool] = {}
    if ind_sup is not None and "residents" in ind_sup.mask.columns:
        year = list_year - options.point_in_time_lag
        rows = data.indicators["year"] == year
        for aid, hit in zip(data.indicators.loc[rows, "area_id"].astype(str),
                            ind_sup.mask.loc[rows, "residents"], strict=True):
            out[aid] = bool(hit)
    elif data.criterion_values is not None:
        cv = data.criterion_values
        rows = cv[cv["list_year"] == list_year]
        for aid, r in zip(rows["area_id"].astype(str), rows["residents"], strict=True):
            out[aid] = bool(pd.notna(r) and r < min_cell)
    return out


def direction_between(cat_before: str, cat_now: str, n_before, n_now: int | None,
                      rules_before: RuleSet | None, rules_now: RuleSet) -> str:
    """``worse``, ``better`` or ``same``: by the categories' severity, then the criteria met;
    ``suppressed`` where either year's category or count is (disclosure control)."""
    if (SUPPRESSED_CATEGORY in (cat_before, cat_now) or is_missing(n_before)
            or n_now is None):
        return "suppressed"
    s0, s1 = _severity(cat_before, rules_before), _severity(cat_now, rules_now)
    if s1 != s0:
        return "worse" if s1 > s0 else "better"
    if n_now != n_before:
        return "worse" if n_now > n_before else "better"
    return "same"


def _severity(cat_id: str, rules: RuleSet | None) -> int:
    if rules is None:
        return 0
    for c in rules.categories:
        if c.id == cat_id:
            return c.severity
    return 0
