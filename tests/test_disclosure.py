"""Disclosure control: small counts, shares on small bases, complements and derived values."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import boligmonitor as bm
from boligmonitor.disclosure import (
    suppress_criteria,
    suppress_indicators,
    suppress_list_values,
    suppress_warning,
)


def _row(**kw):
    base = {"area_id": "a", "year": 2020, "residents": 1000.0, "share_non_western": 0.2,
            "n_non_western": 200.0, "n_residents_18plus": 800.0, "n_convicted_18plus": 20.0,
            "share_convicted_18plus": 20 / 800, "n_residents_18_64": 600.0,
            "mean_gross_income_15_64": 250000.0}
    base.update(kw)
    return pd.DataFrame([base])


@pytest.mark.parametrize("n", [0, 1, 4])
def test_a_count_below_the_minimum_is_suppressed_with_its_share(n):
    s = suppress_indicators(_row(n_convicted_18plus=float(n), share_convicted_18plus=n / 800))
    assert s.mask.loc[0, "n_convicted_18plus"] and s.mask.loc[0, "share_convicted_18plus"]
    assert np.isnan(s.values.loc[0, "share_convicted_18plus"])
    assert not s.mask.loc[0, "n_residents_18plus"]


def test_a_count_exactly_at_the_minimum_is_shown():
    s = suppress_indicators(_row(n_convicted_18plus=5.0, share_convicted_18plus=5 / 800))
    assert not s.mask.loc[0, ["n_convicted_18plus", "share_convicted_18plus"]].any()


def test_a_share_on_a_small_denominator_is_suppressed():
    s = suppress_indicators(_row(n_residents_18plus=4.0, n_convicted_18plus=0.0,
                                 share_convicted_18plus=0.0))
    assert s.mask.loc[0, ["share_convicted_18plus", "n_residents_18plus"]].all()


def test_a_share_whose_complement_is_small_is_suppressed():
    s = suppress_indicators(_row(n_residents_18plus=40.0, n_convicted_18plus=37.0,
                                 share_convicted_18plus=37 / 40))
    assert s.mask.loc[0, "share_convicted_18plus"] and s.mask.loc[0, "n_convicted_18plus"]


def test_the_minimum_is_configurable():
    df = _row(n_convicted_18plus=4.0, share_convicted_18plus=4 / 800)
    assert not suppress_indicators(df, min_cell=3).mask.loc[0, "n_convicted_18plus"]
    assert suppress_indicators(df, min_cell=5).mask.loc[0, "n_convicted_18plus"]


def test_missing_is_not_marked_as_suppressed():
    s = suppress_indicators(_row(n_convicted_18plus=np.nan, share_convicted_18plus=np.nan))
    assert not s.mask.loc[0, ["n_convicted_18plus", "share_convicted_18plus"]].any()


def test_an_average_over_a_suppressed_year_is_suppressed_with_margin_and_persons():
    ind = pd.concat([_row(year=2019, n_convicted_18plus=3.0, share_convicted_18plus=3 / 800),
                     _row(year=2020)], ignore_index=True)
    s = suppress_indicators(ind)
    criteria = pd.DataFrame({
        "area_id": ["a", "a", "a"], "indicator": ["share_convicted_18plus"] * 2
        + ["share_non_western"], "data_years": ["2019-2020", "2020", "2020"],
        "value": [0.014, 0.025, 0.2], "margin": [0.1, 0.2, 0.3],
        "persons_to_threshold": [3.0, 4.0, np.nan], "is_met": [True, True, False],
    })
    out = suppress_criteria(criteria, s, ind["area_id"])
    assert out.mask["value"].tolist() == [True, False, False]
    assert out.mask.loc[0, ["margin", "persons_to_threshold"]].all()
    assert np.isnan(out.values.loc[0, "value"]) and out.values.loc[0, "is_met"]
    assert out.values.loc[1, "value"] == 0.025


# --- the early warning -------------------------------------------------------------------------


def _warning_inputs(convicted_by_year):
    ind = pd.concat([_row(year=y, n_convicted_18plus=float(n), share_convicted_18plus=n / 800)
                     for y, n in convicted_by_year.items()], ignore_index=True)
    boundaries = pd.DataFrame({
        "area_id": ["a", "a", "b"],
        "indicator": ["share_convicted_18plus", "share_non_western", "share_convicted_18plus"],
        "known_years": ["2019,2020", "", "2019,2020"],
        "next_year": [2021, 2021, 2021],
        "boundary": [0.04, 0.5, 0.04], "latest_value": [0.025, 0.2, 0.025],
        "headroom": [0.015, 0.3, 0.015],
    })
    return ind, boundaries


def test_a_boundary_fed_by_a_suppressed_known_year_is_suppressed_whole():
    ind, b = _warning_inputs({2019: 3, 2020: 20})
    out = suppress_warning(b, suppress_indicators(ind), ind["area_id"])
    assert out.mask.loc[0].tolist() == [True, True, True]
    assert out.values.loc[0, ["boundary", "latest_value", "headroom"]].isna().all()
    # Another indicator of the area, and another area, are not touched.
    assert not out.mask.loc[1:].to_numpy().any()
    assert out.values.loc[2, "boundary"] == 0.04 and out.values.loc[0, "next_year"] == 2021


def test_a_boundary_whose_latest_value_is_suppressed_is_suppressed():
    ind, b = _warning_inputs({2020: 20, 2021: 2})
    b["known_years"] = ["2020", "", "2020"]
    out = suppress_warning(b, suppress_indicators(ind), ind["area_id"])
    assert out.mask.loc[0].all()


def test_a_suppressed_year_that_feeds_no_boundary_leaves_it_shown():
    ind, b = _warning_inputs({2017: 3, 2019: 20, 2020: 20})
    out = suppress_warning(b, suppress_indicators(ind), ind["area_id"])
    assert not out.mask.to_numpy().any()
    assert out.values.loc[0, "boundary"] == 0.04


def test_the_early_warning_of_small_counts_shows_no_number():
    import boligmonitor as bm

    ex = bm.example_data()
    ind = ex.indicators.copy()
    ring = ind["area_id"] == "viborg-ringparken"
    ind.loc[ring, "n_convicted_18plus"] = 2.0
    ind.loc[ring, "share_convicted_18plus"] = 2.0 / ind.loc[ring, "n_residents_18plus"]
    ew = bm.early_warning(ind, ex.references, ex.memberships, list_year=2025)
    out = suppress_warning(ew.boundaries, suppress_indicators(ind), ind["area_id"])
    hit = ((ew.boundaries["area_id"] == "viborg-ringparken")
           & (ew.boundaries["indicator"] == "share_convicted_18plus"))
    assert hit.any() and ew.boundaries.loc[hit, "boundary"].notna().all()
    assert out.values.loc[hit, ["boundary", "latest_value", "headroom"]].isna().all().all()
    # Every other row is as suppressed as on the unchanged example data.
    ew0 = bm.early_warning(ex.indicators, ex.references, ex.memberships, list_year=2025)
    before = suppress_warning(ew0.boundaries, suppress_indicators(ex.indicators),
                              ex.indicators["area_id"])
    assert out.mask.loc[~hit].equals(before.mask.loc[~hit])


# --- layout (b): criterion values per list year ------------------------------------------------


def _list_rows():
    cv = pd.DataFrame({"area_id": ["a", "a", "b"], "list_year": [2024, 2025, 2025],
                       "residents": [3.0, 1200.0, 5.0]})
    crit = pd.DataFrame({"area_id": ["a", "a", "a", "b"],
                         "list_year": [2024, 2024, 2025, 2025],
                         "value": [0.5, 0.3, 0.5, 0.4], "margin": [0.1, -0.1, 0.1, 0.0],
                         "persons_to_threshold": [1.0, np.nan, 2.0, 0.0],
                         "is_met": [True, False, True, True]})
    return cv, crit


def test_layout_b_values_of_an_area_year_under_the_minimum_residents_are_suppressed():
    cv, crit = _list_rows()
    out = suppress_list_values(crit, cv)
    assert out.mask["value"].tolist() == [True, True, False, False]
    assert out.mask["persons_to_threshold"].tolist() == [True, False, False, False]  # NaN stays
    assert out.values.loc[:1, ["value", "margin"]].isna().all().all()
    # A yes or no on 3 residents bounds their counts: the status goes with the values.
    assert out.mask["is_met"].tolist() == [True, True, False, False]
    assert out.values["is_met"].isna().tolist() == [True, True, False, False]
    assert out.values["is_met"].tolist()[2:] == [True, True]


def test_layout_b_minimum_is_configurable_and_the_input_is_left_alone():
    cv, crit = _list_rows()
    assert suppress_list_values(crit, cv, min_cell=6).mask["value"].tolist() == [
        True, True, False, True]
    assert not suppress_list_values(crit, cv, min_cell=3).mask.to_numpy().any()
    assert crit["value"].notna().all()
    assert not suppress_list_values(crit, None).mask.to_numpy().any()


# --- differencing attacks (issue 10, item 8) ---------------------------------------------------
#
# The attacker reads the shown cells and knows how the groups relate. It works out every count
# it can (a difference of two nested groups, share x base, numerator / share, a base from
# persons to threshold / margin, a year from an average and the other year) and reports each
# one below the minimum, 0 included (the package protects zeros: docs/disclosure.md). It is
# written from the definitions of the groups, not from the module under test.

COUNTS = ("residents", "n_residents_18plus", "n_residents_18_64", "n_residents_30_59",
          "n_basic_education_30_59", "n_outside_work_education_18_64", "n_convicted_18plus",
          "n_non_western")
# Each group and the groups within it: a difference counts the persons in the first only.
WITHIN = {
    "residents": COUNTS[1:],
    "n_residents_18plus": ("n_residents_18_64", "n_residents_30_59", "n_basic_education_30_59",
                           "n_outside_work_education_18_64", "n_convicted_18plus"),
    "n_residents_18_64": ("n_residents_30_59", "n_basic_education_30_59",
                          "n_outside_work_education_18_64"),
    "n_residents_30_59": ("n_basic_education_30_59",),
}
SHARES = {
    "share_non_western": ("n_non_western", "residents"),
    "share_outside_work_education_18_64": ("n_outside_work_education_18_64", "n_residents_18_64"),
    "share_convicted_18plus": ("n_convicted_18plus", "n_residents_18plus"),
    "share_basic_education_30_59": ("n_basic_education_30_59", "n_residents_30_59"),
}
INCOME_BASE = "n_residents_18_64"
TOL = 1e-6


def _shown(x) -> bool:
    return x is not None and not pd.isna(x)


def _years(span: str) -> list[int]:
    first, _, last = str(span).partition("-")
    return list(range(int(first), int(last or first) + 1))


def derive(counts: dict, shares: dict) -> tuple[dict, dict]:
    """Every count and share of one row computable from the shown ones."""
    counts, shares = dict(counts), dict(shares)
    changed = True
    while changed:
        changed = False
        for share, (num, den) in SHARES.items():
            s = shares.get(share)
            if s is not None and den in counts and num not in counts:
                counts[num] = s * counts[den]
                changed = True
            elif s is not None and num in counts and den not in counts and s > 0:
                counts[den] = counts[num] / s
                changed = True
            elif s is None and num in counts and den in counts and counts[den] > 0:
                shares[share] = counts[num] / counts[den]
                changed = True
    return counts, shares


def disclosures(counts: dict, min_cell: int, where: str = "") -> list[str]:
    """Each count, and each difference of nested counts, below ``min_cell`` (0 included)."""
    found = [f"{where}{c} = {v:g}" for c, v in counts.items() if v < min_cell - TOL]
    for big, smalls in WITHIN.items():
        for small in smalls:
            if big in counts and small in counts:
                diff = counts[big] - counts[small]
                if -TOL <= diff < min_cell - TOL:
                    found.append(f"{where}{big} - {small} = {diff:g}")
    return found


def _cells(published: pd.DataFrame) -> dict:
    cells = {}
    for _, row in published.iterrows():
        key = (str(row.get("area_id", "a")), int(row.get("year", 0)))
        counts = {c: float(row[c]) for c in COUNTS if c in row.index and _shown(row[c])}
        shares = {s: float(row[s]) for s in SHARES if s in row.index and _shown(row[s])}
        cells[key] = (counts, shares)
    return cells


def attack_table(published: pd.DataFrame, min_cell: int) -> list[str]:
    """Every count below ``min_cell`` derivable from a shown indicator table, row by row."""
    found = []
    for key, (counts, shares) in _cells(published).items():
        found += disclosures(derive(counts, shares)[0], min_cell, f"{key}: ")
    return found


GROUP = st.one_of(st.integers(0, 6), st.integers(0, 40), st.integers(200, 900))


def _part(draw, total: int) -> int:
    """A part of ``total``: a few, nearly all of it, or anything between."""
    if total <= 0:
        return 0
    return draw(st.one_of(st.integers(0, min(total, 6)), st.integers(max(0, total - 6), total),
                          st.integers(0, total)))


@st.composite
def indicator_row(draw, *, blanks: bool = True):
    """One area-year of counts that nest as the real groups do, with many small groups and
    small differences; shares from the counts; with ``blanks``, counts may be left out (the
    share stays, as in an export that gives shares only)."""
    children, young, middle, old = (draw(GROUP) for _ in range(4))
    counts = {"n_residents_30_59": middle, "n_residents_18_64": young + middle,
              "n_residents_18plus": young + middle + old,
              "residents": children + young + middle + old}
    counts["n_basic_education_30_59"] = _part(draw, middle)
    # Full-time persons: a half may remain of someone outside work for half the year.
    outside = _part(draw, young + middle) - draw(st.sampled_from([0.0, 0.0, 0.5]))
    counts["n_outside_work_education_18_64"] = max(outside, 0.0)
    counts["n_convicted_18plus"] = _part(draw, young + middle + old)
    counts["n_non_western"] = _part(draw, counts["residents"])
    row = {share: counts[num] / counts[den] if counts[den] > 0 else np.nan
           for share, (num, den) in SHARES.items()}
    for c, v in counts.items():
        row[c] = float(v) if not blanks or draw(st.integers(0, 3)) else np.nan
    row["mean_gross_income_15_64"] = float(draw(st.integers(150_000, 350_000)))
    return row


def test_the_attacker_finds_the_subtraction_of_the_issue_on_unprotected_cells():
    table = pd.DataFrame({"residents": [1000.0], "n_residents_18plus": [997.0],
                          "n_residents_18_64": [993.0]})
    assert sorted(attack_table(table, 5)) == [
        "('a', 0): n_residents_18plus - n_residents_18_64 = 4",
        "('a', 0): residents - n_residents_18plus = 3"]


def test_three_children_and_four_over_64_cannot_be_subtracted_from_the_published_ages():
    table = pd.DataFrame({"residents": [1000.0], "n_residents_18plus": [997.0],
                          "n_residents_18_64": [993.0]})
    s = suppress_indicators(table)
    assert attack_table(s.values, 5) == []
    # One complementary cell breaks both differences: the residents 18+.
    assert s.mask.iloc[0].tolist() == [False, True, False]
    # residents - 18-64 = 7 persons: children and over-64s together, not below the minimum.
    assert s.values.loc[0, ["residents", "n_residents_18_64"]].tolist() == [1000.0, 993.0]


def test_a_count_behind_a_share_and_its_base_is_protected_without_its_column():
    # No count of non-western residents is given, but share x residents gives 998 of 1,000,
    # so the 2 other residents are known; and 2 of 1,000 directly.
    for share in (0.998, 0.002):
        table = pd.DataFrame({"residents": [1000.0], "share_non_western": [share]})
        s = suppress_indicators(table)
        assert s.mask.loc[0, "share_non_western"] and not s.mask.loc[0, "residents"]
        assert attack_table(s.values, 5) == []


def test_a_secondary_suppressed_base_takes_its_share_along():
    # 30-59 is 3 below 18-64: one of them goes; the 30-59 (cheaper than the 18-64, which the
    # employment share and the mean income are built on); its share would give it back.
    table = _row(n_residents_18_64=600.0, n_residents_30_59=597.0,
                 n_basic_education_30_59=300.0, share_basic_education_30_59=300 / 597)
    s = suppress_indicators(table)
    assert s.mask.loc[0, ["n_residents_30_59", "share_basic_education_30_59"]].all()
    assert not s.mask.loc[0, ["n_residents_18_64", "n_basic_education_30_59",
                              "mean_gross_income_15_64"]].any()
    assert s.bases.loc[0, "share_basic_education_30_59"]
    assert attack_table(s.values, 5) == []


def test_a_row_without_small_cells_or_small_differences_is_shown_whole():
    table = _row(n_residents_18_64=600.0, n_residents_30_59=400.0, n_residents_18plus=800.0,
                 n_basic_education_30_59=150.0, share_basic_education_30_59=150 / 400)
    s = suppress_indicators(table)
    assert not s.mask.to_numpy().any() and s.values.equals(table)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(indicator_row(), min_size=1, max_size=4),
       min_cell=st.sampled_from([3, 5, 10]))
def test_no_count_below_the_minimum_can_be_derived_from_a_suppressed_table(rows, min_cell):
    table = pd.DataFrame(rows).assign(area_id="a", year=range(2018, 2018 + len(rows)))
    s = suppress_indicators(table, min_cell)
    assert attack_table(s.values, min_cell) == []
    # Suppressed is not missing: only cells that were there are marked, and every shown cell
    # is as given.
    assert not (s.mask & table.isna()).to_numpy().any()
    shown = table.notna() & ~s.mask
    assert (s.values[shown] == table[shown]).where(shown, True).all().all()
    # A row is suppressed alike in every output that shows it (the report of another list
    # year shows other rows beside it): the decision depends on the row alone.
    assert suppress_indicators(table.iloc[-1:], min_cell).mask.equals(s.mask.iloc[-1:])


# --- the criteria, their statuses and the categories (items 8 and 9) ---------------------------


def _fed(criteria: pd.DataFrame) -> list[tuple]:
    return [(str(r.area_id), str(r.indicator), _years(r.data_years), r)
            for r in criteria.itertuples(index=False) if str(r.indicator) in SHARES]


def attack_criteria(cells: dict, criteria: pd.DataFrame) -> dict:
    """Add to ``cells`` the bases (persons to threshold / margin is the harmonic mean of the
    bases of the data years) and the shares (the value is their mean) the criteria give."""
    changed = True
    while changed:
        changed = False
        for area, ind, years, r in _fed(criteria):
            den = SHARES[ind][1]
            rows = [cells.setdefault((area, y), ({}, {})) for y in years]
            for k, (counts, shares) in enumerate(rows):
                derived = derive(counts, shares)
                counts.update(derived[0])
                shares.update(derived[1])
                others = [c for j, c in enumerate(rows) if j != k]
                if (den not in counts and _shown(r.persons_to_threshold) and _shown(r.margin)
                        and abs(r.margin) > 1e-12
                        and all(den in o[0] and o[0][den] > 0 for o in others)):
                    h = r.persons_to_threshold / r.margin
                    inv = len(years) / h - sum(1 / o[0][den] for o in others)
                    if inv > 0:
                        counts[den] = 1 / inv
                        changed = True
                if (ind not in shares and _shown(r.value)
                        and all(ind in o[1] for o in others)):
                    shares[ind] = len(years) * r.value - sum(o[1][ind] for o in others)
                    changed = True
    return cells


def _determined(rules, shown: dict, hidden: list, category: str | None, n_met) -> dict:
    """The hidden statuses of one area-year that the shown category and count of met criteria
    decide: the attacker tries every yes/no for them and keeps those the rules agree with."""
    from itertools import product

    primary = rules.classification(rules.primary_classification)
    base = {c.id: (c.consecutive.category if c.consecutive else c.id) for c in rules.categories}
    fits = []
    for guess in product([True, False], repeat=len(hidden)):
        st_ = {**shown, **dict(zip(hidden, guess, strict=True))}
        classes = {cl.id: sum(st_[(cl.id, c.id)] for c in cl.criteria) >= cl.min_met
                   for cl in rules.classifications}
        held = [c for c in rules.categories if c.consecutive is None
                and all(classes[x] for x in c.all_of)]
        cat = max(held, key=lambda c: c.severity).id if held else "none"
        if category is not None and base.get(category, category) != cat:
            continue
        if n_met is not None and sum(st_[(primary.id, c.id)] for c in primary.criteria) != n_met:
            continue
        fits.append(guess)
    return {h: fits[0][k] for k, h in enumerate(hidden)
            if fits and all(f[k] == fits[0][k] for f in fits)}


def attack_statuses(criteria: pd.DataFrame, areas: pd.DataFrame, cells: dict,
                    truth: pd.DataFrame, min_cell: int) -> list[str]:
    """Each shown (or inferable) status that bounds a group of fewer than ``min_cell`` persons
    away from 0: "met" says at least one is in the group, "not met" at least one is not; a
    status on the mean income of fewer than ``min_cell`` persons tells about their incomes.
    The attacker is granted the true bases (the worst case)."""
    from boligmonitor.rules import governing_rules

    base_of = {(str(r.area_id), int(r.year)): r for r in truth.itertuples(index=False)}
    status = {}
    for r in criteria.itertuples(index=False):
        key = (str(r.area_id), int(r.list_year), str(r.classification), str(r.criterion))
        status[key] = None if pd.isna(r.is_met) else bool(r.is_met)
    for a in areas.itertuples(index=False):
        rows = {k: v for k, v in status.items() if k[:2] == (str(a.area_id), int(a.list_year))}
        hidden = [k[2:] for k, v in rows.items() if v is None]
        category = (None if str(a.category) in ("suppressed", "undetermined")
                    else str(a.category))
        n_met = None if pd.isna(a.n_criteria_met) else int(a.n_criteria_met)
        if not hidden or (category is None and n_met is None):
            continue
        shown = {k[2:]: v for k, v in rows.items() if v is not None}
        found = _determined(governing_rules(int(a.list_year)), shown, hidden, category, n_met)
        for (cl, cr), v in found.items():
            status[(str(a.area_id), int(a.list_year), cl, cr)] = v
    out = []
    for r in criteria.itertuples(index=False):
        met = status[(str(r.area_id), int(r.list_year), str(r.classification), str(r.criterion))]
        if met is None:
            continue
        years = _years(r.data_years)
        where = f"{r.area_id} {r.list_year} {r.criterion} ({'met' if met else 'not met'})"
        if str(r.indicator) not in SHARES:
            out += [f"{where}: mean income of {getattr(base_of[(str(r.area_id), y)], INCOME_BASE)}"
                    for y in years
                    if 0 < getattr(base_of[(str(r.area_id), y)], INCOME_BASE) < min_cell]
            continue
        den = SHARES[str(r.indicator)][1]
        known = dict(zip(years, (cells.get((str(r.area_id), y), ({}, {}))[1].get(str(r.indicator))
                                 for y in years), strict=True))
        bases = {y: getattr(base_of[(str(r.area_id), y)], den) for y in years}
        few = [y for y in years if 0 < bases[y] < min_cell]
        rest = [known[y] for y in years if y not in few]
        # The mean over the data years passes the line: what the years with many persons
        # cannot carry (their shares at most 1, or as shown), the few must.
        if met and few and len(years) * r.threshold - sum(
                1 if v is None else v for v in rest) > 0:
            out.append(f"{where}: at least 1 of the few in {few}")
        if not met and few and len(years) * r.threshold - sum(v or 0 for v in rest) < len(few):
            out.append(f"{where}: at least 1 of the few not in the group in {few}")
        # "Not met" with less than one whole person of room below the line: exactly 0.
        if not met and str(r.indicator) != "share_outside_work_education_18_64":
            for y in years:
                room = len(years) * r.threshold - sum(
                    v or 0 for z, v in known.items() if z != y)
                if bases[y] > 0 and room * bases[y] < 1:
                    out.append(f"{where}: exactly 0 of {bases[y]:g} in {y}")
    return out


def attack_published(data: pd.DataFrame, assessment, truth: pd.DataFrame,
                     min_cell: int) -> list[str]:
    """Everything above, on what is published: the data table (``data``), the criteria and the
    areas of ``assessment`` (residents, categories, counts of met criteria)."""
    crit, areas = assessment.criteria, assessment.areas
    cells = attack_criteria(_cells(data), crit)
    found = []
    for key, (counts, shares) in cells.items():
        found += disclosures(derive(counts, shares)[0], min_cell, f"{key}: ")
    found += [f"{a.area_id} {a.list_year}: residents {a.residents:g}"
              for a in areas.itertuples(index=False)
              if _shown(a.residents) and a.residents < min_cell]
    return found + attack_statuses(crit, areas, cells, truth, min_cell)


def _dataset(rows_by_area: dict[str, list[dict]], first_year: int) -> pd.DataFrame:
    frames = []
    for aid, rows in rows_by_area.items():
        frames.append(pd.DataFrame(rows).assign(
            area_id=aid, area_name=aid.upper(), municipality="Viborg", region="Midtjylland",
            year=range(first_year, first_year + len(rows))))
    return pd.concat(frames, ignore_index=True)


@settings(max_examples=20, deadline=None)
@given(rows=st.lists(indicator_row(blanks=False), min_size=8, max_size=8),
       min_cell=st.sampled_from([3, 5]))
def test_nothing_a_disclosed_assessment_publishes_gives_a_small_count_back(example, rows,
                                                                           min_cell):
    from boligmonitor.disclosure import suppress_assessment

    ind = _dataset({"a": rows[:4], "b": rows[4:]}, 2022)
    result = bm.assess(ind, example.references, None, list_years=[2024, 2025], explain=False)
    safe = suppress_assessment(result, indicators=ind, min_cell=min_cell)
    shown = suppress_indicators(ind, min_cell).values
    assert attack_published(shown, safe, ind, min_cell) == []


def _tiny(example, residents: float = 3.0, **counts):
    """The example data with Ringparken shrunk to ``residents`` persons, all adults of 30-59,
    one of them convicted (crime "opfyldt"), one outside work, one with basic schooling only,
    one non-western; ``counts`` overrides any of these counts."""
    ind = example.indicators.copy()
    ind.attrs = {}
    ring = ind["area_id"] == "viborg-ringparken"
    small = {"residents": residents, "n_residents_18plus": residents,
             "n_residents_18_64": residents, "n_residents_30_59": residents,
             "n_basic_education_30_59": 1.0, "n_outside_work_education_18_64": 1.0,
             "n_convicted_18plus": 1.0, "n_non_western": 1.0, **counts}
    for c, v in small.items():
        ind.loc[ring, c] = v
    for share, (num, den) in SHARES.items():
        ind.loc[ring, share] = ind.loc[ring, num] / ind.loc[ring, den]
    return ind


def test_the_attacker_reads_a_hidden_count_from_a_status_on_unprotected_output(example):
    # What main published: the values suppressed, the statuses and categories kept.
    ind = _tiny(example)
    result = bm.assess(ind, example.references, example.memberships, list_years=[2025],
                       explain=False)
    crit = suppress_criteria(result.criteria, suppress_indicators(ind), ind["area_id"])
    old = dataclasses.replace(result, criteria=crit.values.assign(
        is_met=result.criteria["is_met"]))
    found = attack_published(suppress_indicators(ind).values, old, ind, 5)
    assert "viborg-ringparken 2025 crime (met): at least 1 of the few in [2023, 2024]" in found


def test_a_status_on_a_suppressed_base_is_suppressed_and_so_is_the_category(example):
    from boligmonitor.disclosure import suppress_assessment

    ind = _tiny(example)
    raw = bm.assess(ind, example.references, example.memberships, list_years=[2024, 2025])
    c = raw.criteria
    is_ring = (c["area_id"] == "viborg-ringparken").to_numpy()
    # 3 residents, 1 convicted: crime is "opfyldt", which says at least 1 of 3 is convicted.
    assert c.loc[is_ring & (c["criterion"] == "crime"), "is_met"].all()
    safe = suppress_assessment(raw, indicators=ind)
    crit, areas = safe.criteria, safe.areas
    assert crit.loc[is_ring, "is_met"].isna().all() and crit.loc[is_ring, "is_suppressed"].all()
    ring = areas[areas["area_id"] == "viborg-ringparken"]
    assert (ring["category"] == "suppressed").all()
    assert ring["n_criteria_met"].isna().all() and ring["residents"].isna().all()
    assert ring["is_udsat_boligomraade"].isna().all() and ring["is_suppressed"].all()
    assert (ring["explanation_da"] == bm.label("text.explanation_withheld")).all()
    # The other areas keep their statuses, counts and categories.
    others = areas[areas["area_id"] != "viborg-ringparken"]
    want = raw.areas[raw.areas["area_id"] != "viborg-ringparken"]
    assert others["category"].astype(str).tolist() == want["category"].astype(str).tolist()
    assert others["n_criteria_met"].tolist() == want["n_criteria_met"].tolist()
    assert crit.loc[~is_ring, "is_met"].notna().all()
    assert attack_published(suppress_indicators(ind).values, safe, ind, 5) == []


def test_not_met_with_less_than_one_person_below_the_line_is_suppressed(example):
    from boligmonitor.disclosure import suppress_assessment

    # 20 adults, nobody convicted: the line (2 years x about 2 % x 20 < 1 person) says "not
    # met" only if the count is 0, so the status would show the suppressed 0.
    ind = _tiny(example, 40.0, n_residents_18plus=20.0, n_residents_18_64=15.0,
                n_residents_30_59=10.0, n_basic_education_30_59=5.0,
                n_outside_work_education_18_64=5.0, n_convicted_18plus=0.0,
                n_non_western=10.0)
    raw = bm.assess(ind, example.references, example.memberships, list_years=[2025],
                    explain=False)
    crime = ((raw.criteria["area_id"] == "viborg-ringparken")
             & (raw.criteria["criterion"] == "crime")).to_numpy()
    assert not raw.criteria.loc[crime, "is_met"].any()
    old = dataclasses.replace(raw, criteria=suppress_criteria(
        raw.criteria, suppress_indicators(ind), ind["area_id"]).values.assign(
            is_met=raw.criteria["is_met"]))
    shown = suppress_indicators(ind).values
    assert any("crime (not met): exactly 0 of 20" in f
               for f in attack_published(shown, old, ind, 5))
    safe = suppress_assessment(raw, indicators=ind)
    assert safe.criteria.loc[crime, "is_met"].isna().all()
    # The bases are shown: the other statuses stay, and so do those of the other areas.
    assert safe.criteria.loc[~crime, "is_met"].notna().all()
    assert attack_published(shown, safe, ind, 5) == []


def test_disclose_gives_the_masks_of_what_it_suppressed(example):
    from boligmonitor.disclosure import SUPPRESSED_CATEGORY, disclose

    ind = _tiny(example)
    # 2016: a published list says Ringparken was not on it, which the engine agrees with.
    raw = bm.assess(ind, example.references, example.memberships, list_years=[2016, 2025])
    d = disclose(raw, indicators=ind)
    is_ring = (raw.criteria["area_id"] == "viborg-ringparken").to_numpy()
    assert d.criteria_mask.columns.tolist() == ["value", "margin", "persons_to_threshold",
                                                "is_met"]
    assert d.criteria_mask.loc[is_ring, "is_met"].all()
    assert not d.criteria_mask.loc[~is_ring, "is_met"].any()
    ring = (d.assessment.areas["area_id"] == "viborg-ringparken").to_numpy()
    assert d.areas_mask.loc[ring, ["residents", "category", "n_criteria_met"]].all().all()
    statuses = [c for c in d.areas_mask.columns if not c.startswith("explanation")]
    assert not d.areas_mask.loc[~ring, statuses].to_numpy().any()
    assert (d.assessment.areas.loc[ring, "category"] == SUPPRESSED_CATEGORY).all()
    # The variants of the computed category go with it; the published category is public.
    for c in ("category_certain", "category_possible", "category_if_listable"):
        assert (d.assessment.areas.loc[ring, c] == SUPPRESSED_CATEGORY).all(), c
    agrees = raw.areas["agrees_with_published"].notna().to_numpy()
    assert (ring & agrees).any()
    assert d.areas_mask.loc[ring & agrees, "agrees_with_published"].all()
    assert d.assessment.areas.loc[ring, "agrees_with_published"].isna().all()
    assert "published_category" not in d.areas_mask.columns
    assert (d.assessment.areas.loc[ring & agrees, "published_category"] == "none").all()
    assert d.indicators is not None and d.indicators.mask["n_convicted_18plus"].any()


def test_a_status_on_a_small_numerator_over_a_large_base_is_kept(example):
    from boligmonitor.disclosure import suppress_assessment

    ind = example.indicators.copy()
    ring = ind["area_id"] == "viborg-ringparken"
    ind.loc[ring, "n_convicted_18plus"] = 2.0
    ind.loc[ring, "share_convicted_18plus"] = 2.0 / ind.loc[ring, "n_residents_18plus"]
    raw = bm.assess(ind, example.references, example.memberships, list_years=[2025])
    safe = suppress_assessment(raw, indicators=ind)
    crit = safe.criteria
    rc = crit[(crit["area_id"] == "viborg-ringparken") & (crit["criterion"] == "crime")]
    assert rc["value"].isna().all() and rc["is_met"].notna().all()
    assert safe.areas["category"].astype(str).tolist() == raw.areas["category"].astype(
        str).tolist()


def test_one_small_base_hides_the_count_of_met_criteria_and_the_category():
    from boligmonitor.disclosure import SUPPRESSED_CATEGORY, suppress_areas

    areas = pd.DataFrame({"area_id": ["a", "b"], "list_year": [2025, 2025],
                          "residents": [1200.0, 900.0], "n_criteria_met": [2, 1],
                          "n_criteria_unknown": [0, 0],
                          "is_udsat_boligomraade": pd.array([True, False], "boolean"),
                          "category": pd.Categorical(["udsat_boligomraade", "none"])})
    out = suppress_areas(areas, status_hidden=np.array([True, False]),
                         residents_hidden=np.array([False, False]))
    assert out.values["category"].astype(str).tolist() == [SUPPRESSED_CATEGORY, "none"]
    assert out.values["n_criteria_met"].isna().tolist() == [True, False]
    assert out.values["is_udsat_boligomraade"].isna().tolist() == [True, False]
    assert out.values.loc[0, "residents"] == 1200.0
    assert out.mask.loc[0, ["category", "n_criteria_met", "is_udsat_boligomraade"]].all()
    assert not out.mask.loc[1].any()


def test_a_consecutive_category_counted_on_a_suppressed_year_is_suppressed():
    from boligmonitor.disclosure import SUPPRESSED_CATEGORY, suppress_areas

    # Omdannelse in 2025 counts parallelsamfund in 2021-2024, computed from data: shown with
    # 2024 hidden it would say that 2024 was a parallelsamfund year.
    areas = pd.DataFrame({"area_id": ["a", "a"], "list_year": [2024, 2025],
                          "residents": [1200.0, 1200.0], "n_criteria_met": [3, 3],
                          "category": pd.Categorical(["parallelsamfund", "omdannelsesomraade"]),
                          "data_years": ["crime: 2022-2023", "crime: 2023-2024"]})
    history = pd.DataFrame({"area_id": ["a"] * 3, "list_year": [2025] * 3,
                            "year": [2025, 2024, 2021],
                            "source": ["computed", "computed", "published"]})
    out = suppress_areas(areas, status_hidden=np.array([True, False]),
                         residents_hidden=np.array([False, False]), history=history)
    assert out.values["category"].astype(str).tolist() == [SUPPRESSED_CATEGORY] * 2
    assert out.values["n_criteria_met"].tolist()[1] == 3  # its own statuses are shown
    # A counted year outside the table: suppressed where a base of the years feeding it is.
    one = areas.iloc[[1]]
    kept = suppress_areas(one, status_hidden=np.array([False]),
                          residents_hidden=np.array([False]), history=history,
                          data_hidden={("a", 2019)})
    hid = suppress_areas(one, status_hidden=np.array([False]),
                         residents_hidden=np.array([False]), history=history,
                         data_hidden={("a", 2022)})
    assert kept.values["category"].astype(str).tolist() == ["omdannelsesomraade"]
    assert hid.values["category"].astype(str).tolist() == [SUPPRESSED_CATEGORY]


# --- every published output gets the statuses and categories through this module --------------


def _tiny_data(example):
    from boligmonitor.datasets import dataset_from_tables

    refs, mem = example.references.copy(), example.memberships.copy()
    refs.attrs, mem.attrs = {}, {}
    return dataset_from_tables(indicators=_tiny(example), references=refs, memberships=mem)


def test_the_assess_command_exports_no_status_or_category_of_a_tiny_area(example, tmp_path,
                                                                         capsys):
    from boligmonitor.cli import main
    from conftest import write_as

    data = _tiny_data(example)
    files = [write_as(t, tmp_path / f"{n}.csv") for n, t in
             (("ind", data.indicators), ("ref", data.references), ("mem", data.memberships))]
    out, crit = tmp_path / "areas.csv", tmp_path / "criteria.csv"
    assert main(["assess", "--data", str(files[0]), "--references", str(files[1]),
                 "--memberships", str(files[2]), "--list-year", "2025", "--out", str(out),
                 "--criteria-out", str(crit)]) == 0
    printed = capsys.readouterr().out.splitlines()
    areas, criteria = pd.read_csv(out), pd.read_csv(crit)
    ring = areas[areas["area_id"] == "viborg-ringparken"].iloc[0]
    assert ring["category"] == "suppressed" and ring["is_suppressed"]
    assert pd.isna(ring["n_criteria_met"]) and pd.isna(ring["residents"])
    rc = criteria[criteria["area_id"] == "viborg-ringparken"]
    assert rc["is_met"].isna().all() and rc["is_suppressed"].all()
    assert areas.loc[areas["area_id"] != "viborg-ringparken", "category"].ne("suppressed").all()
    assert "  2025: Diskretioneret" in printed


@pytest.fixture(scope="module")
def tiny_report(example):
    from boligmonitor.report import build_report

    return build_report(_tiny_data(example), date="2025-12-01")


def test_the_report_shows_no_status_count_or_category_of_a_tiny_area(tiny_report):
    area = next(a for a in tiny_report.areas if a.summary.area_id == "viborg-ringparken")
    s = area.summary
    assert (s.category_id, s.category) == ("suppressed", "Diskretioneret")
    assert s.n_met is None and s.criteria_met == "diskretioneret"
    assert s.direction == "Diskretioneret" and s.residents.state == "suppressed"
    assert not s.warnings  # a flag for next year would be a status on the same few persons
    assert area.lines and all(ln.status == "diskretioneret" and ln.is_met is None
                              for ln in area.lines)
    assert "; opfyldt" not in area.explanation and "ikke opfyldt" not in area.explanation
    assert "opfylder diskretioneret af 4 kriterier" in area.explanation
    scores = next(t for t in tiny_report.sheets if t.key == "scores")
    row = next(r for r in scores.rows if r[0].text == "viborg-ringparken")
    assert {row[4].text, row[5].state} == {"Diskretioneret", "suppressed"}
    crit = next(t for t in tiny_report.sheets if t.key == "criteria")
    status = crit.columns.index(tiny_report.t("col_status"))
    rows = [r for r in crit.rows if r[0].text == "viborg-ringparken" and r[2].raw == 2025]
    assert rows and {r[status].text for r in rows} == {"diskretioneret"}
    # The other areas keep theirs.
    others = [a.summary for a in tiny_report.areas if a.summary.area_id != "viborg-ringparken"]
    assert all(o.n_met is not None and o.category_id != "suppressed" for o in others)


def test_the_report_lists_a_suppressed_category_among_the_changes_not_the_unchanged(
        tiny_report):
    assert "Ringparken" not in tiny_report.unchanged
    (ch,) = [c for c in tiny_report.changes if c.area_id == "viborg-ringparken"]
    assert ch.after == "Diskretioneret" and ch.reasons == ("diskretioneret",)


def test_the_charts_draw_a_tiny_area_as_suppressed(example):
    from boligmonitor import plots

    data = _tiny_data(example)
    result = data.assess()
    shown, ind = plots.suppress_for_charts(result, data.indicators, 5)
    ring = shown.areas[shown.areas["area_id"] == "viborg-ringparken"]
    assert (ring["category"] == "suppressed").all() and ring["n_criteria_met"].isna().all()
    assert ind.loc[ind["area_id"] == "viborg-ringparken", "residents"].isna().all()
    fig = plots.plot_overview(shown, lang="da")
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    legend = [t.get_text() for lg in legends for t in lg.get_texts()]
    assert "Diskretioneret" in legend
    cells = {p.get_gid(): p for ax in fig.axes for p in ax.patches if p.get_gid()}
    assert all(cells[f"cell:viborg-ringparken:{y}"].get_hatch() == "..."
               for y in ring["list_year"])
    assert texts  # the other areas still show their criteria met


def test_the_projection_of_next_year_is_disclosed(example):
    from boligmonitor.disclosure import suppress_early_warning

    ind = _tiny(example)
    ew = bm.early_warning(ind, example.references, example.memberships, list_year=2025)
    safe = suppress_early_warning(ew, ind)
    proj = safe.projection.areas.set_index("area_id")
    assert proj.loc["viborg-ringparken", "category"] == "suppressed"
    assert (proj.drop("viborg-ringparken")["category"] != "suppressed").all()
    b = safe.boundaries[safe.boundaries["area_id"] == "viborg-ringparken"]
    assert b[["boundary", "latest_value", "headroom"]].isna().all().all()


def test_the_charts_of_layout_b_data_are_disclosed_too():
    from boligmonitor import plots

    cv = pd.DataFrame({
        "area_id": ["big", "lille"], "area_name": ["Big", "Lille"],
        "municipality": ["Viborg"] * 2, "region": ["Midtjylland"] * 2,
        "list_year": [2025, 2025], "residents": [1500.0, 4.0],
        "share_non_western": [0.52, 0.61], "share_outside_work_education_18_64": [0.45, 0.54],
        "convicted_ratio_to_national": [3.3, 2.7], "share_basic_education_30_59": [0.62, 0.72],
        "income_ratio_to_region": [0.5, 0.44]})
    result = bm.assess(criterion_values=cv, list_years=[2025])
    shown, ind = plots.suppress_for_charts(result, None, 5, criterion_values=cv)
    assert ind is None
    areas = shown.areas.set_index("area_id")
    assert areas.loc["lille", "category"] == "suppressed"
    assert areas.loc["big", "category"] == result.areas.set_index("area_id").loc["big",
                                                                                 "category"]
    lille = shown.criteria[shown.criteria["area_id"] == "lille"]
    assert lille["value"].isna().all() and lille["is_met"].isna().all()


def test_a_negative_minimum_is_one_clear_error_on_the_command_line(capsys):
    from boligmonitor.cli import main
    from boligmonitor.errors import OptionError

    with pytest.raises(OptionError, match="min_cell must be >= 0, got -1"):
        suppress_indicators(_row(), min_cell=-1)
    assert main(["plot", "--min-cell", "-1", "--format", "svg"]) == 2
    err = capsys.readouterr().err
    assert "--min-cell -1: allowed: a whole number >= 0" in err and "Traceback" not in err
