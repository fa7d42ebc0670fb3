"""The rival state (the United States): mirror securitization, sanctions, export controls, visas."""

from __future__ import annotations

import numpy as np
from mesa import Agent

from sim.config import RivalConfig


class RivalState(Agent):
    """Securitizes in response to China's securitization and capability (Richardson 1960).

    dS/dt = mirror * S_china + w_capability * capability_ratio + grievance - restraint * S, per quarter.
    From its securitization it decides sanctions (entity-list rounds targeting firms with close state
    ties and high capability), export-control enforcement, visa limits and pressure on third countries.
    """

    STREAM = 7  # its own random stream (see Population)

    def __init__(self, model, p: RivalConfig, capability: float) -> None:
        super().__init__(model)
        self.p = p
        self.securitization = p.securitization0
        self.capability = capability
        self.scope = 0.0
        self.export_controls = 0.0
        self.pending_rounds = 0.0
        self.shock = 0.0
        self.listed_this_step = 0

    @property
    def visa_limits(self) -> float:
        return self.p.visa * self.securitization

    @property
    def pressure(self) -> float:
        return self.p.pressure * self.securitization

    @property
    def sanctions_active(self) -> bool:
        return self.model.quarter_index >= self.model.sanctions_start and self.p.sanctions.severity > 0

    def mirror(self) -> None:
        m = self.model
        drive = self.p.mirror * m.central.securitization + self.p.w_capability * m.capability_ratio + self.p.grievance
        self.securitization = float(np.clip(self.securitization + drive - self.p.restraint * self.securitization + self.shock, 0.0, 1.0))
        self.shock = 0.0

    def invest(self) -> None:
        m = self.model
        talent = m.talent.rival_talent_factor()
        growth = self.p.capability_growth * (1.0 + self.p.mobilization_gain * self.securitization)
        self.capability *= 1.0 + growth * talent**self.p.talent_weight

    def control_exports(self) -> None:
        """Enforcement: the rival enforces the rules' scope (widened of its own accord once its securitization
        passes the threshold) as strongly as it securitizes."""
        s = self.p.sanctions
        if self.model.quarter_index < self.model.sanctions_start:
            target = 0.0
        else:
            own = max(0.0, self.securitization - s.threshold) / (1.0 - s.threshold) if s.threshold < 1 else 0.0
            target = self.p.export_controls.strength * self.securitization * max(self.scope, own)
        self.export_controls += self.p.export_controls.speed * (target - self.export_controls)

    def sanction(self) -> None:
        """Hold listing rounds: scheduled ones (timeline) and its own when securitization is high."""
        s = self.p.sanctions
        self.listed_this_step = 0
        if not self.sanctions_active:
            self.pending_rounds = 0.0
            return
        excess = max(0.0, self.securitization - s.threshold)
        if self.model.stream(self.STREAM).random() < s.endogenous_rate * excess:
            self.pending_rounds += 1.0
        if self.pending_rounds > 0:
            self.listed_this_step = self.model.firms.list_entities(
                expected_share=s.round_share * self.pending_rounds * s.severity * self.securitization,
                tie_weight=s.tie_weight,
                capability_weight=s.capability_weight,
            )
        self.pending_rounds = 0.0

    def step(self) -> None:
        self.mirror()
        self.invest()
        self.control_exports()
        self.sanction()
