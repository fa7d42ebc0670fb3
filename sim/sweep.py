"""What a sweep found: summary statistics, the paired attribution, figures; and a sweep run from a notebook.

A sweep is run by the ensemble engine (:mod:`sim.ensemble`) into ``results/<experiment>/<timestamp>/sweep.parquet``:
one row per run, step and indicator, with the swept keys as columns. This module reads that table and never the
model.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.indicators import INDICATORS
from sim.io import read_provenance, write_parquet, write_text
from sim.summary import MILESTONES


def t_quantile(df: np.ndarray | int) -> np.ndarray | float:
    """The 97.5% quantile of Student's t (scipy.special: the same values as scipy.stats.t.ppf, imported in a
    fraction of the time, which a sweep's aggregation waits for)."""
    from scipy.special import stdtrit

    return stdtrit(df, 0.975)


def confidence(values: pd.Series) -> pd.Series:
    """Mean, standard deviation, 95% t-interval and n of one group of replications."""
    v = values.to_numpy(dtype=float)
    n = v.size
    mean = float(v.mean())
    sd = float(v.std(ddof=1)) if n > 1 else float("nan")
    half = float(t_quantile(n - 1) * sd / math.sqrt(n)) if n > 1 else float("nan")
    return pd.Series({"mean": mean, "sd": sd, "ci_low": mean - half, "ci_high": mean + half, "n": n})


def summarize(frame: pd.DataFrame, keys: list[str], quarters: tuple[str, ...] = MILESTONES) -> pd.DataFrame:
    """Per sweep point, quarter and indicator: mean, sd, 95% confidence interval (Student's t, within the indicator's
    bounds) and n across replications, at the milestones inside the run and at its last quarter."""
    present = set(frame["quarter"])
    wanted = [q for q in quarters if q in present]
    last = frame.loc[frame["step"].idxmax(), "quarter"]
    if last not in wanted:
        wanted.append(last)
    picked = frame[frame["quarter"].isin(wanted)]
    out = picked.groupby([*keys, "quarter", "indicator"], sort=False)["value"].agg(["mean", "std", "count"])
    n = out["count"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):  # one replication: no interval (NaN), as confidence() gives
        half = np.where(n > 1, t_quantile(n - 1) * out["std"].to_numpy() / np.sqrt(n), np.nan)
    # the t-interval intersected with the values the indicator can take (a share's mean lies in [0, 1]): the intersection
    # covers the mean at least as often, and a figure or table no longer shows a share's interval below 0 or above 1
    names = out.index.get_level_values("indicator")
    lo = np.array([INDICATORS[i].bounds[0] if i in INDICATORS else -np.inf for i in names])
    hi = np.array([INDICATORS[i].bounds[1] if i in INDICATORS else np.inf for i in names])
    mean = out["mean"].to_numpy()
    out = pd.DataFrame(
        {"mean": mean, "sd": out["std"].to_numpy(), "ci_low": np.clip(mean - half, lo, hi), "ci_high": np.clip(mean + half, lo, hi),
         "n": n.astype(int)},
        index=out.index,
    )  # fmt: skip
    return out.reset_index()


def attribution(frame: pd.DataFrame, quarter: str) -> pd.DataFrame:
    """Paired (same random stream) difference historical minus none, per indicator, with 95% intervals.

    ``share_attributable`` is the difference as a share of the historical value: how much of the
    indicator securitization accounts for, the rest being economic incentives and everything else.
    """
    at = frame[frame["quarter"] == quarter]
    wide = at.pivot_table(index=["replication", "indicator"], columns="central.strategy", values="value").reset_index()
    wide["difference"] = wide["historical"] - wide["none"]
    rows = []
    for indicator, group in wide.groupby("indicator", sort=False):
        diff = confidence(group["difference"])
        hist = group["historical"].mean()
        share = group["difference"] / group["historical"].where(group["historical"] != 0)
        share_ci = (
            confidence(share.dropna()) if share.notna().sum() > 1 else pd.Series({"mean": np.nan, "ci_low": np.nan, "ci_high": np.nan})
        )
        rows.append(
            {
                "indicator": indicator,
                "quarter": quarter,
                "historical": hist,
                "none": group["none"].mean(),
                "difference": diff["mean"],
                "ci_low": diff["ci_low"],
                "ci_high": diff["ci_high"],
                "share_attributable": share_ci["mean"],
                "share_ci_low": share_ci["ci_low"],
                "share_ci_high": share_ci["ci_high"],
                "n": int(diff["n"]),
            }
        )
    return pd.DataFrame(rows)


def findings(summary: pd.DataFrame, keys: list[str], quarter: str) -> str:
    """What a sweep found, to print at its end: per mobilization indicator and consequence (labelled, with its unit) and
    per sweep point, the mean and 95% interval over replications at ``quarter``."""
    from sim.indicators import CONSEQUENCES, MOBILIZATION, RISK, label

    rows = summary[(summary["quarter"] == quarter) & summary["indicator"].isin([*MOBILIZATION, *CONSEQUENCES, *RISK])]
    arm = rows[keys].astype(str).agg(" ".join, axis=1) if keys else pd.Series("all runs", index=rows.index)
    interval = rows.apply(lambda r: "" if np.isnan(r["ci_low"]) else f"[{r['ci_low']:.3g}, {r['ci_high']:.3g}]", axis=1)
    table = pd.DataFrame({
        "indicator": rows["indicator"].map(label),
        "unit": rows["indicator"].map(lambda name: INDICATORS[name].unit),
        " ".join(keys) or "arm": arm,
        "mean": rows["mean"].map(lambda v: f"{v:.3g}"),
        "95% interval": interval,
        "n": rows["n"],
    })  # fmt: skip
    order = {name: i for i, name in enumerate([*MOBILIZATION, *CONSEQUENCES, *RISK])}
    table = table.iloc[np.argsort(rows["indicator"].map(order).to_numpy(), kind="stable")]
    return f"at {quarter}, mean and 95% interval over replications:\n" + table.to_string(index=False)


def attribution_text(table: pd.DataFrame) -> str:
    """The desecuritize attribution, to print: per indicator, historical, none, their paired difference and the share of
    the historical value securitization accounts for, with 95% intervals."""
    from sim.indicators import CONSEQUENCE_LEVELS, CONSEQUENCES, MOBILIZATION, label

    table = table[table["indicator"].isin([*MOBILIZATION, *CONSEQUENCES, *CONSEQUENCE_LEVELS])]
    shown = pd.DataFrame({
        "indicator": table["indicator"].map(label),
        "historical": table["historical"].map(lambda v: f"{v:.3g}"),
        "none": table["none"].map(lambda v: f"{v:.3g}"),
        "difference [95%]": table.apply(lambda r: f"{r['difference']:+.3g} [{r['ci_low']:+.3g}, {r['ci_high']:+.3g}]", axis=1),
        "share [95%]": table.apply(lambda r: f"{r['share_attributable']:.2f} [{r['share_ci_low']:.2f}, {r['share_ci_high']:.2f}]", axis=1),
    })  # fmt: skip
    title = f"securitization's share of each indicator at {table['quarter'].iloc[0]} (historical - none, paired; attribution.csv has all):"
    return f"{title}\n{shown.to_string(index=False)}"


def aggregate(sweep_dir: Path, keys: list[str]) -> list[Path]:
    """Write summary.csv and the figures (and attribution for desecuritize) from sweep.parquet; print what the sweep
    found; return what was written."""
    from sim.plots import attribution_figure, sweep_figures

    frame = pd.read_parquet(sweep_dir / "sweep.parquet")
    summary = summarize(frame, keys)
    write_text(sweep_dir / "summary.csv", summary.to_csv(index=False))
    written = [sweep_dir / "summary.csv"]
    final = frame.loc[frame["step"].idxmax(), "quarter"]
    if keys:  # replications of one point have no axis to plot along; their summary says it all
        written += sweep_figures(summary[summary["quarter"] == final], keys, sweep_dir)
    print(f"\n{findings(summary, keys, final)}")
    if keys == ["central.strategy"] and {"historical", "none"} <= set(frame["central.strategy"]):
        table = attribution(frame, final)
        write_text(sweep_dir / "attribution.csv", table.to_csv(index=False))
        written += [sweep_dir / "attribution.csv", attribution_figure(table, sweep_dir / "attribution.png")]
        print(f"\n{attribution_text(table)}")
    return written


def write_run_folders(sweep_dir: Path) -> list[Path]:
    """Each run's rows as ``runs/<run>/timeseries.parquet`` (``ensemble.run_folders=true``), with the sweep's provenance."""
    frame = pd.read_parquet(sweep_dir / "sweep.parquet")
    meta = read_provenance(sweep_dir / "sweep.parquet")
    folders = []
    for run, rows in frame.groupby("run", sort=True):
        folder = sweep_dir / "runs" / str(run)
        folder.mkdir(parents=True, exist_ok=True)
        write_parquet(rows.reset_index(drop=True), folder / "timeseries.parquet", meta)
        folders.append(folder)
    return [sweep_dir / "runs"] if folders else []


def run_sweep(experiment: str, overrides: list[str] | None = None, root: str | Path = "results") -> Path:
    """Run ``python -m sim +experiment=<experiment>`` (a sweep or an analysis) in a subprocess and return its folder.

    For notebooks and scripts: the sweep runs exactly as from the command line, progress included.
    """
    import subprocess

    root = Path(root).resolve()
    before = set((root / experiment).glob("[!.]*")) if (root / experiment).exists() else set()
    command = [sys.executable, "-m", "sim", f"+experiment={experiment}", f"output.root={root}", *(overrides or [])]
    subprocess.run(command, check=True, cwd=Path(__file__).resolve().parent.parent)
    (folder,) = {p for p in (root / experiment).glob("[!.]*") if p.is_dir()} - before  # not hidden scratch folders
    return folder
