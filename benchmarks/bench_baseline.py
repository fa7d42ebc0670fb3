"""(i) The default baseline run: model construction and the 88 model steps alone, and the whole `python -m sim` process.

    python benchmarks/bench_baseline.py [--repeat 5] [--json PATH]

The model is timed in this process (imports and config composition excluded); the process is
``python -m sim output.root=<tmp>`` end to end (interpreter start, imports, Hydra, run, files, figure).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, REPO, describe  # noqa: E402


def time_model(repeat: int) -> dict[str, dict]:
    from sim.config import load_config
    from sim.run import build_model

    config = load_config()
    build, steps = [], []
    n_steps = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        model = build_model(config)
        t1 = time.perf_counter()
        model.run()
        t2 = time.perf_counter()
        build.append(t1 - t0)
        steps.append(t2 - t1)
        n_steps = model.steps
    return {"model_build": describe(build), "model_steps": describe(steps) | {"steps": n_steps}}


def time_process(repeat: int) -> dict:
    import subprocess

    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            t0 = time.perf_counter()
            subprocess.run([PYTHON, "-m", "sim", f"output.root={tmp}"], cwd=REPO, check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
    return describe(times)


def bench_baseline(repeat: int = 5, process_repeat: int | None = None) -> dict:
    """Figures of benchmark (i)."""
    out = time_model(repeat)
    out["process"] = time_process(process_repeat or repeat)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    results = bench_baseline(args.repeat)
    print(f"{'benchmark':<14}{'median s':>10}{'min s':>10}{'max s':>10}")
    for name, r in results.items():
        print(f"{name:<14}{r['median_s']:>10.3f}{r['min_s']:>10.3f}{r['max_s']:>10.3f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
