"""The public: citizens on a sparse small-world network."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from sim.agents.audience import decide_adoption, initial_beliefs, initial_thresholds, update_beliefs
from sim.agents.population import Population, PopulationField, PopulationMember
from sim.batch import Streams, at_least, for_agents, mean, run_value, share
from sim.config import PublicConfig
from sim.perception import Perception
from sim.timeline import Event


class Citizen(PopulationMember):
    """One citizen; state in :class:`Public`."""

    belief = PopulationField()
    adopted = PopulationField()
    exposure = PopulationField()
    tolerance = PopulationField()
    discontent = PopulationField()
    job_risk = PopulationField()


def small_world(rng: np.random.Generator, n: int, degree: int, rewire: float) -> sp.csr_matrix:
    """Watts-Strogatz graph as a sparse adjacency matrix, built with O(n * degree) vectorized work (32-bit indices,
    which scipy's CSR uses anyway below 2^31 entries: a third of the time of 64-bit ones and a modulo at 10^6)."""
    half = degree // 2
    source = np.repeat(np.arange(n, dtype=np.int32), half)
    target = source + np.tile(np.arange(1, half + 1, dtype=np.int32), n)
    target[target >= n] -= n  # the ring wraps: offsets are at most half < n
    moved = rng.random(source.size) < rewire
    target[moved] = rng.integers(0, n, int(moved.sum()))
    keep = source != target
    rows = np.concatenate([source[keep], target[keep]])
    cols = np.concatenate([target[keep], source[keep]])
    adj = sp.csr_matrix((np.ones(rows.size, dtype=np.float32), (rows, cols)), shape=(n, n))
    adj.data[:] = 1.0  # merge duplicate edges
    return adj


def networks(rng: np.random.Generator | Streams, n: int, degree: int, rewire: Any) -> sp.csr_matrix | list[sp.csr_matrix]:
    """The public's network; for a batch, each run's own (with its own ``rewire``, a number or per-run (R, 1))."""
    if isinstance(rng, Streams):
        return [small_world(g, n, degree, run_value(rewire, r)) for r, g in enumerate(rng.generators)]
    return small_world(rng, n, degree, rewire)


class Public(Population):
    """Citizens update beliefs from neighbours and state media, decide whether to echo the campaign,
    and set their tolerance of data use; AI-driven job displacement breeds discontent.

    Tolerance moves toward tolerance0 + tolerance_belief * (belief - configured initial mean belief)
    - tolerance_discontent * discontent (the article, section 4: the public shows more tolerance of
    data use "for the sake of national security"); a data breach cuts it by its severity.
    """

    member_class = Citizen

    def __init__(self, model, p: PublicConfig, stream: int, n: int) -> None:
        super().__init__(model, p, stream, n)
        rng = self.rng
        self.network = networks(rng, n, p.network.degree, p.network.rewire)  # a batch: one per run (neighbour_mean)
        a = p.exposure_mean * p.exposure_concentration
        self.exposure = rng.beta(a, p.exposure_concentration - a, n)
        shape = self.exposure.shape  # (n,), or (runs, n) for a batch (sim.batch)
        nets = self.network if isinstance(self.network, list) else [self.network]
        degree = np.concatenate([np.asarray(net.sum(axis=1)).ravel() for net in nets]).reshape(shape)
        self.inv_degree = np.where(degree > 0, 1.0 / np.maximum(degree, 1), 0.0).astype(np.float64)  # same values as before
        # float64 ties: the mat-vec no longer upcasts a copy of them each call
        self.network = [net.astype(np.float64) for net in nets] if isinstance(self.network, list) else self.network.astype(np.float64)
        self.job_risk = rng.beta(p.job_risk_mean * p.job_risk_concentration, (1 - p.job_risk_mean) * p.job_risk_concentration, n)
        self.belief0 = initial_beliefs(rng, n, p.audience)
        self.belief = self.belief0.copy()
        self.threshold = initial_thresholds(rng, n, p.audience)
        self.adopted = np.zeros(shape, dtype=bool)
        self.tolerance = np.full(shape, p.tolerance0)  # a per-run (R, 1) fills its run's row
        self.discontent = np.zeros(shape)
        self.initial_tolerance = p.tolerance0
        # buffers reused every quarter (no per-step allocation at 10^5-10^6 citizens); the next belief is
        # written into a spare array and the two swap, so a belief array read last quarter stays valid
        self._spare_belief = np.empty(shape)
        self._spare_adopted = np.empty(shape, dtype=bool)
        self._peer, self._reach, self._scratch = np.empty(shape), np.empty(shape), np.empty(shape)
        self.publish()

    def neighbour_mean(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        if isinstance(self.network, list):  # run by run: one run's network stays in cache, R runs' do not (2x slower at 16 x 10^4)
            mean = np.stack([net @ row for net, row in zip(self.network, values, strict=True)])
        else:
            mean = self.network @ values
        return np.multiply(mean, self.inv_degree, out=mean)

    def on_event(self, event: Event) -> None:
        if event.kind == "data_breach":
            self.breach(event.params["severity"])

    def breach(self, severity: float) -> None:
        self.tolerance *= 1.0 - severity
        self.publish()

    def publish(self) -> None:
        """The public's aggregates as the other actors and the indicators see them until the public next changes:
        a survey at the end of the quarter. Computed once, as each is a pass over every citizen."""
        self.adoption_share = share(self.adopted)
        self.mean_tolerance = mean(self.tolerance)
        self.mean_discontent = mean(self.discontent)

    def observe(self) -> dict[str, Any]:
        return {
            "adoption": self.adoption_share,
            "discontent": self.mean_discontent,
            "tolerance": self.mean_tolerance,
            "data_factor": np.maximum(self.mean_tolerance / at_least(self.initial_tolerance, 1e-9), 0.0),
        }

    def step(self, view: Perception) -> None:
        p = self.p
        a = p.audience
        w, central = view.world, view.central
        securitization, propaganda, persuasion = central.securitization, central.propaganda, view.intellectuals.persuasion
        rally, automation, salience = w.rally, np.maximum(0.0, w.ai_economy_growth), w.salience
        reach = np.multiply(self.exposure, propaganda, out=self._reach)
        reach *= persuasion
        belief = update_beliefs(
            self.belief, self.belief0, self.neighbour_mean(self.belief), securitization, reach, rally, a, self._spare_belief, self._scratch
        )
        self._spare_belief, self.belief = self.belief, belief
        draws = self.rng.random(self.n, out=self._scratch)
        displaced = draws < np.multiply(p.displacement_rate * automation, self.job_risk, out=self._reach)
        self.discontent *= 1.0 - p.discontent_decay
        hit = self.discontent[displaced]
        self.discontent[displaced] = hit + for_agents(p.discontent_gain, displaced) * (1.0 - hit)
        target = np.subtract(self.belief, a.belief0_mean, out=self._scratch)
        target *= p.tolerance_belief
        target += p.tolerance0
        target -= p.tolerance_discontent * self.discontent
        target -= self.tolerance
        target *= p.tolerance_speed
        self.tolerance += target
        self.tolerance *= 1.0 - p.incident_harm * view.incidents.alarm  # data leaked and faked in AI-enabled incidents
        np.clip(self.tolerance, 0.0, 1.0, out=self.tolerance)
        incentive = np.subtract(salience, self.discontent, out=self._peer)
        authority = np.multiply(self.exposure, propaganda, out=self._reach)
        authority *= securitization
        np.copyto(self._scratch, self.adopted)  # as float64 for the mat-vec, without a new array
        adopted = decide_adoption(
            self.belief,
            incentive=incentive,
            peer_adoption=self.neighbour_mean(self._scratch),
            authority=authority,
            threshold=self.threshold,
            p=a,
            adopted=self.adopted,
            rng=self.rng,
            out=self._spare_adopted,
            scratch=self._scratch,
        )
        self._spare_adopted, self.adopted = self.adopted, adopted
        self.publish()
