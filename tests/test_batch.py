"""Runs advanced together (sim.batch, issue 12): an actor stepping a batch of runs gives each run, value for value, what
that run gives alone.

The model does not advance batches yet; each converted actor is checked here against single runs: R single models
step as usual, every call to the actor (its events, the quarter's snapshot) is recorded, and the batched actor, built
from the same random streams, replays the calls with the R snapshots stacked (per-run values as (R, 1), per-agent
values as (R, n)); after each quarter its state must equal the single runs' row for row, exactly.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.agents.public import Public
from sim.batch import Streams, mean, per_run, share, total
from sim.perception import Perception
from sim.run import build_model


class BatchOf:
    """What a batched actor asks of its model, answered from R single models kept at the same quarter."""

    def __init__(self, models: list) -> None:
        self.models = models
        self.config = models[0].config

    @property
    def steps(self) -> int:
        return self.models[0].steps

    def stream(self, key: int) -> Streams:
        return Streams([m.stream(key) for m in self.models])

    def represents(self, name: str) -> float:
        return self.models[0].represents(name)


def stack(views: list[Perception]) -> Perception:
    """The R runs' snapshots as one: per-run values (R, 1), per-agent values (R, n)."""
    names = list(views[0]._views)
    out = {}
    for name in names:
        keys = views[0]._views[name]._values
        out[name] = {}
        for key in keys:
            values = [getattr(getattr(v, name), key) for v in views]
            if np.ndim(values[0]) == 0:
                out[name][key] = np.array(values, dtype=float)[:, None]
            else:
                out[name][key] = np.stack(values)
    return Perception(out)


def record(actor) -> list:
    """Wrap ``actor``'s step and on_event so that every call is recorded (and still made)."""
    calls: list = []
    step, on_event = actor.step, actor.on_event

    def recorded_step(view):
        calls.append(("step", view))
        step(view)

    def recorded_event(event):
        calls.append(("event", event))
        on_event(event)

    actor.step, actor.on_event = recorded_step, recorded_event
    return calls


STATE = {"public": ("belief", "adopted", "tolerance", "discontent", "exposure", "job_risk", "threshold", "belief0")}
SHOWN = {"public": ("adoption", "discontent", "tolerance", "data_factor")}


@pytest.mark.parametrize("overrides", [[], ["public.audience.noise=0.3"], ["rival.sanctions.severity=1.0", "agents.public.n=257"]])
def test_a_batched_public_gives_each_run_what_it_gives_alone(small_config, overrides):
    runs = 3
    config = small_config(*overrides)
    models = [build_model(dataclasses.replace(config, replication=r)) for r in range(runs)]
    calls = [record(m.public) for m in models]
    batch = Public(BatchOf(models), config.public, 4, config.agents.public.n)
    for name in STATE["public"]:
        assert np.array_equal(getattr(batch, name), np.stack([getattr(m.public, name) for m in models])), name
    for quarter in range(config_quarters(models[0])):
        for m, c in zip(models, calls, strict=True):
            c.clear()
            m.step()
        kinds = [[k for k, _ in c] for c in calls]
        assert all(k == kinds[0] for k in kinds)
        for i, kind in enumerate(kinds[0]):
            if kind == "event":
                batch.on_event(calls[0][i][1])
            else:
                batch.step(stack([c[i][1] for c in calls]))
        for name in STATE["public"]:
            expected = np.stack([getattr(m.public, name) for m in models])
            assert np.array_equal(getattr(batch, name), expected), f"{name} differs at quarter {quarter}"
        shown = batch.observe()
        for key in SHOWN["public"]:
            expected = np.array([m.public.observe()[key] for m in models])[:, None]
            assert np.array_equal(shown[key], expected), f"{key} differs at quarter {quarter}"
    # the check can fail: the runs differ from each other, so a batch that mixed them up would not pass
    assert not np.array_equal(models[0].public.belief, models[1].public.belief)
    assert models[0].public.adoption_share > 0 or models[1].public.adoption_share > 0


def config_quarters(model) -> int:
    return model.n_steps


def test_reductions_over_a_row_add_as_over_a_lone_array():
    """The premise of the batch: numpy's sum and mean along a contiguous last axis give each row the value the row
    gives as an (n,) array (pairwise summation), at sizes below and above numpy's blocking."""
    rng = np.random.default_rng(5)
    for n in (31, 128, 500, 8193, 10_000, 100_003):
        x = rng.random((4, n)) * 1e3
        flags = x < 400.0
        for fn in (mean, total, share):
            values = flags if fn is share else x
            batched = fn(values)
            assert batched.shape == (4, 1)
            assert [float(v) for v in batched[:, 0]] == [fn(values[r].copy()) for r in range(4)]


def test_per_run_and_streams_give_each_run_its_own_numbers():
    generators = [np.random.default_rng(s) for s in range(3)]
    alone = [np.random.default_rng(s).normal(0.0, 1.0, 5) for s in range(3)]
    assert np.array_equal(Streams(generators).normal(0.0, 1.0, 5), np.stack(alone))
    rows = np.arange(12.0).reshape(3, 4)
    assert np.array_equal(per_run(lambda r: r[r > 5].sum(), rows), [0.0, 13.0, 38.0])
    assert per_run(lambda r: r[r > 5].sum(), rows[2]) == 38.0
