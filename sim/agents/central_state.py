"""The central state: the securitizing actor."""

from __future__ import annotations

import math

from mesa import Agent

from sim.config import CentralConfig, Strategy


class CentralState(Agent):
    """Frames AI as a security matter (speech acts) and, where audiences accept, takes extraordinary measures.

    Threat perception gathers the facilitating conditions of the article (section 3): historical
    anxiety about falling behind, the rival's moves and sanctions, regime-security concerns (public
    discontent) and the gap to its own targets. The strategy turns perception into a desired
    securitization; speech acts close part of the gap each quarter, much more in a policy window
    (a plan document).
    """

    def __init__(self, model, p: CentralConfig) -> None:
        super().__init__(model)
        self.p = p
        self.threat = 0.0
        self.securitization = 0.0
        self.desired = 0.0
        self.acceptance = 0.0
        self.measures = 0.0
        self.economic_budget = 0.0
        self.involvement = p.involvement_base
        self.targets_set = False
        self.window_open = False
        self.best_outcomes: dict[str, float] = {}

    def open_policy_window(self, funding: float, targets: bool) -> None:
        """A plan document: funds the AI campaign, may set industry targets, and lets the centre restate its framing at once."""
        self.window_open = True
        self.economic_budget += funding
        self.targets_set = self.targets_set or targets

    def perceive_threat(self) -> float:
        m = self.model
        gap = max(0.0, 1.0 - m.capability_ratio)
        target_gap = max(0.0, 1.0 - m.ai_economy / m.target_path()) if self.targets_set else 0.0
        return (
            self.p.anxiety * m.salience * gap
            + self.p.w_rival * m.rival.securitization
            + self.p.w_sanction * m.sanction_risk
            + self.p.w_regime * m.public.mean_discontent
            + self.p.w_targets * target_gap
        )

    def framing_for(self, threat: float) -> float:
        """Security framing warranted by a threat level: an issue moves from politicized to securitized
        around a threshold (Buzan, Waever & de Wilde 1998), so the response is logistic, not linear."""
        return 1.0 / (1.0 + math.exp(-(threat - self.p.threshold) / self.p.threshold_width))

    def desired_securitization(self) -> float:
        strategy = self.p.strategy
        if strategy == Strategy.none:
            return 0.0
        if strategy == Strategy.maximal:
            return 1.0
        if strategy == Strategy.restrained:
            return self.p.restrained_gain * self.framing_for(self.threat)
        if strategy == Strategy.adaptive:
            return self.framing_for(self.threat - self.p.adaptive_cost_weight * self.observed_cost())
        return self.framing_for(self.threat)

    def observed_cost(self) -> float:
        """Mean loss in the consequences the centre can observe, against the best it has seen of each."""
        outcomes = self.model.observable_outcomes()
        best = self.best_outcomes or outcomes
        self.best_outcomes = {k: max(best[k], v) for k, v in outcomes.items()}
        losses = [self.best_outcomes[k] - v for k, v in outcomes.items()]
        return sum(losses) / len(losses)

    def securitizing_move(self) -> None:
        speed = self.p.window_speech if self.window_open else self.p.routine_speech
        self.securitization += speed * (self.desired - self.securitization)
        self.window_open = False

    def extraordinary_measures(self) -> None:
        """Measures are enabled only as far as the audiences accept the move (Copenhagen School)."""
        self.acceptance = self.model.mean_adoption()
        self.measures = self.securitization * self.acceptance
        target = min(1.0, self.p.involvement_base + self.p.involvement * self.measures)
        self.involvement += self.p.involvement_speed * (target - self.involvement)

    @property
    def extraordinary_funding(self) -> float:
        return self.p.extraordinary_budget * self.measures

    @property
    def propaganda(self) -> float:
        return min(1.0, self.p.propaganda + self.measures)

    def step(self) -> None:
        self.threat += self.p.perception_speed * (self.perceive_threat() - self.threat)
        self.desired = self.desired_securitization()
        self.securitizing_move()
        self.extraordinary_measures()
