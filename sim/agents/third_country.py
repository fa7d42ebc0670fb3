"""Third countries: choose whose AI-governance initiatives to endorse."""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from sim.agents.population import Population, PopulationField, PopulationMember
from sim.config import ThirdConfig


class Endorsement(IntEnum):
    NONE = 0
    CHINA = 1
    RIVAL = 2


class ThirdCountry(PopulationMember):
    """One third country; state in :class:`ThirdCountries`."""

    trade = PopulationField()
    alignment = PopulationField()
    endorsement = PopulationField()


class ThirdCountries(Population):
    """Logit choice among endorsing China-led governance, the rival's, or neither.

    U_china = visibility * (b_pg * outreach * min(ratio, 1) + b_trade * trade) - b_threat * S_china - b_pressure * pressure * alignment
    U_rival = b_rival * alignment
    U_none = 0
    Countries reconsider with probability ``reconsider`` a quarter, and all within a governance
    initiative's reach. Those endorsing the rival restrict Chinese firms in proportion to their state ties.
    """

    stream_key = 6
    member_class = ThirdCountry

    def __init__(self, model, n: int, p: ThirdConfig) -> None:
        super().__init__(model, n)
        self.p = p
        rng = self.rng
        k = p.concentration
        self.trade = rng.beta(p.trade_mean * k, (1 - p.trade_mean) * k, n)
        self.alignment = rng.beta(p.alignment_mean * k, (1 - p.alignment_mean) * k, n)
        self.endorsement = np.zeros(n, dtype=np.int8)
        self.visibility = p.visibility0
        self.reach = 0.0
        self.create_members()

    def launch_initiative(self, reach: float) -> None:
        """China launches a governance initiative: more countries weigh it now, and it stays visible."""
        self.reach = max(self.reach, reach)
        self.visibility = min(1.0, self.visibility + reach)

    def step(self, outreach: float, capability_ratio: float, securitization: float, pressure: float) -> None:
        p = self.p
        chance = max(p.reconsider, self.reach)
        self.reach = 0.0
        deciding = np.flatnonzero(self.rng.random(self.n) < chance)
        utility = np.zeros((deciding.size, 3))
        utility[:, Endorsement.CHINA] = (
            self.visibility * (p.beta_public_goods * outreach * min(capability_ratio, 1.0) + p.beta_trade * self.trade[deciding])
            - p.beta_threat * securitization
            - p.beta_pressure * pressure * self.alignment[deciding]
        )
        utility[:, Endorsement.RIVAL] = p.beta_rival * self.alignment[deciding]
        utility += self.rng.gumbel(size=utility.shape)
        self.endorsement[deciding] = utility.argmax(axis=1)

    def china_share(self) -> float:
        return float((self.endorsement == Endorsement.CHINA).mean())

    def restriction_share(self) -> float:
        return self.p.restriction * float((self.endorsement == Endorsement.RIVAL).mean())
