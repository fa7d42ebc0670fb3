"""``python -m sim``: run the configured experiment (default: the historical baseline).

A single run writes ``results/<experiment>/<timestamp>/``. In a sweep (Hydra multirun) each job
writes into its own job folder ``results/<experiment>/<timestamp>/runs/<n>/``, and
:class:`sim.sweep.SweepCallback` gathers them when the sweep ends.
"""

from __future__ import annotations

import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.config import Analysis, ConfigError, register, validate

register()


@hydra.main(config_path="../conf", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    try:
        config = validate(cfg)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    hydra_cfg = HydraConfig.get()
    job_dir = Path(hydra_cfg.runtime.output_dir) if hydra_cfg.mode == RunMode.MULTIRUN else None
    if config.analysis == Analysis.sensitivity:
        from sim.analysis.sensitivity import run_sensitivity
        from sim.io import RunFolder

        with RunFolder(Path(config.output.root), config.experiment) as folder:
            run_sensitivity(config, folder.tmp)
        print(f"\nresults: {folder.final}")
        return
    from sim.output import save_run

    folder, table = save_run(config, cfg, Path(config.output.root), job_dir)
    if job_dir is None:
        print(table)
        print(f"\nresults: {folder}")


if __name__ == "__main__":
    main()
