"""A single run saved as a run folder: time series, summary, resolved config and overview figure."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from sim.config import SimConfig
from sim.io import RunFolder, provenance, result_config_yaml, write_json, write_parquet, write_text
from sim.predictive import predictive_bands
from sim.run import simulate
from sim.summary import headline_table, milestone_bands, milestone_values, plan_goals


def save_run(config: SimConfig, cfg: DictConfig, root: Path) -> Path:
    """Run once at the config's values (the posterior medians by default) and, where the config names a posterior,
    ``predictive.draws`` runs at parameter sets drawn from it; write ``<root>/<experiment>/<timestamp>/``; print the
    headline table as soon as it is known (before the figure is drawn) and return the folder."""
    with RunFolder(root, config.experiment) as folder:
        model, frame = simulate(config)
        config_yaml = OmegaConf.to_yaml(cfg, resolve=True)
        meta = provenance(result_config_yaml(cfg), config.seed)
        values = milestone_values(frame)
        goals = plan_goals(values, config)
        print(headline_table(values, goals), flush=True)
        out = folder.tmp
        write_text(out / "config.yaml", config_yaml)
        summary = {
            "experiment": config.experiment,
            "seed": config.seed,
            "replication": config.replication,
            "period": f"{model.start}-{model.end}",
            "milestones": values,
            "plan_goals": goals,
            "git_commit": meta["git_commit"],
            "versions": meta["versions"],
            "created": datetime.now().isoformat(timespec="seconds"),
            "config": config_yaml,
        }
        write_parquet(frame, out / "timeseries.parquet", meta)
        bands = predictive_bands(config)
        if bands is not None:
            write_parquet(bands, out / "predictive.parquet", meta)
            summary["predictive"] = milestone_bands(bands, list(values))
            n = int(bands["draws"].iloc[0])
            print(f"posterior predictive: {n} draws from conf/{config.predictive.posterior} (in summary.json and predictive.parquet)")
        write_json(out / "summary.json", summary)
        if config.output.plot:
            from sim.plots import overview

            overview(frame, model.timeline.events, out / "overview.png", bands)
    print(f"\nresults: {folder.final}")
    return folder.final
