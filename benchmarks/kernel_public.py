"""The public's per-step update rules in raw numpy, with no Mesa and no model: the kernel limit of benchmark (iii).

The same arrays as :class:`sim.agents.public.Public` (belief, belief0, exposure, job_risk, threshold,
tolerance, discontent, adopted, the CSR arrays of the small-world network and 1/degree), and the same
rules as ``Public.step`` (``sim/agents/public.py``) with ``update_beliefs`` and ``decide_adoption``
(``sim/agents/audience.py``):

1. belief: Friedkin-Johnsen step mixing own belief, the neighbours' mean belief and the centre's
   message, anchored to the initial belief, plus the sanction rally, clipped to [0, 1];
2. displacement: a uniform draw per citizen below displacement_rate * automation * job_risk;
   discontent decays, displaced citizens gain discontent toward 1;
3. tolerance moves toward tolerance0 + tolerance_belief * (belief - belief0_mean)
   - tolerance_discontent * discontent, clipped to [0, 1];
4. adoption: belief, incentive (salience - discontent), the neighbours' share adopting (of the
   previous quarter) and authority pressure, weighed against the citizen's threshold, with the
   switching cost's band of hysteresis around it.

What makes it the limit: every buffer is allocated once, every operation writes in place, the
scalar factors are folded before touching an array, and the neighbour sums call scipy's compiled
CSR mat-vec (``csr_matvec``) on float64 ones directly, without the ``scipy.sparse`` wrapper (no dtype
upcast, no allocation). ``neighbours="numpy"`` uses numpy alone (gather + ``np.add.reduceat``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse._sparsetools import csr_matvec


@dataclass(frozen=True)
class PublicParams:
    """The constants of the public's rule (``conf/public/default.yaml``)."""

    susceptibility: float
    peer_weight: float
    stubbornness: float
    sanction_rally: float
    beta_belief: float
    beta_incentive: float
    beta_peer: float
    beta_authority: float
    switching_cost: float
    belief0_mean: float
    displacement_rate: float
    discontent_gain: float
    discontent_decay: float
    tolerance0: float
    tolerance_belief: float
    tolerance_discontent: float
    tolerance_speed: float

    @classmethod
    def from_config(cls, p) -> PublicParams:
        """From a :class:`sim.config.PublicConfig`."""
        a = p.audience
        return cls(
            susceptibility=a.susceptibility,
            peer_weight=a.peer_weight,
            stubbornness=a.stubbornness,
            sanction_rally=a.sanction_rally,
            beta_belief=a.beta_belief,
            beta_incentive=a.beta_incentive,
            beta_peer=a.beta_peer,
            beta_authority=a.beta_authority,
            switching_cost=a.switching_cost,
            belief0_mean=a.belief0_mean,
            displacement_rate=p.displacement_rate,
            discontent_gain=p.discontent_gain,
            discontent_decay=p.discontent_decay,
            tolerance0=p.tolerance0,
            tolerance_belief=p.tolerance_belief,
            tolerance_discontent=p.tolerance_discontent,
            tolerance_speed=p.tolerance_speed,
        )


class PublicKernel:
    """State arrays plus preallocated buffers; :meth:`step` is one quarter of the public's rule."""

    def __init__(
        self,
        params: PublicParams,
        indptr: np.ndarray,
        indices: np.ndarray,
        inv_degree: np.ndarray,
        exposure: np.ndarray,
        job_risk: np.ndarray,
        belief0: np.ndarray,
        belief: np.ndarray,
        threshold: np.ndarray,
        tolerance: np.ndarray,
        discontent: np.ndarray,
        adopted: np.ndarray,
        neighbours: str = "csr",
    ) -> None:
        if neighbours not in ("csr", "numpy"):
            raise ValueError(f"neighbours={neighbours!r}: 'csr' or 'numpy'")
        self.p = params
        self.n = n = belief.size
        self.indptr, self.indices = indptr, indices
        self.ones = np.ones(indices.size)  # the adjacency's values: every tie weighs 1
        self.starts = np.minimum(indptr[:-1], max(indices.size - 1, 0))  # reduceat: an empty row reads a valid index, then x 0
        self.inv_degree = inv_degree.astype(np.float64)
        self.exposure = exposure.astype(np.float64)
        self.job_risk = job_risk.astype(np.float64)
        self.belief = belief.astype(np.float64)
        self.threshold = threshold.astype(np.float64)
        self.tolerance = tolerance.astype(np.float64)
        self.discontent = discontent.astype(np.float64)
        self.adopted = adopted.astype(bool)
        self.anchor = params.stubbornness * belief0  # constant term of the belief update, folded once
        self.neighbours = neighbours
        self._peer = np.empty(n)
        self._a = np.empty(n)
        self._b = np.empty(n)
        self._mask = np.empty(n, dtype=bool)

    @classmethod
    def from_public(cls, public, neighbours: str = "csr") -> PublicKernel:
        """A kernel holding copies of the state of a model's :class:`sim.agents.public.Public`."""
        net = public.network
        return cls(
            PublicParams.from_config(public.p),
            net.indptr.copy(),
            net.indices.copy(),
            public.inv_degree,
            public.exposure,
            public.job_risk,
            public.belief0,
            public.belief.copy(),
            public.threshold,
            public.tolerance.copy(),
            public.discontent.copy(),
            public.adopted.copy(),
            neighbours=neighbours,
        )

    def neighbour_mean(self, values: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Mean of ``values`` (float64) over each citizen's neighbours, into ``out``."""
        if self.neighbours == "csr":
            out.fill(0.0)
            csr_matvec(self.n, self.n, self.indptr, self.indices, self.ones, values, out)
        else:
            np.add.reduceat(values[self.indices], self.starts, out=out)
        out *= self.inv_degree
        return out

    def step(
        self,
        securitization: float,
        propaganda: float,
        persuasion: float,
        rally: float,
        automation: float,
        salience: float,
        rng: np.random.Generator,
    ) -> None:
        p = self.p
        belief, discontent, tolerance = self.belief, self.discontent, self.tolerance
        peer, a, b, mask = self._peer, self._a, self._b, self._mask

        # 1. belief (Friedkin-Johnsen): b = min(susceptibility * reach, 1 - w); mixed = (1 - w - b) x + w peer + b message
        self.neighbour_mean(belief, peer)
        np.multiply(self.exposure, p.susceptibility * propaganda * persuasion, out=b)
        np.minimum(b, 1.0 - p.peer_weight, out=b)
        np.subtract(1.0 - p.peer_weight, b, out=a)
        a *= belief
        peer *= p.peer_weight
        a += peer
        b *= securitization
        a += b
        a *= 1.0 - p.stubbornness
        a += self.anchor
        if rally:
            r = p.sanction_rally * rally
            a *= 1.0 - r
            a += r
        np.clip(a, 0.0, 1.0, out=belief)

        # 2. displacement and discontent
        rng.random(self.n, out=a)
        np.multiply(self.job_risk, p.displacement_rate * automation, out=b)
        np.less(a, b, out=mask)
        discontent *= 1.0 - p.discontent_decay
        hit = np.flatnonzero(mask)
        if hit.size:
            d = discontent[hit]
            discontent[hit] = d + p.discontent_gain * (1.0 - d)

        # 3. tolerance toward tolerance0 + tb (belief - belief0_mean) - td discontent
        np.multiply(belief, p.tolerance_belief, out=a)
        a += p.tolerance0 - p.tolerance_belief * p.belief0_mean
        np.multiply(discontent, p.tolerance_discontent, out=b)
        a -= b
        a -= tolerance
        a *= p.tolerance_speed
        tolerance += a
        np.clip(tolerance, 0.0, 1.0, out=tolerance)

        # 4. adoption: utility - threshold >= +cost to start, >= -cost to keep; peers' adoption of the previous quarter
        np.copyto(b, self.adopted)
        self.neighbour_mean(b, peer)
        np.multiply(belief, p.beta_belief, out=a)
        a += p.beta_incentive * salience
        np.multiply(discontent, p.beta_incentive, out=b)
        a -= b
        peer *= p.beta_peer
        a += peer
        np.multiply(self.exposure, p.beta_authority * propaganda * securitization, out=b)
        a += b
        a -= self.threshold
        a -= p.switching_cost
        np.multiply(self.adopted, 2.0 * p.switching_cost, out=b)
        a += b
        np.greater_equal(a, 0.0, out=self.adopted)

    def state(self) -> dict[str, np.ndarray]:
        return {"belief": self.belief, "discontent": self.discontent, "tolerance": self.tolerance, "adopted": self.adopted}
