"""The input layout of register microdata: the persons table and the addresses table.

This module holds the column specs (names, types, allowed values) and the definitions the
aggregation uses (age bands, the list of western countries). docs/microdata.md documents the
same layout for people; keep the two in step.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import pycountry

from boligmonitor.schemas import REGIONS

TypeClass = Literal["integer", "number", "boolean", "text", "key"]


@dataclass(frozen=True)
class InputColumn:
    """One column of an input table.

    ``type`` is the class of Parquet types accepted: ``integer`` (any integer type), ``number``
    (integer or floating), ``boolean``, ``text`` (string), ``key`` (integer or string; the
    address key must have the same class in both tables). ``allowed`` lists the allowed values
    of a text column (``allowed_label`` says what they are where the list is too long to show),
    ``bounds`` the closed range of a numeric one. Every number must be finite, and text (also a
    text key) must not be blank: these hold for every column and are not spelled out here.
    """

    name: str
    type: TypeClass
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    bounds: tuple[float, float] | None = None
    description: str = ""
    allowed_label: str | None = None


ORIGINS: tuple[str, ...] = ("danish", "immigrant", "descendant")
EDUCATIONS: tuple[str, ...] = (
    "basic",
    "upper_secondary",
    "vocational",
    "short_higher",
    "higher",
    "unknown",
)
EDUCATION_SOURCES: tuple[str, ...] = ("danish", "approved", "self_reported", "imputed")
# 2018 regime: only education taken or approved in Denmark counts (docs/law.md, the 2018 rules).
DANISH_EDUCATION_SOURCES: tuple[str, ...] = ("danish", "approved")
# The officially assigned ISO 3166-1 alpha-2 codes, as pycountry ships them (it follows the
# ISO 3166 Maintenance Agency through Debian's iso-codes), and XK for Kosovo: user-assigned, but
# the code the EU and international statistics use, and Kosovo is unambiguously non-western.
# Withdrawn codes (YU, SU, CS, DD) are not among them: their successor states fall on both sides
# of the western list (Slovenia and Serbia; Estonia and Russia), so the package cannot tell.
KOSOVO = "XK"
COUNTRY_CODES: tuple[str, ...] = tuple(sorted({c.alpha_2 for c in pycountry.countries}
                                              | {KOSOVO}))
# A sanity bound, not a rule of the law: more than three times Denmark's yearly GDP (about
# 2.8e12 kroner), so no real income comes near it. It catches sentinel values for missing
# (9.99e99, Stata's 8.99e307) and keeps every sum and mean of incomes finite.
INCOME_BOUND = 1e13

PERSONS: list[InputColumn] = [
    InputColumn("person_id", "key", description="the person's (pseudonymised) id"),
    InputColumn("year", "integer", bounds=(1990, 2100), description="data year"),
    InputColumn(
        "address_id",
        "key",
        nullable=True,
        description="address on 1 January of the year; empty: no fixed address (no area)",
    ),
    InputColumn(
        "region",
        "text",
        nullable=True,
        allowed=REGIONS,
        description="the person's region on 1 January; empty: in no regional reference",
    ),
    InputColumn("age", "integer", bounds=(0, 130), description="age in whole years on 1 January"),
    InputColumn("origin", "text", allowed=ORIGINS, description="danish, immigrant, descendant"),
    InputColumn(
        "country",
        "text",
        nullable=True,
        allowed=COUNTRY_CODES,
        allowed_label="an ISO 3166-1 alpha-2 country code in upper case (DK, TR, ...)",
        description="country of origin, ISO 3166-1 alpha-2 (upper case); empty: unknown",
    ),
    InputColumn(
        "fte_outside_work_education",
        "number",
        bounds=(0.0, 1.0),
        description="full-time fraction of the year outside work or education",
    ),
    InputColumn("is_convicted", "boolean", description="convicted during the year (3 laws)"),
    InputColumn(
        "highest_education",
        "text",
        nullable=True,
        allowed=EDUCATIONS,
        description="highest completed education; empty counts as unknown",
    ),
    InputColumn(
        "education_source",
        "text",
        nullable=True,
        allowed=EDUCATION_SOURCES,
        description="where the education was registered from",
    ),
    InputColumn(
        "gross_income",
        "number",
        nullable=True,
        bounds=(-INCOME_BOUND, INCOME_BOUND),
        description="gross income (bruttoindkomst) of the year, DKK; empty: left out of means",
    ),
    InputColumn("is_taxable", "boolean", description="fully taxable in Denmark in the year"),
    InputColumn("is_student", "boolean", description="in education (excluded from income)"),
]

ADDRESSES: list[InputColumn] = [
    InputColumn("address_id", "key", description="the address key used in the persons table"),
    InputColumn(
        "area_id", "text", nullable=True, description="the area; empty: the address is in no area"
    ),
    InputColumn("area_name", "text", nullable=True, description="the area's name"),
    InputColumn("municipality", "text", nullable=True, description="the area's municipality"),
    InputColumn("region", "text", nullable=True, allowed=REGIONS, description="the area's region"),
    InputColumn("valid_from_year", "integer", bounds=(1990, 2100), description="first data year"),
    InputColumn(
        "valid_to_year",
        "integer",
        nullable=True,
        bounds=(1990, 2100),
        description="last data year (inclusive); empty: still valid",
    ),
]

# Age bands of the criteria (docs/law.md, "Definitions shared by all versions"), on 1 January.
AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "18_64": (18, 64),
    "18plus": (18, None),
    "30_59": (30, 59),
    "15_64": (15, 64),
}


@cache
def western_countries() -> frozenset[str]:
    """Return the ISO alpha-2 codes of the law's western countries (plus Denmark).

    Every other country is non-western (almenboligloven § 61 a; docs/law.md, "Definitions
    shared by all versions").
    The list is data: ``boligmonitor/data/western_countries.csv``.
    """
    text = resources.files("boligmonitor").joinpath("data/western_countries.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    return frozenset(row["iso2"].strip().upper() for row in rows)
