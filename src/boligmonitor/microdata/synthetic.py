"""A seeded synthetic generator of register-like persons and addresses, for tests and benchmarks.

The data is invented: about 200 areas of 500-6,000 residents (by default) inside a population of
any size, with area-level propensities spread so that some areas meet the criteria and most do
not. Persons are written in the persons layout of docs/microdata.md, one Parquet file per data
year, in row groups, so that any population size is generated in bounded memory.

Alongside the files the generator computes the indicators and references directly from the
persons it draws, with plain numpy sums, independently of the SQL engine. The two must agree:
that is what the tests check. Full-time fractions are drawn in quarters of a year and incomes in
whole kroner, so that every sum is exact in float64 whatever the order of summation, and a
criterion exactly at its threshold cannot flip between the two computations.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from boligmonitor.microdata.engine import AggregateOptions, Aggregates, shape_table
from boligmonitor.microdata.layout import (
    AGE_BANDS,
    DANISH_EDUCATION_SOURCES,
    EDUCATION_SOURCES,
    EDUCATIONS,
    ORIGINS,
    western_countries,
)
from boligmonitor.microdata.sql import COUNTS
from boligmonitor.microdata.trajectories import latent_offsets
from boligmonitor.schemas import INDICATORS, REFERENCES, REGIONS, SHARE_COUNTS

# Population shares of the five regions (roughly Denmark's), used for persons outside areas.
_REGION_WEIGHTS = np.array([0.32, 0.14, 0.21, 0.23, 0.10])
_MUNICIPALITIES: dict[str, tuple[str, ...]] = {
    "Hovedstaden": ("København", "Albertslund", "Ishøj", "Høje-Taastrup", "Gladsaxe"),
    "Sjælland": ("Slagelse", "Holbæk", "Køge", "Næstved"),
    "Syddanmark": ("Odense", "Esbjerg", "Kolding", "Vejle", "Sønderborg"),
    "Midtjylland": ("Aarhus", "Viborg", "Horsens", "Herning", "Randers"),
    "Nordjylland": ("Aalborg", "Frederikshavn", "Hjørring"),
}
_NON_WESTERN = ("TR", "IQ", "SO", "LB", "PK", "SY", "AF", "IR", "VN", "BA", "MA", "ER", "TH")
_WESTERN_ABROAD = ("DE", "PL", "SE", "NO", "GB", "RO", "US", "LT")
_COUNTRY_DICT = ("DK", *_WESTERN_ABROAD, *_NON_WESTERN)
_PERSONS_SCHEMA = pa.schema(
    [
        ("person_id", pa.int64()),
        ("year", pa.int64()),
        ("address_id", pa.int64()),
        ("region", pa.dictionary(pa.int8(), pa.string())),
        ("age", pa.int16()),
        ("origin", pa.dictionary(pa.int8(), pa.string())),
        ("country", pa.dictionary(pa.int8(), pa.string())),
        ("fte_outside_work_education", pa.float64()),
        ("is_convicted", pa.bool_()),
        ("highest_education", pa.dictionary(pa.int8(), pa.string())),
        ("education_source", pa.dictionary(pa.int8(), pa.string())),
        ("gross_income", pa.int64()),
        ("is_taxable", pa.bool_()),
        ("is_student", pa.bool_()),
    ]
)
# Ages 0-99 on 1 January, weighted roughly like a Danish population pyramid.
_AGE_WEIGHTS = np.concatenate(
    [np.full(20, 1.1), np.full(45, 1.3), np.full(20, 1.0), np.full(15, 0.3)]
)
_AGE_WEIGHTS = _AGE_WEIGHTS / _AGE_WEIGHTS.sum()


@dataclass
class SyntheticRegister:
    """What the generator made: the inputs, and the results computed directly from the persons.

    ``persons`` holds the paths of the persons files (one per data year) when written to disk,
    or one DataFrame in memory; ``addresses`` is the addresses table (with the area's name,
    municipality and region); ``expected`` holds the indicators and references computed directly
    by the generator under ``options``.
    """

    persons: list[Path] | pd.DataFrame
    addresses: pd.DataFrame
    addresses_path: Path | None
    expected: Aggregates
    options: AggregateOptions
    areas: pd.DataFrame = field(repr=False)


@dataclass
class _Plan:
    """The fixed part: areas, addresses, and where each person lives."""

    areas: pd.DataFrame
    addresses: pd.DataFrame
    address_of: np.ndarray  # person -> address id
    area_of_address: np.ndarray  # area address id -> area index
    from_year: np.ndarray  # area address id -> first year in the area
    to_year: np.ndarray  # area address id -> last year in the area
    n_area_addresses: int
    region_of_outsider: np.ndarray  # person -> region code (used for persons outside areas)
    params: dict[str, np.ndarray]  # propensities per area index; the last index is "outside"
    # With trajectories: per propensity, (areas x years) offsets from the first year
    # (microdata.trajectories), on the logit scale (log for income).
    offsets: dict[str, np.ndarray] | None = None
    first_year: int = 0


def _plan(
    n_persons: int,
    years: Sequence[int],
    seed: int,
    n_areas: int,
    area_size: tuple[int, int],
    area_share_max: float,
) -> _Plan:
    rng = np.random.default_rng([seed, 0])
    lo, hi = area_size
    sizes = np.exp(rng.uniform(np.log(lo), np.log(hi), n_areas)).round().astype(np.int64)
    budget = int(n_persons * area_share_max)
    if sizes.sum() > budget:
        # A small population: shrink the areas so that they fit inside it.
        sizes = np.maximum(1, np.floor(sizes * budget / sizes.sum())).astype(np.int64)
    region_code = rng.choice(len(REGIONS), n_areas, p=_REGION_WEIGHTS)
    municipality = [
        _MUNICIPALITIES[REGIONS[r]][rng.integers(len(_MUNICIPALITIES[REGIONS[r]]))]
        for r in region_code
    ]
    area_ids = [f"A{i + 1:03d}" for i in range(n_areas)]
    areas = pd.DataFrame(
        {
            "area_id": area_ids,
            "area_name": [f"Syntetisk område {i + 1}" for i in range(n_areas)],
            "municipality": municipality,
            "region": [REGIONS[r] for r in region_code],
            "size": sizes,
        }
    )
    # A latent deprivation score drives every propensity, so criteria cluster as they do.
    z = rng.beta(1.2, 2.5, n_areas)
    noise = lambda s: rng.normal(0, s, n_areas)  # noqa: E731
    params = {
        "non_western": np.clip(0.04 + 0.85 * z + noise(0.08), 0.01, 0.95),
        "outside": np.clip(0.08 + 0.55 * z + noise(0.05), 0.01, 0.9),
        "convicted": np.clip(0.004 + 0.045 * z**2 + noise(0.002), 0.0005, 0.2),
        "basic": np.clip(0.2 + 0.6 * z + noise(0.06), 0.02, 0.95),
        "income": np.clip(1.05 - 0.75 * z + noise(0.06), 0.2, 1.5),
    }
    national = {
        "non_western": 0.07,
        "outside": 0.1,
        "convicted": 0.006,
        "basic": 0.22,
        "income": 1.0,
    }
    params = {k: np.append(v, national[k]) for k, v in params.items()}

    # Addresses: about two residents per address. A few addresses leave their area after the
    # first year and a few join it later, so that area boundaries change over the years.
    n_addr = np.maximum(1, sizes // 2)
    first = np.concatenate([[0], np.cumsum(n_addr)[:-1]])
    n_area_addresses = int(n_addr.sum())
    area_of_address = np.repeat(np.arange(n_areas), n_addr)
    from_year = np.full(n_area_addresses, years[0], dtype=np.int64)
    to_year = np.full(n_area_addresses, 9999, dtype=np.int64)
    if len(years) > 1:
        change = rng.random(n_area_addresses) < 0.03
        leaving = change & (rng.random(n_area_addresses) < 0.5)
        joining = change & ~leaving
        pivot = rng.integers(years[0], years[-1], n_area_addresses)  # a year before the last
        to_year[leaving] = pivot[leaving]
        from_year[joining] = pivot[joining] + 1
    rows = {
        "address_id": np.arange(n_area_addresses, dtype=np.int64),
        "area_index": area_of_address,
        "valid_from_year": from_year,
        "valid_to_year": to_year,
    }
    addr = pd.DataFrame(rows)
    joined = addr[addr["valid_from_year"] > years[0]]
    before = pd.DataFrame(  # the joining addresses were listed in no area before
        {
            "address_id": joined["address_id"],
            "area_index": -1,
            "valid_from_year": years[0],
            "valid_to_year": joined["valid_from_year"] - 1,
        }
    )
    addr = pd.concat([addr, before]).sort_values(["address_id", "valid_from_year"])
    area_cols = areas.drop(columns="size").reset_index(drop=True)
    addresses = pd.DataFrame(
        {
            "address_id": addr["address_id"].to_numpy(),
            "area_id": pd.array(
                [area_ids[i] if i >= 0 else None for i in addr["area_index"]], dtype="string"
            ),
        }
    )
    for col in ("area_name", "municipality", "region"):
        values = area_cols[col].to_numpy()
        addresses[col] = pd.array(
            [values[i] if i >= 0 else None for i in addr["area_index"]], dtype="string"
        )
    addresses["valid_from_year"] = addr["valid_from_year"].to_numpy().astype("int64")
    addresses["valid_to_year"] = pd.array(
        [None if v == 9999 else int(v) for v in addr["valid_to_year"]], dtype="Int64"
    )

    n_in_areas = int(sizes.sum())
    address_of = np.empty(n_persons, dtype=np.int64)
    # Residents of an area spread over its addresses; the rest live at addresses in no area,
    # which the addresses table does not list.
    area_of_resident = np.repeat(np.arange(n_areas), sizes)
    address_of[:n_in_areas] = first[area_of_resident] + (
        rng.integers(0, 1 << 30, n_in_areas) % n_addr[area_of_resident]
    )
    address_of[n_in_areas:] = n_area_addresses + np.arange(n_persons - n_in_areas) // 2
    region_of_outsider = rng.choice(len(REGIONS), n_persons, p=_REGION_WEIGHTS).astype(np.int8)
    return _Plan(
        areas,
        addresses,
        address_of,
        area_of_address,
        from_year,
        to_year,
        n_area_addresses,
        region_of_outsider,
        params,
    )


def _propensities(plan: _Plan, year: int, home_area: np.ndarray) -> dict[str, np.ndarray]:
    """Each person's propensities: their home area's, moved along its trajectory if any."""
    p = {k: v[home_area] for k, v in plan.params.items()}
    if plan.offsets is None:
        return p
    n_areas = len(plan.areas)
    in_area = home_area < n_areas
    area = np.minimum(home_area, n_areas - 1)
    t = year - plan.first_year
    for k, off in plan.offsets.items():
        if k not in p:
            continue
        shift = np.where(in_area, off[area, t], 0.0)
        if k == "income":
            p[k] = p[k] * np.exp(shift)
        else:
            z = np.log(p[k]) - np.log1p(-p[k]) + shift
            p[k] = 1 / (1 + np.exp(-z))
    return p


def _dict_array(
    codes: np.ndarray, values: Sequence[str], mask: np.ndarray | None = None
) -> pa.Array:
    indices = pa.array(codes.astype(np.int8), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, pa.array(list(values), pa.string()))


def _chunk(
    plan: _Plan, year: int, start: int, stop: int, seed: int, chunk_no: int
) -> tuple[pa.Table, np.ndarray]:
    """Draw the persons ``start:stop`` of ``year``; return them and their effective area index."""
    rng = np.random.default_rng([seed, year, chunk_no])
    n = stop - start
    n_areas = len(plan.areas)
    address = plan.address_of[start:stop]
    in_area_addr = address < plan.n_area_addresses
    safe = np.where(in_area_addr, address, 0)
    home_area = np.where(in_area_addr, plan.area_of_address[safe], n_areas)
    in_window = in_area_addr & (plan.from_year[safe] <= year) & (year <= plan.to_year[safe])
    area = np.where(in_window, home_area, n_areas)  # the area the person counts in this year
    # Persons keep their home area's propensities even in a year the address is outside it.
    p = _propensities(plan, year, home_area)
    area_region = plan.areas["region"].map(REGIONS.index).to_numpy()
    region = np.where(
        in_area_addr,
        area_region[np.minimum(home_area, n_areas - 1)],
        plan.region_of_outsider[start:stop],
    ).astype(np.int8)

    age = rng.choice(100, n, p=_AGE_WEIGHTS).astype(np.int16)
    u = rng.random(n)
    p_foreign = np.minimum(p["non_western"] + 0.04, 0.97)
    foreign = u < p_foreign
    non_western = u < p["non_western"]
    descendant = foreign & (age < 30) & (rng.random(n) < 0.6)
    origin = np.where(foreign, np.where(descendant, 2, 1), 0)
    country = np.where(
        non_western,
        1 + len(_WESTERN_ABROAD) + rng.integers(0, len(_NON_WESTERN), n),
        np.where(foreign, 1 + rng.integers(0, len(_WESTERN_ABROAD), n), 0),
    )
    country_unknown = foreign & (rng.random(n) < 0.01)

    adult = (age >= 18) & (age <= 64)
    quarters = rng.binomial(4, p["outside"])
    fte = np.where(adult, quarters / 4.0, 0.0)
    convicted = (age >= 15) & (rng.random(n) < p["convicted"])

    ue = rng.random(n)
    p_unknown = np.where(foreign & ~descendant, 0.12, 0.01)
    education = np.where(
        ue < p_unknown,
        EDUCATIONS.index("unknown"),
        np.where(ue < p_unknown + p["basic"], 0, 1 + rng.integers(0, 4, n)),
    )
    education = np.where(age < 16, 0, education)
    education_missing = (education == EDUCATIONS.index("unknown")) & (rng.random(n) < 0.5)
    us = rng.random(n)
    immigrant = origin == 1
    source = np.where(
        immigrant,
        np.select([us < 0.4, us < 0.5, us < 0.8], [0, 1, 2], 3),
        np.where(us < 0.99, 0, 3),
    )
    source_missing = education_missing

    student = np.where((age >= 15) & (age <= 29), rng.random(n) < 0.35, rng.random(n) < 0.02)
    taxable = rng.random(n) < 0.97
    base = 320_000 * p["income"] * np.where(student, 0.3, 1.0) * np.where(age < 15, 0.0, 1.0)
    income = np.round(base * rng.lognormal(0.0, 0.4, n)).astype(np.int64)

    table = pa.table(
        [
            pa.array(np.arange(start, stop, dtype=np.int64)),
            pa.array(np.full(n, year, dtype=np.int64)),
            pa.array(address),
            _dict_array(region, REGIONS),
            pa.array(age),
            _dict_array(origin, ORIGINS),
            _dict_array(country, _COUNTRY_DICT, mask=country_unknown),
            pa.array(fte),
            pa.array(convicted),
            _dict_array(education, EDUCATIONS, mask=education_missing),
            _dict_array(source, EDUCATION_SOURCES, mask=source_missing),
            pa.array(income),
            pa.array(taxable),
            pa.array(student),
        ],
        schema=_PERSONS_SCHEMA,
    )
    return table, area


class _Direct:
    """Sums per (year, area index, region code), accumulated chunk by chunk with numpy."""

    MEASURES = COUNTS

    def __init__(self, n_areas: int, options: AggregateOptions) -> None:
        self.n_groups = (n_areas + 1) * len(REGIONS)
        self.options = options
        self.sums: dict[int, dict[str, np.ndarray]] = {}
        self.west = np.array([c in western_countries() for c in _COUNTRY_DICT])

    def add(self, year: int, table: pa.Table, area: np.ndarray) -> None:
        col = {name: table.column(name).combine_chunks() for name in table.column_names}
        codes = lambda name: col[name].indices.fill_null(0).to_numpy()  # noqa: E731
        null = lambda name: col[name].is_null().to_numpy(zero_copy_only=False)  # noqa: E731
        age = col["age"].to_numpy()
        region = codes("region")
        origin = codes("origin")
        country_null = null("country")
        country = np.where(country_null, 0, codes("country"))
        is_west = self.west[country]
        foreign = origin > 0
        o = self.options
        non_western = foreign & np.where(country_null, o.unknown_country_is_non_western, ~is_west)

        def band(key: str) -> np.ndarray:
            lo, hi = AGE_BANDS[key]
            return (age >= lo) if hi is None else ((age >= lo) & (age <= hi))

        edu = np.where(
            null("highest_education"), EDUCATIONS.index("unknown"), codes("highest_education")
        )
        src_null = null("education_source")
        src = np.where(src_null, 0, codes("education_source"))
        unknown_code = EDUCATIONS.index("unknown")
        if o.education_regime == "2018":
            danish = np.isin(src, [EDUCATION_SOURCES.index(s) for s in DANISH_EDUCATION_SOURCES])
            edu = np.where(danish & ~src_null, edu, unknown_code)
            basic = (edu == 0) | ((edu == unknown_code) & o.unknown_education_is_basic)
        else:
            basic = (edu == 0) | (edu == unknown_code)
        taxable = col["is_taxable"].to_numpy(zero_copy_only=False)
        student = col["is_student"].to_numpy(zero_copy_only=False)
        income_ok = band("15_64") & taxable & ~student
        income = col["gross_income"].to_numpy().astype(np.float64)
        fte = col["fte_outside_work_education"].to_numpy()
        weights = {
            "residents": np.ones(len(age)),
            "n_non_western": non_western,
            "n_residents_18_64": band("18_64"),
            "n_outside_work_education_18_64": np.where(band("18_64"), fte, 0.0),
            "n_residents_18plus": band("18plus"),
            "n_convicted_18plus": band("18plus")
            & col["is_convicted"].to_numpy(zero_copy_only=False),
            "n_residents_30_59": band("30_59"),
            "n_basic_education_30_59": band("30_59") & basic,
            "income_sum_15_64": np.where(income_ok, income, 0.0),
            "n_income_15_64": income_ok,
        }
        group = area.astype(np.int64) * len(REGIONS) + region
        acc = self.sums.setdefault(year, {m: np.zeros(self.n_groups) for m in self.MEASURES})
        for m in self.MEASURES:
            acc[m] += np.bincount(
                group, weights=np.asarray(weights[m], dtype=np.float64), minlength=self.n_groups
            )

    def result(self, plan: _Plan, source: str) -> Aggregates:
        n_areas = len(plan.areas)
        rows, refs = [], []
        for year in sorted(self.sums):
            acc = {m: v.reshape(n_areas + 1, len(REGIONS)) for m, v in self.sums[year].items()}
            by_area = {m: v.sum(axis=1) for m, v in acc.items()}
            present = set(_areas_in_year(plan, year).tolist())
            for i, area in plan.areas.iterrows():
                if i not in present:
                    continue
                row = {c: area[c] for c in ("area_id", "area_name", "municipality", "region")}
                row["year"] = year
                row.update({m: by_area[m][i] for m in self.MEASURES})
                rows.append(row)
            total = {m: v.sum() for m, v in by_area.items()}
            if total["n_residents_18plus"] > 0:
                refs.append(
                    {
                        "year": year,
                        "scope": "national",
                        "indicator": "share_convicted_18plus",
                        "value": total["n_convicted_18plus"] / total["n_residents_18plus"],
                    }
                )
            by_region = {m: v.sum(axis=0) for m, v in acc.items()}
            for r, name in enumerate(REGIONS):
                if by_region["n_income_15_64"][r] > 0:
                    refs.append(
                        {
                            "year": year,
                            "scope": name,
                            "indicator": "mean_gross_income_15_64",
                            "value": by_region["income_sum_15_64"][r]
                            / by_region["n_income_15_64"][r],
                        }
                    )
        ind = pd.DataFrame(rows)
        with np.errstate(invalid="ignore", divide="ignore"):
            for share, (num, den) in SHARE_COUNTS.items():
                ind[share] = np.where(ind[den] > 0, ind[num] / ind[den].where(ind[den] > 0), np.nan)
            ind["mean_gross_income_15_64"] = ind["income_sum_15_64"] / ind["n_income_15_64"].where(
                ind["n_income_15_64"] > 0
            )
        ind = ind.sort_values(["area_id", "year"])
        ref = pd.DataFrame(refs)
        ref["source"] = source
        ref = ref.sort_values(["year", "indicator", "scope"])
        return Aggregates(shape_table(ind, INDICATORS), shape_table(ref, REFERENCES))


def _areas_in_year(plan: _Plan, year: int) -> np.ndarray:
    """The areas with any address in ``year``: each has a row in the indicators of the year."""
    valid = (plan.from_year <= year) & (year <= plan.to_year)
    return np.unique(plan.area_of_address[valid])


def _chunks(
    plan: _Plan, year: int, n_persons: int, chunk_size: int, seed: int
) -> Iterator[tuple[pa.Table, np.ndarray]]:
    for chunk_no, start in enumerate(range(0, n_persons, chunk_size)):
        yield _chunk(plan, year, start, min(start + chunk_size, n_persons), seed, chunk_no)


def generate(
    n_persons: int,
    years: Sequence[int] = (2023,),
    *,
    seed: int = 0,
    n_areas: int = 200,
    area_size: tuple[int, int] = (500, 6000),
    area_share_max: float = 0.5,
    out_dir: str | os.PathLike[str] | None = None,
    chunk_size: int = 1_000_000,
    options: AggregateOptions | None = None,
    trajectories: bool = False,
) -> SyntheticRegister:
    """Generate a synthetic register of ``n_persons`` persons for each of ``years``.

    ``n_areas`` areas of ``area_size`` residents (log-uniform) sit inside the population; when
    they would take more than ``area_share_max`` of it, they are shrunk to fit. The same seed
    gives the same data. With ``out_dir``, persons are written to ``persons_<year>.parquet``
    (row groups of ``chunk_size``) and addresses to ``addresses.parquet`` there, in bounded
    memory; without it, everything is returned in memory. ``expected`` holds the indicators
    and references computed directly from the drawn persons under ``options``. With
    ``trajectories``, each area's propensities move year by year along a seeded trajectory
    (trends, shocks and breaks: :mod:`boligmonitor.microdata.trajectories`); the persons
    still live where the plan puts them, so the residents do not move with it.
    """
    if n_persons < 1:
        raise ValueError(f"n_persons must be at least 1, got {n_persons}")
    years = sorted({int(y) for y in years})
    options = options or AggregateOptions()
    plan = _plan(n_persons, years, seed, n_areas, area_size, area_share_max)
    if trajectories:
        plan.offsets = latent_offsets(n_areas, years[-1] - years[0] + 1,
                                      np.random.default_rng([seed, 13]))
        plan.first_year = years[0]
    direct = _Direct(n_areas, options)
    persons: list[Path] | pd.DataFrame
    addresses_path = None
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        persons = []
        for year in years:
            path = out / f"persons_{year}.parquet"
            with pq.ParquetWriter(path, _PERSONS_SCHEMA) as writer:
                for table, area in _chunks(plan, year, n_persons, chunk_size, seed):
                    writer.write_table(table, row_group_size=chunk_size)
                    direct.add(year, table, area)
            persons.append(path)
        addresses_path = out / "addresses.parquet"
        plan.addresses.to_parquet(addresses_path, index=False)
        label = ", ".join(p.name for p in persons[:3])
        label += f" and {len(persons) - 3} more" if len(persons) > 3 else ""
    else:
        tables = []
        for year in years:
            for table, area in _chunks(plan, year, n_persons, chunk_size, seed):
                direct.add(year, table, area)
                tables.append(table)
        persons = pa.concat_tables(tables).to_pandas()
        label = "in-memory persons table"
    expected = direct.result(plan, f"boligmonitor aggregate of {label}")
    return SyntheticRegister(persons, plan.addresses, addresses_path, expected, options, plan.areas)
