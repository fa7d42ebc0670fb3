"""AI-enabled cyber incidents: the threat environment that the 2023 turn in China's discourse answers to."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.agents.population import Actor
from sim.batch import each, share, total
from sim.config import IncidentsConfig
from sim.perception import Perception


class Incidents(Actor):
    """Attacks on firms whose rate rises with the diffusion of AI capability and falls with defensive investment.

    Seed 001 (Qi Xiangdong, 2024) names AI-generated phishing and malicious code, deep fakes and military AI, and says
    AI "democratizes" attack capability: tools once reserved for skilled attackers spread with AI itself. So each
    firm's hazard per quarter is
        rate_i = base_rate * diffusion^democratization * protection_half / (protection_half + security_i)
    with ``diffusion`` the world's AI capability (China's and the rival's) against 2009's and ``security_i`` the
    share of the firm's AI/IT spending that goes to security (its own decision, :meth:`Firms.choose_security`): a
    firm spending ``protection_half`` halves its hazard. A firm is hit with probability 1 - exp(-rate_i). What the
    others see is the share of firms hit and an alarm, 1 - exp(-hit share / ``alarm_rate``), in [0, 1): firms and
    citizens feel it, the centre sees it through its early-warning system. ``count`` is the quarter's incidents in
    the industry the sample stands for. Not modelled: who the attackers are, and attacks on the rival's firms.
    """

    def __init__(self, model, p: IncidentsConfig, stream: int, n: int | None = None) -> None:
        super().__init__(model, p, stream)
        self.capability0 = 1.0
        self.diffusion = 1.0
        self.hit = np.zeros(0, dtype=bool)
        self.hit_share = 0.0
        self.alarm = 0.0
        self.count = 0.0

    def start(self, view: Perception) -> None:
        self.capability0 = np.maximum(view.firms.china_capability + view.rival.capability, 1e-12)
        self.hit = np.zeros(np.shape(view.firms.security), dtype=bool)  # (n,), or (runs, n) for a batch (sim.batch)

    def hazard(self, security: np.ndarray, diffusion: float) -> np.ndarray:
        """Each firm's incident rate this quarter [1/quarter]."""
        p = self.p
        return p.base_rate * each(lambda d, k: d**k, diffusion, p.democratization) * p.protection_half / (p.protection_half + security)

    def observe(self) -> dict[str, Any]:
        return {"hit": self.hit, "hit_share": self.hit_share, "alarm": self.alarm, "count": self.count, "diffusion": self.diffusion}

    def step(self, view: Perception) -> None:
        firms = view.firms
        self.diffusion = (firms.china_capability + view.rival.capability) / self.capability0
        rate = self.hazard(firms.security, self.diffusion)
        self.hit = self.rng.random(rate.shape[-1]) < -np.expm1(-rate)  # one run's firms (sim.batch.Streams stacks the runs)
        self.hit_share = share(self.hit) if self.hit.size else 0.0
        self.alarm = -np.expm1(-self.hit_share / self.p.alarm_rate)
        self.count = total(self.hit) * self.model.represents("firms")
