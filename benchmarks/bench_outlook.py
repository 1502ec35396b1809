"""Benchmark (not a timed test): the outlook's speed and peak memory.

Run: .venv/bin/python benchmarks/bench_outlook.py [--case example|country|all] [--repeat N]

* example: the five example areas, the five coming list years, 10,000 draws (issue 12: under
  3 s on the 2-core machine);
* country: 2,000 synthetic areas (the whole country's public housing areas), five list years,
  2,000 draws (under 60 s, memory under 4 GB).

Each case runs in its own process, so that its peak memory (VmHWM) is its own; the time is the
best of ``--repeat`` runs inside that process (the first run includes imports' warm-up, which is
excluded by a small warm-up run), with the time of each stage beside it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from memory_peak import peak_mb


def _data(case: str):
    import boligmonitor as bm
    from boligmonitor.microdata.trajectories import synthetic_trajectories

    if case == "example":
        ds = bm.example_data()
        return ds.indicators, ds.references, ds.memberships, 10_000
    panel = synthetic_trajectories(2000, range(2010, 2026), seed=1)
    return panel.indicators, panel.references, None, 2000


def child(case: str, repeat: int) -> None:
    from boligmonitor.outlook import outlook
    from boligmonitor.validation import validated_frames

    ind, refs, mem, draws = _data(case)
    ind, _, refs, mem = validated_frames(indicators=ind, criterion_values=None, references=refs,
                                         memberships=mem)
    outlook(ind.head(200), refs, mem, draws=20, validate=False)  # warm-up: imports, caches
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = outlook(ind, refs, mem, draws=draws, seed=0, validate=False)
        times.append(time.perf_counter() - t0)
    assert result is not None
    print(json.dumps({
        "case": case, "areas": int(ind["area_id"].nunique()), "draws": draws,
        "list_years": list(result.list_years), "best_s": round(min(times), 2),
        "all_s": [round(t, 2) for t in times], "peak_mb": round(peak_mb()),
        "rows": {"probabilities": len(result.probabilities),
                 "projections": len(result.projections)},
        "calibration": result.calibration.status,
    }))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", default="all", choices=("example", "country", "all"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.repeat)
        return 0
    cases = ["example", "country"] if args.case == "all" else [args.case]
    failed = False
    for case in cases:
        repeat = args.repeat if case == "example" else min(args.repeat, 2)
        out = subprocess.run([sys.executable, __file__, "--child", case, "--repeat",
                              str(repeat)], capture_output=True, text=True, check=False)
        if out.returncode != 0:
            print(f"{case}: failed\n{out.stderr[-2000:]}", file=sys.stderr)
            failed = True
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['case']}: {r['areas']} areas x {r['draws']} draws x list years "
              f"{r['list_years'][0]}-{r['list_years'][-1]}: best {r['best_s']} s "
              f"(runs {r['all_s']}), peak memory {r['peak_mb']} MB, "
              f"{r['rows']['probabilities']:,} probability rows; calibration "
              f"{r['calibration']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
