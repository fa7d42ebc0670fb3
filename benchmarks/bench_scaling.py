"""(ii) Step time and peak memory against the public's size (10^4, 10^5, 10^6 citizens).

    python benchmarks/bench_scaling.py [--sizes 10000 100000 1000000] [--steps 88] [--repeat 3]

Each size runs in a fresh subprocess (``--worker``), so that its peak resident memory
(``resource.getrusage(...).ru_maxrss``) covers imports, model construction and the steps of that size
alone. Construction and steps are timed separately; ``Public.step`` is timed on its own as well,
which is what grows with the public's size.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_rss_mb, run_json  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)
# a size past 10^6, few steps: between 10^6 and 2 x 10^6 every array is far out of cache, so the growth there is the algorithm's
EXTRA = {2_000_000: 10}


def worker(n: int, steps: int, kernel_repeat: int = 7) -> dict:
    """Build a model with ``n`` citizens and run ``steps`` quarters; return times and peak memory.

    After the peak memory is read, ``Public.step`` with fixed inputs and the raw-numpy kernel of the
    public's rule (benchmark iii) on copies of the same arrays are timed, interleaved: the kernel's
    growth with ``n`` is what the hardware gives (caches, memory bandwidth), and ``public_over_kernel``
    staying flat as ``n`` grows means the model adds no super-linear term.
    """
    from sim.config import load_config
    from sim.run import build_model

    config = load_config([f"agents.public.n={n}"])
    rss_imports = peak_rss_mb()
    t0 = time.perf_counter()
    model = build_model(config)
    build_s = time.perf_counter() - t0
    rss_built = peak_rss_mb()

    public_times: list[float] = []
    public_step = model.public.step

    def timed_public_step(*args, **kwargs):
        t = time.perf_counter()
        public_step(*args, **kwargs)
        public_times.append(time.perf_counter() - t)

    model.public.step = timed_public_step  # instance attribute: the model's schedule calls it (removed below)
    step_times = []
    for _ in range(steps):
        t = time.perf_counter()
        model.run_for(1)
        step_times.append(time.perf_counter() - t)
    peak = peak_rss_mb()
    del model.public.step
    from bench_kernel import INPUTS, public_view
    from kernel_public import PublicKernel

    kernel = PublicKernel.from_public(model.public)
    rng = np.random.default_rng(0)
    fixed_view = public_view(model, INPUTS)
    fixed_times, kernel_times = [], []
    for _ in range(kernel_repeat):  # interleaved, call by call, so that load changes hit both alike
        t = time.perf_counter()
        model.public.step(fixed_view)
        t1 = time.perf_counter()
        kernel.step(**INPUTS, rng=rng)
        kernel_times.append(time.perf_counter() - t1)
        fixed_times.append(t1 - t)
    return {
        "n": n,
        "steps": model.steps,
        "build_s": build_s,
        "steps_s": sum(step_times),
        "total_s": build_s + sum(step_times),
        "step_median_s": statistics.median(step_times),
        "public_step_median_s": statistics.median(public_times),
        "rss_after_imports_mb": rss_imports,
        "rss_after_build_mb": rss_built,
        "peak_rss_mb": peak,
        "kernel_step_median_s": statistics.median(kernel_times),
        "public_fixed_median_s": statistics.median(fixed_times),
        "public_over_kernel": statistics.median(fixed_times) / statistics.median(kernel_times),
    }


def loglog_slope(n1: float, t1: float, n2: float, t2: float) -> float:
    return math.log(t2 / t1) / math.log(n2 / n1)


def bench_scaling(sizes: tuple[int, ...] = SIZES, steps: int = 88, repeat: int = 3, extra: dict[int, int] | None = None) -> dict:
    """Figures of benchmark (ii): per size, the medians over ``repeat`` fresh processes (``extra`` sizes: once, few steps)."""
    extra = EXTRA if extra is None else extra
    per_size = {}
    plan = [(n, steps, repeat) for n in sizes] + [(n, k, 1) for n, k in extra.items()]
    for n, n_steps, reps in plan:
        runs = [run_json([__file__, "--worker", "--n", str(n), "--steps", str(n_steps)]) for _ in range(reps)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k not in ("n", "steps")}
        per_size[str(n)] = {"n": n, "steps": runs[0]["steps"], "repeats": reps, **med, "runs": runs}
    out: dict = {"sizes": per_size}
    # log-log slopes of the step times between consecutive sizes: 1 is linear, 2 quadratic
    slopes: dict[str, dict[str, float]] = {}
    all_ns = sorted({*sizes, *extra})
    for lo, hi in zip(all_ns[:-1], all_ns[1:], strict=True):
        a, b = per_size[str(lo)], per_size[str(hi)]
        slopes[f"{lo}-{hi}"] = {
            key: loglog_slope(lo, a[f"{key}_median_s"], hi, b[f"{key}_median_s"])
            for key in ("step", "public_step", "public_fixed", "kernel_step")
        }
    out["loglog_slopes"] = slopes
    out["public_step_loglog_slope"] = slopes[f"{all_ns[-2]}-{all_ns[-1]}"]["public_step"]
    if len(all_ns) >= 3:
        # per-citizen marginal cost of a step between consecutive sizes: equal if linear, growing with n if quadratic
        marg = []
        for lo, hi in zip(all_ns[:-1], all_ns[1:], strict=True):
            dt = per_size[str(hi)]["step_median_s"] - per_size[str(lo)]["step_median_s"]
            marg.append(dt / (hi - lo))
        out["marginal_cost_per_citizen_s"] = marg
        out["marginal_cost_ratio"] = marg[-1] / marg[0] if marg[0] > 0 else float("nan")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", help="internal: run one size in this process and print JSON")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--steps", type=int, default=88)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-extra", action="store_true", help=f"skip the extra sizes {sorted(EXTRA)}")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.n, args.steps)))
        return
    result = bench_scaling(tuple(args.sizes), args.steps, args.repeat, extra={} if args.no_extra else None)
    for r in result["sizes"].values():
        print(
            f"n={r['n']:>9,}  build {r['build_s']:7.2f} s  {r['steps']} steps {r['steps_s']:7.2f} s  "
            f"step {r['step_median_s'] * 1e3:8.2f} ms  public {r['public_step_median_s'] * 1e3:8.2f} ms  peak {r['peak_rss_mb']:7.0f} MB"
        )
    print(json.dumps({k: v for k, v in result.items() if k != "sizes"}, indent=2))


if __name__ == "__main__":
    main()
