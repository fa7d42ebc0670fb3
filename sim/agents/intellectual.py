"""Intellectuals: choose whether to take up security-framed AI research; with rival-side scholars, whether to co-author."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.agents.audience import decide_adoption, initial_beliefs, initial_thresholds, update_beliefs
from sim.agents.population import Population, PopulationField, PopulationMember
from sim.batch import Streams, mean, share, total
from sim.config import IntellectualsConfig
from sim.perception import Perception

# quarters of 2009's conditions run at the start, so that the first ties are the rules' steady state (ties last ~10 quarters)
SETTLE_QUARTERS = 80


def pair(
    rng: np.random.Generator,
    partner: np.ndarray,
    rival_partner: np.ndarray,
    china_wants: np.ndarray,
    rival_draw: np.ndarray,
    rival_utility: np.ndarray,
    topic_value: np.ndarray,
    meets: np.ndarray,
) -> None:
    """One run's ties this quarter (see :meth:`Intellectuals.collaborate`), ``partner`` and ``rival_partner`` in place."""

    def rival_wants(rival: np.ndarray, china: np.ndarray) -> np.ndarray:
        return rival_draw[rival] < 1.0 / (1.0 + np.exp(-(rival_utility[rival] + topic_value[china])))

    paired = partner >= 0
    free_rival = np.flatnonzero(rival_partner < 0)
    tied = np.flatnonzero(paired)
    ended = tied[~(china_wants[tied] & rival_wants(partner[tied], tied))]
    rival_partner[partner[ended]] = -1
    partner[ended] = -1
    # every rival-side scholar without a tie is free, and there are as many of them as Chinese scholars without one
    seekers = np.flatnonzero(~paired & meets)
    met = rng.permutation(free_rival)[: seekers.size]
    form = china_wants[seekers] & rival_wants(met, seekers)
    partner[seekers[form]] = met[form]
    rival_partner[met[form]] = seekers[form]


class Intellectual(PopulationMember):
    """One scholar or policy analyst; state in :class:`Intellectuals`."""

    belief = PopulationField()
    adopted = PopulationField()
    productivity = PopulationField()
    openness = PopulationField()
    topic = PopulationField()  # risk-governance share of the scholar's security-AI agenda
    partner = PopulationField()  # index of the rival-side scholar co-authoring with this one, -1 for none


class Intellectuals(Population):
    """Adopters write security-framed AI articles; their stock of writing makes later moves more persuasive.

    Articles per adopter per quarter ~ Poisson(productivity * salience). Persuasiveness of the centre's
    message is 1 + gain * X / (X + half), X the cumulative article count (the article, section 4:
    intellectuals make the security logic "more rigorous"); X counts real articles (the sample's
    output scaled to the ``represents`` scholars it stands for).

    Topics: a scholar's security-AI agenda is part race (AI as a strategic asset) and part risk governance (safety,
    data and cyber security); the risk share of it, topic_i, moves by ``topic_speed`` a quarter toward the centre's
    risk share (where the funding calls point) shifted by the scholar's own interest (drawn once, sd ``topic_sd``).

    Co-authorship (consequence (d), section 6) is a pairwise decision of a Chinese scholar i and a
    rival-side scholar j (as many rival-side scholars as Chinese ones, held here as arrays: they only
    decide on ties). With R the China/rival capability ratio and k = R / (1 + R) China's share of joint
    capability, each side's utility of a tie is

        U_i = premium + capability_benefit (1 - k) + openness_i + topic_premium topic_i - china_rules M - echo_cost adopted_i
        U_j = premium + capability_benefit k + openness_j + topic_premium topic_i - rival_rules RS

    (M the centre's extraordinary measures, RS the rival's research security; ``topic_premium`` the value to both of
    a tie on risk governance rather than on the race, negative if that is the more sensitive topic). Each quarter each side
    wants the tie with probability 1 / (1 + exp(-U)), fresh draws every quarter; a tie continues only if
    both want it, and a scholar without a tie meets a free partner with probability ``meeting_rate`` and
    the tie forms if both want it. Securitization thus cuts ties through both states' rules, and can
    raise them through capability (a more capable China makes Chinese partners worth more to the
    rival's scholars): the sign is a result.
    """

    member_class = Intellectual

    def __init__(self, model, p: IntellectualsConfig, stream: int, n: int) -> None:
        super().__init__(model, p, stream, n)
        self.scale = model.represents("intellectuals")
        rng = self.rng
        self.belief0 = initial_beliefs(rng, n, p.audience)
        self.belief = self.belief0.copy()
        self.threshold = initial_thresholds(rng, n, p.audience)
        shape = self.belief0.shape  # (n,), or (runs, n) for a batch (sim.batch)
        self.adopted = np.zeros(shape, dtype=bool)
        self.productivity = rng.gamma(p.productivity_shape, p.productivity / p.productivity_shape, n)
        self.openness = rng.normal(0.0, p.collaboration.openness_sd, n)
        self.rival_openness = rng.normal(0.0, p.collaboration.openness_sd, n)
        self.partner = np.full(shape, -1)
        self.rival_partner = np.full(shape, -1)
        self.topic = np.zeros(shape)
        self.topic_interest = np.zeros(shape)
        self.articles = 0.0
        self.cumulative_articles = 0.0

    def start(self, view: Perception) -> None:
        """The 2009 ties: the collaboration rules run under 2009's conditions until they settle."""
        self.topic_interest = self.rng.normal(0.0, self.p.topic_sd, self.n)
        self.topic = self.topic_target(view.central.risk_share)
        for _ in range(SETTLE_QUARTERS):
            self.collaborate(view)

    @property
    def collaborating(self) -> np.ndarray:
        return self.partner >= 0

    def utilities(self, view: Perception, topic_value: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """U_i of every Chinese scholar and U_j of every rival-side scholar for a tie (see the class docstring), the
        topic premium left out of U_j: it depends on the Chinese partner (``topic_value``, :meth:`tie_topic_value`),
        added per pair."""
        c = self.p.collaboration
        ratio = view.world.capability_ratio
        china_share = ratio / (1.0 + ratio)
        topic_value = self.tie_topic_value() if topic_value is None else topic_value
        china = c.premium + c.capability_benefit * (1.0 - china_share) + self.openness + topic_value
        china = china - c.china_rules * view.central.measures - c.echo_cost * self.adopted
        rival = c.premium + c.capability_benefit * china_share + self.rival_openness - c.rival_rules * view.rival.research_security
        return china, rival

    def tie_topic_value(self) -> np.ndarray:
        """What a tie with each Chinese scholar is worth to either side for its topic: topic_premium x topic_i."""
        return self.p.collaboration.topic_premium * self.topic

    def topic_target(self, risk_share: float) -> np.ndarray:
        """The risk-governance share each scholar's agenda moves toward: the centre's risk share plus own interest."""
        return np.clip(risk_share + self.topic_interest, 0.0, 1.0)

    def shift_topics(self, risk_share: float) -> None:
        self.topic += self.p.topic_speed * (self.topic_target(risk_share) - self.topic)

    def collaborate(self, view: Perception) -> None:
        """Ties continue if both sides want them this quarter; scholars without one meet free partners and pair if both want to."""
        rng, n = self.rng, self.n
        topic_value = self.tie_topic_value()
        china_utility, rival_utility = self.utilities(view, topic_value)
        china_wants = rng.random(n) < 1.0 / (1.0 + np.exp(-china_utility))
        rival_draw = rng.random(n)  # rival scholar j wants the tie with Chinese scholar i if rival_draw[j] < P(U_j + topic value of i)
        meets = rng.random(n) < self.p.collaboration.meeting_rate
        # the pairing works on indices, so it runs per run (a batch's rows; a lone run is one row), each run's shuffle
        # from its own generator, after the draws above as alone (sim.batch)
        generators = rng.generators if isinstance(rng, Streams) else [rng]
        shape = self.partner.shape
        rows = (np.atleast_2d(np.broadcast_to(a, shape)) for a in (china_wants, rival_draw, rival_utility, topic_value, meets))
        for g, partner, rival_partner, *values in zip(
            generators, np.atleast_2d(self.partner), np.atleast_2d(self.rival_partner), *rows, strict=True
        ):
            pair(g, partner, rival_partner, *values)

    def persuasion(self) -> float:
        x = self.cumulative_articles
        return 1.0 + self.p.persuasion_gain * x / (x + self.p.persuasion_half)

    def step(self, view: Perception) -> None:
        p, w = self.p, view.world
        securitization = view.central.securitization
        self.belief = update_beliefs(self.belief, self.belief0, mean(self.belief), securitization, self.persuasion(), w.rally, p.audience)
        self.adopted = decide_adoption(
            self.belief,
            incentive=w.salience + p.funding_weight * view.central.measures,
            peer_adoption=share(self.adopted),
            authority=securitization,
            threshold=self.threshold,
            p=p.audience,
            adopted=self.adopted,
            rng=self.rng,
        )
        self.articles = total(self.rng.poisson(self.productivity * w.salience * self.adopted)) * self.scale
        self.cumulative_articles += self.articles
        self.shift_topics(view.central.risk_share)
        self.collaborate(view)

    def observe(self) -> dict[str, Any]:
        # mean, not share: a lone run shows Python floats, as before (the centre's sum() over audiences adds exact floats
        # with compensation, so a numpy scalar there would change its last bit); the same values as shares
        return {
            "adoption": mean(self.adopted),
            "persuasion": self.persuasion(),
            "articles": self.articles,
            "cooperation": mean(self.collaborating),
        }
