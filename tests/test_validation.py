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
    config = load_config([*small, "replications=2", "predictive.draws=3", f"output.root={tmp_path}", "ensemble.progress=false"])
    targets, claims = run_validation(config, tmp_path)
    text = (tmp_path / "validation.md").read_text()
    assert (tmp_path / "img" / "validation.png").exists()
    for name in [t.name for t in config.validation.targets] + [c.name for c in config.validation.claims]:
        assert name in text
    assert set(claims["verdict"]) <= {"supported", "contradicted", "inconclusive"}
    assert targets["passed"].dtype == bool and len(targets) == len(config.validation.targets)
    # the posterior predictive beside the point estimate: a band per target, a probability per claim
    assert claims["p_posterior"].between(0, 1).all() and (claims["draws"] == 3).all()
    assert (targets["pp_q05"] <= targets["pp_q95"]).all() and "P(claim)" in text and "posterior predictive 90% band" in text


SMALL_MODEL = ["agents.public.n=300", "agents.firms.n=100", "agents.intellectuals.n=50", "agents.talent.n=100", "public.network.degree=4"]


def test_abc_calibration_end_to_end_and_identical_across_workers(tmp_path):
    """A tiny ABC-SMC: files written, particles inside the prior, medians installed, the installed file untouched,
    and the same posterior with one worker in chunks of one as with two workers."""
    import pandas as pd
    from omegaconf import OmegaConf

    from sim.analysis.calibration import run_calibration

    budget = ["calibration.population=6", "calibration.generations=2", "calibration.max_simulations=60", "calibration.predictive_draws=4"]
    installed = tmp_path / "installed.yaml"
    installed.write_text("# @package _global_\ncentral:\n  anxiety: 0.5\nfirms:\n  growth: 0.02\n")
    before = installed.read_text()
    posteriors = []
    for run, engine in enumerate([["ensemble.workers=1", "ensemble.chunk=1"], ["ensemble.workers=2"]]):
        config = load_config([*SMALL_MODEL, *budget, *engine, "central.anxiety=0.9", "ensemble.progress=false", f"output.root={tmp_path}"])
        out = tmp_path / f"out{run}"
        out.mkdir()
        summary = run_calibration(config, out, installed=installed)
        files = {"calibrated.yaml", "posterior.csv", "generations.csv", "predictive.csv", "calibration.json"}
        assert files <= {p.name for p in out.iterdir()}
        posterior = pd.read_csv(out / "posterior.csv")
        for name, (lo, hi) in config.calibration.parameters.items():
            assert posterior[name].between(lo, hi).all()
            u = summary["posterior"][name]
            assert u["q05"] <= u["median"] <= u["q95"]
        assert len(posterior) == 6 and (posterior["weight"] > 0).all() and 1.0 <= summary["ess"] <= 6.0
        written = OmegaConf.load(out / "calibrated.yaml")
        assert written.firms.growth == pytest.approx(summary["posterior"]["firms.growth"]["median"], rel=1e-3)
        assert written.central.anxiety == 0.9  # installed before, not fitted now: this run's value, which the fit was conditioned on
        predictive = pd.read_csv(out / "predictive.csv")
        assert len(predictive) == len(config.validation.targets) and set(predictive["use"]) == {"fit", "holdout"}
        assert (predictive["q05"] <= predictive["q95"]).all()
        posteriors.append(posterior)
    assert installed.read_text() == before  # only publish=true touches the installed values
    pd.testing.assert_frame_equal(posteriors[0], posteriors[1])


def test_abc_recovers_known_parameters_from_synthetic_data(tmp_path):
    """Data made by the model at known values (the AI industry in 2020 and the domestic input share in 2019): the
    posterior's 90 % interval holds the true values and is narrower than the prior."""
    import dataclasses

    import pandas as pd

    from sim.analysis.calibration import run_calibration
    from sim.analysis.validation import replicated_runs
    from sim.ensemble import with_values

    truth = {"economy.revenue_scale": 0.05, "firms.domestic_premium0": 1.0}
    base = load_config([*SMALL_MODEL, "time.end=2020Q4", "ensemble.progress=false", f"output.root={tmp_path}"])
    runs = replicated_runs(with_values(base, truth), 3)
    targets = []
    for name, indicator, quarter in [("industry", "ai_economy", "2020Q4"), ("inputs", "domestic_input_share", "2019Q4")]:
        value = float(pd.Series([w.loc[quarter, indicator] for w in runs]).mean())
        targets.append(TargetConfig(name=name, rule="value_at", params={"indicator": indicator, "quarter": quarter},
                                    lo=0.9 * value, hi=1.1 * value, observed=value, use="fit", source="synthetic"))  # fmt: skip
    config = dataclasses.replace(base, validation=dataclasses.replace(base.validation, targets=targets))
    config.calibration.parameters = {"economy.revenue_scale": [0.02, 0.12], "firms.domestic_premium0": [0.2, 2.0]}
    config.calibration.population, config.calibration.generations, config.calibration.max_simulations = 20, 3, 300
    config.calibration.predictive_draws = 4
    out = tmp_path / "out"
    out.mkdir()
    summary = run_calibration(config, out, installed=tmp_path / "none.yaml")
    for name, value in truth.items():
        u = summary["posterior"][name]
        lo, hi = config.calibration.parameters[name]
        assert u["q05"] <= value <= u["q95"], f"{name}: {value} outside the 90% interval [{u['q05']}, {u['q95']}]"
        assert u["q95"] - u["q05"] < 0.6 * (hi - lo), f"{name}: the posterior is hardly narrower than the prior"


def test_post_2018_targets_keep_a_third_out_of_the_fit():
    """The split recorded before the first fit: at least a third of the post-2018 targets are holdout."""
    from sim.timeline import Quarter

    def year(t: TargetConfig) -> int:
        p = t.params
        dates = [p.get(k) for k in ("quarter", "over", "end", "year")] + [p.get("start")]
        return max(int(str(d)[:4]) for d in dates if d is not None) if any(dates) else 0

    post = [t for t in load_config().validation.targets if year(t) > 2018]
    assert len(post) >= 10
    assert sum(t.use == "holdout" for t in post) >= len(post) / 3
    assert {"domestic_input_share", "sanctioned_share", "chinese_talent_in_rival", "cooperation", "governance"} <= {
        t.params["indicator"] for t in post
    }
    assert Quarter.parse("2025Q4") <= Quarter.parse(max(str(t.params.get("quarter", "2000Q1")) for t in post))


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
