"""The command line: `python -m sim` writes a complete run folder; bad input fails cleanly with one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from sim.io import read_provenance

REPO = Path(__file__).resolve().parent.parent
SIZES = ["agents.public.n=300", "agents.firms.n=100", "agents.intellectuals.n=50", "agents.talent.n=100", "public.network.degree=4"]
SMALL = [*SIZES, "predictive.draws=0"]


def run_cli(tmp_path: Path, *overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run(
        [sys.executable, "-m", "sim", f"output.root={tmp_path / 'results'}", *overrides],
        cwd=REPO, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip


def test_baseline_writes_a_complete_run_folder(tmp_path):
    result = run_cli(tmp_path, *SIZES, "predictive.draws=4")
    assert result.returncode == 0, result.stderr
    folders = list((tmp_path / "results" / "baseline").iterdir())
    assert len(folders) == 1
    folder = folders[0]
    assert {p.name for p in folder.iterdir()} == {"timeseries.parquet", "predictive.parquet", "summary.json", "config.yaml", "overview.png"}
    frame = pd.read_parquet(folder / "timeseries.parquet")
    assert list(frame.columns) == ["run", "seed", "step", "quarter", "indicator", "value"]
    summary = json.loads((folder / "summary.json").read_text())
    assert {"milestones", "plan_goals", "git_commit", "versions", "config", "seed"} <= set(summary)
    assert set(summary["milestones"]) == {"2020Q4", "2025Q4", "2030Q4"}
    # the posterior predictive: 4 draws from the installed posterior, bands around each indicator at each milestone
    band = summary["predictive"]["2030Q4"]["securitization_central"]
    assert band["q05"] <= band["q25"] <= band["median"] <= band["q75"] <= band["q95"]
    bands = pd.read_parquet(folder / "predictive.parquet")
    assert (
        set(bands["draws"]) == {4} and set(bands["quarter"]) == set(frame["quarter"]) and "posterior predictive: 4 draws" in result.stdout
    )
    assert read_provenance(folder / "timeseries.parquet")["seed"] == summary["seed"]
    assert str(folder) in result.stdout and "(a) talent & capital inflow to China (per quarter)    share/quarter" in result.stdout
    assert "2030Q4: AI industry" in result.stdout and ("1,000: met" in result.stdout or "1,000: missed" in result.stdout)


def test_experiment_name_names_the_folder(tmp_path):
    result = run_cli(tmp_path, *SMALL, "+experiment=baseline", "time.end=2012Q4", "output.plot=false")
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "results" / "baseline").iterdir())) == 1
