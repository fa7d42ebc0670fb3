"""(v) The ensemble engine against the Hydra path it replaced, and Ray's per-task overhead against the chunk size.

    python benchmarks/bench_ensemble.py [--repeat 3] [--replications 2] [--before 25a9605]
        [--only throughput batch sampled ray] [--batches 2 4 8 16 32] [--samples 128]

throughput: the ``sanctions`` sweep (18 points x ``replications``, default size), side by side in one run, alternating:
  - ``hydra``: the whole ``python -m sim +experiment=sanctions`` process at commit ``--before`` (the last commit with
    one Hydra job per run), checked out in a temporary git worktree;
  - ``engine``: the same command on this tree (loky, every core);
  - ``bare``: ``simulate(load_config())`` run serially in one process, as many runs, no Hydra and no files.
  Ratios are runs/s of the engine over each.
batch: default-size runs advanced together (``sim.run.build_batch``, R replications of one config) against the same runs
  one at a time (``build_model``), interleaved in one process, a fresh set of replications each repetition: seconds per
  run and the speed-up, for R in ``--batches``.
sampled: a Sobol design (SALib, every varied parameter of ``sim.analysis.sensitivity.parameter_space``), ``--samples``
  points x 1 replication at default size, run by the engine on every core with runs alone (``ensemble.batch=1``) and
  with points advanced together (``ensemble.batch=0``, automatic), alternating: seconds per run and the speed-up, and
  the time a 100,000-run study would take at that rate.
ray: one study of default-size runs on a local Ray instance (every core; workers warmed up first), for several chunk
  sizes (median of ``--repeat``), against the same study run serially in-process: per-task overhead = (Ray wall x
  workers - serial wall) / (Ray wall x workers), i.e. the share of the workers' time not spent in the model (it
  includes idle workers when the chunks do not divide evenly); the smallest chunk under 5 % is reported.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, REPO, describe  # noqa: E402

BEFORE = "25a9605"  # the last commit whose sweeps ran one Hydra job per run


def worktree(commit: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix="sim-before-"))
    shutil.rmtree(path)
    subprocess.run(["git", "worktree", "add", "--detach", "-q", str(path), commit], cwd=REPO, check=True)
    return path


def sweep_seconds(tree: Path, replications: int, extra: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"} | {"PYTHONPATH": str(tree)}
    with tempfile.TemporaryDirectory() as tmp:
        command = [PYTHON, "-m", "sim", "+experiment=sanctions", f"replications={replications}", f"output.root={tmp}", *extra]
        t0 = time.perf_counter()
        subprocess.run(command, cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - t0


def bare_seconds(runs: int) -> float:
    """``runs`` default-size runs one after another in a fresh process (build, 88 quarters, tidy table), import excluded."""
    code = (
        "import time, dataclasses\nfrom sim.config import load_config\nfrom sim.run import simulate\n"
        "c = load_config()\nt = time.perf_counter()\n"
        f"for r in range({runs}): simulate(dataclasses.replace(c, replication=r % 2))\n"
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run([PYTHON, "-c", code], cwd=REPO, check=True, capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def bench_throughput(repeat: int, replications: int, before: str) -> dict:
    runs = 18 * replications
    old = worktree(before)
    try:
        times: dict[str, list[float]] = {"hydra": [], "engine": [], "bare": []}
        for _ in range(repeat):
            times["hydra"].append(sweep_seconds(old, replications, []))
            times["engine"].append(sweep_seconds(REPO, replications, ["ensemble.progress=false"]))
            times["bare"].append(bare_seconds(runs))
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=REPO, check=False)
    rate = {k: runs / statistics.median(v) for k, v in times.items()}
    return {
        "runs": runs,
        "before": before,
        "seconds": {k: describe(v) for k, v in times.items()},
        "runs_per_s": rate,
        "engine_over_hydra": rate["engine"] / rate["hydra"],
        "engine_over_bare": rate["engine"] / rate["bare"],
    }


def bench_batch(batches: tuple[int, ...], repeat: int) -> dict:
    from sim.config import load_config
    from sim.run import build_batch, build_model, series

    config = load_config()
    rows = []
    for size in batches:
        alone, together = [], []
        for k in range(repeat):
            reps = list(range(k * size, (k + 1) * size))
            t0 = time.perf_counter()
            for r in reps:
                model = build_model(dataclasses.replace(config, replication=r))
                model.run()
                series(model)
            alone.append((time.perf_counter() - t0) / size)
            t0 = time.perf_counter()
            batch = build_batch(config, reps)
            batch.run()
            series(batch)
            together.append((time.perf_counter() - t0) / size)
        rows.append(
            {
                "runs": size,
                "alone_s_per_run": statistics.median(alone),
                "batch_s_per_run": statistics.median(together),
                "speedup": statistics.median(alone) / statistics.median(together),
            }
        )
    return {"citizens": config.agents.public.n, "rows": rows}


def bench_sampled(samples: int, repeat: int) -> dict:
    from SALib.sample import sobol as sobol_sample

    from sim.analysis.sensitivity import parameter_space
    from sim.config import load_config
    from sim.ensemble import Keep, Study, run_study

    config = load_config(["ensemble.progress=false"])
    space = parameter_space(config)
    names = list(space)
    problem = {"num_vars": len(names), "names": names, "bounds": [list(space[n]) for n in names]}
    design = sobol_sample.sample(problem, 1, calc_second_order=False, seed=0)[:samples]
    points = [(0, dict(zip(names, map(float, row), strict=True))) for row in design]
    study = Study([config], points, [{} for _ in points], [0], Keep(("2030Q4",)))
    times: dict[str, list[float]] = {"alone": [], "together": []}
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="rb-") as tmp:
        for _ in range(repeat):
            for key, batch in (("alone", 1), ("together", 0)):
                t0 = time.perf_counter()
                run_study(study, dataclasses.replace(config.ensemble, batch=batch), Path(tmp))
                times[key].append(time.perf_counter() - t0)
    per_run = {k: statistics.median(v) / len(points) for k, v in times.items()}
    return {
        "runs": len(points),
        "parameters": len(names),
        "seconds": {k: describe(v) for k, v in times.items()},
        "s_per_run": per_run,
        "speedup": per_run["alone"] / per_run["together"],
        "hours_for_100000_runs": {k: v * 100_000 / 3600 for k, v in per_run.items()},
    }


def bench_ray(chunks: tuple[int, ...], runs: int, repeat: int = 3) -> dict:
    import ray

    from sim.config import Backend, load_config
    from sim.ensemble import Study, execute, run_study, workers

    config = load_config(["ensemble.progress=false"])
    study = Study([config], [(0, {})] * runs, [{}] * runs, [0])
    serial = dataclasses.replace(config.ensemble, backend=Backend.serial)
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="rb-") as tmp:
        t0 = time.perf_counter()
        run_study(study, serial, Path(tmp))
        serial_s = time.perf_counter() - t0
        n = workers(config.ensemble)
        os.environ.setdefault("RAY_AUTH_MODE", "disabled")
        ray.init(num_cpus=n, include_dashboard=False, log_to_driver=False, _temp_dir=str(Path(tmp) / "ray"))
        try:
            settings = dataclasses.replace(config.ensemble, backend=Backend.ray)
            list(execute(study.chunks(runs // n), settings, Path(tmp), Path(tmp)))  # warm-up: workers import sim once
            rows = []
            for size in chunks:
                walls = []
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    list(execute(study.chunks(size), settings, Path(tmp), Path(tmp)))
                    walls.append(time.perf_counter() - t0)
                wall = statistics.median(walls)
                rows.append({"chunk": size, "tasks": -(-runs // size), "wall_s": wall, "overhead": (wall * n - serial_s) / (wall * n)})
        finally:
            ray.shutdown()
    under = [r["chunk"] for r in rows if r["overhead"] < 0.05]
    return {"runs": runs, "workers": n, "serial_s": serial_s, "chunks": rows, "smallest_chunk_under_5pct": min(under) if under else None}


def bench_ensemble(
    repeat: int = 3,
    replications: int = 2,
    before: str = BEFORE,
    only: tuple[str, ...] = ("throughput", "batch", "sampled", "ray"),
    batches: tuple[int, ...] = (2, 4, 8, 16, 32),
    samples: int = 128,
) -> dict:
    out = {}
    if "sampled" in only:
        out["sampled"] = bench_sampled(samples, repeat)
    if "batch" in only:
        out["batch"] = bench_batch(batches, repeat)
    if "throughput" in only:
        out["throughput"] = bench_throughput(repeat, replications, before)
    if "ray" in only:
        out["ray"] = bench_ray((1, 2, 4, 8, 16), 32, repeat)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--replications", type=int, default=2)
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--only", nargs="+", default=["throughput", "batch", "sampled", "ray"])
    parser.add_argument("--batches", type=int, nargs="+", default=[2, 4, 8, 16, 32])
    parser.add_argument("--samples", type=int, default=128)
    args = parser.parse_args()
    result = bench_ensemble(args.repeat, args.replications, args.before, tuple(args.only), tuple(args.batches), args.samples)
    print(json.dumps(result, indent=2))
