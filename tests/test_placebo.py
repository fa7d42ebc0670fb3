"""Targets and patterns that can fail (issue 11, item 5).

Three placebos must fail both the fit targets (conf/targets/default.yaml) and the series patterns
(sim/analysis/patterns.py) that the calibrated baseline meets: a centre that never securitizes, a framing
threshold far above the calibrated one (the centre wants to securitize only under a threat it never perceives),
and the historical timeline without its policy windows (no plan documents). If a placebo passed, the target or
pattern would be evidence of the schedule or of the data-free structure, not of the mechanism.
"""

from __future__ import annotations

import pytest

from sim.analysis.patterns import failures
from sim.analysis.validation import evaluate_targets, replicated_runs
from sim.config import load_config

SMALL = ["agents.public.n=2000"]
PLACEBOS = {
    "never securitizes": ["central.strategy=none"],
    "threshold far above the calibrated one": ["central.threshold=1.0"],
    "no policy windows": [],
}


def runs_of(name: str, replications: int = 3):
    config = load_config([*SMALL, *PLACEBOS[name]])
    if name == "no policy windows":
        config.timeline.events = [e for e in config.timeline.events if e.kind != "policy_window"]
    return config, replicated_runs(config, replications)


@pytest.mark.parametrize("name", sorted(PLACEBOS))
def test_placebo_fails_the_fit_targets_and_the_patterns(name):
    config, runs = runs_of(name)
    fit = [t for t in config.validation.targets if t.use == "fit"]
    table = evaluate_targets(fit, runs)
    assert not table["passed"].all(), f"{name} passed every fit target"
    failed = failures(runs)
    assert any(failed.values()), f"{name} showed every pattern"
    assert failed[1], f"{name} showed pattern 1 (the centre's securitization)"


def test_the_baseline_passes_what_the_placebos_fail():
    config = load_config(SMALL)
    runs = replicated_runs(config, 3)
    fit = [t for t in config.validation.targets if t.use == "fit"]
    assert evaluate_targets(fit, runs)["passed"].all()
    assert not failures(runs)[1]
