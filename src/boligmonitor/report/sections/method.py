"""The method section: the rule sets in force with their citations, the readings (options) in
force, the data years behind each criterion, the reference values used, the input files, and the
disclosure rule."""

from __future__ import annotations

import pandas as pd

from boligmonitor.criteria import Assessment
from boligmonitor.datasets import Dataset
from boligmonitor.disclosure import parse_years
from boligmonitor.labels import label
from boligmonitor.options import Options, reading_note, reading_value
from boligmonitor.report.content import VALUE, Method, RuleText, Shown, Table
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
    return Method(tuple(rule_texts), options_table, data_years_table, refs_table, sources_table,
                  tx["disclosure_text"].format(min_cell=min_cell,
                                              suppressed=label("text.suppressed", lang),
                                              missing=label("text.missing", lang)))
