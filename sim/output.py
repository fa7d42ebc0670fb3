"""A single run saved as a run folder: time series, summary, resolved config and overview figure."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
from omegaconf import DictConfig, OmegaConf

from sim.config import ConfigError, SimConfig
from sim.io import RunFolder, provenance, read_provenance, result_config_yaml, write_json, write_parquet, write_text
from sim.model import SecuritizationModel
from sim.run import simulate
from sim.summary import headline_table, milestone_values, plan_goals


def save_run(config: SimConfig, cfg: DictConfig, root: Path, job_dir: Path | None = None) -> tuple[Path, str]:
    """Run once and write ``<root>/<experiment>/<timestamp>/`` (or ``job_dir``); return the folder and the headline table."""
    model, frame = simulate(config)
    config_yaml = OmegaConf.to_yaml(cfg, resolve=True)
    meta = provenance(result_config_yaml(cfg), config.seed)
    if job_dir is not None:
        job_dir.mkdir(parents=True, exist_ok=True)
        write_run(config, config_yaml, meta, model, frame, job_dir)
        return job_dir, ""
    with RunFolder(root, config.experiment) as folder:
        values = write_run(config, config_yaml, meta, model, frame, folder.tmp)
    return folder.final, headline_table(values)


def finished_run(job_dir: Path, cfg: DictConfig) -> bool:
    """Whether ``job_dir`` already holds this run, finished (its time series is written last) with the same config."""
    series = job_dir / "timeseries.parquet"
    if not series.exists():
        return False
    stored = read_provenance(series).get("config")
    if stored != result_config_yaml(cfg):
        raise ConfigError(f"resume: {job_dir} holds a run with another config; resume only the same sweep")
    return True


def write_run(config: SimConfig, config_yaml: str, meta: dict, model: SecuritizationModel, frame: pd.DataFrame, out: Path) -> dict:
    """Write a run's files into ``out``, each atomically; the time series last, so its presence marks a finished run."""
    values = milestone_values(frame)
    write_text(out / "config.yaml", config_yaml)
    write_json(
        out / "summary.json",
        {
            "experiment": config.experiment,
            "seed": config.seed,
            "replication": config.replication,
            "period": f"{model.start}-{model.end}",
            "milestones": values,
            "plan_goals": plan_goals(values, config),
            "git_commit": meta["git_commit"],
            "versions": meta["versions"],
            "created": datetime.now().isoformat(timespec="seconds"),
            "config": config_yaml,
        },
    )
    if config.output.plot:
        from sim.plots import overview

        overview(frame, model.timeline.events, out / "overview.png")
    write_parquet(frame, out / "timeseries.parquet", meta)
    return values
