"""Every indicator the model records, defined once: name, meaning, unit and how it is read off the agents."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.agents.central_state import AUDIENCES
from sim.batch import each, mean, mean_within

if TYPE_CHECKING:
    from sim.model import SecuritizationModel


@dataclass(frozen=True)
class Indicator:
    name: str
    meaning: str
    unit: str
    measure: Callable[[SecuritizationModel], float]
    is_share: bool = True
    signed: bool = False  # may be negative (a growth rate); every other indicator is at least 0

    @property
    def bounds(self) -> tuple[float, float]:
        """The values the indicator can take: [0, 1] for a share or a 0-1 scale, [0, inf) for a level or an open index,
        R when signed."""
        if self.signed:
            return (-math.inf, math.inf)
        return (0.0, 1.0) if self.is_share else (0.0, math.inf)


def richardson_growth(a: float, b: float, m: float, n: float) -> float:
    """Largest eigenvalue of Richardson's (1960) system dx = a y - m x, dy = b x - n y, i.e. of [[-m, a], [b, -n]]:
    (-(m + n) + sqrt((m - n)^2 + 4 a b)) / 2 [1/quarter]. Positive exactly when a b > m n (a runaway spiral)."""
    return 0.5 * (-(m + n) + math.sqrt((m - n) ** 2 + 4.0 * a * b))


def escalation_risk(m: SecuritizationModel) -> float:
    """The China-rival spiral's growth rate at the current state: China's responsiveness and relaxation
    (:meth:`CentralState.responsiveness`, ``relaxation``) against the rival's mirroring and restraint. In Python per
    run (:func:`sim.batch.each`): numpy squares an array of per-run ``m - n`` by a shortcut that differs from
    Python's ``**`` in the last bit."""
    terms = (m.central.responsiveness(), m.rival.mirroring(m.central.risk_share), m.central.relaxation, m.rival.p.restraint)
    return each(richardson_growth, *terms)


LABELS: dict[str, str] = {  # short labels for figures and the app; the one home of them
    "securitization_central": "centre's securitization",
    "securitization_rival": "rival's securitization",
    "adoption_local": "provinces",
    "adoption_firms": "firms",
    "adoption_intellectuals": "intellectuals",
    "adoption_public": "public",
    "talent_capital": "(a) talent & capital inflow to China (per quarter)",
    "efficiency": "(b) input efficiency (2009 open frontier = 1)",
    "governance": "(c) countries backing China's governance initiatives",
    "rivalry": "(d) joint securitization (rivalry)",
    "global_access": "(e) firms' global access",
    "capability_ratio": "capability China / rival",
    "ai_economy": "AI industry (RMB bn/year)",
    "local_policies": "provincial AI policies",
    "talent_capital_stock": "(a) foreign talent & capital in China (stock)",
    "cooperation": "(d) scholars keeping a US co-author",
    "escalation_risk": "(d) escalation risk (Richardson growth rate)",
    "risk_framing": "risk-governance share of the centre's framing",
    "cyber_security_share": "security share of firms' AI/IT spending",
    "ai_incidents": "AI-enabled incidents (per quarter)",
    "risk_topics": "risk-governance share of scholars' agendas",
}
MOBILIZATION = {name: LABELS[name] for name in ("securitization_central", "securitization_rival", *(f"adoption_{a}" for a in AUDIENCES))}
# the article's five consequences, (a)-(e): names -> labels (iterating gives the names)
CONSEQUENCES = {name: LABELS[name] for name in ("talent_capital", "efficiency", "governance", "rivalry", "global_access")}
# the same five as levels for a time chart: (a) as its stock, since the quarterly inflow (a few thousandths of those
# abroad) would lie flat on a 0-1 axis
# the 2023 turn (issue 16): the centre's framing mix, firms' security spending, the incidents both answer to
RISK = {name: LABELS[name] for name in ("risk_framing", "risk_topics", "cyber_security_share", "ai_incidents")}
CONSEQUENCE_LEVELS = {name: LABELS[name] for name in ("talent_capital_stock" if c == "talent_capital" else c for c in CONSEQUENCES)}


def label(name: str) -> str:
    """An indicator's short label for a figure (its name where it has none)."""
    return LABELS.get(name, name)


INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in [
        Indicator("securitization_central", "central state's security framing of AI", "0-1", lambda m: m.central.securitization),
        Indicator("securitization_rival", "rival state's security framing of China's AI", "0-1", lambda m: m.rival.securitization),
        Indicator("adoption_local", "share of provinces echoing the centre's AI campaign", "share", lambda m: mean(m.local.adopted)),
        Indicator("adoption_firms", "share of firms echoing the campaign", "share", lambda m: mean(m.firms.adopted)),
        Indicator(
            "adoption_intellectuals",
            "share of intellectuals echoing the campaign",
            "share",
            lambda m: mean(m.intellectuals.adopted),
        ),
        Indicator("adoption_public", "share of citizens echoing the campaign", "share", lambda m: m.public.adoption_share),
        Indicator(
            "local_policies",
            "local AI policies issued so far",
            "count",
            lambda m: m.local.observe()["policies"],
            False,
        ),
        Indicator(
            "provinces_with_policy",
            "provinces that have issued at least one AI policy",
            "count",
            lambda m: m.local.observe()["with_policy"],
            False,
        ),
        Indicator(
            "security_articles",
            "security-framed AI articles published this quarter",
            "count",
            lambda m: m.intellectuals.articles,
            False,
        ),
        Indicator(
            "ai_washing_share", "share of AI-labelled firms that relabelled non-AI business", "share", lambda m: m.firms.washing_share
        ),
        Indicator(
            "sanctioned_share",
            "share of Chinese firms on the rival's entity list",
            "share",
            lambda m: mean_within(m.rival.entity_list, m.firms.chinese, empty=math.nan),
        ),
        Indicator(
            "domestic_input_share",
            "domestic share of AI inputs (capability-weighted)",
            "share",
            lambda m: m.firms.industry(m.firms.domestic_share),
        ),
        Indicator("data_tolerance", "public tolerance of data use for AI", "0-1", lambda m: m.public.mean_tolerance),
        Indicator("capability_ratio", "China's AI capability relative to the rival's", "ratio", lambda m: m.capability_ratio, False),
        Indicator("ai_economy", "core AI industry revenue", "RMB bn/year", lambda m: m.ai_economy, False),
        Indicator(
            "talent_capital",
            "(a) inflow: mean of the shares of talent abroad and of foreign capital outside China that moved into China this quarter",
            "share/quarter",
            lambda m: (m.talent.inflow + m.capital.inflow) / 2.0,
        ),
        Indicator(
            "talent_capital_stock",
            "(a) stock: mean of the shares of foreign-origin talent and of foreign capital located in China",
            "share",
            lambda m: (m.talent.foreign_in_china() + m.capital.china_share) / 2.0,
        ),
        Indicator(
            "talent_china_origin_return",
            "share of Chinese-origin talent abroad that moved to China this quarter",
            "share/quarter",
            lambda m: m.talent.returnees,
        ),
        Indicator(
            "chinese_talent_in_rival", "share of Chinese-origin talent located in the rival", "share", lambda m: m.talent.chinese_in_rival()
        ),
        Indicator("capital_in_china", "share of foreign AI capital placed in China", "share", lambda m: m.capital.china_share),
        Indicator(
            "efficiency",
            "(b) input productivity of Chinese AI firms against the 2009 open optimum, c*(p_d0) / c(lambda, p_d) (capability-weighted)",
            "index, 2009 open frontier = 1",
            lambda m: m.firms.industry(m.firms.efficiency),
            False,
        ),
        Indicator(
            "efficiency_loss_imposed",
            "(b) loss against today's open frontier imposed by export controls and listings, 1 - c*(p_d) / c(max(lambda*, cut))",
            "share",
            lambda m: m.firms.industry(m.firms.loss_imposed),
        ),
        Indicator(
            "efficiency_loss_chosen",
            "(b) loss chosen beyond the constraint (directive, risk aversion, inertia), 1 - c(max(lambda*, cut)) / c(lambda)",
            "share",
            lambda m: m.firms.industry(m.firms.loss_chosen),
        ),
        Indicator(
            "governance",
            "(c) share of third countries backing China's AI-governance initiatives (some also back the rival's)",
            "share",
            lambda m: m.third.china_share(),
        ),
        Indicator("governance_rival", "share of third countries backing the rival's initiatives", "share", lambda m: m.third.rival_share()),
        Indicator("governance_both", "share of third countries backing both sides' initiatives", "share", lambda m: m.third.both_share()),
        Indicator("outreach", "China's outreach spending on global AI governance", "RMB bn/quarter", lambda m: m.central.outreach, False),
        Indicator("threat_third", "third countries' mean perceived threat from China", "index", lambda m: m.third.mean_threat, False),
        Indicator(
            "rivalry",
            "(d) joint securitization, sqrt(S_china * S_rival): descriptive, how far both have gone",
            "0-1",
            lambda m: np.sqrt(m.central.securitization * m.rival.securitization),
        ),
        Indicator(
            "escalation_risk",
            "(d) growth rate of the China-rival securitization spiral at the current state (Richardson; > 0 runs away)",
            "1/quarter",
            escalation_risk,
            False,
            signed=True,
        ),
        Indicator(
            "global_access",
            "(e) Chinese AI firms' access to global markets and inputs, (1 - listed x severity)(1 - restriction x ties)(1 - cut)",
            "0-1",
            lambda m: m.firms.industry(m.firms.access),
        ),
        Indicator(
            "ties_chinese",
            "mean state ties of Chinese firms",
            "0-1",
            lambda m: mean_within(m.firms.ties, m.firms.chinese),
        ),
        Indicator("framing_local", "security framing of provinces' latest AI policies", "0-1", lambda m: mean(m.local.framing)),
        Indicator(
            "cooperation",
            "(d) share of Chinese scholars with an active co-authorship tie to a rival-side scholar",
            "share",
            lambda m: mean(m.intellectuals.collaborating),
        ),
        Indicator("threat_central", "central state's threat perception", "index", lambda m: m.central.threat, False),
        Indicator("extraordinary_measures", "securitization times audience acceptance", "0-1", lambda m: m.central.measures),
        Indicator("state_involvement", "state involvement in the AI industry", "0-1", lambda m: m.central.involvement),
        Indicator("export_controls", "share of foreign AI inputs cut off by export controls", "share", lambda m: m.rival.export_controls),
        Indicator(
            "subsidy_pool",
            "central and local AI subsidies",
            "RMB bn/quarter",
            lambda m: m.central.domestic_funding + m.local.observe()["subsidy"],
            False,
        ),
        Indicator("discontent", "mean public discontent", "0-1", lambda m: m.public.mean_discontent),
        Indicator(
            "risk_framing",
            "risk-governance share of the centre's securitization (the rest frames a race)",
            "share",
            lambda m: m.central.risk_share,
        ),
        Indicator(
            "cyber_security_share",
            "security share of firms' AI/IT spending (capability-weighted)",
            "share",
            lambda m: m.firms.industry(m.firms.security),
        ),
        Indicator(
            "risk_topics",
            "risk-governance share of scholars' security-AI research agendas",
            "share",
            lambda m: mean(m.intellectuals.topic),
        ),
        Indicator("ai_incidents", "AI-enabled cyber incidents against firms this quarter", "count", lambda m: m.incidents.count, False),
    ]
}
