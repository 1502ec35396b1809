"""One-line summaries of an assessment for the terminal, in one language."""

from __future__ import annotations

import pandas as pd

from boligmonitor.criteria import Assessment
from boligmonitor.labels import label


def summary_lines(result: Assessment, *, is_example: bool = False, lang: str = "da") -> list[str]:
    """Return a short text summary of ``result``: categories counted per list year."""


    lines = []
    if is_example:
        lines.append(label("text.example_data_note", lang))
    areas = result.areas
    lines.append(
        f"{len(areas)} {'område-år' if lang == 'da' else 'area-years'}; "
        f"rules {', '.join(result.rules)}; options {result.options.describe()}"
    )
    counts = areas.groupby(["list_year", "category"], observed=True).size()
    for year in sorted(areas["list_year"].unique()):
        parts = [f"{label(f'category.{c}', lang)}: {n}" for c, n in counts.loc[year].items()]
        lines.append(f"{year}: " + ", ".join(parts))
    # Per area: the category of each list year, then the latest year's explanation.
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
        history = ", ".join(
            f"{int(r.list_year)}: {label(f'category.{r.category}', lang)}"
            for r in rows.itertuples()
        )
        lines.append(f"  {history}")
        if text_col in rows.columns:
            lines.append(f"  {latest[text_col]}")
    return lines
