"""What every actor shares: a config node, its own random stream, and the actor contract.

The contract (see :mod:`sim.perception`): ``observe()`` returns what the actor shows the others at the
end of a quarter; ``step(view)`` decides from the quarter's frozen snapshot and the actor's own state;
``on_event(event)`` takes the timeline's events it cares about. Population actors keep per-agent state
in numpy arrays; each member is still a Mesa agent that reads and writes its own row, created the
first time anybody asks for the members (building a million Mesa objects nobody reads costs more
than the model).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from mesa import Agent, Model

from sim.perception import Perception
from sim.timeline import Event


class Actor:
    """Config node ``p``, random stream ``stream_key`` re-derived every quarter (common random numbers)."""

    def __init__(self, model: Model, p: Any, stream: int) -> None:
        self.model = model
        self.p = p
        self.stream_key = stream
        self._rng_step = -1

    @property
    def rng(self) -> np.random.Generator:
        """This actor's numbers for the current quarter, the same in every arm of a seed and replication,
        whatever the actor drew before (see :meth:`sim.model.SecuritizationModel.stream`)."""
        if self._rng_step != self.model.steps:
            self._rng = self.model.stream(self.stream_key)
            self._rng_step = self.model.steps
        return self._rng

    def start(self, view: Perception) -> None:
        """Initial conditions that depend on what the other actors show at the start (none by default)."""

    def on_event(self, event: Event) -> None:
        """React to a timeline event of a kind this actor handles (none by default)."""

    def observe(self) -> dict[str, Any]:
        raise NotImplementedError

    def step(self, view: Perception) -> None:
        raise NotImplementedError


class PopulationField:
    """A property that reads and writes one agent's entry in its population's array."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, agent: PopulationMember | None, owner: type | None = None) -> Any:
        if agent is None:
            return self
        return getattr(agent.population, self.name)[agent.idx].item()

    def __set__(self, agent: PopulationMember, value: Any) -> None:
        getattr(agent.population, self.name)[agent.idx] = value


class PopulationMember(Agent):
    """A Mesa agent that is a view into row ``idx`` of its population."""

    def __init__(self, model: Model, population: Population, idx: int) -> None:
        super().__init__(model)
        self.population = population
        self.idx = idx


class Population(Actor):
    """Owns the state arrays of one agent type; ``members`` are its Mesa agents, built on first use."""

    member_class: type[PopulationMember] = PopulationMember

    def __init__(self, model: Model, p: Any, stream: int, n: int) -> None:
        super().__init__(model, p, stream)
        self.n = n
        self._members: list[PopulationMember] | None = None

    @property
    def members(self) -> list[PopulationMember]:
        """The Mesa agents of a single run (a batch of runs has arrays, not agents)."""
        if getattr(self.model, "runs", None):
            raise ValueError(f"{type(self).__name__}.members: a batch of runs has no Mesa agents; read the (runs, n) arrays")
        if self._members is None:
            self._members = [self.member_class(self.model, self, i) for i in range(self.n)]
        return self._members
