"""One run, from a validated config to a tidy table of indicators."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.config import SimConfig
from sim.indicators import INDICATORS
from sim.model import SecuritizationModel

COLUMNS = ["run", "seed", "step", "quarter", "indicator", "value"]


def stream_seed(root_seed: int, replication: int) -> np.random.SeedSequence:
    """The random stream of one replication: independent of every other replication, derived from one root seed."""
    return np.random.SeedSequence(entropy=root_seed, spawn_key=(replication,))


def build_model(config: SimConfig) -> SecuritizationModel:
    """A model seeded from the config's root seed and replication index."""
    generator = np.random.default_rng(stream_seed(config.seed, config.replication))
    return SecuritizationModel(config, rng=generator)


def build_batch(config: SimConfig, replications: list[int]) -> SecuritizationModel:
    """The runs of ``config`` at these replication indices, advanced together: run r gets exactly the numbers
    ``build_model`` gives that replication alone."""
    return SecuritizationModel(config, rng=[np.random.default_rng(stream_seed(config.seed, r)) for r in replications])


def series(model: SecuritizationModel) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A run's indicators as arrays: steps, their quarters, indicator names, and the step x indicator values (for a
    batch, run x step x indicator)."""
    names = list(INDICATORS)
    records = [model.datacollector.model_vars[name] for name in names]
    if model.runs is None:
        matrix = np.array(records, dtype=np.float64).T
    else:  # a value every run shares was recorded once; the others as (R, 1)
        matrix = np.array([[np.broadcast_to(np.ravel(v), (model.runs,)) for v in r] for r in records], dtype=np.float64).transpose(2, 1, 0)
    steps = np.arange(matrix.shape[-2])
    quarters = np.array([str(model.start + int(s)) for s in steps])
    return steps, quarters, np.array(names), matrix


def tidy(model: SecuritizationModel, run: int = 0) -> pd.DataFrame:
    """One row per step and indicator, of a single run (a batch's runs: :func:`series`)."""
    if model.runs:
        raise ValueError("tidy() takes a single run; series(model) gives a batch's run x step x indicator values")
    steps, quarters, names, matrix = series(model)
    n = matrix.size
    return pd.DataFrame(
        {
            "run": np.full(n, run, dtype=np.int64),
            "seed": np.full(n, model.config.seed, dtype=np.int64),
            "step": np.repeat(steps, len(names)).astype(np.int64),
            "quarter": np.repeat(quarters, len(names)),
            "indicator": np.tile(names, len(steps)),
            "value": matrix.ravel(),
        },
        columns=COLUMNS,
    )


def simulate(config: SimConfig, run: int = 0, tidy_table: bool = True) -> tuple[SecuritizationModel, pd.DataFrame | None]:
    """Build, run every quarter, and return the model with its tidy time series (None if ``tidy_table`` is false)."""
    model = build_model(config)
    model.run()
    return model, tidy(model, run) if tidy_table else None
