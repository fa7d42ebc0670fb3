"""The posterior predictive: runs at parameter sets drawn from the calibration's posterior, so that a projection
carries the uncertainty of what was fitted and of the model's own randomness, not one seed's.

The posterior is data (``conf/calibrated/posterior.csv``: the final ABC-SMC particles and their weights), named by
``predictive.posterior`` in the composed ``calibrated`` group; ``calibrated=none`` has none, and then only the point
run is made. Draw k sets the posterior's parameters to the k-th resampled particle and runs on replication
``config.replication + k + 1`` (its own streams: the point run keeps ``config.replication``). A parameter the user set
away from its installed value (the posterior median) is held at the user's value in every draw.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.config import CONF_DIR, ConfigError, SimConfig, config_value
from sim.ensemble import Study, run_study, wide

QUANTILES = {"q05": 0.05, "q25": 0.25, "median": 0.5, "q75": 0.75, "q95": 0.95}


def posterior(config: SimConfig) -> pd.DataFrame | None:
    """The posterior particles and weights the composed config names, or None (``calibrated=none``, or draws=0)."""
    if not config.predictive.posterior or config.predictive.draws == 0:
        return None
    path = CONF_DIR / config.predictive.posterior
    if not path.is_file():
        raise ConfigError(f"predictive.posterior={config.predictive.posterior}: no such file under conf/ (or set predictive.draws=0)")
    table = pd.read_csv(path)
    if "weight" not in table or len(table) == 0:
        raise ConfigError(f"predictive.posterior={config.predictive.posterior}: needs particles and a weight column")
    return table


def resample(table: pd.DataFrame, n: int, key: int, seed: int, skip: frozenset[str] = frozenset()) -> list[dict[str, float]]:
    """``n`` parameter sets resampled from the particles by weight, on the stream ``(seed, key)``; the parameters in
    ``skip`` are left out (the caller's value stands)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, key]))
    weights = table["weight"].to_numpy(dtype=float)
    picks = rng.choice(len(table), size=n, p=weights / weights.sum())
    names = [c for c in table.columns if c != "weight" and c not in skip]
    return [{name: float(table[name].iloc[i]) for name in names} for i in picks]


def draws(config: SimConfig, table: pd.DataFrame, n: int) -> list[dict[str, float]]:
    """``n`` parameter sets resampled by weight (seeded by the root seed); parameters the user moved off the installed
    value are held at the user's value."""
    from sim.parameters import calibrated

    installed = {k: float(v) for k, v in calibrated().items()}
    names = [c for c in table.columns if c != "weight"]
    held = {n for n in names if n in installed and not math.isclose(float(config_value(config, n)), installed[n], rel_tol=1e-9)}
    return resample(table, n, 0x9E37, config.seed, frozenset(held))


def run_draws(config: SimConfig, sets: list[dict[str, float]], label: str, bar: Any = None, first: int | None = None) -> list[pd.DataFrame]:
    """One run per parameter set on the ensemble engine, draw k on replication ``first + k`` (by default
    ``config.replication + 1``: the point run keeps ``config.replication``)."""
    first = config.replication + 1 if first is None else first
    n = len(sets)
    study = Study([config], [(0, values) for values in sets], [{"draw": k} for k in range(n)], [first], offsets=list(range(n)))
    frames = wide(run_study(study, config.ensemble, Path(config.output.root), label, bar))
    return [frames[k] for k in sorted(frames)]


def bands(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Per quarter and indicator, the quantiles over draws (tidy: quarter, indicator, q05 ... q95, draws)."""
    stack = np.stack([f.to_numpy(dtype=float) for f in frames])
    first = frames[0]
    out = []
    for key, q in QUANTILES.items():
        values = np.nanquantile(stack, q, axis=0)
        out.append(pd.DataFrame(values, index=first.index, columns=first.columns).stack().rename(key))
    table = pd.concat(out, axis=1).reset_index()
    table.columns = ["quarter", "indicator", *QUANTILES]
    table["draws"] = len(frames)
    return table


def predictive_bands(config: SimConfig, label: str = "predictive") -> pd.DataFrame | None:
    """The posterior predictive bands of every indicator, or None when there is no posterior to draw from."""
    table = posterior(config)
    if table is None:
        return None
    return bands(run_draws(config, draws(config, table, config.predictive.draws), label))
