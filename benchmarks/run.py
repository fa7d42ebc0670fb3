"""Run every benchmark of issue 6, print a short table against the targets and write JSON.

    python benchmarks/run.py [--quick] [--json PATH] [--only baseline scaling kernel per_agent ensemble app]

(i) baseline: the default run's model steps, and the whole ``python -m sim`` process;
(ii) scaling: build and step time, and peak memory, at 10^4, 10^5 and 10^6 citizens (fresh process each);
(iii) kernel: the model's step against a raw-numpy kernel of the public's rule at 10^5 citizens;
(iv) per_agent: the public's vectorized step against an idiomatic per-agent Mesa version, at 10^4 and 10^5;
(v) ensemble: runs in a batch against alone; the ensemble engine against the Hydra path it replaced (a git worktree of
    that commit) and against the bare model run serially; Ray's per-task overhead against the chunk size;
(vi) app: the teaching app in headless Chromium: server start to first page, page load, a Step against the model's.

Writes ``benchmarks/results/latest.json`` unless ``--json`` says otherwise; compare it with the
committed baseline with ``python benchmarks/compare.py``. The full run takes 3-6 minutes on 2 cores (load 1-5),
``--quick`` about 1.5.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_app import bench_app  # noqa: E402
from bench_baseline import bench_baseline  # noqa: E402
from bench_ensemble import bench_ensemble  # noqa: E402
from bench_kernel import bench_kernel  # noqa: E402
from bench_per_agent import bench_per_agent  # noqa: E402
from bench_scaling import bench_scaling  # noqa: E402
from common import load, machine  # noqa: E402

BENCHMARKS = ("baseline", "scaling", "kernel", "per_agent", "ensemble", "app")
GB = 1024.0  # MB


def run_all(quick: bool, only: tuple[str, ...]) -> dict:
    """Each selected benchmark with full or quick repetitions; the load average before and after each."""
    settings = {
        "baseline": lambda: bench_baseline(repeat=3 if quick else 5, process_repeat=2 if quick else 5),
        "scaling": lambda: bench_scaling(repeat=1 if quick else 3),
        "kernel": lambda: bench_kernel(repeat=20 if quick else 50, model_runs=1 if quick else 3),
        "per_agent": lambda: bench_per_agent(steps={10_000: 2 if quick else 5, 100_000: 1}),
        "ensemble": lambda: bench_ensemble(repeat=1 if quick else 3),
        "app": lambda: bench_app(steps=10 if quick else 20),
    }
    results: dict = {"machine": machine(), "quick": quick}
    for name in only:
        load_before = load()
        t0 = time.perf_counter()
        print(f"[{time.strftime('%H:%M:%S')}] {name} (load {load_before[0]:.2f}) ...", file=sys.stderr, flush=True)
        results[name] = settings[name]()
        results[name]["bench_wall_s"] = time.perf_counter() - t0
        results[name]["load_before"] = load_before
        results[name]["load_after"] = load()
    results["machine"]["load_average_end"] = load()
    results["targets"] = targets(results)
    return results


def targets(r: dict) -> list[dict]:
    """Each target of the issue with the figure measured against it (``met`` is None when not measured)."""
    rows = []

    def add(name: str, figure: float | None, limit: str, ok: bool | None, unit: str) -> None:
        rows.append({"target": name, "figure": figure, "unit": unit, "limit": limit, "met": ok})

    b = r.get("baseline")
    add("default run, model steps (median)", b and b["model_steps"]["median_s"], "< 1 s", b and b["model_steps"]["median_s"] < 1.0, "s")
    add("whole `python -m sim` (median)", b and b["process"]["median_s"], "< 8 s", b and b["process"]["median_s"] < 8.0, "s")
    s = r.get("scaling")
    big = s and s["sizes"].get("1000000")
    add("10^6 citizens, build + 88 steps", big and big["total_s"], "< 60 s", big and big["total_s"] < 60.0, "s")
    add("10^6 citizens, peak memory", big and big["peak_rss_mb"] / GB, "< 4 GB", big and big["peak_rss_mb"] < 4 * GB, "GB")
    slopes = s and s["loglog_slopes"]
    if slopes:
        # linear: Public.step keeps the same ratio to the kernel, whose work is O(n) by construction (one pass per array
        # and per tie), as n grows (both timed interleaved, so load hits both); the raw slopes also carry caches and load
        sizes = s["sizes"]
        largest = max(sizes.values(), key=lambda v: v["n"])
        ref = sizes.get("100000")
        growth = largest["public_over_kernel"] / ref["public_over_kernel"]
        add(f"linear: Public.step/kernel, {largest['n']:,} vs 100,000", growth, "< 1.2 (no super-linear term)", growth < 1.2, "x")
        for pair, sl in slopes.items():
            add(f"  log-log slope {pair}, Public.step", sl["public_fixed"], f"kernel {sl['kernel_step']:.2f} (1 = linear)", None, "")
    else:
        add("linear: (Public.step/kernel) at largest / at 1e5", None, "< 1.2 (no super-linear term)", None, "x")
    k = r.get("kernel")
    add("model step / raw-numpy kernel, 10^5", k and k["model_over_kernel"], "<= 1.5", k and k["model_over_kernel"] <= 1.5, "x")
    ratio = k and k["public_over_kernel"]
    add("Public.step / raw-numpy kernel, 10^5", ratio, "<= 1.5 (public alone)", k and ratio <= 1.5, "x")
    p = r.get("per_agent")
    pa = p and p["sizes"].get("100000")
    add("per-agent Mesa / vectorized, 10^5", pa and pa["speedup"], ">= 50", pa and pa["speedup"] >= 50, "x")
    e = r.get("ensemble")
    t = e and e.get("throughput")
    add("ensemble / Hydra path, sanctions sweep", t and t["engine_over_hydra"], ">= 10", t and t["engine_over_hydra"] >= 10, "x")
    add("ensemble / bare model serially", t and t["engine_over_bare"], ">= 5", t and t["engine_over_bare"] >= 5, "x")
    b = e and e.get("batch")
    best = b and max(b["rows"], key=lambda row: row["speedup"])
    add("a run in a batch / alone, best batch size", best and best["speedup"], "(reported)", None, "x")
    sampled = e and e.get("sampled")
    hours = sampled and sampled["hours_for_100000_runs"]["together"]
    add("100,000-run Sobol study at default size (from a sampled design's rate)", hours, "< 1 h", sampled and hours < 1, "h")
    ray = e and e.get("ray")
    add("Ray: smallest chunk with overhead < 5%", ray and ray["smallest_chunk_under_5pct"], "(reported)", None, "runs")
    a = r.get("app")
    add("app: a Step in the browser, 2,000 citizens", a and a["step"]["median_s"], "< 0.25 s", a and a["step"]["median_s"] < 0.25, "s")
    add("app: server start to first page", a and a["first_page_s"], "< 3 s", a and a["first_page_s"] < 3.0, "s")
    for row in rows:
        row["met"] = None if row["figure"] is None or row["met"] is None else bool(row["met"])
    return rows


def print_table(r: dict) -> None:
    m = r["machine"]
    print(
        f"\nmachine: {m['cpu_count']} cpus, python {m['python']}, numpy {m['numpy']}, mesa {m['mesa']}, "
        f"commit {m['git_commit'][:12]}, load {m['load_average']} -> {m['load_average_end']}"
    )
    if "baseline" in r:
        b = r["baseline"]
        steps = b["model_steps"]
        print(f"(i)   model build {b['model_build']['median_s']:.3f} s, {steps['steps']} steps {steps['median_s']:.3f} s, ", end="")
        print(f"process {b['process']['median_s']:.2f} s (min {b['process']['min_s']:.2f})")
    if "scaling" in r:
        for v in r["scaling"]["sizes"].values():
            print(
                f"(ii)  n={v['n']:>9,}: build {v['build_s']:6.2f} s, {v['steps']} steps {v['steps_s']:6.2f} s, "
                f"step {v['step_median_s'] * 1e3:7.2f} ms (public {v['public_step_median_s'] * 1e3:7.2f} ms), "
                f"peak {v['peak_rss_mb']:6.0f} MB; fixed inputs: public {v['public_fixed_median_s'] * 1e3:7.2f} ms, "
                f"kernel {v['kernel_step_median_s'] * 1e3:7.2f} ms ({v['public_over_kernel']:.2f}x)"
            )
        for pair, sl in r["scaling"]["loglog_slopes"].items():
            print(
                f"      log-log slope {pair:>17}: model step {sl['step']:.2f}, public in run {sl['public_step']:.2f}, "
                f"fixed inputs: public {sl['public_fixed']:.2f}, kernel {sl['kernel_step']:.2f}"
            )
    if "kernel" in r:
        k = r["kernel"]
        print(
            f"(iii) n={k['n']:,}: model step {k['model_step_s'] * 1e3:.2f} ms, Public.step {k['public_step_s'] * 1e3:.2f} ms, "
            f"kernel {k['kernel_step_s'] * 1e3:.2f} ms (numpy-only {k['kernel_numpy_step_s'] * 1e3:.2f} ms)"
        )
    if "per_agent" in r:
        for v in r["per_agent"]["sizes"].values():
            print(
                f"(iv)  n={v['n']:>7,}: per-agent step {v['per_agent_step_s'] * 1e3:8.1f} ms, "
                f"vectorized {v['vectorized_step_s'] * 1e3:6.2f} ms, {v['speedup']:.0f}x"
            )
    if "ensemble" in r:
        e = r["ensemble"]
        if "throughput" in e:
            t = e["throughput"]
            rates = ", ".join(f"{k} {v:.2f}" for k, v in t["runs_per_s"].items())
            print(f"(v)   {t['runs']} runs of the sanctions sweep, runs/s: {rates}; engine/hydra {t['engine_over_hydra']:.2f}x, "
                  f"engine/bare {t['engine_over_bare']:.2f}x")  # fmt: skip
        if "batch" in e:
            rows = ", ".join(f"{c['runs']}: {c['speedup']:.2f}x" for c in e["batch"]["rows"])
            print(f"      a run in a batch of R against alone ({e['batch']['citizens']:,} citizens), R: {rows}")
        if "sampled" in e:
            sa = e["sampled"]
            alone, together = sa["s_per_run"]["alone"], sa["s_per_run"]["together"]
            print(f"      a Sobol design of {sa['runs']} points, s/run alone {alone:.3f}, points together {together:.3f} "
                  f"({sa['speedup']:.2f}x): 100,000 runs in {sa['hours_for_100000_runs']['together']:.1f} h")  # fmt: skip
        if "ray" in e:
            rows = ", ".join(f"chunk {c['chunk']}: {c['overhead']:.1%}" for c in e["ray"]["chunks"])
            print(f"      Ray per-task overhead ({e['ray']['runs']} runs, {e['ray']['workers']} workers): {rows}")
    if "app" in r:
        a = r["app"]
        first, load, step = a["first_page_s"], a["page_load"]["median_s"], a["step"]["median_s"] * 1e3
        model = a["model_step"]["median_s"] * 1e3
        print(f"(vi)  app, {a['citizens']:,} citizens: first page {first:.2f} s (page load {load:.2f} s), "
              f"Step {step:.0f} ms (model {model:.1f} ms, {a['step_over_model']:.0f}x)")  # fmt: skip
    print(f"\n{'target':<56}{'measured':>12}  {'limit':<28}{'met':>5}")
    for t in r["targets"]:
        fig = "-" if t["figure"] is None else f"{t['figure']:.3g} {t['unit']}".strip()
        met = "-" if t["met"] is None else ("yes" if t["met"] else "NO")
        print(f"{t['target']:<56}{fig:>12}  {t['limit']:<28}{met:>5}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (about half the time)")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, default=list(BENCHMARKS))
    args = parser.parse_args()
    results = run_all(args.quick, tuple(args.only))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    print(f"\nwritten: {args.json}")


if __name__ == "__main__":
    main()
