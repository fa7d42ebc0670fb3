"""Array-backed agents: per-agent state lives in numpy arrays owned by a population.

Vectorized decision rules update the arrays for all members at once; each member is
still a Mesa agent whose state reads and writes its own entry through properties.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from mesa import Agent, Model


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


class Population:
    """Owns the state arrays of one agent type and creates its Mesa agents.

    Its random draws come from its own stream, re-derived every quarter from (root, stream_key, step)
    (see :meth:`sim.model.SecuritizationModel.stream`): runs that differ in one lever draw the same
    numbers in the same quarter, whatever they drew before (common random numbers).
    """

    member_class: type[PopulationMember] = PopulationMember
    stream_key: ClassVar[int]

    def __init__(self, model: Model, n: int) -> None:
        self.model = model
        self.n = n
        self._rng_step = -1

    @property
    def rng(self) -> np.random.Generator:
        if self._rng_step != self.model.steps:
            self._rng = self.model.stream(self.stream_key)
            self._rng_step = self.model.steps
        return self._rng

    def create_members(self) -> None:
        self.members = [self.member_class(self.model, self, i) for i in range(self.n)]
