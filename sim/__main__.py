"""``python -m sim``: run the configured experiment (default: the historical baseline)."""

from __future__ import annotations

import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from sim.config import ConfigError, register, validate

register()


@hydra.main(config_path="../conf", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    try:
        config = validate(cfg)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    from sim.output import save_run

    folder, table = save_run(config, OmegaConf.to_yaml(cfg, resolve=True), Path(config.output.root))
    print(table)
    print(f"\nresults: {folder}")


if __name__ == "__main__":
    main()
