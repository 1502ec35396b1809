"""The report's section "Udsigt": the probability of each area being on each coming list, the
scenarios beside the baseline, whether the method is calibrated on these data and why not, and
the outlook's charts (where the charts module offers them).

The outlook is computed once per dataset and settings (:func:`cached_outlook`: the same tables,
rules, readings, draws and seed give the same result, so a report built twice reuses it) and is
disclosure-controlled (:func:`~boligmonitor.outlook.publish.suppress_outlook`) before anything is
shown. It belongs to a report of the latest list year the data feed: the coming lists follow it.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence

import pandas as pd

from boligmonitor.datasets import Dataset
from boligmonitor.errors import BoligmonitorError
from boligmonitor.formatting import number, points
from boligmonitor.labels import label
from boligmonitor.options import Options
from boligmonitor.outlook import BASELINE, Outlook, Scenario
from boligmonitor.outlook.publish import suppress_outlook
from boligmonitor.outlook.text import category_text, probability_text
from boligmonitor.report.content import SUPPRESSED, VALUE, Chart, OutlookSection, Shown, Table
from boligmonitor.rules import RuleSet

DEFAULT_DRAWS = 2000
_CACHE: OrderedDict[tuple, Outlook] = OrderedDict()
_CACHE_SIZE = 4


def _digest(df: pd.DataFrame | None) -> str:
    if df is None:
        return ""
    h = hashlib.sha256(repr(list(df.columns)).encode())
    h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()


def cached_outlook(data: Dataset, *, rules: RuleSet | None, options: Options, draws: int,
                   seed: int, scenarios: Sequence[Scenario] = ()) -> Outlook:
    """:meth:`Dataset.outlook` with the report's settings, remembered for the same tables (by
    their content), rules, readings, draws, seed and scenarios."""
    key = (_digest(data.indicators), _digest(data.references), _digest(data.memberships),
           None if rules is None else (rules.id, rules.source), options.describe(), draws,
           seed, tuple(repr(sc) for sc in scenarios))
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    result = data.outlook(rules=rules, options=options, draws=draws, seed=seed,
                          scenarios=list(scenarios))
    _CACHE[key] = result
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result


def _p(p: float, lang: str) -> Shown:
    if p is None or p != p:
        return Shown(probability_text(p, lang), None, SUPPRESSED, "pct0")
    return Shown(probability_text(p, lang), float(p), VALUE, "pct0")


def outlook_section(data: Dataset, *, rules: RuleSet | None, options: Options, lang: str,
                    tx: dict[str, str], min_cell: int, charts: dict[str, Chart], plots,
                    draws: int = DEFAULT_DRAWS, seed: int = 0,
                    scenarios: Sequence[Scenario] = ()
                    ) -> tuple[OutlookSection | None, Table | None]:
    """The section and its sheet (the tidy probabilities); (None, None) without yearly
    indicators. Where the outlook cannot be made, the section says why. ``scenarios``: the
    plan's scenarios (:func:`boligmonitor.outlook.read_scenario`), each beside the baseline."""
    if data.indicators is None:
        return None, None
    try:
        result = cached_outlook(data, rules=rules, options=options, draws=draws, seed=seed,
                                scenarios=scenarios)
    except BoligmonitorError as exc:
        return OutlookSection(tx["outlook_failed"].format(reason=str(exc)), (), False,
                              None, (), ()), None
    shown = suppress_outlook(result, data.indicators, data.references, data.memberships,
                             min_cell)
    years = list(shown.list_years)
    intro = tx["outlook_intro"].format(first=years[0], last=years[-1],
                                       draws=number(result.draws, 0, lang), seed=result.seed)
    summary = shown.summary
    base = summary[summary["scenario"] == BASELINE].sort_values(["area_name", "list_year"],
                                                                kind="stable")
    rows = []
    for area, grp in base.groupby("area_name", sort=False, observed=True):
        by_year = grp.set_index("list_year")
        last = by_year.loc[years[-1]]
        rows.append((
            Shown.of_text(area),
            *(_p(by_year.at[y, "probability_listed"], lang) for y in years),
            Shown.of_text(category_text(str(last["most_likely"]), lang)),
        ))
    table = Table(tx["outlook_table"],
                  (label("column.area_name", lang), *map(str, years),
                   tx["outlook_most_likely"].format(year=years[-1])), tuple(rows),
                  key="outlook")
    scenario_tables = tuple(_scenario_table(shown, sc, base, years, lang, tx)
                            for sc in shown.scenarios)
    keys = _charts(plots, shown, lang, tx, charts, data.is_example)
    section = OutlookSection(intro, tuple(shown.notes(lang)), shown.is_calibrated, table,
                             scenario_tables, keys)
    return section, _sheet(shown, lang, tx)


def _scenario_table(shown: Outlook, sc, base: pd.DataFrame, years: list[int], lang: str,
                    tx: dict[str, str]) -> Table:
    s = shown.summary
    other = s[s["scenario"] == sc.id].set_index(["area_name", "list_year"])
    rows = []
    for area, grp in base.groupby("area_name", sort=False, observed=True):
        cells = [Shown.of_text(area)]
        for y in years:
            b = grp.loc[grp["list_year"] == y, "probability_listed"]
            v = float(other.at[(area, y), "probability_listed"]) if (
                len(b) and (area, y) in other.index) else float("nan")
            if v == v and float(b.iloc[0]) == float(b.iloc[0]):
                d = v - float(b.iloc[0])
                cells.append(Shown(f"{probability_text(v, lang)} ({points(d, 1, lang)})", v,
                                   VALUE, "pct0"))
            elif len(b):
                cells.append(_p(float("nan"), lang))
            else:
                cells.append(Shown("", None, "missing"))
        rows.append(tuple(cells))
    title = tx["outlook_scenario"].format(name=sc.name)
    return Table(title, (label("column.area_name", lang), *map(str, years)), tuple(rows))


def _sheet(shown: Outlook, lang: str, tx: dict[str, str]) -> Table:
    names = {BASELINE: label("outlook.baseline", lang)} | {s.id: s.name for s in shown.scenarios}
    p = shown.probabilities
    rows = tuple(
        (Shown.of_text(r.area_id), Shown.of_text(r.area_name),
         Shown(str(r.list_year), int(r.list_year), VALUE, "year"),
         Shown.of_text(names.get(r.scenario, r.scenario)),
         Shown.of_text(category_text(str(r.category), lang)),
         _p(r.probability, lang),
         Shown.of_text(label("report.yes" if r.is_calibrated else "report.no", lang)))
        for r in p.itertuples(index=False))
    return Table(tx["sheet_outlook"],
                 (label("column.area_id", lang), label("column.area_name", lang),
                  label("column.list_year", lang), label("outlook.scenario", lang),
                  label("column.category", lang), label("outlook.probability", lang),
                  tx["outlook_calibrated"]), rows, key="outlook")


def _charts(plots, shown: Outlook, lang: str, tx: dict[str, str], charts: dict[str, Chart],
            is_example: bool) -> tuple[str, ...]:
    """The outlook's charts, where the charts module offers them: the probabilities of every
    area, and each area's indicators against their lines."""
    if plots is None:
        return ()
    keys = []
    probs = getattr(plots, "plot_outlook_probabilities", None)
    if probs is not None:
        charts["outlook"] = Chart("outlook", tx["chart_outlook"],
                                  lambda: probs(shown, lang=lang, is_example=is_example))
        keys.append("outlook")
        for i, sc in enumerate(getattr(shown, "scenarios", ())):
            key = f"outlook-scenario{i}"
            charts[key] = Chart(key, tx["chart_outlook_scenario"].format(name=sc.name),
                                lambda s=sc.id: probs(shown, scenario=s, lang=lang,
                                                      is_example=is_example))
            keys.append(key)
    fan = getattr(plots, "plot_outlook_area", None)
    if fan is not None:
        names = shown.summary.drop_duplicates("area_id")[["area_id", "area_name"]]
        for i, (aid, name) in enumerate(zip(names["area_id"], names["area_name"],
                                            strict=True)):
            key = f"outlook{i}"
            charts[key] = Chart(key, tx["chart_outlook_area"].format(area=name),
                                lambda a=str(aid): fan(shown, a, lang=lang,
                                                       is_example=is_example))
            keys.append(key)
    return tuple(keys)
