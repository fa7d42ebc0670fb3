"""The rival state (the United States): mirror securitization, sanctions, export controls, visas."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from mesa import Agent

from sim.agents.population import Actor
from sim.config import ListingVolume, RivalConfig
from sim.perception import Perception
from sim.timeline import Event, Quarter


class RivalState(Actor, Agent):
    """Securitizes in response to China's securitization and capability (Richardson 1960).

    dS/dt = mirror * S_china + w_capability * capability_ratio + grievance - restraint * S, per quarter.
    From its securitization it decides sanctions (entity-list rounds targeting firms with close state
    ties and high capability: its entity list is its own state), export-control enforcement, visa
    limits, research-security investigations of Chinese-origin talent, outbound-investment restrictions on
    its own investors (from ``outbound.start``) and pressure on third countries. How many firms a round
    lists is a structural choice (``rival.sanctions.volume``, config group ``structure/listing``): ``ties``
    lists in proportion to the suspicion it observes (ties and capability), ``fixed`` a fixed share of
    candidates whatever their ties.
    """

    def __init__(self, model, p: RivalConfig, stream: int, n: int | None = None) -> None:
        Actor.__init__(self, model, p, stream)
        Agent.__init__(self, model)
        self.securitization = p.securitization0
        self.sanctions_start = Quarter.parse(p.sanctions.start, key="rival.sanctions.start").index
        self.outbound_start = Quarter.parse(p.outbound.start, key="rival.outbound.start").index
        # the historical record lists every round up to its last one: rounds of the rival's own accord come after it
        scheduled = [Quarter.parse(e.date).index for e in model.config.timeline.events if e.kind == "sanction_round"]
        self.own_rounds_from = max(scheduled) + 1 if scheduled else self.sanctions_start
        self.outbound = 0.0
        self.capability = 1.0
        self.scope = 0.0
        self.export_controls = 0.0
        self.pending_entities = 0.0
        self.tariff = model.config.economy.tariff0  # its average tariff on Chinese goods (`tariff` events)
        self.shock = 0.0
        self.entity_list = np.zeros(0, dtype=bool)
        self.listed_share = 0.0
        self.listed_capability_share = 0.0
        self.suspicion0 = 1.0

    def start(self, view: Perception) -> None:
        """The rival's capability sets the scale: China's at the configured initial ratio (floored for a world with no Chinese AI firm)."""
        self.capability = max(view.firms.china_capability, 1e-9) / self.model.config.economy.capability_ratio0
        self.entity_list = np.zeros(view.firms.ties.size, dtype=bool)
        self.tie_rank_at_listing = np.full(view.firms.ties.size, np.nan)  # a listed firm's ties: percentile among the candidates
        chinese = view.firms.chinese
        if chinese.any():
            self.suspicion0 = float(self.suspicion(view.firms, chinese)[chinese].mean()) or 1.0

    def on_event(self, event: Event) -> None:
        match event.kind:
            case "rival_shock":
                self.shock += event.params["delta"]
            case "attributed_hack":
                # state-backed hacking attributed to China: a push per tenfold of the organizations reported hit
                self.shock += self.p.hack_response * math.log10(1.0 + event.params["organizations"])
            case "sanction_round":
                self.pending_entities += event.params["entities"]
            case "export_control":
                self.scope = event.params["scope"]  # a new rule sets the scope: it may widen it or relax it
            case "tariff":
                self.tariff = event.params["rate"]

    @property
    def visa_limits(self) -> float:
        return self.p.visa * self.securitization

    @property
    def research_security(self) -> float:
        """Its research-security rules and investigations of scholars with Chinese ties (the China Initiative,
        Nov 2018-Feb 2022), as tight as it securitizes: what the rival's scholars weigh before co-authoring."""
        return self.securitization

    @property
    def investigations(self) -> float:
        return self.p.investigations * self.securitization

    def restrict_outbound(self, quarter_index: int) -> None:
        """Outbound-investment rules on its own investors in Chinese AI (EO 14105), as strong as it securitizes."""
        self.outbound = self.p.outbound.strength * self.securitization if quarter_index >= self.outbound_start else 0.0

    @property
    def pressure(self) -> float:
        return self.p.pressure * self.securitization

    def sanctions_active(self, quarter_index: int) -> bool:
        return quarter_index >= self.sanctions_start and self.p.sanctions.severity > 0

    def mirroring(self, risk_share: float) -> float:
        """Richardson's b: securitization gained per quarter per unit of China's, whose risk-governance share
        provokes ``risk_discount`` less than a race framing (1: not at all; negative: more)."""
        return self.p.mirror * (1.0 - self.p.risk_discount * risk_share)

    def mirror(self, view: Perception) -> None:
        china = view.central.securitization
        drive = self.mirroring(view.central.risk_share) * china + self.p.w_capability * view.world.capability_ratio + self.p.grievance
        self.securitization = float(np.clip(self.securitization + drive - self.p.restraint * self.securitization + self.shock, 0.0, 1.0))
        self.shock = 0.0

    def invest(self, view: Perception) -> None:
        growth = self.p.capability_growth * (1.0 + self.p.mobilization_gain * self.securitization)
        self.capability *= 1.0 + growth * view.talent.rival_factor**self.p.talent_weight

    def control_exports(self, quarter_index: int) -> None:
        """Enforcement: the rival enforces the rules' scope (widened of its own accord once its securitization
        passes the threshold) as strongly as it securitizes."""
        s = self.p.sanctions
        if quarter_index < self.sanctions_start:
            target = 0.0
        else:
            own = max(0.0, self.securitization - s.threshold) / (1.0 - s.threshold) if s.threshold < 1 else 0.0
            target = self.p.export_controls.strength * self.securitization * max(self.scope, own)
        self.export_controls += self.p.export_controls.speed * (target - self.export_controls)

    def suspicion(self, firms: Any, candidates: np.ndarray) -> np.ndarray:
        """How much of a security risk the rival sees in each candidate: exp(tie_weight x ties) x (capability / candidates' mean)^k."""
        s = self.p.sanctions
        mean_capability = float(firms.capability[candidates].mean())
        relative = firms.capability / mean_capability if mean_capability > 0 else np.ones(candidates.size)
        return np.exp(s.tie_weight * firms.ties) * relative**s.capability_weight * candidates

    def list_entities(self, firms: Any, expected_share: float) -> np.ndarray:
        """A listing round over the Chinese firms not yet listed, targeted by suspicion (ties and capability).

        ``ties`` volume: P(list_i) = min(1, q x score_i / score_0), score_0 the mean suspicion of Chinese firms the
        rival saw at the start, so the expected listed share is q x mean suspicion / score_0: more tied, capable
        candidates, more listings. ``fixed`` volume: P(list_i) = min(1, q N_c score_i / sum score), a share q of
        candidates whatever their ties (the first version). q = ``expected_share``."""
        candidates = firms.chinese & ~self.entity_list
        n_candidates = int(candidates.sum())
        if n_candidates == 0 or expected_share <= 0:
            return np.zeros(candidates.size, dtype=bool)
        score = self.suspicion(firms, candidates)
        if self.p.sanctions.volume == ListingVolume.ties:
            prob = np.minimum(1.0, expected_share * score / self.suspicion0)
        else:
            prob = np.minimum(1.0, expected_share * n_candidates * score / score.sum())
        return self.rng.random(candidates.size) < prob

    def sanction(self, view: Perception) -> None:
        """Hold listing rounds: scheduled ones (timeline, sized by the Chinese entities they listed) and, after the
        timeline's last scheduled round (the record lists every round before it), its own when securitization is high
        (``own_round`` entities); the expected share listed is ``round_share`` per entity,
        scaled by severity and the rival's securitization, so who and how many is still its decision."""
        s = self.p.sanctions
        self.listed_share = self.listed_capability_share = 0.0
        if not self.sanctions_active(view.world.quarter_index):
            self.pending_entities = 0.0
            return
        excess = max(0.0, self.securitization - s.threshold)
        if self.rng.random() < s.endogenous_rate * excess and view.world.quarter_index >= self.own_rounds_from:
            self.pending_entities += s.own_round
        if self.pending_entities > 0:
            firms = view.firms
            candidates = firms.chinese & ~self.entity_list
            listed = self.list_entities(firms, s.round_share * self.pending_entities * s.severity * self.securitization)
            ranked = np.sort(firms.ties[candidates])
            self.tie_rank_at_listing[listed] = np.searchsorted(ranked, firms.ties[listed], side="right") / max(ranked.size, 1)
            self.entity_list |= listed
            chinese = firms.chinese
            self.listed_share = float(listed.sum()) / max(int(chinese.sum()), 1)
            total = float(firms.capability[chinese].sum())
            self.listed_capability_share = float(firms.capability[listed].sum()) / total if total > 0 else 0.0
        self.pending_entities = 0.0

    def observe(self) -> dict[str, Any]:
        return {
            "securitization": self.securitization,
            "capability": self.capability,
            "export_controls": self.export_controls,
            "visa_limits": self.visa_limits,
            "research_security": self.research_security,
            "investigations": self.investigations,
            "outbound": self.outbound,
            "pressure": self.pressure,
            "entity_list": self.entity_list,
            "listed_share": self.listed_share,
            "listed_capability_share": self.listed_capability_share,
            "severity": self.p.sanctions.severity,
            "tariff": self.tariff,
        }

    def step(self, view: Perception) -> None:
        self.mirror(view)
        self.invest(view)
        self.control_exports(view.world.quarter_index)
        self.restrict_outbound(view.world.quarter_index)
        self.sanction(view)
