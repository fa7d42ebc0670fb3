"""The rival state (the United States): mirror securitization, sanctions, export controls, visas."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from mesa import Agent

from sim.agents.population import Actor
from sim.batch import Streams, each, mean_within, per_run, power, total, total_within, where
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

    Steps a batch of runs (:mod:`sim.batch`): its per-run values are then (R, 1) arrays, its entity list (R, n).
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
        self.capability = np.maximum(view.firms.china_capability, 1e-9) / self.model.config.economy.capability_ratio0
        shape = view.firms.ties.shape  # (n,), or (runs, n) for a batch (sim.batch)
        self.entity_list = np.zeros(shape, dtype=bool)
        self.tie_rank_at_listing = np.full(shape, np.nan)  # a listed firm's ties: percentile among the candidates
        chinese = view.firms.chinese
        if chinese.any():
            self.suspicion0 = per_run(
                lambda score, c: (float(score[c].mean()) or 1.0) if c.any() else 1.0, self.suspicion(view.firms, chinese), chinese
            )

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
        self.outbound = where(quarter_index >= self.outbound_start, self.p.outbound.strength * self.securitization, 0.0)

    @property
    def pressure(self) -> float:
        return self.p.pressure * self.securitization

    def sanctions_active(self, quarter_index: Any) -> Any:
        return np.logical_and(quarter_index >= self.sanctions_start, self.p.sanctions.severity > 0)[()]

    def mirroring(self, risk_share: float) -> float:
        """Richardson's b: securitization gained per quarter per unit of China's, whose risk-governance share
        provokes ``risk_discount`` less than a race framing (1: not at all; negative: more)."""
        return self.p.mirror * (1.0 - self.p.risk_discount * risk_share)

    def mirror(self, view: Perception) -> None:
        china = view.central.securitization
        drive = self.mirroring(view.central.risk_share) * china + self.p.w_capability * view.world.capability_ratio + self.p.grievance
        self.securitization = np.clip(self.securitization + drive - self.p.restraint * self.securitization + self.shock, 0.0, 1.0)
        self.shock = 0.0

    def invest(self, view: Perception) -> None:
        growth = self.p.capability_growth * (1.0 + self.p.mobilization_gain * self.securitization)
        # not in place: the model records what an actor shows by reference (Mesa's DataCollector copies it today)
        self.capability = self.capability * (1.0 + growth * each(lambda f, w: f**w, view.talent.rival_factor, self.p.talent_weight))

    def control_exports(self, quarter_index: int) -> None:
        """Enforcement: the rival enforces the rules' scope (widened of its own accord once its securitization
        passes the threshold) as strongly as it securitizes."""
        s = self.p.sanctions
        below = s.threshold < 1  # per run if the runs of a batch differ in it: the guard keeps 1 - threshold nonzero
        own = where(below, np.maximum(0.0, self.securitization - s.threshold) / where(below, 1.0 - s.threshold, 1.0), 0.0)
        enforced = self.p.export_controls.strength * self.securitization * np.maximum(self.scope, own)
        target = where(quarter_index < self.sanctions_start, 0.0, enforced)
        self.export_controls = self.export_controls + self.p.export_controls.speed * (target - self.export_controls)

    def suspicion(self, firms: Any, candidates: np.ndarray) -> np.ndarray:
        """How much of a security risk the rival sees in each candidate: exp(tie_weight x ties) x (capability / candidates' mean)^k."""
        s = self.p.sanctions
        mean_capability = mean_within(firms.capability, candidates)
        relative = where(mean_capability > 0, firms.capability / np.where(mean_capability > 0, mean_capability, 1.0), 1.0)
        return np.exp(s.tie_weight * firms.ties) * power(relative, s.capability_weight) * candidates

    def list_entities(self, firms: Any, expected_share: float) -> np.ndarray:
        """A listing round over the Chinese firms not yet listed, targeted by suspicion (ties and capability).

        ``ties`` volume: P(list_i) = min(1, q x score_i / score_0), score_0 the mean suspicion of Chinese firms the
        rival saw at the start, so the expected listed share is q x mean suspicion / score_0: more tied, capable
        candidates, more listings. ``fixed`` volume: P(list_i) = min(1, q N_c score_i / sum score), a share q of
        candidates whatever their ties (the first version). q = ``expected_share``."""
        candidates = firms.chinese & ~self.entity_list
        n_candidates = total(candidates)
        drawing = np.logical_and(n_candidates > 0, expected_share > 0)  # per run in a batch
        if not np.any(drawing):
            return np.zeros(candidates.shape, dtype=bool)
        score = self.suspicion(firms, candidates)
        if self.p.sanctions.volume == ListingVolume.ties:
            prob = np.minimum(1.0, expected_share * score / self.suspicion0)
        else:
            prob = np.minimum(1.0, expected_share * n_candidates * score / where(drawing, total(score), 1.0))
        n = candidates.shape[-1]
        if isinstance(self.rng, Streams):  # only the runs that hold a round draw, as each would alone
            draws = np.stack([g.random(n) if d else np.ones(n) for g, d in zip(self.rng.generators, np.ravel(drawing), strict=True)])
            return (draws < prob) & drawing
        return self.rng.random(n) < prob

    def sanction(self, view: Perception) -> None:
        """Hold listing rounds: scheduled ones (timeline, sized by the Chinese entities they listed) and, after the
        timeline's last scheduled round (the record lists every round before it), its own when securitization is high
        (``own_round`` entities); the expected share listed is ``round_share`` per entity,
        scaled by severity and the rival's securitization, so who and how many is still its decision."""
        s = self.p.sanctions
        self.listed_share = self.listed_capability_share = 0.0
        quarter_index = view.world.quarter_index  # the same in every run of a batch
        if not np.any(self.sanctions_active(quarter_index)):
            self.pending_entities = 0.0
            return
        excess = np.maximum(0.0, self.securitization - s.threshold)
        draw = self.rng.random()  # one per run in a batch, (R, 1)
        own_round = (draw < s.endogenous_rate * excess) & (quarter_index >= self.own_rounds_from)
        self.pending_entities = self.pending_entities + where(own_round, s.own_round, 0.0)
        if np.any(self.pending_entities > 0):  # a run without pending entities lists none (expected share 0) and draws nothing
            firms = view.firms
            candidates = firms.chinese & ~self.entity_list
            expected_share = where(self.pending_entities > 0, s.round_share * self.pending_entities * s.severity * self.securitization, 0.0)
            listed = self.list_entities(firms, expected_share)

            def rank(ties: np.ndarray, candidate: np.ndarray) -> np.ndarray:
                ranked = np.sort(ties[candidate])
                return np.searchsorted(ranked, ties, side="right") / max(ranked.size, 1)

            self.tie_rank_at_listing[listed] = per_run(rank, firms.ties, candidates)[listed]
            self.entity_list |= listed
            chinese = firms.chinese
            self.listed_share = total(listed) / np.maximum(total(chinese), 1)
            chinese_capability = total_within(firms.capability, chinese)
            listed_capability = total_within(firms.capability, listed)
            self.listed_capability_share = where(
                chinese_capability > 0, listed_capability / np.where(chinese_capability > 0, chinese_capability, 1.0), 0.0
            )
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
