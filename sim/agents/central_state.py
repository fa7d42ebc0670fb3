"""The central state: the securitizing actor."""

from __future__ import annotations

import math
from typing import Any

from mesa import Agent

from sim.agents.population import Actor
from sim.config import CentralConfig, Strategy
from sim.perception import Perception
from sim.timeline import Event

AUDIENCES = ("local", "firms", "intellectuals", "public")


class CentralState(Actor, Agent):
    """Frames AI as a security matter (speech acts) and, where audiences accept, takes extraordinary measures.

    Threat perception gathers the facilitating conditions of the article (section 3): historical
    anxiety about falling behind, the rival's moves and sanctions, regime-security concerns (public
    discontent) and the gap to its own targets. The strategy turns perception into a desired
    securitization; speech acts close part of the gap each quarter, much more in a policy window
    (a plan document). Propaganda is the centre's own choice: a base level plus a push that follows
    its framing; whether acceptance feeds it back (the first version's loop) is a stated switch,
    ``propaganda_feedback`` (0 = off).
    """

    def __init__(self, model, p: CentralConfig, stream: int, n: int | None = None) -> None:
        Actor.__init__(self, model, p, stream)
        Agent.__init__(self, model)
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

    def on_event(self, event: Event) -> None:
        if event.kind == "policy_window":
            self.open_policy_window(event.params["funding"], targets=event.params["targets"] > 0)

    def open_policy_window(self, funding: float, targets: bool) -> None:
        """A plan document: funds the AI campaign, may set industry targets, and lets the centre restate its framing at once."""
        self.window_open = True
        self.economic_budget += funding
        self.targets_set = self.targets_set or targets

    def target_path(self, decimal_year: float) -> float:
        """The plan's AI-industry target, log-linear between the 2020, 2025 and 2030 targets."""
        e = self.model.config.economy
        points = [(2020.75, e.target_2020), (2025.75, e.target_2025), (2030.75, e.target_2030)]
        (t0, v0), (t1, v1) = (points[0], points[1]) if decimal_year <= points[1][0] else (points[1], points[2])
        return math.exp(math.log(v0) + (math.log(v1) - math.log(v0)) * (decimal_year - t0) / (t1 - t0))

    def perceive_threat(self, view: Perception) -> float:
        w = view.world
        gap = max(0.0, 1.0 - w.capability_ratio)
        target_gap = max(0.0, 1.0 - view.firms.ai_economy / self.target_path(w.decimal_year)) if self.targets_set else 0.0
        return (
            self.p.anxiety * w.salience * gap
            + self.p.w_rival * view.rival.securitization
            + self.p.w_sanction * view.firms.sanction_risk
            + self.p.w_regime * view.public.discontent
            + self.p.w_targets * target_gap
        )

    def framing_for(self, threat: float) -> float:
        """Security framing warranted by a threat level: an issue moves from politicized to securitized
        around a threshold (Buzan, Waever & de Wilde 1998), so the response is logistic, not linear."""
        return 1.0 / (1.0 + math.exp(-(threat - self.p.threshold) / self.p.threshold_width))

    def desired_securitization(self, view: Perception | None = None) -> float:
        strategy = self.p.strategy
        if strategy == Strategy.none:
            return 0.0
        if strategy == Strategy.maximal:
            return 1.0
        if strategy == Strategy.restrained:
            return self.p.restrained_gain * self.framing_for(self.threat)
        if strategy == Strategy.adaptive:
            return self.framing_for(self.threat - self.p.adaptive_cost_weight * self.observed_cost(view))
        return self.framing_for(self.threat)

    def observed_cost(self, view: Perception) -> float:
        """Mean loss in the consequences the centre can observe, against the best it has seen of each."""
        outcomes = {
            "talent_capital": (view.talent.foreign_in_china + view.capital.china_share) / 2.0,
            "efficiency": view.firms.efficiency,
            "governance": view.third.china_share,
            "global_access": view.firms.access,
        }
        best = self.best_outcomes or outcomes
        self.best_outcomes = {k: max(best[k], v) for k, v in outcomes.items()}
        losses = [self.best_outcomes[k] - v for k, v in outcomes.items()]
        return sum(losses) / len(losses)

    def securitizing_move(self) -> None:
        speed = self.p.window_speech if self.window_open else self.p.routine_speech
        self.securitization += speed * (self.desired - self.securitization)
        self.window_open = False

    def extraordinary_measures(self, view: Perception) -> None:
        """Measures are enabled only as far as the audiences accept the move (Copenhagen School)."""
        self.acceptance = sum(getattr(view, a).adoption for a in AUDIENCES) / len(AUDIENCES)
        self.measures = self.securitization * self.acceptance
        target = min(1.0, self.p.involvement_base + self.p.involvement * self.measures)
        self.involvement += self.p.involvement_speed * (target - self.involvement)

    @property
    def extraordinary_funding(self) -> float:
        return self.p.extraordinary_budget * self.measures

    @property
    def propaganda(self) -> float:
        """State-media promotion: a base, a push with the centre's own framing, and (if switched on) acceptance fed back."""
        p = self.p
        return min(1.0, p.propaganda + p.propaganda_gain * self.securitization + p.propaganda_feedback * self.measures)

    def observe(self) -> dict[str, Any]:
        return {
            "securitization": self.securitization,
            "threat": self.threat,
            "measures": self.measures,
            "propaganda": self.propaganda,
            "involvement": self.involvement,
            "funding": self.economic_budget + self.extraordinary_funding,
            "outreach": self.p.outreach,
        }

    def step(self, view: Perception) -> None:
        self.threat += self.p.perception_speed * (self.perceive_threat(view) - self.threat)
        self.desired = self.desired_securitization(view)
        self.securitizing_move()
        self.extraordinary_measures(view)
