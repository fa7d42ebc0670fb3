"""Array-backed agents: per-agent state lives in numpy arrays owned by a population.

Vectorized decision rules update the arrays for all members at once; each member is
still a Mesa agent whose state reads and writes its own entry through properties.
"""

from __future__ import annotations

from typing import Any

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
    """Owns the state arrays of one agent type and creates its Mesa agents."""

    member_class: type[PopulationMember] = PopulationMember

    def __init__(self, model: Model, n: int) -> None:
        self.model = model
        self.n = n
        self.rng: np.random.Generator = model.rng

    def create_members(self) -> None:
        self.members = [self.member_class(self.model, self, i) for i in range(self.n)]
