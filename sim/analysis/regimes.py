"""A map of regimes instead of a hidden cliff (issue 11, item 6).

The centre's 2030 securitization over a grid of the four parameters that govern the China-rival loop: the centre's
framing threshold (``central.threshold``), its weight on the rival (``central.w_rival``), the rival's mirroring
(``rival.mirror``) and its restraint (``rival.restraint``). Each point runs several seeds; each run's outcome falls
in a basin (low / intermediate / high securitization), and the table gives the share of seeds in each: where the
shares are split, the outcome depends on chance, and a small change of parameter can tip it (docs/ODD.md explains
each tipping point).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from sim.analysis.validation import with_overrides
from sim.config import SimConfig
from sim.run import simulate


def _outcome(config: SimConfig, overrides: list[str], indicators: list[str], quarter: str) -> dict[str, float]:
    _, frame = simulate(with_overrides(config, overrides))
    at = frame[frame.quarter == quarter].set_index("indicator")["value"]
    return {k: float(at[k]) for k in indicators}


def run_regimes(config: SimConfig, out: Path) -> pd.DataFrame:
    """Every grid point x replication; writes regimes.parquet (runs), regimes.csv (basin shares) and regimes.png."""
    r = config.regimes
    keys = list(r.grid)
    points = list(itertools.product(*(r.grid[k] for k in keys)))
    jobs = [(point, rep) for point in points for rep in range(config.replications)]
    print(f"regimes: {len(points)} points x {config.replications} replications = {len(jobs)} runs", flush=True)
    results = Parallel(n_jobs=r.n_jobs, backend="loky")(
        delayed(_outcome)(config, [*(f"{k}={v}" for k, v in zip(keys, point, strict=True)), f"replication={rep}"], r.indicators, r.quarter)
        for point, rep in jobs
    )
    runs = pd.DataFrame(
        [{**dict(zip(keys, point, strict=True)), "replication": rep, **res} for (point, rep), res in zip(jobs, results, strict=True)]
    )
    runs.to_parquet(out / "regimes.parquet")
    low, high = r.basins
    s = runs[r.indicator]
    runs["basin"] = np.where(s < low, "low", np.where(s > high, "high", "intermediate"))
    shares = (
        runs.groupby(keys)["basin"]
        .value_counts(normalize=True)
        .unstack(fill_value=0.0)
        .reindex(columns=["low", "intermediate", "high"], fill_value=0.0)
    )
    shares = shares.join(runs.groupby(keys)[r.indicator].agg(["mean", "min", "max"])).reset_index()
    shares.to_csv(out / "regimes.csv", index=False)
    figure(shares, keys, r.indicator, out / "regimes.png")
    return shares


def figure(shares: pd.DataFrame, keys: list[str], indicator: str, path: Path) -> None:
    """Share of seeds in the high basin over the first two keys, one panel per combination of the others."""
    import matplotlib.pyplot as plt

    from sim.plots import STYLE

    x, y, *rest = keys
    panels = list(shares.groupby(rest).groups) if rest else [()]
    cols = min(len(panels), 3)
    rows = int(np.ceil(len(panels) / cols))
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.6 * rows), squeeze=False, layout="constrained")
        for ax, panel in zip(axes.flat, panels, strict=False):
            panel = panel if isinstance(panel, tuple) else (panel,)
            sub = shares
            for k, v in zip(rest, panel, strict=True):
                sub = sub[sub[k] == v]
            grid = sub.pivot(index=y, columns=x, values="high")
            image = ax.imshow(grid.to_numpy(), origin="lower", vmin=0, vmax=1, cmap="viridis", aspect="auto")
            ax.set_xticks(range(grid.shape[1]), [f"{v:g}" for v in grid.columns])
            ax.set_yticks(range(grid.shape[0]), [f"{v:g}" for v in grid.index])
            ax.set_xlabel(x)
            ax.set_ylabel(y)
            ax.set_title(", ".join(f"{k}={v:g}" for k, v in zip(rest, panel, strict=True)), fontsize=8, loc="left")
        for ax in list(axes.flat)[len(panels) :]:
            ax.axis("off")
        fig.colorbar(image, ax=axes, shrink=0.8, label=f"share of seeds with {indicator} in the high basin")
        fig.savefig(path)
        plt.close(fig)
