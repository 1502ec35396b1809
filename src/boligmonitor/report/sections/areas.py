"""The area pages: each criterion of an area against its line (:func:`criterion_line`), and the
explanation, the engine's own or, where anything is suppressed, rebuilt from the shown lines."""

from __future__ import annotations

import pandas as pd

from boligmonitor.disclosure import SUPPRESSED_CATEGORY
from boligmonitor.labels import label
from boligmonitor.report.content import (
    SUPPRESSED,
    VALUE,
    AreaSection,
    AreaSummary,
    CriterionLine,
    Shown,
)
from boligmonitor.report.formatting import (
    classification_name,
    is_missing,
    share_decimals,
    show_count,
    show_value,
    status_text,
    tri,
)
from boligmonitor.rules import RuleSet


def area_section(row, summary: AreaSummary, crit_now: pd.DataFrame, mask_now: pd.DataFrame,
                 rules_now: RuleSet, lang: str, chart_keys: tuple[str, ...]) -> AreaSection:
    """The page of one area: ``row`` is its row of the assessment's areas in the list year,
    ``crit_now`` and ``mask_now`` the (suppressed) criteria of the list year and their mask."""
    rows = crit_now[crit_now["area_id"].astype(str) == summary.area_id]
    rmask = mask_now.loc[rows.index]
    lines = tuple(criterion_line(r, m, lang) for r, m in zip(rows.itertuples(index=False),
                                                             rmask.itertuples(index=False),
                                                             strict=True))
    any_sup = (bool(rmask.to_numpy().any()) or summary.residents.state == SUPPRESSED
               or summary.category_id == SUPPRESSED_CATEGORY)
    explanation = (
        area_explanation(summary, lines, rules_now, lang) if any_sup
        else str(getattr(row, f"explanation_{lang}", "") or "")
    )
    return AreaSection(summary, lines, explanation, chart_keys)


def criterion_line(r, m, lang: str) -> CriterionLine:
    """One row ``r`` of the criteria table, with its suppression mask ``m``, as shown."""
    unit = str(r.unit)
    decimals = share_decimals(float(r.threshold)) if not is_missing(r.threshold) else 1
    is_met = None if m.is_met else tri(r.is_met)
    ref = r.reference_value
    if str(r.reference) == "absolute" or is_missing(ref):
        reference = Shown("", None, VALUE, "text")
    elif unit == "share":
        reference = show_value(ref, "share", lang, decimals=2)
    else:
        reference = show_value(ref, "dkk" if str(r.reference) == "regional" else unit, lang)
    return CriterionLine(
        classification_id=str(r.classification),
        classification=classification_name(str(r.classification), lang),
        criterion_id=str(r.criterion),
        criterion=label(f"criterion.{r.criterion}", lang),
        value=show_value(r.value, unit, lang, decimals=decimals, suppressed=bool(m.value)),
        operator=label(f"operator.{r.operator}", lang),
        threshold=show_value(r.threshold, unit, lang, decimals=decimals),
        reference=reference,
        is_met=is_met,
        status=label("text.suppressed", lang) if m.is_met else status_text(is_met, lang),
        margin=show_value(r.margin, unit, lang, decimals=decimals, margin=True,
                          suppressed=bool(m.margin)),
        # For income the engine gives the rise in mean income needed, in kroner, not persons.
        persons=(show_value(r.persons_to_threshold, "dkk", lang, margin=True,
                            suppressed=bool(m.persons_to_threshold))
                 if unit == "dkk" else
                 show_count(r.persons_to_threshold, lang, decimals=1, sign=True,
                            suppressed=bool(m.persons_to_threshold), kind="persons")),
        data_years=str(r.data_years),
        citation=str(r.citation),
    )


def area_explanation(s: AreaSummary, lines: tuple[CriterionLine, ...], rules: RuleSet,
                     lang: str) -> str:
    """The explanation rebuilt from the shown (suppressed) lines, in the engine's words."""
    primary = rules.primary_classification
    parts = []
    head = label("explanation.criteria_met", lang).format(
        area=s.area_name, n=label("text.suppressed", lang) if s.n_met is None else s.n_met,
        k=s.n_criteria,
        classification=classification_name(primary, lang))
    items = [
        label("explanation.criterion", lang).format(
            criterion=ln.criterion, value=ln.value.text, operator=ln.operator,
            threshold=ln.threshold.text, status=ln.status)
        for ln in lines if ln.classification_id == primary
    ]
    parts.append(head + ": " + "; ".join(items) + ".")
    gates = [ln for ln in lines if ln.classification_id != primary]
    for ln in gates:
        parts.append(f"{ln.classification}: " + label("explanation.criterion", lang).format(
            criterion=ln.criterion, value=ln.value.text, operator=ln.operator,
            threshold=ln.threshold.text, status=ln.status) + ".")
    if s.is_listable is False:
        parts.append(label("explanation.not_listable", lang))
    parts.append(label("explanation.category", lang).format(category=s.category))
    return " ".join(parts)
