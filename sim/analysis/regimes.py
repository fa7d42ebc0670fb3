"""A map of regimes instead of a hidden cliff (issue 11, item 6).

The centre's 2030 securitization over a grid of the four parameters that govern the China-rival loop: the centre's
framing threshold (``central.threshold``), its weight on the rival (``central.w_rival``), the rival's mirroring
(``rival.mirror``) and its restraint (``rival.restraint``). Each point runs several seeds; each run's outcome falls
in a basin (low / intermediate / high securitization), and the table gives the share of seeds in each: where the
shares are split, the outcome depends on chance, and a small change of parameter can tip it (docs/ODD.md explains
each tipping point).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import SimConfig, validate
from sim.ensemble import Keep, Study, grid, run_study, with_values


def run_regimes(config: SimConfig, out: Path) -> pd.DataFrame:
    """Every grid point x replication; writes regimes.parquet (runs), regimes.csv (basin shares) and regimes.png."""
    r = config.regimes
    keys = list(r.grid)
    points = grid(r.grid[k] for k in keys)
    values = [dict(zip(keys, map(float, point), strict=True)) for point in points]
    for point in values:  # every point inside the schema's ranges and cross-field rules, before the first run
        validate(with_values(config, point))
    study = Study([config], [(0, v) for v in values], values, list(range(config.replications)), Keep((r.quarter,), tuple(r.indicators)))
    print(f"regimes: {len(points)} points x {config.replications} replications = {study.size} runs", flush=True)
    rows = run_study(study, config.ensemble, Path(config.output.root), "regimes").to_pandas()
    runs = rows.pivot_table(index=["run", *keys, "replication"], columns="indicator", values="value").reset_index()
    runs = runs[[*keys, "replication", *r.indicators]]
    runs.columns.name = None
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
