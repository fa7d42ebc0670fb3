"""Global sensitivity analysis: the parameter space, applying a sample, and a tiny end-to-end run."""

from __future__ import annotations

import pandas as pd

from sim.analysis.sensitivity import parameter_space, run_sensitivity
from sim.config import load_config
from sim.ensemble import with_values
from sim.indicators import CONSEQUENCES

TINY = [
    "agents.public.n=200",
    "agents.firms.n=60",
    "agents.intellectuals.n=30",
    "agents.talent.n=100",
    "agents.third.n=10",
    "public.network.degree=4",
    "time.end=2015Q4",
    "sensitivity.trajectories=2",
    "sensitivity.sobol_samples=4",
    "sensitivity.top=3",
    "ensemble.workers=1",
    "sensitivity.quarter=2015Q4",
]


def test_with_values_changes_only_the_named_parameter():
    config = load_config()
    changed = with_values(config, {"rival.sanctions.severity": 0.25})
    assert changed.rival.sanctions.severity == 0.25
    assert config.rival.sanctions.severity == 0.6
    changed.rival.sanctions.severity = config.rival.sanctions.severity
    assert changed == config


def test_parameter_space_bounds_lie_in_schema_and_around_default():
    config = load_config()
    space = parameter_space(config)
    assert space["rival.sanctions.severity"] == (0.3, 0.6 * 1.5)
    assert space["central.w_sanction"] == (0.75, 2.0)  # 1.5 x 1.5 clipped to the schema's upper bound 2
    assert "firms.profiles.foreign.ties0" not in space  # default 0: not varied
    assert not any(name.startswith(("sensitivity.", "output.", "agents.")) for name in space)


def test_run_sensitivity_end_to_end(tmp_path):
    summary = run_sensitivity(load_config(TINY), tmp_path)
    for name in ("morris.csv", "sobol.csv", "sensitivity.png", "morris.png", "sensitivity.json"):
        assert (tmp_path / name).is_file(), name
    morris = pd.read_csv(tmp_path / "morris.csv")
    sobol = pd.read_csv(tmp_path / "sobol.csv")
    assert list(morris.columns) == ["parameter", "indicator", "mu", "mu_star", "sigma", "mu_star_conf"]
    assert list(sobol.columns) == ["parameter", "indicator", "S1", "S1_conf", "ST", "ST_conf"]
    assert set(sobol.loc[sobol["ST"] >= 0, "indicator"]) == set(CONSEQUENCES)
    parameters = set(morris["parameter"])
    assert parameters == set(summary["parameters"])
    assert {"rival.sanctions.severity", "central.anxiety"} <= parameters
    assert "economy.target_2020" not in parameters
    assert not any(p.startswith("firms.profiles.") and p.endswith(".share") for p in parameters)
    assert len(summary["top_parameters"]) == 3 == sobol["parameter"].nunique()
    assert summary["runs"] == {"morris": 2 * (len(parameters) + 1), "sobol": 4 * (3 + 2)}
