"""Reference values stated per LIST year, and which reference each relative criterion used.

A relative criterion holds an area's value against a reference: the national conviction share
(2018 on) or the region's mean income (2013 on). The engine takes that reference, for each list
year and criterion, from the first of these that gives it:

1. the user's data: for published criterion values (layout b) what the list itself states
   (``convicted_national_share``, ``convicted_threshold_share``); then the user's reference
   table (layout c), averaged over the criterion's data years;
2. a reference *stated for that list year* (:class:`StatedReferences`; by default the bundled
   table of published values, :func:`boligmonitor.io.published_references.published_references`).
   Such a value is the list's own reference, already averaged over its data years, so it is
   used as it is and never averaged again;
3. nothing: the criterion is unknown, and :func:`missing_references` names what is missing.

Which one was used is the criteria table's ``reference_source`` (one of :data:`ORIGINS`, or
several joined by ``+`` where areas of one list year differ, e.g. by region).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from boligmonitor.formatting import percent, years_text
from boligmonitor.io.published_references import disputed_lines
from boligmonitor.labels import label

# Where a relative criterion's reference came from (the criteria table's reference_source).
FROM_LIST = "list"  # stated in the published criterion values (layout b)
FROM_REFERENCES = "references"  # the user's reference values (layout c)
FROM_PUBLISHED = "published"  # a stated list-year value (the bundled published table)
MISSING = "missing"
ORIGINS = (FROM_LIST, FROM_REFERENCES, FROM_PUBLISHED, MISSING)

STATED_COLUMNS = ("list_year", "scope", "indicator", "value", "source")


class StatedReferences:
    """Reference values stated for list years: ``(indicator, scope, list_year) -> value``.

    ``table`` has the columns ``list_year``, ``scope`` (``national`` or a region),
    ``indicator`` and ``value``, one row per key (the national average behind a list's relative
    line, or a region's mean income as a list states it); ``None`` or an empty table states
    nothing.
    """

    def __init__(self, table: pd.DataFrame | None = None) -> None:
        self.values: dict[tuple[str, str, int], float] = {}
        if table is None or table.empty:
            return
        missing = [c for c in ("list_year", "scope", "indicator", "value") if c not in table]
        if missing:
            raise ValueError(f"stated references need the columns {missing}")
        for r in table.itertuples(index=False):
            key = (str(r.indicator), str(r.scope), int(r.list_year))
            if key in self.values:
                raise ValueError(f"stated references: more than one value for {key}")
            self.values[key] = float(r.value)

    def __bool__(self) -> bool:
        return bool(self.values)

    def for_areas(self, indicator: str, reference: str, list_year: int,
                  regions: np.ndarray | None, n: int) -> np.ndarray:
        """The stated reference of every area in ``list_year`` (NaN where none is stated)."""
        if reference == "national":
            return np.full(n, self.values.get((indicator, "national", list_year), np.nan))
        out = np.full(n, np.nan)
        if regions is None:
            return out
        for region in pd.unique(regions):
            out[regions == region] = self.values.get((indicator, str(region), list_year), np.nan)
        return out


def fill_from_stated(reference: np.ndarray, first: str, stated: StatedReferences | None,
                     indicator: str, kind: str, list_year: int,
                     regions: np.ndarray | None) -> tuple[np.ndarray, str]:
    """Fill the areas whose reference is NaN from the values stated for ``list_year``.

    ``reference`` is what the user's data gave (origin ``first``). Returns the references and
    their origins as one text: those present, in the order of :data:`ORIGINS`, joined by ``+``.
    """
    n = len(reference)
    missing = np.isnan(reference)
    from_data = ~missing
    from_stated = np.zeros(n, bool)
    if stated and missing.any():
        fill = stated.for_areas(indicator, kind, list_year, regions, n)
        from_stated = missing & ~np.isnan(fill)
        reference = np.where(from_stated, fill, reference)
        missing = missing & ~from_stated
    present = {first: from_data.any(), FROM_PUBLISHED: from_stated.any(), MISSING: missing.any()}
    return reference, "+".join(o for o in ORIGINS if present.get(o, False))


def missing_references(criteria: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """The references that were missing: one row per list year, indicator and scope.

    ``criteria`` and ``areas`` are an assessment's tables. A reference is missing where a
    relative criterion of an area has no reference value from any source (its
    ``reference_source`` names ``missing``). Columns: ``list_year``, ``indicator``, ``scope``
    (``national`` or the region), ``criteria`` (the criterion ids, comma-separated),
    ``data_years`` (the data years the reference would be averaged over) and ``n_areas``.
    """
    cols = ["list_year", "indicator", "scope", "criteria", "data_years", "n_areas"]
    if "reference_source" not in criteria.columns or criteria.empty:
        return pd.DataFrame(columns=cols)
    rel = criteria[criteria["reference"].astype(str) != "absolute"]
    origin = rel["reference_source"].astype(str)
    # A whole list year without a reference says "missing"; where only some areas (regions)
    # lack one, those areas have no reference value.
    rel = rel[(origin == MISSING)
              | (origin.str.contains(MISSING, regex=False) & rel["reference_value"].isna())]
    if rel.empty:
        return pd.DataFrame(columns=cols)
    keys = zip(areas["area_id"].astype(str), areas["list_year"].astype(int), strict=True)
    region_of = dict(zip(keys, areas["region"].astype(str), strict=True))
    regions = [region_of.get((a, int(y)), "") for a, y in
               zip(rel["area_id"].astype(str), rel["list_year"], strict=True)]
    scope = np.where(rel["reference"].astype(str) == "national", "national", regions)
    frame = pd.DataFrame({
        "list_year": rel["list_year"].to_numpy(),
        "indicator": rel["indicator"].astype(str).to_numpy(),
        "scope": scope,
        "criterion": rel["criterion"].astype(str).to_numpy(),
        "data_years": rel["data_years"].astype(str).to_numpy(),
        "area_id": rel["area_id"].astype(str).to_numpy(),
    })
    out = frame.groupby(["list_year", "indicator", "scope"], sort=True).agg(
        criteria=("criterion", lambda s: ", ".join(dict.fromkeys(s))),
        data_years=("data_years", lambda s: ", ".join(dict.fromkeys(s))),
        n_areas=("area_id", "nunique"),
    ).reset_index()
    return out[cols]


def _years(texts) -> list[int]:
    years: set[int] = set()
    for text in texts:
        for part in str(text).replace(" ", "").split(","):
            first, _, last = part.partition("-")
            if first.isdigit():
                years.update(range(int(first), int(last or first) + 1))
    return sorted(years)


def missing_reference_messages(missing: pd.DataFrame, lang: str = "da") -> list[str]:
    """One sentence per missing reference (indicator and scope), naming the list years, the
    data years it is needed for, the criteria it leaves unknown and what the user can give."""
    out = []
    for (indicator, scope), grp in missing.groupby(["indicator", "scope"], sort=True):
        criteria = ", ".join(dict.fromkeys(
            label(f"criterion.{c.strip()}", lang) for cs in grp["criteria"]
            for c in str(cs).split(",")))
        out.append(label("missing_reference.message", lang).format(
            what=label(f"missing_reference.{indicator}", lang).format(scope=scope),
            list_years=years_text(grp["list_year"].astype(int)),
            data_years=years_text(_years(grp["data_years"])),
            criteria=criteria, scope=scope, indicator=indicator)
            + disputed_note(grp["list_year"].astype(int), str(indicator), lang))
    return out


def disputed_note(list_years, indicator: str, lang: str = "da") -> str:
    """What the sources say where they disagree on a list year's line of ``indicator`` (an
    empty string where they do not): "; the public sources disagree on the line of list year
    2019 (1,98 pct. and 2,03 pct.), so none is used"."""
    parts = []
    for year in sorted(set(int(y) for y in list_years)):
        values = disputed_lines(year, indicator)
        if values:
            parts.append(label("missing_reference.disputed", lang).format(
                list_year=year, values=", ".join(percent(v, 2, lang) for v in values)))
    return "".join(parts)
