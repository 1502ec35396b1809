"""The method section: the rule sets in force with their citations, the readings (options) in
force, the data years behind each criterion, the reference values used, the input files, and the
disclosure rule."""

from __future__ import annotations

import pandas as pd

from boligmonitor.criteria import Assessment
from boligmonitor.criteria.stated import FROM_PUBLISHED, disputed_note, missing_references
from boligmonitor.datasets import Dataset
from boligmonitor.disclosure import parse_years
from boligmonitor.formatting import number
from boligmonitor.io.published_references import LINE, published_references
from boligmonitor.labels import label
from boligmonitor.options import Options, reading_note, reading_value
from boligmonitor.report.content import MISSING, VALUE, Method, RuleText, Shown, Table
from boligmonitor.report.formatting import (
    category_name,
    classification_name,
    show_count,
    show_value,
)
from boligmonitor.report.formatting import show_text as _t
from boligmonitor.rules import RuleSet


def method_section(data: Dataset, assessment: Assessment, rules_now: RuleSet,
                   rules_prev: RuleSet | None, crit_now: pd.DataFrame, list_year: int,
                   options: Options, min_cell: int, lang: str, tx: dict[str, str]) -> Method:
    """The method section of the report on ``data`` for ``list_year``."""
    rule_texts = []
    seen = set()
    for rs in (rules_now, rules_prev):
        if rs is None or rs.id in seen:
            continue
        seen.add(rs.id)
        rows: list[tuple[Shown, ...]] = [(_t(tx["col_area_rule"]), _t(rs.min_residents_citation))]
        for cl in rs.classifications:
            rows.append((_t(classification_name(cl.id, lang)), _t(cl.citation)))
            for cr in cl.criteria:
                rows.append((_t("  " + label(f"criterion.{cr.id}", lang)), _t(cr.citation)))
        for cat in sorted(rs.categories, key=lambda c: c.severity):
            rows.append((_t(category_name(cat.id, lang)), _t(cat.citation)))
            if cat.consecutive is not None:
                rows.append((_t("  " + tx["col_consecutive"]), _t(cat.consecutive.citation)))
        rule_texts.append(RuleText(
            rs.id, rs.name_da if lang == "da" else rs.name_en, rs.law, rs.note_in(lang),
            str(rs.list_years),
            Table(tx["rules_table"], (tx["col_rule"], tx["col_citation"]), tuple(rows)),
        ))
    # Every reading in words, with its one-line explanation, and where it is not the default,
    # what the default is.
    defaults = Options().to_dict()
    opt_rows = []
    for name, value in options.to_dict().items():
        note = reading_note(name, lang)
        if value != defaults[name]:
            note = tx["not_default"].format(default=reading_value(name, defaults[name],
                                                                  lang)) + " " + note
        opt_rows.append((_t(label(f"option.{name}", lang)), _t(reading_value(name, value, lang)),
                         _t(note)))
    options_table = Table(tx["options"], (tx["col_option"], tx["col_value"], tx["col_note"]),
                          tuple(opt_rows), key="options")
    dy = (crit_now[["classification", "criterion", "data_years"]].astype(str)
          .drop_duplicates())
    dy_rows = tuple((_t(classification_name(r.classification, lang)),
                     _t(label(f"criterion.{r.criterion}", lang)), _t(r.data_years))
                    for r in dy.itertuples(index=False))
    data_years_table = Table(tx["data_years"], (tx["col_classification"], tx["col_criterion"],
                                               label("column.year", lang)), dy_rows)
    ref_rows = []
    if data.references is not None and len(data.references):
        used = set()
        for span in dy["data_years"]:
            used.update(parse_years(span))
        refs = data.references[data.references["year"].isin(sorted(used))]
        refs = refs.sort_values(["year", "scope", "indicator"], kind="stable")
        for r in refs.itertuples(index=False):
            unit = "share" if str(r.indicator).startswith("share") else "dkk"
            ref_rows.append((Shown(str(int(r.year)), int(r.year), VALUE, "year"),
                             _t(r.scope), _t(label(f"column.{r.indicator}", lang)),
                             show_value(r.value, unit, lang, decimals=2),
                             _t(r.source)))
    ref_rows.extend(_stated_rows(assessment, crit_now, list_year, lang, tx))
    refs_table = Table(tx["references"], (label("column.year", lang), label("column.scope", lang),
                                         label("column.indicator", lang),
                                         label("column.value", lang),
                                         label("column.source", lang)), tuple(ref_rows),
                       key="references")
    src_rows = tuple(
        (_t(r.name), _t(tx.get(f"layout_{r.layout}", r.layout)),
         show_count(r.rows, lang), _t(r.sha256))
        for r in data.sources.itertuples(index=False)
    )
    sources_table = Table(tx["sources"], (tx["col_file"], tx["col_layout"], tx["col_rows"],
                                         "SHA-256"), src_rows, key="sources")
    # min_cell 0 turns disclosure control off (internal analysis): say so, not "below 0".
    disclosure = (tx["disclosure_off_text"] if min_cell == 0 else
                  tx["disclosure_text"].format(min_cell=min_cell,
                                               suppressed=label("text.suppressed", lang),
                                               missing=label("text.missing", lang)))
    return Method(tuple(rule_texts), options_table, data_years_table, refs_table, sources_table,
                  disclosure)


def _stated_rows(assessment: Assessment, crit_now: pd.DataFrame, list_year: int, lang: str,
                 tx: dict[str, str]) -> list[tuple[Shown, ...]]:
    """Rows of the references table for the list year's references that the user's data did
    not give: the published values used (the line as read, the national average derived from
    it, each with its source) and the references that are missing, saying what to give."""
    if "reference_source" not in crit_now.columns:
        return []
    rows: list[tuple[Shown, ...]] = []
    year_cell = _t(tx["ref_list_year"].format(year=list_year))
    origins = crit_now["reference_source"].astype(str)
    used = set(crit_now.loc[origins.str.contains(FROM_PUBLISHED, regex=False), "indicator"]
               .astype(str))
    pub = published_references()
    pub = pub[(pub["list_year"] == list_year) & pub["indicator"].isin(used)]
    for r in pub.itertuples(index=False):
        factor = number(r.factor, 0, lang)
        if r.kind == LINE:
            source = tx["ref_published_line"].format(factor=factor, source=r.source)
            value = show_value(r.value, "share", lang, decimals=2)
        else:
            line = pub[(pub["kind"] == LINE) & (pub["indicator"] == r.indicator)]["value"]
            source = tx["ref_published_derived"].format(
                line=show_value(line.iloc[0], "share", lang, decimals=2).text, factor=factor)
            value = show_value(r.value, "share", lang, decimals=3)
        rows.append((year_cell, _t(r.scope), _t(label(f"column.{r.indicator}", lang)), value,
                     _t(source)))
    areas = assessment.areas[assessment.areas["list_year"] == list_year]
    for r in missing_references(crit_now, areas).itertuples(index=False):
        criteria = ", ".join(label(f"criterion.{c.strip()}", lang)
                             for c in str(r.criteria).split(","))
        text = tx["ref_missing"].format(criteria=criteria, data_years=r.data_years)
        disputed = disputed_note([list_year], str(r.indicator), lang)  # "; ..." or ""
        if disputed:
            text = text.removesuffix(".") + disputed + "."
        rows.append((year_cell, _t(r.scope), _t(label(f"column.{r.indicator}", lang)),
                     Shown(label("text.missing", lang), None, MISSING, "pct"), _t(text)))
    return rows
