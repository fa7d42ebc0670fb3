"""Mobile global AI talent: heterogeneous researchers and engineers choose where to work."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np

from sim.agents.population import Population, PopulationField, PopulationMember
from sim.batch import Streams, at_least, batched, by_category, mean_within, per_run, total
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


def location_utilities(
    offer: np.ndarray, push: np.ndarray, w: np.ndarray, chinese: np.ndarray, home_bias: float, third_opportunity: float
) -> np.ndarray:
    """One run's systematic utility of China, the rival and third countries for units with tastes ``w`` (rows) and
    origin ``chinese``, given what China offers each of the first four tastes and the rival's push (see
    :meth:`MobileTalent.offers`), with the run's own ``home_bias`` and ``third_opportunity`` (a batch's runs may
    differ in them)."""
    utility = np.empty((w.shape[0], 3))
    utility[:, Location.CHINA] = w[:, :4] @ offer + home_bias * chinese
    utility[:, Location.RIVAL] = w[:, 0] + w[:, 1] + w[:, 2] - chinese * (w[:, 4:] @ push)
    utility[:, Location.THIRD] = (w[:, 0] + w[:, 1]) * third_opportunity + w[:, 2]
    return utility


def per_run_row(runs: tuple[int, ...], *values: Any) -> np.ndarray:
    """Per-run values side by side: a (k,) array for one run (``runs`` ()), (R, k) for a batch (``runs`` (R,)), a
    value all runs share given once."""
    return np.stack([np.broadcast_to(np.reshape(v, np.shape(v)[:-1]) if np.ndim(v) else v, runs) for v in values], axis=-1)


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
        stage = self.senior.astype(int)  # each unit's mean tastes are its career stage's (each run's own where they differ)
        means = np.stack([by_category([getattr(p.junior, k), getattr(p.senior, k)], stage) for k in TASTES], axis=-1)
        self.tastes = means * rng.lognormal(0.0, p.taste_sigma, (n, len(TASTES)))
        in_china = np.where(self.chinese_origin, p.start.chinese.in_china, p.start.foreign.in_china)
        in_rival = np.where(self.chinese_origin, p.start.chinese.in_rival, p.start.foreign.in_rival)
        u = rng.random(n)
        elsewhere = np.where(u < in_china + in_rival, Location.RIVAL, Location.THIRD)
        self.location = np.where(u < in_china, Location.CHINA, elsewhere).astype(np.int8)
        self.initial_in_china = at_least(total(self.location == Location.CHINA), 1)
        self.initial_in_rival = at_least(total(self.location == Location.RIVAL), 1)
        self.inflow = 0.0
        self.returnees = 0.0

    def offers(self, view: Perception) -> tuple[np.ndarray, np.ndarray]:
        """What China offers the salary, lab, openness and risk tastes, and the rival's push on Chinese-origin talent
        (visa limits, investigations): (4,) and (2,) for one run, (R, 4) and (R, 2) for a batch."""
        p = self.p
        opp = opportunity(view.world.capability_ratio)
        salary = opp * (1.0 + view.firms.wage_premium)
        lab = opp * view.firms.efficiency
        openness = view.intellectuals.cooperation - p.climate * view.public.adoption
        risk = view.central.involvement + view.firms.sanction_risk
        runs = self.location.shape[:-1]
        return per_run_row(runs, salary, lab, openness, -risk), per_run_row(runs, view.rival.visa_limits, view.rival.investigations)

    def choice_terms(self) -> Any:
        """The home bias, third countries' opportunity and moving cost :meth:`choose` weighs: one run's floats, a
        batch's (R, 3) (a row per run, for :func:`sim.batch.per_run`; its runs may differ in them)."""
        p = self.p
        terms = (p.home_bias, p.third_opportunity, p.moving_cost)
        return per_run_row(self.location.shape[:-1], *terms) if batched(self.location) else terms

    def choose(
        self,
        location: np.ndarray,
        moving: np.ndarray,
        tastes: np.ndarray,
        chinese: np.ndarray,
        offer: np.ndarray,
        push: np.ndarray,
        rng: np.random.Generator,
        terms: Any,
    ) -> np.ndarray:
        """One run's locations after its ``moving`` units choose (their Gumbel noise from the run's own generator:
        the number of movers differs between the runs of a batch), with the run's ``terms``: its home bias, third
        countries' opportunity and moving cost (:meth:`choice_terms`)."""
        home_bias, third_opportunity, moving_cost = terms
        movers = np.flatnonzero(moving)
        utility = location_utilities(offer, push, tastes[movers], chinese[movers], home_bias, third_opportunity)
        here = location[movers]
        utility -= moving_cost
        utility[np.arange(movers.size), here] += moving_cost
        utility += rng.gumbel(size=utility.shape)
        chosen = location.copy()
        chosen[movers] = utility.argmax(axis=1)
        return chosen

    def step(self, view: Perception) -> None:
        rng = self.rng
        moving = rng.random(self.n) < self.p.reconsider
        offer, push = self.offers(view)
        abroad = self.location != Location.CHINA
        chinese_abroad = abroad & self.chinese_origin
        generators = rng.generators if isinstance(rng, Streams) else rng
        terms = self.choice_terms()
        self.location = per_run(self.choose, self.location, moving, self.tastes, self.chinese_origin, offer, push, generators, terms)
        arrived = abroad & (self.location == Location.CHINA)
        self.inflow = total(arrived) / at_least(total(abroad), 1)
        self.returnees = total(arrived & self.chinese_origin) / at_least(total(chinese_abroad), 1)

    def observe(self) -> dict[str, Any]:
        return {
            "inflow": self.inflow,
            "returnees": self.returnees,
            "foreign_in_china": self.foreign_in_china(),
            "china_factor": self.china_talent_factor(),
            "rival_factor": self.rival_talent_factor(),
        }

    def foreign_in_china(self) -> Any:
        """Share of foreign-origin talent located in China."""
        return mean_within(self.location == Location.CHINA, ~self.chinese_origin)

    def chinese_in_rival(self) -> Any:
        """Share of Chinese-origin talent located in the rival (compared with Chinese students in the US, IIE Open Doors)."""
        return mean_within(self.location == Location.RIVAL, self.chinese_origin)

    def china_talent_factor(self) -> Any:
        """Talent located in China relative to the start (drives Chinese firms' growth)."""
        return total(self.location == Location.CHINA) / self.initial_in_china

    def rival_talent_factor(self) -> Any:
        """Talent located in the rival relative to the start (drives the rival's capability)."""
        return total(self.location == Location.RIVAL) / self.initial_in_rival
