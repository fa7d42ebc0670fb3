"""``python -m sim``: run the configured experiment (default: the historical baseline).

The configuration is composed by Hydra once, from ``conf/`` and the command line, and checked before anything runs.
A single run writes ``results/<experiment>/<timestamp>/``. A sweep (``-m key=a,b``, or an experiment file whose
``hydra.sweeper.params`` sweep keys) is expanded here into points x replications, each point checked, and run by the
ensemble engine (:mod:`sim.ensemble`) in chunks into one sweep folder; ``resume=<folder>`` completes an interrupted
one. The analyses (sensitivity, calibrate, validate, structures, regimes) run their studies on the same engine.

Bad input stops before anything runs, with one line naming the key and what is allowed, exit code 2 and nothing
written (``HYDRA_FULL_ERROR=1`` shows the traceback instead). Hydra's own ``--help``, ``--cfg job`` and ``--info``
work as in any Hydra app.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

from sim.config import CONF_DIR, Analysis, ConfigError, SimConfig, check_files, check_memory, is_group, register, unknown_keys, validate

HYDRA_APP_FLAGS = {"--help", "-h", "--hydra-help", "--cfg", "-c", "--info", "-i", "--shell-completion", "-sc", "--resolve", "--package"}
MULTIRUN_FLAGS = {"-m", "--multirun"}
HYDRA_RUNNERS = ("hydra/launcher", "hydra.launcher", "hydra/sweeper", "hydra.sweeper", "hydra.sweep")
REFUSED = 2  # exit code: the input was refused, nothing ran and nothing was written
FAILED = 3  # the command failed while running (a full disk, a crash): nothing partial is kept (1 is sim.reproduce's "differs")
INTERRUPTED = 130  # Ctrl-C: a sweep keeps its finished chunks for resume=<folder>


def one_line(error: BaseException) -> str:
    """Hydra's and OmegaConf's multi-line reports, cut to what names the key and what is allowed."""
    import yaml

    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        return f"{mark.name}, line {mark.line + 1}: malformed YAML ({error.context or ''} {error.problem or ''})".replace("( ", "(")
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    first = lines[0] if lines else type(error).__name__
    if first.endswith(":") and len(lines) > 1:  # "... raised while composing config:" then what and where
        first = f"{first} {lines[1]}"
    from hydra.errors import MissingConfigException

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


@dataclass
class Command:
    """What the command line asks for, composed and checked once."""

    cfg: Any  # the composed DictConfig, without Hydra's node
    config: SimConfig
    fixed: list[str]  # the plain overrides (key=value, group=option)
    sweeps: dict[str, Any]  # swept key -> Hydra's parsed sweep override, in sweep order
    multirun: bool


def compose(overrides: list[str], hydra_node: bool = False) -> Any:
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    register()
    if GlobalHydra.instance().is_initialized():
        return hydra_compose(config_name="config", overrides=overrides, return_hydra_config=hydra_node)
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        return hydra_compose(config_name="config", overrides=overrides, return_hydra_config=hydra_node)


def without_hydra(cfg: Any) -> Any:
    from omegaconf import open_dict, read_write

    cfg = cfg.copy()
    with read_write(cfg), open_dict(cfg):
        cfg.pop("hydra", None)
    return cfg


def config_files(parsed: list[Any]) -> list[Path]:
    """The YAML files a command may load, to check before Hydra parses them: every file of conf/, and in the folders
    that ``hydra.searchpath`` adds, the group options the command line chooses (``timeline=mine``: timeline/mine.yaml)."""
    extra = [Path(str(p).removeprefix("file://")) for o in parsed if o.key_or_group == "hydra.searchpath" for p in o.value()]
    chosen = []
    for o in parsed:
        if is_group(o.key_or_group):
            options = o.sweep_string_iterator() if o.is_sweep_override() else [o.value()]
            chosen += [(o.key_or_group, str(v)) for v in options]
    files = sorted(CONF_DIR.rglob("*.yaml"))
    files += [folder / group / f"{option}.yaml" for folder in extra for group, option in chosen]
    return files + [folder / "config.yaml" for folder in extra]


def parse_command(argv: list[str]) -> Command:
    """Compose the config once from the command line; separate the sweep; validate the base point."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf

    flags = [a for a in argv if a.startswith("-")]
    for flag in flags:
        if flag not in MULTIRUN_FLAGS:
            raise ConfigError(f"{flag}: not an option of python -m sim: allowed -m/--multirun, and Hydra's --help, --cfg job, --info")
    parser = OverridesParser.create()
    parsed = parser.parse_overrides([a for a in argv if not a.startswith("-")])
    for o in parsed:
        if o.key_or_group.startswith(HYDRA_RUNNERS):
            raise ConfigError(
                f"{o.input_line}: sweeps run on the ensemble engine, not through Hydra's sweeper or launchers: use "
                "ensemble.backend (allowed loky, serial, ray, submitit_local, submitit_slurm) and ensemble.workers"
            )
    fixed = [o.input_line for o in parsed if not o.is_sweep_override()]
    check_files(config_files(parsed))
    try:
        cfg = compose(fixed, hydra_node=True)
    except ValueError as error:  # Hydra's defaults list raises plain ValueErrors for some malformed group overrides
        raise ConfigError(f"{' '.join(fixed)}: {one_line(error)}") from None
    multirun = bool(flags) or str(cfg.hydra.mode) in ("MULTIRUN", "RunMode.MULTIRUN")
    params = OmegaConf.to_container(cfg.hydra.sweeper.params, resolve=True) if cfg.hydra.sweeper.params else {}
    in_file = parser.parse_overrides([f"{k}={v}" for k, v in params.items()])
    fixed_keys = {o.get_key_element() for o in parsed if not o.is_sweep_override()}
    sweeps = {o.get_key_element(): o for o in in_file if o.is_sweep_override() and o.get_key_element() not in fixed_keys}
    sweeps |= {o.get_key_element(): o for o in parsed if o.is_sweep_override()}  # the command line wins
    if sweeps and not multirun:
        raise ConfigError(f"{next(iter(sweeps.values())).input_line}: a sweep: add -m (--multirun) to run every value")
    cfg = without_hydra(cfg)
    unknown_keys(cfg)
    config = validate(cfg)
    if multirun and config.analysis != Analysis.run:
        raise ConfigError(f"analysis={config.analysis.value} runs its own study: drop -m (--multirun)")
    if config.resume and not multirun:
        raise ConfigError(f"resume={config.resume}: only a sweep resumes; add -m, or drop resume")
    root = Path(config.output.root).resolve()
    for key, path in (("resume", config.resume), ("ensemble.ray.temp_dir", config.ensemble.ray.temp_dir)):
        if path and not Path(path).resolve().is_relative_to(root):
            raise ConfigError(f"{key}={path} lies outside output.root={config.output.root}: every folder written must be under it")
    if config.publish and config.analysis not in PUBLISHED:
        raise ConfigError(f"publish=true: only analysis=validate or calibrate publish anything, not {config.analysis.value}")
    check_memory(config)
    check_writable(Path(config.output.root))
    return Command(cfg, config, fixed, sweeps, multirun)


def typed_value(cfg: Any, base: SimConfig, key: str, raw: Any) -> Any:
    """A swept value as the schema types it, checked alone (ranges and rules): on the typed config where the field is
    a plain number, enum or string (milliseconds), else through OmegaConf on the composed config (a copy: 0.2 s)."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    from sim.ensemble import with_values

    node: Any = base
    *path, leaf = key.split(".")
    for part in path:
        node = getattr(node, part, None) if not isinstance(node, (list, dict)) else None
    old = getattr(node, leaf, None) if node is not None and not isinstance(node, (list, dict)) else None
    if isinstance(old, Enum):
        try:
            value: Any = type(old)(raw)
        except ValueError:
            raise ConfigError(f"{key}={raw}: allowed {[e.value for e in type(old)]}") from None
    elif type(old) is float and type(raw) in (int, float):
        value = float(raw)
    elif type(old) in (int, bool, str) and type(raw) is type(old):
        value = raw
    else:  # a list, a mapping, an optional field or a value of another type: OmegaConf converts or refuses it
        trial = cfg.copy()
        try:
            OmegaConf.update(trial, key, raw, merge=True)
        except OmegaConfBaseException as error:
            raise ConfigError(f"{key}={raw}: {str(error).splitlines()[0]}") from None
        validate(trial)
        return OmegaConf.select(trial, key)
    validate(with_values(base, {key: value}))
    return value


def sweep_study(command: Command) -> tuple[Any, dict[str, Any]]:
    """The sweep as a study: every point composed (once per choice of config groups) and validated, cross-field rules
    included, before the first run; and its description, which a resume must match."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from sim.ensemble import Study, grid, label_value, with_values
    from sim.io import result_config_yaml

    sweeps = dict(command.sweeps)
    replication = sweeps.pop("replication", None)
    reps = [int(v) for v in replication.sweep_string_iterator()] if replication is not None else [command.config.replication]
    for r in reps:
        validate(dataclasses.replace(command.config, replication=r))
    keys = list(sweeps)
    options = {k: list(sweeps[k].sweep_string_iterator()) for k in keys}
    groups = [k for k in keys if is_group(sweeps[k].key_or_group)]
    parser = OverridesParser.create()
    typed: dict[tuple[str, str], Any] = {}  # (key, value as written) -> the value as the schema types it, checked alone
    bases: dict[tuple[str, ...], tuple[int, Any, SimConfig]] = {}
    base_list: list[SimConfig] = []
    points, labels = [], []
    for combo in grid(options[k] for k in keys):
        choice = dict(zip(keys, combo, strict=True))
        group_lines = tuple(f"{k}={choice[k]}" for k in groups)
        if group_lines not in bases:
            cfg = without_hydra(compose([*command.fixed, *group_lines])) if group_lines else command.cfg
            bases[group_lines] = (len(base_list), cfg, validate(cfg))
            base_list.append(bases[group_lines][2])
        index, cfg, base = bases[group_lines]
        values = {}
        for k in keys:
            if k in groups:
                continue
            if (k, choice[k]) not in typed:
                typed[(k, choice[k])] = typed_value(cfg, base, k, parser.parse_override(f"{k}={choice[k]}").value())
            values[k] = typed[(k, choice[k])]
        if values:
            try:
                validate(with_values(base, values))
            except ConfigError as error:
                raise ConfigError(f"sweep point {' '.join(f'{k}={v}' for k, v in choice.items())}: {error}") from None
        points.append((index, values))
        labels.append({k: choice[k] if k in groups else label_value(values[k]) for k in keys})
    if not keys:
        labels = [{} for _ in points]
    study = Study(base_list, points, labels, reps)
    description = {
        "version": 1,
        "config": result_config_yaml(command.cfg),
        "sweep": {**options, "replication": reps},
        "runs": study.size,
    }
    return study, description


def run_sweep(command: Command) -> None:
    from sim.ensemble import SweepFolder, chunk_size
    from sim.io import provenance
    from sim.sweep import aggregate, write_run_folders

    config = command.config
    study, description = sweep_study(command)
    root = Path(config.output.root)
    if config.resume:
        folder = SweepFolder.resume(Path(config.resume), {**description, "chunk": None})
        if folder.done:
            print(f"resume: {folder.path} is complete already; nothing to run")
            return
    else:
        description["chunk"] = chunk_size(config.ensemble, study)
        folder = SweepFolder.create(root, config.experiment, datetime.now().strftime("%Y-%m-%d_%H-%M-%S"), description)
    size = folder.description["chunk"]
    n_chunks = -(-study.size // size)
    print(
        f"sweep: {study.size} runs ({len(study.points)} points x {len(study.replications)} replications) in {n_chunks} chunks "
        f"on {config.ensemble.backend.value} into {folder.path}",
        flush=True,
    )
    try:
        already = folder.run(study, config.ensemble, config.experiment)
    except KeyboardInterrupt:
        kept = folder.finished_runs(study)
        print(f"\ninterrupted: {kept} of {study.size} runs kept in {folder.path}; finish with resume={folder.path}", file=sys.stderr)
        sys.exit(INTERRUPTED)
    if already:
        print(f"resume: {already} runs were finished already and kept", flush=True)
    meta = {**provenance(description["config"], config.seed), "sweep": description["sweep"]}
    sweep_file = folder.merge(n_chunks, meta)
    written = [sweep_file, *aggregate(folder.path, study.keys)]
    if config.ensemble.run_folders:
        written += write_run_folders(folder.path)
    print(f"\nsweep results: {folder.path}")
    for path in written:
        print(f"  {path.relative_to(folder.path)}")


def run_analysis(command: Command) -> None:
    from sim.io import RunFolder

    config = command.config
    if config.analysis == Analysis.run:
        from sim.output import save_run

        save_run(config, command.cfg, Path(config.output.root))
        return
    with RunFolder(Path(config.output.root), config.experiment) as folder:
        if config.analysis == Analysis.validate:
            from sim.analysis.validation import run_validation

            targets, claims = run_validation(config, folder.tmp)
        elif config.analysis == Analysis.sensitivity:
            from sim.analysis.sensitivity import run_sensitivity

            run_sensitivity(config, folder.tmp)
        elif config.analysis == Analysis.calibrate:
            from sim.analysis.calibration import run_calibration

            summary = run_calibration(config, folder.tmp)
        elif config.analysis == Analysis.structures:
            from sim.analysis.structures import run_structures

            result = run_structures(config, command.fixed, folder.tmp)
        else:
            from sim.analysis.regimes import run_regimes

            shares = run_regimes(config, folder.tmp)
    published = publish(config, folder.final) if config.publish else []
    if config.analysis == Analysis.validate:
        print(f"\ntargets passed: {int(targets['passed'].sum())} of {len(targets)}; claims: {claims['verdict'].value_counts().to_dict()}")
    elif config.analysis == Analysis.calibrate:
        import pandas as pd

        print(f"\nABC-SMC: {summary['simulations']} simulations, {summary['generations']} generations, final tolerance "
              f"{summary['epsilon']:.3g}, effective sample size {summary['ess']:.1f} of {summary['particles']} particles")  # fmt: skip
        for name, u in summary["posterior"].items():
            prior = f"[{u['prior'][0]:g}, {u['prior'][1]:g}]"
            print(f"  {name:<40} median {u['median']:.4g}  90% [{u['q05']:.4g}, {u['q95']:.4g}]  prior {prior}")
        check = pd.read_csv(folder.final / "predictive.csv")
        print(check[["target", "use", "observed", "lo", "hi", "q05", "median", "q95", "covered_90"]].to_string(index=False))
        print(f"observed inside the posterior predictive 90% band (an interval target: overlapping it): fit {summary['fit_in_90']} "
              f"of {summary['fit_targets']}, holdout {summary['holdout_in_90']} of {summary['holdout_targets']}")  # fmt: skip
    elif config.analysis == Analysis.structures:
        print(result.pivot(index="claim", columns="structure", values="verdict").to_string())
    elif config.analysis == Analysis.regimes:
        print(shares.round(2).to_string(index=False))
    print(f"\nresults: {folder.final}")
    for path in published:
        print(f"published: {path}")


PUBLISHED = {  # what publish=true copies from a results folder into the tracked tree, per analysis
    Analysis.validate: {"validation.md": "docs/validation.md", "img/validation.png": "docs/img/validation.png"},
    Analysis.calibrate: {"calibrated.yaml": "conf/calibrated/default.yaml", "posterior.csv": "conf/calibrated/posterior.csv"},
}


def publish(config: SimConfig, folder: Path) -> list[Path]:
    """The explicit publish step: copy the analysis's report or fitted values from its results folder over the tracked
    files (docs/, conf/calibrated/); every other command writes only under output.root."""
    from sim.io import REPO_ROOT, write_text

    if config.analysis not in PUBLISHED:
        raise ConfigError(f"publish=true: only analysis=validate or calibrate publish anything, not {config.analysis.value}")
    written = []
    for source, target in PUBLISHED[config.analysis].items():
        path = REPO_ROOT / target
        path.parent.mkdir(parents=True, exist_ok=True)
        if source.endswith(".png"):
            tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
            tmp.write_bytes((folder / source).read_bytes())
            os.replace(tmp, path)
        else:
            write_text(path, (folder / source).read_text())
        written.append(path)
    return written


def refuse(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(REFUSED)


def hydra_app() -> None:
    """Hydra's own app, for its --help, --cfg job, --info and shell completion (they print and exit)."""
    import hydra

    register()

    @hydra.main(config_path="../conf", config_name="config", version_base="1.3")
    def app(cfg: Any) -> None:
        refuse("run without Hydra's --cfg/--help/--info flags to run the model")

    app()


def cli() -> None:
    argv = sys.argv[1:]
    if any(a.split("=")[0] in HYDRA_APP_FLAGS for a in argv):
        hydra_app()
        return
    full = os.environ.get("HYDRA_FULL_ERROR") == "1"
    try:
        command = parse_command(argv)
    except Exception as error:  # ConfigError, and Hydra's, OmegaConf's and YAML's composition errors
        from hydra.errors import HydraException
        from omegaconf.errors import OmegaConfBaseException
        from yaml import YAMLError

        if full or not isinstance(error, (ConfigError, HydraException, OmegaConfBaseException, YAMLError)):
            raise
        refuse(str(error) if isinstance(error, ConfigError) else one_line(error))
    try:
        if command.multirun:
            run_sweep(command)
        else:
            run_analysis(command)
    except ConfigError as error:  # a study's own checks (its points, targets, quarters), before its first run
        if full:
            raise
        refuse(str(error))
    except KeyboardInterrupt:
        print("\ninterrupted: nothing was kept", file=sys.stderr)
        sys.exit(INTERRUPTED)
    except OSError as error:
        if full or error.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES):
            raise
        print(f"error: {error.strerror} writing {error.filename or 'results'}: nothing partial was kept; free space or "
              "choose another output.root", file=sys.stderr)  # fmt: skip
        sys.exit(FAILED)


def main() -> None:
    """The console entry point: exit codes 0 done, 2 refused, 3 failed while running, 130 interrupted."""
    try:
        cli()
    except SystemExit:
        raise
    except BaseException:
        import traceback

        traceback.print_exc()
        print("error: the command crashed (a bug: please report it with the traceback above); nothing partial was kept", file=sys.stderr)
        sys.exit(FAILED)


if __name__ == "__main__":
    main()
