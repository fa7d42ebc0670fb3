"""The two-layer audience rule shared by local governments, firms, intellectuals and the public.

Layer 1, private belief that AI is a national-security matter: Friedkin-Johnsen updating
(Friedkin & Johnsen 1990) with the central state as a stubborn broadcaster.
Layer 2, public adoption (echoing the centre's AI campaign): a Granovetter (1978) threshold on
belief, economic incentive, peers' adoption and authority pressure, so that adoption can
run ahead of belief (Kuran's preference falsification).
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
) -> np.ndarray:
    """One Friedkin-Johnsen step: own view, peers, the centre's message, anchored to the initial view.

    ``message`` is the centre's securitization (what the broadcast says); ``reach`` scales how
    strongly it lands on each agent (exposure times persuasiveness). ``rally`` is sanction news,
    which confirms the threat narrative.
    """
    broadcast = np.minimum(p.susceptibility * reach, 1.0 - p.peer_weight)
    mixed = (1.0 - p.peer_weight - broadcast) * belief + p.peer_weight * peer_belief + broadcast * message
    updated = (1.0 - p.stubbornness) * mixed + p.stubbornness * belief0
    updated += p.sanction_rally * rally * (1.0 - updated)
    return np.clip(updated, 0.0, 1.0)


def decide_adoption(
    belief: np.ndarray,
    incentive: np.ndarray | float,
    peer_adoption: np.ndarray | float,
    authority: np.ndarray | float,
    threshold: np.ndarray,
    p: AudienceConfig,
) -> np.ndarray:
    """Adopt when the weighted reasons to echo the campaign reach the agent's own threshold."""
    utility = p.beta_belief * belief + p.beta_incentive * incentive + p.beta_peer * peer_adoption + p.beta_authority * authority
    return utility >= threshold
