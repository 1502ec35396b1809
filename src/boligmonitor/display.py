"""Jupyter support: the scoring results as readable HTML tables.

In Jupyter an :class:`~boligmonitor.criteria.Assessment` displays through this module (the
package registers :func:`assessment_html` with IPython on import, so the engine knows nothing of
it) as

* a grid of areas x list years, each cell coloured by the area's category (the colours of the
  charts, :mod:`boligmonitor.style`) with the criteria met, and the published list beside it:
  ✓ where it agrees, ≠ (outlined) where it differs, with every difference listed as a finding;
* the criteria of the latest list year: value, line, met (coloured), distance to the line and
  persons to the line.

The tables in the result stay plain DataFrames; this module only renders them. Text from the
data (area names) is escaped. Danish by default.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from boligmonitor import formatting, style
from boligmonitor.labels import has_label, label, label_n
from boligmonitor.summary import disagreements

_CSS = """
<style>
.bm-table {border-collapse: collapse; font-family: 'DejaVu Sans', sans-serif; font-size: 12px;
  margin: 4px 0 12px 0;}
.bm-table th, .bm-table td {border: 1px solid #ffffff; padding: 3px 6px; text-align: center;}
.bm-table th {background: #f3f3f3; font-weight: 600;}
.bm-table td.bm-name {text-align: left; background: #fafafa;}
.bm-table td.bm-num {text-align: right; font-variant-numeric: tabular-nums;}
.bm-met {background: #D55E00; color: #ffffff; font-weight: 600;}
.bm-notmet {background: #DCEBF7; color: #003a66;}
.bm-unknown {background: #E0E0E0; color: #333333; font-style: italic;}
.bm-example {color: #B00020; font-weight: 700; border: 1px solid #B00020; padding: 2px 6px;
  display: inline-block; margin: 4px 0;}
.bm-finding {color: #B00020; font-weight: 600; margin: 4px 0;}
.bm-legend span {display: inline-block; padding: 1px 6px; margin-right: 4px;
  border: 1px solid #bbbbbb; font-size: 11px;}
</style>
"""


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _cat_label(cat: str, lang: str) -> str:
    key = f"category.{cat}"
    return label(key, lang) if has_label(key) else cat


def _cat_style(cat: str) -> str:
    bg = style.CATEGORY_COLORS.get(cat, "#FFFFFF")
    fg = style.CATEGORY_TEXT.get(cat, "#000000")
    extra = ""
    if cat in style.CATEGORY_HATCH:
        extra = ("background-image: repeating-linear-gradient(45deg, #cccccc 0, #cccccc 1px, "
                 "transparent 1px, transparent 6px);")
    return f"background-color: {bg}; color: {fg}; {extra}"


def _is_example(result: Any, is_example: bool | None) -> bool:
    if is_example is not None:
        return bool(is_example)
    for t in (result, getattr(result, "areas", None)):
        attrs = getattr(t, "attrs", None)
        if isinstance(attrs, dict) and "is_example" in attrs:
            return bool(attrs["is_example"])
    return False


def overview_html(areas: pd.DataFrame, *, lang: str = "da", max_areas: int = 60) -> str:
    """Areas x list years, each cell coloured by category with ``criteria met / criteria``."""
    if areas.empty:
        return f"<p>{_e(label('text.missing', lang))}</p>"
    tab = areas.assign(area_id=areas["area_id"].astype(str),
                       category=areas["category"].astype(str))
    years = sorted(int(y) for y in tab["list_year"].unique())
    ids = list(dict.fromkeys(tab["area_id"]))
    shown = ids[:max_areas]
    cells = tab[tab["area_id"].isin(shown)].set_index(["area_id", "list_year"])
    names = dict(zip(tab["area_id"], tab["area_name"].astype(str), strict=False))
    head = "".join(f"<th>{y}</th>" for y in years)
    out = [f"<table class='bm-table'><thead><tr><th>{_e(label('column.area_name', lang))}</th>"
           f"{head}</tr></thead><tbody>"]
    for a in shown:
        row = [f"<td class='bm-name'>{_e(names.get(a, a))}</td>"]
        for y in years:
            if (a, y) not in cells.index:
                row.append("<td></td>")
                continue
            r = cells.loc[(a, y)]
            if isinstance(r, pd.DataFrame):
                r = r.iloc[0]
            cat = str(r["category"])
            met = ""
            if pd.notna(r.get("n_criteria_met")) and pd.notna(r.get("n_criteria")):
                met = f"{int(r['n_criteria_met'])}/{int(r['n_criteria'])}"
            listable = r.get("is_listable")
            if listable is not None and pd.notna(listable) and not bool(listable):
                met += "*"
            title = _cat_label(cat, lang)
            cell_style = _cat_style(cat)
            agrees = r.get("agrees_with_published")
            if agrees is not None and pd.notna(agrees):
                published = _cat_label(str(r["published_category"]), lang)
                key = "display.published_agrees" if bool(agrees) else "display.published_differs"
                title += " · " + label(key, lang).format(published=published)
                met += " ✓" if bool(agrees) else " ≠"
                if not bool(agrees):
                    cell_style += " outline: 3px solid #B00020; outline-offset: -3px;"
            row.append(f"<td style='{cell_style}' title='{_e(title)}'>{_e(met)}</td>")
        out.append("<tr>" + "".join(row) + "</tr>")
    out.append("</tbody></table>")
    cats = [c for c in style.CATEGORY_ORDER if c in set(tab["category"])]
    legend = "".join(f"<span style='{_cat_style(c)}'>{_e(_cat_label(c, lang))}</span>"
                     for c in cats)
    out.append(f"<div class='bm-legend'>{legend}</div>")
    if "agrees_with_published" in tab and tab["agrees_with_published"].notna().any():
        out.append(f"<p class='bm-note'>{_e(label('display.published_legend', lang))}</p>")
        differ = disagreements(tab).sort_values(["list_year", "area_name"])
        if len(differ):
            finding = label("summary.finding", lang)
            items = "".join(
                "<li>" + _e(finding.format(
                    area=r.area_name, year=int(r.list_year),
                    computed=_cat_label(str(r.category), lang),
                    published=_cat_label(str(r.published_category), lang))) + "</li>"
                for r in differ.itertuples())
            head = label_n("summary.findings", len(differ), lang).format(n=len(differ))
            out.append(f"<p class='bm-finding'>{_e(head)}</p><ul>{items}</ul>")
    if len(ids) > max_areas:
        out.append(f"<p>{_e(label('display.more_rows', lang).format(n=len(ids) - max_areas))}"
                   "</p>")
    return "".join(out)


def criteria_html(
    criteria: pd.DataFrame, list_year: int | None = None, *, lang: str = "da",
    max_rows: int = 200,
) -> str:
    """The criteria of one list year (default: the latest) with met criteria coloured."""
    if criteria.empty:
        return f"<p>{_e(label('text.missing', lang))}</p>"
    year = int(criteria["list_year"].max()) if list_year is None else int(list_year)
    rows = criteria[criteria["list_year"] == year]
    heads = [label("column.area_name", lang), label("display.classification", lang),
             label("display.criterion", lang), label("column.value", lang),
             label("display.threshold", lang), label("display.is_met", lang),
             label("display.margin", lang), label("display.persons", lang),
             label("display.data_years", lang)]
    out = [f"<p><b>{_e(label('display.criteria', lang).format(year=year))}</b></p>",
           "<table class='bm-table'><thead><tr>"
           + "".join(f"<th>{_e(h)}</th>" for h in heads) + "</tr></thead><tbody>"]
    for r in rows.head(max_rows).itertuples(index=False):
        unit = str(r.unit)
        met = r.is_met
        if met is None or pd.isna(met):
            cls, status = "bm-unknown", label("status.unknown", lang)
        elif bool(met):
            cls, status = "bm-met", label("status.met", lang)
        else:
            cls, status = "bm-notmet", label("status.not_met", lang)
        cl = f"classification.{r.classification}"
        cr = f"criterion.{r.criterion}"
        persons = r.persons_to_threshold
        persons_text = "–" if pd.isna(persons) else style.fmt_number(persons, 0, lang)
        out.append(
            "<tr>"
            f"<td class='bm-name'>{_e(r.area_name)}</td>"
            f"<td>{_e(label(cl, lang) if has_label(cl) else r.classification)}</td>"
            f"<td class='bm-name'>{_e(label(cr, lang) if has_label(cr) else r.criterion)}</td>"
            f"<td class='bm-num'>{_e(style.fmt_value(r.value, unit, lang))}</td>"
            f"<td class='bm-num'>{_e(r.operator_symbol)} "
            f"{_e(style.fmt_value(r.threshold, unit, lang))}</td>"
            f"<td class='{cls}'>{_e(status)}</td>"
            f"<td class='bm-num'>{_e(style.fmt_margin(r.margin, unit, lang))}</td>"
            f"<td class='bm-num'>{_e(persons_text)}</td>"
            f"<td>{_e(r.data_years)}</td>"
            "</tr>"
        )
    out.append("</tbody></table>")
    if len(rows) > max_rows:
        out.append(f"<p>{_e(label('display.more_rows', lang).format(n=len(rows) - max_rows))}"
                   "</p>")
    return "".join(out)


def assessment_html(
    result: Any, *, lang: str = "da", list_year: int | None = None,
    is_example: bool | None = None,
) -> str:
    """The HTML a Jupyter notebook shows for an Assessment (see the module docstring)."""
    parts = [_CSS, "<div class='bm-result'>",
             f"<p><b>{_e(label('display.title', lang))}</b> "
             f"({_e(label('display.rules', lang))}: {_e(', '.join(result.rules))})</p>"]
    if _is_example(result, is_example):
        parts.append(f"<div class='bm-example'>{_e(label('text.example_data_note', lang))}</div>")
    parts.append(f"<p>{_e(label('display.overview', lang))}</p>")
    parts.append(overview_html(result.areas, lang=lang))
    parts.append(criteria_html(result.criteria, list_year, lang=lang))
    parts.append("</div>")
    return "".join(parts)


def year_changes(result: Any, *, lang: str = "da") -> pd.DataFrame:
    """What changed from one list year to the next, per area: the category before and now,
    criteria met before and now, and the criteria that crossed their line (and which way).

    One row per area and list year that has a previous list year in ``result``; pure table in,
    table out (a readable table, with Danish headers by default).
    """
    areas = result.areas.assign(area_id=result.areas["area_id"].astype(str),
                                category=result.areas["category"].astype(str))
    areas = areas.sort_values(["area_id", "list_year"], kind="stable")
    prev = areas.groupby("area_id", sort=False).shift(1)
    crit = result.criteria
    crit = crit.assign(
        area_id=crit["area_id"].astype(str), criterion=crit["criterion"].astype(str),
        classification=crit["classification"].astype(str))
    met = crit.set_index(["area_id", "list_year", "classification", "criterion"])["is_met"]
    crossed: list[str] = []
    for a, y in zip(areas["area_id"], areas["list_year"], strict=True):
        parts = []
        now = met.xs((a, y), level=(0, 1)) if (a, y) in met.index.droplevel([2, 3]) else None
        before = (met.xs((a, y - 1), level=(0, 1))
                  if (a, y - 1) in met.index.droplevel([2, 3]) else None)
        if now is not None and before is not None:
            for key, is_met in now.items():
                was = before.get(key)
                if was is None or pd.isna(was) or pd.isna(is_met) or bool(was) == bool(is_met):
                    continue
                arrow = "+" if bool(is_met) else "−"
                parts.append(f"{arrow} {label(f'criterion.{key[1]}', lang)} "
                             f"({label(f'classification.{key[0]}', lang)})")
        crossed.append("; ".join(parts))
    out = pd.DataFrame({
        label("column.area_name", lang): areas["area_name"].astype(str).to_numpy(),
        label("column.list_year", lang): areas["list_year"].to_numpy(),
        label("display.category_before", lang): [
            "" if pd.isna(c) else _cat_label(str(c), lang) for c in prev["category"]],
        label("column.category", lang): [_cat_label(c, lang) for c in areas["category"]],
        label("display.met_before", lang): prev["n_criteria_met"].astype("Int64").to_numpy(),
        label("display.met_now", lang): areas["n_criteria_met"].to_numpy(),
        label("display.crossed", lang): crossed,
    })
    has_prev = prev["list_year"].notna().to_numpy()
    return out[has_prev].reset_index(drop=True)


def _target_value(x: Any, indicator: str, lang: str) -> str:
    if indicator == "mean_gross_income_15_64":
        return formatting.kroner(x, lang)
    return formatting.percent(x, 1, lang)


def target_progress_table(progress: pd.DataFrame, *, lang: str = "da") -> pd.DataFrame:
    """The plan's targets and the progress towards them (:func:`boligmonitor.targets.
    target_progress`) as a table to read: labelled columns, numbers formatted, one row per
    target. Kept apart from the list criteria on purpose."""
    rows = []
    for r in progress.itertuples(index=False):
        ind = str(r.indicator)

        def at(v, y, ind=ind):
            if pd.isna(y):
                return formatting.MISSING
            return label("target.at_year", lang).format(value=_target_value(v, ind, lang),
                                                        year=int(y))

        gap = (formatting.kroner(r.gap, lang, sign=True) if ind == "mean_gross_income_15_64"
               else formatting.points(r.gap, 1, lang))
        rows.append({
            label("target.col_area", lang): r.area_name,
            label("target.col_indicator", lang): label(f"column.{ind}", lang),
            label("target.col_target", lang): label(f"target.{r.direction}", lang).format(
                value=_target_value(r.target_value, ind, lang), year=int(r.target_year)),
            label("target.col_baseline", lang): at(r.baseline_value, r.baseline_year),
            label("target.col_latest", lang): at(r.latest_value, r.latest_year),
            label("target.col_gap", lang): "" if r.status == "reached" else gap,
            label("target.col_status", lang): label(f"target_status.{r.status}", lang),
        })
    cols = [label(f"target.col_{c}", lang) for c in ("area", "indicator", "target", "baseline",
                                                    "latest", "gap", "status")]
    return pd.DataFrame(rows, columns=cols)
