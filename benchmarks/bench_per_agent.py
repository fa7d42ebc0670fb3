"""(iv) The public's vectorized update against an idiomatic per-agent Mesa version of the same rule, at 10^4 and 10^5.

    python benchmarks/bench_per_agent.py [--sizes 10000 100000]

Vectorized: ``Public.step`` of a model built with ``n`` citizens, called with fixed inputs.
Per agent: :class:`per_agent_public.PerAgentPublic` built from the same arrays, one quarter being
``agents.shuffle_do("step")`` then ``agents.do("advance")``. At 10^5 a single quarter is timed.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_kernel import INPUTS, public_view  # noqa: E402
from per_agent_public import PerAgentPublic, check_against_model  # noqa: E402

STEPS = {10_000: 5, 100_000: 1}


def bench_one(n: int, agent_steps: int, vector_repeat: int = 20, check: bool = False) -> dict:
    from sim.config import load_config
    from sim.run import build_model

    model = build_model(load_config([f"agents.public.n={n}"]))
    public = model.public
    out: dict = {"n": n}
    if check:
        out["max_abs_diff"] = check_against_model(public, INPUTS)
    fixed_view = public_view(model, INPUTS)
    vec = []
    for _ in range(vector_repeat):
        t = time.perf_counter()
        public.step(fixed_view)
        vec.append(time.perf_counter() - t)
    out["vectorized_step_s"] = statistics.median(vec)
    t0 = time.perf_counter()
    agents = PerAgentPublic(public)
    out["per_agent_build_s"] = time.perf_counter() - t0
    agents.set_inputs(**INPUTS)
    times = []
    for _ in range(agent_steps):
        t = time.perf_counter()
        agents.step()
        times.append(time.perf_counter() - t)
    out["per_agent_steps"] = agent_steps
    out["per_agent_step_s"] = statistics.median(times)
    agents.remove_all_agents()
    del agents
    gc.collect()
    out["speedup"] = out["per_agent_step_s"] / out["vectorized_step_s"]
    return out


def bench_per_agent(sizes: tuple[int, ...] = (10_000, 100_000), steps: dict[int, int] | None = None) -> dict:
    """Figures of benchmark (iv), under ``sizes`` keyed by size."""
    steps = steps or STEPS
    return {"sizes": {str(n): bench_one(n, steps.get(n, 1), check=(n == min(sizes))) for n in sizes}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    print(json.dumps(bench_per_agent(tuple(args.sizes)), indent=2))


if __name__ == "__main__":
    main()
