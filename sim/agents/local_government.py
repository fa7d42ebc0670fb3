"""Local governments (provinces): the principal audience."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.agents.audience import decide_adoption, initial_beliefs, initial_thresholds, update_beliefs
from sim.agents.population import Population, PopulationField, PopulationMember
from sim.batch import mean, total
from sim.config import LocalConfig
from sim.perception import Perception
from sim.timeline import Event


class LocalGovernment(PopulationMember):
    """One province; its state lives in :class:`Provinces`."""

    capacity = PopulationField()
    career = PopulationField()
    econ_stake = PopulationField()
    belief = PopulationField()
    adopted = PopulationField()
    policies = PopulationField()
    framing = PopulationField()
    subsidy = PopulationField()
    security_stake = PopulationField()


class Provinces(Population):
    """Provinces issue AI policies and decide whether to echo the centre's campaign.

    Policy issuance is a Bass-type hazard (Bass 1969): an economic pull (regional gain from AI),
    the centre's push (a decaying policy-window signal, amplified by career incentives to follow a
    securitized centre, Kung & Chen 2011), central funding to claim, and imitation of provinces that
    issued recently (regional competition). A policy's security framing is the province's best
    compromise between pleasing the centre and reassuring investors: it minimizes
    career * (f - S_c)^2 + econ_stake * f^2, so f = career * S_c / (career + econ_stake).
    A province's reason to echo the campaign is its AI economy: its capacity times salience once it
    has a policy, plus the industry's growth (``revenue_weight``), so a shrinking industry (sanctions,
    export controls) costs provinces their reason to echo.

    The risk-governance part of the campaign (the centre's risk push: securitization x risk share) is a market to a
    province that hosts cyber-security firms and a compliance cost to one that must police many AI firms: its reason
    to echo gains push * (security_market * stake_i * D - compliance_cost * capacity_i), D the firms' security share of
    AI/IT spending (the security market's size, from the firms' decisions) and stake_i the province's share of the
    security industry relative to the average province's. Whether the risk framing wins or loses provinces is a result
    of the two and of where the firms' spending goes.
    """

    member_class = LocalGovernment

    def __init__(self, model, p: LocalConfig, stream: int, n: int) -> None:
        super().__init__(model, p, stream, n)
        rng = self.rng
        self.capacity = rng.lognormal(0.0, p.capacity_sigma, n)
        self.capacity /= mean(self.capacity)
        shape = self.capacity.shape  # (n,), or (runs, n) for a batch (sim.batch)
        self.career = rng.exponential(p.career_mean, n)
        self.econ_stake = rng.lognormal(np.log(p.econ_stake_mean), p.econ_stake_sigma, n)
        self.belief0 = initial_beliefs(rng, n, p.audience)
        self.belief = self.belief0.copy()
        self.threshold = initial_thresholds(rng, n, p.audience)
        self.adopted = np.zeros(shape, dtype=bool)
        self.policies = np.zeros(shape, dtype=np.int64)
        self.last_policy = np.full(shape, -1_000, dtype=np.int64)
        self.framing = np.zeros(shape)
        self.subsidy = np.zeros(shape)
        self.window_signal = 0.0
        self.security_stake = rng.lognormal(0.0, p.security_stake_sigma, n)
        self.security_stake /= mean(self.security_stake)

    def on_event(self, event: Event) -> None:
        if event.kind == "policy_window":
            self.open_policy_window()

    def open_policy_window(self) -> None:
        self.window_signal = 1.0

    def issue_policies(self, step: int, securitization: float, funding: float, salience: float) -> None:
        p = self.p
        recent = mean(step - self.last_policy <= p.imitation_window)
        rate = (
            p.p_econ * self.capacity * salience
            + p.p_central * self.window_signal * (1.0 + self.career * securitization)
            + p.funding_pull * funding
            + p.q_peer * recent
        )
        issued = self.rng.random(self.n) < 1.0 - np.exp(-rate)
        self.policies += issued
        self.last_policy[issued] = step  # the quarter: the same for every run of a batch
        self.framing[issued] = (self.career * securitization / (self.career + self.econ_stake))[issued]
        self.subsidy = p.subsidy_per_policy * self.capacity * np.log1p(self.policies)
        self.window_signal *= np.exp(-1.0 / p.window_memory)

    def risk_reason(self, risk_push: float, security_share: float) -> np.ndarray:
        """Each province's reason to echo the campaign's risk-governance part: market minus compliance [utility]."""
        p = self.p
        return risk_push * (p.security_market * self.security_stake * security_share - p.compliance_cost * self.capacity)

    def step(self, view: Perception) -> None:
        a = self.p.audience
        w, securitization = view.world, view.central.securitization
        self.belief = update_beliefs(
            self.belief, self.belief0, mean(self.belief), securitization, view.intellectuals.persuasion, w.rally, a
        )
        self.issue_policies(w.step, securitization, view.central.funding, w.salience)
        has_policy = self.policies > 0
        self.adopted = decide_adoption(
            self.belief,
            incentive=self.capacity * has_policy * (w.salience + self.p.revenue_weight * w.ai_economy_growth)
            + self.risk_reason(securitization * view.central.risk_share, view.firms.security_share),
            peer_adoption=mean(self.adopted),
            authority=self.career * securitization,
            threshold=self.threshold,
            p=a,
            adopted=self.adopted,
            rng=self.rng,
        )

    def observe(self) -> dict[str, Any]:
        scale = self.model.represents("local")
        return {
            "adoption": mean(self.adopted),
            "subsidy": total(self.subsidy) * scale,
            "policies": total(self.policies) * scale,
            "with_policy": total(self.policies > 0) * scale,
            "framing": mean(self.framing),
        }
