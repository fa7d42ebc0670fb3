"""Hydra's basic sweeper, checking a batch of jobs at the cost of one composition instead of one per job.

Before launching, Hydra's basic sweeper composes every job's config in the parent process to fail
early, about 0.2 s a job: serial work that no launcher can spread over cores (18 s for a 90-run sweep).
This sweeper composes once per distinct choice of config groups and checks each distinct swept value
on that config with the schema's types and ranges (:func:`sim.config.check_values`), which also
catches an out-of-range value in an experiment file's sweep before any job runs. The jobs, their
order and their numbering are the basic sweeper's.
"""

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.config_store import ConfigStore
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import open_dict, read_write


@dataclass
class SimSweeperConf:  # no `from __future__ import annotations`: Hydra imports plugins outside sys.modules
    _target_: str = "hydra_plugins.sim_sweeper.sim_sweeper.SimSweeper"
    max_batch_size: Optional[int] = None  # noqa: UP045 (OmegaConf reads the annotation)
    params: Optional[dict[str, str]] = None  # noqa: UP045


ConfigStore.instance().store(group="hydra/sweeper", name="sim", node=SimSweeperConf, provider="sim")


class SimSweeper(BasicSweeper):
    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        from sim.config import check_values, is_group

        parser = OverridesParser.create()
        bases: dict[tuple[str, ...], list[str]] = {}  # per choice of config groups, the first job's overrides
        values: dict[tuple[str, ...], list[str]] = {}
        for job in batch:
            overrides = parser.parse_overrides(list(job))
            groups = tuple(o.input_line for o in overrides if is_group(o.key_or_group))
            base = bases.setdefault(groups, list(job))
            swept = (o.input_line for o in overrides if not is_group(o.key_or_group) and o.input_line not in base)
            values.setdefault(groups, []).extend(swept)
        for groups, base in bases.items():
            cfg = copy.deepcopy(self.hydra_context.config_loader.load_sweep_config(self.config, base))
            with read_write(cfg), open_dict(cfg):
                del cfg["hydra"]
            check_values(cfg, values[groups])
