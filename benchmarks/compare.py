"""Compare a benchmark run with the committed baseline (figures of (i) and (iii)) as new/baseline ratios.

    python benchmarks/compare.py [benchmarks/results/latest.json] [--baseline benchmarks/baseline.json] [--threshold 1.5]
    python benchmarks/compare.py --write-baseline [benchmarks/results/latest.json]   # make a run the new baseline

Exits 1 when a gated figure is more than ``threshold`` times its baseline (a regression), 2 when the
run lacks a figure. ``kernel_limit_s`` (the raw-numpy kernel, which the model's code does not touch) is
printed as a reference for how fast the machine was: when it is slow too, suspect the machine's load
rather than the code, and rerun. Only (i) and (iii) are needed:
``python benchmarks/run.py --only baseline kernel`` (about a minute) produces them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (section, path inside it, gated?)
FIGURES: list[tuple[str, tuple[str, ...], bool]] = [
    ("baseline", ("model_build", "min_s"), False),  # ~0.03 s: too short to gate on a shared machine
    ("baseline", ("model_steps", "min_s"), True),  # short in-process timings: the minimum is the least load-sensitive
    ("baseline", ("process", "median_s"), True),
    ("kernel", ("model_step_s",), True),
    ("kernel", ("public_step_s",), True),
    ("kernel", ("model_over_kernel",), True),
    ("kernel", ("kernel_limit_s",), False),  # the raw-numpy kernel: how fast the machine was
]


def pick(results: dict, section: str, path: tuple[str, ...]) -> float | None:
    node = results.get(section)
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return float(node)


def baseline_of(results: dict) -> dict:
    """The part of a run kept as the baseline: the figures of (i) and (iii), and the machine."""
    out: dict = {"machine": results["machine"], "quick": results.get("quick")}
    for section in ("baseline", "kernel"):
        if section not in results:
            raise SystemExit(f"the run has no '{section}' section: run benchmarks/run.py --only baseline kernel")
        out[section] = results[section]
    return out


def compare(new: dict, base: dict, threshold: float) -> int:
    print(f"baseline: commit {base['machine']['git_commit'][:12]}, load {base['machine']['load_average']}, {base['machine']['time']}")
    print(f"new:      commit {new['machine']['git_commit'][:12]}, load {new['machine']['load_average']}, {new['machine']['time']}\n")
    print(f"{'figure':<34}{'baseline':>12}{'new':>12}{'new/base':>10}  status")
    status = 0
    for section, path, gated in FIGURES:
        name = f"{section}.{'.'.join(path)}"
        b, n = pick(base, section, path), pick(new, section, path)
        if b is None or n is None:
            print(f"{name:<34}{'-':>12}{'-':>12}{'-':>10}  missing")
            status = max(status, 2) if gated else status
            continue
        ratio = n / b
        verdict = ("REGRESSION" if ratio > threshold else "ok") if gated else "not gated"
        if gated and ratio > threshold:
            status = max(status, 1)
        print(f"{name:<34}{b:>12.4g}{n:>12.4g}{ratio:>10.2f}  {verdict}")
    print(f"\nthreshold {threshold}: " + {0: "no regression", 1: "regression", 2: "figures missing"}[status])
    load_base, load_new = base["machine"]["load_average"][0], new["machine"]["load_average"][0]
    if abs(load_new - load_base) > 1.0:
        print(
            f"warning: the 1-minute load differs ({load_base:.1f} at the baseline, {load_new:.1f} now); times on a shared "
            "machine follow the load: rerun when it is closer, and trust model_over_kernel (timed interleaved) most"
        )
    return status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", nargs="?", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument("--baseline", type=Path, default=HERE / "baseline.json")
    parser.add_argument("--threshold", type=float, default=1.5)
    parser.add_argument("--write-baseline", action="store_true", help="write the run's (i) and (iii) figures as the baseline")
    args = parser.parse_args()
    new = json.loads(args.run.read_text())
    if args.write_baseline:
        args.baseline.write_text(json.dumps(baseline_of(new), indent=2) + "\n")
        print(f"written: {args.baseline}")
        return
    sys.exit(compare(new, json.loads(args.baseline.read_text()), args.threshold))


if __name__ == "__main__":
    main()
