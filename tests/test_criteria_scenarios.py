"""The scenario files (tests/scenarios/*.toml), scored: the law at every boundary, per regime.

Each scenario states its inputs, its list year and the expected results as data; this module
only builds the tables, scores them and compares. A scenario scores with the engine's defaults,
the bundled published reference values included, unless it says ``stated_references = false``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from boligmonitor.criteria import assess
from boligmonitor.criteria.stated import missing_references
from boligmonitor.options import Options
from scenarios import builder


def _cases(kind: str) -> list[Any]:
    out = []
    for name in builder.files():
        for case in builder.load(name).get(kind, []):
            label = (
                case.get("name") or f"{case.get('classification', kind)}.{case.get('criterion')}"
            )
            out.append(pytest.param(case, id=f"{name.removesuffix('.toml')}: {label}"))
    return out


def _expected(value: Any, column: str = "") -> Any:
    if column == "category":  # the category column spells "undetermined" out
        return value
    return pd.NA if value in ("undetermined", "unknown") else value


def _same(actual: Any, expected: Any) -> bool:
    if expected is pd.NA:
        return actual is pd.NA or pd.isna(actual)
    if actual is pd.NA:
        return False
    return actual == expected


def _score(case: dict[str, Any], frames: list[pd.DataFrame]):
    refs = builder.references(case.get("references"), case.get("drop_references"))
    return assess(
        pd.concat(frames, ignore_index=True),
        refs,
        builder.memberships(case.get("published")),
        list_years=[case["list_year"]],
        options=Options(**case.get("options", {})),
        stated_references=case.get("stated_references", True),
    )


def _check_references(case: dict[str, Any], result) -> None:
    """The origin of each relative criterion's reference, and what is named as missing."""
    crit = result.criteria.set_index(["classification", "criterion"])
    for key, value in case.get("reference_source", {}).items():
        got = str(crit.loc[tuple(key.split("."))]["reference_source"])
        assert got == value, f"{key}: reference from {value!r}, got {got!r}"
    if "missing" in case:
        got = missing_references(result.criteria, result.areas)
        named = sorted((int(r.list_year), r.indicator, r.scope) for r in got.itertuples())
        want = sorted((int(m["list_year"]), m["indicator"], m["scope"]) for m in case["missing"])
        assert named == want, f"missing references: expected {want}, got {named}"


@pytest.mark.parametrize("case", _cases("boundary"))
def test_every_operator_at_its_boundary_and_just_either_side(case):
    frames = [
        builder.indicators({case["indicator"]: v}, area_id=f"A{i}")
        for i, (v, _) in enumerate(case["cases"])
    ]
    result = _score(case, frames)
    crit = result.criteria.set_index(["classification", "criterion", "area_id"])
    for i, (value, met) in enumerate(case["cases"]):
        row = crit.loc[(case["classification"], case["criterion"], f"A{i}")]
        assert row["is_met"] == met, f"{case['criterion']} = {value}: expected is_met {met}"
        assert row["threshold"] == pytest.approx(case["threshold"], rel=1e-12)
        if value == case["threshold"]:
            assert row["margin"] == 0.0, "the margin is zero exactly at the threshold"
        else:
            assert (row["margin"] > 0) == met, "the margin is positive exactly when met"


@pytest.mark.parametrize("case", _cases("listable"))
def test_areas_need_at_least_1000_residents_to_be_listable(case):
    frames = [
        builder.indicators({"residents": r}, area_id=f"A{i}")
        for i, (r, _) in enumerate(case["cases"])
    ]
    areas = _score(case, frames).areas.set_index("area_id")
    for i, (residents, listable) in enumerate(case["cases"]):
        assert areas.loc[f"A{i}", "is_listable"] == listable, f"{residents} residents"


@pytest.mark.parametrize("case", _cases("kombineret"))
def test_kombineret_udlejning_tiers_by_area_size(case):
    frames = [
        builder.indicators(
            {"residents": r, "share_outside_work_education_18_64": s}, area_id=f"A{i}"
        )
        for i, (r, s, _) in enumerate(case["cases"])
    ]
    areas = _score(case, frames).areas.set_index("area_id")
    for i, (residents, share, expected) in enumerate(case["cases"]):
        got = areas.loc[f"A{i}", "is_kombineret_udlejning"]
        assert got == expected, f"{residents} residents, {share} outside: expected {expected}"


def _check_area_and_criteria(case: dict, result) -> None:
    """The case's expected area columns (``expect``), criterion statuses (``met``) and
    thresholds (``threshold``) of area X."""
    area = result.areas.set_index("area_id").loc["X"]
    for col, value in case.get("expect", {}).items():
        got = area[col]
        assert _same(got, _expected(value, col)), f"{col}: expected {value!r}, got {got!r}"
    crit = result.criteria.set_index(["classification", "criterion"])
    for key, value in case.get("met", {}).items():
        got = crit.loc[tuple(key.split("."))]["is_met"]
        assert _same(got, _expected(value)), f"{key}: expected {value!r}, got {got!r}"
    for key, value in case.get("threshold", {}).items():
        got = crit.loc[tuple(key.split("."))]["threshold"]
        assert got == pytest.approx(value, rel=1e-12), f"{key}: threshold {got} != {value}"


@pytest.mark.parametrize("case", _cases("scenario"))
def test_scenario(case):
    frame = builder.indicators(case.get("set", {}), region=case.get("region", "Midtjylland"))
    result = _score(case, [frame])
    _check_area_and_criteria(case, result)
    hist = result.history.set_index("year")
    for year, source, member in case.get("history", []):
        assert hist.loc[year, "source"] == source, f"{year} from {source}"
        assert _same(hist.loc[year, "is_member"], _expected(member)), f"{year} member {member}"
    _check_references(case, result)


@pytest.mark.parametrize("case", _cases("list_values"))
def test_list_value_scenario(case):
    """Layout (b) as the lists print it: every criterion of every regime is scorable."""
    values = builder.criterion_values(case["values"], case["list_year"])
    refs = (builder.references(case.get("references"), case.get("drop_references"))
            if case.get("with_references", False) else None)
    result = assess(
        None, refs, builder.memberships(case.get("published")), criterion_values=values,
        list_years=[case["list_year"]], options=Options(**case.get("options", {})),
        stated_references=case.get("stated_references", True),
    )
    _check_area_and_criteria(case, result)
    _check_references(case, result)
