"""The rule set as frozen dataclasses: what a parsed rule file holds.

Nothing here knows the law's numbers; they come from the rule files
(:mod:`boligmonitor.rules.parse` reads and checks them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
