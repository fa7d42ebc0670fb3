"""Sweeps: progress while they run, and one place that gathers and summarizes them when they end.

A sweep is a Hydra multirun: each job is an ordinary run whose folder is ``runs/<job number>/``
inside the sweep folder ``results/<experiment>/<timestamp>/``. :class:`SweepCallback` reads those
folders; the run code does not know it is in a sweep.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.io import provenance, result_config_yaml, write_parquet, write_text
from sim.summary import MILESTONES

PLAN_FILE = ".sweep-plan.json"


def sweep_overrides(hydra_cfg: DictConfig) -> list[Any]:
    """The parsed sweep overrides: the experiment's ``hydra.sweeper.params`` and any from the command line."""
    params = OmegaConf.to_container(hydra_cfg.sweeper.params, resolve=True) or {}
    lines = [f"{k}={v}" for k, v in params.items()] + list(hydra_cfg.overrides.task)
    parsed = OverridesParser.create().parse_overrides(lines)
    return [o for o in parsed if o.is_sweep_override()]


def swept_keys(hydra_cfg: DictConfig) -> list[str]:
    """Swept parameters in sweep order, without the replication index (it is a column of its own)."""
    keys = dict.fromkeys(o.key_or_group for o in sweep_overrides(hydra_cfg))
    return [k for k in keys if k != "replication"]


def planned_runs(hydra_cfg: DictConfig) -> int:
    sizes: dict[str, int] = {}
    for o in sweep_overrides(hydra_cfg):
        sizes[o.key_or_group] = len(list(o.sweep_string_iterator()))
    return math.prod(sizes.values()) if sizes else 1


def _select(tree: dict, key: str) -> Any:
    """A dotted key's value in a nested mapping."""
    for part in key.split("."):
        tree = tree[part]
    return tree


def gather(sweep_dir: Path, keys: list[str]) -> pd.DataFrame:
    """Every finished run's tidy series, with its swept parameter values and replication as columns, in job order."""
    frames = []
    for run_dir in sorted((sweep_dir / "runs").iterdir(), key=lambda p: int(p.name)):
        series = run_dir / "timeseries.parquet"
        if not series.exists():
            continue
        with open(run_dir / "config.yaml", encoding="utf-8") as file:  # plain YAML: C loader, no OmegaConf nodes (10x faster)
            cfg = yaml.load(file, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        frame = pd.read_parquet(series)
        for key in keys:
            frame[key] = _select(cfg, key)
        frame["replication"] = int(cfg["replication"])
        frames.append(frame)
    if not frames:
        raise FileNotFoundError(f"no finished runs under {sweep_dir / 'runs'}")
    frame = pd.concat(frames, ignore_index=True)
    ordered = [*keys, "replication", "seed", "step", "quarter", "indicator", "value"]
    return frame[ordered]  # in job order, which is the sweep's own order of levels


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
    """Per sweep point, quarter and indicator: mean, sd, 95% confidence interval and n across replications,
    at the milestones inside the run and at its last quarter."""
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
    out = pd.DataFrame(
        {"mean": out["mean"], "sd": out["std"], "ci_low": out["mean"] - half, "ci_high": out["mean"] + half, "n": n.astype(int)},
        index=out.index,
    )
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


def aggregate(sweep_dir: Path, keys: list[str], experiment: str, sweep_yaml: str, seed: int) -> list[Path]:
    """Write sweep.parquet, summary.csv and the figures (and attribution for desecuritize); return what was written."""
    from sim.plots import attribution_figure, sweep_figures

    frame = gather(sweep_dir, keys)
    write_parquet(frame, sweep_dir / "sweep.parquet", provenance(sweep_yaml, seed))
    summary = summarize(frame, keys)
    write_text(sweep_dir / "summary.csv", summary.to_csv(index=False))
    written = [sweep_dir / "sweep.parquet", sweep_dir / "summary.csv"]
    final = frame.loc[frame["step"].idxmax(), "quarter"]
    written += sweep_figures(summary[summary["quarter"] == final], keys, sweep_dir)
    if keys == ["central.strategy"] and {"historical", "none"} <= set(frame["central.strategy"]):
        table = attribution(frame, final)
        write_text(sweep_dir / "attribution.csv", table.to_csv(index=False))
        written += [sweep_dir / "attribution.csv", attribution_figure(table, sweep_dir / "attribution.png")]
    return written


class SweepCallback(Callback):
    """Progress while a sweep runs (runs done and total, elapsed, time left); aggregation when it ends."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        plan = {"total": planned_runs(config.hydra), "start": time.time()}
        write_text(sweep_dir / PLAN_FILE, json.dumps(plan))
        print(f"sweep: {plan['total']} runs into {sweep_dir}", flush=True)

    def on_job_end(self, config: DictConfig, job_return: Any = None, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        plan_file = sweep_dir / PLAN_FILE
        if not plan_file.exists():  # a single run, not a sweep
            return
        plan = json.loads(plan_file.read_text())
        done = sum(1 for _ in (sweep_dir / "runs").glob("*/timeseries.parquet"))
        elapsed = time.time() - plan["start"]
        left = elapsed / done * (plan["total"] - done) if done else float("nan")
        print(f"sweep: {done}/{plan['total']} runs, {elapsed:.0f} s elapsed, about {left:.0f} s left", flush=True)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        keys = swept_keys(config.hydra)
        sweep_yaml = result_config_yaml(config)
        try:
            written = aggregate(sweep_dir, keys, str(config.experiment), sweep_yaml, int(config.seed))
        except Exception as error:  # Hydra only warns about a failing callback: fail the command instead
            print(f"error: aggregating the sweep in {sweep_dir} failed: {error}", file=sys.stderr)
            raise SystemExit(1) from error
        (sweep_dir / PLAN_FILE).unlink(missing_ok=True)
        print(f"\nsweep results: {sweep_dir}")
        for path in written:
            print(f"  {path.name}")


def run_sweep(experiment: str, overrides: list[str] | None = None, root: str | Path = "results") -> Path:
    """Run ``python -m sim +experiment=<experiment>`` (a Hydra sweep) in a subprocess and return its folder.

    For notebooks and scripts: the sweep runs exactly as from the command line, progress included.
    """
    import subprocess

    root = Path(root).resolve()
    before = set((root / experiment).glob("*")) if (root / experiment).exists() else set()
    command = [sys.executable, "-m", "sim", f"+experiment={experiment}", f"output.root={root}", *(overrides or [])]
    subprocess.run(command, check=True, cwd=Path(__file__).resolve().parent.parent)
    (folder,) = set((root / experiment).glob("*")) - before
    return folder
