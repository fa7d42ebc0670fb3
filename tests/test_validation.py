"""Validation: the targets load and are checked, and the command writes its report."""

from __future__ import annotations

import pytest

from sim.analysis.validation import RULES, check_targets, run_validation
from sim.config import ConfigError, TargetConfig, load_config


def test_targets_load_with_known_rules_and_a_fit_holdout_split():
    config = load_config()
    targets = config.validation.targets
    check_targets(targets)
    assert len(targets) >= 10 and all(t.rule in RULES for t in targets)
    uses = {t.use for t in targets}
    assert uses == {"fit", "holdout"}
    assert all(t.source for t in targets) and len(config.validation.claims) >= 8


@pytest.mark.parametrize(
    ("change", "message"),
    [({"rule": "guess"}, "rule"), ({"lo": 2.0, "hi": 1.0}, "lo <= hi"), ({"use": "both"}, "use"), ({"params": {}}, "params")],
)
def test_a_malformed_target_is_rejected_with_its_name(change, message):
    base = {
        "name": "t",
        "rule": "value_at",
        "params": {"indicator": "ai_economy", "quarter": "2020Q4"},
        "lo": 0.0,
        "hi": 1.0,
        "use": "fit",
        "source": "s",
    }
    with pytest.raises(ConfigError, match=message):
        check_targets([TargetConfig(**{**base, **change})])


def test_validation_writes_its_report(tmp_path):
    small = ["agents.public.n=300", "agents.firms.n=100", "agents.intellectuals.n=50", "agents.talent.n=100", "public.network.degree=4"]
    config = load_config([*small, "replications=2"])
    targets, claims = run_validation(config, tmp_path)
    text = (tmp_path / "validation.md").read_text()
    assert (tmp_path / "img" / "validation.png").exists()
    for name in [t.name for t in config.validation.targets] + [c.name for c in config.validation.claims]:
        assert name in text
    assert set(claims["verdict"]) <= {"supported", "contradicted", "inconclusive"}
    assert targets["passed"].dtype == bool and len(targets) == len(config.validation.targets)


def test_calibration_runs_end_to_end_on_a_tiny_budget(tmp_path):
    from sim.analysis.calibration import run_calibration

    small = ["agents.public.n=300", "agents.firms.n=100", "agents.intellectuals.n=50", "agents.talent.n=100", "public.network.degree=4"]
    budget = ["calibration.budget=1", "calibration.population=2", "calibration.replications=1", "replications=2"]
    config = load_config([*small, *budget, "central.anxiety=0.9"])
    installed = tmp_path / "installed.yaml"
    installed.write_text("# @package _global_\ncentral:\n  anxiety: 0.5\nfirms:\n  growth: 0.02\n")
    out = tmp_path / "out"
    out.mkdir()
    before = installed.read_text()
    summary = run_calibration(config, out, installed=installed)
    assert {"calibrated.yaml", "calibration.csv", "fit.csv", "calibration.json"} <= {p.name for p in out.iterdir()}
    for name, (lo, hi) in config.calibration.parameters.items():
        assert lo <= summary["best"][name] <= hi
        assert summary["uncertainty"][name]["min"] <= summary["best"][name] <= summary["uncertainty"][name]["max"]
    assert summary["evaluations"] >= 2 * len(config.calibration.parameters)
    from omegaconf import OmegaConf

    written = OmegaConf.load(out / "calibrated.yaml")
    # the fitted values, and a previously calibrated one the fit was conditioned on (its value in this run's config)
    assert written.firms.growth == pytest.approx(summary["best"]["firms.growth"], rel=1e-3)
    assert written.central.anxiety == 0.9
    assert installed.read_text() == before  # only publish=true touches the installed values


def test_the_baseline_composes_the_calibrated_values():
    import yaml

    from sim.config import CONF_DIR
    from sim.parameters import calibrated

    fitted = calibrated()
    assert set(fitted) == set(yaml.safe_load((CONF_DIR / "calibration" / "default.yaml").read_text())["parameters"])
    baseline, priors = load_config(), load_config(["calibrated=none"])
    for name, value in fitted.items():
        *path, leaf = name.split(".")
        node, prior = baseline, priors
        for part in path:
            node, prior = getattr(node, part), getattr(prior, part)
        assert getattr(node, leaf) == pytest.approx(float(value))
        assert getattr(prior, leaf) != pytest.approx(float(value)), f"{name}: calibrated value equals the prior"


@pytest.mark.parametrize(
    ("parameters", "message"), [({"seed": [0, 1]}, "not a continuous"), ({"central.threshold": [0.5, 0.1]}, "lo < hi"), ({}, "empty")]
)
def test_bad_calibration_parameters_are_rejected(parameters, message):
    from sim.analysis.calibration import check_parameters

    config = load_config()
    config.calibration.parameters = parameters
    with pytest.raises(ConfigError, match=message):
        check_parameters(config)
