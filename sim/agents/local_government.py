"""Local governments (provinces): the principal audience."""

from __future__ import annotations

import numpy as np

from sim.agents.audience import decide_adoption, initial_beliefs, initial_thresholds, update_beliefs
from sim.agents.population import Population, PopulationField, PopulationMember
from sim.config import LocalConfig


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


class Provinces(Population):
    """Provinces issue AI policies and decide whether to echo the centre's campaign.

    Policy issuance is a Bass-type hazard (Bass 1969): an economic pull (regional gain from AI),
    the centre's push (a decaying policy-window signal, amplified by career incentives to follow a
    securitized centre, Kung & Chen 2011), central funding to claim, and imitation of provinces that
    issued recently (regional competition). A policy's security framing is the province's best
    compromise between pleasing the centre and reassuring investors: it minimizes
    career * (f - S_c)^2 + econ_stake * f^2, so f = career * S_c / (career + econ_stake).
    """

    stream_key = 1
    member_class = LocalGovernment

    def __init__(self, model, n: int, p: LocalConfig) -> None:
        super().__init__(model, n)
        self.p = p
        rng = self.rng
        self.capacity = rng.lognormal(0.0, p.capacity_sigma, n)
        self.capacity /= self.capacity.mean()
        self.career = rng.exponential(p.career_mean, n)
        self.econ_stake = rng.lognormal(np.log(p.econ_stake_mean), p.econ_stake_sigma, n)
        self.belief0 = initial_beliefs(rng, n, p.audience)
        self.belief = self.belief0.copy()
        self.threshold = initial_thresholds(rng, n, p.audience)
        self.adopted = np.zeros(n, dtype=bool)
        self.policies = np.zeros(n, dtype=np.int64)
        self.last_policy = np.full(n, -1_000, dtype=np.int64)
        self.framing = np.zeros(n)
        self.subsidy = np.zeros(n)
        self.window_signal = 0.0
        self.create_members()

    def open_policy_window(self) -> None:
        self.window_signal = 1.0

    def issue_policies(self, step: int, securitization: float, funding: float, salience: float) -> None:
        p = self.p
        recent = np.mean(step - self.last_policy <= p.imitation_window)
        rate = (
            p.p_econ * self.capacity * salience
            + p.p_central * self.window_signal * (1.0 + self.career * securitization)
            + p.funding_pull * funding
            + p.q_peer * recent
        )
        issued = self.rng.random(self.n) < 1.0 - np.exp(-rate)
        self.policies += issued
        self.last_policy[issued] = step
        self.framing[issued] = (self.career * securitization / (self.career + self.econ_stake))[issued]
        self.subsidy = p.subsidy_per_policy * self.capacity * np.log1p(self.policies)
        self.window_signal *= np.exp(-1.0 / p.window_memory)

    def step(self, step: int, securitization: float, persuasion: float, rally: float, funding: float, salience: float) -> None:
        a = self.p.audience
        self.belief = update_beliefs(self.belief, self.belief0, self.belief.mean(), securitization, persuasion, rally, a)
        self.issue_policies(step, securitization, funding, salience)
        has_policy = self.policies > 0
        self.adopted = decide_adoption(
            self.belief,
            incentive=salience * self.capacity * has_policy,
            peer_adoption=self.adopted.mean(),
            authority=self.career * securitization,
            threshold=self.threshold,
            p=a,
        )

    @property
    def total_subsidy(self) -> float:
        return float(self.subsidy.sum())
