"""``python -m sim``: run the configured experiment (default: the historical baseline).

A single run writes ``results/<experiment>/<timestamp>/``. In a sweep (Hydra multirun) each job
writes into its own job folder ``results/<experiment>/<timestamp>/runs/<n>/``, and
:class:`sim.sweep.SweepCallback` gathers them when the sweep ends; ``resume=<folder>`` completes an
interrupted sweep, running only the runs not finished there.

Bad input stops before anything runs, with one line naming the key and what is allowed, exit code 2
and nothing written (``HYDRA_FULL_ERROR=1`` shows Hydra's own report and traceback instead).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import hydra
import yaml
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import MissingConfigException
from hydra.types import RunMode
from omegaconf import DictConfig, open_dict, read_write

from sim.config import CONF_DIR, Analysis, ConfigError, check_values, is_group, load_config, register, validate

register()


def one_line(error: BaseException) -> str:
    """Hydra's and OmegaConf's multi-line reports, cut to what names the key and what is allowed."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        return f"{mark.name}, line {mark.line + 1}: malformed YAML ({error.context or ''} {error.problem or ''})".replace("( ", "(")
    first = str(error).strip().splitlines()[0].strip() if str(error).strip() else type(error).__name__
    if isinstance(error, MissingConfigException) and "experiment/" in first:
        options = sorted(p.stem for p in (CONF_DIR / "experiment").glob("*.yaml"))
        return f"{first.removeprefix('In ' + repr('config') + ': ')}: allowed experiments {options}"
    cause = error.__cause__
    if cause is not None and str(cause).strip():
        return f"{first.rstrip('.')}: {str(cause).strip().splitlines()[0]}"
    return first


def check_writable(root: Path) -> None:
    """Probe the nearest existing folder of ``output.root`` (access flags are no guide when running as root)."""
    existing = root.resolve()
    while not existing.exists():
        existing = existing.parent
    try:
        tempfile.TemporaryDirectory(dir=existing).cleanup()
    except OSError as error:
        raise ConfigError(f"output.root={root} is not writable ({error.strerror}): choose a folder you can write to") from error


def preflight(argv: list[str]) -> None:
    """Compose the config once and check every value a sweep takes, on the command line or in the experiment
    file's ``hydra.sweeper.params``, before Hydra starts (so a bad value writes nothing)."""
    from hydra import compose, initialize_config_dir

    parser = OverridesParser.create()
    parsed = parser.parse_overrides([a for a in argv if not a.startswith("-")])
    fixed = [
        o.input_line
        for o in parsed
        if not o.is_sweep_override() and (not o.key_or_group.startswith("hydra") or o.key_or_group == "hydra.searchpath")
    ]
    register()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose(config_name="config", overrides=fixed, return_hydra_config=True)
    in_file = parser.parse_overrides([f"{k}={v}" for k, v in (cfg.hydra.sweeper.params or {}).items()])
    sweeps = {o.get_key_element(): o for o in [*in_file, *parsed] if o.is_sweep_override()}  # the command line wins
    for key, o in sweeps.items():
        if is_group(o.key_or_group):  # each option of a config group composes differently
            for option in o.sweep_string_iterator():
                load_config([*fixed, f"{key}={option}"])
    with read_write(cfg), open_dict(cfg):
        del cfg["hydra"]
    check_values(cfg, [f"{key}={v}" for key, o in sweeps.items() if not is_group(o.key_or_group) for v in o.sweep_string_iterator()])
    check_writable(Path(cfg.output.root))


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
    if config.analysis == Analysis.calibrate:
        import pandas as pd

        from sim.analysis.calibration import run_calibration
        from sim.io import RunFolder

        with RunFolder(Path(config.output.root), config.experiment) as folder:
            install = CONF_DIR / "calibrated" / "default.yaml" if config.calibration.install else None
            summary = run_calibration(config, folder.tmp, install)
        print(f"\nbest loss {summary['best_loss']:.4g} over {summary['evaluations']} parameter sets; accepted {summary['accepted_sets']}")
        for name, value in summary["best"].items():
            u = summary["uncertainty"][name]
            print(f"  {name:<40} {value:.4g}  accepted {u['mean']:.4g} +/- {u['sd']:.2g}, range [{u['min']:.4g}, {u['max']:.4g}]")
        print(pd.read_csv(folder.final / "fit.csv")[["target", "use", "mean", "observed", "lo", "hi", "passed"]].to_string(index=False))
        fit, holdout = summary["fit_targets"], summary["holdout_targets"]
        print(f"fit targets passed {summary['fit_targets_passed']} of {fit}, holdout {summary['holdout_targets_passed']} of {holdout}")
        print(f"results: {folder.final}" + (f"; installed as {install}" if install else ""))
        return
    if config.analysis in (Analysis.structures, Analysis.regimes):
        from sim.io import RunFolder

        with RunFolder(Path(config.output.root), config.experiment) as folder:
            if config.analysis == Analysis.structures:
                from sim.analysis.structures import run_structures

                result = run_structures(config, list(hydra_cfg.overrides.task), folder.tmp)
                print(result.pivot(index="claim", columns="structure", values="verdict").to_string())
            else:
                from sim.analysis.regimes import run_regimes

                shares = run_regimes(config, folder.tmp)
                print(shares.round(2).to_string(index=False))
        print(f"\nresults: {folder.final}")
        return
    if config.analysis == Analysis.validate:
        from sim.analysis.validation import run_validation
        from sim.io import REPO_ROOT

        targets, claims = run_validation(config, REPO_ROOT / "docs")
        print(f"\ntargets passed: {int(targets['passed'].sum())} of {len(targets)}; claims: {claims['verdict'].value_counts().to_dict()}")
        print(f"report: {REPO_ROOT / 'docs' / 'validation.md'}")
        return
    from sim.output import finished_run, save_run

    if job_dir is not None and finished_run(job_dir, cfg):
        print(f"resume: run {job_dir.name} already finished, kept")
        return
    folder, table = save_run(config, cfg, Path(config.output.root), job_dir)
    if job_dir is None:
        print(table)
        print(f"\nresults: {folder}")


def cli() -> None:
    if os.environ.get("HYDRA_FULL_ERROR") != "1":
        try:
            preflight(sys.argv[1:])
        except ConfigError as error:
            sys.exit(f"error: {error}")
        except Exception as error:  # Hydra's and OmegaConf's composition errors
            sys.exit(f"error: {one_line(error)}")
    main()


if __name__ == "__main__":
    cli()
