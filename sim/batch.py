"""Runs advanced together (issue 12): the shapes of a batch, and its runs' random numbers.

A batch is R runs of one configuration that differ in their random streams (replications) and may differ in the
values of real-valued parameters: such a field of the configuration holds a read-only (R, 1) array, one value per
run (:func:`sim.ensemble.batch_config`; which parameters may: :func:`sim.ensemble.settable_per_run`), and the actors
read it as any per-run quantity. An actor written for a batch keeps its runs on a leading axis: a per-agent quantity
is an (R, n) array, a per-run quantity an (R, 1) array (a length-1 agent axis, so it broadcasts against the agents).
A single run is the same code without the leading axis: (n,) arrays and floats. Each run of a batch gets the numbers
it gets alone, value for value:

- elementwise operations act row by row;
- a reduction over a row's agents (:func:`mean`, :func:`total`) adds in the order it adds over a lone (n,) array
  (numpy's pairwise sum along a contiguous last axis; tests/test_batch.py checks it);
- a run draws only from its own generator (:class:`Streams`), in the order it would alone;
- what has no row-by-row form with the same numbers (a sum over a subset that differs between runs, a sort of the
  eligible agents, a draw whose size differs between runs) runs once per row (:func:`per_run`, ``Streams.generators``);
- what numpy computes differently from Python's scalars (``exp``, ``**``, ``sum`` of floats) runs in Python per run
  (:func:`each`), and a power whose exponent is a per-run parameter row by row (:func:`power`).

Every actor steps a batch (tests/test_batch.py checks each against single runs, quarter by quarter, and the model's
series: :func:`sim.run.build_batch`; and every parameter set per run); the ensemble engine advances together the
replications of a point and the points that differ only in such parameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def batched(x: Any) -> bool:
    """Whether a per-agent array carries a batch axis ((R, n) rather than (n,))."""
    return getattr(x, "ndim", 0) > 1


def per_run_values(x: Any) -> bool:
    """Whether a per-run value is a batch's (R, 1) rather than one run's number (a float, a numpy scalar or 0-d array)."""
    return getattr(x, "ndim", 0) > 0


def mean(x: np.ndarray) -> Any:
    """Mean over the agents: a float for one run, an (R, 1) array for a batch."""
    return x.mean(axis=-1, keepdims=True) if batched(x) else float(x.mean())


def total(x: np.ndarray) -> Any:
    """Sum over the agents: a float for one run, an (R, 1) array for a batch."""
    return x.sum(axis=-1, keepdims=True) if batched(x) else float(x.sum())


def share(mask: np.ndarray) -> Any:
    """Share of the agents for which ``mask`` holds: a float for one run, an (R, 1) array for a batch."""
    if batched(mask):
        return np.count_nonzero(mask, axis=-1, keepdims=True) / mask.shape[-1]
    return np.count_nonzero(mask) / mask.shape[-1]


def each(fn: Callable[..., Any], *values: Any) -> Any:
    """``fn`` of per-run values as Python floats: once for one run, once per run for a batch's (R, 1). For what numpy
    computes differently from Python in the last bit (its array ``exp`` and ``**`` on a few percent of arguments with
    AVX-512; Python's ``sum`` of floats, compensated since 3.12), which would change a single run's numbers."""
    if not any(per_run_values(v) for v in values):
        return fn(*(float(v) for v in values))
    shape = np.broadcast_shapes(*(np.shape(v) for v in values))
    rows = [np.broadcast_to(v, shape).ravel().tolist() for v in values]
    return np.array([fn(*args) for args in zip(*rows, strict=True)], dtype=float).reshape(shape)


def exp(x: Any) -> Any:
    """e**x with :func:`math.exp`'s values (:func:`each`)."""
    return each(math.exp, x)


def at_least(x: Any, floor: float) -> Any:
    """max(x, floor) for a per-run value: Python's for one run, :func:`numpy.maximum` for a batch's (R, 1)."""
    return np.maximum(x, floor) if per_run_values(x) else max(x, floor)


def at_most(x: Any, ceiling: float) -> Any:
    """min(x, ceiling) for a per-run value: Python's for one run, :func:`numpy.minimum` for a batch's (R, 1)."""
    return np.minimum(x, ceiling) if per_run_values(x) else min(x, ceiling)


def run_value(x: Any, r: int) -> Any:
    """Run r's value of a per-run quantity: the number itself when the runs share it, else row r of an (R, 1) as a
    Python float (code that runs once per run, on one run's arrays, takes a run's parameters this way)."""
    return float(x[r, 0]) if per_run_values(x) else x


def where(condition: Any, yes: Any, no: Any) -> Any:
    """``yes`` where ``condition`` holds, else ``no``: Python's conditional for one run's value (so a single run keeps
    its floats), :func:`numpy.where` for a batch's (R, 1) values. Both branches are evaluated: guard a division."""
    if not per_run_values(condition):
        return yes if condition else no
    return np.where(condition, yes, no)


def for_agents(value: Any, mask: np.ndarray) -> Any:
    """A per-run value for each agent where ``mask`` holds (the agents ``array[mask]`` picks, in that order): the
    value itself when the runs share it, else each agent its run's."""
    return np.broadcast_to(value, mask.shape)[mask] if per_run_values(value) else value


def power(base: Any, exponent: Any) -> Any:
    """base ** exponent; a per-run exponent (a batch's (R, 1)) is applied row by row as a Python float, as each run
    raises alone (numpy's ``**`` takes shortcuts for a scalar exponent, square and sqrt, that an array exponent does not)."""
    if not per_run_values(exponent):
        return base**exponent
    base = np.broadcast_to(base, np.broadcast_shapes(np.shape(base), np.shape(exponent)))
    return np.stack([row**e for row, e in zip(base, np.ravel(exponent).tolist(), strict=True)])


def by_category(values: Sequence[Any], category: np.ndarray) -> np.ndarray:
    """Each agent's value of its category (``values`` one per category, ``category`` an index per agent). A per-run
    value (a batch's (R, 1)) goes into its run's row of an (R, K) table, from which each run selects its own agents'
    values: selection, so the numbers are each run's."""
    if not any(per_run_values(v) for v in values):
        return np.array(values)[category]
    table = np.hstack([np.broadcast_to(v, (category.shape[0], 1)) for v in values])
    return np.take_along_axis(table, category, axis=-1)


def per_run(fn: Callable[..., Any], *arrays: np.ndarray) -> Any:
    """``fn`` on each run's rows, stacked on a leading axis (a number per run comes back as a per-run (R, 1)); for one
    run, ``fn`` on the arrays themselves."""
    if not batched(arrays[0]):
        return fn(*arrays)
    out = np.stack([np.asarray(fn(*rows)) for rows in zip(*arrays, strict=True)])
    return out[:, None] if out.ndim == 1 else out


def mean_within(values: np.ndarray, mask: np.ndarray, empty: float = 0.0) -> Any:
    """Mean of ``values`` over the agents where ``mask`` holds (``empty`` where it holds for none), each run over its
    own subset (:func:`per_run`: the subsets' sizes differ between runs)."""
    return per_run(lambda v, m: float(v[m].mean()) if m.any() else empty, values, mask)


def total_within(values: np.ndarray, mask: np.ndarray) -> Any:
    """Sum of ``values`` over the agents where ``mask`` holds, each run over its own subset."""
    return per_run(lambda v, m: float(v[m].sum()), values, mask)


class Streams:
    """One quarter's random numbers for a batch: every draw is made for each run from that run's own generator and
    stacked on a leading axis, so row r holds exactly what run r draws alone (its generator from
    :meth:`sim.model.SecuritizationModel.stream`). The methods are those of :class:`numpy.random.Generator` that the
    actors use, with ``size`` the size of one run's draw. A draw whose size differs between runs is made from each
    run's own generator, ``generators[r]``."""

    def __init__(self, generators: Sequence[np.random.Generator]) -> None:
        self.generators = list(generators)

    def _stack(self, method: str, *args: Any, **kwargs: Any) -> np.ndarray:
        """Run r's draw with run r's rows of the batched arguments (arrays of two or more axes: (R, 1), (R, n));
        scalars and one-axis arrays (a configured distribution) are the same for every run."""

        def row(value: Any, r: int) -> Any:
            return value[r] if isinstance(value, np.ndarray) and value.ndim > 1 else value

        return np.stack(
            [
                getattr(g, method)(*(row(a, r) for a in args), **{k: row(v, r) for k, v in kwargs.items()})
                for r, g in enumerate(self.generators)
            ]
        )

    def random(self, size: Any = None, out: np.ndarray | None = None) -> np.ndarray:
        """Without ``size``: one number per run, as a per-run (R, 1)."""
        if out is None:
            return self._stack("random", size) if size is not None else self._stack("random")[:, None]
        for g, row in zip(self.generators, out, strict=True):
            g.random(size, out=row)
        return out

    def normal(self, loc: Any = 0.0, scale: Any = 1.0, size: Any = None) -> np.ndarray:
        return self._stack("normal", loc, scale, size)

    def lognormal(self, mean: Any = 0.0, sigma: Any = 1.0, size: Any = None) -> np.ndarray:
        return self._stack("lognormal", mean, sigma, size)

    def beta(self, a: Any, b: Any, size: Any = None) -> np.ndarray:
        return self._stack("beta", a, b, size)

    def logistic(self, loc: Any = 0.0, scale: Any = 1.0, size: Any = None) -> np.ndarray:
        return self._stack("logistic", loc, scale, size)

    def gumbel(self, loc: Any = 0.0, scale: Any = 1.0, size: Any = None) -> np.ndarray:
        return self._stack("gumbel", loc, scale, size)

    def exponential(self, scale: Any = 1.0, size: Any = None) -> np.ndarray:
        return self._stack("exponential", scale, size)

    def gamma(self, shape: Any, scale: Any = 1.0, size: Any = None) -> np.ndarray:
        return self._stack("gamma", shape, scale, size)

    def poisson(self, lam: Any = 1.0, size: Any = None) -> np.ndarray:
        return self._stack("poisson", lam, size)

    def choice(self, a: Any, size: Any = None, replace: bool = True, p: Any = None) -> np.ndarray:
        return self._stack("choice", a, size, replace, p)
