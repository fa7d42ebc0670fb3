"""A single run saved as a run folder: time series, summary, resolved config and overview figure."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sim.config import SimConfig
from sim.io import RunFolder, provenance, write_json, write_parquet, write_text
from sim.plots import overview
from sim.run import simulate
from sim.summary import headline_table, milestone_values, plan_goals


def save_run(config: SimConfig, config_yaml: str, root: Path) -> tuple[Path, str]:
    """Run once and write ``<root>/<experiment>/<timestamp>/``; return the folder and the headline table."""
    model, frame = simulate(config)
    meta = provenance(config_yaml, config.seed)
    values = milestone_values(frame)
    with RunFolder(root, config.experiment) as folder:
        write_parquet(frame, folder.path("timeseries.parquet"), meta)
        write_text(folder.path("config.yaml"), config_yaml)
        write_json(
            folder.path("summary.json"),
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
            overview(frame, model.timeline.events, folder.path("overview.png"))
    return folder.final, headline_table(values)
