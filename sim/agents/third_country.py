"""Third countries: decide whether to back China's AI-governance initiatives and whether to back the rival's."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np

from sim.agents.population import Population, PopulationField, PopulationMember
from sim.batch import at_least, at_most, mean, share
from sim.config import ThirdConfig
from sim.perception import Perception
from sim.timeline import Event


class Endorsement(IntEnum):
    """Whose initiatives a country backs, as bits: China's (1), the rival's (2), both (3)."""

    NONE = 0
    CHINA = 1
    RIVAL = 2
    BOTH = 3


def logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class ThirdCountry(PopulationMember):
    """One third country; state in :class:`ThirdCountries`."""

    trade = PopulationField()
    alignment = PopulationField()
    threat = PopulationField()
    endorsement = PopulationField()


class ThirdCountries(Population):
    """Each country backs China's initiatives or not, and the rival's or not (non-exclusive by default).

    To lead global AI governance China must "provide public goods and win support from other countries",
    which a security-focused, inward-looking discourse makes harder (the article, section 6). Countries weigh
    market access, capacity building, alignment with the rival and the threat they perceive:

        U_china_i = visibility * (b_pg * O / (O + capacity_half) + b_trade * trade_i * min(rho, 1))
                    - b_threat * threat_i - b_pressure * pressure * alignment_i
        U_rival_i = (b_rival + b_pressure * pressure) * alignment_i
        threat_i += threat_speed * (S_china * (1 + framing * alignment_i * S_rival) - threat_i)

    O is China's outreach spending (the centre's choice), rho the capability ratio, pressure the rival's.
    The perceived threat builds up and decays; aligned countries hear the rival's framing of China more.
    Non-exclusive: two binary logits, P(back) = 1 / (1 + exp(-U)), each reconsidered with probability
    ``reconsider`` a quarter (China's with max(reconsider, reach) after one of its initiatives): at the UN
    in 2024 China co-sponsored the US-led resolution (A/RES/78/265) and the US China's (A/RES/78/311).
    ``exclusive``: the first version's single choice among China / rival / neither (U_none = 0), same utilities.
    """

    member_class = ThirdCountry

    def __init__(self, model, p: ThirdConfig, stream: int, n: int) -> None:
        super().__init__(model, p, stream, n)
        rng = self.rng
        k = p.concentration
        self.trade = rng.beta(p.trade_mean * k, (1 - p.trade_mean) * k, n)
        self.alignment = rng.beta(p.alignment_mean * k, (1 - p.alignment_mean) * k, n)
        shape = self.trade.shape  # (n,), or (runs, n) for a batch (sim.batch)
        self.threat = np.zeros(shape)
        self.endorsement = np.zeros(shape, dtype=np.int8)
        self.visibility = p.visibility0
        self.reach = 0.0

    def on_event(self, event: Event) -> None:
        if event.kind == "governance_initiative":
            self.launch_initiative(event.params["reach"])

    def launch_initiative(self, reach: float) -> None:
        """China launches a governance initiative: more countries weigh it now, and it stays visible."""
        self.reach = max(self.reach, reach)
        self.visibility = at_most(self.visibility + reach, 1.0)

    def perceive_threat(self, securitization: float, rival_securitization: float) -> None:
        """Exponential smoothing of China's securitizing discourse, amplified by the rival's framing where the country listens to it."""
        signal = securitization * (1.0 + self.p.framing * self.alignment * rival_securitization)
        self.threat += self.p.threat_speed * (signal - self.threat)

    def utility_china(self, outreach: float, capability_ratio: float, pressure: float) -> np.ndarray:
        p = self.p
        spent = np.where(outreach > 0, outreach, 1.0)  # per run in a batch; 1.0 only guards the unused branch
        capacity = np.where(outreach > 0, spent / (spent + p.capacity_half), 0.0)
        attraction = p.beta_public_goods * capacity + p.beta_trade * self.trade * np.minimum(capability_ratio, 1.0)
        return self.visibility * attraction - p.beta_threat * self.threat - p.beta_pressure * pressure * self.alignment

    def utility_rival(self, pressure: float) -> np.ndarray:
        return (self.p.beta_rival + self.p.beta_pressure * pressure) * self.alignment

    def step(self, view: Perception) -> None:
        p, rng = self.p, self.rng
        # a risk-governance framing reads as ``risk_discount`` less threatening than a race framing (negative: more)
        framed = view.central.securitization * (1.0 - self.p.risk_discount * view.central.risk_share)
        self.perceive_threat(framed, view.rival.securitization)
        u_china = self.utility_china(view.central.outreach, view.world.capability_ratio, view.rival.pressure)
        u_rival = self.utility_rival(view.rival.pressure)
        china_chance = at_least(p.reconsider, self.reach)  # per run if the runs of a batch differ in it
        self.reach = 0.0
        if p.exclusive:
            deciding = rng.random(self.n) < china_chance
            utility = np.stack([np.zeros_like(u_china), u_china, u_rival], axis=-1) + rng.gumbel(size=(self.n, 3))
            choice = np.array([Endorsement.NONE, Endorsement.CHINA, Endorsement.RIVAL], dtype=np.int8)[utility.argmax(axis=-1)]
            self.endorsement = np.where(deciding, choice, self.endorsement).astype(np.int8)
            return
        china, rival = self.backs_china, self.backs_rival
        redo_china = rng.random(self.n) < china_chance
        redo_rival = rng.random(self.n) < p.reconsider
        china = np.where(redo_china, rng.random(self.n) < logistic(u_china), china)
        rival = np.where(redo_rival, rng.random(self.n) < logistic(u_rival), rival)
        self.endorsement = (china * Endorsement.CHINA + rival * Endorsement.RIVAL).astype(np.int8)

    @property
    def backs_china(self) -> np.ndarray:
        return (self.endorsement & Endorsement.CHINA).astype(bool)

    @property
    def backs_rival(self) -> np.ndarray:
        return (self.endorsement & Endorsement.RIVAL).astype(bool)

    def observe(self) -> dict[str, Any]:
        return {"china_share": self.china_share(), "rival_share": self.rival_share(), "restriction": self.restriction_share()}

    def china_share(self) -> float:
        """Share backing China's initiatives (some of them also back the rival's): consequence (c)."""
        return share(self.backs_china)

    def rival_share(self) -> float:
        return share(self.backs_rival)

    def both_share(self) -> float:
        return share(self.endorsement == Endorsement.BOTH)

    def restriction_share(self) -> float:
        """Market share closed to state-tied Chinese firms: countries backing only the rival restrict fully,
        those backing both hedge and restrict ``restriction_both`` as much."""
        rival_only = share(self.endorsement == Endorsement.RIVAL)
        return self.p.restriction * (rival_only + self.p.restriction_both * self.both_share())

    @property
    def mean_threat(self) -> float:
        return mean(self.threat)
