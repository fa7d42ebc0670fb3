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
# At the ABC posterior medians (issue 13) the baseline itself misses the securitization targets (a step of 0.10 with
# the 2017 plan against at least 0.15; 0.30 by 2018 against at least 0.5), the only fit targets this placebo fails:
# the fit targets the baseline meets do not tell its centre from one that never wants to securitize. Reported in
# docs/validation.md and docs/ODD.md section 9; strict, so a calibration that restores the difference fails here.
INDISTINGUISHABLE = {"threshold far above the calibrated one"}


def runs_of(name: str, replications: int = 3):
    config = load_config([*SMALL, *PLACEBOS[name]])
    if name == "no policy windows":
        config.timeline.events = [e for e in config.timeline.events if e.kind != "policy_window"]
    return config, replicated_runs(config, replications)


@pytest.fixture(scope="module")
def baseline_passes() -> set[str]:
    """The fit targets the calibrated baseline meets (not all: docs/validation.md)."""
    config = load_config(SMALL)
    table = evaluate_targets([t for t in config.validation.targets if t.use == "fit"], replicated_runs(config, 3))
    return set(table.loc[table["passed"], "target"])


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason="fails only what the baseline fails"))
        if name in INDISTINGUISHABLE
        else name
        for name in sorted(PLACEBOS)
    ],
)
def test_placebo_fails_fit_targets_the_baseline_meets_and_the_patterns(name, baseline_passes):
    config, runs = runs_of(name)
    fit = [t for t in config.validation.targets if t.use == "fit"]
    table = evaluate_targets(fit, runs)
    failed_targets = set(table.loc[~table["passed"], "target"])
    assert failed_targets & baseline_passes, f"{name} fails only fit targets the baseline fails too: {sorted(failed_targets)}"
    failed = failures(runs)
    assert any(failed.values()), f"{name} showed every pattern"
    assert failed[1], f"{name} showed pattern 1 (the centre's securitization)"
