"""Runs advanced together (sim.batch, issue 12): a batch gives each run, value for value, what that run gives alone.

Two levels. The model: ``build_batch`` runs replications together and each run's series must equal ``simulate`` of
that replication, every indicator, every quarter, exactly. Each actor: R single models step as usual, every call to
the actor (its start, its events, the quarter's snapshot) is recorded, and the batched actor, built from the same
random streams, replays the calls with the R snapshots stacked (per-run values as (R, 1), per-agent values as
(R, n)); after each quarter its state must equal the single runs' row for row, so a difference is found in the actor
that makes it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from mesa import Model

from sim.agents import ACTORS
from sim.batch import Streams, mean, per_run, power, share, total
from sim.config import ConfigError, config_value, dotted, validate
from sim.ensemble import batch_config, settable_per_run, with_values
from sim.model import SecuritizationModel
from sim.parameters import schema_field
from sim.perception import Perception
from sim.run import build_batch, build_model, series, simulate, stream_seed

ACTORS_BY_NAME = {spec.name: spec for spec in ACTORS}


class BatchOf(Model):
    """What a batched actor asks of its model, answered from R single models kept at the same quarter."""

    def __init__(self, models: list) -> None:
        super().__init__(rng=0)
        self.models = models
        self.config = models[0].config

    @property
    def steps(self) -> int:
        return self.models[0].steps

    @steps.setter
    def steps(self, value: int) -> None:  # Mesa's constructor sets it; the single models keep the count
        pass

    def stream(self, key: int) -> Streams:
        return Streams([m.stream(key) for m in self.models])

    def represents(self, name: str) -> float:
        return self.models[0].represents(name)


def stack(views: list[Perception]) -> Perception:
    """The R runs' snapshots as one: per-run values (R, 1), per-agent values (R, n), a number every run shares as is."""
    out = {}
    for name, view in views[0]._views.items():
        out[name] = {}
        for key in view._values:
            values = [getattr(getattr(v, name), key) for v in views]
            if np.ndim(values[0]) > 0:
                out[name][key] = np.stack(values)
            elif all(v == values[0] for v in values):  # as the batched model shows a value every run shares: once
                out[name][key] = values[0]
            else:
                out[name][key] = np.array(values, dtype=float)[:, None]
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


def state(actor) -> dict:
    """Everything an actor keeps that a run's numbers live in: arrays, numbers and dicts of numbers (not its buffers)."""
    kept = {}
    for key, value in vars(actor).items():
        if key.startswith("_") or key in ("n", "stream_key", "unique_id", "pos"):
            continue
        if isinstance(value, dict) and all(np.ndim(v) == 0 or isinstance(v, np.ndarray) for v in value.values()):
            kept.update({f"{key}[{k}]": v for k, v in value.items()})
        elif isinstance(value, np.ndarray | float | int | np.floating | np.integer | np.bool_) and not isinstance(value, bool):
            kept[key] = value
    return kept


def assert_rows(batch: dict, singles: list[dict], when: str) -> None:
    """Each of the batch's values, row r, equals run r's value alone (a value all runs share may stay unbatched)."""
    assert set(batch) == set(singles[0]), f"{when}: kept {sorted(set(batch) ^ set(singles[0]))} in one form only"
    for key in singles[0]:
        expected = np.stack([np.asarray(s[key]) for s in singles])
        if expected.ndim == 1:
            expected = expected[:, None]
        got = np.broadcast_to(np.asarray(batch[key]), expected.shape)
        assert np.array_equal(got, expected, equal_nan=True), f"{key} differs {when}"


CONVERTED = {spec.name: spec for spec in ACTORS}  # every actor steps a batch


@pytest.mark.parametrize(
    "name, overrides",
    [
        (name, overrides)
        for name in CONVERTED
        for overrides in (
            [],
            ["public.audience.noise=0.3", "firms.audience.noise=0.3", "third.exclusive=true", "central.strategy=adaptive"],
            ["rival.sanctions.severity=1.0", "agents.public.n=257"],
        )
    ],
)
def test_a_batched_actor_gives_each_run_what_it_gives_alone(small_config, monkeypatch, name, overrides):
    spec = CONVERTED[name]
    runs = 3
    config = small_config(*overrides)
    starts: list = []
    original_start = spec.cls.start

    def recorded_start(self, view):
        starts.append(view)
        original_start(self, view)

    monkeypatch.setattr(spec.cls, "start", recorded_start)
    models = [build_model(dataclasses.replace(config, replication=r)) for r in range(runs)]
    monkeypatch.setattr(spec.cls, "start", original_start)
    calls = [record(m.actors[name]) for m in models]
    n = getattr(config.agents, name).n if spec.population else None
    batch = spec.cls(BatchOf(models), getattr(config, name), spec.stream, n)
    batch.start(stack(starts))
    assert_rows(state(batch), [state(m.actors[name]) for m in models], "at the start")
    for quarter in range(models[0].n_steps):
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
        assert_rows(state(batch), [state(m.actors[name]) for m in models], f"at quarter {quarter}")
        assert_rows(batch.observe(), [m.actors[name].observe() for m in models], f"in what it shows at quarter {quarter}")
    # the check can fail: the runs differ from each other, so a batch that mixed them up would not pass
    singles = [state(m.actors[name]) for m in models]
    assert any(not np.array_equal(singles[0][k], singles[1][k]) for k in singles[0])


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


def test_a_per_run_exponent_gives_each_row_its_power_alone():
    """numpy's ``**`` takes shortcuts for some scalar exponents (square root at 0.5, a square at 2) that an array of
    exponents does not take, so a parameter used as an exponent goes through ``power``, row by row."""
    rng = np.random.default_rng(3)
    base = rng.random((6, 1000)) * 3.0
    exponents = np.array([0.5, 2.0, -1.0, 1.0, 0.0, 0.37])[:, None]
    rows = power(base, exponents)
    for r, e in enumerate(exponents[:, 0].tolist()):
        assert np.array_equal(rows[r], base[r] ** e), e
    assert np.array_equal(power(base[0], 0.5), base[0] ** 0.5)  # one run: numpy's own


def test_per_run_and_streams_give_each_run_its_own_numbers():
    generators = [np.random.default_rng(s) for s in range(3)]
    alone = [np.random.default_rng(s).normal(0.0, 1.0, 5) for s in range(3)]
    assert np.array_equal(Streams(generators).normal(0.0, 1.0, 5), np.stack(alone))
    rows = np.arange(12.0).reshape(3, 4)
    assert np.array_equal(per_run(lambda r: r[r > 5].sum(), rows), [[0.0], [13.0], [38.0]])
    assert per_run(lambda r: r[r > 5].sum(), rows[2]) == 38.0


@pytest.mark.parametrize(
    "overrides",
    [
        [],
        ["public.audience.noise=0.3", "firms.audience.noise=0.3", "local.audience.noise=0.3", "intellectuals.audience.noise=0.3"],
        ["central.strategy=adaptive", "third.exclusive=true", "rival.sanctions.severity=1.0", "agents.public.n=257"],
        ["central.strategy=restrained", "central.propaganda_feedback=0.5", "seed=11"],
    ],
)
def test_a_batch_of_runs_gives_each_run_its_series_alone(small_config, overrides):
    config = small_config(*overrides)
    replications = [0, 4, 1]
    batch = build_batch(config, replications)
    batch.run()
    _, quarters, names, matrix = series(batch)
    assert matrix.shape == (3, batch.n_steps, len(names))
    for r, replication in enumerate(replications):
        model, alone = simulate(dataclasses.replace(config, replication=replication))
        np.testing.assert_array_equal(matrix[r].ravel(), alone["value"].to_numpy(), err_msg=f"replication {replication}")
    assert not np.array_equal(matrix[0], matrix[1])  # the runs differ, so mixing them up would fail


def test_a_batch_of_one_is_the_single_run(small_config):
    config = small_config()
    batch = build_batch(config, [2])
    batch.run()
    _, alone = simulate(dataclasses.replace(config, replication=2))
    np.testing.assert_array_equal(series(batch)[3][0].ravel(), alone["value"].to_numpy())


def moved_parameters(config) -> dict[str, float]:
    """Every parameter the ensemble engine may set per run (:func:`sim.ensemble.settable_per_run`), each with a value
    other than its default that passes every range and cross-field rule."""
    names = [name for name in dotted(dataclasses.asdict(config)) if settable_per_run(config, name)]
    moved = {}
    for name in names:
        default = config_value(config, name)
        lo, hi = schema_field(name)[1].metadata["range"]
        for value in (default * 1.1, default * 0.9) if default else (lo + 0.1 * min(hi - lo, 1.0),):
            value = min(max(value, lo), hi)
            try:
                validate(with_values(config, {name: value}))
            except ConfigError:
                continue
            if value != default:
                moved[name] = value
                break
    return moved


def test_every_parameter_set_per_run_gives_each_run_its_series_alone(small_config):
    """The engine batches points that differ only in these parameters (Sobol samples, posterior draws, sweeps over
    numbers): one batch in which run j moves parameter j alone must give each run exactly its series alone (to 2022,
    past the sanctions, incidents and risk-governance acts, to keep its 270 runs short)."""
    config = small_config("time.end=2022Q4")
    moved = moved_parameters(config)
    assert len(moved) > 250  # every behavioural parameter of the model but the sizes, noise and profile shares
    runs = [{**{k: config_value(config, k) for k in moved}, name: value} for name, value in moved.items()]
    batch = SecuritizationModel(batch_config(config, runs), rng=[np.random.default_rng(stream_seed(config.seed, 0)) for _ in runs])
    batch.run()
    matrix = series(batch)[3]
    differs = 0
    for r, (name, value) in enumerate(moved.items()):
        _, alone = simulate(with_values(config, {name: value}))
        np.testing.assert_array_equal(matrix[r].ravel(), alone["value"].to_numpy(), err_msg=f"{name}={value} set per run")
        differs += not np.array_equal(matrix[r], matrix[0])
    assert differs > len(moved) // 2  # the parameters act, so a run given another's value would be caught


def test_points_sampled_together_give_each_run_its_series_alone(small_config):
    """Sampled points move every parameter at once (a Sobol design) and read-only arrays: no actor changes a run's
    parameter in place."""
    config = small_config("central.strategy=adaptive")
    moved = moved_parameters(config)
    rng = np.random.default_rng(5)
    default = {k: config_value(config, k) for k in moved}
    runs = [{k: default[k] + rng.uniform() * (v - default[k]) for k, v in moved.items()} for _ in range(3)]  # inside the ranges
    for values in runs:
        validate(with_values(config, values))  # and the cross-field rules
    batch = SecuritizationModel(batch_config(config, runs), rng=[np.random.default_rng(stream_seed(config.seed, r)) for r in range(3)])
    batch.run()
    matrix = series(batch)[3]
    for r, values in enumerate(runs):
        _, alone = simulate(dataclasses.replace(with_values(config, values), replication=r))
        np.testing.assert_array_equal(matrix[r].ravel(), alone["value"].to_numpy(), err_msg=f"sample {r}")


def test_a_value_numpy_squares_differently_from_python_keeps_its_run_alone(small_config):
    """The escalation indicator squares central.routine_speech - rival.restraint: numpy's shortcut for an array of
    per-run values and Python's ``**`` differ in the last bit on about 0.1 % of values, so it is computed per run.
    A value where they differ (found afresh, so a recalibrated restraint keeps the test sharp), run in a batch."""
    config = small_config("time.end=2012Q4")
    restraint = config.rival.restraint
    candidates = np.random.default_rng(0).uniform(0.03, 0.07, 20_000)
    python = np.array([(m - restraint) ** 2 for m in candidates.tolist()])
    hits = candidates[python != ((candidates[:, None] - restraint) ** 2).ravel()]
    assert hits.size > 0
    runs = [{"central.routine_speech": float(hits[0])}, {"central.routine_speech": 0.05}]
    batch = SecuritizationModel(batch_config(config, runs), rng=[np.random.default_rng(stream_seed(config.seed, r)) for r in range(2)])
    batch.run()
    _, alone = simulate(with_values(config, runs[0]))
    np.testing.assert_array_equal(series(batch)[3][0].ravel(), alone["value"].to_numpy())
