"""Intellectuals: choose whether to take up security-framed AI research, and whether to keep foreign collaborators."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.agents.audience import decide_adoption, initial_beliefs, initial_thresholds, update_beliefs
from sim.agents.population import Population, PopulationField, PopulationMember
from sim.config import IntellectualsConfig
from sim.perception import Perception


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
    intellectuals make the security logic "more rigorous"); X counts real articles (the sample's
    output scaled to the ``represents`` scholars it stands for). A scholar keeps a foreign collaborator
    while their affinity for it exceeds threshold + risk * (S_china + S_rival) / 2.
    """

    member_class = Intellectual

    def __init__(self, model, p: IntellectualsConfig, stream: int, n: int) -> None:
        super().__init__(model, p, stream, n)
        self.scale = model.represents("intellectuals")
        rng = self.rng
        self.belief0 = initial_beliefs(rng, n, p.audience)
        self.belief = self.belief0.copy()
        self.threshold = initial_thresholds(rng, n, p.audience)
        self.adopted = np.zeros(n, dtype=bool)
        self.productivity = rng.gamma(p.productivity_shape, p.productivity / p.productivity_shape, n)
        self.affinity = rng.random(n)
        self.collaborating = self.affinity > p.collaboration_threshold
        self.articles = 0.0
        self.cumulative_articles = 0.0

    def persuasion(self) -> float:
        x = self.cumulative_articles
        return 1.0 + self.p.persuasion_gain * x / (x + self.p.persuasion_half)

    def step(self, view: Perception) -> None:
        p, w = self.p, view.world
        securitization = view.central.securitization
        self.belief = update_beliefs(self.belief, self.belief0, self.belief.mean(), securitization, self.persuasion(), w.rally, p.audience)
        self.adopted = decide_adoption(
            self.belief,
            incentive=w.salience + p.funding_weight * view.central.measures,
            peer_adoption=self.adopted.mean(),
            authority=securitization,
            threshold=self.threshold,
            p=p.audience,
            adopted=self.adopted,
        )
        self.articles = float(self.rng.poisson(self.productivity * w.salience * self.adopted).sum()) * self.scale
        self.cumulative_articles += self.articles
        risk = p.collaboration_risk * (securitization + view.rival.securitization) / 2.0
        self.collaborating = self.affinity > p.collaboration_threshold + risk

    def observe(self) -> dict[str, Any]:
        return {
            "adoption": float(self.adopted.mean()),
            "persuasion": self.persuasion(),
            "articles": self.articles,
            "cooperation": float(self.collaborating.mean()),
        }
