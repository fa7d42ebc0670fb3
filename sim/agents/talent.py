"""Mobile global AI talent: heterogeneous researchers and engineers choose where to work."""

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


TASTES = ("salary", "lab", "openness", "risk", "visa", "investigation")


def opportunity(capability_ratio: float) -> float:
    """China's AI opportunity relative to the rival's, 2 r / (1 + r): 1 at parity, at most 2."""
    return 2.0 * capability_ratio / (1.0 + capability_ratio)


class TalentUnit(PopulationMember):
    """One unit of mobile AI talent; its state lives in :class:`MobileTalent`."""

    location = PopulationField()
    chinese_origin = PopulationField()
    senior = PopulationField()


class MobileTalent(Population):
    """Mixed-logit location choice of heterogeneous talent (gravity/utility models of scientists' mobility, OECD 2015).

    Units differ by origin (Chinese / foreign), career stage (junior / senior) and their own taste weights
    w_k = mean_k(stage) x lognormal(0, taste_sigma), drawn once (random taste heterogeneity: mixed logit).
    A share ``reconsider`` chooses each quarter; every move costs ``moving_cost`` (Gumbel noise):

    U_china = w_sal opp (1 + wage premium) + w_lab opp efficiency + w_open (cooperation - climate x public adoption)
              - w_risk (involvement + sanction risk) + home_bias x chinese,            opp = 2 r / (1 + r)
    U_rival = w_sal + w_lab + w_open - chinese x (w_visa visa_limits + w_inv investigations)
    U_third = (w_sal + w_lab) third_opportunity + w_open

    The wage premium is the firms' offer (``firms.salary_premium`` plus what the state's AI money funds).
    Securitization pulls both ways: funding raises China's pay and capability (labs) and the rival's push
    (visas, research-security investigations: Proclamation 10043, the China Initiative) drives Chinese-origin
    talent out of the rival, while the closing of scholarly ties, the nationalist climate the article names
    (section 6) and political risk push talent away from China.
    """

    member_class = TalentUnit

    def __init__(self, model, p: TalentConfig, stream: int, n: int) -> None:
        super().__init__(model, p, stream, n)
        rng = self.rng
        self.chinese_origin = rng.random(n) < p.chinese_origin
        self.senior = rng.random(n) < p.senior_share
        means = np.array([[getattr(stage, k) for k in TASTES] for stage in (p.junior, p.senior)])
        self.tastes = means[self.senior.astype(int)] * rng.lognormal(0.0, p.taste_sigma, (n, len(TASTES)))
        in_china = np.where(self.chinese_origin, p.start.chinese.in_china, p.start.foreign.in_china)
        in_rival = np.where(self.chinese_origin, p.start.chinese.in_rival, p.start.foreign.in_rival)
        u = rng.random(n)
        elsewhere = np.where(u < in_china + in_rival, Location.RIVAL, Location.THIRD)
        self.location = np.where(u < in_china, Location.CHINA, elsewhere).astype(np.int8)
        self.initial_in_china = max(int((self.location == Location.CHINA).sum()), 1)
        self.initial_in_rival = max(int((self.location == Location.RIVAL).sum()), 1)
        self.inflow = 0.0
        self.returnees = 0.0

    def utilities(self, view: Perception, units: np.ndarray) -> np.ndarray:
        """Systematic utility of China, the rival and third countries for ``units`` (rows), without noise or moving cost."""
        p = self.p
        opp = opportunity(view.world.capability_ratio)
        salary = opp * (1.0 + view.firms.wage_premium)
        lab = opp * view.firms.efficiency
        openness = view.intellectuals.cooperation - p.climate * view.public.adoption
        risk = view.central.involvement + view.firms.sanction_risk
        push = np.array([view.rival.visa_limits, view.rival.investigations])
        w = self.tastes[units]
        chinese = self.chinese_origin[units]
        utility = np.empty((units.size, 3))
        utility[:, Location.CHINA] = w[:, :4] @ np.array([salary, lab, openness, -risk]) + p.home_bias * chinese
        utility[:, Location.RIVAL] = w[:, 0] + w[:, 1] + w[:, 2] - chinese * (w[:, 4:] @ push)
        utility[:, Location.THIRD] = (w[:, 0] + w[:, 1]) * p.third_opportunity + w[:, 2]
        return utility

    def step(self, view: Perception) -> None:
        movers = np.flatnonzero(self.rng.random(self.n) < self.p.reconsider)
        utility = self.utilities(view, movers)
        here = self.location[movers]
        utility -= self.p.moving_cost
        utility[np.arange(movers.size), here] += self.p.moving_cost
        utility += self.rng.gumbel(size=utility.shape)
        abroad = self.location != Location.CHINA
        chinese_abroad = abroad & self.chinese_origin
        self.location[movers] = utility.argmax(axis=1)
        arrived = abroad & (self.location == Location.CHINA)
        self.inflow = float(arrived.sum()) / max(int(abroad.sum()), 1)
        self.returnees = float((arrived & self.chinese_origin).sum()) / max(int(chinese_abroad.sum()), 1)

    def observe(self) -> dict[str, Any]:
        return {
            "inflow": self.inflow,
            "returnees": self.returnees,
            "foreign_in_china": self.foreign_in_china(),
            "china_factor": self.china_talent_factor(),
            "rival_factor": self.rival_talent_factor(),
        }

    def foreign_in_china(self) -> float:
        """Share of foreign-origin talent located in China."""
        foreign = ~self.chinese_origin
        return float((self.location[foreign] == Location.CHINA).mean()) if foreign.any() else 0.0

    def chinese_in_rival(self) -> float:
        """Share of Chinese-origin talent located in the rival (compared with Chinese students in the US, IIE Open Doors)."""
        return float((self.location[self.chinese_origin] == Location.RIVAL).mean()) if self.chinese_origin.any() else 0.0

    def china_talent_factor(self) -> float:
        """Talent located in China relative to the start (drives Chinese firms' growth)."""
        return float((self.location == Location.CHINA).sum()) / self.initial_in_china

    def rival_talent_factor(self) -> float:
        """Talent located in the rival relative to the start (drives the rival's capability)."""
        return float((self.location == Location.RIVAL).sum()) / self.initial_in_rival
