"""Bayesian calibration by approximate Bayesian computation (ABC-SMC, pyabc; Toni et al. 2009, Beaumont et al. 2009).

Priors are uniform over each free parameter's search bounds (``conf/calibration``). A particle's summary statistics
are the ``fit`` targets of ``conf/targets``, each as its standardized deviation (:func:`deviation`): from the observed
figure in units of the tolerance on that side (0 at the observation, +-1 at the tolerance's edge), or, for a target
that is only an interval, 0 inside it and the distance beyond it in half-widths. The observed data are therefore all
zeros and the distance is the Euclidean norm of the deviations (pyabc's ``PNormDistance``, p = 2); a target the run
cannot compute counts as 10 tolerances off. Each generation's tolerance is the median of the last generation's accepted distances (pyabc's
``MedianEpsilon``). A particle is simulated with its own random streams (replications ``k*R .. k*R+R-1`` for the
k-th proposal of the calibration; with R > 1 the statistic is that of the rule's mean over them), so the posterior
carries the model's own randomness, not one seed's.

Proposals run on the ensemble engine: :class:`EngineSampler` (a pyabc sampler) draws a batch of proposals, runs
them as one study (chunks on the configured backend) and then lets pyabc weigh and accept them in proposal order,
stopping at the n-th acceptance, so the result depends on the seed only, not on backend, workers or chunk size.

``holdout`` targets are never used. After the fit, ``predictive_draws`` parameter sets drawn from the posterior are
run once each, and every target (fit and holdout) is scored by the posterior predictive: its median, 50 % and 90 %
bands, and whether the observed figure lies in the 90 % band (for a target that is only an interval: whether the band
overlaps it), its coverage.

The result (``calibrated.yaml``: the posterior medians, which the baseline composes; ``posterior.csv``: the final
particles and their weights) is written into the results folder; ``publish=true`` copies both into
``conf/calibrated/``; ``calibrated.yaml`` names ``conf/calibrated/posterior.csv`` as the posterior to draw from, so the
two are meant to be published together. Parameters not fitted this time keep the installed values (the fit was
conditioned on them). The run stops after the generation in which ``max_simulations`` is reached (pyabc checks the
budget between generations), so it can run over by part of a generation.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from omegaconf import OmegaConf

from sim.analysis.sensitivity import parameter_space
from sim.analysis.validation import RULES, check_targets, posterior_targets
from sim.config import CONF_DIR, ConfigError, SimConfig, TargetConfig, dotted
from sim.ensemble import Keep, Study, progress, run_study, wide
from sim.io import provenance, result_config_yaml, write_json, write_text
from sim.parameters import schema_field
from sim.predictive import resample, run_draws

INSTALLED = CONF_DIR / "calibrated" / "default.yaml"  # the values the baseline composes (publish=true replaces it)
POSTERIOR = "posterior.csv"  # beside calibrated.yaml, here and (publish=true) in conf/calibrated/
MISSING_DEVIATION = 10.0  # a target the run cannot compute (a zero denominator) counts as this many tolerances off


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


def fit_targets(config: SimConfig) -> list[TargetConfig]:
    targets = [t for t in config.validation.targets if t.use == "fit"]
    if not targets:
        raise ConfigError("validation.targets has no target with use=fit: the calibration needs at least one")
    return targets


def deviation(target: TargetConfig, value: float) -> float:
    """The standardized deviation of a simulated value from the target.

    With an observed figure: (value - observed) in units of the tolerance on that side (0 at the observation, +-1 at
    the tolerance's edge). Without one the target is an interval, every value in it equally consistent: 0 inside
    [lo, hi], outside the distance beyond the nearer bound in half-widths of the interval (+-1 one half-width out)."""
    if not math.isfinite(value):
        return MISSING_DEVIATION
    if target.observed is None:
        half = (target.hi - target.lo) / 2 or 1.0
        return (value - target.hi) / half if value > target.hi else (value - target.lo) / half if value < target.lo else 0.0
    aim = target.observed
    side = (target.hi - aim) if value >= aim else (aim - target.lo)
    side = side if side > 0 else (target.hi - target.lo) / 2 or 1.0
    return (value - aim) / side


def statistics(targets: list[TargetConfig], runs: list[pd.DataFrame]) -> dict[str, float]:
    """Summary statistics of one particle: each fit target's deviation of the mean over its replications."""
    out = {}
    for t in targets:
        values = [RULES[t.rule][1](w, dict(t.params)) for w in runs]
        out[t.name] = deviation(t, float(np.mean(values)))
    return out


class EngineModel:
    """What pyabc calls the model: in the record pass it notes the proposed parameters, in the replay pass it returns
    the statistics the ensemble engine computed for them, in the same order."""

    def __init__(self, config: SimConfig, bounds: dict[str, tuple[float, float]], targets: list[TargetConfig], bar: Any) -> None:
        self.config, self.bounds, self.targets, self.bar = config, bounds, targets, bar
        self.names = list(bounds)
        self.recorded: list[dict[str, float]] = []
        self.results: list[tuple[dict[str, float], dict[str, float]]] = []
        self.replaying = False
        self.proposals = 0  # proposals simulated so far: the k-th gets replications k*R .. k*R+R-1
        self.placeholder = dict.fromkeys((t.name for t in targets), 0.0)

    def __call__(self, parameters: Any) -> dict[str, float]:
        values = natural(parameters, self.bounds)
        if self.replaying:
            proposed, result = self.results.pop(0)
            if proposed != values:  # the replay must draw what the record pass drew, or statistics would be misattributed
                raise RuntimeError("ABC replay drew other proposals than the record pass: something else used numpy's global stream")
            return result
        self.recorded.append(values)
        return self.placeholder

    def simulate(self) -> None:
        """Run the recorded proposals as one study and queue their statistics for the replay."""
        if not self.recorded:
            return
        c, r = self.config, self.config.calibration.replications
        study = Study(
            [c],
            [(0, values) for values in self.recorded],
            [{"proposal": self.proposals + i} for i in range(len(self.recorded))],
            list(range(r)),
            Keep(indicators=tuple(sorted({t.params["indicator"] for t in self.targets} | self.extra_indicators()))),
            offsets=[(self.proposals + i) * r for i in range(len(self.recorded))],
        )
        frames = wide(run_study(study, c.ensemble, Path(c.output.root), "calibrate", self.bar))
        self.results = [
            (values, statistics(self.targets, [frames[k] for k in range(i * r, (i + 1) * r)])) for i, values in enumerate(self.recorded)
        ]
        self.proposals += len(self.recorded)
        self.recorded = []

    def extra_indicators(self) -> set[str]:
        """Indicators a rule reads besides ``indicator`` (a ratio over another indicator, a correlation's partner)."""
        return {v for t in self.targets for k, v in t.params.items() if k in ("over_indicator", "with")}


def natural(parameters: Any, bounds: dict[str, tuple[float, float]]) -> dict[str, float]:
    """Parameters from the sampler's logit scale back to their own: x = lo + (hi - lo) / (1 + exp(-z)).

    ABC-SMC runs on z = logit((x - lo) / (hi - lo)) with a standard logistic prior on z, which is exactly the uniform
    prior on [lo, hi]: an unbounded proposal never falls outside the prior's support (on the box, proposals past a
    bound have prior density 0 and are drawn again), and a bell-shaped prior is one a smooth proposal can match."""
    return {n: lo + (hi - lo) / (1.0 + math.exp(-float(parameters[n]))) for n, (lo, hi) in bounds.items()}


def student_proposal(df: float = 5.0) -> Any:
    """A pyabc proposal: independent Student-t's (``df`` degrees of freedom) centred on the weighted population's means,
    scaled by its standard deviations, on the logit scale.

    pyabc's default, a Gaussian kernel around every particle, is a spiky mixture in 18 dimensions: its density at its
    own proposals swings by orders of magnitude, and the importance weights (prior / proposal) with it (ESS 1.8 of 40
    particles by the third generation in a trial). A weakly identified parameter keeps a posterior close to its
    logistic prior, whose tails a Gaussian does not cover: against the prior alone, the ESS share of proposals
    fitted to a generation-0 population of 18 parameters was 0.07 for a diagonal Gaussian with doubled variance and
    0.40 for these t(5)'s. Independent margins, because a few effective particles cannot estimate 18 x 18
    correlations (a full covariance fit went singular)."""
    import scipy.stats as st
    from pyabc import Parameter
    from pyabc.transition import Transition

    class StudentProposal(Transition):
        def __init__(self, df: float = 5.0) -> None:
            self.df = df

        def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:  # noqa: N803 (pyabc's signature)
            w = np.asarray(w, dtype=float) / np.sum(w)
            self.columns = list(X.columns)
            self.mean = w @ X.to_numpy()
            variance = (w @ (X.to_numpy() - self.mean) ** 2) / max(1.0 - float(w @ w), 1e-12)
            self.scale = np.sqrt(np.maximum(variance, 0.05**2))  # a floor on the logit scale: one heavy particle cannot freeze a direction

        def rvs_single(self) -> Any:
            draw = self.mean + self.scale * np.random.standard_t(self.df, size=len(self.columns))
            return Parameter(dict(zip(self.columns, draw, strict=True)))

        def pdf(self, x: Any) -> float | np.ndarray:
            if isinstance(x, pd.DataFrame):
                return np.exp(st.t.logpdf(x[self.columns].to_numpy(), self.df, self.mean, self.scale).sum(axis=1))
            return float(np.exp(st.t.logpdf(np.array([x[c] for c in self.columns]), self.df, self.mean, self.scale).sum()))

    return StudentProposal(df)


def engine_sampler(model: EngineModel, population: int) -> Any:
    """A pyabc sampler that evaluates proposals in batches on the ensemble engine (see the module docstring)."""
    from pyabc.sampler import Sampler

    class EngineSampler(Sampler):
        def __init__(self) -> None:
            super().__init__()
            self.acceptance = 1.0  # the last generation's acceptance rate, to size the next batch

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None):  # noqa: ARG002
            sample = self._create_empty_sample()
            evaluations = accepted = 0
            cap = max_eval if math.isinf(max_eval) else math.floor(max_eval)
            while accepted < n and evaluations < cap:
                need = n - accepted
                if all_accepted:  # a prior sample: every proposal is kept
                    size = need
                else:
                    rate = accepted / evaluations if evaluations else self.acceptance
                    size = min(max(math.ceil(need / max(rate, 0.02) * 1.2), 1), 20 * population)
                size = int(min(size, cap - evaluations))
                state = np.random.get_state()
                model.replaying = False
                for _ in range(size):
                    simulate_one()
                model.simulate()
                np.random.set_state(state)  # the replay draws the same proposals, now with their statistics
                model.replaying = True
                for _ in range(size):
                    particle = simulate_one()
                    evaluations += 1
                    sample.append(particle)
                    accepted += bool(particle.accepted)
                    if accepted == n:
                        break
                model.results = []
            self.acceptance = accepted / max(evaluations, 1)
            self.nr_evaluations_ = evaluations
            if accepted < n:
                sample.ok = False
            return sample

    return EngineSampler()


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: list[float]) -> list[float]:
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order]) / weights.sum()
    return [float(values[order][min(np.searchsorted(cumulative, q), len(values) - 1)]) for q in qs]


def predictive(config: SimConfig, posterior: pd.DataFrame, draws: int, bar: Any, first: int) -> pd.DataFrame:
    """Every target under the posterior predictive: ``draws`` parameter sets resampled by weight, one run each, on
    replications ``first``, ``first + 1``... (streams no proposal used)."""
    sets = resample(posterior, draws, 13, config.seed)
    return posterior_targets(config.validation.targets, run_draws(config, sets, "predictive", bar, first))


def calibrated_yaml(values: dict[str, float], summary: dict) -> str:
    """The posterior medians as a config the baseline composes (``# @package _global_``), provenance in the header."""
    nested = OmegaConf.to_container(OmegaConf.from_dotlist([f"{name}={float(f'{value:.4g}')}" for name, value in values.items()]))
    lines = [
        "# @package _global_",
        "# Calibrated values: posterior medians of an ABC-SMC calibration (sim/analysis/calibration.py), composed over the",
        "# group defaults by conf/config.yaml (`calibrated=none` runs the uncalibrated priors); the particles and their",
        "# weights are in posterior.csv beside this file. Written by `python -m sim +experiment=calibrate publish=true`;",
        f"# do not edit by hand. {date.today().isoformat()}, commit {summary['provenance']['git_commit']},",
        f"# seed {summary['provenance']['seed']}:",
        f"# {summary['simulations']} simulations in {summary['generations']} generations, final tolerance {summary['epsilon']:.4g},",
        f"# effective sample size {summary['ess']:.1f} of {summary['particles']} particles. Posterior median [90 % interval]:",
        *(
            f"#   {n}: {u['median']:.4g} [{u['q05']:.4g}, {u['q95']:.4g}] (prior [{u['prior'][0]:g}, {u['prior'][1]:g}])"
            for n, u in summary["posterior"].items()
        ),
        *(f"#   {n}: kept from the previous calibration (not fitted this time)" for n in values if n not in summary["posterior"]),
    ]
    nested["predictive"] = {"posterior": f"{INSTALLED.parent.name}/{POSTERIOR}"}
    return "\n".join(lines) + "\n" + yaml.safe_dump(nested, sort_keys=False)


def installed_values(config: SimConfig, fitted: dict[str, float], installed: Path) -> dict[str, float]:
    """The fitted values, plus the values already installed for parameters not fitted this time (the fit was
    conditioned on them, so they stay)."""
    previous = dotted(yaml.safe_load(installed.read_text()) or {}) if installed.exists() else {}
    previous = {k: v for k, v in previous.items() if not k.startswith("predictive.")}  # bookkeeping, not a fitted value
    structured = OmegaConf.structured(config)
    kept = {name: float(OmegaConf.select(structured, name)) for name in previous if name not in fitted}
    return {**kept, **fitted}


def run_calibration(config: SimConfig, out: Path, installed: Path = INSTALLED) -> dict:
    """ABC-SMC; writes calibrated.yaml (posterior medians, with the installed values of parameters not fitted),
    posterior.csv (final particles, weights), generations.csv, predictive.csv (every target under the posterior
    predictive) and calibration.json into ``out``."""
    import pyabc

    check_targets(config.validation.targets)
    bounds = check_parameters(config)
    names, targets, c = list(bounds), fit_targets(config), config.calibration
    started = time.time()
    logger = logging.getLogger("ABC")
    level, outer_state = logger.level, np.random.get_state()
    logger.setLevel(logging.WARNING)  # the progress bar says how far it is; pyabc's per-generation log is in abc.db
    np.random.seed(config.seed % 2**32)  # pyabc draws its proposals from numpy's global stream (restored afterwards)
    prior = pyabc.Distribution(**dict.fromkeys(names, pyabc.RV("logistic", 0, 1)))  # uniform on [lo, hi] after natural()
    budget = c.max_simulations * c.replications + c.predictive_draws
    try:
        with progress(budget, 0, config.ensemble, "calibrate") as bar:
            model = EngineModel(config, bounds, targets, bar)
            abc = pyabc.ABCSMC(
                model,
                prior,
                pyabc.PNormDistance(p=2),
                population_size=c.population,
                transitions=student_proposal(),
                sampler=engine_sampler(model, c.population),
                eps=pyabc.MedianEpsilon(),
            )
            abc.new(f"sqlite:///{out / 'abc.db'}", dict.fromkeys((t.name for t in targets), 0.0))
            history = abc.run(
                minimum_epsilon=c.min_epsilon,
                max_nr_populations=c.generations,
                min_acceptance_rate=c.min_acceptance,
                max_total_nr_simulations=c.max_simulations,
            )
            frame, weights = history.get_distribution(m=0, t=history.max_t)
            posterior = pd.DataFrame([natural(row, bounds) for _, row in frame[names].iterrows()])
            posterior["weight"] = np.asarray(weights, dtype=float)
            check = predictive(config, posterior, c.predictive_draws, bar, first=model.proposals * c.replications)
    finally:
        np.random.set_state(outer_state)
        logger.setLevel(level)
    populations = history.get_all_populations()
    generations = populations[populations["t"] >= 0].rename(columns={"t": "generation"})
    w = posterior["weight"].to_numpy()
    summary_posterior = {}
    for n in names:
        q05, q25, median, q75, q95 = weighted_quantiles(posterior[n].to_numpy(), w, [0.05, 0.25, 0.5, 0.75, 0.95])
        summary_posterior[n] = {"median": median, "q05": q05, "q25": q25, "q75": q75, "q95": q95, "prior": list(bounds[n])}
    summary = {
        "posterior": summary_posterior,
        "particles": len(posterior),
        "ess": float(w.sum() ** 2 / (w**2).sum()),
        "generations": int(history.max_t + 1),
        "epsilon": float(generations["epsilon"].iloc[-1]),
        "simulations": int(history.total_nr_simulations),
        "proposals_run": model.proposals,  # with those run in a batch past a generation's last acceptance
        "runs": model.proposals * c.replications + c.predictive_draws,
        "seconds": time.time() - started,
        "fit_targets": len(targets),
        "fit_in_90": int(check[check["use"] == "fit"]["covered_90"].sum()),
        "holdout_targets": int((check["use"] == "holdout").sum()),
        "holdout_in_90": int(check[check["use"] == "holdout"]["covered_90"].sum()),
        "provenance": provenance(result_config_yaml(OmegaConf.structured(config)), config.seed),
    }
    medians = {n: u["median"] for n, u in summary_posterior.items()}
    write_text(out / "calibrated.yaml", calibrated_yaml(installed_values(config, medians, installed), summary))
    write_text(out / POSTERIOR, posterior.to_csv(index=False))
    write_text(out / "generations.csv", generations.to_csv(index=False))
    write_text(out / "predictive.csv", check.to_csv(index=False))
    write_json(out / "calibration.json", summary)
    return summary
