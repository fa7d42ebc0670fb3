"""A/B of the change suggested for ``Public`` (sim/agents/public.py), in one process, call by call.

    python benchmarks/ab_public.py [--sizes 100000 1000000] [--repeat 30]

A (as is): the adjacency holds float32 ones, so every ``self.network @ x`` with a float64 ``x`` makes
scipy upcast a float64 copy of all the ties' values first; ``values.astype(np.float64)`` copies
``belief`` even though it is float64 already; ``inv_degree`` is float32.
B (suggested): after ``inv_degree`` is computed as now, ``self.network = self.network.astype(np.float64)``,
``inv_degree`` kept as float64 (same values) and ``np.asarray(values, dtype=np.float64)``.

A and B alternate call by call on the same model, so machine load hits both alike; one step from
the same state and random stream is checked to give bit-identical arrays.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import types
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_kernel import INPUTS, public_view  # noqa: E402

STATE = ("belief", "discontent", "tolerance", "adopted")


def variant_b(public) -> dict:
    """The attributes and method of the suggested version."""

    def neighbour_mean(self, values: np.ndarray) -> np.ndarray:
        return (self.network @ np.asarray(values, dtype=np.float64)) * self.inv_degree

    return {
        "network": public.network.astype(np.float64),
        "inv_degree": public.inv_degree.astype(np.float64),
        "neighbour_mean": types.MethodType(neighbour_mean, public),
    }


def use(public, variant: dict) -> None:
    for key, value in variant.items():
        setattr(public, key, value)


def ab(n: int, repeat: int) -> dict:
    from sim.config import load_config
    from sim.run import build_model

    model = build_model(load_config([f"agents.public.n={n}"]))
    public = model.public
    a = {"network": public.network, "inv_degree": public.inv_degree, "neighbour_mean": public.neighbour_mean}
    b = variant_b(public)

    # bit-identical: one step from the same state and stream under each variant
    saved = {k: getattr(public, k).copy() for k in STATE}
    out = {}
    for name, variant in (("A", a), ("B", b)):
        use(public, variant)
        for k, v in saved.items():
            setattr(public, k, v.copy())
        public._rng_step = -1
        public.step(public_view(model, INPUTS | {"automation": 0.2, "rally": 1.0}))
        out[name] = {k: getattr(public, k).copy() for k in STATE}
    identical = all(np.array_equal(out["A"][k], out["B"][k]) for k in STATE)

    fixed_view = public_view(model, INPUTS)
    times: dict[str, list[float]] = {"A": [], "B": []}
    for _ in range(repeat):
        for name, variant in (("A", a), ("B", b)):
            use(public, variant)
            t = time.perf_counter()
            public.step(fixed_view)
            times[name].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    return {"n": n, "A_s": med["A"], "B_s": med["B"], "B_over_A": med["B"] / med["A"], "bit_identical": identical}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    results = [ab(n, args.repeat) for n in args.sizes]
    for r in results:
        print(
            f"n={r['n']:>9,}: Public.step A {r['A_s'] * 1e3:7.2f} ms, B {r['B_s'] * 1e3:7.2f} ms, "
            f"B/A {r['B_over_A']:.2f}, bit-identical {r['bit_identical']}"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
