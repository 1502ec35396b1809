"""Benchmark: register microdata to area indicators, three ways, on the same generated files.

Variants, each run in its own subprocess so that peak memory (ru_maxrss) is its own:

* ``boligmonitor``: :func:`boligmonitor.microdata.aggregate` (validation and the
  one-row-per-person check included, as users run it);
* ``boligmonitor-nocheck``: the same without the one-row-per-person check;
* ``boligmonitor-nochecks``: without that check and without value validation (what the checks
  cost);
* ``handsql``: hand-written SQL in the same engine (DuckDB, same threads and memory limit), no
  validation, computing the same outputs: every area with an address in a data year (also
  those where nobody lives), their names, municipalities and regions, every count, share and
  mean, and the same references;
* ``pandas``: a straightforward pandas version (read everything, merge, flag, group by).

Every variant's indicators (every column) and references are checked against boligmonitor's
before the timings are printed. The variants run in turns (one run of each, then the next
round), so that load from other work on the machine spreads over all of them; each line gives
the best and the median wall time (imports excluded: every variant starts with the same modules
loaded), the median CPU time (user + system, all threads) and the spread of the wall times
(max - min over the median). Usage::

    .venv/bin/python benchmarks/bench_aggregate.py                  # 1 and 6 million persons
    .venv/bin/python benchmarks/bench_aggregate.py --sizes 1000000 --repeat 1
    .venv/bin/python benchmarks/bench_aggregate.py --sizes 6000000 --repeat 9 \
        --variants boligmonitor handsql                             # the goal: ratio <= 1.2
    .venv/bin/python benchmarks/bench_aggregate.py --text-ids ...   # pseudonymised text ids
    .venv/bin/python benchmarks/bench_aggregate.py --years-scaling 1 5 15 --sizes 6000000

``--years-scaling`` times boligmonitor alone on 1, 5, 15 ... data years of the same population
(bounded memory, linear time). Generated files are kept in ``--data-dir`` and reused.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from memory_peak import peak_mb

THREADS = 2
MEMORY_LIMIT = "2GB"
FIRST_YEAR = 2009




# ------------------------------------------------------------------------------------------
# The variants (run inside the child process)


def run_boligmonitor(persons: list[str], addresses: str, check_unique: bool = True,
                     validate: bool = True) -> dict:
    from boligmonitor.microdata import AggregateOptions, aggregate

    options = AggregateOptions(threads=THREADS, memory_limit=MEMORY_LIMIT,
                               check_unique=check_unique, validate=validate)
    res = aggregate(persons, addresses, options)
    return _summary(res.indicators, res.references)


WEST = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "AD",
        "AU", "CA", "CH", "GB", "IS", "LI", "MC", "NO", "NZ", "SM", "US", "VA")


def run_handsql(persons: list[str], addresses: str) -> dict:
    import duckdb

    con = duckdb.connect(config={"threads": THREADS, "memory_limit": MEMORY_LIMIT,
                                 "preserve_insertion_order": False})
    files = "[" + ", ".join(f"'{p}'" for p in persons) + "]"
    west = ",".join(f"'{c}'" for c in WEST)
    con.execute(f"CREATE TABLE addr AS SELECT * FROM read_parquet('{addresses}')")
    con.execute(f"""
        CREATE TABLE part AS
        SELECT p.year, a.area_id, p.region,
          count(*) AS residents,
          count(*) FILTER (WHERE origin <> 'danish' AND country NOT IN ({west})) AS n_nw,
          count(*) FILTER (WHERE age BETWEEN 18 AND 64) AS n_18_64,
          sum(fte_outside_work_education) FILTER (WHERE age BETWEEN 18 AND 64) AS n_out,
          count(*) FILTER (WHERE age >= 18) AS n_18plus,
          count(*) FILTER (WHERE age >= 18 AND is_convicted) AS n_conv,
          count(*) FILTER (WHERE age BETWEEN 30 AND 59) AS n_30_59,
          count(*) FILTER (WHERE age BETWEEN 30 AND 59 AND (education_source NOT IN
            ('danish', 'approved') OR education_source IS NULL
            OR coalesce(highest_education, 'unknown') IN ('basic', 'unknown'))) AS n_basic,
          sum(gross_income) FILTER (WHERE age BETWEEN 15 AND 64 AND is_taxable
            AND NOT is_student) AS inc_sum,
          count(gross_income) FILTER (WHERE age BETWEEN 15 AND 64 AND is_taxable
            AND NOT is_student) AS inc_n
        FROM read_parquet({files}) p
        LEFT JOIN (SELECT * FROM addr WHERE area_id IS NOT NULL) a
          ON p.address_id = a.address_id
         AND p.year BETWEEN a.valid_from_year AND coalesce(a.valid_to_year, 9999)
        GROUP BY ALL
    """)
    # Every area with an address valid in a data year has a row, also where nobody lives.
    areas = con.execute("""
        WITH area_years AS (
          SELECT DISTINCT a.area_id, a.area_name, a.municipality, a.region, y.year
          FROM addr a JOIN (SELECT DISTINCT year FROM part) y
            ON y.year BETWEEN a.valid_from_year AND coalesce(a.valid_to_year, 9999)
          WHERE a.area_id IS NOT NULL
        ), sums AS (
          SELECT ay.area_id, ay.area_name, ay.municipality, ay.region, ay.year,
                 coalesce(sum(residents), 0)::DOUBLE AS residents,
                 coalesce(sum(n_nw), 0)::DOUBLE AS n_non_western,
                 coalesce(sum(n_18_64), 0)::DOUBLE AS n_residents_18_64,
                 coalesce(sum(n_out), 0)::DOUBLE AS n_outside_work_education_18_64,
                 coalesce(sum(n_18plus), 0)::DOUBLE AS n_residents_18plus,
                 coalesce(sum(n_conv), 0)::DOUBLE AS n_convicted_18plus,
                 coalesce(sum(n_30_59), 0)::DOUBLE AS n_residents_30_59,
                 coalesce(sum(n_basic), 0)::DOUBLE AS n_basic_education_30_59,
                 sum(inc_sum) / nullif(sum(inc_n), 0) AS mean_gross_income_15_64
          FROM area_years ay LEFT JOIN part q ON q.area_id = ay.area_id AND q.year = ay.year
          GROUP BY ALL
        )
        SELECT *, n_non_western / nullif(residents, 0) AS share_non_western,
               n_outside_work_education_18_64 / nullif(n_residents_18_64, 0)
                 AS share_outside_work_education_18_64,
               n_convicted_18plus / nullif(n_residents_18plus, 0) AS share_convicted_18plus,
               n_basic_education_30_59 / nullif(n_residents_30_59, 0)
                 AS share_basic_education_30_59
        FROM sums ORDER BY area_id, year
    """).df()
    refs = con.execute("""
        SELECT year, 'national' AS scope, 'share_convicted_18plus' AS indicator,
               sum(n_conv) / sum(n_18plus) AS value
        FROM part GROUP BY year HAVING sum(n_18plus) > 0
        UNION ALL
        SELECT year, region, 'mean_gross_income_15_64', sum(inc_sum) / sum(inc_n)
        FROM part WHERE region IS NOT NULL GROUP BY year, region HAVING sum(inc_n) > 0
    """).df()
    return _summary(areas, refs)


def run_pandas(persons: list[str], addresses: str) -> dict:
    import numpy as np
    import pandas as pd

    p = pd.concat([pd.read_parquet(f) for f in persons], ignore_index=True)
    addr = pd.read_parquet(addresses)
    a = addr[addr["area_id"].notna()]
    m = p[["person_id", "year", "address_id"]].merge(
        a[["address_id", "area_id", "valid_from_year", "valid_to_year"]], on="address_id"
    )
    to = m["valid_to_year"].fillna(9999)
    m = m[(m["valid_from_year"] <= m["year"]) & (m["year"] <= to)]
    p = p.merge(m[["person_id", "year", "area_id"]], on=["person_id", "year"], how="left")

    west = set(WEST)
    age = p["age"]
    a18_64 = age.between(18, 64)
    a30_59 = age.between(30, 59)
    country = p["country"].astype(object)
    edu_ok = p["education_source"].astype(object).isin(["danish", "approved"])
    edu = p["highest_education"].astype(object).where(edu_ok, "unknown").fillna("unknown")
    income_ok = age.between(15, 64) & p["is_taxable"] & ~p["is_student"]
    income = p["gross_income"].astype(float)
    f = pd.DataFrame({
        "year": p["year"],
        "area_id": p["area_id"],
        "region": p["region"].astype(object),
        "residents": 1,
        "n_non_western": (p["origin"].astype(object) != "danish") & country.notna()
        & ~country.isin(west),
        "n_residents_18_64": a18_64,
        "n_outside_work_education_18_64": np.where(a18_64, p["fte_outside_work_education"], 0.0),
        "n_residents_18plus": age >= 18,
        "n_convicted_18plus": (age >= 18) & p["is_convicted"],
        "n_residents_30_59": a30_59,
        "n_basic_education_30_59": a30_59 & edu.isin(["basic", "unknown"]),
        "inc_sum": np.where(income_ok & income.notna(), income, 0.0),
        "inc_n": income_ok & income.notna(),
    })
    part = f.groupby(["year", "area_id", "region"], dropna=False).sum().reset_index()
    g = part[part["area_id"].notna()].groupby(["area_id", "year"]).sum(numeric_only=True)
    # Every area with an address valid in a data year, also where nobody lives.
    years = pd.DataFrame({"year": sorted(p["year"].unique())})
    ay = a.merge(years, how="cross")
    valid_to = ay["valid_to_year"].fillna(9999)
    ay = ay[(ay["valid_from_year"] <= ay["year"]) & (ay["year"] <= valid_to)]
    ay = ay[["area_id", "area_name", "municipality", "region", "year"]].drop_duplicates()
    counts = [c for c in f.columns if c.startswith("n_")] + ["residents", "inc_sum", "inc_n"]
    areas = ay.merge(g[counts].reset_index(), on=["area_id", "year"], how="left")
    areas[counts] = areas[counts].fillna(0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        for share, (num, den) in {
            "share_non_western": ("n_non_western", "residents"),
            "share_outside_work_education_18_64": ("n_outside_work_education_18_64",
                                                   "n_residents_18_64"),
            "share_convicted_18plus": ("n_convicted_18plus", "n_residents_18plus"),
            "share_basic_education_30_59": ("n_basic_education_30_59", "n_residents_30_59"),
            "mean_gross_income_15_64": ("inc_sum", "inc_n"),
        }.items():
            areas[share] = areas[num] / areas[den].where(areas[den] > 0)
    nat = part.groupby("year")[["n_convicted_18plus", "n_residents_18plus"]].sum()
    nat = nat[nat["n_residents_18plus"] > 0]
    reg = part[part["region"].notna()].groupby(["year", "region"])[["inc_sum", "inc_n"]].sum()
    reg = reg[reg["inc_n"] > 0]
    refs = pd.concat([
        pd.DataFrame({"year": nat.index, "scope": "national",
                      "indicator": "share_convicted_18plus",
                      "value": (nat["n_convicted_18plus"] / nat["n_residents_18plus"]).to_numpy()}),
        pd.DataFrame({"year": reg.index.get_level_values(0),
                      "scope": reg.index.get_level_values(1),
                      "indicator": "mean_gross_income_15_64",
                      "value": (reg["inc_sum"] / reg["inc_n"]).to_numpy()}),
    ])
    return _summary(areas, refs)


INDICATOR_COLUMNS = [
    "area_id", "area_name", "municipality", "region", "year", "residents", "n_non_western",
    "share_non_western", "n_residents_18_64", "n_outside_work_education_18_64",
    "share_outside_work_education_18_64", "n_residents_18plus", "n_convicted_18plus",
    "share_convicted_18plus", "n_residents_30_59", "n_basic_education_30_59",
    "share_basic_education_30_59", "mean_gross_income_15_64",
]


def _summary(areas, refs) -> dict:
    """What the variants must agree on: every indicator column per area and year, references."""
    a = areas.sort_values(["area_id", "year"])
    r = refs.sort_values(["year", "indicator", "scope"])

    def cell(v):
        return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else str(v)

    return {
        "areas": [[cell(v) for v in row]
                  for row in a[INDICATOR_COLUMNS].itertuples(index=False)],
        "refs": [[int(y), str(s), str(i), float(v)]
                 for y, s, i, v in r[["year", "scope", "indicator", "value"]]
                 .itertuples(index=False)],
    }


VARIANTS = {
    "boligmonitor": run_boligmonitor,
    "boligmonitor-nocheck": lambda p, a: run_boligmonitor(p, a, check_unique=False),
    "boligmonitor-nochecks": lambda p, a: run_boligmonitor(p, a, check_unique=False,
                                                          validate=False),
    "handsql": run_handsql,
    "pandas": run_pandas,
}
DEFAULT_VARIANTS = ["boligmonitor", "boligmonitor-nocheck", "handsql", "pandas"]
BASELINE = "handsql"


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(variant: str, persons: list[str], addresses: str, out: str) -> None:
    # Imports are not what is compared: every variant starts with the same modules loaded.
    import duckdb  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import boligmonitor.microdata  # noqa: F401

    base = peak_mb()
    t0, c0 = time.perf_counter(), _cpu_seconds()
    summary = VARIANTS[variant](persons, addresses)
    seconds, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    Path(out).write_text(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb(),
                                     "base_mb": base, "summary": summary}))


# ------------------------------------------------------------------------------------------
# The driver


def ensure_data(data_dir: Path, n_persons: int, n_years: int, seed: int,
                text_ids: bool = False) -> tuple[list[str], str]:
    from boligmonitor.microdata import generate

    d = data_dir / f"n{n_persons}_y{n_years}_s{seed}"
    years = list(range(FIRST_YEAR, FIRST_YEAR + n_years))
    files = [d / f"persons_{y}.parquet" for y in years]
    addresses = d / "addresses.parquet"
    if not (addresses.exists() and all(f.exists() for f in files)):
        t0 = time.perf_counter()
        generate(n_persons, years, seed=seed, out_dir=d)
        print(f"  generated {n_persons:,} persons x {n_years} years in "
              f"{time.perf_counter() - t0:.1f} s -> {d}", flush=True)
    if text_ids:
        files = [_with_text_ids(f, data_dir / f"{d.name}_text") for f in files]
    return [str(f) for f in files], str(addresses)


def _with_text_ids(path: Path, out_dir: Path) -> Path:
    """A copy of ``path`` whose person_id is a 16-character pseudonym (as register data has)."""
    import duckdb

    out = out_dir / path.name
    if not out.exists():
        out_dir.mkdir(parents=True, exist_ok=True)
        duckdb.sql(f"""
            COPY (SELECT * REPLACE (upper(md5(person_id::VARCHAR)[:16]) AS person_id)
                  FROM read_parquet('{path}'))
            TO '{out}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)
        """)
    return out


def measure(variant: str, persons: list[str], addresses: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, __file__, "--child", variant, "--addresses", addresses,
               "--out", out.name, *persons]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True)
        wall = time.perf_counter() - t0
        result = json.loads(Path(out.name).read_text())
    result["wall"] = wall
    return result


def _agree(a: dict, b: dict, rel: float = 1e-9) -> bool:
    import math

    def close(x, y):
        if isinstance(x, float) and isinstance(y, float):
            return (math.isnan(x) and math.isnan(y)) or math.isclose(x, y, rel_tol=rel)
        return x == y

    return all(
        len(a[k]) == len(b[k])
        and all(len(ra) == len(rb) and all(close(x, y) for x, y in zip(ra, rb, strict=True))
                for ra, rb in zip(a[k], b[k], strict=True))
        for k in ("areas", "refs")
    )


def _spread(values: list[float]) -> float:
    return (max(values) - min(values)) / statistics.median(values)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 6_000_000])
    ap.add_argument("--variants", nargs="+", default=DEFAULT_VARIANTS, choices=list(VARIANTS))
    ap.add_argument("--repeat", type=int, default=3, help="runs per variant, taken in turns")
    ap.add_argument("--years-scaling", type=int, nargs="+", metavar="N",
                    help="instead: time boligmonitor on N data years of each size")
    ap.add_argument("--text-ids", action="store_true",
                    help="person ids as 16-character text pseudonyms instead of integers")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data-dir", default=str(Path(tempfile.gettempdir()) / "bm-bench"))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--addresses", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("persons", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.persons, args.addresses, args.out)
        return 0

    data_dir = Path(args.data_dir)
    print(f"threads={THREADS}, memory_limit={MEMORY_LIMIT}; {args.repeat} runs each, in turns; "
          f"person ids {'text' if args.text_ids else 'integer'}; "
          "peak = peak RSS (VmHWM) of the variant's own process, incl. Python and imports")
    if args.years_scaling:
        print(f"{'persons':>10} {'years':>5} {'rows':>12} {'best s':>7} {'median':>7} "
              f"{'s/100M rows':>11} {'peak MB':>8}")
        for n in args.sizes:
            for y in args.years_scaling:
                persons, addresses = ensure_data(data_dir, n, y, args.seed, args.text_ids)
                runs = [measure("boligmonitor", persons, addresses) for _ in range(args.repeat)]
                secs = [r["seconds"] for r in runs]
                peak = max(r["peak_mb"] for r in runs)
                rows = n * y
                print(f"{n:>10,} {y:>5} {rows:>12,} {min(secs):>7.2f} "
                      f"{statistics.median(secs):>7.2f} {min(secs) / rows * 1e8:>11.2f} "
                      f"{peak:>8.0f}", flush=True)
        return 0

    print(f"ratio = time / {BASELINE}'s time (best / median); cpu = median CPU seconds; "
          "spread = (max - min) / median of the wall times")
    print(f"{'persons':>10} {'variant':<22} {'best s':>7} {'median':>7} {'ratio':>11} "
          f"{'cpu s':>6} {'ratio':>5} {'spread':>6} {'peak MB':>8} {'agrees':>6}")
    for n in args.sizes:
        persons, addresses = ensure_data(data_dir, n, 1, args.seed, args.text_ids)
        runs: dict[str, list[dict]] = {v: [] for v in args.variants}
        for _ in range(args.repeat):
            for v in args.variants:
                runs[v].append(measure(v, persons, addresses))
        stats = {}
        for v, rs in runs.items():
            secs = [r["seconds"] for r in rs]
            stats[v] = {"best": min(secs), "median": statistics.median(secs),
                        "cpu": statistics.median(r["cpu"] for r in rs),
                        "spread": _spread(secs), "peak_mb": max(r["peak_mb"] for r in rs),
                        "summary": rs[0]["summary"]}
        base = stats.get(BASELINE, next(iter(stats.values())))
        ref = stats.get("boligmonitor", base)
        for v, r in stats.items():
            ratio = f"{r['best'] / base['best']:.2f}/{r['median'] / base['median']:.2f}"
            ok = "yes" if _agree(r["summary"], ref["summary"]) else "NO"
            print(f"{n:>10,} {v:<22} {r['best']:>7.2f} {r['median']:>7.2f} {ratio:>11} "
                  f"{r['cpu']:>6.2f} {r['cpu'] / base['cpu']:>5.2f} {r['spread']:>6.0%} "
                  f"{r['peak_mb']:>8.0f} {ok:>6}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
