"""The table contracts: the columns of every layout that crosses a boundary.

A layout is a list of :class:`Column` specs. The readers in :mod:`boligmonitor.io` parse a file
into a layout and :mod:`boligmonitor.validation` checks it against these specs; every other
module may rely on a validated table having exactly these columns and dtypes:
text columns as ``string``, years as ``int64``, every measure (shares, counts, money, ratios)
as ``float64`` with NaN for missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "region", "year", "share", "count", "fte", "money", "ratio", "category",
               "scope", "indicator", "coverage", "status"]

REGIONS: tuple[str, ...] = ("Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland")

CATEGORY_IDS: tuple[str, ...] = (
    "ghettoomraade",
    "haardt_ghettoomraade",
    "udsat_boligomraade",
    "parallelsamfund",
    "omdannelsesomraade",
    "forebyggelsesomraade",
)

# A memberships row may also record that an area was checked and was on no list that year.
NO_LIST = "none"
# How much of a list year a memberships row's table holds: every list of the year (default),
# the whole list of the row's category, or only the rows present (criteria/published.py).
COVERAGES: tuple[str, ...] = ("whole", "list", "partial")
# Whether a memberships row says the area was on the list (default) or was checked and was not.
MEMBERSHIP_STATUSES: tuple[str, ...] = ("listed", "not_listed")

REFERENCE_INDICATORS: tuple[str, ...] = ("share_convicted_18plus", "mean_gross_income_15_64")

YEAR_MIN, YEAR_MAX = 1990, 2100


@dataclass(frozen=True)
class Column:
    """One column of a layout.

    ``required`` columns must be present in the file; ``nullable`` ones may have empty cells.
    ``derivable_from`` names the (numerator, denominator) count columns from which a share
    column may be derived when the file leaves it out.
    """

    name: str
    kind: Kind
    required: bool = True
    nullable: bool = True
    derivable_from: tuple[str, str] | None = None


# Count columns and the share they explain: share = numerator / denominator.
SHARE_COUNTS: dict[str, tuple[str, str]] = {
    "share_non_western": ("n_non_western", "residents"),
    "share_outside_work_education_18_64": (
        "n_outside_work_education_18_64",
        "n_residents_18_64",
    ),
    "share_convicted_18plus": ("n_convicted_18plus", "n_residents_18plus"),
    "share_basic_education_30_59": ("n_basic_education_30_59", "n_residents_30_59"),
}

_IDENTITY = [
    Column("area_id", "text", nullable=False),
    Column("area_name", "text", nullable=False),
    Column("municipality", "text", nullable=False),
    Column("region", "region", nullable=False),
]

INDICATORS = [
    *_IDENTITY,
    Column("year", "year", nullable=False),
    Column("residents", "count"),
    Column("share_non_western", "share", derivable_from=SHARE_COUNTS["share_non_western"]),
    Column(
        "share_outside_work_education_18_64",
        "share",
        derivable_from=SHARE_COUNTS["share_outside_work_education_18_64"],
    ),
    Column(
        "share_convicted_18plus", "share", derivable_from=SHARE_COUNTS["share_convicted_18plus"]
    ),
    Column(
        "share_basic_education_30_59",
        "share",
        derivable_from=SHARE_COUNTS["share_basic_education_30_59"],
    ),
    Column("mean_gross_income_15_64", "money"),
    Column("n_residents_18_64", "count", required=False),
    # Full-time persons over the year: a fraction of a person is a valid count.
    Column("n_outside_work_education_18_64", "fte", required=False),
    Column("n_residents_18plus", "count", required=False),
    Column("n_convicted_18plus", "count", required=False),
    Column("n_residents_30_59", "count", required=False),
    Column("n_basic_education_30_59", "count", required=False),
    Column("n_non_western", "count", required=False),
]

# Layout (b) holds what a published list prints. Only the identity, the list year and the
# residents are required: a list of 2010 prints no income, one of 2018 no ratio.
CRITERION_VALUES = [
    *_IDENTITY,
    Column("list_year", "year", nullable=False),
    Column("residents", "count"),
    Column("share_non_western", "share", required=False),
    Column("share_outside_work_education_18_64", "share", required=False),
    Column("share_convicted_18plus", "share", required=False),
    Column("convicted_ratio_to_national", "ratio", required=False),
    # What a list states about its relative conviction line: the national average, or the line
    # itself for the main list (e.g. "2,2 pct." for 3 x). One value per list year.
    Column("convicted_national_share", "share", required=False),
    Column("convicted_threshold_share", "share", required=False),
    Column("share_basic_education_30_59", "share", required=False),
    Column("income_ratio_to_region", "ratio", required=False),
]

REFERENCES = [
    Column("year", "year", nullable=False),
    Column("scope", "scope", nullable=False),
    Column("indicator", "indicator", nullable=False),
    Column("value", "money", nullable=False),
    Column("source", "text", nullable=False),
]

MEMBERSHIPS = [
    Column("area_id", "text", nullable=False),
    Column("list_year", "year", nullable=False),
    Column("category", "category", nullable=False),
    Column("source", "text", nullable=False),
    Column("coverage", "coverage", required=False),
    Column("status", "status", required=False),
]

LAYOUTS: dict[str, list[Column]] = {
    "indicators": INDICATORS,
    "criterion_values": CRITERION_VALUES,
    "references": REFERENCES,
    "memberships": MEMBERSHIPS,
}

# The key that makes a row unique in each layout.
KEYS: dict[str, tuple[str, ...]] = {
    "indicators": ("area_id", "year"),
    "criterion_values": ("area_id", "list_year"),
    "references": ("year", "scope", "indicator"),
    "memberships": ("area_id", "list_year", "category"),
}

# Rows replaced when a newer file brings the same key. Memberships are whole lists, so a newer
# file for a list year replaces that list year entirely.
REPLACE_KEYS: dict[str, tuple[str, ...]] = {**KEYS, "memberships": ("list_year",)}

TEXT_KINDS = {"text", "region", "category", "scope", "indicator", "coverage", "status"}
NUMERIC_KINDS = {"share", "count", "fte", "money", "ratio"}


def columns(layout: str) -> list[str]:
    """Return the canonical column names of ``layout`` in order."""
    return [c.name for c in LAYOUTS[layout]]


def spec(layout: str, name: str) -> Column:
    """Return the :class:`Column` spec ``name`` of ``layout``."""
    for col in LAYOUTS[layout]:
        if col.name == name:
            return col
    raise KeyError(name)
