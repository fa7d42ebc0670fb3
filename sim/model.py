"""The securitization-of-AI model (Zeng 2021, "Securitization of Artificial Intelligence in China")."""

from __future__ import annotations

from typing import Any

import numpy as np
from mesa import DataCollector, Model

from sim.agents import ACTORS, Actor
from sim.batch import Streams, at_least, at_most, where
from sim.config import SimConfig, load_config
from sim.indicators import INDICATORS
from sim.perception import Perception
from sim.timeline import Event, Quarter, Timeline, validate_events


def quarter_stream(root: int, key: int, step: int) -> np.random.Generator:
    """The generator ``default_rng(SeedSequence([root, key, step]))`` is, built directly: a run makes about 900 of
    them, and ``default_rng`` wraps each in a floating-point error-state guard (5-10 us)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([root, key, step])))


class SecuritizationModel(Model):
    """A central state securitizes AI to mobilize four domestic audiences, facing a rival and third countries.

    Args:
        config: a validated :class:`sim.config.SimConfig` (defaults: ``conf/config.yaml``).
        rng: seed or generator for the model's random stream (defaults to ``config.seed``; runs use
            :func:`sim.run.build_model`, which derives it from the root seed and replication); or a list of
            generators, one per run, for a batch of runs of the same config advanced together
            (:func:`sim.run.build_batch`; the shapes in :mod:`sim.batch`): each run gets exactly the numbers it gets
            alone.

    One step is a quarter from ``config.time.start`` to ``config.time.end``. Each step applies the
    quarter's events, freezes what every actor shows into one :class:`sim.perception.Perception`, lets
    every actor of :data:`sim.agents.ACTORS` decide from it, then updates the world (capability ratio,
    the AI economy's growth, sanction news) and collects the indicators.
    """

    def __init__(self, config: SimConfig | None = None, rng: int | np.random.Generator | list[np.random.Generator] | None = None) -> None:
        config = config or load_config()
        batch = list(rng) if isinstance(rng, list | tuple) else None
        super().__init__(rng=config.seed if rng is None else batch[0] if batch else rng)
        self.runs = len(batch) if batch else None  # None: a single run; else the batch's size
        self.stream_root: int | list[int] = int(self.rng.integers(2**63))
        if batch:  # each further run draws its root as a model of that run alone would (Mesa's draw first)
            self.stream_root = [self.stream_root, *(int(Model(rng=g).rng.integers(2**63)) for g in batch[1:])]
        self.config = config
        self.start = Quarter.parse(config.time.start, key="time.start")
        self.end = Quarter.parse(config.time.end, key="time.end")
        self.n_steps = self.end.index - self.start.index + 1
        self.timeline = Timeline(validate_events(config.timeline.events, self.start, self.end), self.start)
        self.quarter_index = self.start.index
        self.salience = config.economy.salience0
        self.rally = 0.0
        self.ai_economy_growth = 0.0
        self.capability_ratio = config.economy.capability_ratio0

        self.actors: dict[str, Actor] = {}
        for spec in ACTORS:
            node = getattr(config, spec.name)
            n = getattr(config.agents, spec.name).n if spec.population else None
            self.actors[spec.name] = spec.cls(self, node, spec.stream, n)
        view = self.perceive()
        for actor in self.actors.values():
            actor.start(view)
        self.ai_economy = self.firms.ai_economy

        self.datacollector = DataCollector(model_reporters={name: ind.measure for name, ind in INDICATORS.items()})

    def __getattr__(self, name: str) -> Any:
        """Each actor by its registry name: ``model.central``, ``model.local``, ``model.firms``..."""
        actors = self.__dict__.get("actors", {})
        if name in actors:
            return actors[name]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def stream(self, key: int) -> np.random.Generator:
        """Random stream ``key`` for the current quarter: the same numbers in every run of this seed and replication
        (a batch: one per run, :class:`sim.batch.Streams`)."""
        if self.runs is None:
            return quarter_stream(self.stream_root, key, self.steps)
        return Streams([quarter_stream(root, key, self.steps) for root in self.stream_root])

    def represents(self, name: str) -> float:
        """How many real units one simulated agent of population ``name`` stands for."""
        size = getattr(self.config.agents, name)
        return size.represents / size.n

    @property
    def quarter(self) -> Quarter:
        return Quarter(self.quarter_index)

    # --- what everybody perceives -----------------------------------------------------------------
    def observe(self) -> dict[str, Any]:
        """The world's shared conditions: time, AI's salience, the capability race, sanction news."""
        return {
            "step": self.steps - 1,
            "quarter_index": self.quarter_index,
            "decimal_year": self.quarter.decimal,
            "salience": self.salience,
            "capability_ratio": self.capability_ratio,
            "ai_economy_growth": self.ai_economy_growth,
            "rally": self.rally,
        }

    def perceive(self, **changes: dict[str, Any]) -> Perception:
        """The snapshot of what every actor shows now; ``changes`` replace some of it, for a what-if
        (``model.perceive(central={"securitization": 0.9})``: how would the others decide?)."""
        views = {"world": self.observe(), **{name: actor.observe() for name, actor in self.actors.items()}}
        for name, values in changes.items():
            views[name] = {**views[name], **values}
        return Perception(views)

    # --- events -----------------------------------------------------------------------------------
    def apply(self, event: Event) -> None:
        if event.kind == "ai_salience":
            self.salience = at_most(at_least(self.salience + event.params["delta"], 0.0), 1.0)
        for actor in self.actors.values():
            actor.on_event(event)

    # --- schedule ---------------------------------------------------------------------------------
    def step(self) -> None:
        t = self.steps - 1
        self.quarter_index = self.start.index + t
        for event in self.timeline.at(t):
            self.apply(event)
        self.salience = at_most(self.salience + self.config.economy.salience_trend, 1.0)
        view = self.perceive()
        for actor in self.actors.values():
            actor.step(view)
        self.update_world()
        self.datacollector.collect(self)

    def update_world(self) -> None:
        """What follows from the actors' decisions for everybody: the race, the economy's growth, sanction news."""
        economy_before, self.ai_economy = self.ai_economy, self.firms.ai_economy
        grew = economy_before > 0
        self.ai_economy_growth = where(grew, self.ai_economy / where(grew, economy_before, 1.0) - 1.0, 0.0)
        self.capability_ratio = self.firms.china_capability / self.rival.capability
        self.rally = np.minimum(1.0, self.rival.listed_capability_share / self.config.economy.rally_share)

    def run(self) -> None:
        """Run every quarter of the configured period."""
        self.run_for(self.n_steps - self.steps)
