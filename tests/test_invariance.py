"""Results do not depend on how many agents represent a population (issue 11, item 3).

Firms 500 -> 2,000, intellectuals 300 -> 1,200 and third countries 40 -> 200 (each still standing for the same
real population, ``agents.<type>.represents``): every indicator (shares within Monte Carlo error plus 0.02, the
others within it plus 2% of their mean) agrees with the default sizes at three dates. The public is held at
2,000 citizens in those arms and checked on its own, 2,000 -> 8,000 citizens.
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


def disagreements(default: dict[str, np.ndarray], other: dict[str, np.ndarray]) -> list[str]:
    """Indicators whose means differ by more than four standard errors of the difference plus a granularity allowance."""
    failures = []
    for name in default:
        a, b = default[name], other[name]
        scale = 1.0 if INDICATORS[name].is_share else max(np.abs(a).mean(), 1e-9)
        se = np.sqrt(a.var(axis=0, ddof=1) / len(a) + b.var(axis=0, ddof=1) / len(b))
        # within four standard errors of the difference, plus 2% of the scale for granular shares (1/40 of a country)
        gap = np.abs(a.mean(axis=0) - b.mean(axis=0))
        allowed = 4.0 * se + 0.02 * scale
        if np.any(gap > allowed):
            failures.append(f"{name}: {a.mean(axis=0).round(3)} vs {b.mean(axis=0).round(3)} (allowed {allowed.round(3)})")
    return failures


@pytest.fixture(scope="module")
def default_arm():
    return outcomes([])


def test_every_indicator_agrees_across_agent_counts(default_arm):
    failures = disagreements(default_arm, outcomes(LARGE))
    assert not failures, "\n".join(failures)


def test_the_size_of_the_public_does_not_change_the_results(default_arm):
    failures = disagreements(default_arm, outcomes(["agents.public.n=8000"]))
    assert not failures, "\n".join(failures)
