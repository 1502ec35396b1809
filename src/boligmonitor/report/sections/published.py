"""Published beside computed: for every area and list year of the report that a published list
covers, the published category beside the computed one, and every disagreement as a finding.

A published list is a fact and a computation an estimate of it (docs/law.md, "What a list
holds"): neither is ever written over the other, so the section shows both, side by side, as the
Jupyter display and the terminal summary do (labels ``display.published_*``, ``summary.finding``).
Where an area is too small to be listed, it says what the area would be at the required size
(``category_if_listable``), as the explanation does. The areas table comes disclosed: a
suppressed computed category (and its agreement) reads as suppressed.
"""

from __future__ import annotations

import pandas as pd

from boligmonitor import formatting
from boligmonitor.disclosure import SUPPRESSED_CATEGORY
from boligmonitor.labels import label, label_n
from boligmonitor.report.content import SUPPRESSED, VALUE, Published, Shown, Table
from boligmonitor.report.formatting import category_name, is_missing, tri
from boligmonitor.rules import RuleSet, governing_rules


def _computed(row, lang: str, rules: RuleSet | None) -> str:
    """The computed category, and for an area too small to be listed what it would be."""
    cat = str(row.category)
    text = category_name(cat, lang)
    would = str(getattr(row, "category_if_listable", "") or "")
    if (tri(row.is_listable) is False and would not in ("", "none", "nan", SUPPRESSED_CATEGORY)
            and cat != SUPPRESSED_CATEGORY):
        minimum = rules.min_residents if rules is not None else 1000
        text += " (" + label("report.if_listable", lang).format(
            min=formatting.number(minimum, 0, lang),
            category=category_name(would, lang).lower()) + ")"
    return text


def published_section(areas: pd.DataFrame, list_year: int, lang: str, tx: dict[str, str],
                      rules: RuleSet | None = None) -> Published:
    """The section for the (disclosed) ``areas`` table of every list year up to ``list_year``."""
    if "published_category" not in areas.columns:
        covered = areas.iloc[0:0]
    else:
        covered = areas[areas["published_category"].notna()
                        & (areas["list_year"] <= list_year)]
    covered = covered.assign(_name=covered["area_name"].astype(str)).sort_values(
        ["list_year", "_name"], ascending=[False, True], kind="stable")
    rows: list[tuple[Shown, ...]] = []
    findings: list[str] = []
    n_differ = 0
    for r in covered.itertuples(index=False):
        year = int(r.list_year)
        rs = rules or governing_rules(year)
        computed = _computed(r, lang, rs)
        published = category_name(str(r.published_category), lang)
        suppressed = str(r.category) == SUPPRESSED_CATEGORY
        agrees = None if is_missing(r.agrees_with_published) else bool(r.agrees_with_published)
        if agrees is True:
            check = Shown(label("report.published_agrees", lang), None, VALUE, "text")
        elif agrees is False:
            n_differ += 1
            check = Shown(label("report.published_differs", lang), None, VALUE, "finding")
            findings.append(label("summary.finding", lang).format(
                area=r.area_name, year=year, computed=computed, published=published))
        elif suppressed:
            check = Shown(label("text.suppressed", lang), None, SUPPRESSED, "text")
        else:
            check = Shown(label("explanation.not_comparable", lang), None, VALUE, "text")
        rows.append((
            Shown(str(year), year, VALUE, "year"),
            Shown.of_text(r.area_name),
            Shown(label("text.suppressed", lang), None, SUPPRESSED, "text") if suppressed
            else Shown.of_text(computed),
            Shown.of_text(published),
            check,
        ))
    n = len(rows)
    if n:
        intro = (label_n("report.published_intro", n, lang).format(n=n) + " "
                 + label_n("report.published_differ", n_differ, lang).format(n=n_differ))
    else:
        intro = label("report.no_published", lang)
    table = Table(tx["sec_published"],
                  (label("column.list_year", lang), label("column.area_name", lang),
                   label("report.col_computed", lang), label("report.col_published", lang),
                   label("report.col_agreement", lang)),
                  tuple(rows), key="published")
    heading = label_n("summary.findings", n_differ, lang).format(n=n_differ) if n_differ else ""
    return Published(intro, table, heading, tuple(findings), n, n_differ)
