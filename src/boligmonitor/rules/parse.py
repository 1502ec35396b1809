"""Reading a rule file: every key checked, every problem named at once.

:func:`parse_rules` turns a parsed TOML document into a :class:`~boligmonitor.rules.model.RuleSet`
or raises one :class:`~boligmonitor.errors.RuleSetError` naming the file, each bad key, its value
and what is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from boligmonitor.errors import RuleSetError
from boligmonitor.rules.model import (
    CRITERION_IDS,
    INDICATOR_IDS,
    OPERATORS,
    REFERENCES,
    ROLES,
    SHARE_INDICATORS,
    TIMINGS,
    Category,
    Classification,
    Consecutive,
    Criterion,
    KombineretUdlejning,
    RuleSet,
    Tier,
    Transitional,
    YearRange,
)
from boligmonitor.schemas import CATEGORY_IDS


class _Problems:
    """Collects every problem of a rule file, so that one error names them all."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: list[str] = []

    def add(self, key: str, value: Any, problem: str, allowed: str = "") -> None:
        allowed_txt = f" (allowed: {allowed})" if allowed else ""
        self.lines.append(f"  key {key!r}: value {value!r}: {problem}{allowed_txt}")

    def raise_if_any(self) -> None:
        if self.lines:
            n = len(self.lines)
            raise RuleSetError(
                f"malformed rule file {self.source}: {n} problem{'s' if n != 1 else ''}:\n"
                + "\n".join(self.lines)
            )


_MISSING = object()


def _get(
    table: Mapping[str, Any],
    key: str,
    path: str,
    kind: type | tuple[type, ...],
    problems: _Problems,
    *,
    required: bool = True,
    default: Any = None,
    allowed: str = "",
) -> Any:
    value = table.get(key, _MISSING)
    full = f"{path}.{key}" if path else key
    if value is _MISSING:
        if required:
            problems.add(full, None, "missing", allowed)
        return default
    # bool is an int in Python; a rule file that writes `true` for a number is wrong.
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        problems.add(full, value, "wrong type", allowed or _type_name(kind))
        return default
    if not isinstance(value, kind):
        problems.add(full, value, "wrong type", allowed or _type_name(kind))
        return default
    return value


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {int: "an integer", float: "a number", str: "text", dict: "a table", list: "a list"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _check_keys(
    table: Mapping[str, Any], path: str, allowed: tuple[str, ...], p: _Problems
) -> None:
    for key in table:
        if key not in allowed:
            p.add(f"{path}.{key}" if path else key, table[key], "unknown key", ", ".join(allowed))


def _choice(
    table: Mapping[str, Any], key: str, path: str, choices: tuple[str, ...], p: _Problems
) -> str:
    value = _get(table, key, path, str, p, default="", allowed=", ".join(map(repr, choices)))
    if value and value not in choices:
        p.add(f"{path}.{key}", value, "not allowed", ", ".join(map(repr, choices)))
        return ""
    return value


def _years(raw: Any, path: str, p: _Problems, *, last_required: bool = False) -> YearRange:
    if not isinstance(raw, dict):
        p.add(path, raw, "wrong type", "a table { first = YEAR, last = YEAR }")
        return YearRange(0, 0)
    _check_keys(raw, path, ("first", "last"), p)
    first = _get(raw, "first", path, int, p, default=0)
    last = _get(raw, "last", path, int, p, required=last_required)
    if last is not None and first and last < first:
        p.add(f"{path}.last", last, f"before first ({first})", f"a year >= {first}")
    return YearRange(first, last)


def _number(
    table: Mapping[str, Any],
    key: str,
    path: str,
    p: _Problems,
    *,
    minimum: float = 0.0,
    maximum: float | None = None,
    strict_min: bool = False,
) -> float:
    value = _get(table, key, path, (int, float), p, default=float("nan"))
    if value != value:  # missing or wrong type, already reported
        return float("nan")
    too_low = value <= minimum if strict_min else value < minimum
    too_high = maximum is not None and value > maximum
    if too_low or too_high:
        lo = f"> {minimum}" if strict_min else f">= {minimum}"
        hi = f" and <= {maximum}" if maximum is not None else ""
        p.add(f"{path}.{key}", value, "out of range", f"a number {lo}{hi}")
    return float(value)


def _criterion(cid: str, raw: Any, path: str, p: _Problems) -> Criterion | None:
    if cid not in CRITERION_IDS:
        p.add(path, cid, "unknown criterion id", ", ".join(CRITERION_IDS))
    if not isinstance(raw, dict):
        p.add(path, raw, "wrong type", "a table")
        return None
    keys = ("indicator", "operator", "threshold", "reference", "timing", "window", "citation")
    _check_keys(raw, path, keys, p)
    indicator = _choice(raw, "indicator", path, INDICATOR_IDS, p)
    operator = _choice(raw, "operator", path, tuple(OPERATORS), p)
    reference = _choice(raw, "reference", path, REFERENCES, p)
    timing = _choice(raw, "timing", path, TIMINGS, p)
    if reference == "absolute" and indicator in SHARE_INDICATORS:
        threshold = _number(raw, "threshold", path, p, maximum=1.0)
    else:
        threshold = _number(raw, "threshold", path, p, strict_min=True)
    if reference != "absolute" and indicator == "share_non_western":
        p.add(
            f"{path}.reference",
            reference,
            "no reference values exist for this indicator",
            "'absolute'",
        )
    window = _get(raw, "window", path, int, p, default=1, allowed="an integer >= 1")
    if window < 1:
        p.add(f"{path}.window", window, "out of range", "an integer >= 1")
    if timing == "point_in_time" and window != 1:
        p.add(f"{path}.window", window, "a point-in-time measure cannot be averaged", "1")
    citation = _get(raw, "citation", path, str, p, default="")
    return Criterion(cid, indicator, operator, threshold, reference, timing, window, citation)


def _classification(cid: str, raw: Any, path: str, p: _Problems) -> Classification | None:
    if not isinstance(raw, dict):
        p.add(path, raw, "wrong type", "a table")
        return None
    _check_keys(raw, path, ("role", "min_met", "citation", "criteria"), p)
    role = _choice(raw, "role", path, ROLES, p)
    min_met = _get(raw, "min_met", path, int, p, default=1, allowed="an integer >= 1")
    citation = _get(raw, "citation", path, str, p, default="")
    crit_raw = _get(raw, "criteria", path, dict, p, default={}, allowed="a table of criteria")
    if not crit_raw:
        p.add(
            f"{path}.criteria",
            crit_raw,
            "no criteria",
            f"one or more of {', '.join(CRITERION_IDS)}",
        )
    criteria = tuple(
        c for c in (_criterion(k, v, f"{path}.criteria.{k}", p) for k, v in crit_raw.items()) if c
    )
    if crit_raw and not 1 <= min_met <= len(crit_raw):
        p.add(
            f"{path}.min_met",
            min_met,
            "cannot be met by the criteria listed",
            f"an integer from 1 to {len(crit_raw)}",
        )
    return Classification(cid, role, min_met, criteria, citation)


def _consecutive(raw: Any, path: str, p: _Problems) -> Consecutive | None:
    if not isinstance(raw, dict):
        p.add(path, raw, "wrong type", "a table")
        return None
    _check_keys(raw, path, ("category", "years", "counts_as", "citation", "transitional"), p)
    category = _choice(raw, "category", path, CATEGORY_IDS, p)
    years = _get(raw, "years", path, int, p, default=1, allowed="an integer >= 1")
    if years < 1:
        p.add(f"{path}.years", years, "out of range", "an integer >= 1")
    counts_as = _get(raw, "counts_as", path, list, p, default=[], allowed="a list of category ids")
    for i, c in enumerate(counts_as):
        if c not in CATEGORY_IDS:
            p.add(f"{path}.counts_as[{i}]", c, "unknown category id", ", ".join(CATEGORY_IDS))
    if category and category not in counts_as:
        p.add(f"{path}.counts_as", counts_as, f"must include the base category {category!r}")
    citation = _get(raw, "citation", path, str, p, default="")
    trans_raw = _get(raw, "transitional", path, list, p, required=False, default=[])
    transitional = []
    for i, t in enumerate(trans_raw):
        tpath = f"{path}.transitional[{i}]"
        if not isinstance(t, dict):
            p.add(tpath, t, "wrong type", "a table")
            continue
        _check_keys(t, tpath, ("list_years", "years", "citation"), p)
        tyears = _get(t, "years", tpath, int, p, default=1)
        transitional.append(
            Transitional(
                _years(t.get("list_years"), f"{tpath}.list_years", p, last_required=True),
                tyears,
                _get(t, "citation", tpath, str, p, default=""),
            )
        )
    return Consecutive(category, years, tuple(counts_as), citation, tuple(transitional))


def _kombineret(raw: Any, path: str, p: _Problems) -> KombineretUdlejning | None:
    if not isinstance(raw, dict):
        p.add(path, raw, "wrong type", "a table")
        return None
    _check_keys(raw, path, ("indicator", "timing", "window", "citation", "note", "tiers"), p)
    indicator = _choice(raw, "indicator", path, INDICATOR_IDS, p)
    timing = _choice(raw, "timing", path, TIMINGS, p)
    window = _get(raw, "window", path, int, p, default=1)
    if window < 1:
        p.add(f"{path}.window", window, "out of range", "an integer >= 1")
    tiers = []
    for i, t in enumerate(
        _get(raw, "tiers", path, list, p, default=[], allowed="a list of tables")
    ):
        tpath = f"{path}.tiers[{i}]"
        if not isinstance(t, dict):
            p.add(tpath, t, "wrong type", "a table")
            continue
        _check_keys(t, tpath, ("min_residents", "operator", "threshold"), p)
        tiers.append(
            Tier(
                _number(t, "min_residents", tpath, p),
                _choice(t, "operator", tpath, tuple(OPERATORS), p),
                _number(t, "threshold", tpath, p, maximum=1.0),
            )
        )
    return KombineretUdlejning(
        indicator,
        timing,
        window,
        tuple(tiers),
        _get(raw, "citation", path, str, p, default=""),
        _get(raw, "note", path, str, p, required=False, default=""),
    )


_TOP_KEYS = (
    "id",
    "name_da",
    "name_en",
    "list_years",
    "law",
    "note",
    "note_da",
    "primary_classification",
    "area",
    "classifications",
    "categories",
    "kombineret_udlejning",
)


def parse_rules(raw: Mapping[str, Any], source: str = "<rules>") -> RuleSet:
    """Check a parsed rule file and return its :class:`RuleSet`.

    Raises :class:`~boligmonitor.errors.RuleSetError` naming ``source``, every bad key, its value
    and what is allowed.
    """
    p = _Problems(source)
    _check_keys(raw, "", _TOP_KEYS, p)
    rid = _get(raw, "id", "", str, p, default="")
    name_da = _get(raw, "name_da", "", str, p, default="")
    name_en = _get(raw, "name_en", "", str, p, default="")
    list_years = _years(raw.get("list_years"), "list_years", p)
    law = _get(raw, "law", "", str, p, default="")
    note = _get(raw, "note", "", str, p, required=False, default="")
    note_da = _get(raw, "note_da", "", str, p, required=False, default="")

    area = _get(raw, "area", "", dict, p, default={})
    _check_keys(area, "area", ("min_residents", "operator", "citation"), p)
    min_residents = _number(area, "min_residents", "area", p) if area else float("nan")
    min_op = _choice(area, "operator", "area", tuple(OPERATORS), p) if area else ""
    min_cit = _get(area, "citation", "area", str, p, default="") if area else ""

    cl_raw = _get(raw, "classifications", "", dict, p, default={})
    classifications = tuple(
        c
        for c in (_classification(k, v, f"classifications.{k}", p) for k, v in cl_raw.items())
        if c
    )
    cl_ids = tuple(cl_raw)
    primary = _get(raw, "primary_classification", "", str, p, default="", allowed=", ".join(cl_ids))
    if primary and primary not in cl_ids:
        p.add("primary_classification", primary, "no such classification", ", ".join(cl_ids))

    cat_raw = _get(raw, "categories", "", dict, p, default={})
    if not cat_raw:
        p.add("categories", cat_raw, "no categories", ", ".join(CATEGORY_IDS))
    categories = []
    for cid, c in cat_raw.items():
        path = f"categories.{cid}"
        if cid not in CATEGORY_IDS:
            p.add(path, cid, "unknown category id", ", ".join(CATEGORY_IDS))
        if not isinstance(c, dict):
            p.add(path, c, "wrong type", "a table")
            continue
        _check_keys(c, path, ("severity", "all_of", "citation", "consecutive"), p)
        severity = _get(c, "severity", path, int, p, default=0)
        all_of = _get(
            c, "all_of", path, list, p, default=[], allowed="a list of classification ids"
        )
        for i, a in enumerate(all_of):
            if a not in cl_ids:
                p.add(f"{path}.all_of[{i}]", a, "no such classification", ", ".join(cl_ids))
        consecutive = None
        if "consecutive" in c:
            consecutive = _consecutive(c["consecutive"], f"{path}.consecutive", p)
            if consecutive and consecutive.category and consecutive.category not in cat_raw:
                p.add(
                    f"{path}.consecutive.category",
                    consecutive.category,
                    "not a category of this rule set",
                    ", ".join(cat_raw),
                )
            if consecutive and consecutive.category == cid:
                p.add(f"{path}.consecutive.category", cid, "a category cannot count itself")
        elif not all_of:
            p.add(
                f"{path}.all_of", all_of, "a category needs classifications or a consecutive rule"
            )
        categories.append(
            Category(
                cid,
                severity,
                tuple(all_of),
                _get(c, "citation", path, str, p, default=""),
                consecutive,
            )
        )
    severities = [c.severity for c in categories]
    if len(set(severities)) != len(severities):
        p.add("categories.*.severity", severities, "severities must differ", "distinct integers")
    # A consecutive category must build on a category decided by classifications alone.
    for c in categories:
        if c.consecutive and any(
            o.id == c.consecutive.category and o.consecutive for o in categories
        ):
            p.add(
                f"categories.{c.id}.consecutive.category",
                c.consecutive.category,
                "the base category must not itself be a consecutive-years category",
            )

    kombi = None
    if "kombineret_udlejning" in raw:
        kombi = _kombineret(raw["kombineret_udlejning"], "kombineret_udlejning", p)
    p.raise_if_any()
    return RuleSet(
        rid,
        name_da,
        name_en,
        list_years,
        law,
        note,
        primary,
        min_residents,
        min_op,
        min_cit,
        classifications,
        tuple(categories),
        kombi,
        source,
        note_da,
    )
