"""The early warning for next year's list as the report shows it: yes/no flags per area, from
the warning as disclosure control leaves it (:func:`~boligmonitor.disclosure.suppress_early_warning`
in build.py: no number built on a suppressed cell, no suppressed projected category)."""

from __future__ import annotations

from boligmonitor.datasets import Dataset
from boligmonitor.disclosure import SUPPRESSED_CATEGORY
from boligmonitor.labels import label
from boligmonitor.options import Options
from boligmonitor.report.formatting import category_name, classification_name, is_missing
from boligmonitor.rules import RuleSet, governing_rules


def early_warning(data: Dataset, list_year: int, ruleset: RuleSet | None, options: Options,
                  *, validate: bool = True):
    """The early warning for list year N+1, where the data (layout a) and a rule set allow."""
    if data.indicators is None:
        return None
    if ruleset is None and governing_rules(list_year + 1) is None:
        return None
    return data.early_warning(list_year, rules=ruleset, options=options, validate=validate)


def warning_flags(ew, lang: str, margin: float, met_now: dict, cat_now: dict[str, str],
                  ) -> dict[str, list[str]]:
    """Plain-language flags for next year's list, per area, about criteria not met now and
    categories that would change. Yes/no statements only: the boundaries themselves are
    derived from single data years and may reveal suppressed cells. ``ew`` is the disclosed
    warning: a row fed by a suppressed cell, a suppressed status or category gives no flag
    (a flag bounds the suppressed value)."""
    if ew is None:
        return {}
    nxt = ew.list_year
    out: dict[str, list[str]] = {}
    b = ew.boundaries
    for r in b.itertuples(index=False):
        if is_missing(r.headroom) or is_missing(r.boundary):
            continue
        if met_now.get((str(r.area_id), str(r.classification), str(r.criterion))) is not False:
            continue
        crit = label(f"criterion.{r.criterion}", lang)
        cls = classification_name(str(r.classification), lang)
        if r.headroom <= 0:
            text = label("warning.would_be_met", lang).format(criterion=crit, classification=cls,
                                                              year=nxt)
        elif r.headroom <= margin * abs(r.boundary):
            text = label("warning.close", lang).format(criterion=crit, classification=cls,
                                                       year=nxt)
        else:
            continue
        out.setdefault(str(r.area_id), []).append(text)
    proj = ew.projection.areas
    for r in proj.itertuples(index=False):
        cat = str(r.category)
        if SUPPRESSED_CATEGORY in (cat, cat_now.get(str(r.area_id))):
            continue
        if cat != cat_now.get(str(r.area_id), cat) and cat != "undetermined":
            key = "warning.projected_off" if cat == "none" else "warning.projected"
            out.setdefault(str(r.area_id), []).insert(0, label(key, lang).format(
                category=category_name(cat, lang), year=nxt))
    return out
