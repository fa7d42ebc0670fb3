"""Calibration by simulated method of moments: fit free parameters to the ``fit`` targets.

Each target's tolerance [lo, hi] gives its scale: the loss of a parameter set is the mean, over fit
targets, of ((simulated mean - centre) / half-width)^2, the simulated mean taken over replications on
common random numbers, so the loss is a deterministic function of the parameters and scipy's
differential evolution can search it. Every evaluated set is kept; those within ``acceptance`` times the
best loss describe the parameters' uncertainty (an ABC-style acceptance region). The ``holdout``
targets are never used in the loss and are reported at the best parameters as out-of-sample checks.
The result is written as ``calibrated.yaml``; the defaults in conf/ are not changed by this command.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import OmegaConf
from scipy.optimize import differential_evolution

from sim.analysis.sensitivity import parameter_space, with_values
from sim.analysis.validation import check_targets, evaluate_targets, replicated_runs
from sim.config import ConfigError, SimConfig
from sim.io import provenance, result_config_yaml, write_json, write_text


def check_parameters(config: SimConfig) -> dict[str, tuple[float, float]]:
    """Free parameters must be continuous model parameters, searched within their allowed ranges."""
    space = parameter_space(config)
    bounds = {}
    for name, (lo, hi) in config.calibration.parameters.items():
        if name not in space:
            raise ConfigError(
                f"calibration.parameters.{name} is not a continuous model parameter: allowed names as in docs/ODD.md section 8"
            )
        allowed_lo, allowed_hi = _schema_range(config, name)
        if not allowed_lo <= lo < hi <= allowed_hi:
            raise ConfigError(
                f"calibration.parameters.{name}=[{lo}, {hi}] must satisfy lo < hi inside the allowed range [{allowed_lo}, {allowed_hi}]"
            )
        bounds[name] = (float(lo), float(hi))
    if not bounds:
        raise ConfigError("calibration.parameters is empty: name at least one parameter to fit")
    return bounds


def _schema_range(config: SimConfig, name: str) -> tuple[float, float]:
    import dataclasses

    node: object = config
    *path, last = name.split(".")
    for part in path:
        node = getattr(node, part)
    field = next(f for f in dataclasses.fields(node) if f.name == last)
    return field.metadata["range"]


def loss(table: pd.DataFrame) -> float:
    """Mean squared distance of the fit targets' simulated means from their tolerance centres, in half-widths."""
    fit = table[table["use"] == "fit"]
    centre, half = (fit["lo"] + fit["hi"]) / 2, (fit["hi"] - fit["lo"]) / 2
    distances = (((fit["mean"] - centre) / half) ** 2).fillna(1e6)  # an undefined target is a very bad fit
    return float(distances.mean())


def run_calibration(config: SimConfig, out: Path) -> dict:
    """Fit, write calibrated.yaml, calibration.csv (every evaluated set) and fit.csv (targets at the best set)."""
    check_targets(config.validation.targets)
    bounds = check_parameters(config)
    names = list(bounds)
    c = config.calibration
    evaluated: list[dict] = []
    started = time.time()

    def objective(x: np.ndarray) -> float:
        trial = with_values(config, dict(zip(names, map(float, x), strict=True)))
        table = evaluate_targets(trial.validation.targets, replicated_runs(trial, c.replications))
        value = loss(table)
        evaluated.append({**dict(zip(names, map(float, x), strict=True)), "loss": value})
        if len(evaluated) % 25 == 0:
            best = min(e["loss"] for e in evaluated)
            print(f"calibrate: {len(evaluated)} parameter sets, best loss {best:.4g}, {time.time() - started:.0f} s", flush=True)
        return value

    result = differential_evolution(
        objective,
        [bounds[n] for n in names],
        maxiter=c.budget,
        popsize=c.population,
        seed=config.seed,
        polish=False,
        tol=0.0,
        updating="immediate",
    )
    best = dict(zip(names, map(float, result.x), strict=True))
    history = pd.DataFrame(evaluated)
    accepted = history[history["loss"] <= c.acceptance * max(float(result.fun), 1e-12)]
    best_config = with_values(config, best)
    fit_table = evaluate_targets(best_config.validation.targets, replicated_runs(best_config, config.replications))
    summary = {
        "best": best,
        "best_loss": float(result.fun),
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
        "seconds": time.time() - started,
        "fit_targets_passed": int(fit_table[fit_table["use"] == "fit"]["passed"].sum()),
        "holdout_targets_passed": int(fit_table[fit_table["use"] == "holdout"]["passed"].sum()),
        "provenance": provenance(result_config_yaml(OmegaConf.structured(config)), config.seed),
    }
    calibrated = OmegaConf.from_dotlist([f"{k}={v}" for k, v in best.items()])
    write_text(
        out / "calibrated.yaml",
        "# Calibrated values (python -m sim +experiment=calibrate); use with python -m sim <key>=<value>...\n"
        + OmegaConf.to_yaml(calibrated),
    )
    write_text(out / "calibration.csv", history.to_csv(index=False))
    write_text(out / "fit.csv", fit_table.to_csv(index=False))
    write_json(out / "calibration.json", summary)
    return summary
