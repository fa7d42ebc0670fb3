"""Patterns 1-7 of MODEL.md on the default baseline, over 5 replications (independent streams).

Each test reads only indicators and agent states that emerge from the agents' decisions; no result
is written into the code. Two patterns follow closely from a decision rule, and the tests say so:
pattern 3 from the provinces' framing compromise, pattern 6 from the rival's targeting of state ties
(plus the correlation of ties with capability). Where a pattern is checked per replication it must
hold in every one. Thresholds come from the observed figures in conf/targets/default.yaml where the
sources give them.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.analysis.patterns import PATTERNS
from sim.config import load_config
from sim.run import simulate

REPLICATIONS = 5


@pytest.fixture(scope="module")
def baseline():
    """Wide tables (quarter x indicator) and final models of the default run, one per replication."""
    runs = []
    for r in range(REPLICATIONS):
        model, frame = simulate(load_config([f"replication={r}"]))
        wide = frame.pivot(index="quarter", columns="indicator", values="value").loc[frame["quarter"].unique()]
        runs.append((model, wide))
    return runs


# Not met at the ABC posterior medians (issue 13): fitted to the post-2018 chip self-sufficiency series as well, the
# calibration trades the article's fast 2017 securitization (1), the take-off of the literature (4) and the surge of
# domestic inputs after the sanctions (7, which the observed series itself contradicts: 15.3 % in 2018, 18.2 % in
# 2022) for the low observed self-sufficiency. docs/validation.md and docs/ODD.md section 9 report it. Strict: a
# pattern that holds again fails here, so the documentation is updated with it. Pattern 7 holds again, in every
# replication, since the 2023 mechanisms (issue 16) were added: the posterior was not refitted with them.
NOT_MET = {1, 4}


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param(k, marks=pytest.mark.xfail(strict=True, reason="not met at the posterior medians")) if k in NOT_MET else k
        for k in sorted(PATTERNS)
    ],
)
def test_series_patterns_hold_in_every_replication(baseline, pattern):
    failed = {f for _, w in baseline for f in PATTERNS[pattern](w)}
    assert not failed, f"pattern {pattern}: {sorted(failed)}"


def test_pattern2_some_but_not_most_provinces_move_before_2016_on_average(baseline):
    assert 1 <= np.mean([w["provinces_with_policy"]["2015Q4"] for _, w in baseline]) < 15


def test_pattern5_ai_washing_rises_with_subsidies(baseline):
    for _, w in baseline:
        assert np.corrcoef(w["subsidy_pool"], w["ai_washing_share"])[0, 1] > 0.8
    # across runs: more local subsidy, more relabelling (same streams)
    _, lean = simulate(load_config(["local.subsidy_per_policy=0.05", "central.extraordinary_budget=5"]))
    _, rich = simulate(load_config(["local.subsidy_per_policy=0.8", "central.extraordinary_budget=40"]))
    final = lambda f: f.loc[(f.indicator == "ai_washing_share") & (f.quarter == "2030Q4"), "value"].item()  # noqa: E731
    assert final(rich) > final(lean)


def test_pattern6_sanctions_fall_disproportionately_on_firms_with_close_state_ties(baseline):
    ranks = np.concatenate([m.rival.tie_rank_at_listing[m.rival.entity_list] for m, _ in baseline])
    assert ranks.size >= 20
    # percentile of a listed firm's ties among the candidates when it was listed: 0.5 if ties did not matter
    assert ranks.mean() > 0.65
    assert (ranks > 0.75).mean() > 2 * (ranks <= 0.25).mean()


def test_pattern7_the_directive_itself_raises_domestic_inputs_and_costs_efficiency():
    # the directive itself, with sanctions and export controls unchanged (same streams)
    _, without = simulate(load_config(["firms.directive_weight=0"]))
    _, with_ = simulate(load_config([]))
    at = lambda f, k, q: f.loc[(f.indicator == k) & (f.quarter == q), "value"].item()  # noqa: E731
    assert at(with_, "domestic_input_share", "2020Q4") > at(without, "domestic_input_share", "2020Q4")
    assert at(with_, "efficiency", "2020Q4") < at(without, "efficiency", "2020Q4")
