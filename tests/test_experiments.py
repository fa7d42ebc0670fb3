"""Experiments: each composes, a reduced version of each sweep runs end to end, aggregation is right."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.config import CONF_DIR, load_config
from sim.sweep import aggregate, attribution, summarize

REPO = Path(__file__).resolve().parent.parent
TINY = [
    "agents.public.n=200",
    "agents.firms.n=80",
    "agents.intellectuals.n=40",
    "agents.talent.n=100",
    "agents.third.n=10",
    "public.network.degree=4",
    "time.start=2015Q1",
    "time.end=2021Q4",
    "predictive.draws=0",  # the point estimate only (tests/test_cli.py and tests/test_validation.py check the draws)
    "replications=2",
]
# two points per swept parameter: command-line sweeps take precedence over the file's hydra.sweeper.params
REDUCED = {
    "sanctions": ["rival.sanctions.severity=0,0.8", "rival.sanctions.start=2016Q1,2019Q1"],
    "talent": ["central.strategy=none,historical", "firms.salary_premium=0,1"],
    "self_reliance": ["central.strategy=none,historical", "rival.export_controls.strength=0,1"],
    "governance": ["central.strategy=none,historical", "central.outreach=0,1"],
    "rivalry": ["central.w_rival=0,0.8", "rival.mirror=0,0.12"],
    "global_access": ["central.involvement=0,3", "rival.sanctions.severity=0,1"],
    "desecuritize": [],
    "ai_risk": ["central.risk_weight=0,1", "firms.security_incidents=0,0.2"],
}
ANALYSES = {"baseline", "sensitivity", "validate", "calibrate", "structures", "regimes"}  # not sweeps: one command, one analysis
SWEEPS = sorted(p.stem for p in (CONF_DIR / "experiment").glob("*.yaml") if p.stem not in ANALYSES)


def run_sweep(tmp_path: Path, name: str, *extra: str) -> tuple[Path, str]:
    """Run a reduced sweep; its folder and what it printed."""
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    result = subprocess.run(
        [sys.executable, "-m", "sim", f"+experiment={name}", f"output.root={tmp_path}", *TINY, *REDUCED[name], *extra],
        cwd=REPO, capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "sweep results:" in result.stdout and "run/s" in result.stderr  # the progress bar: runs done, rate, time left
    assert "mean and 95% interval over replications" in result.stdout and "(b) input efficiency" in result.stdout  # what it found
    (folder,) = (tmp_path / name).iterdir()
    return folder, result.stdout


def test_every_experiment_in_the_issue_exists():
    assert set(SWEEPS) == set(REDUCED)
    assert {p.stem for p in (CONF_DIR / "experiment").glob("*.yaml")} >= ANALYSES


def run_analysis(tmp_path: Path, name: str, *extra: str) -> Path:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    result = subprocess.run(
        [sys.executable, "-m", "sim", f"+experiment={name}", f"output.root={tmp_path}", *TINY, *extra],
        cwd=REPO, capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    (folder,) = (tmp_path / name).iterdir()
    assert str(folder) in result.stdout
    return folder


def test_structures_tabulates_every_claim_under_every_structure(tmp_path):
    folder = run_analysis(tmp_path, "structures", "time.end=2030Q4")  # the claims are dated 2020Q4 and 2030Q4
    table = pd.read_csv(folder / "structures.csv")
    config = load_config(["+experiment=structures"])
    assert set(table["structure"]) == set(config.structures)
    assert len(table) == len(config.structures) * len(config.validation.claims)
    assert set(table["verdict"]) <= {"supported", "contradicted", "inconclusive"}
    assert (table["ci_low"] <= table["difference"]).all() and (table["difference"] <= table["ci_high"]).all()
    report = (folder / "structures.md").read_text()
    assert "survives every structure" in report and all(s in report for s in config.structures)


def test_regimes_maps_basin_shares_over_the_grid(tmp_path):
    folder = run_analysis(
        tmp_path, "regimes", "time.end=2020Q4", "regimes.quarter=2020Q4", 
        "regimes.grid={central.threshold:[0.2,0.9],rival.mirror:[0.0,0.12],central.w_rival:[0.4],rival.restraint:[0.1]}",
    )  # fmt: skip
    shares = pd.read_csv(folder / "regimes.csv")
    assert len(shares) == 4
    np.testing.assert_allclose(shares[["low", "intermediate", "high"]].sum(axis=1), 1.0)
    low_threshold = shares[shares["central.threshold"] == 0.2]["mean"].mean()
    high_threshold = shares[shares["central.threshold"] == 0.9]["mean"].mean()
    assert low_threshold > high_threshold  # a centre that needs more threat securitizes less
    assert (folder / "regimes.png").stat().st_size > 0 and (folder / "regimes.parquet").exists()


@pytest.mark.parametrize("name", [*SWEEPS, "baseline", "sensitivity", "validate", "calibrate"])
def test_experiment_composes(name):
    config = load_config([f"+experiment={name}"])
    assert config.experiment == name


@pytest.mark.parametrize("name", SWEEPS)
def test_reduced_sweep_runs_end_to_end(tmp_path, name):
    folder, printed = run_sweep(tmp_path, name)
    names = {p.name for p in folder.iterdir()}
    assert {"sweep.parquet", "summary.csv", "indicators.png", "tradeoff.png"} <= names and "runs" not in names and "chunks" not in names
    frame = pd.read_parquet(folder / "sweep.parquet")
    keys = [k.split("=")[0] for k in REDUCED[name]] or ["central.strategy"]
    assert list(frame.columns) == ["run", "replication", "seed", *keys, "step", "quarter", "indicator", "value"]
    n_points = 2 ** max(len(REDUCED[name]), 1)
    assert frame.groupby([*keys, "replication"]).ngroups == n_points * 2
    summary = pd.read_csv(folder / "summary.csv")
    assert set(summary["quarter"]) == {"2020Q4", "2021Q4"}
    assert (summary["n"] == 2).all()
    if len(keys) == 2:
        assert "heatmaps.png" in names
    if name == "desecuritize":
        table = pd.read_csv(folder / "attribution.csv")
        assert {"adoption_local", "adoption_public", "talent_capital", "governance"} <= set(table["indicator"])
        assert "attribution.png" in names and "securitization's share of each indicator" in printed


def test_common_random_numbers_across_sweep_points(tmp_path):
    """The same replication index uses the same stream at every point: with nothing that matters swept,
    two points give identical series."""
    folder, _ = run_sweep(tmp_path, "desecuritize", "central.strategy=historical,historical")
    frame = pd.read_parquet(folder / "sweep.parquet")
    runs = [g["value"].to_numpy() for _, g in frame.groupby("replication")]
    assert not np.array_equal(runs[0], runs[1])  # replications differ


def test_aggregation_on_hand_made_runs_with_known_mean_and_interval(tmp_path):
    values = {"historical": [0.1, 0.2, 0.3], "none": [0.05, 0.05, 0.15]}  # shares of provinces
    rows = []
    for strategy, xs in values.items():
        for replication, x in enumerate(xs):
            for name, value in {"adoption_local": x, "talent_capital": 1 - x / 4}.items():
                rows.append({"run": len(rows) // 2, "replication": replication, "seed": 1, "central.strategy": strategy, "step": 0,
                             "quarter": "2030Q4", "indicator": name, "value": value})  # fmt: skip
    pd.DataFrame(rows).to_parquet(tmp_path / "sweep.parquet")
    written = aggregate(tmp_path, ["central.strategy"])
    assert tmp_path / "summary.csv" in written and tmp_path / "attribution.csv" in written
    summary = summarize(pd.read_parquet(tmp_path / "sweep.parquet"), ["central.strategy"])
    row = summary[(summary["central.strategy"] == "historical") & (summary["indicator"] == "adoption_local")].iloc[0]
    half = 4.302652729911275 * 0.1 / math.sqrt(3)  # t(0.975, 2) * sd / sqrt(n), sd = 0.1
    assert row["mean"] == pytest.approx(0.2) and row["sd"] == pytest.approx(0.1) and row["n"] == 3
    # the t-interval, intersected with a share's bounds: 0.2 - 0.248 < 0 is cut at 0
    assert (row["ci_low"], row["ci_high"]) == (0.0, pytest.approx(0.2 + half))
    table = attribution(pd.read_parquet(tmp_path / "sweep.parquet"), "2030Q4").set_index("indicator")
    # paired differences 0.05, 0.15, 0.15: mean 7/60
    assert table.loc["adoption_local", "difference"] == pytest.approx(7 / 60)
    assert table.loc["adoption_local", "n"] == 3
