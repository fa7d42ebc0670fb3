"""(iii) The model's per-step time against the raw-numpy kernel of the public's rule (no Mesa): the kernel limit.

    python benchmarks/bench_kernel.py [--n 100000] [--repeat 50]

Three figures at ``n`` citizens: the whole model step (``model.run_for(1)``, every population plus the
indicators), ``Public.step`` called directly with fixed inputs, and :class:`kernel_public.PublicKernel`
on copies of the same arrays with the same inputs. Each is timed interleaved with the kernel, call
by call (a model step, then a kernel step; a ``Public.step``, then a kernel step), so that a change
of machine load hits both sides of each ratio alike.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kernel_public import PublicKernel  # noqa: E402

# inputs of one quarter, held fixed: about the mid-2010s of the baseline (securitization, propaganda, ...)
INPUTS = {"securitization": 0.6, "propaganda": 0.5, "persuasion": 1.2, "rally": 0.0, "automation": 0.05, "salience": 0.6}


def public_view(model, inputs: dict[str, float]):
    """The quarter's perception with the public's inputs set to ``inputs`` (what ``Public.step`` reads)."""
    return model.perceive(
        world={"salience": inputs["salience"], "rally": inputs["rally"], "ai_economy_growth": inputs["automation"]},
        central={"securitization": inputs["securitization"], "propaganda": inputs["propaganda"]},
        intellectuals={"persuasion": inputs["persuasion"]},
    )


def check_kernel(model, inputs: dict[str, float]) -> dict[str, float]:
    """Largest difference between one kernel step and one ``Public.step`` from the same state and random stream."""
    public = model.public
    saved = {k: getattr(public, k).copy() for k in ("belief", "discontent", "tolerance", "adopted")}
    kernel = PublicKernel.from_public(public)
    public._rng_step = -1  # the next draw starts the quarter's stream afresh, as model.stream(4) does below
    public.step(public_view(model, inputs))
    kernel.step(**inputs, rng=model.stream(public.stream_key))
    diff = {k: float(np.abs(getattr(kernel, k).astype(float) - getattr(public, k).astype(float)).max()) for k in saved}
    for k, v in saved.items():
        setattr(public, k, v)
    public._rng_step = -1
    return diff


def model_step_times(n: int, runs: int) -> tuple[list[float], list[float], object]:
    """Per-step times of ``runs`` whole runs at ``n`` citizens, each step followed by one kernel step (interleaved)."""
    from sim.config import load_config
    from sim.run import build_model

    config = load_config([f"agents.public.n={n}"])
    steps, kernel_times = [], []
    rng = np.random.default_rng(2)
    for _ in range(runs):
        model = build_model(config)
        kernel = PublicKernel.from_public(model.public)
        for _ in range(model.n_steps):
            t = time.perf_counter()
            model.run_for(1)
            t1 = time.perf_counter()
            kernel.step(**INPUTS, rng=rng)
            kernel_times.append(time.perf_counter() - t1)
            steps.append(t1 - t)
    return steps, kernel_times, model


def bench_kernel(n: int = 100_000, repeat: int = 50, model_runs: int = 3) -> dict:
    """Figures of benchmark (iii)."""
    steps, kernel_in_run, model = model_step_times(n, model_runs)
    public = model.public
    check = check_kernel(model, INPUTS | {"rally": 1.0, "automation": 0.2})
    kernel = PublicKernel.from_public(public, neighbours="csr")
    kernel_np = PublicKernel.from_public(public, neighbours="numpy")
    rng = np.random.default_rng(1)
    view = public_view(model, INPUTS)
    t_public, t_kernel, t_numpy = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        public.step(view)
        t1 = time.perf_counter()
        kernel.step(**INPUTS, rng=rng)
        t2 = time.perf_counter()
        kernel_np.step(**INPUTS, rng=rng)
        t3 = time.perf_counter()
        t_public.append(t1 - t0)
        t_kernel.append(t2 - t1)
        t_numpy.append(t3 - t2)
    public_s = statistics.median(t_public)
    kernel_s = statistics.median(t_kernel)
    numpy_s = statistics.median(t_numpy)
    limit = min(kernel_s, numpy_s)
    model_s = statistics.median(steps)
    kernel_run_s = statistics.median(kernel_in_run)
    return {
        "n": n,
        "repeat": repeat,
        "model_step_s": model_s,
        "model_step_mean_s": statistics.fmean(steps),
        "public_step_s": public_s,
        "kernel_step_s": kernel_s,
        "kernel_numpy_step_s": numpy_s,
        "kernel_limit_s": limit,
        "public_over_kernel": public_s / limit,
        "kernel_step_in_run_s": kernel_run_s,
        "model_over_kernel": model_s / kernel_run_s,
        "kernel_max_abs_diff": check,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    print(json.dumps(bench_kernel(args.n, args.repeat), indent=2))


if __name__ == "__main__":
    main()
