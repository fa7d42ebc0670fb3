"""Configuration schema: the typed, range-checked surface every run is built from.

Values and their documentation (meaning, unit, source) live in ``conf/``; this module
holds the types and the allowed ranges, so that a bad value fails before a run starts
with one line naming the key and what is allowed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING, DictConfig, ListConfig, OmegaConf

from sim.errors import ConfigError
from sim.timeline import Quarter, validate_events

CONF_DIR = Path(__file__).resolve().parent.parent / "conf"


# Top-level config nodes that are not model parameters, in one home for the parameter tables (sim/parameters.py),
# the sensitivity analysis and the tests: bookkeeping of a command, and data or settings that analyses read.
BOOKKEEPING = ("defaults", "experiment", "replications", "replication", "output", "ensemble", "publish", "hydra")
ANALYSIS_DATA = ("timeline", "validation", "calibration", "structures", "regimes")
NOT_MODEL = (*BOOKKEEPING, *ANALYSIS_DATA, "analysis", "resume", "sensitivity", "predictive")


def bounded(lo: float | None, hi: float | None) -> Any:
    """A required field whose value must lie in [lo, hi]; its value comes from conf/."""
    return field(default=MISSING, metadata={"range": (lo, hi)})


class Strategy(StrEnum):
    """How the central state turns threat perception into securitizing moves."""

    historical = "historical"
    none = "none"
    restrained = "restrained"
    maximal = "maximal"
    adaptive = "adaptive"


@dataclass
class TimeConfig:
    start: str = MISSING
    end: str = MISSING


@dataclass
class PopulationSize:
    n: int = bounded(1, 10_000_000)
    represents: float = bounded(1, 1e10)


@dataclass
class AgentsConfig:
    local: PopulationSize = field(default_factory=PopulationSize)
    firms: PopulationSize = field(default_factory=PopulationSize)
    intellectuals: PopulationSize = field(default_factory=PopulationSize)
    public: PopulationSize = field(default_factory=PopulationSize)
    third: PopulationSize = field(default_factory=PopulationSize)
    talent: PopulationSize = field(default_factory=PopulationSize)
    capital: PopulationSize = field(default_factory=PopulationSize)


@dataclass
class AudienceConfig:
    """The two-layer audience rule shared by local governments, firms, intellectuals, public."""

    belief0_mean: float = bounded(0, 1)
    belief0_sd: float = bounded(0, 1)
    susceptibility: float = bounded(0, 1)
    peer_weight: float = bounded(0, 1)
    stubbornness: float = bounded(0, 1)
    sanction_rally: float = bounded(0, 1)
    beta_belief: float = bounded(0, 10)
    beta_incentive: float = bounded(0, 10)
    beta_peer: float = bounded(0, 10)
    beta_authority: float = bounded(0, 10)
    threshold_mean: float = bounded(0, 10)
    threshold_sd: float = bounded(0, 10)
    switching_cost: float = bounded(0, 10)
    noise: float = bounded(0, 10)


@dataclass
class CentralConfig:
    strategy: Strategy = MISSING
    anxiety: float = bounded(0, 2)
    w_rival: float = bounded(0, 2)
    w_sanction: float = bounded(0, 2)
    w_regime: float = bounded(0, 2)
    w_targets: float = bounded(0, 2)
    perception_speed: float = bounded(0, 1)
    routine_speech: float = bounded(0, 1)
    window_speech: float = bounded(0, 1)
    threshold: float = bounded(0, 2)
    threshold_width: float = bounded(0.001, 1)
    restrained_gain: float = bounded(0, 1)
    adaptive_cost_weight: float = bounded(0, 10)
    extraordinary_budget: float = bounded(0, 1000)
    involvement: float = bounded(0, 3)
    involvement_base: float = bounded(0, 1)
    involvement_speed: float = bounded(0, 1)
    outreach: float = bounded(0, 1)
    outreach_goal: float = bounded(0, 1)
    outreach_gap: float = bounded(0, 5)
    outreach_security: float = bounded(0, 5)
    propaganda: float = bounded(0, 1)
    propaganda_gain: float = bounded(0, 1)
    propaganda_feedback: float = bounded(0, 1)
    risk_weight: float = bounded(0, 1)
    risk_incidents: float = bounded(0, 10)
    risk_race: float = bounded(0, 10)
    w_incidents: float = bounded(0, 2)
    early_warning: float = bounded(0, 1)
    security_budget: float = bounded(0, 1)


@dataclass
class LocalConfig:
    p_econ: float = bounded(0, 1)
    p_central: float = bounded(0, 5)
    q_peer: float = bounded(0, 5)
    window_memory: float = bounded(0.5, 40)
    imitation_window: int = bounded(1, 40)
    capacity_sigma: float = bounded(0, 5)
    econ_stake_sigma: float = bounded(0, 5)
    funding_pull: float = bounded(0, 1)
    career_mean: float = bounded(0, 10)
    econ_stake_mean: float = bounded(0.01, 10)
    subsidy_per_policy: float = bounded(0, 100)
    revenue_weight: float = bounded(0, 20)
    security_stake_sigma: float = bounded(0, 5)
    security_market: float = bounded(0, 100)
    compliance_cost: float = bounded(0, 10)
    audience: AudienceConfig = field(default_factory=AudienceConfig)


@dataclass
class FirmProfile:
    share: float = bounded(0, 1)
    capability0: float = bounded(0.001, 1000)
    ties0: float = bounded(0, 1)
    export: float = bounded(0, 1)
    genuine: float = bounded(0, 1)
    obligation: float = bounded(0, 1)


@dataclass
class FirmProfiles:
    champion: FirmProfile = field(default_factory=FirmProfile)
    private: FirmProfile = field(default_factory=FirmProfile)
    startup: FirmProfile = field(default_factory=FirmProfile)
    foreign: FirmProfile = field(default_factory=FirmProfile)


@dataclass
class FirmsConfig:
    salary_premium: float = bounded(0, 3)
    salary_funding: float = bounded(0, 10)
    profiles: FirmProfiles = field(default_factory=FirmProfiles)
    risk_horizon: float = bounded(1, 400)
    risk_memory: float = bounded(0, 1)
    capability_sigma: float = bounded(0, 5)
    profile_sigma: float = bounded(0, 5)
    national_team_benefit: float = bounded(0, 10)
    tie_cost: float = bounded(0.01, 10)
    tie_speed: float = bounded(0, 1)
    sanction_fear: float = bounded(0, 20)
    domestic_premium0: float = bounded(0, 5)
    domestic_price_floor: float = bounded(0.1, 6)
    learning: float = bounded(0, 2)
    learning_scale: float = bounded(0.01, 1000)
    trade_elasticity: float = bounded(1, 20)
    rival_market: float = bounded(0, 1)
    sourcing_speed: float = bounded(0, 1)
    directive_weight: float = bounded(0, 20)
    risk_weight: float = bounded(0, 20)
    washing_cost_median: float = bounded(0.001, 100)
    washing_cost_sigma: float = bounded(0, 5)
    audit: float = bounded(0, 1)
    growth: float = bounded(0, 0.5)
    catch_up: float = bounded(0, 10)
    subsidy_boost: float = bounded(0, 10)
    data_weight: float = bounded(0, 2)
    talent_weight: float = bounded(0, 2)
    foreign_funding: float = bounded(0, 1)
    sanction_cost: float = bounded(0, 10)
    security0: float = bounded(0, 0.5)
    security_max: float = bounded(0, 1)
    security_speed: float = bounded(0, 1)
    security_incidents: float = bounded(0, 5)
    security_regulation: float = bounded(0, 5)
    incident_memory: float = bounded(0, 1)
    incident_loss: float = bounded(0, 1)
    vendor_share: float = bounded(0, 1)
    security_market: float = bounded(0, 100)
    compliance_cost: float = bounded(0, 100)
    audience: AudienceConfig = field(default_factory=AudienceConfig)


@dataclass
class CollaborationConfig:
    """Pairwise decisions of a Chinese and a rival-side scholar to start or keep a co-authorship tie."""

    premium: float = bounded(-10, 10)
    capability_benefit: float = bounded(0, 10)
    openness_sd: float = bounded(0, 10)
    meeting_rate: float = bounded(0, 1)
    china_rules: float = bounded(0, 10)
    echo_cost: float = bounded(0, 10)
    rival_rules: float = bounded(0, 10)
    topic_premium: float = bounded(-10, 10)


@dataclass
class IntellectualsConfig:
    productivity: float = bounded(0, 50)
    productivity_shape: float = bounded(0.1, 100)
    funding_weight: float = bounded(0, 10)
    persuasion_gain: float = bounded(0, 10)
    persuasion_half: float = bounded(1, 1e6)
    topic_speed: float = bounded(0, 1)
    topic_sd: float = bounded(0, 1)
    collaboration: CollaborationConfig = field(default_factory=CollaborationConfig)
    audience: AudienceConfig = field(default_factory=AudienceConfig)


@dataclass
class NetworkConfig:
    degree: int = bounded(2, 200)
    rewire: float = bounded(0, 1)


@dataclass
class PublicConfig:
    network: NetworkConfig = field(default_factory=NetworkConfig)
    exposure_mean: float = bounded(0.01, 0.99)
    exposure_concentration: float = bounded(0.1, 1000)
    displacement_rate: float = bounded(0, 1)
    job_risk_mean: float = bounded(0.01, 0.99)
    job_risk_concentration: float = bounded(0.1, 1000)
    discontent_gain: float = bounded(0, 1)
    discontent_decay: float = bounded(0, 1)
    tolerance0: float = bounded(0.01, 1)
    tolerance_belief: float = bounded(0, 2)
    tolerance_discontent: float = bounded(0, 2)
    tolerance_speed: float = bounded(0, 1)
    incident_harm: float = bounded(0, 1)
    audience: AudienceConfig = field(default_factory=AudienceConfig)


class ListingVolume(StrEnum):
    """How many firms a listing round adds: with the ties and capability the rival observes, or a fixed share of candidates."""

    ties = "ties"
    fixed = "fixed"


@dataclass
class SanctionsConfig:
    volume: ListingVolume = MISSING
    severity: float = bounded(0, 1)
    start: str = MISSING
    threshold: float = bounded(0, 1)
    endogenous_rate: float = bounded(0, 1)
    own_round: float = bounded(0, 1000)
    round_share: float = bounded(0, 1)
    tie_weight: float = bounded(0, 20)
    capability_weight: float = bounded(0, 20)


@dataclass
class ExportControlsConfig:
    strength: float = bounded(0, 1)
    speed: float = bounded(0, 1)


@dataclass
class OutboundConfig:
    strength: float = bounded(0, 1)
    start: str = MISSING


@dataclass
class RivalConfig:
    mirror: float = bounded(0, 5)
    w_capability: float = bounded(0, 5)
    restraint: float = bounded(0, 1)
    grievance: float = bounded(0, 1)
    securitization0: float = bounded(0, 1)
    capability_growth: float = bounded(0, 0.2)
    mobilization_gain: float = bounded(0, 5)
    talent_weight: float = bounded(0, 2)
    visa: float = bounded(0, 1)
    investigations: float = bounded(0, 1)
    pressure: float = bounded(0, 1)
    risk_discount: float = bounded(-1, 1)
    hack_response: float = bounded(0, 1)
    outbound: OutboundConfig = field(default_factory=OutboundConfig)
    sanctions: SanctionsConfig = field(default_factory=SanctionsConfig)
    export_controls: ExportControlsConfig = field(default_factory=ExportControlsConfig)


@dataclass
class ThirdConfig:
    trade_mean: float = bounded(0.01, 0.99)
    alignment_mean: float = bounded(0.01, 0.99)
    concentration: float = bounded(0.1, 1000)
    beta_public_goods: float = bounded(0, 20)
    beta_trade: float = bounded(0, 20)
    beta_threat: float = bounded(0, 20)
    beta_pressure: float = bounded(0, 20)
    beta_rival: float = bounded(0, 20)
    capacity_half: float = bounded(0.001, 1000)
    threat_speed: float = bounded(0, 1)
    framing: float = bounded(0, 10)
    reconsider: float = bounded(0, 1)
    risk_discount: float = bounded(-1, 1)
    restriction: float = bounded(0, 1)
    restriction_both: float = bounded(0, 1)
    visibility0: float = bounded(0, 1)
    exclusive: bool = MISSING


@dataclass
class TasteConfig:
    """Mean taste weights of one career stage [utility per unit of each attribute]."""

    salary: float = bounded(0, 20)
    lab: float = bounded(0, 20)
    openness: float = bounded(0, 20)
    risk: float = bounded(0, 20)
    visa: float = bounded(0, 20)
    investigation: float = bounded(0, 20)


@dataclass
class StartShares:
    in_china: float = bounded(0, 1)
    in_rival: float = bounded(0, 1)


@dataclass
class TalentStartConfig:
    chinese: StartShares = field(default_factory=StartShares)
    foreign: StartShares = field(default_factory=StartShares)


@dataclass
class TalentConfig:
    chinese_origin: float = bounded(0, 1)
    senior_share: float = bounded(0, 1)
    start: TalentStartConfig = field(default_factory=TalentStartConfig)
    junior: TasteConfig = field(default_factory=TasteConfig)
    senior: TasteConfig = field(default_factory=TasteConfig)
    taste_sigma: float = bounded(0, 3)
    climate: float = bounded(0, 5)
    home_bias: float = bounded(0, 20)
    third_opportunity: float = bounded(0, 5)
    moving_cost: float = bounded(0, 20)
    reconsider: float = bounded(0, 1)


@dataclass
class CapitalConfig:
    in_china0: float = bounded(0, 1)
    rival_domiciled: float = bounded(0, 1)
    return_weight: float = bounded(0, 50)
    risk_weight: float = bounded(0, 50)
    taste_sigma: float = bounded(0, 3)
    growth_weight: float = bounded(0, 20)
    elsewhere_growth: float = bounded(-0.5, 2)
    memory: float = bounded(0, 1)
    outbound_weight: float = bounded(0, 50)
    switching_cost: float = bounded(0, 20)
    reconsider: float = bounded(0, 1)


@dataclass
class IncidentsConfig:
    """AI-enabled cyber incidents against firms: a rate that rises with AI's diffusion and falls with defence."""

    base_rate: float = bounded(0, 1)
    democratization: float = bounded(0, 5)
    protection_half: float = bounded(0.001, 1)
    alarm_rate: float = bounded(1e-6, 1)


@dataclass
class EconomyConfig:
    salience0: float = bounded(0, 1)
    salience_trend: float = bounded(0, 0.1)
    capability_ratio0: float = bounded(0.01, 10)
    revenue_scale: float = bounded(0, 1e6)
    global_demand: float = bounded(0, 10)
    tariff0: float = bounded(0, 5)
    rally_share: float = bounded(1e-6, 1)
    target_2020: float = bounded(0.001, 1e6)
    target_2025: float = bounded(0.001, 1e6)
    target_2030: float = bounded(0.001, 1e6)


@dataclass
class EventConfig:
    date: str = MISSING
    kind: str = MISSING
    name: str = ""
    params: dict[str, float] = field(default_factory=dict)
    source: str = ""


@dataclass
class TimelineConfig:
    name: str = MISSING
    start: str = MISSING
    end: str = MISSING
    events: list[EventConfig] = field(default_factory=list)


class Analysis(StrEnum):
    """What a job does: one run (also each job of a sweep), or a global sensitivity analysis."""

    run = "run"
    sensitivity = "sensitivity"
    validate = "validate"
    calibrate = "calibrate"
    structures = "structures"
    regimes = "regimes"


@dataclass
class SensitivityConfig:
    trajectories: int = bounded(2, 1000)
    levels: int = bounded(2, 20)
    sobol_samples: int = bounded(2, 100_000)
    top: int = bounded(1, 200)
    spread: float = bounded(0.01, 0.99)
    quarter: str = MISSING


@dataclass
class TargetConfig:
    name: str = MISSING
    rule: str = MISSING
    params: dict[str, Any] = field(default_factory=dict)
    lo: float = MISSING
    hi: float = MISSING
    use: str = MISSING
    source: str = MISSING
    observed: float | None = None  # the observed figure, where the source gives one; calibration aims at it


@dataclass
class ClaimConfig:
    name: str = MISSING
    indicator: str = MISSING
    quarter: str = MISSING
    arm: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)
    expect: str = MISSING
    source: str = MISSING


@dataclass
class SeriesConfig:
    """An observed series (year -> value) drawn beside the simulated one in the validation report."""

    values: dict[int, float] = field(default_factory=dict)
    unit: str = MISSING
    source: str = MISSING


@dataclass
class ValidationConfig:
    targets: list[TargetConfig] = field(default_factory=list)
    claims: list[ClaimConfig] = field(default_factory=list)
    series: dict[str, SeriesConfig] = field(default_factory=dict)


@dataclass
class CalibrationConfig:
    parameters: dict[str, list[float]] = field(default_factory=dict)
    population: int = bounded(2, 100_000)
    generations: int = bounded(1, 100)
    replications: int = bounded(1, 100)
    max_simulations: int = bounded(1, 10_000_000)
    min_epsilon: float = bounded(0, 100)
    min_acceptance: float = bounded(0, 1)
    predictive_draws: int = bounded(2, 100_000)


@dataclass
class PredictiveConfig:
    """The posterior predictive (:mod:`sim.predictive`): how many posterior draws a single run and validate add."""

    draws: int = bounded(0, 100_000)
    posterior: str = ""


@dataclass
class RegimesConfig:
    """The regime map (``+experiment=regimes``): values in conf/experiment/regimes.yaml."""

    grid: dict[str, list[float]] = field(default_factory=dict)
    indicator: str = "securitization_central"
    indicators: list[str] = field(default_factory=lambda: ["securitization_central", "securitization_rival", "adoption_public"])
    quarter: str = "2030Q4"
    basins: list[float] = field(default_factory=lambda: [0.33, 0.67])


@dataclass
class OutputConfig:
    root: str = "results"
    plot: bool = True


class Backend(StrEnum):
    """Where a study's chunks run (sim/ensemble.py)."""

    loky = "loky"  # worker processes on this machine
    serial = "serial"  # this process, one chunk after another
    ray = "ray"  # Ray tasks: a local instance, or the cluster at ensemble.ray.address
    submitit_local = "submitit_local"  # submitit's local executor: try a SLURM study on this machine
    submitit_slurm = "submitit_slurm"  # a SLURM job array through submitit


@dataclass
class RaySettings:
    address: str | None = None
    temp_dir: str | None = None


@dataclass
class SlurmSettings:
    partition: str | None = None
    timeout_min: int = bounded(1, 10_080)
    cpus_per_task: int = bounded(1, 256)
    mem_gb: int = bounded(1, 4096)
    array_parallelism: int = bounded(1, 100_000)


@dataclass
class EnsembleConfig:
    """How a study's runs are spread over workers; never what they compute (not part of a result's config)."""

    backend: Backend = Backend.loky
    workers: int = bounded(-1, 4096)
    chunk: int = bounded(0, 1_000_000)
    batch: int = bounded(0, 10_000)
    progress: bool = True
    run_folders: bool = False
    ray: RaySettings = field(default_factory=RaySettings)
    slurm: SlurmSettings = field(default_factory=SlurmSettings)


@dataclass
class SimConfig:
    experiment: str = "baseline"
    analysis: Analysis = Analysis.run
    resume: str | None = None
    publish: bool = False
    seed: int = bounded(0, 2**32 - 1)
    replications: int = bounded(1, 10_000)
    replication: int = bounded(0, 10_000)
    time: TimeConfig = field(default_factory=TimeConfig)
    agents: AgentsConfig = field(default_factory=AgentsConfig)
    central: CentralConfig = field(default_factory=CentralConfig)
    local: LocalConfig = field(default_factory=LocalConfig)
    firms: FirmsConfig = field(default_factory=FirmsConfig)
    intellectuals: IntellectualsConfig = field(default_factory=IntellectualsConfig)
    public: PublicConfig = field(default_factory=PublicConfig)
    rival: RivalConfig = field(default_factory=RivalConfig)
    third: ThirdConfig = field(default_factory=ThirdConfig)
    talent: TalentConfig = field(default_factory=TalentConfig)
    capital: CapitalConfig = field(default_factory=CapitalConfig)
    incidents: IncidentsConfig = field(default_factory=IncidentsConfig)
    economy: EconomyConfig = field(default_factory=EconomyConfig)
    timeline: TimelineConfig = field(default_factory=TimelineConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    ensemble: EnsembleConfig = field(default_factory=EnsembleConfig)
    sensitivity: SensitivityConfig = field(default_factory=SensitivityConfig)
    validation: ValidationConfig = field(default_factory=ValidationConfig)
    calibration: CalibrationConfig = field(default_factory=CalibrationConfig)
    predictive: PredictiveConfig = field(default_factory=PredictiveConfig)
    structures: dict[str, list[str]] = field(default_factory=dict)  # +experiment=structures: name -> group overrides
    regimes: RegimesConfig = field(default_factory=RegimesConfig)


def register() -> None:
    """Register the schema so that ``conf/config.yaml`` can use it as its first default."""
    ConfigStore.instance().store(name="sim_schema", node=SimConfig)


def _check_ranges(schema: type, node: Any, prefix: str) -> None:
    for f in dataclasses.fields(schema):
        key = f"{prefix}{f.name}"
        value = getattr(node, f.name)
        if f.default_factory is not dataclasses.MISSING and dataclasses.is_dataclass(f.default_factory):
            _check_ranges(f.default_factory, value, key + ".")
            continue
        lo, hi = f.metadata.get("range", (None, None))
        if lo is None and hi is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{key}={value!r} is not a number: allowed range [{lo}, {hi}]")
        if value != value or not (lo <= value <= hi):  # NaN fails too
            raise ConfigError(f"{key}={value} is out of range: allowed [{lo}, {hi}]")


def validate(cfg: DictConfig | SimConfig) -> SimConfig:
    """Check every range and cross-field rule; return the typed config object.

    Raises ConfigError with one line naming the key and what is allowed.
    """
    if isinstance(cfg, (DictConfig, ListConfig)):
        missing = sorted(OmegaConf.missing_keys(cfg))
        if missing:
            raise ConfigError(f"{', '.join(missing)}: missing (an empty or incomplete config file?); every key needs a value")
        typed: SimConfig = OmegaConf.to_object(cfg)
    else:
        typed = cfg
    _check_ranges(SimConfig, typed, "")
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}", typed.experiment) or ".." in typed.experiment:
        raise ConfigError(f"experiment={typed.experiment!r} names the results folder: allowed letters, digits, _ . - (no / or ..)")
    start = Quarter.parse(typed.time.start, key="time.start")
    end = Quarter.parse(typed.time.end, key="time.end")
    if end.index < start.index:
        raise ConfigError(f"time.end={end} is before time.start={start}: time.end must be at or after time.start")
    Quarter.parse(typed.rival.sanctions.start, key="rival.sanctions.start")
    Quarter.parse(typed.rival.outbound.start, key="rival.outbound.start")
    pr = typed.firms.profiles
    total = pr.champion.share + pr.private.share + pr.startup.share + pr.foreign.share
    if abs(total - 1.0) > 1e-6:
        raise ConfigError(f"firms.profiles.*.share sum to {total:.4g}: they must sum to 1")
    if typed.firms.domestic_price_floor > 1.0 + typed.firms.domestic_premium0:
        raise ConfigError(
            f"firms.domestic_price_floor={typed.firms.domestic_price_floor} exceeds the initial domestic price "
            "1 + firms.domestic_premium0: learning cannot make domestic inputs dearer"
        )
    for origin in ("chinese", "foreign"):
        shares = getattr(typed.talent.start, origin)
        if shares.in_china + shares.in_rival > 1.0:
            raise ConfigError(f"talent.start.{origin}.in_china + in_rival exceeds 1: the two initial shares must sum to at most 1")
    if typed.public.network.degree % 2:
        raise ConfigError(f"public.network.degree={typed.public.network.degree} is odd: allowed even integers in [2, 200]")
    if typed.public.network.degree >= typed.agents.public.n:
        raise ConfigError(f"public.network.degree={typed.public.network.degree} must be below agents.public.n={typed.agents.public.n}")
    if typed.ensemble.workers == 0:
        raise ConfigError("ensemble.workers=0: allowed -1 (all cores) or a count in [1, 4096]")
    if typed.ensemble.backend == Backend.submitit_slurm and not typed.ensemble.slurm.partition:
        raise ConfigError("ensemble.slurm.partition is not set: name the SLURM partition for ensemble.backend=submitit_slurm")
    tl = typed.timeline
    span = (Quarter.parse(tl.start, key="timeline.start"), Quarter.parse(tl.end, key="timeline.end"))
    validate_events(tl.events, start, end, span)
    return typed


MAX_FILE_BYTES = 1_000_000  # the largest file in conf/ is under 60 kB; a timeline of every quarter to 2100 is under 100 kB
MAX_ALIASES = 100  # YAML aliases in one file (conf/ uses none): a handful of nested aliases expand into billions of nodes
MAX_DEPTH = 20  # nesting of mappings and lists in one file (conf/ needs 6)


def check_files(paths: Iterable[Path]) -> None:
    """Refuse a config file too large, too deeply nested or with too many aliases, before Hydra parses it: an alias
    bomb would expand without end, a 50 MB timeline would take minutes. Reads the YAML event stream, which does not
    expand aliases."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in paths:
        if path.is_file():
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise ConfigError(f"{path}: {size:,} bytes; allowed at most {MAX_FILE_BYTES:,} for a config file")
            aliases = depth = deepest = 0
            try:
                for event in yaml.parse(path.read_text(encoding="utf-8"), Loader=loader):
                    if isinstance(event, yaml.AliasEvent):
                        aliases += 1
                    elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                        depth += 1
                        deepest = max(deepest, depth)
                    elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                        depth -= 1
                    if aliases > MAX_ALIASES or deepest > MAX_DEPTH:
                        what = f"more than {MAX_ALIASES} aliases" if aliases > MAX_ALIASES else f"nesting deeper than {MAX_DEPTH}"
                        raise ConfigError(f"{path}: {what}; allowed at most {MAX_ALIASES} aliases and {MAX_DEPTH} levels")
            except yaml.YAMLError:
                continue  # malformed: Hydra's parser reports it with the file and line
            except UnicodeDecodeError:
                raise ConfigError(f"{path}: not UTF-8 text; config files are YAML in UTF-8") from None


def unknown_keys(cfg: DictConfig, schema: type = None, prefix: str = "") -> None:
    """Refuse a key the schema does not know, however it was added (``+key=``, ``++key=``, an experiment file): it would
    be stored and ignored, and the results folder could not be reproduced. Mappings the schema leaves open
    (``calibration.parameters``, ``structures``, ``regimes.grid``, event parameters...) take any key."""
    schema = schema or SimConfig
    fields = {f.name: f for f in dataclasses.fields(schema)}
    for key in cfg:
        if key in ("hydra", "defaults"):
            continue
        if key not in fields:
            where = prefix.rstrip(".") or "the top level"
            raise ConfigError(f"{prefix}{key} is not a key of the config (a typo?): allowed under {where}: {sorted(fields)}")
        factory = fields[key].default_factory
        value = cfg._get_node(key)
        if factory is not dataclasses.MISSING and dataclasses.is_dataclass(factory) and isinstance(value, DictConfig):
            unknown_keys(value, factory, f"{prefix}{key}.")


def memory_needed(config: SimConfig) -> float:
    """Bytes a run's populations need, about: the public's network (12 bytes an edge end) and state arrays dominate
    (590 MB for 10^6 citizens at degree 10, measured); the other populations are small beside it."""
    citizens = config.agents.public.n
    others = sum(getattr(config.agents, name).n for name in ("local", "firms", "intellectuals", "third", "talent", "capital"))
    return citizens * (12 * config.public.network.degree + 320) + others * 2_000 + 200e6


def check_memory(config: SimConfig) -> None:
    """Refuse a population this machine cannot hold, before building it (rather than swapping or being killed)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as file:
            available = next(int(line.split()[1]) * 1024 for line in file if line.startswith("MemAvailable:"))
    except (OSError, StopIteration, ValueError):
        return
    needed = memory_needed(config)
    if needed > available:
        raise ConfigError(
            f"agents.public.n={config.agents.public.n} with public.network.degree={config.public.network.degree} needs about "
            f"{needed / 1e9:.1f} GB; {available / 1e9:.1f} GB are available: lower agents.public.n or the degree"
        )


def dotted(tree: dict, prefix: str = "") -> dict[str, Any]:
    """A nested mapping flattened to Hydra's dotted keys (``{"firms": {"growth": 0.03}}`` -> ``{"firms.growth": 0.03}``)."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        flat.update(dotted(value, f"{name}.") if isinstance(value, dict) else {name: value})
    return flat


def is_group(key: str) -> bool:
    """Whether an override's key chooses a config file (``timeline=none``, ``+experiment=x``) rather than a value."""
    return key.startswith("hydra/") or (CONF_DIR / key.replace(".", "/")).is_dir()


def config_value(config: SimConfig, key: str) -> Any:
    """The value of a dotted key in a typed config (an enum as its value)."""
    node: Any = config
    for part in key.split("."):
        node = getattr(node, part)
    return node.value if isinstance(node, StrEnum) else node


def load_config(overrides: list[str] | None = None) -> SimConfig:
    """Compose ``conf/config.yaml`` with Hydra-style overrides and validate it (for notebooks, tests, the app)."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    register()
    if GlobalHydra.instance().is_initialized():  # inside the CLI's Hydra app (an analysis composing its arms)
        return validate(compose(config_name="config", overrides=list(overrides or [])))
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose(config_name="config", overrides=list(overrides or []))
    return validate(cfg)
