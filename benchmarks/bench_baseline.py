"""Benchmark the default baseline: model steps alone, and the whole `python -m sim` process.

    python benchmarks/bench_baseline.py [--repeat 5] [--json benchmarks/results.json]

Prints a short table and writes JSON (median, min, max seconds). Timing lives here, not in tests.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sim.config import load_config
from sim.run import build_model

REPO = Path(__file__).resolve().parent.parent


def time_model(repeat: int) -> dict[str, list[float]]:
    config = load_config()
    build, steps = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        model = build_model(config)
        t1 = time.perf_counter()
        model.run()
        t2 = time.perf_counter()
        build.append(t1 - t0)
        steps.append(t2 - t1)
    return {"build": build, "steps": steps}


def time_process(repeat: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "sim", f"output.root={tmp}"], cwd=REPO, check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
    return times


def describe(samples: list[float]) -> dict[str, float]:
    return {"median_s": statistics.median(samples), "min_s": min(samples), "max_s": max(samples), "n": len(samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    model = time_model(args.repeat)
    results = {
        "model_build": describe(model["build"]),
        "model_steps": describe(model["steps"]),
        "process": describe(time_process(args.repeat)),
    }
    print(f"{'benchmark':<14}{'median s':>10}{'min s':>10}{'max s':>10}")
    for name, r in results.items():
        print(f"{name:<14}{r['median_s']:>10.3f}{r['min_s']:>10.3f}{r['max_s']:>10.3f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
