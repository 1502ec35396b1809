"""The table contracts: the columns of every layout that crosses a boundary.

A layout is a list of :class:`Column` specs. The readers in :mod:`boligmonitor.io` parse a file
into a layout and :mod:`boligmonitor.validation` checks it against these specs; every other
module may rely on a validated table having exactly these columns and dtypes:
text columns as ``string``, years as ``int64``, every measure (shares, counts, money, ratios)
as ``float64`` with NaN for missing.
"""

from __future__ import annotations

import unicodedata
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

#: The longest text a cell may hold, in characters (a name, an id, a municipality); a source
#: (a publication, perhaps with its address) may be longer.
TEXT_MAX_LENGTH = 200
SOURCE_MAX_LENGTH = 1000

# What a text cell may not hold: control characters (NUL, BEL, ESC, tab, line breaks, DEL),
# invisible format characters (bidi overrides and isolates, zero-width characters, the BOM),
# line and paragraph separators, surrogates, private-use and unassigned code points. Letters,
# marks, digits, punctuation, symbols and spaces (also the no-break space) are allowed.
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
ALLOWED_TEXT = ("letters, digits, punctuation, symbols and spaces; no control characters "
                "(such as NUL, BEL, ESC, tab or a line break), no invisible formatting "
                "characters (such as bidi overrides U+202A-U+202E and U+2066-U+2069, "
                "zero-width characters), no private-use or unassigned code points")

#: Counts of persons above this are impossible for one area (more than live in Denmark).
MAX_PERSONS = 10_000_000
#: A mean yearly income above this many kroner is impossible for an area; one below the
#: warning floor is probably written in thousands of kroner.
MAX_INCOME_DKK = 10_000_000
WARN_INCOME_BELOW_DKK = 10_000


def is_allowed_char(ch: str) -> bool:
    """Return True if a text cell may hold the character ``ch``."""
    return unicodedata.category(ch) not in FORBIDDEN_CATEGORIES


def forbidden_characters(text: str) -> list[str]:
    """Return the characters of ``text`` that a text cell may not hold, in order, once each."""
    if text.isprintable():  # the common case, and fast: printable text is all allowed
        return []
    return list(dict.fromkeys(ch for ch in text if not is_allowed_char(ch)))


def escape_text(text: str) -> str:
    r"""Return ``text`` with every character a text cell may not hold written as an escape
    (``\x1b``, ``\u202e``), so that it can be shown on a terminal or in a message as it is.

    >>> escape_text("Ring\x1b[31mparken\u202e")
    'Ring\\x1b[31mparken\\u202e'
    """
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if is_allowed_char(ch):
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else
                       f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


@dataclass(frozen=True)
class Column:
    """One column of a layout.

    ``required`` columns must be present in the file; ``nullable`` ones may have empty cells.
    ``derivable_from`` names the (numerator, denominator) count columns from which a share
    column may be derived when the file leaves it out. ``max_length`` bounds a text column.
    ``max_value`` is the largest possible value of a measure (larger is rejected);
    ``warn_above`` the largest plausible one (larger is accepted with a warning).
    ``is_small_share`` marks a share that is normally a few percent, so that a column of it in
    percent may well hold only values below 1.
    """

    name: str
    kind: Kind
    required: bool = True
    nullable: bool = True
    derivable_from: tuple[str, str] | None = None
    max_length: int = TEXT_MAX_LENGTH
    max_value: float | None = None
    warn_above: float | None = None
    is_small_share: bool = False


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
    # A quarter of an area's adults convicted in one year has never been seen; 0.95 is
    # 0.95 % typed as a fraction.
    Column(
        "share_convicted_18plus", "share", derivable_from=SHARE_COUNTS["share_convicted_18plus"],
        warn_above=0.25, is_small_share=True,
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
    Column("share_convicted_18plus", "share", required=False, warn_above=0.25,
           is_small_share=True),
    # 100 times the national share is more than every adult of the area; an area's mean
    # income ten times its region's is not a public housing area. A ratio written in percent
    # (189 for 1.89, 65.5 for 0.655) is caught by these bounds.
    Column("convicted_ratio_to_national", "ratio", required=False, max_value=100.0),
    # What a list states about its relative conviction line: the national average, or the line
    # itself for the main list (e.g. "2,2 pct." for 3 x). One value per list year.
    Column("convicted_national_share", "share", required=False, warn_above=0.25,
           is_small_share=True),
    Column("convicted_threshold_share", "share", required=False, is_small_share=True),
    Column("share_basic_education_30_59", "share", required=False),
    Column("income_ratio_to_region", "ratio", required=False, max_value=10.0),
]

REFERENCES = [
    Column("year", "year", nullable=False),
    Column("scope", "scope", nullable=False),
    Column("indicator", "indicator", nullable=False),
    Column("value", "money", nullable=False),
    Column("source", "text", nullable=False, max_length=SOURCE_MAX_LENGTH),
]

MEMBERSHIPS = [
    Column("area_id", "text", nullable=False),
    Column("list_year", "year", nullable=False),
    Column("category", "category", nullable=False),
    Column("source", "text", nullable=False, max_length=SOURCE_MAX_LENGTH),
    Column("coverage", "coverage", required=False),
    Column("status", "status", required=False),
]

LAYOUTS: dict[str, list[Column]] = {
    "indicators": INDICATORS,
    "criterion_values": CRITERION_VALUES,
    "references": REFERENCES,
    "memberships": MEMBERSHIPS,
}

LAYOUT_NAMES: tuple[str, ...] = tuple(LAYOUTS)

# The record of one source file in a dataset or a processed store.
SOURCE_COLUMNS = ["name", "sha256", "layout", "rows", "is_example"]

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
