"""What changed since last year's list: per area, the category before and after and each
criterion that crossed its line (without the numbers where either year is suppressed)."""

from __future__ import annotations

import pandas as pd

from boligmonitor.disclosure import SUPPRESSED_CATEGORY
from boligmonitor.labels import label
from boligmonitor.report.content import Change
from boligmonitor.report.formatting import (
    category_name,
    classification_name,
    share_decimals,
    show_value,
    tri,
)


def what_changed(crit: pd.DataFrame, mask: pd.DataFrame, areas: pd.DataFrame, list_year: int,
                 prev_year: int | None, lang: str, tx: dict[str, str]):
    """Return ``(changes, unchanged)``: a :class:`Change` per area whose category or criteria
    changed since ``prev_year``, and the names of the areas where nothing did."""
    if prev_year is None:
        return (), ()
    a_now = areas[areas["list_year"] == list_year].set_index("area_id")
    a_prev = areas[areas["list_year"] == prev_year].set_index("area_id")
    key = ["area_id", "classification", "criterion"]
    c = crit.assign(is_sup=mask["value"].to_numpy())
    c_now = c[c["list_year"] == list_year]
    c_prev = c[c["list_year"] == prev_year]
    merged = c_now.astype({"area_id": str, "classification": str, "criterion": str}).merge(
        c_prev.astype({"area_id": str, "classification": str, "criterion": str}),
        on=key, suffixes=("", "_prev"))
    changes, unchanged = [], []
    for aid in sorted(a_now.index.astype(str), key=lambda a: str(a_now.loc[a, "area_name"])):
        name = str(a_now.loc[aid, "area_name"])
        after = str(a_now.loc[aid, "category"])
        before = str(a_prev.loc[aid, "category"]) if aid in a_prev.index else ""
        reasons = []
        rows = merged[merged["area_id"] == aid]
        for r in rows.itertuples(index=False):
            m0, m1 = tri(r.is_met_prev), tri(r.is_met)
            if m0 is None or m1 is None or m0 == m1:
                continue
            crit_txt = label(f"criterion.{r.criterion}", lang)
            cls = classification_name(str(r.classification), lang)
            verb = tx["crossed_met"] if m1 else tx["crossed_not_met"]
            unit = str(r.unit)
            dec = share_decimals(float(r.threshold))
            if r.is_sup or r.is_sup_prev:
                detail = ""
            else:
                detail = tx["crossed_detail"].format(
                    before=show_value(r.value_prev, str(r.unit_prev), lang, decimals=dec).text,
                    after=show_value(r.value, unit, lang, decimals=dec).text,
                    operator=label(f"operator.{r.operator}", lang),
                    threshold=show_value(r.threshold, unit, lang, decimals=dec).text,
                )
            reasons.append(tx["crossed"].format(criterion=crit_txt, classification=cls,
                                               verb=verb, detail=detail).strip())
        is_cat = bool(before) and before != after
        if not before:
            reasons.insert(0, tx["new_in_data"])
        # A suppressed category is not known to be unchanged.
        if SUPPRESSED_CATEGORY in (before, after) and not reasons:
            reasons.append(label("text.suppressed", lang))
        if is_cat or reasons:
            changes.append(Change(aid, name, category_name(before, lang) if before else "",
                                  category_name(after, lang), is_cat, tuple(reasons)))
        else:
            unchanged.append(name)
    return tuple(changes), tuple(unchanged)
