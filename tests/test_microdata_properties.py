"""Property tests of the microdata aggregation on random small registers (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boligmonitor.microdata import aggregate
from boligmonitor.microdata.layout import EDUCATION_SOURCES, EDUCATIONS, ORIGINS
from boligmonitor.schemas import REGIONS, SHARE_COUNTS

YEARS = (2022, 2023)
AREAS = {"A1": ("Nord", "Aalborg", "Nordjylland"), "A2": ("Syd", "Odense", "Syddanmark")}
OUTSIDE_ADDRESS = 99  # never listed in the addresses table

person = st.fixed_dictionaries(
    {
        "year": st.sampled_from(YEARS),
        "address_id": st.one_of(st.none(), st.integers(1, 8)),
        "region": st.one_of(st.none(), st.sampled_from(REGIONS)),
        "age": st.integers(0, 105),
        "origin": st.sampled_from(ORIGINS),
        "country": st.one_of(st.none(), st.sampled_from(["DK", "SE", "US", "TR", "SO", "VN"])),
        "fte_outside_work_education": st.sampled_from([0.0, 0.25, 0.5, 1 / 3, 0.75, 1.0]),
        "is_convicted": st.booleans(),
        "highest_education": st.one_of(st.none(), st.sampled_from(EDUCATIONS)),
        "education_source": st.one_of(st.none(), st.sampled_from(EDUCATION_SOURCES)),
        "gross_income": st.one_of(st.none(), st.integers(0, 2_000_000).map(float)),
        "is_taxable": st.booleans(),
        "is_student": st.booleans(),
    }
)

PERSON_COLUMNS = [
    "year", "address_id", "region", "age", "origin", "country", "fte_outside_work_education",
    "is_convicted", "highest_education", "education_source", "gross_income", "is_taxable",
    "is_student",
]

address = st.tuples(
    st.sampled_from([None, "A1", "A2"]),
    st.integers(2020, 2023),
    st.one_of(st.none(), st.integers(0, 3)),
)


def persons_frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=PERSON_COLUMNS)
    df.insert(0, "person_id", np.arange(len(df), dtype="int64"))
    return df.astype({"year": "int64", "address_id": "Int64", "age": "int64",
                      "region": "string", "origin": "string", "country": "string",
                      "highest_education": "string", "education_source": "string",
                      "fte_outside_work_education": "float64", "gross_income": "float64",
                      "is_convicted": "bool", "is_taxable": "bool", "is_student": "bool"})


def addresses_frame(rows: list[tuple]) -> pd.DataFrame:
    out = []
    for address_id, (area, start, length) in enumerate(rows, start=1):
        out.append({"address_id": address_id, "area_id": area,
                    "area_name": AREAS[area][0] if area else None,
                    "municipality": AREAS[area][1] if area else None,
                    "region": AREAS[area][2] if area else None,
                    "valid_from_year": start,
                    "valid_to_year": None if length is None else start + length})
    return pd.DataFrame(out).astype({"address_id": "int64", "area_id": "string",
                                     "area_name": "string", "municipality": "string",
                                     "region": "string", "valid_from_year": "int64",
                                     "valid_to_year": "Int64"})


registers = st.tuples(
    st.lists(person, max_size=40), st.lists(address, min_size=1, max_size=8)
)
fast = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

COUNT_BASES = [
    ("n_non_western", "residents"),
    ("n_residents_18_64", "residents"),
    ("n_residents_18plus", "residents"),
    ("n_residents_30_59", "n_residents_18_64"),
    ("n_outside_work_education_18_64", "n_residents_18_64"),
    ("n_convicted_18plus", "n_residents_18plus"),
    ("n_basic_education_30_59", "n_residents_30_59"),
]


@fast
@given(registers)
def test_counts_never_exceed_their_bases(register):
    rows, addr = register
    ind = aggregate(persons_frame(rows), addresses_frame(addr)).indicators
    for count, base in COUNT_BASES:
        assert (ind[count] >= 0).all(), count
        assert (ind[count] <= ind[base] + 1e-9).all(), f"{count} > {base}"


@fast
@given(registers)
def test_shares_agree_with_their_counts(register):
    rows, addr = register
    ind = aggregate(persons_frame(rows), addresses_frame(addr)).indicators
    for share, (num, den) in SHARE_COUNTS.items():
        for s, n, d in zip(ind[share], ind[num], ind[den], strict=True):
            if d == 0:
                assert math.isnan(s), share
            else:
                assert math.isclose(s, n / d, rel_tol=1e-12), share
    no_income = ind["residents"] == 0
    assert ind.loc[no_income, "mean_gross_income_15_64"].isna().all()


@fast
@given(registers)
def test_areas_count_exactly_the_persons_whose_address_is_in_them_that_year(register):
    rows, addr = register
    persons, addresses = persons_frame(rows), addresses_frame(addr)
    ind = aggregate(persons, addresses).indicators
    a = addresses.dropna(subset=["area_id"])
    merged = persons.merge(a, on="address_id", how="inner")
    to = merged["valid_to_year"].fillna(9999).astype("int64")
    merged = merged[(merged["valid_from_year"] <= merged["year"]) & (merged["year"] <= to)]
    expected = merged.groupby(["area_id", "year"]).size()
    got = ind.set_index(["area_id", "year"])["residents"]
    for key, n in expected.items():
        assert got[key] == n
    assert got.sum() == len(merged)


@fast
@given(registers, person, st.sampled_from([OUTSIDE_ADDRESS, None]))
def test_a_person_outside_every_area_counts_towards_the_references_but_no_area(
    register, extra, outside
):
    rows, addr = register
    addresses = addresses_frame(addr)
    extra = {**extra, "address_id": outside, "age": 40, "is_convicted": True,
             "is_taxable": True, "is_student": False, "gross_income": 123_456.0}
    before = aggregate(persons_frame(rows), addresses)
    persons = persons_frame([*rows, extra])
    after = aggregate(persons, addresses)
    # No area changes; a data year new with this person brings rows of areas with no one.
    keys = ["area_id", "year"]
    merged = after.indicators.merge(before.indicators[keys], on=keys, how="left", indicator=True)
    new = merged["_merge"] == "left_only"
    assert (after.indicators.loc[new.to_numpy(), "residents"] == 0).all()
    old = after.indicators[~new.to_numpy()].reset_index(drop=True)
    pd.testing.assert_frame_equal(old, before.indicators)

    ref = after.references.set_index(["year", "scope", "indicator"])["value"]
    year = extra["year"]
    p = persons[persons["year"] == year]
    adults = p[p["age"] >= 18]
    assert math.isclose(ref[(year, "national", "share_convicted_18plus")],
                        adults["is_convicted"].sum() / len(adults), rel_tol=1e-12)
    if extra["region"] is not None:
        r = p[(p["region"] == extra["region"]) & p["age"].between(15, 64) & p["is_taxable"]
              & ~p["is_student"] & p["gross_income"].notna()]
        assert math.isclose(ref[(year, extra["region"], "mean_gross_income_15_64")],
                            r["gross_income"].mean(), rel_tol=1e-12)
