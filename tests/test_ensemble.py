"""The ensemble engine (sim/ensemble.py): a run inside a study is the run alone; results do not depend on the backend,
chunk size, worker count or how many replications advance together; sweep folders are never shared, resume by
checksummed chunk, refuse what they cannot honour with one line, and survive Ctrl-C."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_reliability import TINY, cli, foreground  # small populations, 2016Q1-2019Q4, no figure; python -m sim in a subprocess

from sim.__main__ import parse_command, sweep_study
from sim.config import Backend, load_config
from sim.ensemble import Study, SweepFolder, batch_size, batches, chunk_size, run_study, wide
from sim.run import simulate

REPO = Path(__file__).resolve().parent.parent
SWEEP = ["rival.sanctions.severity=0,0.8", "central.strategy=historical,none", "replication=0,1,2"]  # 12 runs


def study(tmp_path: Path, *extra: str):
    command = parse_command(["-m", *TINY, f"output.root={tmp_path}", *SWEEP, *extra])
    return command, *sweep_study(command)


def settings(command, **changes):
    return dataclasses.replace(command.config.ensemble, progress=False, **changes)


def test_a_run_inside_a_study_gives_the_series_of_the_same_run_alone(tmp_path):
    command, s, _ = study(tmp_path)
    rows = run_study(s, settings(command, backend=Backend.serial), tmp_path).to_pandas()
    keys = ["rival.sanctions.severity", "central.strategy"]
    assert list(rows.columns) == ["run", "replication", "seed", *keys, "step", "quarter", "indicator", "value"]
    picked = rows[(rows["rival.sanctions.severity"] == 0.8) & (rows["central.strategy"] == "none") & (rows["replication"] == 2)]
    _, alone = simulate(load_config([*TINY, "rival.sanctions.severity=0.8", "central.strategy=none", "replication=2"]))
    np.testing.assert_array_equal(picked["value"].to_numpy(), alone["value"].to_numpy())  # value for value
    assert list(picked["indicator"]) == list(alone["indicator"]) and list(picked["quarter"]) == list(alone["quarter"])
    # common random numbers: the same replication at another point starts from the same stream
    other = rows[(rows["rival.sanctions.severity"] == 0.0) & (rows["central.strategy"] == "none") & (rows["replication"] == 2)]
    assert other["value"].to_numpy()[0] == picked["value"].to_numpy()[0]


def test_results_do_not_depend_on_backend_chunk_size_workers_or_batch(tmp_path):
    command, s, _ = study(tmp_path)
    reference = run_study(s, settings(command, backend=Backend.serial, chunk=12, batch=1), tmp_path)  # every run alone
    for changes in (
        {"backend": Backend.serial, "chunk": 1},
        {"workers": 2, "chunk": 5},
        {"workers": 2, "chunk": 0},
        {"backend": Backend.serial, "chunk": 12, "batch": 3},  # each point's three replications advance together
        {"backend": Backend.serial, "chunk": 12, "batch": 2},  # and a batch of two, then one
    ):
        assert run_study(s, settings(command, **changes), tmp_path).equals(reference), changes


def test_points_that_differ_in_numbers_advance_together_and_give_the_same_results(tmp_path):
    """A sampled design (points that differ only in real-valued parameters, with per-point replications as the
    posterior draws have them) in batches across points equals every run alone."""
    config = load_config(TINY)
    keys = ("central.threshold", "rival.mirror", "public.network.rewire")
    points = [(0, dict(zip(keys, (0.3 + 0.05 * k, 0.2 + 0.1 * k, 0.05 + 0.05 * k), strict=True))) for k in range(4)]
    s = Study([config], points, [{"k": k} for k in range(4)], [0, 1], offsets=[0, 3, 1, 7])
    assert s.together == 8
    alone = run_study(s, dataclasses.replace(config.ensemble, progress=False, backend=Backend.serial, batch=1), tmp_path)
    together = run_study(s, dataclasses.replace(config.ensemble, progress=False, backend=Backend.serial, batch=8), tmp_path)
    assert together.equals(alone)
    values = wide(alone)
    assert not values[0].equals(values[2])  # the points differ, so a run given another's values would be caught


def test_sweep_files_are_byte_identical_across_chunk_sizes_and_workers(tmp_path):
    files = []
    for i, extra in enumerate((["ensemble.chunk=1", "ensemble.workers=1"], ["ensemble.chunk=5", "ensemble.workers=2", "ensemble.batch=3"])):
        result = cli("-m", *TINY, *SWEEP, f"output.root={tmp_path / str(i)}", *extra)
        assert result.returncode == 0, result.stderr
        (folder,) = (tmp_path / str(i) / "baseline").iterdir()
        files.append((folder / "sweep.parquet").read_bytes())
    assert files[0] == files[1]


def test_a_damaged_or_missing_chunk_is_detected_by_checksum_and_run_again(tmp_path):
    command, s, description = study(tmp_path)
    options = settings(command, backend=Backend.serial)
    whole = SweepFolder.create(tmp_path, "whole", "stamp", {**description, "chunk": 2})
    whole.run(s, options, "whole")
    reference = whole.merge(6, {}).read_bytes()

    folder = SweepFolder.create(tmp_path, "damaged", "stamp", {**description, "chunk": 2})
    folder.run(s, options, "first")
    chunk1, chunk4 = folder.path / "chunks" / "000001.parquet", folder.path / "chunks" / "000004.parquet"
    data = bytearray(chunk1.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    chunk1.write_bytes(bytes(data))
    chunk4.unlink()
    (folder.path / "chunks" / ".000005.parquet.tmp-99999").write_bytes(b"left by a dead process")
    assert folder.finished_chunks() == {0, 2, 3, 5}
    assert not (folder.path / "chunks" / ".000005.parquet.tmp-99999").exists()
    resumed = SweepFolder.resume(folder.path, {**description, "chunk": None})
    assert resumed.run(s, options, "again") == 8  # 4 of 6 chunks of 2 runs kept
    assert resumed.merge(6, {}).read_bytes() == reference


def test_two_sweeps_started_in_the_same_second_never_share_a_folder(tmp_path):
    a = SweepFolder.create(tmp_path, "x", "2026-01-01_00-00-00", {"config": ""})
    b = SweepFolder.create(tmp_path, "x", "2026-01-01_00-00-00", {"config": ""})
    assert a.path != b.path and a.path.exists() and b.path.exists()
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "sim", "-m", *TINY, "replication=0,1", f"seed={seed}", f"output.root={tmp_path}"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for seed in (1, 2)
    ]
    for proc in procs:
        assert proc.wait(timeout=600) == 0, proc.stderr.read()
    seeds = sorted(tuple(sorted(set(pd.read_parquet(f)["seed"]))) for f in (tmp_path / "baseline").glob("*/sweep.parquet"))
    assert seeds == [(1,), (2,)]  # each sweep holds its own runs, whether or not the two started in the same second


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["resume={out}/baseline/nonexistent"], "not a sweep folder"),
        (["hydra/launcher=joblib"], "ensemble.backend"),
        (["talent.start.foreign.in_china=0.05,0.35", "talent.start.foreign.in_rival=0.6,0.7"], "sweep point"),  # 0.35 + 0.7 > 1
        (["ensemble.workers=0"], "ensemble.workers"),
        (["ensemble.backend=submitit_slurm"], "ensemble.slurm.partition"),
    ],
)
def test_a_sweep_it_cannot_honour_is_refused_in_one_line_before_any_run(tmp_path, args, says):
    out = tmp_path / "out"
    result = cli("-m", *TINY, "replication=0,1", f"output.root={out}", *(a.format(out=out) for a in args))
    assert result.returncode == 2, result.stderr
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_resume_with_another_config_is_refused_and_touches_nothing(tmp_path):
    first = cli("-m", *TINY, "replication=0,1", f"output.root={tmp_path}", "ensemble.progress=false")
    assert first.returncode == 0 and first.stderr == ""  # no progress bar when asked for none
    (folder,) = (tmp_path / "baseline").iterdir()
    frame = pd.read_parquet(folder / "sweep.parquet")
    assert set(frame["replication"]) == {0, 1} and list(frame.columns)[:3] == ["run", "replication", "seed"]
    before = sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir())
    other = cli("-m", *TINY, "replication=0,1", "seed=7", f"output.root={tmp_path}", f"resume={folder}")
    assert other.returncode == 2 and "seed differs" in other.stderr and len(other.stderr.strip().splitlines()) == 1
    same = cli("-m", *TINY, "replication=0,1", f"output.root={tmp_path}", f"resume={folder}", "ensemble.workers=1")
    assert same.returncode == 0 and "complete already" in same.stdout  # where it runs is not part of the study
    assert sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir()) == before


def test_ctrl_c_stops_a_sweep_in_one_line_and_leaves_it_resumable(tmp_path):
    args = ["-m", *TINY, "replication=range(0,8)", "ensemble.chunk=1", "ensemble.workers=1"]
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    proc = subprocess.Popen([sys.executable, "-m", "sim", *args, f"output.root={tmp_path}"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=foreground)  # fmt: skip
    deadline = time.time() + 300
    while time.time() < deadline and len(list(tmp_path.glob("baseline/*/chunks/*.parquet"))) < 2:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "Traceback" not in err
    lines = [line for line in err.splitlines() if "interrupted" in line]
    assert len(lines) == 1 and "resume=" in lines[0]
    (folder,) = (tmp_path / "baseline").iterdir()
    assert not (folder / "sweep.parquet").exists()
    resumed = cli(*args, f"output.root={tmp_path}", f"resume={folder}")
    assert resumed.returncode == 0, resumed.stderr
    assert pd.read_parquet(folder / "sweep.parquet")["run"].nunique() == 8


def test_batches_are_whole_points_even_and_only_where_they_pay():
    config = load_config()
    ten_thousand = dataclasses.replace(config.ensemble, workers=2)

    def of(replications: int, points: int = 1, citizens: int = 10_000, key: str = "central.threshold") -> Study:
        base = dataclasses.replace(
            config, agents=dataclasses.replace(config.agents, public=dataclasses.replace(config.agents.public, n=citizens))
        )
        return Study(
            [base],
            [(0, {key: 0.1 * k}) for k in range(points)],
            [{"k": k} for k in range(points)],
            list(range(replications)),
        )

    assert batch_size(ten_thousand, of(40)) == 20  # 200,000 citizens' worth
    assert batch_size(ten_thousand, of(8)) == 4  # an even share for each of the two workers
    assert batch_size(ten_thousand, of(3)) == 1  # below four runs: alone is faster
    assert batch_size(ten_thousand, of(8, citizens=80_000)) == 1  # a batch of two would be slower
    assert batch_size(dataclasses.replace(ten_thousand, batch=2), of(3)) == 2  # as asked
    # points that differ only in a real-valued parameter share batches; in a count (a structural choice) they do not
    assert of(3, points=18).together == 54 and batch_size(ten_thousand, of(3, points=18)) == 20
    assert of(3, points=18, key="agents.firms.n").together == 3 and batch_size(ten_thousand, of(3, points=18, key="agents.firms.n")) == 1
    big = of(1000)
    size = chunk_size(ten_thousand, big)
    assert size <= 100 and size % 20 == 0 and big.size // size >= 8  # whole batches, and every worker busy
    assert chunk_size(ten_thousand, of(8, points=18, key="agents.firms.n")) % 8 == 0  # whole points
    bases = {0: config}
    runs = [(r, 0, {}, r, {}) for r in range(34)]
    assert [len(b) for b in batches(runs, 32, bases)] == [17, 17]
    two_points = [(r, 0, {"agents.firms.n": r // 3}, r % 3, {}) for r in range(6)]
    assert [[spec[0] for spec in b] for b in batches(two_points, 32, bases)] == [[0, 1, 2], [3, 4, 5]]
    two_points = [(r, 0, {"central.threshold": r // 3 / 10}, r % 3, {}) for r in range(6)]
    assert [[spec[0] for spec in b] for b in batches(two_points, 32, bases)] == [[0, 1, 2, 3, 4, 5]]
    alternating = [(r, 0, {"central.strategy": "ab"[r % 2], "central.threshold": r / 10}, 0, {}) for r in range(6)]
    assert [[spec[0] for spec in b] for b in batches(alternating, 32, bases)] == [[0, 2, 4], [1, 3, 5]]  # a choice: no
