"""Reliability: bad input fails cleanly, interrupted sweeps resume to the same result, runs reproduce
from their folders, random valid configurations keep every invariant, memory stays flat."""

from __future__ import annotations

import contextlib
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
    "predictive.draws=0",  # the point run only (tests/test_cli.py checks the posterior draws)
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
    # hostile files (issue 14): an alias bomb, a 2 MB timeline, deep nesting, duplicated events, too many events
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    (root / "timeline" / "bomb.yaml").write_text("\n".join(bomb) + "\n")
    (root / "timeline" / "huge.yaml").write_text("name: huge\n# " + "x" * 2_000_000 + "\n")
    (root / "timeline" / "deep.yaml").write_text("name: deep\nx: " + "[" * 40 + "]" * 40 + "\n")
    event = "  - {date: 2016Q1, kind: ai_salience, name: AlphaGo, params: {delta: 0.1}, source: s}\n"
    (root / "timeline" / "duplicated.yaml").write_text(f"name: duplicated\nstart: 2009Q1\nend: 2030Q4\nevents:\n{event}{event}")
    many = "".join(f"  - {{date: 2016Q1, kind: ai_salience, name: e{i}, params: {{delta: 0.0}}, source: s}}\n" for i in range(1001))
    (root / "timeline" / "many.yaml").write_text(f"name: many\nstart: 2009Q1\nend: 2030Q4\nevents:\n{many}")
    (root / "timeline" / "binary.yaml").write_bytes(b"name: \xff\xfe\x00bad\n")
    (root / "experiment").mkdir()
    (root / "experiment" / "escape.yaml").write_text("# @package _global_\nexperiment: ../../escape\n")
    (root / "experiment" / "typo.yaml").write_text("# @package _global_\nexperiment: typo\ncentral:\n  w_rivall: 0.5\n")
    unsafe = f"!!python/object/apply:os.system ['touch {root}/pwned']"
    (root / "experiment" / "unsafe.yaml").write_text(f"# @package _global_\nexperiment: {unsafe}\n")
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
    # issue 14: unknown keys however added, paths outside output.root, implausible values, hostile files, sweeps
    (["+central.typo=1"], "central.typo"),
    (["++central.typo=1"], "central.typo"),
    (["+typo=1"], "typo"),
    (["+experiment=typo"], "w_rivall"),
    (["output.dir=elsewhere"], "output.dir"),
    (["+experiment=escape"], "experiment"),
    (["+experiment=unsafe"], "experiment"),
    (["-m", "replication=0,1", "resume=/tmp/elsewhere"], "resume"),
    (["resume=/tmp/elsewhere"], "resume"),
    (["ensemble.backend=ray", "ensemble.ray.temp_dir=/tmp/elsewhere", "-m", "replication=0,1"], "ensemble.ray.temp_dir"),
    (["time.start=1800Q1"], "time.start"),
    (["time.end=2300Q4"], "time.end"),
    (["time.start=0000Q1"], "time.start"),
    (["rival.sanctions.start=3000Q1"], "rival.sanctions.start"),
    (["agents.public.n=10000001"], "agents.public.n"),
    (["agents.public.n=9000000", "public.network.degree=200"], "agents.public.n"),
    (["agents.public.represents=0"], "agents.public.represents"),
    (["seed=-1"], "seed"),
    (["seed=10000000000000"], "seed"),
    (["replications=100001"], "replications"),
    (["central.threshold=inf"], "central.threshold"),
    (["rival.mirror=-inf"], "rival.mirror"),
    (["output.plot=maybe"], "output.plot"),
    (["publish=maybe"], "publish"),
    (["publish=true"], "publish"),
    (["timeline=bomb"], "bomb.yaml"),
    (["timeline=huge"], "huge.yaml"),
    (["timeline=deep"], "deep.yaml"),
    (["timeline=duplicated"], "timeline.events[1]"),
    (["timeline=many"], "timeline.events"),
    (["timeline=binary"], "binary.yaml"),
    (["hydra/launcher=joblib"], "ensemble.backend"),
    (["hydra.sweep.dir=/tmp/elsewhere"], "ensemble.backend"),
    (["--config-dir=/tmp"], "--config-dir"),
    (["ensemble.workers=0"], "ensemble.workers"),
    (["ensemble.backend=mpi"], "ensemble.backend"),
    (["ensemble.chunk=-1"], "ensemble.chunk"),
    (["ensemble.backend=submitit_slurm", "-m", "replication=0,1"], "ensemble.slurm.partition"),
    (["central.w_rival=0,1"], "-m"),  # a sweep without -m
    (["-m", "replication=0,20000"], "replication"),
    (["-m", "seed=1,abc"], "seed"),
    (["-m", "central.nokey=1,2"], "central.nokey"),
    (["-m", "talent.start.foreign.in_china=0.05,0.35", "talent.start.foreign.in_rival=0.6,0.7"], "sweep point"),
    (["+experiment=validate", "-m", "seed=1,2"], "-m"),
    (["+experiment=sensitivity", "sensitivity.quarter=2040Q1"], "sensitivity.quarter"),
    (["+experiment=calibrate", "calibration.parameters={central.nokey:[0,1]}"], "calibration.parameters"),
    (["+experiment=validate", "validation.targets.0.rule=bogus"], "rule"),
    (["structure/adoption=nonexistent"], "structure/adoption"),
]


@pytest.mark.parametrize(("args", "key"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_fails_with_one_line_and_leaves_nothing(tmp_path, broken_timelines, args, key):
    out = tmp_path / "results"
    result = cli(
        *args,
        f"output.root={out}" if "output.root" not in args[0] else "output.plot=false",
        f"hydra.searchpath=[file://{broken_timelines}]",
    )
    assert result.returncode == 2, result.stderr  # refused
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert key in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))
    assert not (broken_timelines / "pwned").exists()  # YAML is loaded safely
    assert not Path("/tmp/elsewhere").exists() and not (tmp_path.parent / "escape").exists()


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


# --- faults while running (issue 14): Ctrl-C, SIGKILL, a full disk, a crash, a busy port -----------------------------
LONG = ["agents.public.n=200000", "output.plot=false"]  # a single run that lasts a few seconds


def foreground() -> None:
    """In the child before it starts: Ctrl-C as at a terminal. A process started with SIGINT ignored keeps ignoring it
    (Python then installs no KeyboardInterrupt), and a pytest worker may ignore it after another test (Ray, the app's
    server) changed its signals: the interrupt tests failed so, in CI only."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(args: list[str], root: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.Popen([sys.executable, "-m", "sim", *args, f"output.root={root}"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=foreground)  # fmt: skip


def wait_for_incomplete(root: Path, proc: subprocess.Popen) -> None:
    deadline = time.time() + 120
    while time.time() < deadline and not list(root.glob("baseline/.incomplete-*")) and proc.poll() is None:
        time.sleep(0.02)
    time.sleep(0.5)  # inside the model's quarters by now (its folder is made before the run starts)


def test_ctrl_c_in_a_single_run_stops_in_one_line_and_keeps_nothing(tmp_path):
    proc = start(LONG, tmp_path)
    wait_for_incomplete(tmp_path, proc)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err
    assert [line for line in err.splitlines() if line.strip()] == ["interrupted: nothing was kept"]
    assert not any(p for p in tmp_path.rglob("*") if p.is_file())


def test_a_killed_run_leaves_a_hidden_folder_that_the_next_run_removes(tmp_path):
    proc = start(LONG, tmp_path)
    wait_for_incomplete(tmp_path, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    (left,) = (tmp_path / "baseline").glob(".incomplete-*")
    assert left.name.startswith(f".incomplete-{proc.pid}-")  # tagged with the dead process
    ok = cli(*TINY, f"output.root={tmp_path}")
    assert ok.returncode == 0, ok.stderr
    assert not list((tmp_path / "baseline").glob(".incomplete-*"))
    assert len([p for p in (tmp_path / "baseline").iterdir()]) == 1  # the new run's folder only


def in_process(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    """``python -m sim ARGS`` in this process (so that a fault can be injected); its exit code and stderr."""
    import sim.__main__ as entry

    monkeypatch.setattr(sys, "argv", ["sim", *args])
    with pytest.raises(SystemExit) as exit_info:
        entry.main()
    return int(exit_info.value.code or 0), capsys.readouterr().err


def test_a_full_disk_gives_one_line_exit_3_and_nothing_partial(tmp_path, monkeypatch, capsys):
    import errno

    import sim.io

    def full(table, where, *a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", str(where))

    monkeypatch.setattr(sim.io.pq, "write_table", full)
    code, err = in_process(monkeypatch, capsys, *TINY, f"output.root={tmp_path}")
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith(" ")]
    assert code == 3 and len(lines) == 1 and "No space left on device" in lines[0] and "Traceback" not in err
    assert not any(p for p in tmp_path.rglob("*") if p.is_file())


def test_a_crash_exits_3_with_its_traceback_and_nothing_partial(tmp_path, monkeypatch, capsys):
    import sim.output

    def broken(*a, **k):
        raise RuntimeError("a bug")

    monkeypatch.setattr(sim.output, "simulate", broken)
    code, err = in_process(monkeypatch, capsys, *TINY, f"output.root={tmp_path}")
    assert code == 3 and "Traceback" in err and "RuntimeError: a bug" in err
    assert err.strip().splitlines()[-1].startswith("error:")
    assert not any(p for p in tmp_path.rglob("*") if p.is_file())


def test_a_server_that_cannot_bind_says_so_and_exits_2():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "sim.app", "--port", str(port)]
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and f"--port {port}" in result.stderr and "in use" in result.stderr


def test_validate_writes_under_output_root_and_leaves_the_docs_alone(tmp_path):
    docs = REPO / "docs" / "validation.md"
    before = docs.stat().st_mtime_ns
    result = cli("+experiment=validate", *TINY, "time.start=2009Q1", "time.end=2030Q4", "replications=2", f"output.root={tmp_path}")
    assert result.returncode == 0, result.stderr
    (folder,) = (tmp_path / "validate").iterdir()
    assert (folder / "validation.md").exists() and (folder / "img" / "validation.png").exists()
    assert docs.stat().st_mtime_ns == before and "published" not in result.stdout


def test_publish_copies_the_report_over_the_tracked_files(tmp_path, monkeypatch):
    import sim.__main__ as entry
    import sim.io

    results = tmp_path / "results"
    (results / "img").mkdir(parents=True)
    (results / "validation.md").write_text("# report\n")
    (results / "img" / "validation.png").write_bytes(b"png")
    monkeypatch.setattr(sim.io, "REPO_ROOT", tmp_path / "repo")
    written = entry.publish(load_config(["+experiment=validate"]), results)
    assert (tmp_path / "repo" / "docs" / "validation.md").read_text() == "# report\n"
    assert (tmp_path / "repo" / "docs" / "img" / "validation.png").read_bytes() == b"png" and len(written) == 2


def test_a_plain_multirun_writes_its_sweep_table(tmp_path):
    result = cli("-m", *TINY, "seed=1,2", f"output.root={tmp_path}")
    assert result.returncode == 0, result.stderr
    (folder,) = (tmp_path / "baseline").iterdir()
    frame = pd.read_parquet(folder / "sweep.parquet")
    assert sorted(set(frame["seed"])) == [1, 2] and (folder / "summary.csv").exists() and "run/s" in result.stderr


# --- random command lines never give a traceback (hypothesis) -----------------------------------------------------
KEYS = [
    "seed", "replications", "time.start", "central.w_rival", "central.strategy", "agents.public.n", "rival.sanctions.severity",
    "timeline", "structure/adoption", "ensemble.workers", "output.plot", "experiment", "resume", "nokey", "central", "hydra.mode",
]  # fmt: skip
VALUES = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "none", "2017Q3", "2009Q5", "[1,2]", "{a:1}", "1,2", "range(0,3)", "null", "true", "../x", "'x'", "${seed}"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(prefix=st.sampled_from(["", "+", "++", "~"]), key=st.sampled_from(KEYS), value=VALUES)
def test_random_overrides_are_accepted_or_refused_never_a_traceback(tmp_path, prefix, key, value):
    """Whatever the line, parsing it either gives a command or raises one of the errors the CLI turns into its one-line
    refusal (exit 2); and it writes nothing."""
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException
    from yaml import YAMLError

    from sim.__main__ import parse_command
    from sim.config import ConfigError

    root = tmp_path / "out"
    with contextlib.suppress(ConfigError, HydraException, OmegaConfBaseException, YAMLError):
        parse_command([f"{prefix}{key}={value}", f"output.root={root}"])
    assert not root.exists() or not any(root.rglob("*"))
