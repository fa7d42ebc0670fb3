"""Intellectuals: choose whether to take up security-framed AI research, and whether to keep foreign collaborators."""

from __future__ import annotations

import numpy as np

from sim.agents.audience import decide_adoption, initial_beliefs, initial_thresholds, update_beliefs
from sim.agents.population import Population, PopulationField, PopulationMember
from sim.config import IntellectualsConfig


class Intellectual(PopulationMember):
    """One scholar or policy analyst; state in :class:`Intellectuals`."""

    belief = PopulationField()
    adopted = PopulationField()
    productivity = PopulationField()
    collaborating = PopulationField()


class Intellectuals(Population):
    """Adopters write security-framed AI articles; their stock of writing makes later moves more persuasive.

    Articles per adopter per quarter ~ Poisson(productivity * salience). Persuasiveness of the centre's
    message is 1 + gain * X / (X + half), X the cumulative article count (the article, section 4:
    intellectuals make the security logic "more rigorous"). A scholar keeps a foreign collaborator
    while their affinity for it exceeds threshold + risk * (S_china + S_rival) / 2.
    """

    stream_key = 3
    member_class = Intellectual

    def __init__(self, model, n: int, p: IntellectualsConfig) -> None:
        super().__init__(model, n)
        self.p = p
        rng = self.rng
        self.belief0 = initial_beliefs(rng, n, p.audience)
        self.belief = self.belief0.copy()
        self.threshold = initial_thresholds(rng, n, p.audience)
        self.adopted = np.zeros(n, dtype=bool)
        self.productivity = rng.gamma(p.productivity_shape, p.productivity / p.productivity_shape, n)
        self.affinity = rng.random(n)
        self.collaborating = self.affinity > p.collaboration_threshold
        self.articles = 0
        self.cumulative_articles = 0
        self.create_members()

    def persuasion(self) -> float:
        x = self.cumulative_articles
        return 1.0 + self.p.persuasion_gain * x / (x + self.p.persuasion_half)

    def step(
        self, securitization: float, rival_securitization: float, measures: float, salience: float, persuasion: float, rally: float
    ) -> None:
        p = self.p
        self.belief = update_beliefs(self.belief, self.belief0, self.belief.mean(), securitization, persuasion, rally, p.audience)
        self.adopted = decide_adoption(
            self.belief,
            incentive=salience + p.funding_weight * measures,
            peer_adoption=self.adopted.mean(),
            authority=securitization,
            threshold=self.threshold,
            p=p.audience,
        )
        self.articles = int(self.rng.poisson(self.productivity * salience * self.adopted).sum())
        self.cumulative_articles += self.articles
        risk = p.collaboration_risk * (securitization + rival_securitization) / 2.0
        self.collaborating = self.affinity > p.collaboration_threshold + risk
