"""Reliability: bad input fails cleanly, interrupted sweeps resume to the same result, runs reproduce
from their folders, random valid configurations keep every invariant, memory stays flat."""

from __future__ import annotations

import gc
import os
import resource
import signal
import subprocess
import sys
import time
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.analysis.sensitivity import parameter_space
from sim.config import NOT_MODEL, Strategy, load_config
from sim.ensemble import with_values
from sim.indicators import INDICATORS
from sim.run import build_model

REPO = Path(__file__).resolve().parent.parent
TINY = [
    "agents.public.n=200",
    "agents.firms.n=80",
    "agents.intellectuals.n=40",
    "agents.talent.n=100",
    "agents.third.n=10",
    "public.network.degree=4",
    "time.start=2016Q1",
    "time.end=2019Q4",
    "output.plot=false",
]


def cli(*args: str, cwd: Path = REPO, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600, **kwargs)


# --- bad input -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def broken_timelines(tmp_path_factory) -> Path:
    """A config folder with a malformed, an empty and an unsafe timeline file."""
    root = tmp_path_factory.mktemp("conf")
    (root / "timeline").mkdir()
    (root / "timeline" / "malformed.yaml").write_text("name: broken\nevents: [ {date: 2016Q1, kind: \n")
    (root / "timeline" / "empty.yaml").write_text("")
    (root / "timeline" / "unsafe.yaml").write_text(f"name: !!python/object/apply:os.system ['touch {root}/pwned']\n")
    (root / "experiment").mkdir()
    (root / "experiment" / "bad_sweep.yaml").write_text(  # a value out of range in an experiment file's sweep
        "# @package _global_\nexperiment: bad_sweep\nhydra:\n  mode: MULTIRUN\n  sweeper:\n    params:\n"
        "      rival.sanctions.severity: 0,1.5\n      replication: range(0,2)\n"
    )
    return root


BAD = [
    (["+experiment=nonexistent"], "experiment"),
    (["central.nonexistent=1"], "nonexistent"),
    (["seed=abc"], "seed"),
    (["agents.public.n=ten"], "agents.public.n"),
    (["rival.sanctions.severity=1.5"], "rival.sanctions.severity"),
    (["central.outreach=-0.1"], "central.outreach"),
    (["talent.senior_share=2"], "talent.senior_share"),
    (["rival.outbound.start=2023-08"], "rival.outbound.start"),
    (["central.anxiety=nan"], "central.anxiety"),
    (["agents.public.n=-5"], "agents.public.n"),
    (["agents.firms.n=0"], "agents.firms.n"),
    (["agents.local.n=0"], "agents.local.n"),
    (["time.end=2008Q4"], "time.end"),
    (["time.start=2009Q5"], "time.start"),
    (["time.end=2030-12"], "time.end"),
    (["rival.sanctions.start=2020-01"], "rival.sanctions.start"),
    (["central.strategy=bold"], "strategy"),
    (["public.network.degree=5"], "public.network.degree"),
    (["public.network.degree=20000"], "public.network.degree"),
    (["firms.profiles.champion.share=0.5"], "firms.profiles"),
    (["talent.start.foreign.in_china=0.9"], "talent.start.foreign"),
    (["economy.target_2020=0"], "economy.target_2020"),
    (["timeline.events.0.kind=bogus"], "timeline.events[0].kind"),
    (["timeline.events.0.date=2035Q1"], "timeline.events[0].date"),
    (["timeline.events.0.params.delta=5"], "timeline.events[0].params.delta"),
    (["timeline=nonexistent"], "timeline"),
    (["output.root=/proc/nonexistent/results"], "output.root"),
    (["replications=0"], "replications"),  # a sweep with no points
    (["-m", "central.strategy=none,bold"], "strategy"),  # a sweep with one bad point
    (["+experiment=bad_sweep"], "rival.sanctions.severity"),  # ... set in the experiment file
    (["timeline=malformed"], "malformed.yaml"),
    (["timeline=empty"], "timeline"),
    (["timeline=unsafe"], "timeline"),
]


@pytest.mark.parametrize(("args", "key"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_fails_with_one_line_and_leaves_nothing(tmp_path, broken_timelines, args, key):
    out = tmp_path / "results"
    result = cli(
        *args,
        f"output.root={out}" if "output.root" not in args[0] else "output.plot=false",
        f"hydra.searchpath=[file://{broken_timelines}]",
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert key in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))
    assert not (broken_timelines / "pwned").exists()  # YAML is loaded safely


def test_full_hydra_error_shows_the_traceback_when_asked(tmp_path):
    env = {**os.environ, "HYDRA_FULL_ERROR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "sim", "central.nonexistent=1", f"output.root={tmp_path}"], cwd=REPO, capture_output=True, text=True, env=env
    )
    assert result.returncode != 0 and "Traceback" in result.stderr


# --- interrupted sweeps -----------------------------------------------------------------------------
def test_sweep_killed_halfway_resumes_to_the_uninterrupted_result(tmp_path):
    sweep = ["+experiment=desecuritize", *TINY, "replications=5", "ensemble.chunk=1", "ensemble.workers=1"]  # 10 runs, 10 chunks
    full = cli(*sweep, f"output.root={tmp_path / 'full'}")
    assert full.returncode == 0, full.stderr
    (full_folder,) = (tmp_path / "full" / "desecuritize").iterdir()

    root = tmp_path / "cut"
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", *sweep, f"output.root={root}"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.time() + 300
    while time.time() < deadline and len(list(root.glob("desecuritize/*/chunks/*.parquet"))) < 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    (folder,) = (root / "desecuritize").iterdir()
    finished = len(list(folder.glob("chunks/*.parquet")))
    assert 3 <= finished < 10 and not (folder / "sweep.parquet").exists()

    resumed = cli(*sweep, f"output.root={root}", f"resume={folder}")
    assert resumed.returncode == 0, resumed.stderr
    kept = int(resumed.stdout.split("resume: ")[1].split(" runs were finished")[0])
    assert kept >= finished - 1  # a chunk written but not yet recorded when the process died is run again
    assert (folder / "sweep.parquet").read_bytes() == (full_folder / "sweep.parquet").read_bytes()


# --- reproducible from the folder -----------------------------------------------------------------
def test_same_config_and_seed_give_identical_bytes_across_processes(tmp_path):
    folders = []
    for i in range(2):
        result = cli(*TINY, "seed=11", f"output.root={tmp_path / str(i)}")
        assert result.returncode == 0, result.stderr
        (folder,) = (tmp_path / str(i) / "baseline").iterdir()
        folders.append(folder)
    assert (folders[0] / "timeseries.parquet").read_bytes() == (folders[1] / "timeseries.parquet").read_bytes()


def test_a_run_folder_reproduces_itself_and_a_tampered_one_does_not(tmp_path):
    assert cli(*TINY, f"output.root={tmp_path}").returncode == 0
    (folder,) = (tmp_path / "baseline").iterdir()
    check = [sys.executable, "-m", "sim.reproduce", str(folder)]
    same = subprocess.run(check, cwd=REPO, capture_output=True, text=True)
    assert same.returncode == 0 and "identical" in same.stdout
    frame = pd.read_parquet(folder / "timeseries.parquet")
    frame.loc[10, "value"] += 1e-9
    frame.to_parquet(folder / "timeseries.parquet")
    different = subprocess.run(check, cwd=REPO, capture_output=True, text=True)
    assert different.returncode == 1 and "differs" in different.stdout


# --- invariants under random valid input --------------------------------------------------------------
SMALL = load_config(
    ["agents.public.n=60", "agents.firms.n=30", "agents.intellectuals.n=20", "agents.talent.n=40", "agents.capital.n=20"]
    + ["agents.third.n=6"]
    + ["agents.local.n=8", "public.network.degree=4", "time.start=2015Q1", "time.end=2019Q4"]
)
SPACE = parameter_space(SMALL)
NAMES = sorted(SPACE)


def check_invariants(model) -> None:
    """Every step: finite values, shares in [0, 1], counts non-negative whole numbers, talent conserved,
    cumulative counts non-decreasing."""
    previous = {}
    for _ in range(model.n_steps):
        model.step()
        values = {name: ind.measure(model) for name, ind in INDICATORS.items()}
        for name, value in values.items():
            assert np.isfinite(value), name
            assert INDICATORS[name].signed or value >= 0, name
            if INDICATORS[name].is_share:
                assert value <= 1 + 1e-9, (name, value)
        for count, population in (("local_policies", "local"), ("provinces_with_policy", "local"), ("security_articles", "intellectuals")):
            simulated = values[count] / model.represents(population)  # counts are in real units: whole numbers of agents' counts
            assert abs(simulated - round(simulated)) < 1e-6 * max(1.0, simulated), count
        for cumulative in ("local_policies", "provinces_with_policy"):
            assert values[cumulative] >= previous.get(cumulative, 0), cumulative
        assert set(np.unique(model.talent.location)) <= {0, 1, 2}
        previous = values


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries({}, optional={name: st.floats(*SPACE[name], allow_nan=False) for name in NAMES}),
    st.sampled_from(list(Strategy)),
    st.integers(0, 2**32 - 1),
)
def test_random_valid_configurations_keep_every_invariant(values, strategy, seed):
    config = with_values(SMALL, values)
    config.central.strategy = strategy
    config.seed = seed
    for shares in (config.talent.start.chinese, config.talent.start.foreign):  # a joint constraint the sampler does not know
        if shares.in_china + shares.in_rival > 1:
            shares.in_rival = 1 - shares.in_china
    check_invariants(build_model(config))


@pytest.mark.parametrize("extreme", ["lowest", "highest"])
def test_every_parameter_at_an_extreme_of_its_range_runs_without_nan(extreme):
    from sim.analysis.sensitivity import _fields

    config = load_config(
        ["agents.public.n=200", "agents.firms.n=60", "agents.intellectuals.n=30", "agents.talent.n=100", "public.network.degree=4"]
    )
    values = {}
    for name, value, field in _fields(config):
        lo, hi = field.metadata.get("range", (None, None))
        if type(value) is float and lo is not None and name.split(".")[0] not in NOT_MODEL and ".share" not in name:
            values[name] = float(lo if extreme == "lowest" else hi)
    config = with_values(config, values)
    for shares in (config.talent.start.chinese, config.talent.start.foreign):
        shares.in_rival = min(shares.in_rival, 1 - shares.in_china)
    check_invariants(build_model(config))


# --- long sweeps: memory stays flat ---------------------------------------------------------------------
def test_500_models_one_after_another_are_freed():
    config = load_config(
        ["agents.public.n=50", "agents.firms.n=20", "agents.intellectuals.n=10", "agents.talent.n=20", "agents.third.n=5"]
        + ["agents.local.n=5", "public.network.degree=4", "time.start=2018Q1", "time.end=2018Q4"]
    )
    refs = []
    rss = []
    for i in range(500):
        model = build_model(config)
        model.run()
        refs.append(weakref.ref(model))
        del model
        if i % 100 == 99:
            gc.collect()
            rss.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    gc.collect()
    assert sum(ref() is not None for ref in refs) == 0
    assert rss[-1] - rss[0] < 20_000  # KiB: no growth beyond noise between the 100th and the 500th model
