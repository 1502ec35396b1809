"""The outlook in words and as a table to pass on: the command line's lines, the tidy table of
probabilities, and probabilities as a reader reads them (never "0 %" for a small chance)."""

from __future__ import annotations

import pandas as pd

from boligmonitor.formatting import percent, points
from boligmonitor.labels import has_label, label
from boligmonitor.outlook.run import BASELINE, Outlook

TIDY_COLUMNS = ["area_id", "area_name", "list_year", "category", "probability", "scenario",
                "is_calibrated", "calibration", "draws", "seed", "is_example"]


def probability_text(p: float, lang: str = "da", *, short: bool = False) -> str:
    """A probability for a reader: whole percent, but a chance that is there and rounds to 0 or
    100 says so ("under 1 pct.", "over 99 pct."; ``short``: "<1 pct.", ">99 pct."); a
    suppressed one (NaN) says suppressed."""
    if p is None or p != p:
        return label("text.suppressed", lang)
    suffix = "_short" if short else ""
    shown = percent(p, 0, lang)
    # Decided by the formatter's own rounding (half to even: 0.5 % reads "0", 99.5 % "100").
    if p > 0 and shown == percent(0.0, 0, lang):
        return label(f"outlook.below_1{suffix}", lang)
    if p < 1 and shown == percent(1.0, 0, lang):
        return label(f"outlook.above_99{suffix}", lang)
    return shown


def category_text(cat: str | None, lang: str = "da") -> str:
    if cat is None or cat != cat:  # suppressed
        return label("text.suppressed", lang)
    key = f"category.{cat}"
    return label(key, lang) if has_label(key) else str(cat)


def scenario_name(result: Outlook, scenario: str, lang: str = "da") -> str:
    if scenario == BASELINE:
        return label("outlook.baseline", lang)
    for s in result.scenarios:
        if s.id == scenario:
            return s.name
    return scenario


def summary_lines(result: Outlook, *, lang: str = "da", is_example: bool = False) -> list[str]:
    """What the command line prints: per area the probability of a list in each coming list
    year and the most likely category in the last; per scenario the difference; the verdict
    on calibration with its reasons."""
    years = list(result.list_years)
    mark = f" ({label('text.example_data', lang)})" if is_example else ""
    lines = [label("outlook.summary_head", lang).format(
        first=years[0], last=years[-1], mark=mark, draws=f"{result.draws:,}".replace(
            ",", "." if lang == "da" else ","), seed=result.seed)]
    s = result.summary
    base = s[s["scenario"] == BASELINE]
    for area, rows in base.groupby("area_name", sort=True, observed=True):
        rows = rows.set_index("list_year")
        values = ", ".join(f"{y} {probability_text(rows.at[y, 'probability_listed'], lang)}"
                           for y in years if y in rows.index)
        lines.append(label("outlook.summary_area", lang).format(area=area, values=values))
        last = rows.loc[years[-1]] if years[-1] in rows.index else None
        if last is not None:
            lines.append(label("outlook.summary_most_likely", lang).format(
                year=years[-1], category=category_text(last["most_likely"], lang),
                probability=probability_text(last["probability_most_likely"], lang)))
    for sc in result.scenarios:
        lines.append(label("outlook.summary_scenario", lang).format(name=sc.name))
        other = s[s["scenario"] == sc.id].set_index(["area_name", "list_year"])
        for area, rows in base.groupby("area_name", sort=True, observed=True):
            diffs = []
            for y in years:
                b = rows.loc[rows["list_year"] == y, "probability_listed"]
                if len(b) and (area, y) in other.index:
                    d = other.at[(area, y), "probability_listed"] - float(b.iloc[0])
                    diffs.append(f"{y} {points(d, 1, lang)}")
            lines.append(label("outlook.summary_area", lang).format(
                area=area, values=", ".join(diffs)))
    notes = result.notes(lang)
    lines.append(notes[0])
    lines.extend(f"  - {n}" for n in notes[1:])
    return lines


def tidy_probabilities(result: Outlook, *, is_example: bool = False) -> pd.DataFrame:
    """One row per area, list year, category and scenario, with the calibration verdict, the
    draws and the seed, and whether the data are the illustrative example: the table to pass
    on (``boligmonitor outlook --out``); ``is_suppressed`` where disclosure control hid a
    probability (:func:`~boligmonitor.outlook.publish.suppress_outlook`)."""
    p = result.probabilities
    out = p.assign(draws=result.draws, seed=result.seed, is_example=is_example)
    extra = ["is_suppressed"] if "is_suppressed" in out.columns else []
    return out[TIDY_COLUMNS + extra].reset_index(drop=True)
