"""The rule sets: one TOML data file per legal regime, and the loader that checks them.

The law lives in the ``regime_<id>.toml`` files next to this module; nothing of it (thresholds,
operators, windows, references, how many criteria must be met, gates, consecutive-year rules)
is repeated in Python. This module only parses a rule file into frozen dataclasses and rejects a
malformed one, naming the file, the key, the bad value and what is allowed.

A user scores under a changed rule set by copying a file, editing it and passing its path to
:func:`load_rules` (or ``boligmonitor assess --rules PATH``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from boligmonitor.errors import RuleSetError
from boligmonitor.schemas import CATEGORY_IDS

# The law's words for the comparisons, and what each means. Only these three occur in the law.
OPERATORS: dict[str, str] = {"overstiger": ">", "mindst": ">=", "mindre end": "<"}
REFERENCES: tuple[str, ...] = ("absolute", "national", "regional")
TIMINGS: tuple[str, ...] = ("point_in_time", "annual")
ROLES: tuple[str, ...] = ("criteria", "gate")
CRITERION_IDS: tuple[str, ...] = ("employment", "crime", "education", "income", "non_western")
INDICATOR_IDS: tuple[str, ...] = (
    "share_non_western",
    "share_outside_work_education_18_64",
    "share_convicted_18plus",
    "share_basic_education_30_59",
    "mean_gross_income_15_64",
)
# Indicators measured as shares (0-1): an absolute threshold on them must be a share too.
SHARE_INDICATORS: frozenset[str] = frozenset(i for i in INDICATOR_IDS if i.startswith("share_"))

_RULES_PACKAGE = "boligmonitor.rules"


@dataclass(frozen=True)
class YearRange:
    """Inclusive range of list years; ``last`` is None for a rule set still in force."""

    first: int
    last: int | None = None

    def __contains__(self, year: object) -> bool:
        if not isinstance(year, int):
            return False
        return year >= self.first and (self.last is None or year <= self.last)

    def __str__(self) -> str:
        return f"{self.first}-{'' if self.last is None else self.last}"


@dataclass(frozen=True)
class Criterion:
    """One criterion of a classification: ``value <operator> threshold``."""

    id: str
    indicator: str
    operator: str
    threshold: float
    reference: str
    timing: str
    window: int
    citation: str

    @property
    def symbol(self) -> str:
        """The comparison as a symbol (``>``, ``>=``, ``<``)."""
        return OPERATORS[self.operator]


@dataclass(frozen=True)
class Classification:
    """A set of criteria of which at least ``min_met`` must be met.

    ``role`` is ``"criteria"`` for a list's criteria (``n_criteria_met`` counts them) and
    ``"gate"`` for a condition on top of them (the non-western share).
    """

    id: str
    role: str
    min_met: int
    criteria: tuple[Criterion, ...]
    citation: str


@dataclass(frozen=True)
class Transitional:
    """A transitional number of consecutive years for some list years."""

    list_years: YearRange
    years: int
    citation: str


@dataclass(frozen=True)
class Consecutive:
    """The base ``category`` held in the list year and in each of the ``years - 1`` before.

    In earlier years, membership of any of ``counts_as`` (published, or computed under that
    year's rule set) counts as holding the base category.
    """

    category: str
    years: int
    counts_as: tuple[str, ...]
    citation: str
    transitional: tuple[Transitional, ...] = ()

    def years_for(self, list_year: int) -> int:
        """Return the number of years the rule asks for in ``list_year``."""
        for t in self.transitional:
            if list_year in t.list_years:
                return t.years
        return self.years


@dataclass(frozen=True)
class Category:
    """A list category: all of ``all_of`` classifications met, or a consecutive-years rule."""

    id: str
    severity: int
    all_of: tuple[str, ...]
    citation: str
    consecutive: Consecutive | None = None


@dataclass(frozen=True)
class Tier:
    """One tier of the kombineret-udlejning condition."""

    min_residents: float
    operator: str
    threshold: float


@dataclass(frozen=True)
class KombineretUdlejning:
    """Kombineret udlejning: the share outside the labour market against tiers by area size."""

    indicator: str
    timing: str
    window: int
    tiers: tuple[Tier, ...]
    citation: str
    note: str = ""


@dataclass(frozen=True)
class RuleSet:
    """One regime of the law, as read from its rule file."""

    id: str
    name_da: str
    name_en: str
    list_years: YearRange
    law: str
    note: str
    primary_classification: str
    min_residents: float
    min_residents_operator: str
    min_residents_citation: str
    classifications: tuple[Classification, ...]
    categories: tuple[Category, ...]
    kombineret_udlejning: KombineretUdlejning | None
    source: str = field(default="", compare=False)
    note_da: str = ""

    def note_in(self, lang: str) -> str:
        """The rule file's note in ``lang`` (``note_da`` for Danish, ``note`` for English); the
        English note where a Danish one is missing."""
        return (self.note_da or self.note) if lang == "da" else self.note

    def classification(self, cid: str) -> Classification:
        """Return the classification ``cid``."""
        for c in self.classifications:
            if c.id == cid:
                return c
        raise KeyError(cid)

    @property
    def category_ids(self) -> tuple[str, ...]:
        """The category ids of this regime, least severe first."""
        return tuple(c.id for c in sorted(self.categories, key=lambda c: c.severity))

    def criteria(self) -> list[tuple[Classification, Criterion]]:
        """Every (classification, criterion) pair, in file order."""
        return [(cl, cr) for cl in self.classifications for cr in cl.criteria]


# --- parsing and validation ---------------------------------------------------------------------


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


def load_rules(id_or_path: str | Path) -> RuleSet:
    """Return a rule set by id (``"2018"``) of a bundled rule file, or from a TOML file path."""
    text = str(id_or_path)
    if text in available_rules():
        return _bundled(text)
    path = Path(text)
    if not path.exists():
        raise RuleSetError(
            f"no rule set {text!r}: neither a bundled id (allowed: {', '.join(available_rules())}) "
            "nor an existing file"
        )
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError(f"malformed rule file {path}: not valid TOML: {exc}") from None
    return parse_rules(raw, str(path))


def _bundled_files() -> dict[str, Any]:
    folder = resources.files(_RULES_PACKAGE)
    return {
        f.name.removeprefix("regime_").removesuffix(".toml"): f
        for f in folder.iterdir()
        if f.name.startswith("regime_") and f.name.endswith(".toml")
    }


@cache
def available_rules() -> tuple[str, ...]:
    """Return the ids of the bundled rule sets, oldest first."""
    return tuple(sorted(_bundled_files()))


def bundled_rule_paths() -> dict[str, Path]:
    """Return the path of each bundled rule file by id (for copying and editing)."""
    return {k: Path(str(v)) for k, v in sorted(_bundled_files().items())}


@cache
def _bundled(rid: str) -> RuleSet:
    f = _bundled_files()[rid]
    raw = tomllib.loads(f.read_text("utf-8"))
    return parse_rules(raw, f"boligmonitor/rules/{f.name}")


def rules_for_year(list_year: int) -> RuleSet:
    """Return the bundled rule set that governs ``list_year``."""
    for rid in available_rules():
        rules = _bundled(rid)
        if list_year in rules.list_years:
            return rules
    spans = ", ".join(f"{r}: {_bundled(r).list_years}" for r in available_rules())
    raise RuleSetError(f"no bundled rule set governs list year {list_year} (allowed: {spans})")


def governing_rules(list_year: int) -> RuleSet | None:
    """Return the bundled rule set of ``list_year``, or None before the first list."""
    try:
        return rules_for_year(list_year)
    except RuleSetError:
        return None
