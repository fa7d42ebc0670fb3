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
import pandas as pd
import pytest

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


def yearly(series: pd.Series) -> pd.Series:
    return series.groupby(series.index.str[:4]).sum()


def test_pattern1_central_securitization_low_before_2016_and_steps_up_with_the_2017_plan(baseline):
    for _, w in baseline:
        s = w["securitization_central"]
        assert s.loc[:"2015Q4"].max() < 0.1
        rise = s.diff().loc["2009Q2":"2019Q4"]
        assert rise.idxmax() == "2017Q3"  # the largest quarterly rise of the decade is the 2017 plan
        # the 2016 plan moved less than the 2017 plan: its level at most half the 2017 plan's (16 vs 48 'security'
        # mentions, 0.33; the holdout target's tolerance [0.15, 0.5])
        assert s["2016Q3"] < 0.5 * s["2017Q3"]
        assert rise["2016Q2"] < rise["2017Q3"]


def test_pattern2_some_early_economic_policies_then_a_surge_after_the_central_plan(baseline):
    early_provinces = [w["provinces_with_policy"]["2015Q4"] for _, w in baseline]
    assert 1 <= np.mean(early_provinces) < 15  # some, not most, provinces move before 2016
    for _, w in baseline:
        policies = w["local_policies"]
        pre_rate = policies["2015Q4"] / 7  # per year, 2009-2015
        surge = policies["2018Q2"] - policies["2017Q2"]  # the year around the 2017 plan
        assert surge > 3 * max(pre_rate, 1.0)
        assert w["provinces_with_policy"]["2018Q4"] > 20
        assert policies["2018Q4"] >= 30
        # early policies carry no security framing: the centre had not securitized AI yet
        assert w["framing_local"].loc[:"2015Q4"].max() < 0.01


def test_pattern3_local_framing_stays_far_below_the_centres(baseline):
    for _, w in baseline:
        after = w.loc["2017Q3":]
        assert (after["framing_local"] < 0.5 * after["securitization_central"]).all()
        assert after["adoption_local"].iloc[-1] > 0.5  # while most provinces do echo the campaign


def test_pattern4_security_articles_near_zero_before_2016_then_rising_steeply(baseline):
    for _, w in baseline:
        per_year = yearly(w["security_articles"])
        # near zero: CNKI 'AI' titles were 13-36 a year before 2016 against 708 in 2018, under 5%
        assert per_year.loc[:"2015"].mean() < 0.05 * per_year["2018"]
        # rising steeply: 68, 250, 708 articles in 2016-2018 (ratios 3.7, 2.8); at least 1.5x a year
        assert per_year["2017"] > 1.5 * per_year["2016"] and per_year["2018"] > 1.5 * per_year["2017"]
        assert per_year["2019"] >= per_year["2018"] * 0.8


def test_pattern5_ai_washing_rises_with_subsidies(baseline):
    for _, w in baseline:
        assert np.corrcoef(w["subsidy_pool"], w["ai_washing_share"])[0, 1] > 0.8
    # across runs: more local subsidy, more relabelling (same streams)
    _, lean = simulate(load_config(["local.subsidy_per_policy=0.05", "central.extraordinary_budget=5"]))
    _, rich = simulate(load_config(["local.subsidy_per_policy=0.8", "central.extraordinary_budget=40"]))
    final = lambda f: f.loc[(f.indicator == "ai_washing_share") & (f.quarter == "2030Q4"), "value"].item()  # noqa: E731
    assert final(rich) > final(lean)


def test_pattern6_sanctions_fall_disproportionately_on_firms_with_close_state_ties(baseline):
    ranks = np.concatenate([m.firms.tie_rank_at_listing[m.firms.sanctioned] for m, _ in baseline])
    assert ranks.size >= 20
    # percentile of a listed firm's ties among the candidates when it was listed: 0.5 if ties did not matter
    assert ranks.mean() > 0.65
    assert (ranks > 0.75).mean() > 2 * (ranks <= 0.25).mean()


def test_pattern7_self_reliance_raises_domestic_inputs_and_costs_efficiency_in_the_short_run(baseline):
    for _, w in baseline:
        assert w["domestic_input_share"]["2022Q4"] > w["domestic_input_share"]["2017Q4"] + 0.2
        assert w["efficiency"]["2022Q4"] < w["efficiency"]["2017Q4"]
        assert w["efficiency"]["2030Q4"] > w["efficiency"].min()  # learning recovers part of the loss
    # the directive itself, with sanctions and export controls unchanged (same streams)
    _, without = simulate(load_config(["firms.directive_weight=0"]))
    _, with_ = simulate(load_config([]))
    at = lambda f, k, q: f.loc[(f.indicator == k) & (f.quarter == q), "value"].item()  # noqa: E731
    assert at(with_, "domestic_input_share", "2020Q4") > at(without, "domestic_input_share", "2020Q4")
    assert at(with_, "efficiency", "2020Q4") < at(without, "efficiency", "2020Q4")
