"""Foreign capital: investors allocate AI portfolios to China or elsewhere on returns and risk."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.agents.population import Population, PopulationField, PopulationMember
from sim.agents.talent import opportunity
from sim.batch import Streams, at_least, each, for_agents, mean, total
from sim.config import CapitalConfig
from sim.perception import Perception


class CapitalUnit(PopulationMember):
    """One unit of foreign AI investment (a VC or fund position); its state lives in :class:`ForeignCapital`."""

    in_china = PopulationField()
    rival_domiciled = PopulationField()


class ForeignCapital(Population):
    """Binary logit allocation of foreign AI capital, China vs elsewhere, on expected return and risk.

    Investors are not moved by China's nationalist climate; they react to what securitization does to
    returns and to sanction risk. Each unit has its own weights w_ret, w_risk = mean x lognormal(0, taste_sigma)
    and is domiciled in the rival or not; a share ``reconsider`` re-allocates each quarter, paying
    ``switching_cost`` to move (Gumbel noise):

    U_china = w_ret opp access (1 + growth_weight g) - w_risk sanction_risk - outbound_weight x outbound x rival_domiciled
    U_else  = w_ret (1 + growth_weight elsewhere_growth)

    opp = 2 r / (1 + r) (China's capability relative to the rival), access = the industry's market and
    input access (export controls and listings cut it), g = expected annual growth of China's AI economy
    (smoothed), outbound = the rival's outbound-investment restriction (EO 14105, 2023) on its own investors.
    """

    member_class = CapitalUnit

    def __init__(self, model, p: CapitalConfig, stream: int, n: int) -> None:
        super().__init__(model, p, stream, n)
        rng = self.rng
        self.in_china = rng.random(n) < p.in_china0
        self.rival_domiciled = rng.random(n) < p.rival_domiciled
        self.w_return = p.return_weight * rng.lognormal(0.0, p.taste_sigma, n)
        self.w_risk = p.risk_weight * rng.lognormal(0.0, p.taste_sigma, n)
        self.initial_in_china = at_least(total(self.in_china), 1.0)
        self.expected_growth = p.elsewhere_growth
        self.inflow = 0.0

    def advantage(self, view: Perception, units: np.ndarray) -> np.ndarray:
        """U_china - U_else for ``units`` (indices or a mask), without noise or switching cost."""
        p = self.p

        def at(value: Any) -> Any:  # a per-run value ((R, 1) in a batch) for each of the units
            return np.broadcast_to(value, self.w_return.shape)[units]

        china = opportunity(view.world.capability_ratio) * view.firms.access * (1.0 + p.growth_weight * self.expected_growth)
        elsewhere = 1.0 + p.growth_weight * p.elsewhere_growth
        return (
            self.w_return[units] * at(china - elsewhere)
            - self.w_risk[units] * at(view.firms.sanction_risk)
            - at(p.outbound_weight * view.rival.outbound) * self.rival_domiciled[units]
        )

    def step(self, view: Perception) -> None:
        p = self.p
        annual = each(lambda g: (1.0 + g) ** 4 - 1.0, view.world.ai_economy_growth)
        # not in place: it starts as the configured elsewhere_growth, a batch's (R, 1) array when the runs differ in it
        self.expected_growth = self.expected_growth + (1.0 - p.memory) * (annual - self.expected_growth)
        movers = self.rng.random(self.n) < p.reconsider  # a mask: in a batch, the runs' movers in run order
        gain = self.advantage(view, movers)
        cost = for_agents(p.switching_cost, movers)
        gain += np.where(self.in_china[movers], cost, -cost)
        rng = self.rng
        if isinstance(rng, Streams):  # each run draws for its own movers, as many as it has
            draws = [g.gumbel(size=(2, k)) for g, k in zip(rng.generators, np.count_nonzero(movers, axis=-1), strict=True)]
            noise = np.concatenate(draws, axis=1)
        else:
            noise = rng.gumbel(size=(2, np.count_nonzero(movers)))
        elsewhere = ~self.in_china
        self.in_china[movers] = gain + noise[0] > noise[1]
        self.inflow = total(elsewhere & self.in_china) / at_least(total(elsewhere), 1.0)

    @property
    def china_share(self) -> float:
        """Share of foreign AI capital placed in China."""
        return mean(self.in_china)

    def observe(self) -> dict[str, Any]:
        return {
            "china_share": self.china_share,
            "inflow": self.inflow,
            "china_factor": total(self.in_china) / self.initial_in_china,
            "expected_growth": self.expected_growth,
        }
