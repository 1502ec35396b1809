"""Disclosure control for what the outlook publishes (charts, the report, tables passed on).

The rules of :mod:`boligmonitor.disclosure` applied to the outlook's tables:

* an observed value in ``projections`` is suppressed where the indicator table's cell is
  (:func:`~boligmonitor.disclosure.suppress_indicators`: a small count, a share of a small base);
* the projected years of an area's indicator are suppressed where its last observed value is: a
  projection starts from that value, and its median next year would give it back (the rule the
  early warning follows for its latest value);
* in the reverse question, the change in persons of such an area and indicator is suppressed
  (with its share of the base);
* the probabilities of an area's categories in a list year (and of its being on a list) are
  suppressed where the disclosure rule suppresses the category of the early warning's
  projection for that year (the latest values repeated, :func:`~boligmonitor.disclosure.
  disclose`): the outlook starts from the same cells, and a probability of 1 in a year the data
  already decide is the category itself; a criterion's probability likewise where its status
  would be suppressed. Elsewhere a probability reveals no count, as a category does not.

Suppressed cells are NaN, and ``is_suppressed`` marks their rows, so that a chart can tell a
suppressed gap from a missing one.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from boligmonitor.criteria import assess
from boligmonitor.disclosure import DEFAULT_MIN_CELL, disclose, suppress_indicators
from boligmonitor.outlook.backtest import repeat_latest
from boligmonitor.outlook.projections import BAND_COLUMNS
from boligmonitor.outlook.run import Outlook


def _suppressed_cells(indicators: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """(area_id, year, indicator) of every suppressed cell, and each area-indicator's last
    observed year with whether that cell was suppressed."""
    sup = suppress_indicators(indicators, min_cell)
    ids = indicators["area_id"].astype(str).to_numpy()
    years = indicators["year"].to_numpy(dtype=np.int64)
    frames = []
    for col in sup.mask.columns:
        if col in ("area_id", "area_name", "municipality", "region", "year"):
            continue
        present = (indicators[col].notna()).to_numpy()
        frames.append(pd.DataFrame({"area_id": ids[present], "year": years[present],
                                    "indicator": col,
                                    "hit": sup.mask[col].to_numpy()[present]}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["area_id", "year", "indicator", "hit"])


def _last_suppressed(cells: pd.DataFrame) -> set[tuple[str, str]]:
    if cells.empty:
        return set()
    last = cells.sort_values("year", kind="stable").groupby(["area_id", "indicator"]).tail(1)
    hit = last[last["hit"]]
    return set(zip(hit["area_id"], hit["indicator"], strict=True))


def _hidden_statuses(result: Outlook, indicators: pd.DataFrame,
                     references: pd.DataFrame | None, memberships: pd.DataFrame | None,
                     min_cell: int) -> tuple[set, set]:
    """(area, list year) whose category, and (area, list year, classification, criterion) whose
    status, the disclosure rule suppresses in the projection with the latest values repeated."""
    until = max(result.list_years)
    ind, refs = repeat_latest(indicators, references, until)
    proj = assess(ind, refs, memberships, list_years=list(result.list_years),
                  options=result.options, explain=False, validate=False)
    d = disclose(proj, indicators=ind, min_cell=min_cell)
    areas = proj.areas
    cat = d.areas_mask["category"].to_numpy() if "category" in d.areas_mask else np.zeros(
        len(areas), bool)
    hidden_cat = set(zip(areas["area_id"].astype(str).to_numpy()[cat],
                         areas["list_year"].astype(int).to_numpy()[cat], strict=True))
    crit = proj.criteria
    met = d.criteria_mask["is_met"].to_numpy()
    hidden_met = set(zip(crit["area_id"].astype(str).to_numpy()[met],
                         crit["list_year"].astype(int).to_numpy()[met],
                         crit["classification"].astype(str).to_numpy()[met],
                         crit["criterion"].astype(str).to_numpy()[met], strict=True))
    return hidden_cat, hidden_met


def _mask_rows(df: pd.DataFrame, keys: list[str], hidden: set, columns: list[str]) -> pd.DataFrame:
    df = df.copy()
    if df.empty:
        return df.assign(is_suppressed=False)
    hit = np.array([tuple(k) in hidden for k in zip(
        *(df[c].astype(str) if c not in ("list_year",) else df[c].astype(int) for c in keys),
        strict=True)], dtype=bool)
    for c in columns:
        if c in df.columns and hit.any():
            df.loc[hit, c] = np.nan
    df["is_suppressed"] = hit
    return df


def suppress_outlook(result: Outlook, indicators: pd.DataFrame,
                     references: pd.DataFrame | None = None,
                     memberships: pd.DataFrame | None = None,
                     min_cell: int = DEFAULT_MIN_CELL) -> Outlook:
    """Return ``result`` fit to publish (see the module's rules); ``min_cell`` 0 leaves it.

    ``indicators``, ``references`` and ``memberships`` are the tables the outlook was made
    from."""
    if min_cell < 0:
        raise ValueError(f"min_cell must be >= 0, got {min_cell}")
    proj = result.projections.copy()
    if min_cell == 0 or proj.empty:
        return dataclasses.replace(result, projections=proj.assign(is_suppressed=False))
    hidden_cat, hidden_met = _hidden_statuses(result, indicators, references, memberships,
                                              min_cell)
    area_year = ["area_id", "list_year"]
    probabilities = _mask_rows(result.probabilities, area_year, hidden_cat, ["probability"])
    summary = _mask_rows(result.summary, area_year, hidden_cat,
                         ["probability_listed", "most_likely", "probability_most_likely"])
    differences = _mask_rows(result.differences, area_year, hidden_cat,
                             ["probability", "baseline_probability", "difference"])
    criteria = _mask_rows(result.criteria, [*area_year, "classification", "criterion"],
                          hidden_met, ["probability_met", "probability_unknown"])
    result = dataclasses.replace(result, probabilities=probabilities, summary=summary,
                                 differences=differences, criteria=criteria)
    cells = _suppressed_cells(indicators, min_cell)
    hits = cells[cells["hit"]]
    hit_keys = set(zip(hits["area_id"], hits["year"].astype(int), hits["indicator"],
                       strict=True))
    keys = zip(proj["area_id"].astype(str), proj["year"].astype(int),
               proj["indicator"].astype(str), strict=True)
    observed_hit = np.array([k in hit_keys for k in keys], dtype=bool)
    observed_hit &= ~proj["is_projected"].to_numpy() & proj["observed"].notna().to_numpy()
    last = _last_suppressed(cells)
    pairs = zip(proj["area_id"].astype(str), proj["indicator"].astype(str), strict=True)
    projected_hit = np.array([p in last for p in pairs], dtype=bool)
    projected_hit &= proj["is_projected"].to_numpy()
    proj.loc[observed_hit, "observed"] = np.nan
    proj.loc[projected_hit, list(BAND_COLUMNS)] = np.nan
    proj["is_suppressed"] = observed_hit | projected_hit
    return dataclasses.replace(result, projections=proj)


def suppress_requirements(table: pd.DataFrame, indicators: pd.DataFrame,
                          min_cell: int = DEFAULT_MIN_CELL) -> pd.DataFrame:
    """The reverse question's table fit to publish: the change of an area's indicator whose
    last observed value is suppressed is suppressed too."""
    out = table.copy()
    if min_cell == 0 or out.empty:
        return out.assign(is_suppressed=False)
    last = _last_suppressed(_suppressed_cells(indicators, min_cell))
    hit = np.array([(a, i) in last for a, i in zip(out["area_id"].astype(str),
                                                     out["indicator"].astype(str),
                                                     strict=True)], dtype=bool)
    out.loc[hit, ["change", "change_per_base"]] = np.nan
    out["is_suppressed"] = hit
    return out
