"""(v) A 16-run sweep (desecuritize, 8 replications x 2 strategies) with Hydra's basic launcher and with joblib on all cores.

    python benchmarks/bench_sweep.py [--repeat 2] [--replications 8] [--citizens 10000 100000]

Each sweep is the whole ``python -m sim +experiment=desecuritize replications=8 agents.public.n=N
output.root=<tmp>`` process, aggregation and figures included; ``hydra/launcher=joblib`` runs the
jobs in ``n_jobs=-1`` worker processes (all cores). The two launchers alternate, run by run. At the
default 10^4 citizens a run's model takes about 0.1 s, less than Hydra's composition of its config,
so the serial parts of a sweep weigh heavily; at 10^5 the runs dominate, as in a research-scale sweep.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, REPO, describe  # noqa: E402

LAUNCHERS = {"basic": [], "joblib": ["hydra/launcher=joblib"]}


def time_sweep(launcher: str, replications: int, citizens: int) -> dict:
    """Wall and CPU seconds of one sweep, and its phases read off the timestamps of its output lines.

    Phases: ``startup`` (interpreter, imports, Hydra, to the callback's "sweep: N runs into"), ``plan``
    (Hydra composing every job's config in the parent before launching, to the "#0 :" line), ``jobs``
    (to the last "sweep: N/N runs"), ``aggregate`` (to "sweep results") and ``exit``. Everything but
    ``jobs`` is serial whatever the launcher, which bounds the joblib speed-up (Amdahl).
    """
    with tempfile.TemporaryDirectory() as tmp:
        command = [PYTHON, "-u", "-m", "sim", "+experiment=desecuritize", f"replications={replications}", f"agents.public.n={citizens}"]
        command.append(f"output.root={tmp}")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        marks: dict[str, float] = {}
        lines = []
        t0 = time.perf_counter()
        with subprocess.Popen(command + LAUNCHERS[launcher], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
            for line in proc.stdout:
                now = time.perf_counter() - t0
                lines.append(line)
                if "runs into" in line:
                    marks.setdefault("startup", now)
                elif "#0 :" in line:
                    marks.setdefault("plan", now)
                elif f"{2 * replications}/{2 * replications} runs" in line:
                    marks["jobs"] = now
                elif "sweep results" in line:
                    marks.setdefault("aggregate", now)
        elapsed = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            raise RuntimeError(f"{launcher} sweep failed ({proc.returncode}):\n{''.join(lines)[-2000:]}")
        runs = list(Path(tmp).glob("desecuritize/*/runs/*/timeseries.parquet"))
        if len(runs) != 2 * replications:
            raise RuntimeError(f"{launcher} sweep wrote {len(runs)} runs, expected {2 * replications}")
    phases, last = {}, 0.0
    for name in ("startup", "plan", "jobs", "aggregate"):
        if name in marks:
            phases[name] = marks[name] - last
            last = marks[name]
    phases["exit"] = elapsed - last
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": elapsed, "cpu_s": cpu, "phases_s": phases}


def bench_sweep(repeat: int = 2, replications: int = 8, citizens: tuple[int, ...] = (10_000, 100_000)) -> dict:
    """Figures of benchmark (v), per public size."""
    out: dict = {"runs": 2 * replications, "cores": os.cpu_count(), "sizes": {}}
    for n in citizens:
        samples: dict[str, list[dict]] = {name: [] for name in LAUNCHERS}
        for _ in range(repeat):
            for name in LAUNCHERS:
                samples[name].append(time_sweep(name, replications, n))
        point: dict = {"citizens": n}
        for name, runs in samples.items():
            point[name] = describe([r["wall_s"] for r in runs]) | {
                "cpu_s": statistics.median(r["cpu_s"] for r in runs),
                "phases_s": {k: statistics.median(r["phases_s"].get(k, 0.0) for r in runs) for k in runs[0]["phases_s"]},
                "runs": runs,
            }
        point["speedup"] = point["basic"]["median_s"] / point["joblib"]["median_s"]
        basic = point["basic"]["phases_s"]
        serial = sum(v for k, v in basic.items() if k != "jobs")
        # the best joblib could do on idle cores: the basic sweep's serial phases plus its jobs shared among the cores
        point["amdahl_bound"] = point["basic"]["median_s"] / (serial + basic.get("jobs", 0.0) / (os.cpu_count() or 1))
        out["sizes"][str(n)] = point
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--replications", type=int, default=8)
    parser.add_argument("--citizens", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    print(json.dumps(bench_sweep(args.repeat, args.replications, tuple(args.citizens)), indent=2))


if __name__ == "__main__":
    main()
