"""Firms: national champions (some designated "national team"), private firms, start-ups, foreign-invested."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np

from sim.agents.audience import decide_adoption, initial_beliefs, initial_thresholds, update_beliefs
from sim.agents.population import Population, PopulationField, PopulationMember
from sim.batch import by_category, each, mean, per_run, power, total, total_within
from sim.config import FirmsConfig
from sim.perception import Perception
from sim.timeline import Event


class FirmKind(IntEnum):
    CHAMPION = 0
    PRIVATE = 1
    STARTUP = 2
    FOREIGN = 3


class Firm(PopulationMember):
    """One firm; its state lives in :class:`Firms`."""

    kind = PopulationField()
    national_team = PopulationField()
    genuine = PopulationField()
    capability = PopulationField()
    ties = PopulationField()
    domestic_share = PopulationField()
    sanctioned = PopulationField()
    washing = PopulationField()
    belief = PopulationField()
    adopted = PopulationField()
    subsidy = PopulationField()
    revenue = PopulationField()
    efficiency = PopulationField()
    loss_imposed = PopulationField()
    loss_chosen = PopulationField()
    access = PopulationField()
    vendor = PopulationField()


def open_domestic_share(price: float, elasticity: float) -> float:
    """Cost-minimizing domestic input share with equal-weight CES inputs and relative price ``price``.

    With elasticity of substitution sigma = 1 + elasticity (the trade elasticity of Arkolakis, Costinot &
    Rodriguez-Clare 2012), the domestic expenditure share is p^(1-sigma) / (p^(1-sigma) + 1)."""
    return 1.0 / (1.0 + price**elasticity)


def unit_cost(share: np.ndarray | float, price: float, elasticity: float) -> np.ndarray | float:
    """Unit cost of an equal-weight CES (Armington) input bundle bought with domestic expenditure share ``share``.

    Foreign inputs cost 1, domestic ``price``; per unit of spending the bundle holds share/price domestic and
    1 - share foreign units, so c(share) = [(share/price)^rho + (1 - share)^rho]^(-1/rho), rho = (sigma-1)/sigma,
    sigma = 1 + elasticity. c is quasi-convex in the share, minimized at :func:`open_domestic_share`, where it
    equals the CES price index (price^(1-sigma) + 1)^(1/(1-sigma)); c(1) = price, c(0) = 1.
    """
    rho = elasticity / (1.0 + elasticity)
    share = np.asarray(share, dtype=float)
    return power(power(share / price, rho) + power(1.0 - share, rho), -1.0 / rho)


def relative_to_chinese_mean(ties: np.ndarray, chinese: np.ndarray, floor: float | None) -> np.ndarray:
    """One run's ties over the mean ties of its Chinese firms (the mean at least ``floor``; without a floor, ones when
    that mean is not positive); ones without Chinese firms."""
    if not chinese.any():
        return np.ones(ties.shape)
    mean_ties = ties[chinese].mean()
    if floor is not None:
        return ties / max(float(mean_ties), floor)
    return ties / mean_ties if mean_ties > 0 else np.ones(ties.shape)


class Firms(Population):
    """Each firm decides its state ties, input sourcing, AI relabelling and whether to echo the campaign.

    - Ties: best response tau* = B / (B + C). B is the subsidy share of the market times the firm's
      structural political access, doubled for national-team members, zero for foreign-invested
      firms; C is the cost of ties, raised by the perceived sanction risk on its global sales. State
      involvement imposes obligations on every firm (military-civil fusion; National Intelligence Law
      2017, Art. 7): tau >= involvement x obligation of its type (national team: 1).
    - Sourcing: CES (Armington) cost-minimizing domestic share given the domestic substitutes' price,
      inflated for foreign inputs by supply risk and, for tied firms, by the self-reliance directive;
      inputs cut off by export controls or listing force the domestic share up. Efficiency is input
      productivity against a fixed reference, the 2009 open optimum: c*(p_d0) / c(lambda_i, p_d); the
      loss against today's open frontier splits into what the controls imposed and what the firm chose.
    - Learning: domestic inputs get cheaper with cumulative domestic purchases, toward a floor that may
      lie below the foreign price.
    - Relabelling: a firm without genuine AI business relabels as "AI" when its expected subsidy
      (after audits) exceeds its relabelling cost.
    - Security: the share of its AI/IT spending that goes to (cyber, data) security, by partial adjustment toward
      security0 + security_incidents * (its own recent incidents + the alarm it sees) + security_regulation * the
      centre's risk-governance push (securitization x risk share), and at least a security rule's floor for the firms
      the rules bind (champions and the national team: "key sectors"). Security spending is not spent on capability:
      growth scales by (1 - security) / (1 - security0); an incident costs the firm ``incident_loss`` of its quarter's
      revenue.
    - Echoing the risk-governance part of the campaign (the centre's risk push) is a market to the firms that sell
      security (a ``vendor_share`` of Chinese firms, drawn once: they gain security_market x the industry's security
      share) and a compliance cost to the others (compliance_cost x the security share spent above 2009's).

    The population is a sample of the industry: each firm stands for ``represents / n`` real firms, so
    money is per real firm (a firm's subsidy is its share of the pool per firm it stands for) and
    totals are the sample's sum scaled back up; results do not depend on how many firms are simulated.
    """

    member_class = Firm

    def __init__(self, model, p: FirmsConfig, stream: int, n: int) -> None:
        super().__init__(model, p, stream, n)
        self.scale = model.represents("firms")
        rng = self.rng
        profiles = [p.profiles.champion, p.profiles.private, p.profiles.startup, p.profiles.foreign]
        shares = np.array([pr.share for pr in profiles])
        self.kind = rng.choice(len(FirmKind), size=n, p=shares / shares.sum())
        shape = self.kind.shape  # (n,), or (runs, n) for a batch (sim.batch)
        pick = lambda attr: by_category([getattr(pr, attr) for pr in profiles], self.kind)  # noqa: E731
        self.capability = pick("capability0") * rng.lognormal(0.0, p.capability_sigma, n)
        self.genuine = rng.random(n) < pick("genuine")
        self.ties = np.clip(pick("ties0") * rng.lognormal(0.0, p.profile_sigma, n), 0.0, 1.0)
        self.export = np.clip(pick("export") * rng.lognormal(0.0, p.profile_sigma, n), 0.0, 1.0)
        self.chinese = self.kind != FirmKind.FOREIGN
        # structural access to state channels (SOE links, party ties): a firm's starting ties relative to the average Chinese firm
        self.political_access = per_run(lambda t, c: relative_to_chinese_mean(t, c, 1e-12), self.ties, self.chinese)
        self.national_team = np.zeros(shape, dtype=bool)
        self.sanctioned = np.zeros(shape, dtype=bool)
        self.washing = np.zeros(shape, dtype=bool)
        self.washing_cost = rng.lognormal(np.log(p.washing_cost_median), p.washing_cost_sigma, n)
        self.obligation = pick("obligation")
        self.domestic_price = 1.0 + p.domestic_premium0
        open_share = each(open_domestic_share, self.domestic_price, p.trade_elasticity)
        self.domestic_share = np.full(shape, open_share)
        self.domestic_experience = 0.0
        reference = each(lambda s, pr, e: float(unit_cost(s, pr, e)), open_share, self.domestic_price, p.trade_elasticity)
        self.reference_cost = reference if n else 1.0
        self.efficiency = np.ones(shape)
        self.loss_imposed = np.zeros(shape)
        self.loss_chosen = np.zeros(shape)
        self.access = np.ones(shape)
        self.subsidy = np.zeros(shape)
        self.labelled = np.zeros(shape, dtype=bool)
        self.revenue = np.zeros(shape)
        self.hazard = 0.0
        self.wage_premium = p.salary_premium  # over the rival's pay, offered to mobile talent: the base plus what subsidies fund
        self.belief0 = initial_beliefs(rng, n, p.audience)
        self.belief = self.belief0.copy()
        self.threshold = initial_thresholds(rng, n, p.audience)
        self.adopted = np.zeros(shape, dtype=bool)
        self.security = np.full(shape, p.security0)
        self.incident_memory = np.zeros(shape)
        self.security_floor = 0.0
        self.key_sector = self.kind == FirmKind.CHAMPION
        self.vendor = self.chinese & (rng.random(n) < p.vendor_share)

    def start(self, view: Perception) -> None:
        """The opening revenue: capability sold before any listing, restriction or cut-off (the model's opening AI
        economy)."""
        economy = self.model.config.economy
        self.earn(0.0, 0.0, 0.0, economy.revenue_scale, economy.global_demand)

    # --- perception -------------------------------------------------------------------------
    @property
    def sanction_risk(self) -> float:
        """Chance of being listed within the planning horizon at the hazard observed lately."""
        return 1.0 - each(lambda h, horizon: (1.0 - h) ** horizon, self.hazard, self.p.risk_horizon)

    def own_risk(self) -> np.ndarray:
        """Firms know listings target state ties: a firm scales the common risk by its relative ties."""
        relative = per_run(lambda t, c: relative_to_chinese_mean(t, c, None), self.ties, self.chinese)
        return np.minimum(1.0, self.sanction_risk * relative) * self.chinese

    # --- decisions -------------------------------------------------------------------------
    def choose_ties(self, subsidy_rate: float, involvement: float, risk: np.ndarray) -> None:
        p = self.p
        benefit = subsidy_rate * self.political_access * (1.0 + p.national_team_benefit * self.national_team) * self.chinese
        cost = p.tie_cost * (1.0 + p.sanction_fear * risk * self.export)
        best = benefit / (benefit + cost)
        self.ties += p.tie_speed * (best - self.ties)
        self.ties = np.maximum(self.ties, involvement * self.obligations())

    def obligations(self) -> np.ndarray:
        """Each firm's share of the state's involvement it must carry as ties: its type's obligation, the national team's in full."""
        return np.where(self.national_team, 1.0, self.obligation)

    def choose_sourcing(self, export_controls: float, severity: float, directive: float, risk: np.ndarray) -> np.ndarray:
        """Domestic input share: partial adjustment toward the risk- and directive-adjusted optimum, never below what is cut off.

        Efficiency e_i = c*(p_d0) / c(lambda_i, p_d) against the fixed 2009 open optimum. Against today's open
        frontier c*(p_d), the loss splits exactly: 1 - c*/c(lambda_i) = 1 - (1 - imposed)(1 - chosen), with
        imposed = 1 - c*(p_d) / c(lambda_c) at the constrained optimum lambda_c = max(lambda*(p_d), cut), and
        chosen = 1 - c(lambda_c) / c(lambda_i) (the directive, risk aversion beyond the constraint, inertia).
        """
        p = self.p
        eps, price = p.trade_elasticity, self.domestic_price
        supply_risk = np.minimum(1.0, export_controls * self.chinese + risk)
        relative_price = price / ((1.0 + p.risk_weight * supply_risk) * (1.0 + p.directive_weight * directive * self.ties))
        best = 1.0 / (1.0 + power(relative_price, eps))
        cut = np.maximum(export_controls * self.chinese, self.sanctioned * severity)
        self.domestic_share = np.maximum(self.domestic_share + p.sourcing_speed * (best - self.domestic_share), cut)
        open_share = each(open_domestic_share, price, eps)
        cost = unit_cost(self.domestic_share, price, eps)
        constrained = unit_cost(np.maximum(open_share, cut), price, eps)
        self.efficiency = self.reference_cost / cost
        frontier = each(unit_cost, open_share, price, eps)
        self.loss_imposed = np.maximum(0.0, 1.0 - frontier / constrained)  # >= 0 up to rounding
        self.loss_chosen = np.maximum(0.0, 1.0 - constrained / cost)
        return cut

    def learn_domestic(self) -> None:
        """Domestic substitutes get cheaper with cumulative domestic purchases (Wright's law, learning by doing).

        p_d = floor + (p_d0 - floor) (1 + E/scale)^(-learning), E the sum over quarters of the mean domestic
        share (industry-wide purchases per firm, so independent of the sample's size). The floor may lie below
        the foreign price (domestic substitutes end up cheaper) or above it."""
        p = self.p
        self.domestic_experience += mean(self.domestic_share)
        start = 1.0 + p.domestic_premium0
        decay = each(lambda e, scale, rate: (1.0 + e / scale) ** (-rate), self.domestic_experience, p.learning_scale, p.learning)
        self.domestic_price = p.domestic_price_floor + (start - p.domestic_price_floor) * decay

    def allocate_subsidies(self, pool: float) -> None:
        """Subsidies go to firms labelled "AI", weighted toward close state ties; audits claw back from relabellers.

        Per real firm: the pool divided over the firms the sample stands for (``scale`` each)."""
        p = self.p
        weight = (1.0 + self.ties) * self.chinese
        labelled_prev = self.genuine | self.washing
        claimed = total(weight * labelled_prev) * self.scale
        expected = pool * weight / np.maximum(claimed, 1e-12) * (1.0 - p.audit)
        self.washing = (~self.genuine) & self.chinese & (expected > self.washing_cost)
        labelled = (self.genuine | self.washing) & self.chinese
        share = weight * labelled / np.maximum(total(weight * labelled) * self.scale, 1e-12)
        self.subsidy = pool * share * (1.0 - p.audit * self.washing)
        self.labelled = labelled

    def choose_security(self, hit: np.ndarray, alarm: float, risk_push: float) -> None:
        """Security share of AI/IT spending: toward what incidents suffered and seen and the risk framing call for."""
        p = self.p
        self.incident_memory = np.maximum(p.incident_memory * self.incident_memory, hit)
        target = p.security0 + p.security_incidents * (self.incident_memory + alarm) + p.security_regulation * risk_push
        target = np.maximum(target, self.security_floor * (self.key_sector | self.national_team))
        self.security += p.security_speed * (np.minimum(target, p.security_max) - self.security)

    def risk_reason(self, risk_push: float) -> np.ndarray:
        """Each firm's reason to echo the campaign's risk-governance part: the security market to a vendor, the
        security spent above 2009's to the others [utility]."""
        p = self.p
        market = p.security_market * self.industry(self.security)
        compliance = p.compliance_cost * np.maximum(self.security - p.security0, 0.0)
        return risk_push * np.where(self.vendor, market, -compliance)

    def on_event(self, event: Event) -> None:
        if event.kind == "national_team":
            self.designate_national_team(event.params["size"])
        elif event.kind == "security_rule":
            self.security_floor = event.params["floor"]

    def designate_national_team(self, size: float) -> None:
        """The centre names the most capable genuine Chinese AI firms as the national team: ``size`` real
        firms, so the same share of the industry whatever the sample's size."""
        named = int(round(size / self.scale))

        def designate(team: np.ndarray, genuine: np.ndarray, chinese: np.ndarray, capability: np.ndarray) -> np.ndarray:
            eligible = np.flatnonzero(genuine & chinese)
            order = eligible[np.argsort(-capability[eligible], kind="stable")]
            team = team.copy()
            team[order[:named]] = True
            return team

        self.national_team = per_run(designate, self.national_team, self.genuine, self.chinese, self.capability)

    def grow(self, capability_ratio: float, data_factor: float, talent_factor: float, capital_factor: float) -> None:
        """Capability grows faster the further behind the frontier (advantage of backwardness), with data,
        talent and the foreign capital that finances a share ``foreign_funding`` of investment."""
        p = self.p
        intensity = self.subsidy / (self.subsidy + self.revenue / 4.0 + 1e-12)
        catch_up = np.maximum(0.0, 1.0 + p.catch_up * (1.0 - capability_ratio))
        growth = p.growth * catch_up * self.efficiency * (1.0 + p.subsidy_boost * intensity)
        growth *= each(lambda d, t, dw, tw: d**dw * t**tw, data_factor, talent_factor, p.data_weight, p.talent_weight)
        growth *= 1.0 - p.foreign_funding + p.foreign_funding * capital_factor
        growth *= (1.0 - self.security) / (1.0 - p.security0)  # security spending is not capability investment
        self.capability *= 1.0 + growth * self.genuine

    def tariff_factor(self, tariff: float) -> float:
        """Foreign sales kept under the rival's average tariff ``tariff`` on Chinese goods: the rival's market, a share
        ``rival_market`` of foreign sales, scales by ((1 + tariff) / (1 + tariff0))^(-trade_elasticity) against the tariff
        the run starts with (constant-elasticity import demand, the elasticity of the firms' input choice)."""
        p = self.p
        relative = (1.0 + tariff) / (1.0 + self.model.config.economy.tariff0)
        return 1.0 - p.rival_market * (1.0 - each(lambda r, e: r ** (-e), relative, p.trade_elasticity))

    def earn(
        self,
        severity: float,
        restriction: float,
        cut: np.ndarray,
        revenue_scale: float,
        global_demand: float,
        tariff: float | None = None,
        hit: np.ndarray | None = None,
    ) -> None:
        """Revenue: effective capability sold at home and, as far as access and the rival's tariff allow, abroad, less
        what an incident (``hit``) cost."""
        market = (1.0 - self.sanctioned * severity) * (1.0 - restriction * self.ties * self.chinese)
        self.access = market * (1.0 - cut)
        abroad = 1.0 if tariff is None else np.where(self.chinese, self.tariff_factor(tariff), 1.0)  # the tariff is on Chinese goods
        sales = (1.0 - self.export) + self.export * market * global_demand * abroad
        self.revenue = revenue_scale * self.capability * self.efficiency * sales * self.genuine
        if hit is not None:
            self.revenue *= 1.0 - self.p.incident_loss * hit

    def step(self, view: Perception) -> None:
        """One quarter of firm decisions, from the quarter's snapshot."""
        p, w, central, rival = self.p, view.world, view.central, view.rival
        self.sanctioned = rival.entity_list.copy()
        self.record_listings(rival.listed_share)
        risk = self.own_risk()
        severity = rival.severity
        pool = central.funding + view.local.subsidy
        quarterly_revenue = total(self.revenue) * self.scale / 4.0
        subsidy_rate = pool / (pool + quarterly_revenue + 1e-12)
        self.wage_premium = p.salary_premium + p.salary_funding * subsidy_rate
        self.choose_ties(subsidy_rate, central.involvement, risk)
        cut = self.choose_sourcing(rival.export_controls, severity, central.measures, risk)
        self.learn_domestic()
        risk_push = central.securitization * central.risk_share  # the campaign's risk-governance part
        self.choose_security(view.incidents.hit, view.incidents.alarm, risk_push)
        self.allocate_subsidies(pool)
        self.grow(w.capability_ratio, view.public.data_factor, view.talent.china_factor, view.capital.china_factor)
        economy = self.model.config.economy
        self.earn(severity, view.third.restriction, cut, economy.revenue_scale, economy.global_demand, rival.tariff, view.incidents.hit)
        self.belief = update_beliefs(
            self.belief,
            self.belief0,
            self.mean_by_kind(self.belief),
            central.securitization,
            view.intellectuals.persuasion,
            w.rally,
            p.audience,
        )
        self.adopted = decide_adoption(
            self.belief,
            incentive=w.salience * self.labelled
            + self.ties
            - self.export * risk
            - p.sanction_cost * self.sanctioned * severity * self.export
            + self.risk_reason(risk_push),
            peer_adoption=self.mean_by_kind(self.adopted.astype(float)),
            authority=central.securitization * self.ties,
            threshold=self.threshold,
            p=p.audience,
            adopted=self.adopted,
            rng=self.rng,
        )

    def mean_by_kind(self, values: np.ndarray) -> np.ndarray:
        """Each firm's peer value: the mean over firms of its own type."""
        kinds, runs = len(FirmKind), self.kind.shape[:-1]  # runs: () alone, (R,) for a batch
        groups = kinds * int(np.prod(runs))
        # a batch's run r counts its kinds as r*K .. r*K + K-1: each run's sums add its own firms in the order they add alone
        group = (self.kind + kinds * np.arange(groups // kinds).reshape(runs + (1,))).ravel()
        sums = np.bincount(group, weights=np.ravel(values), minlength=groups).reshape(runs + (kinds,))
        counts = np.maximum(np.bincount(group, minlength=groups).reshape(runs + (kinds,)), 1)
        return np.take_along_axis(sums / counts, self.kind, axis=-1)

    def record_listings(self, listed_share: float) -> None:
        """The listing hazard firms perceive: the share of Chinese firms listed, exponentially smoothed."""
        m = self.p.risk_memory
        self.hazard = m * self.hazard + (1.0 - m) * listed_share

    # --- aggregates --------------------------------------------------------------------------
    @property
    def china_capability(self) -> float:
        return total_within(self.capability, self.genuine & self.chinese) * self.scale

    @property
    def ai_economy(self) -> float:
        """Core AI industry revenue [RMB bn/year]: the sample's revenue scaled to the industry it stands for."""
        return total(self.revenue) * self.scale

    def industry(self, values: np.ndarray) -> float:
        """Capability-weighted mean over genuine Chinese AI firms: the industry's, not the average firm's, view."""

        def weighted(v: np.ndarray, capability: np.ndarray, mask: np.ndarray) -> float:
            weights = capability[mask]
            weight = weights.sum()
            return float((v[mask] * weights).sum() / weight) if weight > 0 else 1.0

        return per_run(weighted, values, self.capability, self.genuine & self.chinese)

    @property
    def washing_share(self) -> float:
        """Share of AI-labelled firms that relabelled non-AI business as AI."""

        def washing(washed: np.ndarray, labelled: np.ndarray) -> float:
            count = int(labelled.sum())
            return float(washed.sum()) / count if count else 0.0

        return per_run(washing, self.washing, self.labelled)

    def observe(self) -> dict[str, Any]:
        return {
            "wage_premium": self.wage_premium,
            "adoption": mean(self.adopted),
            "ai_economy": self.ai_economy,
            "china_capability": self.china_capability,
            "sanction_risk": self.sanction_risk,
            "efficiency": self.industry(self.efficiency),
            "loss_imposed": self.industry(self.loss_imposed),
            "loss_chosen": self.industry(self.loss_chosen),
            "access": self.industry(self.access),
            "domestic_share": self.industry(self.domestic_share),
            "security": self.security,
            "security_share": self.industry(self.security),
            "ties": self.ties,
            "capability": self.capability,
            "chinese": self.chinese,
        }
