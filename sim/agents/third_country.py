"""Third countries: choose whose AI-governance initiatives to endorse."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np

from sim.agents.population import Population, PopulationField, PopulationMember
from sim.config import ThirdConfig
from sim.perception import Perception
from sim.timeline import Event


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

    member_class = ThirdCountry

    def __init__(self, model, p: ThirdConfig, stream: int, n: int) -> None:
        super().__init__(model, p, stream, n)
        rng = self.rng
        k = p.concentration
        self.trade = rng.beta(p.trade_mean * k, (1 - p.trade_mean) * k, n)
        self.alignment = rng.beta(p.alignment_mean * k, (1 - p.alignment_mean) * k, n)
        self.endorsement = np.zeros(n, dtype=np.int8)
        self.visibility = p.visibility0
        self.reach = 0.0

    def on_event(self, event: Event) -> None:
        if event.kind == "governance_initiative":
            self.launch_initiative(event.params["reach"])

    def launch_initiative(self, reach: float) -> None:
        """China launches a governance initiative: more countries weigh it now, and it stays visible."""
        self.reach = max(self.reach, reach)
        self.visibility = min(1.0, self.visibility + reach)

    def step(self, view: Perception) -> None:
        outreach, capability_ratio = view.central.outreach, view.world.capability_ratio
        securitization, pressure = view.central.securitization, view.rival.pressure
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

    def observe(self) -> dict[str, Any]:
        return {"china_share": self.china_share(), "restriction": self.restriction_share()}

    def china_share(self) -> float:
        return float((self.endorsement == Endorsement.CHINA).mean())

    def restriction_share(self) -> float:
        return self.p.restriction * float((self.endorsement == Endorsement.RIVAL).mean())
