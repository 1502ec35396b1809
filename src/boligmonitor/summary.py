"""The terminal summary of an assessment, in one language, with singular and plural right.

What it says: how many area-years under which rules and readings; per list year how many areas
are on a list and in which category; every disagreement between a computed category and a
published list, as a finding; then per area its categories year by year (published beside
computed) and its latest explanation.
"""

from __future__ import annotations

import pandas as pd

from boligmonitor import formatting
from boligmonitor.criteria import Assessment
from boligmonitor.labels import has_label, label, label_n
from boligmonitor.options import Options, reading_value

NOT_ON_A_LIST = ("none", "undetermined")


def category_name(cat: object, lang: str) -> str:
    """The category's label; a value outside the catalogue (e.g. a suppressed mark) as is."""
    key = f"category.{cat}"
    return label(key, lang) if has_label(key) else str(cat)


def readings_line(options: Options, lang: str) -> str:
    """The readings of the law in force, in words: "standard" or the ones that differ."""
    changed = options.differs_from_default()
    if not changed:
        return label("summary.readings_default", lang)
    parts = [f"{label(f'option.{k}', lang)}: {reading_value(k, v, lang)}"
             for k, v in changed.items()]
    return label("summary.readings_changed", lang).format(readings="; ".join(parts))


def _year_line(year: int, rows: pd.DataFrame, lang: str) -> str:
    cats = rows["category"].astype(str)
    listed = cats[~cats.isin(NOT_ON_A_LIST)]
    n = len(listed)
    head = label_n("summary.on_a_list", n, lang).format(n=n)
    parts = [f"{category_name(c, lang)} {k}" for c, k in listed.value_counts().sort_index().items()]
    text = f"{year}: {head}" + (f" ({', '.join(parts)})" if parts else "")
    undetermined = int((cats == "undetermined").sum())
    if undetermined:
        text += "; " + label_n("summary.undetermined", undetermined, lang).format(n=undetermined)
    if "published_category" in rows:
        known = rows["agrees_with_published"].notna()
        if known.any():
            differ = int((rows.loc[known, "agrees_with_published"] == False).sum())  # noqa: E712
            text += "; " + label("summary.published_checked", lang).format(
                n=int(known.sum()), differ=differ)
    return text


def disagreements(areas: pd.DataFrame) -> pd.DataFrame:
    """The area-years whose computed category differs from the published one."""
    if "agrees_with_published" not in areas:
        return areas.iloc[0:0]
    return areas[areas["agrees_with_published"].eq(False).fillna(False)]


def _is_false(value: object) -> bool:
    return value is not pd.NA and not pd.isna(value) and not bool(value)


def summary_lines(result: Assessment, *, is_example: bool = False, lang: str = "da") -> list[str]:
    """Return the terminal summary of ``result`` in ``lang``, one line per item."""
    lines = []
    if is_example:
        lines.append(label("text.example_data_note", lang))
    areas = result.areas
    years = sorted(int(y) for y in areas["list_year"].unique())
    n_areas = int(areas["area_id"].nunique())
    lines.append(label("summary.head", lang).format(
        area_years=label_n("summary.area_years", len(areas), lang).format(n=len(areas)),
        areas=label_n("summary.areas", n_areas, lang).format(n=n_areas),
        years=formatting.years_text(years), rules=", ".join(result.rules)))
    lines.append(readings_line(result.options, lang))
    for year in years:
        lines.append(_year_line(year, areas[areas["list_year"] == year], lang))
    differ = disagreements(areas).sort_values(["list_year", "area_name"])
    if len(differ):
        lines.append("")
        lines.append(label_n("summary.findings", len(differ), lang).format(n=len(differ)))
        for r in differ.itertuples():
            lines.append("  " + label("summary.finding", lang).format(
                area=r.area_name, year=int(r.list_year),
                computed=category_name(r.category, lang),
                published=category_name(r.published_category, lang)))
    # Per area: the category of each list year (and the published one where it differs),
    # then the latest year's explanation.
    lines.append("")
    text_col = f"explanation_{lang}"
    for _, rows in areas.sort_values(["area_name", "list_year"]).groupby(
        "area_id", sort=False, observed=True
    ):
        latest = rows.iloc[-1]
        listable = latest["is_listable"]
        flag = (f" ({label('text.cannot_be_listed', lang)})"
                if pd.notna(listable) and not listable else "")
        lines.append(f"{latest['area_name']}{flag}")
        history = []
        for r in rows.itertuples():
            text = f"{int(r.list_year)}: {category_name(r.category, lang)}"
            if _is_false(getattr(r, "agrees_with_published", pd.NA)):
                text += " " + label("summary.published_other", lang).format(
                    published=category_name(r.published_category, lang))
            history.append(text)
        lines.append("  " + ", ".join(history))
        if text_col in rows.columns:
            lines.append(f"  {latest[text_col]}")
    return lines
