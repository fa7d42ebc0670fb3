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


def tidy(model: SecuritizationModel, run: int = 0) -> pd.DataFrame:
    """One row per step and indicator."""
    wide = model.datacollector.get_model_vars_dataframe()[list(INDICATORS)]
    steps = np.arange(len(wide))
    quarters = [str(model.start + int(s)) for s in steps]
    n_ind = len(INDICATORS)
    return pd.DataFrame(
        {
            "run": np.full(len(steps) * n_ind, run, dtype=np.int64),
            "seed": np.full(len(steps) * n_ind, model.config.seed, dtype=np.int64),
            "step": np.repeat(steps, n_ind).astype(np.int64),
            "quarter": np.repeat(quarters, n_ind),
            "indicator": np.tile(list(INDICATORS), len(steps)),
            "value": wide.to_numpy(dtype=np.float64).ravel(),
        },
        columns=COLUMNS,
    )


def simulate(config: SimConfig, run: int = 0) -> tuple[SecuritizationModel, pd.DataFrame]:
    """Build, run every quarter, and return the model with its tidy time series."""
    model = build_model(config)
    model.run()
    return model, tidy(model, run)
