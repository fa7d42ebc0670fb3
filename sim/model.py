"""The securitization-of-AI model (Zeng 2021, "Securitization of Artificial Intelligence in China")."""

from __future__ import annotations

import math

import numpy as np
from mesa import DataCollector, Model

from sim.agents import CentralState, Firms, Intellectuals, MobileTalent, Provinces, Public, RivalState, ThirdCountries
from sim.config import SimConfig, load_config
from sim.indicators import AUDIENCES, INDICATORS
from sim.timeline import Event, Quarter, Timeline, validate_events


class SecuritizationModel(Model):
    """A central state securitizes AI to mobilize four domestic audiences, facing a rival and third countries.

    Args:
        config: a validated :class:`sim.config.SimConfig` (defaults: ``conf/config.yaml``).
        rng: seed or generator for the model's random stream (defaults to ``config.seed``; runs use
            :func:`sim.run.build_model`, which derives it from the root seed and replication).

    One step is a quarter from ``config.time.start`` to ``config.time.end``. Each step applies the
    quarter's events, then the central state, the rival, provinces, firms, intellectuals, the public,
    mobile talent and third countries act in that order; indicators are collected at the end.
    """

    def __init__(self, config: SimConfig | None = None, rng: int | np.random.Generator | None = None) -> None:
        config = config or load_config()
        super().__init__(rng=config.seed if rng is None else rng)
        self.stream_root = int(self.rng.integers(2**63))
        self.config = config
        self.start = Quarter.parse(config.time.start, key="time.start")
        self.end = Quarter.parse(config.time.end, key="time.end")
        self.n_steps = self.end.index - self.start.index + 1
        self.timeline = Timeline(validate_events(config.timeline.events, self.start, self.end), self.start)
        self.sanctions_start = Quarter.parse(config.rival.sanctions.start, key="rival.sanctions.start").index
        self.quarter_index = self.start.index
        self.salience = config.economy.salience0
        self.rally = 0.0
        self.persuasion = 1.0
        n = config.agents

        self.central = CentralState(self, config.central)
        self.firms = Firms(self, n.firms.n, config.firms)
        self.provinces = Provinces(self, n.local.n, config.local)
        self.intellectuals = Intellectuals(self, n.intellectuals.n, config.intellectuals)
        self.public = Public(self, n.public.n, config.public)
        self.talent = MobileTalent(self, n.talent.n, config.talent)
        self.third = ThirdCountries(self, n.third.n, config.third)
        # the rival's capability sets the scale; a floor keeps it positive in a world with no Chinese AI firm
        rival_capability = max(self.firms.china_capability, 1e-9) / config.economy.capability_ratio0
        self.rival = RivalState(self, config.rival, capability=rival_capability)
        self.capability_ratio = config.economy.capability_ratio0
        self.firms.earn(0.0, 0.0, 0.0, config.economy.revenue_scale, config.economy.global_demand)
        self.ai_economy = float(self.firms.revenue.sum())

        self.datacollector = DataCollector(model_reporters={name: ind.measure for name, ind in INDICATORS.items()})

    def stream(self, key: int) -> np.random.Generator:
        """Random stream ``key`` for the current quarter: the same numbers in every run of this seed and replication."""
        return np.random.default_rng(np.random.SeedSequence([self.stream_root, key, self.steps]))

    # --- shared conditions the agents perceive --------------------------------------------------
    @property
    def quarter(self) -> Quarter:
        return Quarter(self.quarter_index)

    @property
    def sanction_risk(self) -> float:
        return self.firms.sanction_risk

    def subsidy_pool(self) -> float:
        return self.central.economic_budget + self.central.extraordinary_funding + self.provinces.total_subsidy

    def data_factor(self) -> float:
        return max(self.public.mean_tolerance / max(self.public.initial_tolerance, 1e-9), 0.0)

    def mean_adoption(self) -> float:
        return sum(float(INDICATORS[f"adoption_{a}"].measure(self)) for a in AUDIENCES) / len(AUDIENCES)

    def observable_outcomes(self) -> dict[str, float]:
        return {k: INDICATORS[k].measure(self) for k in ("talent_capital", "efficiency", "governance", "global_access")}

    def target_path(self) -> float:
        """The plan's AI-industry target for this quarter, log-linear between the 2020, 2025 and 2030 targets."""
        e = self.config.economy
        points = [(2020.75, e.target_2020), (2025.75, e.target_2025), (2030.75, e.target_2030)]
        t = self.quarter.decimal
        (t0, v0), (t1, v1) = (points[0], points[1]) if t <= points[1][0] else (points[1], points[2])
        return math.exp(math.log(v0) + (math.log(v1) - math.log(v0)) * (t - t0) / (t1 - t0))

    # --- events ---------------------------------------------------------------------------------
    def apply(self, event: Event) -> None:
        p = event.params
        match event.kind:
            case "ai_salience":
                self.salience = min(1.0, max(0.0, self.salience + p["delta"]))
            case "policy_window":
                self.central.open_policy_window(p["funding"], targets=p["targets"] > 0)
                self.provinces.open_policy_window()
            case "rival_shock":
                self.rival.shock += p["delta"]
            case "sanction_round":
                self.rival.pending_rounds += p["size"]
            case "export_control":
                self.rival.scope = max(self.rival.scope, p["scope"])
            case "national_team":
                self.firms.designate_national_team(int(p["size"]))
            case "governance_initiative":
                self.third.launch_initiative(p["reach"])
            case "data_breach":
                self.public.breach(p["severity"])

    # --- schedule -------------------------------------------------------------------------------
    def step(self) -> None:
        t = self.steps - 1
        self.quarter_index = self.start.index + t
        for event in self.timeline.at(t):
            self.apply(event)
        self.salience = min(1.0, self.salience + self.config.economy.salience_trend)
        self.persuasion = self.intellectuals.persuasion()

        central, rival = self.central, self.rival
        central.step()
        rival.step()
        self.firms.record_listings(rival.listed_this_step)
        self.rally = 1.0 if rival.listed_this_step > 0 else 0.0
        s_c = central.securitization

        self.provinces.step(t, s_c, self.persuasion, self.rally, central.economic_budget + central.extraordinary_funding, self.salience)
        self.firms.step(self)
        self.intellectuals.step(s_c, rival.securitization, central.measures, self.salience, self.persuasion, self.rally)
        economy_before = self.ai_economy
        self.ai_economy = float(self.firms.revenue.sum())
        automation = max(0.0, self.ai_economy / economy_before - 1.0) if economy_before > 0 else 0.0
        self.public.step(s_c, central.propaganda, self.persuasion, self.rally, automation, self.salience)
        nationalism = s_c * self.public.adoption_share
        self.talent.step(
            self.capability_ratio,
            self.config.firms.salary_premium,
            nationalism,
            central.involvement + self.sanction_risk,
            rival.visa_limits,
        )
        self.third.step(central.p.outreach, self.capability_ratio, s_c, rival.pressure)
        self.capability_ratio = self.firms.china_capability / rival.capability
        self.datacollector.collect(self)

    def run(self) -> None:
        """Run every quarter of the configured period."""
        self.run_for(self.n_steps - self.steps)
