"""The SQL of the aggregation: the one scan of the persons and the results built from it.

:func:`partial_sql` joins each person to the area of their address in the data year and sums
the counts per (year, area, person's region) in one hash aggregate, reading each text column
with a list of allowed values through its ENUM twin (:func:`create_enum_types`,
:func:`enum_twin`). :func:`indicators_sql` and :data:`REFERENCES_SQL` re-aggregate that small
partial table into the area indicators and the references. The readings of the law the SQL
depends on are :class:`Readings` (the fields of
:class:`~boligmonitor.microdata.engine.AggregateOptions`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import duckdb

from boligmonitor.microdata.layout import (
    AGE_BANDS,
    DANISH_EDUCATION_SOURCES,
    PERSONS,
    InputColumn,
    western_countries,
)
from boligmonitor.microdata.relation import Relation, quote, sql_list, type_class
from boligmonitor.schemas import SHARE_COUNTS


class Readings(Protocol):
    """The readings of the law the SQL depends on (see ``AggregateOptions``)."""

    @property
    def education_regime(self) -> str: ...

    @property
    def unknown_education_is_basic(self) -> bool: ...

    @property
    def unknown_country_is_non_western(self) -> bool: ...


# --------------------------------------------------------------------------------------------
# The persons as the scan reads them

# Persons columns that are keys of the partial aggregate: their checks read its groups.
GROUP_KEYS = {"year": "year", "region": "person_region"}
_ENUM_SUFFIX = "__value"


def _enum_type(col: InputColumn) -> str:
    return f"_allowed_{col.name}"


def _enum_values(col: InputColumn) -> tuple[str, ...]:
    """The ENUM of ``col``'s allowed values; for countries the western ones come first."""
    assert col.allowed is not None
    if col.name != "country":
        return col.allowed
    # Western first, so that "not western" is one comparison of the ENUM's code.
    west = western_countries()
    return (*sorted(west & set(col.allowed)), *(v for v in col.allowed if v not in west))


def create_enum_types(con: duckdb.DuckDBPyConnection, layout: list[InputColumn]) -> None:
    """Create the ENUM type of each column of ``layout`` with a list of allowed values."""
    for col in layout:
        if col.allowed is not None and col.name not in GROUP_KEYS:
            con.execute(f"CREATE TYPE {_enum_type(col)} AS ENUM ({sql_list(_enum_values(col))})")


def enum_twin(name: str) -> str:
    """The ENUM twin of a persons column (NULL where the text is not an allowed value)."""
    return quote(name + _ENUM_SUFFIX)


# --------------------------------------------------------------------------------------------
# The one scan


def _band(lo: int, hi: int | None) -> str:
    return f"age >= {lo}" if hi is None else f"age BETWEEN {lo} AND {hi}"


def _basic_education_sql(options: Readings) -> str:
    """SQL true where a person's highest education is basic schooling under ``options``.

    Written on the ENUM twins: an empty education is unknown, a value outside the layout
    (only with ``validate=False``) is neither basic nor unknown.
    """
    education, source = enum_twin("highest_education"), enum_twin("education_source")
    if options.education_regime == "2013":
        # 2013 rules: unknown education counts as basic (docs/law.md, the 2013 rules, criterion 4).
        return f"(highest_education IS NULL OR {education} IN ('basic', 'unknown'))"
    # 2018 rules: only education taken or approved in Denmark counts; other sources are
    # removed, and such a person's education is then unknown (docs/law.md, the 2018 rules).
    danish = f"coalesce({source} IN ({sql_list(DANISH_EDUCATION_SOURCES)}), FALSE)"
    if options.unknown_education_is_basic:
        return (
            f"(NOT {danish} OR highest_education IS NULL "
            f"OR {education} IN ('basic', 'unknown'))"
        )
    return f"({danish} AND {education} = 'basic')"


def _non_western_sql(options: Readings) -> str:
    """SQL true where a person counts as non-western (immigrant or descendant, see the docs).

    The country ENUM lists the western countries first, so a country is western exactly when
    its code is below their number. A text that is no country code (only with
    ``validate=False``) is not western either.
    """
    country = enum_twin("country")
    n_west = len(western_countries() & set(_country_column().allowed or ()))
    unknown = "TRUE" if options.unknown_country_is_non_western else "FALSE"
    return (
        f"{enum_twin('origin')} IN ('immigrant', 'descendant') AND CASE "
        f"WHEN country IS NULL THEN {unknown} WHEN {country} IS NULL THEN TRUE "
        f"ELSE enum_code({country}) >= {n_west} END"
    )


def _country_column() -> InputColumn:
    return next(col for col in PERSONS if col.name == "country")


def _persons_projection(rel: Relation) -> str:
    """The persons columns the aggregate reads, and the ENUM twin of each one with a list."""
    cols = []
    for col in PERSONS:
        cols.append(quote(col.name))
        if col.allowed is not None and col.name not in GROUP_KEYS:
            twin = enum_twin(col.name)
            cols.append(f"TRY_CAST({quote(col.name)} AS {_enum_type(col)}) AS {twin}")
    return f"SELECT {', '.join(cols)} FROM ({rel.sql})"


def partial_sql(
    rel: Relation,
    key_cast: str,
    options: Readings,
    summaries: Sequence[tuple[str, str]] = (),
) -> str:
    """The one scan: the sums per year, area and person's region, with the value summaries.

    ``key_cast`` is the type the address keys are joined as (:func:`join_key_type`).
    ``summaries`` adds per-group aggregates, each (column name, SQL): the value checks'
    (:func:`boligmonitor.microdata.checks.summary_columns`).
    """
    b = {k: _band(*v) for k, v in AGE_BANDS.items()}
    income = f"{b['15_64']} AND is_taxable AND NOT is_student AND gross_income IS NOT NULL"
    extra = [f"{expr} AS {name}" for name, expr in summaries]
    extras = "".join(f",\n      {e}" for e in extra)
    # count_if rather than count(*) FILTER: a plain sum of booleans, no selection per aggregate.
    return f"""
    SELECT p.year AS year, a.area_id AS area_id, p.region AS person_region,
      count(*) AS residents,
      count_if({_non_western_sql(options)}) AS n_non_western,
      count_if({b["18_64"]}) AS n_residents_18_64,
      coalesce(sum(fte_outside_work_education) FILTER (WHERE {b["18_64"]}), 0)
        AS n_outside_work_education_18_64,
      count_if({b["18plus"]}) AS n_residents_18plus,
      count_if({b["18plus"]} AND is_convicted) AS n_convicted_18plus,
      count_if({b["30_59"]}) AS n_residents_30_59,
      count_if({b["30_59"]} AND {_basic_education_sql(options)}) AS n_basic_education_30_59,
      coalesce(sum(gross_income::DOUBLE) FILTER (WHERE {income}), 0) AS income_sum_15_64,
      count_if({income}) AS n_income_15_64{extras}
    FROM ({_persons_projection(rel)}) AS p
    LEFT JOIN (SELECT address_id, area_id, valid_from_year, valid_to_year FROM _addr
               WHERE area_id IS NOT NULL) AS a
      ON CAST(p.address_id AS {key_cast}) = a.address_id
     AND p.year BETWEEN a.valid_from_year AND a.valid_to_year
    GROUP BY ALL
    """


# The sums kept per year, area and person's region; the synthetic generator keeps the same.
COUNTS = (
    "residents",
    "n_non_western",
    "n_residents_18_64",
    "n_outside_work_education_18_64",
    "n_residents_18plus",
    "n_convicted_18plus",
    "n_residents_30_59",
    "n_basic_education_30_59",
    "income_sum_15_64",
    "n_income_15_64",
)


# --------------------------------------------------------------------------------------------
# From the partial table to the results


def indicators_sql() -> str:
    """Every area of every data year (also one where nobody lives), its sums and shares."""
    sums = ",\n".join(f"coalesce(sum(q.{c}), 0)::DOUBLE AS {c}" for c in COUNTS)
    shares = ",\n".join(
        f"{num} / nullif({den}, 0) AS {share}" for share, (num, den) in SHARE_COUNTS.items()
    )
    return f"""
    WITH years AS (SELECT DISTINCT year FROM _partial),
    areas AS (
      SELECT area_id, any_value(area_name) AS area_name,
             any_value(municipality) AS municipality, any_value(region) AS region
      FROM _addr WHERE area_id IS NOT NULL GROUP BY area_id
    ),
    area_years AS (
      SELECT DISTINCT ar.*, y.year
      FROM _addr a JOIN years y ON y.year BETWEEN a.valid_from_year AND a.valid_to_year
      JOIN areas ar ON ar.area_id = a.area_id
    ),
    counts AS (
      SELECT ay.area_id, ay.area_name, ay.municipality, ay.region, ay.year, {sums}
      FROM area_years ay LEFT JOIN _partial q ON q.area_id = ay.area_id AND q.year = ay.year
      GROUP BY ALL
    )
    SELECT *, {shares},
      income_sum_15_64 / nullif(n_income_15_64, 0) AS mean_gross_income_15_64
    FROM counts ORDER BY area_id, year
    """


# The national share of convicted residents 18+ and the mean income per region of residence.
REFERENCES_SQL = """
SELECT year, 'national' AS scope, 'share_convicted_18plus' AS indicator,
       sum(n_convicted_18plus)::DOUBLE / sum(n_residents_18plus) AS value
FROM _partial GROUP BY year HAVING sum(n_residents_18plus) > 0
UNION ALL
SELECT year, person_region AS scope, 'mean_gross_income_15_64' AS indicator,
       sum(income_sum_15_64) / sum(n_income_15_64) AS value
FROM _partial WHERE person_region IS NOT NULL
GROUP BY year, person_region HAVING sum(n_income_15_64) > 0
ORDER BY year, indicator, scope
"""


def join_key_type(persons: Relation, addresses: Relation) -> str:
    """The type both address keys are joined as: their own if both are integers, else text."""
    classes = {type_class(persons.types["address_id"]), type_class(addresses.types["address_id"])}
    classes.discard("null")
    return "BIGINT" if classes <= {"integer"} else "VARCHAR"

