"""Benchmark: register microdata to area indicators, three ways, on the same generated files.

Variants, each run in its own subprocess so that peak memory (ru_maxrss) is its own:

* ``boligmonitor``: :func:`boligmonitor.microdata.aggregate` (validation and the
  one-row-per-person check included, as users run it);
* ``boligmonitor-nocheck``: the same without the one-row-per-person check;
* ``handsql``: one hand-written SQL query in the same engine (DuckDB, same threads and memory
  limit), no validation;
* ``pandas``: a straightforward pandas version (read everything, merge, flag, group by).

Every variant's area residents and references are checked against boligmonitor's before the
timings are printed. Usage::

    .venv/bin/python benchmarks/bench_aggregate.py                  # 1 and 6 million persons
    .venv/bin/python benchmarks/bench_aggregate.py --sizes 1000000 --repeat 1
    .venv/bin/python benchmarks/bench_aggregate.py --years-scaling 1 5 15 --sizes 6000000

``--years-scaling`` times boligmonitor alone on 1, 5, 15 ... data years of the same population
(bounded memory, linear time). Generated files are kept in ``--data-dir`` and reused.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

THREADS = 2
MEMORY_LIMIT = "2GB"
FIRST_YEAR = 2009


def _peak_mb() -> float:
    """Peak resident memory of this process, in MB.

    VmHWM (Linux) is the high-water mark of this process's own memory; ru_maxrss would carry
    the parent's peak across fork and exec, so it is only the fallback.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------------------------
# The variants (run inside the child process)


def run_boligmonitor(persons: list[str], addresses: str, check_unique: bool = True) -> dict:
    from boligmonitor.microdata import AggregateOptions, aggregate

    options = AggregateOptions(threads=THREADS, memory_limit=MEMORY_LIMIT,
                               check_unique=check_unique)
    res = aggregate(persons, addresses, options)
    return _summary(res.indicators, res.references)


def run_handsql(persons: list[str], addresses: str) -> dict:
    import duckdb

    con = duckdb.connect(config={"threads": THREADS, "memory_limit": MEMORY_LIMIT,
                                 "preserve_insertion_order": False})
    files = "[" + ", ".join(f"'{p}'" for p in persons) + "]"
    west = ("'AT','BE','BG','CY','CZ','DE','DK','EE','ES','FI','FR','GR','HR','HU','IE','IT',"
            "'LT','LU','LV','MT','NL','PL','PT','RO','SE','SI','SK','AD','AU','CA','CH','GB',"
            "'IS','LI','MC','NO','NZ','SM','US','VA'")
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
        LEFT JOIN (SELECT * FROM read_parquet('{addresses}') WHERE area_id IS NOT NULL) a
          ON p.address_id = a.address_id
         AND p.year BETWEEN a.valid_from_year AND coalesce(a.valid_to_year, 9999)
        GROUP BY ALL
    """)
    areas = con.execute("""
        SELECT area_id, year, sum(residents)::DOUBLE AS residents,
               sum(n_nw) / sum(residents) AS share_non_western,
               sum(n_out) / sum(n_18_64) AS share_outside_work_education_18_64,
               sum(n_conv) / sum(n_18plus) AS share_convicted_18plus,
               sum(n_basic) / sum(n_30_59) AS share_basic_education_30_59,
               sum(inc_sum) / sum(inc_n) AS mean_gross_income_15_64
        FROM part WHERE area_id IS NOT NULL GROUP BY ALL ORDER BY area_id, year
    """).df()
    refs = con.execute("""
        SELECT year, 'national' AS scope, 'share_convicted_18plus' AS indicator,
               sum(n_conv) / sum(n_18plus) AS value FROM part GROUP BY year
        UNION ALL
        SELECT year, region, 'mean_gross_income_15_64', sum(inc_sum) / sum(inc_n)
        FROM part GROUP BY year, region
    """).df()
    return _summary(areas, refs)


def run_pandas(persons: list[str], addresses: str) -> dict:
    import numpy as np
    import pandas as pd

    p = pd.concat([pd.read_parquet(f) for f in persons], ignore_index=True)
    a = pd.read_parquet(addresses)
    a = a[a["area_id"].notna()]
    m = p[["person_id", "year", "address_id"]].merge(
        a[["address_id", "area_id", "valid_from_year", "valid_to_year"]], on="address_id"
    )
    to = m["valid_to_year"].fillna(9999)
    m = m[(m["valid_from_year"] <= m["year"]) & (m["year"] <= to)]
    p = p.merge(m[["person_id", "year", "area_id"]], on=["person_id", "year"], how="left")

    west = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR",
            "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI",
            "SK", "AD", "AU", "CA", "CH", "GB", "IS", "LI", "MC", "NO", "NZ", "SM", "US", "VA"}
    age = p["age"]
    a18_64 = age.between(18, 64)
    a30_59 = age.between(30, 59)
    country = p["country"].astype(object)
    edu_ok = p["education_source"].astype(object).isin(["danish", "approved"])
    edu = p["highest_education"].astype(object).where(edu_ok, "unknown").fillna("unknown")
    income_ok = age.between(15, 64) & p["is_taxable"] & ~p["is_student"]
    f = pd.DataFrame({
        "year": p["year"],
        "area_id": p["area_id"],
        "region": p["region"].astype(object),
        "residents": 1,
        "n_nw": (p["origin"].astype(object) != "danish") & country.notna()
        & ~country.isin(west),
        "n_18_64": a18_64,
        "n_out": np.where(a18_64, p["fte_outside_work_education"], 0.0),
        "n_18plus": age >= 18,
        "n_conv": (age >= 18) & p["is_convicted"],
        "n_30_59": a30_59,
        "n_basic": a30_59 & edu.isin(["basic", "unknown"]),
        "inc_sum": np.where(income_ok, p["gross_income"], 0.0),
        "inc_n": income_ok,
    })
    part = f.groupby(["year", "area_id", "region"], dropna=False).sum().reset_index()
    g = part[part["area_id"].notna()].groupby(["area_id", "year"]).sum(numeric_only=True)
    areas = pd.DataFrame({
        "residents": g["residents"].astype(float),
        "share_non_western": g["n_nw"] / g["residents"],
        "share_outside_work_education_18_64": g["n_out"] / g["n_18_64"],
        "share_convicted_18plus": g["n_conv"] / g["n_18plus"],
        "share_basic_education_30_59": g["n_basic"] / g["n_30_59"],
        "mean_gross_income_15_64": g["inc_sum"] / g["inc_n"],
    }).reset_index()
    nat = part.groupby("year")[["n_conv", "n_18plus"]].sum()
    reg = part.groupby(["year", "region"])[["inc_sum", "inc_n"]].sum()
    refs = pd.concat([
        pd.DataFrame({"year": nat.index, "scope": "national",
                      "indicator": "share_convicted_18plus",
                      "value": (nat["n_conv"] / nat["n_18plus"]).to_numpy()}),
        pd.DataFrame({"year": reg.index.get_level_values(0),
                      "scope": reg.index.get_level_values(1),
                      "indicator": "mean_gross_income_15_64",
                      "value": (reg["inc_sum"] / reg["inc_n"]).to_numpy()}),
    ])
    return _summary(areas, refs)


def _summary(areas, refs) -> dict:
    """What the variants must agree on: residents and shares per area and year, references."""
    cols = ["residents", "share_non_western", "share_outside_work_education_18_64",
            "share_convicted_18plus", "share_basic_education_30_59", "mean_gross_income_15_64"]
    a = areas.sort_values(["area_id", "year"])
    r = refs.sort_values(["year", "indicator", "scope"])
    return {
        "areas": [[str(x), int(y), *(float(v) for v in vals)]
                  for x, y, *vals in a[["area_id", "year", *cols]].itertuples(index=False)],
        "refs": [[int(y), str(s), str(i), float(v)]
                 for y, s, i, v in r[["year", "scope", "indicator", "value"]]
                 .itertuples(index=False)],
    }


VARIANTS = {
    "boligmonitor": run_boligmonitor,
    "boligmonitor-nocheck": lambda p, a: run_boligmonitor(p, a, check_unique=False),
    "handsql": run_handsql,
    "pandas": run_pandas,
}


def child(variant: str, persons: list[str], addresses: str, out: str) -> None:
    base = _peak_mb()
    t0 = time.perf_counter()
    summary = VARIANTS[variant](persons, addresses)
    seconds = time.perf_counter() - t0
    Path(out).write_text(json.dumps({"seconds": seconds, "peak_mb": _peak_mb(),
                                     "base_mb": base, "summary": summary}))


# ------------------------------------------------------------------------------------------
# The driver


def ensure_data(data_dir: Path, n_persons: int, n_years: int, seed: int) -> tuple[list[str], str]:
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
    return [str(f) for f in files], str(addresses)


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
        and all(close(x, y) for ra, rb in zip(a[k], b[k], strict=True)
                for x, y in zip(ra, rb, strict=True))
        for k in ("areas", "refs")
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 6_000_000])
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    ap.add_argument("--repeat", type=int, default=3, help="runs per variant; the best counts")
    ap.add_argument("--years-scaling", type=int, nargs="+", metavar="N",
                    help="instead: time boligmonitor on N data years of each size")
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
    print(f"threads={THREADS}, memory_limit={MEMORY_LIMIT}; best of {args.repeat}; "
          "peak = peak RSS (VmHWM) of the variant's own process, incl. Python and imports")
    if args.years_scaling:
        print(f"{'persons':>10} {'years':>5} {'rows':>12} {'seconds':>8} {'s/100M rows':>11} "
              f"{'peak MB':>8}")
        for n in args.sizes:
            for y in args.years_scaling:
                persons, addresses = ensure_data(data_dir, n, y, args.seed)
                runs = [measure("boligmonitor", persons, addresses) for _ in range(args.repeat)]
                best = min(r["seconds"] for r in runs)
                peak = max(r["peak_mb"] for r in runs)
                rows = n * y
                print(f"{n:>10,} {y:>5} {rows:>12,} {best:>8.2f} {best / rows * 1e8:>11.2f} "
                      f"{peak:>8.0f}", flush=True)
        return 0

    print(f"{'persons':>10} {'variant':<22} {'seconds':>8} {'ratio':>6} {'peak MB':>8} "
          f"{'agrees':>6}")
    for n in args.sizes:
        persons, addresses = ensure_data(data_dir, n, 1, args.seed)
        results = {}
        for v in args.variants:
            runs = [measure(v, persons, addresses) for _ in range(args.repeat)]
            results[v] = {"seconds": min(r["seconds"] for r in runs),
                          "peak_mb": max(r["peak_mb"] for r in runs),
                          "summary": runs[0]["summary"]}
        ref = results.get("boligmonitor", next(iter(results.values())))
        for v, r in results.items():
            ratio = r["seconds"] / ref["seconds"]
            ok = "yes" if _agree(r["summary"], ref["summary"]) else "NO"
            print(f"{n:>10,} {v:<22} {r['seconds']:>8.2f} {ratio:>6.2f} {r['peak_mb']:>8.0f} "
                  f"{ok:>6}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
