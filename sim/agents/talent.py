"""Mobile global AI talent and foreign capital: choose where to work or invest."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np

from sim.agents.population import Population, PopulationField, PopulationMember
from sim.config import TalentConfig
from sim.perception import Perception


class Location(IntEnum):
    CHINA = 0
    RIVAL = 1
    THIRD = 2


class MobileUnit(PopulationMember):
    """One unit of mobile AI talent or foreign capital; state in :class:`MobileTalent`."""

    location = PopulationField()
    is_capital = PopulationField()
    chinese_origin = PopulationField()


class MobileTalent(Population):
    """A random utility (logit) location choice, as in gravity/utility models of scientists' mobility (OECD 2015).

    U_china = b_salary * opportunity * (1 + premium), opportunity = 2 r / (1 + r) (1 at parity, at most 2),
              + b_open * (1 - nationalism) - b_risk * (involvement + sanction risk) + home_bias * chinese
    U_rival = b_salary + b_open - b_visa * visa_limits * chinese
    U_third = b_salary * third_opportunity + b_open
    A share ``reconsider`` of units chooses each quarter (Gumbel noise: multinomial logit).
    """

    member_class = MobileUnit

    def __init__(self, model, p: TalentConfig, stream: int, n: int) -> None:
        super().__init__(model, p, stream, n)
        rng = self.rng
        self.is_capital = rng.random(n) < p.capital_share
        self.chinese_origin = (rng.random(n) < p.chinese_origin) & ~self.is_capital
        u = rng.random(n)
        self.location = np.where(
            u < p.in_china0, Location.CHINA, np.where(u < p.in_china0 + p.in_rival0, Location.RIVAL, Location.THIRD)
        ).astype(np.int8)
        self.initial_in_china = max(int((self.location == Location.CHINA).sum()), 1)
        self.initial_in_rival = max(int((self.location == Location.RIVAL).sum()), 1)

    def step(self, view: Perception) -> None:
        capability_ratio = view.world.capability_ratio
        premium = self.model.config.firms.salary_premium
        nationalism = view.central.securitization * view.public.adoption
        political_risk = view.central.involvement + view.firms.sanction_risk
        visa_limits = view.rival.visa_limits
        p = self.p
        movers = np.flatnonzero(self.rng.random(self.n) < p.reconsider)
        chinese = self.chinese_origin[movers]
        utility = np.empty((movers.size, 3))
        utility[:, Location.CHINA] = (
            p.beta_salary * 2.0 * capability_ratio / (1.0 + capability_ratio) * (1.0 + premium)
            + p.beta_openness * (1.0 - nationalism)
            - p.beta_risk * political_risk
            + p.home_bias * chinese
        )
        utility[:, Location.RIVAL] = p.beta_salary + p.beta_openness - p.beta_visa * visa_limits * chinese
        utility[:, Location.THIRD] = p.beta_salary * p.third_opportunity + p.beta_openness
        utility += self.rng.gumbel(size=utility.shape)
        self.location[movers] = utility.argmax(axis=1)

    def observe(self) -> dict[str, Any]:
        return {
            "foreign_share_in_china": self.foreign_share_in_china(),
            "china_factor": self.china_talent_factor(),
            "rival_factor": self.rival_talent_factor(),
        }

    def foreign_share_in_china(self) -> float:
        """Share of foreign talent and foreign capital located in China: consequence (a)."""
        foreign = ~self.chinese_origin
        return float((self.location[foreign] == Location.CHINA).mean()) if foreign.any() else 0.0

    def china_talent_factor(self) -> float:
        return float((self.location == Location.CHINA).sum()) / self.initial_in_china

    def rival_talent_factor(self) -> float:
        return float((self.location == Location.RIVAL).sum()) / self.initial_in_rival
