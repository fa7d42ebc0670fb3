"""Calibration by simulated method of moments: fit free parameters to the ``fit`` targets.

The loss of a parameter set is the mean, over fit targets, of the squared distance of the simulated mean
from the target's aim (its observed figure, else the centre of its tolerance) in units of the tolerance
on that side, so 1 is a target at the edge of its tolerance. The simulated mean is taken over
replications on common random numbers, so the loss is a deterministic function of the parameters and
scipy's differential evolution can search it (each generation's sets x replications one study on the ensemble engine).
Every evaluated set is kept; those with a loss at most ``acceptance`` describe the parameters'
uncertainty (an ABC-style acceptance region; differential evolution's samples crowd towards the optimum,
so it shows how well the targets pin each parameter down rather than a posterior). The ``holdout``
targets are never used in the loss and are reported at the best parameters as out-of-sample checks.

The result is written as ``calibrated.yaml`` in the results folder; with ``publish=true`` the command then copies it
over ``conf/calibrated/default.yaml``, the values the baseline composes by default (the values of parameters not
fitted this time are carried over from the installed file, since the fit was conditioned on them).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from omegaconf import OmegaConf
from scipy.optimize import differential_evolution

from sim.analysis.sensitivity import parameter_space
from sim.analysis.validation import check_targets, evaluate_targets, replicated_runs
from sim.config import CONF_DIR, ConfigError, SimConfig, dotted
from sim.ensemble import progress, replicated, with_values
from sim.io import provenance, result_config_yaml, write_json, write_text
from sim.parameters import schema_field

INSTALLED = CONF_DIR / "calibrated" / "default.yaml"  # the values the baseline composes (publish=true replaces it)


def check_parameters(config: SimConfig) -> dict[str, tuple[float, float]]:
    """Free parameters must be continuous model parameters, searched within their allowed ranges."""
    space = parameter_space(config)
    bounds = {}
    for name, (lo, hi) in config.calibration.parameters.items():
        if name not in space:
            raise ConfigError(
                f"calibration.parameters.{name} is not a continuous model parameter: allowed names as in docs/ODD.md section 8"
            )
        allowed_lo, allowed_hi = schema_field(name)[1].metadata["range"]
        if not allowed_lo <= lo < hi <= allowed_hi:
            raise ConfigError(
                f"calibration.parameters.{name}=[{lo}, {hi}] must satisfy lo < hi inside the allowed range [{allowed_lo}, {allowed_hi}]"
            )
        bounds[name] = (float(lo), float(hi))
    if not bounds:
        raise ConfigError("calibration.parameters is empty: name at least one parameter to fit")
    return bounds


def loss(table: pd.DataFrame) -> float:
    """Mean squared distance of the fit targets' simulated means from their aims, in units of the tolerance.

    The aim is the observed figure where the source gives one, else the tolerance's centre; the distance is
    scaled by the tolerance on the same side of the aim, so 1 is the edge of the tolerance either way.
    """
    fit = table[table["use"] == "fit"]
    aim = fit["observed"].astype(float).fillna((fit["lo"] + fit["hi"]) / 2)
    side = (fit["hi"] - aim).where(fit["mean"] >= aim, aim - fit["lo"]).replace(0, np.nan).fillna((fit["hi"] - fit["lo"]) / 2)
    distances = (((fit["mean"] - aim) / side) ** 2).fillna(1e6)  # an undefined target is a very bad fit
    return float(distances.mean())


class GenerationMap:
    """scipy's ``workers`` hook: a generation's parameter sets x replications as one study on the ensemble engine;
    each set's loss recorded; one progress bar over the whole calibration."""

    def __init__(self, config: SimConfig, names: list[str], bar: Any) -> None:
        self.config, self.names, self.bar = config, names, bar
        self.evaluated: list[dict] = []
        self.started = time.time()

    def __call__(self, _objective: Callable, population: Iterable[np.ndarray]) -> list[float]:
        population = [np.asarray(x, dtype=float) for x in population]
        trials = {i: with_values(self.config, dict(zip(self.names, map(float, x), strict=True))) for i, x in enumerate(population)}
        c = self.config
        runs = replicated(trials, c.calibration.replications, c.ensemble, Path(c.output.root), "calibrate", bar=self.bar)
        losses = [loss(evaluate_targets(c.validation.targets, runs[i])) for i in trials]
        for x, value in zip(population, losses, strict=True):
            self.evaluated.append({**dict(zip(self.names, map(float, x), strict=True)), "loss": value})
        self.bar.set_postfix(best_loss=f"{min(e['loss'] for e in self.evaluated):.4g}")
        return losses


def calibrated_yaml(values: dict[str, float], summary: dict) -> str:
    """The accepted values as a config the baseline composes (``# @package _global_``), provenance in the header."""
    nested = OmegaConf.to_container(OmegaConf.from_dotlist([f"{name}={float(f'{value:.4g}')}" for name, value in values.items()]))
    lines = [
        "# @package _global_",
        "# Calibrated values, composed over the group defaults by conf/config.yaml (`calibrated=none` runs the",
        "# uncalibrated priors). Written by `python -m sim +experiment=calibrate publish=true`; do not edit",
        f"# by hand. {date.today().isoformat()}, commit {summary['provenance']['git_commit']}, seed {summary['provenance']['seed']}:",
        f"# best loss {summary['best_loss']:.4g} over {summary['evaluations']} parameter sets; fit targets passed "
        f"{summary['fit_targets_passed']} of {summary['fit_targets']},"
        f" holdout {summary['holdout_targets_passed']} of {summary['holdout_targets']}.",
        f"# Accepted region (loss <= {summary['acceptance']:g}, {summary['accepted_sets']} sets), per parameter:",
        *(
            f"#   {n}: mean {u['mean']:.4g}, sd {u['sd']:.2g}, range [{u['min']:.4g}, {u['max']:.4g}]"
            for n, u in summary["uncertainty"].items()
        ),
        *(f"#   {n}: kept from the previous calibration (not fitted this time)" for n in values if n not in summary["best"]),
    ]
    return "\n".join(lines) + "\n" + yaml.safe_dump(nested, sort_keys=False)


def installed_values(config: SimConfig, best: dict[str, float], installed: Path) -> dict[str, float]:
    """The fitted values, plus the values already installed for parameters not fitted this time (the fit was
    conditioned on them, so they stay)."""
    previous = dotted(yaml.safe_load(installed.read_text()) or {}) if installed.exists() else {}
    structured = OmegaConf.structured(config)
    kept = {name: float(OmegaConf.select(structured, name)) for name in previous if name not in best}
    return {**kept, **best}


def run_calibration(config: SimConfig, out: Path, installed: Path = INSTALLED) -> dict:
    """Fit; write calibrated.yaml (the fitted values, with those of ``installed`` not fitted this time), calibration.csv
    (every evaluated set), fit.csv (targets at the best set) and calibration.json into ``out``."""
    check_targets(config.validation.targets)
    bounds = check_parameters(config)
    names = list(bounds)
    c = config.calibration
    evaluations = (c.budget + 1) * c.population * len(names)  # scipy's bound: maxiter generations after the first
    with progress(evaluations * c.replications, 0, config.ensemble, "calibrate") as bar:
        generation = GenerationMap(config, names, bar)
        result = differential_evolution(
            lambda x: np.nan,  # unused: GenerationMap evaluates each generation as one study
            [bounds[n] for n in names],
            maxiter=c.budget,
            popsize=c.population,
            seed=config.seed,
            polish=False,
            tol=0.0,
            updating="deferred",
            workers=generation,
        )
    best = dict(zip(names, map(float, result.x), strict=True))
    history = pd.DataFrame(generation.evaluated)
    accepted = history[history["loss"] <= max(c.acceptance, float(result.fun))]  # the best set at least
    best_config = with_values(config, best)
    fit_table = evaluate_targets(best_config.validation.targets, replicated_runs(best_config, config.replications))
    summary = {
        "best": best,
        "best_loss": float(result.fun),
        "acceptance": c.acceptance,
        "accepted_sets": len(accepted),
        "uncertainty": {
            n: {
                "mean": float(accepted[n].mean()),
                "sd": float(accepted[n].std(ddof=1)) if len(accepted) > 1 else 0.0,
                "min": float(accepted[n].min()),
                "max": float(accepted[n].max()),
            }
            for n in names
        },  # fmt: skip
        "evaluations": len(history),
        "seconds": time.time() - generation.started,
        "fit_targets": int((fit_table["use"] == "fit").sum()),
        "fit_targets_passed": int(fit_table[fit_table["use"] == "fit"]["passed"].sum()),
        "holdout_targets": int((fit_table["use"] == "holdout").sum()),
        "holdout_targets_passed": int(fit_table[fit_table["use"] == "holdout"]["passed"].sum()),
        "provenance": provenance(result_config_yaml(OmegaConf.structured(config)), config.seed),
    }
    write_text(out / "calibrated.yaml", calibrated_yaml(installed_values(config, best, installed), summary))
    write_text(out / "calibration.csv", history.to_csv(index=False))
    write_text(out / "fit.csv", fit_table.to_csv(index=False))
    write_json(out / "calibration.json", summary)
    return summary
