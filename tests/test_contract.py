"""The actor contract (issue 11, item 7): every actor decides from one frozen snapshot per quarter."""

from __future__ import annotations

import numpy as np
import pytest

from sim.agents import ACTORS
from sim.run import build_model, simulate, tidy


def test_a_perception_is_frozen_and_does_not_follow_the_live_state(small_model):
    model = small_model()
    view = model.perceive()
    with pytest.raises(AttributeError):
        view.central.securitization = 0.9
    with pytest.raises(ValueError):
        view.firms.ties[0] = 1.0  # arrays are locked copies
    before = view.firms.ties.copy()
    model.firms.ties[:] = 0.99
    model.central.securitization = 0.77
    assert np.array_equal(view.firms.ties, before) and view.central.securitization != 0.77
    with pytest.raises(AttributeError, match="shows no"):
        _ = view.central.not_a_thing


def test_the_order_in_which_actors_step_does_not_change_the_run(small_config):
    """Each actor reads only the snapshot and its own state, and draws from its own stream."""
    config = small_config("time.end=2024Q4")
    _, forward = simulate(config)
    reversed_model = build_model(config)
    reversed_model.actors = dict(reversed(list(reversed_model.actors.items())))
    reversed_model.run()

    backward = tidy(reversed_model)
    np.testing.assert_array_equal(forward["value"].to_numpy(), backward["value"].to_numpy())


def test_every_registered_actor_has_a_config_group_a_view_and_its_own_stream(small_model):
    model = small_model()
    view = model.perceive()
    assert [spec.name for spec in ACTORS] == list(model.actors)
    for spec in ACTORS:
        assert getattr(view, spec.name) is not None and getattr(model, spec.name) is model.actors[spec.name]
        assert getattr(model.config, spec.name) is model.actors[spec.name].p
    assert len({spec.stream for spec in ACTORS}) == len(ACTORS)


def test_mesa_members_are_built_only_when_asked_for(small_model):
    model = small_model()
    assert model.public._members is None and model.firms._members is None
    citizen = model.public.members[5]
    assert citizen.belief == pytest.approx(model.public.belief[5])
