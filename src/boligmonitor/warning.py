"""Early warning for the next list: how far each area's next data year may move before a
criterion is met, and the categories each area would get if its latest values simply repeat.

Pure functions on the same tables as :func:`boligmonitor.criteria.assess`. For list year N+1 a
criterion averaged over ``w`` data years already knows ``w - 1`` of them (the data years it
shares with list year N); only the last data year is open. Where a relative threshold needs a
reference value not yet known, the latest known reference value is assumed to repeat (and the
output says so in ``reference_assumed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from boligmonitor.criteria import (
    Assessment,
    IndicatorSource,
    assess,
    data_years,
    identity_table,
    resolve_rules,
)
from boligmonitor.options import Options
from boligmonitor.rules import RuleSet, rules_for_year


@dataclass(frozen=True)
class EarlyWarning:
    """The result of :func:`early_warning` for list year ``list_year`` (N+1).

    ``boundaries``: one row per area, classification and criterion: the value the next data year
    (``next_year``) must pass (``operator`` ``boundary``) for the criterion to be met, the latest
    known value, and ``headroom`` (signed: positive is room left before the criterion is met).
    ``projection``: the areas table of :func:`assess` for N+1 with the latest values repeated.
    """

    list_year: int
    boundaries: pd.DataFrame
    projection: Assessment


def repeat_latest(indicators: pd.DataFrame, until: int) -> tuple[pd.DataFrame, list[int]]:
    """Extend every area to data year ``until`` by repeating its latest known value per column."""
    last_year = int(indicators["year"].max())
    if until <= last_year:
        return indicators, []
    ordered = indicators.sort_values(["area_id", "year"], kind="stable")
    latest = ordered.groupby("area_id", sort=False).last().reset_index()
    added = list(range(last_year + 1, until + 1))
    extra = pd.concat([latest.assign(year=y) for y in added], ignore_index=True)
    extra["year"] = extra["year"].astype(np.int64)
    return pd.concat([indicators, extra[indicators.columns]], ignore_index=True), added


def _repeat_references(references: pd.DataFrame | None, until: int) -> pd.DataFrame | None:
    if references is None or references.empty:
        return references
    ordered = references.sort_values("year", kind="stable")
    latest = ordered.groupby(["scope", "indicator"], sort=False).last().reset_index()
    rows = [references]
    for _, row in latest.iterrows():  # a handful of (scope, indicator) pairs, not areas
        have = set(
            references.loc[
                (references["scope"] == row["scope"])
                & (references["indicator"] == row["indicator"]),
                "year",
            ]
        )
        for y in range(int(row["year"]) + 1, until + 1):
            if y not in have:
                rows.append(
                    pd.DataFrame(
                        [
                            {
                                **row.to_dict(),
                                "year": y,
                                "source": f"assumed: {int(row['year'])} repeated",
                            }
                        ]
                    )
                )
    out = pd.concat(rows, ignore_index=True)
    out["year"] = out["year"].astype(np.int64)
    return out


def early_warning(
    indicators: pd.DataFrame,
    references: pd.DataFrame | None = None,
    memberships: pd.DataFrame | None = None,
    *,
    list_year: int,
    rules: RuleSet | str | Path | None = None,
    options: Options | None = None,
    validate: bool = True,
) -> EarlyWarning:
    """Warn about list year ``list_year + 1`` from the data known at list year ``list_year``.

    Parameters are those of :func:`boligmonitor.criteria.assess`; ``list_year`` is N, the last
    list scored; the warning is for N+1.
    """
    options = options or Options()
    target = list_year + 1
    ruleset = resolve_rules(rules) or rules_for_year(target)
    last_needed = target - min(options.point_in_time_lag, options.annual_lag)
    extended, added = repeat_latest(indicators, last_needed)
    refs_ext = _repeat_references(references, last_needed)

    identity = identity_table([indicators])
    area_index = pd.Index(identity["area_id"].to_numpy())
    regions = identity["region"].astype(str).to_numpy()
    # Boundaries use the real data for the known years and the assumed references only.
    source = IndicatorSource(indicators, refs_ext, area_index, regions)
    parts = []
    for cl, crit in ruleset.criteria():
        years = data_years(crit.timing, crit.window, target, options)
        known, nxt = years[:-1], int(years[-1])
        w = crit.window
        known_sum = (
            source.panel.block(crit.indicator, known).sum(axis=1)
            if len(known)
            else np.zeros(len(area_index))
        )
        if len(known):
            known_sum[np.isnan(source.panel.block(crit.indicator, known)).any(axis=1)] = np.nan
        if crit.reference == "absolute":
            threshold = np.full(len(area_index), crit.threshold)
        else:
            ref_years = years if options.reference_averaging == "like_criterion" else years[-1:]
            threshold = crit.threshold * source.refs.averaged(
                crit.indicator, crit.reference, ref_years
            )
        boundary = w * threshold - known_sum
        latest = _latest(source, crit.indicator)
        sign = -1.0 if crit.operator == "mindre end" else 1.0
        parts.append(
            pd.DataFrame(
                {
                    "area_id": area_index.to_numpy(),
                    "area_name": identity["area_name"].to_numpy(),
                    "list_year": target,
                    "rules": ruleset.id,
                    "classification": cl.id,
                    "criterion": crit.id,
                    "indicator": crit.indicator,
                    "window": w,
                    "known_years": ",".join(map(str, known)),
                    "next_year": nxt,
                    "operator": crit.operator,
                    "operator_symbol": crit.symbol,
                    "boundary": boundary,
                    "latest_value": latest,
                    "headroom": sign * (boundary - latest),
                    "reference_assumed": crit.reference != "absolute"
                    and _assumed(refs_ext, crit.indicator, years),
                }
            )
        )
    boundaries = pd.concat(parts, ignore_index=True)
    projection = assess(
        extended, refs_ext, memberships, list_years=[target], rules=ruleset, options=options,
        validate=validate,
    )
    proj_areas = projection.areas.assign(
        is_projection=True, repeated_years=",".join(map(str, added))
    )
    projection = Assessment(
        proj_areas, projection.criteria, projection.history, projection.options, projection.rules
    )
    return EarlyWarning(target, boundaries, projection)


def _assumed(refs: pd.DataFrame | None, indicator: str, years: np.ndarray) -> bool:
    """Whether a reference value the criterion uses is an assumed repeat."""
    if refs is None or refs.empty:
        return False
    hit = refs[(refs["indicator"] == indicator) & refs["year"].isin(years)]
    return bool(hit["source"].astype(str).str.startswith("assumed").any())


def _latest(source: IndicatorSource, indicator: str) -> np.ndarray:
    """Each area's latest known value of ``indicator``."""
    arr = source.panel.arrays.get(indicator)
    if arr is None:
        return np.full(source.panel.n, np.nan)
    known = ~np.isnan(arr)
    last = arr.shape[1] - 1 - np.argmax(known[:, ::-1], axis=1)
    out = arr[np.arange(arr.shape[0]), last]
    out[~known.any(axis=1)] = np.nan
    return out
