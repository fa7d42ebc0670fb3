"""The public's rule written the idiomatic Mesa way, one Python object per citizen: the comparison of benchmark (iv).

Each :class:`CitizenAgent` holds its own state as Python floats and, in :meth:`CitizenAgent.step`,
loops over its neighbours (a list of agents built once from the small-world network's CSR arrays,
``indptr``/``indices``) to form the mean belief and the share adopting, then applies the same
rule as ``Public.step`` (``sim/agents/public.py``, ``sim/agents/audience.py``): belief
(Friedkin-Johnsen), displacement and discontent, tolerance, adoption.

One quarter is ``agents.shuffle_do("step")`` followed by ``agents.do("advance")``: ``step`` reads the
neighbours' state of the previous quarter and keeps the new belief and adoption aside; ``advance``
commits them. That is Mesa's idiom for simultaneous activation, and it makes this rule the same as
the vectorized one (synchronous update), which :func:`check_against_model` verifies. Displacement draws
use the model's ``random`` (Python's generator) one citizen at a time, as a per-agent model would.
"""

from __future__ import annotations

import numpy as np
from mesa import Agent, Model


class CitizenAgent(Agent):
    """One citizen with its own state and its own step."""

    def __init__(self, model: PerAgentPublic, belief0: float, belief: float, exposure: float, job_risk: float, threshold: float) -> None:
        super().__init__(model)
        self.belief0 = belief0
        self.belief = belief
        self.exposure = exposure
        self.job_risk = job_risk
        self.threshold = threshold
        self.tolerance = model.p.tolerance0
        self.discontent = 0.0
        self.adopted = False
        self.neighbours: list[CitizenAgent] = []
        self.next_belief = belief
        self.next_adopted = False

    def step(self) -> None:
        m = self.model
        p, a = m.p, m.p.audience
        # neighbours' mean belief and share adopting, of the previous quarter
        belief_sum = 0.0
        adopted_sum = 0
        for other in self.neighbours:
            belief_sum += other.belief
            adopted_sum += other.adopted
        k = len(self.neighbours)
        peer_belief = belief_sum / k if k else 0.0
        peer_adoption = adopted_sum / k if k else 0.0

        # belief: Friedkin-Johnsen step
        reach = self.exposure * m.propaganda * m.persuasion
        broadcast = min(a.susceptibility * reach, 1.0 - a.peer_weight)
        mixed = (1.0 - a.peer_weight - broadcast) * self.belief + a.peer_weight * peer_belief + broadcast * m.securitization
        updated = (1.0 - a.stubbornness) * mixed + a.stubbornness * self.belief0
        updated += a.sanction_rally * m.rally * (1.0 - updated)
        belief = min(1.0, max(0.0, updated))

        # displacement and discontent
        displaced = m.random.random() < p.displacement_rate * m.automation * self.job_risk
        self.discontent *= 1.0 - p.discontent_decay
        if displaced:
            self.discontent += p.discontent_gain * (1.0 - self.discontent)

        # tolerance
        target = p.tolerance0 + p.tolerance_belief * (belief - a.belief0_mean) - p.tolerance_discontent * self.discontent
        self.tolerance = min(1.0, max(0.0, self.tolerance + p.tolerance_speed * (target - self.tolerance)))

        # adoption
        utility = (
            a.beta_belief * belief
            + a.beta_incentive * (m.salience - self.discontent)
            + a.beta_peer * peer_adoption
            + a.beta_authority * self.exposure * m.propaganda * m.securitization
        )
        self.next_belief = belief
        cost = a.switching_cost  # a stance is costly to revise either way (hysteresis around the threshold)
        self.next_adopted = utility >= self.threshold - cost if self.adopted else utility >= self.threshold + cost

    def advance(self) -> None:
        self.belief = self.next_belief
        self.adopted = self.next_adopted


class PerAgentPublic(Model):
    """A Mesa model holding only the public, one :class:`CitizenAgent` per citizen.

    Built from the arrays of a :class:`sim.agents.public.Public`, so both start from the same state.
    """

    def __init__(self, public, seed: int = 0) -> None:
        super().__init__(rng=seed)
        self.p = public.p
        self.securitization = self.propaganda = self.persuasion = 0.0
        self.rally = self.automation = self.salience = 0.0
        citizens = [
            CitizenAgent(self, float(b0), float(b), float(e), float(j), float(t))
            for b0, b, e, j, t in zip(
                public.belief0.tolist(),
                public.belief.tolist(),
                public.exposure.tolist(),
                public.job_risk.tolist(),
                public.threshold.tolist(),
                strict=True,
            )
        ]
        for c, tol, d, ad in zip(citizens, public.tolerance.tolist(), public.discontent.tolist(), public.adopted.tolist(), strict=True):
            c.tolerance, c.discontent, c.adopted = tol, d, ad
        indptr, indices = public.network.indptr, public.network.indices.tolist()
        for i, c in enumerate(citizens):
            c.neighbours = [citizens[j] for j in indices[indptr[i] : indptr[i + 1]]]
        self.citizens = citizens

    def set_inputs(
        self,
        securitization: float = 0.6,
        propaganda: float = 0.5,
        persuasion: float = 1.2,
        rally: float = 0.0,
        automation: float = 0.05,
        salience: float = 0.6,
    ) -> None:
        """The quarter's conditions, as the model passes them to ``Public.step``."""
        self.securitization, self.propaganda, self.persuasion = securitization, propaganda, persuasion
        self.rally, self.automation, self.salience = rally, automation, salience

    def step(self) -> None:
        self.agents.shuffle_do("step")
        self.agents.do("advance")

    def state(self) -> dict[str, np.ndarray]:
        cs = self.citizens
        return {
            "belief": np.array([c.belief for c in cs]),
            "discontent": np.array([c.discontent for c in cs]),
            "tolerance": np.array([c.tolerance for c in cs]),
            "adopted": np.array([c.adopted for c in cs]),
        }


def check_against_model(public, inputs: dict[str, float]) -> dict[str, float]:
    """Largest difference between one per-agent quarter and one ``Public.step`` from the same state.

    Displacement is random in both and drawn from different generators, so the check runs without
    automation (no one displaced); the arrays of ``public`` are restored afterwards.
    """
    inputs = inputs | {"automation": 0.0}
    saved = {k: getattr(public, k).copy() for k in ("belief", "discontent", "tolerance", "adopted")}
    agents = PerAgentPublic(public)
    agents.set_inputs(**inputs)
    agents.step()
    from bench_kernel import public_view

    public.step(public_view(public.model, inputs))
    got = agents.state()
    diff = {k: float(np.abs(got[k].astype(float) - getattr(public, k).astype(float)).max()) for k in saved}
    for k, v in saved.items():
        setattr(public, k, v)
    agents.remove_all_agents()
    return diff
