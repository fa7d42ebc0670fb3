"""The two-layer audience rule shared by local governments, firms, intellectuals and the public.

Layer 1, private belief that AI is a national-security matter: Friedkin-Johnsen updating
(Friedkin & Johnsen 1990) with the central state as a stubborn broadcaster.
Layer 2, public adoption (echoing the centre's AI campaign): a Granovetter (1978) threshold on
belief, economic incentive (net of the costs the agent bears), peers' adoption and authority
pressure, so that adoption can run ahead of belief (Kuran's preference falsification). Adoption has
memory: switching either way costs ``switching_cost`` (a band of hysteresis around the threshold,
as in Kuran's model, where a public stance is costly to revise); at 0 it is re-decided afresh every
quarter, the memoryless rule of the first version (``structure/adoption=memoryless``). With ``noise``
above 0 the threshold rule becomes a random-utility (logit) rule (McFadden 1974): each quarter an agent's
reasons carry a logistic shock of scale ``noise``, so adoption is a probability that rises smoothly with
the reasons instead of a switch (``structure/adoption=logit``).
"""

from __future__ import annotations

import numpy as np

from sim.config import AudienceConfig


def initial_beliefs(rng: np.random.Generator, n: int, p: AudienceConfig) -> np.ndarray:
    return np.clip(rng.normal(p.belief0_mean, p.belief0_sd, n), 0.0, 1.0)


def initial_thresholds(rng: np.random.Generator, n: int, p: AudienceConfig) -> np.ndarray:
    return np.maximum(rng.normal(p.threshold_mean, p.threshold_sd, n), 0.0)


def update_beliefs(
    belief: np.ndarray,
    belief0: np.ndarray,
    peer_belief: np.ndarray | float,
    message: float,
    reach: np.ndarray | float,
    rally: float,
    p: AudienceConfig,
    out: np.ndarray | None = None,
    scratch: np.ndarray | None = None,
) -> np.ndarray:
    """One Friedkin-Johnsen step: own view, peers, the centre's message, anchored to the initial view.

    ``message`` is the centre's securitization (what the broadcast says); ``reach`` scales how
    strongly it lands on each agent (exposure times persuasiveness). ``rally`` is sanction news,
    which confirms the threat narrative. ``out`` and ``scratch`` (float64, the size of ``belief``,
    neither an input) are buffers a large population reuses every quarter; the operations run in
    place, in the same order either way, so the numbers are the same.
    """
    out = np.empty(np.shape(belief)) if out is None else out
    scratch = np.empty(np.shape(belief)) if scratch is None else scratch
    broadcast = np.minimum(np.multiply(p.susceptibility, reach, out=scratch), 1.0 - p.peer_weight, out=scratch)
    np.subtract(1.0 - p.peer_weight, broadcast, out=out)
    out *= belief
    out += p.peer_weight * peer_belief
    out += np.multiply(broadcast, message, out=broadcast)
    out *= 1.0 - p.stubbornness
    out += p.stubbornness * belief0
    if np.any(rally):  # per run in a batch: a run without sanction news adds 0
        out += p.sanction_rally * rally * (1.0 - out)
    return np.clip(out, 0.0, 1.0, out=out)


def decide_adoption(
    belief: np.ndarray,
    incentive: np.ndarray | float,
    peer_adoption: np.ndarray | float,
    authority: np.ndarray | float,
    threshold: np.ndarray,
    p: AudienceConfig,
    adopted: np.ndarray | None = None,
    out: np.ndarray | None = None,
    scratch: np.ndarray | None = None,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Adopt when the weighted reasons to echo the campaign clear the agent's own threshold.

    With ``adopted`` (the current stance) an adopter keeps echoing until the reasons fall below
    threshold - switching_cost, and a non-adopter starts only above threshold + switching_cost; so a
    stance, once taken, survives small setbacks but not a lasting cost. ``out`` (bool) and ``scratch``
    (float64) are optional reusable buffers, as in :func:`update_beliefs`. ``rng`` draws the logistic
    shocks when ``p.noise`` > 0 (required then).
    """
    utility = np.multiply(p.beta_belief, belief, out=scratch)
    utility += p.beta_incentive * incentive
    utility += p.beta_peer * peer_adoption
    utility += p.beta_authority * authority
    utility -= threshold
    if p.noise > 0:
        if rng is None:
            raise ValueError("decide_adoption: a random-utility rule (noise > 0) needs rng")
        utility += p.noise * rng.logistic(size=np.shape(utility)[-1:])  # one run's agents (sim.batch.Streams stacks the runs)
    if adopted is None or not np.any(p.switching_cost):  # a batch's runs may differ: the general rule is exact at 0
        return np.greater_equal(utility, 0.0, out=out)
    # adopters need utility >= -cost, others >= +cost: shift by cost, back by 2 cost where adopted
    utility -= p.switching_cost
    utility += (2.0 * p.switching_cost) * adopted
    return np.greater_equal(utility, 0.0, out=out)
