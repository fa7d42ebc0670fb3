"""Model-level behaviour: determinism, indicator bounds, agents inspectable through Mesa, memory freed."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pandas as pd
import pytest

from sim.agents import ACTORS, Citizen, LocalGovernment
from sim.indicators import INDICATORS
from sim.io import write_parquet
from sim.run import COLUMNS, build_model, simulate


def test_every_indicator_recorded_every_step(small_config):
    model, frame = simulate(small_config())
    assert list(frame.columns) == COLUMNS
    assert model.n_steps == 88
    counts = frame.groupby("indicator").size()
    assert set(counts.index) == set(INDICATORS) and (counts == 88).all()
    assert frame["quarter"].iloc[0] == "2009Q1" and frame["quarter"].iloc[-1] == "2030Q4"
    required = {
        "securitization_central", "securitization_rival", "adoption_local", "adoption_firms", "adoption_intellectuals",
        "adoption_public", "local_policies", "security_articles", "ai_washing_share", "sanctioned_share",
        "domestic_input_share", "data_tolerance", "capability_ratio", "ai_economy", "talent_capital", "efficiency",
        "governance", "rivalry", "global_access",
    }  # fmt: skip
    assert required <= set(INDICATORS)


def test_indicators_stay_in_bounds(small_config):
    for overrides in [(), ("central.strategy=maximal", "rival.mirror=5"), ("central.strategy=none", "rival.sanctions.severity=0")]:
        _, frame = simulate(small_config(*overrides))
        assert np.isfinite(frame["value"]).all()
        for name, ind in INDICATORS.items():
            values = frame.loc[frame.indicator == name, "value"]
            assert ind.signed or (values >= 0).all(), name
            if ind.is_share:
                assert (values <= 1 + 1e-12).all(), name
        for cumulative in ("local_policies", "provinces_with_policy"):
            assert (np.diff(frame.loc[frame.indicator == cumulative, "value"]) >= 0).all()


def test_same_seed_same_bytes_different_seed_different_output(small_config, tmp_path):
    paths = []
    for i, seed in enumerate([7, 7, 8]):
        _, frame = simulate(small_config(f"seed={seed}"))
        path = tmp_path / f"run{i}.parquet"
        write_parquet(frame, path, {"seed": seed})
        paths.append(path)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert not pd.read_parquet(paths[0])["value"].equals(pd.read_parquet(paths[2])["value"])


def test_replications_are_independent_streams(small_config):
    _, a = simulate(small_config("replication=0"))
    _, b = simulate(small_config("replication=1"))
    assert not a["value"].equals(b["value"])


def test_arms_that_differ_in_one_lever_draw_the_same_numbers_each_quarter(small_config):
    """Common random numbers: each population's stream in a quarter depends only on seed, replication and
    quarter, not on what the run drew before, so paired counterfactuals stay paired after they diverge."""
    historical = build_model(small_config())
    never = build_model(small_config("central.strategy=none"))
    for model in (historical, never):
        model.run_for(40)  # past 2017Q3, where the two arms' states have long diverged
    assert historical.central.securitization > never.central.securitization
    keys = [actor.stream_key for actor in historical.actors.values()]
    for key in keys:
        assert np.array_equal(historical.stream(key).random(5), never.stream(key).random(5)), key
    assert len(set(keys)) == len(keys) == len(ACTORS)  # each actor has a stream of its own


def test_agents_are_mesa_agents_with_array_backed_state(small_model):
    model = small_model()
    assert Citizen not in model.agents_by_type  # built when first asked for, not with the model
    citizens = model.agents_by_type[Citizen] if model.public.members else None
    assert len(citizens) == model.public.n
    citizen = citizens[3]
    model.public.belief[citizen.idx] = 0.42
    assert citizen.belief == pytest.approx(0.42)
    citizen.tolerance = 0.9
    assert model.public.tolerance[citizen.idx] == pytest.approx(0.9)
    firm = model.firms.members[0]
    assert firm.kind in range(4) and 0 <= firm.ties <= 1
    assert len(model.local.members) == 31 and all(isinstance(g, LocalGovernment) for g in model.agents_by_type[LocalGovernment])
    mean_belief = model.agents_by_type[Citizen].agg("belief", np.mean)
    assert mean_belief == pytest.approx(model.public.belief.mean())


def test_timeline_none_has_no_events_and_no_sanction_rounds(small_config):
    model = build_model(small_config("timeline=none"))
    assert model.timeline.events == []
    model.run()
    assert model.central.economic_budget == 0.0
    assert not model.firms.national_team.any()


def test_public_network_is_sparse_and_symmetric(small_model):
    net = small_model().public.network
    assert (net != net.T).nnz == 0
    assert net.diagonal().sum() == 0
    assert net.nnz <= 400 * 6  # at most degree entries per citizen: no dense matrix


def test_model_is_freed_after_a_run(small_config):
    config = small_config("time.end=2011Q4")
    model = build_model(config)
    model.run()
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None


def test_run_for_covers_a_shorter_period(small_config):
    model, frame = simulate(small_config("time.start=2015Q1", "time.end=2019Q4", "timeline=none"))
    assert model.steps == 20 and frame["step"].max() == 19
