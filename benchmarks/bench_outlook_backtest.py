"""Backtest of the outlook (not a timed test): is it honest on panels whose future is known?

Run: .venv/bin/python benchmarks/bench_outlook_backtest.py [--areas N] [--panels K] [--draws N]
     [--seed S] [--write] [--ets]

Draws K seeded synthetic panels (boligmonitor.microdata.trajectories: trends, shocks, breaks,
small-area noise; seeds S, S+1, ...) over 2008-2035, runs the outlook on each from rolling
origins (every second year from 2019 to 2029, five list years ahead each), pools the forecasts
(one panel's are clustered by area, so its reliability bins move more than their binomial error
says), and prints the coverage of the 50 % and 80 %
intervals by indicator and horizon, the reliability table of the listing probabilities and the
Brier scores beside the naive rule of the early warning (the latest values repeat). With
``--write`` the figures go to src/boligmonitor/outlook/calibration.json, which every outlook
reads to say whether its listing probabilities are calibrated. With ``--ets`` the intervals of
the model a statistician would try first, a damped-trend exponential smoothing fitted to each
area's series alone (statsmodels), are scored on the same panel for comparison.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from boligmonitor.microdata.trajectories import synthetic_trajectories
from boligmonitor.outlook.backtest import backtest, calibration_record, ets_coverage, pool

ORIGINS = [2019, 2021, 2023, 2025, 2027, 2029]
RECORD = Path(__file__).resolve().parents[1] / "src" / "boligmonitor" / "outlook" / \
    "calibration.json"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--areas", type=int, default=400)
    ap.add_argument("--panels", type=int, default=3)
    ap.add_argument("--draws", type=int, default=500)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--write", action="store_true", help="write calibration.json")
    ap.add_argument("--ets", action="store_true",
                    help="also fit statsmodels' damped-trend ETS to each series alone (slow)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    results = []
    for k in range(args.panels):
        panel = synthetic_trajectories(args.areas, range(2008, 2036), seed=args.seed + k)
        results.append(backtest(panel.indicators, panel.references, origins=ORIGINS,
                                draws=args.draws, seed=args.seed + k))
    result = pool(results)
    elapsed = time.perf_counter() - t0
    pd.set_option("display.width", 140)
    cov = result.coverage.copy()
    cov["horizon"] = cov["horizon"].map(lambda h: "all" if h == 0 else str(h))
    print(f"backtest: {args.panels} panels of {args.areas} synthetic areas (seeds "
          f"{args.seed}-{args.seed + args.panels - 1}), origins {ORIGINS}, {args.draws} draws: "
          f"{elapsed:.0f} s")
    print("\nInterval coverage (target: 0.50 and 0.80, within 0.05):")
    print(cov.pivot(index="indicator", columns="horizon",
                    values=["coverage_50", "coverage_80"]).round(3).to_string())
    print("\nReliability of P(on a list):")
    print(result.reliability.round(3).to_string(index=False))
    s = result.scores
    print(f"\nBrier, on a list: outlook {s['brier']:.4f}, naive {s['brier_naive']:.4f} "
          f"(skill {1 - s['brier'] / s['brier_naive']:.0%}); whole category: outlook "
          f"{s['brier_categories']:.4f}, naive {s['brier_categories_naive']:.4f}; "
          f"{s['n_forecasts']} forecasts, {s['n_listed']} on a list")
    record = calibration_record(result)
    print(f"\nlisting probabilities calibrated: {record['is_calibrated']}; intervals "
          f"calibrated (every indicator within 5 points): {record['intervals_calibrated']}")
    if args.ets:
        t1 = time.perf_counter()
        panel = synthetic_trajectories(args.areas, range(2008, 2036), seed=args.seed)
        ets = ets_coverage(panel.indicators, origins=ORIGINS[::2], seed=args.seed)
        print(f"\nPer-series damped-trend ETS (statsmodels ETSModel, AAdN, logit scale), "
              f"60 areas, origins {ORIGINS[::2]} ({time.perf_counter() - t1:.0f} s):")
        print(ets.round(3).to_string(index=False))
    if args.write:
        RECORD.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", "utf-8")
        print(f"wrote {RECORD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
