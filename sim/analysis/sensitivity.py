"""Global sensitivity analysis: which parameters drive the five consequences, and how much.

Morris screening (elementary effects) is cheap per parameter, so it runs over every continuous parameter; Sobol
indices are expensive per parameter, so they are computed only for the ``top`` parameters Morris ranks highest, the
rest held at their defaults. Every run uses the same seed and replication (common random numbers), so differences
between runs come from the parameters rather than from a fresh random stream. Samples are applied to a copy of the
typed config rather than composed by Hydra, which would cost more than the run itself; they are not re-validated (the
bounds lie inside the schema's ranges; the one cross-field rule they can break, talent.in_china0 + talent.in_rival0 <= 1,
only saturates the initial location draw). The runs are one study each (Morris, Sobol) on the ensemble engine.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from omegaconf import OmegaConf
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from sim.config import NOT_MODEL, ConfigError, SimConfig
from sim.ensemble import Keep, Study, run_study
from sim.indicators import CONSEQUENCES
from sim.io import provenance, write_json, write_text
from sim.plots import STYLE
from sim.timeline import Quarter

MORRIS_SHOWN = 20  # parameters drawn in morris.png; the csv has all of them


def _fields(node: Any, prefix: str = "") -> Iterator[tuple[str, float, dataclasses.Field]]:
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if dataclasses.is_dataclass(value):
            yield from _fields(value, f"{prefix}{f.name}.")
        else:
            yield f"{prefix}{f.name}", value, f


def _varied(name: str, value: Any, f: dataclasses.Field) -> bool:
    """Whether a field is a behavioural continuous parameter worth varying.

    Integers are counts, seeds and indices; targets are the plan's yardsticks, not behaviour; profile shares must
    sum to 1. Fields whose default is 0 are left out too: a relative spread around 0 is empty, and 0 there is a
    structural choice (foreign firms start with no state ties), not an estimate with an uncertainty.
    """
    return (
        "range" in f.metadata
        and type(value) is float
        and value != 0
        and name.split(".")[0] not in NOT_MODEL
        and not name.startswith(("economy.target_", "agents."))  # plan targets are data; sizes and what they represent are not mechanisms
        and not (name.startswith("firms.profiles.") and name.endswith(".share"))
    )


def parameter_space(config: SimConfig) -> dict[str, tuple[float, float]]:
    """Every varied parameter (dotted path) with its bounds: default x (1 +/- spread), clipped to the schema range."""
    spread = config.sensitivity.spread
    space = {}
    for name, value, f in _fields(config):
        if _varied(name, value, f):
            lo, hi = f.metadata["range"]
            space[name] = (max(lo, value * (1 - spread)), min(hi, value * (1 + spread)))
    return space


def _run_all(config: SimConfig, names: list[str], samples: np.ndarray, label: str) -> np.ndarray:
    """The five consequences at the analysed quarter, one row per sample, every sample a point of one study on the
    ensemble engine (the same replication for all: common random numbers)."""
    points = [(0, dict(zip(names, map(float, row), strict=True))) for row in samples]
    keep = Keep((config.sensitivity.quarter,), tuple(CONSEQUENCES))
    study = Study([config], points, [{} for _ in points], [config.replication], keep)
    rows = run_study(study, config.ensemble, Path(config.output.root), label).to_pandas()
    return rows.pivot(index="run", columns="indicator", values="value")[list(CONSEQUENCES)].to_numpy()


def _problem(space: dict[str, tuple[float, float]], names: list[str]) -> dict[str, Any]:
    return {"num_vars": len(names), "names": names, "bounds": [list(space[n]) for n in names]}


def _rank(morris: pd.DataFrame) -> pd.Series:
    """Mean over the consequences of mu* relative to that consequence's largest mu*, so no single scale dominates.

    A consequence no parameter moves (largest mu* 0) contributes 0 to every parameter.
    """
    mu_star = morris.pivot(index="parameter", columns="indicator", values="mu_star")
    return mu_star.div(mu_star.max().replace(0, np.inf)).mean(axis=1).sort_values(ascending=False)


def _sobol_figure(sobol: pd.DataFrame, quarter: str, path: Path) -> None:
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, len(CONSEQUENCES), figsize=(16, 1.2 + 0.35 * sobol["parameter"].nunique()), sharey=True)
        for ax, indicator in zip(axes, CONSEQUENCES, strict=True):
            data = sobol[sobol["indicator"] == indicator].iloc[::-1]
            y = np.arange(len(data))
            ax.barh(y + 0.2, data["ST"], 0.4, xerr=data["ST_conf"], label="total (ST)", color="tab:blue")
            ax.barh(y - 0.2, data["S1"], 0.4, xerr=data["S1_conf"], label="first order (S1)", color="tab:orange")
            ax.set_yticks(y, data["parameter"], fontsize=7)
            ax.set_title(CONSEQUENCES[indicator], fontsize=8, loc="left")
            ax.set_xlabel("Sobol index")
        axes[0].legend(loc="lower right")
        fig.suptitle(f"Sobol indices at {quarter} with 95% confidence intervals", fontsize=11)
        fig.tight_layout()
        fig.savefig(path)
        plt.close(fig)


def _morris_figure(morris: pd.DataFrame, ranked: pd.Series, quarter: str, path: Path) -> None:
    shown = list(ranked.index[:MORRIS_SHOWN])[::-1]
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, len(CONSEQUENCES), figsize=(16, 1.2 + 0.25 * len(shown)), sharey=True)
        for ax, indicator in zip(axes, CONSEQUENCES, strict=True):
            data = morris[morris["indicator"] == indicator].set_index("parameter").loc[shown]
            ax.barh(np.arange(len(shown)), data["mu_star"], xerr=data["mu_star_conf"], color="tab:green")
            ax.set_yticks(np.arange(len(shown)), shown, fontsize=7)
            ax.set_title(CONSEQUENCES[indicator], fontsize=8, loc="left")
            ax.set_xlabel("Morris mu* (per unit of range)")
        fig.suptitle(f"Morris screening at {quarter}: the {len(shown)} most influential parameters, 95% intervals", fontsize=11)
        fig.tight_layout()
        fig.savefig(path)
        plt.close(fig)


def run_sensitivity(config: SimConfig, out: Path) -> dict[str, Any]:
    """Morris over all continuous parameters, then Sobol over the top ones; write csvs, figures and a summary to ``out``."""
    s = config.sensitivity
    quarter = Quarter.parse(s.quarter, key="sensitivity.quarter")
    if not Quarter.parse(config.time.start) <= quarter <= Quarter.parse(config.time.end):
        raise ConfigError(f"sensitivity.quarter={s.quarter} is outside the run: allowed {config.time.start}-{config.time.end}")
    seeds = [int(x) for x in np.random.SeedSequence(config.seed).generate_state(4)]
    space = parameter_space(config)
    names = list(space)
    started = time.perf_counter()

    problem = _problem(space, names)
    x = morris_sample.sample(problem, N=s.trajectories, num_levels=s.levels, seed=seeds[0])
    y = _run_all(config, names, x, "morris")
    morris = pd.concat(
        morris_analyze.analyze(problem, x, y[:, j], num_levels=s.levels, seed=seeds[1])
        .to_df()
        .rename_axis("parameter")
        .reset_index()
        .assign(indicator=indicator)
        for j, indicator in enumerate(CONSEQUENCES)
    )[["parameter", "indicator", "mu", "mu_star", "sigma", "mu_star_conf"]]
    ranked = _rank(morris)
    top = list(ranked.index[: s.top])
    morris_seconds = time.perf_counter() - started

    problem_top = _problem(space, top)
    xs = sobol_sample.sample(problem_top, N=s.sobol_samples, calc_second_order=False, seed=seeds[2])
    ys = _run_all(config, top, xs, "sobol")
    rows = []
    for j, indicator in enumerate(CONSEQUENCES):
        with np.errstate(invalid="ignore"):  # an output no parameter moves: SALib reports indices of 0, as it should
            si = sobol_analyze.analyze(problem_top, ys[:, j], calc_second_order=False, seed=seeds[3])
        rows.append(pd.DataFrame({"parameter": top, "indicator": indicator, **{k: si[k] for k in ("S1", "S1_conf", "ST", "ST_conf")}}))
    sobol = pd.concat(rows)
    sobol_seconds = time.perf_counter() - started - morris_seconds

    write_text(out / "morris.csv", morris.to_csv(index=False))
    write_text(out / "sobol.csv", sobol.to_csv(index=False))
    _sobol_figure(sobol, s.quarter, out / "sensitivity.png")
    _morris_figure(morris, ranked, s.quarter, out / "morris.png")
    summary = {
        "quarter": s.quarter,
        "spread": s.spread,
        "parameters_screened": len(names),
        "parameters": names,
        "top_parameters": top,
        "runs": {"morris": len(x), "sobol": len(xs)},
        "seconds": {"morris": round(morris_seconds, 1), "sobol": round(sobol_seconds, 1), "total": round(time.perf_counter() - started, 1)},
    }
    write_json(out / "sensitivity.json", {**summary, **provenance(OmegaConf.to_yaml(OmegaConf.structured(config)), config.seed)})
    return summary
