"""Results do not depend on how many agents represent a population (issue 11, item 3).

Firms 500 -> 2,000, intellectuals 300 -> 1,200 and third countries 40 -> 200 (each still standing for the same
real population, ``agents.<type>.represents``): every indicator (shares within Monte Carlo error plus 0.02, the
others within it plus 2% of their mean) agrees with the default sizes at three dates. The public is held at
2,000 citizens in both arms (its own invariance is older and cheaper to show: tests/test_model.py runs it small).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import load_config
from sim.indicators import INDICATORS
from sim.run import simulate

REPLICATIONS = 6
QUARTERS = ["2018Q4", "2023Q4", "2030Q4"]
COMMON = ["agents.public.n=2000", "output.plot=false"]
LARGE = ["agents.firms.n=2000", "agents.intellectuals.n=1200", "agents.third.n=200"]


def outcomes(overrides: list[str]) -> dict[str, np.ndarray]:
    """indicator -> array (replication x quarter) for every indicator."""
    names = list(INDICATORS)
    rows = []
    for r in range(REPLICATIONS):
        _, frame = simulate(load_config([*COMMON, *overrides, f"replication={r}"]))
        wide = frame.pivot(index="quarter", columns="indicator", values="value")
        rows.append(wide.loc[QUARTERS, names].to_numpy())
    stacked = np.stack(rows)  # replication x quarter x indicator
    return {name: stacked[:, :, i] for i, name in enumerate(names)}


@pytest.fixture(scope="module")
def arms():
    return outcomes([]), outcomes(LARGE)


def test_every_indicator_agrees_across_agent_counts(arms):
    default, large = arms
    failures = []
    for name in default:
        a, b = default[name], large[name]
        scale = 1.0 if INDICATORS[name].is_share else max(np.abs(a).mean(), 1e-9)
        se = np.sqrt(a.var(axis=0, ddof=1) / len(a) + b.var(axis=0, ddof=1) / len(b))
        # within four standard errors of the difference, plus 2% of the scale for granular shares (1/40 of a country)
        gap = np.abs(a.mean(axis=0) - b.mean(axis=0))
        allowed = 4.0 * se + 0.02 * scale
        if np.any(gap > allowed):
            failures.append(f"{name}: {a.mean(axis=0).round(3)} vs {b.mean(axis=0).round(3)} (allowed {allowed.round(3)})")
    assert not failures, "\n".join(failures)
