"""The central state: the securitizing actor."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from mesa import Agent

from sim.agents.population import Actor
from sim.batch import at_most, each, exp
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

    Two framings share the discourse (the 2023 turn: seeds 000, 003, 004): AI as a strategic asset in a race and AI as
    a risk to be governed (safety, data and cyber security, early warning). ``risk_share`` is the risk-governance share
    of the centre's securitization; the centre moves it toward
        clip(risk_weight + risk_incidents * seen - risk_race * race, 0, 1)
    where ``seen`` is the alarm over AI-enabled incidents as far as its early-warning system sees them
    (``early_warning`` x the incidents' alarm) and ``race`` the rival's securitization or the shortfall against its own
    targets, whichever is larger: incidents argue for governing a risk, the rival and the targets for racing. Seen
    incidents also raise the threat it perceives (``w_incidents``). Under the risk framing part of the budget goes to
    security (data and cyber security, monitoring: ``security_budget`` at a fully risk-framed securitization).
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
        self.outreach_share = 0.0
        self.outreach = 0.0
        self.framing_input = 0.0
        self.targets_set = False
        self.window_open = False
        self.best_outcomes: dict[str, float] = {}
        self.risk_share = p.risk_weight
        self.early_warning = p.early_warning
        self.risk_window = False
        self.security_spending = 0.0

    def on_event(self, event: Event) -> None:
        if event.kind == "policy_window":
            self.open_policy_window(event.params["funding"], targets=event.params["targets"] > 0)
        elif event.kind == "risk_governance":
            self.govern_risk(event.params["early_warning"])

    def govern_risk(self, early_warning: float) -> None:
        """A risk-governance act (a national-security meeting, an international declaration): the centre restates the
        mix of its framing at once, and a monitoring system improves how much of the incidents it sees."""
        self.risk_window = True
        self.early_warning = at_most(self.early_warning + early_warning, 1.0)

    def open_policy_window(self, funding: float, targets: bool) -> None:
        """A plan document: funds the AI campaign, may set industry targets, and lets the centre restate its framing at once."""
        self.window_open = True
        self.economic_budget += funding
        self.targets_set = self.targets_set or targets

    def target_path(self, decimal_year: float) -> float:
        """The plan's AI-industry target, log-linear between the 2020, 2025 and 2030 targets (the quarter is the same
        for every run of a batch; the targets are too unless the runs' parameters differ)."""
        e = self.model.config.economy
        points = [(2020.75, e.target_2020), (2025.75, e.target_2025), (2030.75, e.target_2030)]
        (t0, v0), (t1, v1) = (points[0], points[1]) if decimal_year <= points[1][0] else (points[1], points[2])
        return each(lambda a, b: math.exp(math.log(a) + (math.log(b) - math.log(a)) * (decimal_year - t0) / (t1 - t0)), v0, v1)

    def target_gap(self, view: Perception) -> float:
        """The shortfall of the AI industry against the plan's target path, once a plan has set targets."""
        if not self.targets_set:
            return 0.0
        return np.maximum(0.0, 1.0 - view.firms.ai_economy / self.target_path(view.world.decimal_year))

    def seen_incidents(self, view: Perception) -> float:
        """The incidents' alarm as far as the early-warning system sees it [0-1]."""
        return self.early_warning * view.incidents.alarm

    def perceive_threat(self, view: Perception) -> float:
        w = view.world
        gap = np.maximum(0.0, 1.0 - w.capability_ratio)
        return (
            self.p.anxiety * w.salience * gap
            + self.p.w_rival * view.rival.securitization
            + self.p.w_sanction * view.firms.sanction_risk
            + self.p.w_regime * view.public.discontent
            + self.p.w_targets * self.target_gap(view)
            + self.p.w_incidents * self.seen_incidents(view)
        )

    def choose_framing_mix(self, view: Perception) -> None:
        """Move the risk-governance share of the discourse toward what the incidents seen and the race call for."""
        p = self.p
        race = np.maximum(view.rival.securitization, self.target_gap(view))
        desired = np.minimum(1.0, np.maximum(0.0, p.risk_weight + p.risk_incidents * self.seen_incidents(view) - p.risk_race * race))
        speed = p.window_speech if self.risk_window else p.routine_speech
        self.risk_share = self.risk_share + speed * (desired - self.risk_share)
        self.risk_window = False

    def framing_for(self, threat: float) -> float:
        """Security framing warranted by a threat level: an issue moves from politicized to securitized
        around a threshold (Buzan, Waever & de Wilde 1998), so the response is logistic, not linear."""
        return 1.0 / (1.0 + exp(-(threat - self.p.threshold) / self.p.threshold_width))

    def desired_securitization(self, view: Perception | None = None) -> float:
        strategy = self.p.strategy
        if strategy == Strategy.none:
            return 0.0
        if strategy == Strategy.maximal:
            return 1.0
        cost = self.p.adaptive_cost_weight * self.observed_cost(view) if strategy == Strategy.adaptive else 0.0
        self.framing_input = self.threat - cost
        gain = self.p.restrained_gain if strategy == Strategy.restrained else 1.0
        return gain * self.framing_for(self.framing_input)

    def responsiveness(self) -> float:
        """Richardson's a for China: how much a sustained rise in the rival's securitization raises China's per quarter,
        a = routine_speech * gain * f'(x) * w_rival, with f the logistic framing, f' = f (1 - f) / threshold_width at the
        current framing input x (threat, less the adaptive strategy's cost) and gain the restrained strategy's fraction.
        Threat perception is taken as adjusted (quasi-steady): the one-quarter derivative would carry a further factor
        perception_speed, but the threat's lag delays the response without weakening it, and with it left out the
        runaway condition a b > m n of the two-actor system is exactly that of the system with the lag
        (tests/test_docking.py). 0 for the strategies that ignore the threat (none, maximal)."""
        p = self.p
        if p.strategy in (Strategy.none, Strategy.maximal):
            return 0.0
        gain = p.restrained_gain if p.strategy == Strategy.restrained else 1.0
        f = self.framing_for(self.framing_input)
        return p.routine_speech * gain * f * (1.0 - f) / p.threshold_width * p.w_rival

    @property
    def relaxation(self) -> float:
        """Richardson's m for China: the share of a gap to its desired framing closed per quarter by routine speech."""
        return self.p.routine_speech

    def observed_cost(self, view: Perception) -> float:
        """Mean loss in the consequences the centre can observe, against the best it has seen of each."""
        outcomes = {
            "talent_capital": (view.talent.foreign_in_china + view.capital.china_share) / 2.0,
            "efficiency": view.firms.efficiency,
            "governance": view.third.china_share,
            "global_access": view.firms.access,
        }
        best = self.best_outcomes or outcomes
        self.best_outcomes = {k: np.maximum(best[k], v) for k, v in outcomes.items()}
        losses = [self.best_outcomes[k] - v for k, v in outcomes.items()]
        return each(lambda *values: sum(values), *losses) / len(losses)  # Python's sum of floats, as a run alone adds them

    def securitizing_move(self) -> None:
        speed = self.p.window_speech if self.window_open else self.p.routine_speech
        self.securitization += speed * (self.desired - self.securitization)
        self.window_open = False

    def extraordinary_measures(self, view: Perception) -> None:
        """Measures are enabled only as far as the audiences accept the move (Copenhagen School)."""
        # the sum as it always came out: Python's (compensated, >= 3.12) over the first three audiences' floats, the
        # public's numpy float added plainly
        adoption = [getattr(view, a).adoption for a in AUDIENCES]
        self.acceptance = (each(lambda *shares: sum(shares), *adoption[:-1]) + adoption[-1]) / len(AUDIENCES)
        self.measures = self.securitization * self.acceptance
        target = np.minimum(1.0, self.p.involvement_base + self.p.involvement * self.measures)
        self.involvement = self.involvement + self.p.involvement_speed * (target - self.involvement)

    @property
    def extraordinary_funding(self) -> float:
        return self.p.extraordinary_budget * self.measures

    @property
    def budget(self) -> float:
        """The centre's AI budget [RMB bn/quarter]: plan funding plus extraordinary funding."""
        return self.economic_budget + self.extraordinary_funding

    @property
    def domestic_funding(self) -> float:
        """What is left of the budget for the AI industry at home after outreach and security [RMB bn/quarter]."""
        return self.budget - self.outreach - self.security_spending

    def choose_outreach(self, view: Perception) -> None:
        """Split the AI budget between domestic measures and outreach abroad (capacity building, public goods).

        share = clip(outreach + outreach_gap * max(0, outreach_goal - governance) - outreach_security * S_c, 0, 1)
        spending = share * budget
        The share rises with the governance gap the centre sees and falls as security framing claims the
        budget; securitization also enlarges the budget (extraordinary funding), so whether it raises or
        lowers outreach spending is a finding, not an assumption.
        """
        p = self.p
        gap = np.maximum(0.0, p.outreach_goal - view.third.china_share)
        self.outreach_share = np.minimum(
            1.0, np.maximum(0.0, p.outreach + p.outreach_gap * gap - p.outreach_security * self.securitization)
        )
        self.outreach = self.outreach_share * self.budget
        # security (data and cyber security, monitoring) under the risk framing, from what outreach leaves
        self.security_spending = self.p.security_budget * self.securitization * self.risk_share * (self.budget - self.outreach)

    @property
    def propaganda(self) -> float:
        """State-media promotion: a base, a push with the centre's own framing, and (if switched on) acceptance fed back."""
        p = self.p
        return np.minimum(1.0, p.propaganda + p.propaganda_gain * self.securitization + p.propaganda_feedback * self.measures)

    def observe(self) -> dict[str, Any]:
        return {
            "securitization": self.securitization,
            "threat": self.threat,
            "measures": self.measures,
            "propaganda": self.propaganda,
            "involvement": self.involvement,
            "funding": self.domestic_funding,
            "outreach": self.outreach,
            "risk_share": self.risk_share,
        }

    def step(self, view: Perception) -> None:
        self.threat += self.p.perception_speed * (self.perceive_threat(view) - self.threat)
        self.desired = self.desired_securitization(view)
        self.choose_framing_mix(view)
        self.securitizing_move()
        self.extraordinary_measures(view)
        self.choose_outreach(view)
