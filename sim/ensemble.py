"""The ensemble engine: every multi-run command is a :class:`Study` run here, in chunks, by workers.

A study is a list of points (each a configuration, composed and checked once in the parent) times a list of
replication indices. Runs are numbered point-major (``run = point * replications + i``) and cut into chunks of
consecutive runs; a chunk, not a run, is the unit of work a worker gets (a loky process on this machine, a Ray task,
or a SLURM array task through submitit), so that a cluster's per-task overhead is paid once per chunk. A run's random
stream depends only on the root seed and its replication index (:func:`sim.run.stream_seed`), never on the chunk or
the worker, so results are identical across backends, chunk sizes and worker counts, and a run inside a study gives
exactly the series of the same config and replication run alone.

:func:`run_study` returns the rows in memory (the analyses use it); :class:`SweepFolder` streams them to disk chunk by
chunk with a checksum each, so an interrupted or damaged sweep resumes by chunk, and merges them into one
``sweep.parquet`` when every chunk is in.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import math
import os
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.config import NOT_MODEL, Backend, ConfigError, EnsembleConfig, SimConfig, config_value
from sim.io import clean_stale, reserve

FIXED = ["run", "replication", "seed"]  # the columns before the swept keys
SERIES = ["step", "quarter", "indicator", "value"]  # and after them
BATCH_CITIZENS = 200_000  # automatic batch (ensemble.batch=0): runs together up to this many citizens
MAX_BATCH = 32
MIN_BATCH = 4
Spec = tuple[int, int, dict[str, float], int, dict[str, Any]]  # a run: its number, base, values, replication, label
ROW_GROUP = 1 << 20  # rows per row group of sweep.parquet: a constant, so the file's bytes do not depend on chunking


@dataclass(frozen=True)
class Keep:
    """Which rows of each run a study keeps: all quarters and indicators (None) or the named ones."""

    quarters: tuple[str, ...] | None = None
    indicators: tuple[str, ...] | None = None


@dataclass
class Study:
    """Points x replications of one question.

    ``bases`` are complete configurations; each point is a base plus ``values`` (dotted parameter -> number, applied
    with :func:`with_values`, for sampled designs whose points differ only in numbers) and its ``label`` (the swept
    keys' values, which become columns). Every point has the same label keys.
    """

    bases: list[SimConfig]
    points: list[tuple[int, dict[str, float]]]
    labels: list[dict[str, Any]]
    replications: list[int]
    keep: Keep = field(default_factory=Keep)
    offsets: list[int] | None = None  # per point, added to its replication indices (None: common random numbers across points)

    def __post_init__(self) -> None:
        if not self.points or not self.replications:
            raise ConfigError("the study has no runs: it needs at least one point and one replication")
        if self.offsets is not None and len(self.offsets) != len(self.points):
            raise ValueError("offsets needs one entry per point")
        keys = [list(label) for label in self.labels]
        if len(keys) != len(self.points) or any(k != keys[0] for k in keys):
            raise ValueError("every point needs a label with the same keys")

    @property
    def keys(self) -> list[str]:
        return list(self.labels[0])

    @property
    def size(self) -> int:
        return len(self.points) * len(self.replications)

    @functools.cached_property
    def together(self) -> int:
        """The most runs that may share a batch: the replications of the points with one :func:`signature` (a point's
        replications; all of a sampled design or a sweep over numbers)."""
        settable: dict[tuple[int, str], bool] = {}
        kinds = Counter(signature(base, values, self.bases, settable) for base, values in self.points)
        return max(kinds.values()) * len(self.replications)

    def chunks(self, size: int, batch: int = 1) -> list[Chunk]:
        """Consecutive runs cut into chunks of ``size``; each carries only the bases its runs need, and advances at
        most ``batch`` runs together (which changes no number: :func:`run_chunk`)."""
        out = []
        for start in range(0, self.size, size):
            runs = range(start, min(start + size, self.size))
            specs = []
            for run in runs:
                point, i = divmod(run, len(self.replications))
                base, values = self.points[point]
                offset = self.offsets[point] if self.offsets is not None else 0
                specs.append((run, base, values, self.replications[i] + offset, self.labels[point]))
            bases = {b: self.bases[b] for b in dict.fromkeys(s[1] for s in specs)}
            out.append(Chunk(len(out), bases, specs, self.keep, batch))
        return out


@dataclass
class Chunk:
    """The unit of work a worker gets: consecutive runs, the bases they need, and which rows to keep."""

    id: int
    bases: dict[int, SimConfig]
    runs: list[Spec]
    keep: Keep
    batch: int = 1  # at most this many runs advanced together


def with_values(config: SimConfig, values: Mapping[str, Any]) -> SimConfig:
    """A deep copy of ``config`` with each dotted parameter set (list entries by index); the original is left untouched.

    Numbers take the field's type. Values are not re-validated here: a sweep validates each point when it builds it
    (:func:`sim.__main__.sweep_study`); a sampled design keeps its samples inside the schema's ranges.
    """
    import copy

    new = copy.deepcopy(config)
    for name, value in values.items():
        *path, leaf = name.split(".")
        node: Any = new
        for part in path:
            node = node[int(part)] if isinstance(node, list) else node[part] if isinstance(node, dict) else getattr(node, part)
        if isinstance(node, dict):
            node[leaf] = value
        elif isinstance(node, list):
            node[int(leaf)] = value
        else:
            old = getattr(node, leaf)
            cast = type(old) in (int, float) and not isinstance(value, bool | np.ndarray)  # an array: per-run values
            setattr(node, leaf, type(old)(value) if cast else value)
    return new


def settable_per_run(config: SimConfig, name: str) -> bool:
    """Whether parameter ``name`` may take a different value in each run of a batch (tests/test_batch.py runs every
    one per run against the runs alone): a model's real-valued parameter, except the agents' sizes (``agents.*``), the
    firms' profile shares (a probability vector of one draw) and an audience's random-utility ``noise`` (only a run with
    noise draws it, so a noiseless run beside a noisy one would draw numbers it does not draw alone)."""
    top = name.split(".")[0]
    if top in NOT_MODEL or top == "agents" or name.endswith(".noise") or (name.startswith("firms.profiles.") and name.endswith(".share")):
        return False
    try:
        return type(config_value(config, name)) is float
    except AttributeError:
        return False


def batch_config(base: SimConfig, values: Sequence[Mapping[str, Any]]) -> SimConfig:
    """``base`` with each run's values: a value every run shares set as itself, one that differs as a read-only (R, 1)
    array of the runs' values (:mod:`sim.batch`; read-only, so no actor can change a run's parameter in place)."""
    shared = {k: v for k, v in values[0].items() if all(repr(vals[k]) == repr(v) for vals in values[1:])}  # -0.0 is not 0.0
    differing = {}
    for key in values[0]:
        if key not in shared:
            column = np.array([float(vals[key]) for vals in values])[:, None]
            column.flags.writeable = False
            differing[key] = column
    return with_values(base, {**shared, **differing}) if values[0] else base


def run_chunk(chunk: Chunk) -> tuple[int, pa.Table]:
    """Run a chunk (in a worker) and return its rows, in run order, as one Arrow table. The runs that may share a
    batch (:func:`signature`: a point's replications, points that differ only in parameters set per run) advance together,
    at most ``chunk.batch`` of them (:func:`sim.run.build_batch`, :func:`batch_config`), each run's series exactly what
    it gives alone; a lone run is a single run."""
    from sim.run import build_batch, build_model, series

    tables = []
    for group in batches(chunk.runs, chunk.batch, chunk.bases):
        config = batch_config(chunk.bases[group[0][1]], [values for _, _, values, _, _ in group])
        if len(group) == 1:
            model = build_model(dataclasses.replace(config, replication=group[0][3]))
        else:
            model = build_batch(config, [replication for _, _, _, replication, _ in group])
        model.run()
        steps, quarters, indicators, matrix = series(model)
        matrices = list(matrix) if model.runs else [matrix]
        for (run, _, _, replication, label), values_ in zip(group, matrices, strict=True):
            tables.append((run, rows(run, replication, config.seed, label, steps, quarters, indicators, values_, chunk.keep)))
    return chunk.id, pa.concat_tables(table for _, table in sorted(tables, key=lambda t: t[0]))


def batches(runs: list[Spec], size: int, bases: Mapping[int, SimConfig]) -> Iterator[list]:
    """The runs that may advance together (one :func:`signature`), in batches of at most ``size``, as even as can be
    (34 runs in batches of 32 would leave a slow batch of 2: 17 and 17)."""
    groups: dict[tuple, list[Spec]] = {}
    settable: dict[tuple[int, str], bool] = {}
    for spec in runs:
        groups.setdefault(signature(spec[1], spec[2], bases, settable), []).append(spec)
    for group in groups.values():
        parts = math.ceil(len(group) / size)
        cuts = [len(group) * k // parts for k in range(parts + 1)]
        yield from (group[a:b] for a, b in zip(cuts, cuts[1:], strict=False))


def signature(base: int, values: Mapping[str, Any], bases: Mapping[int, SimConfig], settable: dict[tuple[int, str], bool]) -> tuple:
    """What runs must share to share a batch: the base, the swept keys, and the values of those that cannot be set per
    run (:func:`settable_per_run`; ``settable`` caches it). A point's replications share it; so do sampled points
    (Sobol samples, posterior draws) and the points of a sweep over numbers."""
    fixed = []
    for key, value in values.items():
        if (base, key) not in settable:
            settable[(base, key)] = settable_per_run(bases[base], key)
        if not settable[(base, key)]:
            fixed.append((key, repr(value)))
    return base, tuple(values), tuple(fixed)


def rows(
    run: int,
    replication: int,
    seed: int,
    label: dict[str, Any],
    steps: np.ndarray,
    quarters: np.ndarray,
    indicators: np.ndarray,
    matrix: np.ndarray,
    keep: Keep,
) -> pa.Table:
    """One run's step x indicator values as tidy rows (the kept quarters and indicators), its label as columns."""
    kept_rows = np.ones(len(steps), bool) if keep.quarters is None else np.isin(quarters, keep.quarters)
    cols = np.ones(len(indicators), bool) if keep.indicators is None else np.isin(indicators, keep.indicators)
    steps, quarters, names, values = steps[kept_rows], quarters[kept_rows], indicators[cols], matrix[np.ix_(kept_rows, cols)]
    n = values.size
    columns: dict[str, Any] = {
        "run": np.full(n, run, np.int64),
        "replication": np.full(n, replication, np.int64),
        "seed": np.full(n, seed, np.int64),
    }
    for key, value in label.items():
        if key not in columns:  # a swept seed is the seed column itself
            columns[key] = pa.array([value] * n)
    columns |= {
        "step": np.repeat(steps, len(names)).astype(np.int64),
        "quarter": np.repeat(quarters, len(names)),
        "indicator": np.tile(names, len(steps)),
        "value": values.ravel().astype(np.float64),
    }
    return pa.table(columns)


# --- where chunks run ----------------------------------------------------------------------------------------------
def workers(settings: EnsembleConfig) -> int:
    """How many chunks run at once on this machine (``-1``: every core)."""
    return (os.cpu_count() or 1) if settings.workers == -1 else settings.workers


def chunk_size(settings: EnsembleConfig, study: Study) -> int:
    """``ensemble.chunk`` runs, or (0) about eight chunks per worker, at most 100 runs, so progress moves and the
    last chunks do not leave workers idle for long; when runs advance together, a multiple of the batch (or of the
    runs that may share one), so that a chunk of consecutive runs that share a signature cuts no batch short (runs
    that share one but are not consecutive, as in a sweep whose fastest key is a choice, batch within each chunk)."""
    if settings.chunk > 0:
        return settings.chunk
    size = max(1, min(100, math.ceil(study.size / (8 * workers(settings)))))
    batch = batch_size(settings, study)
    unit = min(batch, study.together) if batch > 1 else 1
    return max(unit, size - size % unit)


def batch_size(settings: EnsembleConfig, study: Study) -> int:
    """``ensemble.batch`` runs advanced together, or (0) as many as hold BATCH_CITIZENS citizens between them, at most
    MAX_BATCH and at most an even share of the study per worker (every worker gets a batch), and none (1) below
    MIN_BATCH or when fewer runs than that may share a batch (:attr:`Study.together`): a batch's arrays grow with it,
    past a few hundred thousand citizens a run's own arrays are large enough that advancing runs together saves
    little, and a batch of two is slower than two runs alone (benchmarks/bench_ensemble.py)."""
    if settings.batch > 0:
        return settings.batch
    size = min(MAX_BATCH, BATCH_CITIZENS // max(max(base.agents.public.n for base in study.bases), 1))
    size = min(size, math.ceil(study.size / workers(settings)))
    return size if size >= MIN_BATCH and study.together >= MIN_BATCH else 1


def execute(chunks: Sequence[Chunk], settings: EnsembleConfig, scratch: Path, root: Path) -> Iterator[tuple[int, pa.Table]]:
    """Each chunk's rows, in the order chunks finish, from the configured backend. ``scratch`` is a folder under
    ``output.root`` for backends that keep files (submitit's job logs, a local Ray instance's session)."""
    if not chunks:
        return
    backend = settings.backend
    if backend == Backend.serial or (backend == Backend.loky and (workers(settings) == 1 or len(chunks) == 1)):
        yield from map(run_chunk, chunks)
    elif backend == Backend.loky:
        from joblib import Parallel, delayed

        parallel = Parallel(n_jobs=workers(settings), backend="loky", return_as="generator_unordered")
        yield from parallel(delayed(run_chunk)(c) for c in chunks)
    elif backend == Backend.ray:
        yield from _ray(chunks, settings, root)
    else:
        yield from _submitit(chunks, settings, scratch)


def _ray(chunks: Sequence[Chunk], settings: EnsembleConfig, root: Path) -> Iterator[tuple[int, pa.Table]]:
    """Chunks as Ray tasks: on the cluster at ``ensemble.ray.address``, or a local instance whose files stay under
    ``output.root`` (Ray's default is /tmp/ray, and ~/.ray for its auth token)."""
    import ray

    started = not ray.is_initialized()
    if started:
        if settings.ray.address:
            ray.init(address=settings.ray.address, log_to_driver=False)
        else:
            os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # no token written to ~/.ray for a local instance
            temp = Path(settings.ray.temp_dir or root / ".ray").absolute()  # not resolved: a short link keeps sockets short
            longest = f"{temp}/session_2026-01-01_00-00-00_000000_4194304/sockets/plasma_store"
            if len(longest.encode()) > 107:  # Linux's limit on a Unix socket's path
                raise ConfigError(
                    f"ensemble.ray.temp_dir={temp}: too long for Ray's sockets ({len(longest)} > 107 bytes with its session "
                    "folder): set ensemble.ray.temp_dir to a shorter folder"
                )
            ray.init(num_cpus=workers(settings), include_dashboard=False, log_to_driver=False, _temp_dir=str(temp))
    try:
        task = ray.remote(run_chunk)
        pending = [task.remote(c) for c in chunks]
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            yield ray.get(done[0])
    finally:
        if started:
            ray.shutdown()


def _submitit(chunks: Sequence[Chunk], settings: EnsembleConfig, scratch: Path) -> Iterator[tuple[int, pa.Table]]:
    """Chunks as a job array through submitit: SLURM (``submitit_slurm``) or local processes (``submitit_local``)."""
    import submitit

    s = settings.slurm
    cluster = "slurm" if settings.backend == Backend.submitit_slurm else "local"
    executor = submitit.AutoExecutor(folder=scratch / "submitit" / "%j", cluster=cluster)
    executor.update_parameters(timeout_min=s.timeout_min, cpus_per_task=s.cpus_per_task, mem_gb=s.mem_gb)
    if cluster == "slurm":
        executor.update_parameters(slurm_partition=s.partition, slurm_array_parallelism=s.array_parallelism)
    jobs = executor.map_array(run_chunk, list(chunks))
    for job in submitit.helpers.as_completed(jobs):
        yield job.result()


# --- progress ------------------------------------------------------------------------------------------------------
def progress(total: int, initial: int, settings: EnsembleConfig, label: str) -> Any:
    """One bar: runs done of total, runs per second, time left (``ensemble.progress=false`` for none)."""
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="run", desc=label, disable=not settings.progress, file=sys.stderr, dynamic_ncols=True)


def run_study(study: Study, settings: EnsembleConfig, root: Path, label: str = "runs", bar: Any = None) -> pa.Table:
    """Every run of ``study``; its rows in run order, in memory. ``bar``: a progress bar to advance instead of a new one."""
    chunks = study.chunks(chunk_size(settings, study), batch_size(settings, study))
    tables: dict[int, pa.Table] = {}
    with progress(study.size, 0, settings, label) if bar is None else contextlib.nullcontext(bar) as shown:
        if settings.backend.startswith("submitit"):
            root.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".scratch-{os.getpid()}-", dir=root)) if settings.backend.startswith("submitit") else root
        for cid, table in execute(chunks, settings, scratch, root):
            tables[cid] = table
            shown.update(len(chunks[cid].runs))
    if scratch != root:
        shutil.rmtree(scratch, ignore_errors=True)  # kept only if a run failed (submitit's logs say why)
    return pa.concat_tables(tables[c] for c in sorted(tables))


def wide(table: pa.Table | Any) -> dict[int, Any]:
    """Per run, its series as a quarter x indicator frame (in step order): what the targets and claims read."""
    frame = table.to_pandas() if isinstance(table, pa.Table) else table
    out = {}
    for run, rows in frame.groupby("run", sort=True):
        order = rows.drop_duplicates("step").sort_values("step")["quarter"]
        out[int(run)] = rows.pivot(index="quarter", columns="indicator", values="value").loc[order.to_numpy()]
    return out


def label_value(value: Any) -> Any:
    """A swept value as a column entry: enums by name, everything else as it is."""
    return value.value if isinstance(value, Enum) else value


# --- a study on disk -----------------------------------------------------------------------------------------------
STUDY_FILE = "study.json"
CHUNKS = "chunks"
MANIFEST = "manifest.json"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def first_difference(a: Mapping[str, Any], b: Mapping[str, Any], prefix: str = "") -> str | None:
    """The first dotted key whose value differs between two nested mappings, or None."""
    for key in dict.fromkeys([*a, *b]):
        x, y = a.get(key), b.get(key)
        if isinstance(x, Mapping) and isinstance(y, Mapping):
            found = first_difference(x, y, f"{prefix}{key}.")
            if found:
                return found
        elif x != y:
            return f"{prefix}{key}"
    return None


class SweepFolder:
    """A sweep's folder: ``study.json`` (what it runs), ``chunks/`` (finished chunks and their checksums) until every
    chunk is in, then ``sweep.parquet``. Created with an exclusive ``mkdir``, so two sweeps never share one."""

    def __init__(self, path: Path, description: dict[str, Any]) -> None:
        self.path = path
        self.description = description

    @classmethod
    def create(cls, root: Path, experiment: str, stamp: str, description: dict[str, Any]) -> SweepFolder:
        parent = root / experiment
        parent.mkdir(parents=True, exist_ok=True)
        clean_stale(parent)
        path = reserve(parent, stamp)
        (path / CHUNKS).mkdir()
        _write_json(path / STUDY_FILE, description)
        return cls(path, description)

    @classmethod
    def resume(cls, path: Path, description: dict[str, Any]) -> SweepFolder:
        """The folder of an earlier sweep of the same study; refused (nothing touched) if it is not one."""
        stored_file = path / STUDY_FILE
        if not stored_file.is_file():
            raise ConfigError(f"resume={path}: not a sweep folder (no {STUDY_FILE}): give the folder a sweep printed")
        try:
            stored = json.loads(stored_file.read_text())
        except (OSError, ValueError) as error:
            raise ConfigError(f"resume={path}: {STUDY_FILE} is unreadable ({error}); start a new sweep") from None
        if stored.get("config") != description["config"]:
            import yaml

            key = first_difference(yaml.safe_load(stored.get("config") or "{}") or {}, yaml.safe_load(description["config"]) or {})
            raise ConfigError(f"resume={path}: that sweep ran another config ({key} differs): resume it with the same arguments")
        for part in ("sweep", "runs", "version"):
            if stored.get(part) != description.get(part):
                raise ConfigError(f"resume={path}: that sweep ran another study ({part} differs): resume it with the same arguments")
        return cls(path, stored)

    @property
    def done(self) -> bool:
        return (self.path / "sweep.parquet").exists()

    def finished_chunks(self) -> set[int]:
        """Chunks whose file is there and matches the checksum recorded when it was written; others are re-run."""
        if not (self.path / CHUNKS).is_dir():
            return set()
        manifest = self._manifest()
        good = set()
        for name, digest in manifest.items():
            path = self.path / CHUNKS / f"{name}.parquet"
            if path.exists() and sha256(path) == digest:
                good.add(int(name))
        for path in (self.path / CHUNKS).glob("*"):  # damaged, unrecorded or temporary files of a dead process
            if path.name != MANIFEST and not (path.suffix == ".parquet" and path.stem.isdigit() and int(path.stem) in good):
                path.unlink()
        return good

    def _manifest(self) -> dict[str, str]:
        try:
            return json.loads((self.path / CHUNKS / MANIFEST).read_text())
        except (OSError, ValueError):
            return {}

    def add(self, cid: int, table: pa.Table, manifest: dict[str, str]) -> None:
        """Write a chunk, then record its checksum (both atomically): a chunk counts only once both are on disk."""
        path = self.path / CHUNKS / f"{cid:06d}.parquet"
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        pq.write_table(table, tmp)
        digest = sha256(tmp)
        os.replace(tmp, path)
        manifest[f"{cid:06d}"] = digest
        _write_json(self.path / CHUNKS / MANIFEST, manifest)

    def merge(self, n_chunks: int, meta: dict[str, Any]) -> Path:
        """Every chunk, in order, into ``sweep.parquet`` (row groups of a fixed size), then the chunks are removed."""
        target = self.path / "sweep.parquet"
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        writer = None
        pending: list[pa.Table] = []
        rows = 0
        for cid in range(n_chunks):
            table = pq.read_table(self.path / CHUNKS / f"{cid:06d}.parquet")
            if writer is None:
                schema = table.schema.with_metadata({b"sim.provenance": json.dumps(meta, sort_keys=True).encode()})
                writer = pq.ParquetWriter(tmp, schema)
            pending.append(table)
            rows += table.num_rows
            while rows >= ROW_GROUP:
                block = pa.concat_tables(pending)
                writer.write_table(block.slice(0, ROW_GROUP).replace_schema_metadata(schema.metadata), row_group_size=ROW_GROUP)
                rest = block.slice(ROW_GROUP)
                pending, rows = [rest], rest.num_rows
        if rows:
            writer.write_table(pa.concat_tables(pending).replace_schema_metadata(schema.metadata), row_group_size=ROW_GROUP)
        writer.close()
        os.replace(tmp, target)
        shutil.rmtree(self.path / CHUNKS)
        return target

    def run(self, study: Study, settings: EnsembleConfig, label: str) -> int:
        """Run the chunks not finished yet; return how many runs were already there."""
        chunks = study.chunks(self.description["chunk"], batch_size(settings, study))
        (self.path / CHUNKS).mkdir(exist_ok=True)
        good = self.finished_chunks()
        manifest = {k: v for k, v in self._manifest().items() if int(k) in good}
        todo = [c for c in chunks if c.id not in {int(k) for k in manifest}]
        already = study.size - sum(len(c.runs) for c in todo)
        with progress(study.size, already, settings, label) as bar:
            for cid, table in execute(todo, settings, self.path / ".scratch", self.path.parent.parent):
                self.add(cid, table, manifest)
                bar.update(len(chunks[cid].runs))
        shutil.rmtree(self.path / ".scratch", ignore_errors=True)  # kept only if a run failed (submitit's logs say why)
        return already

    def finished_runs(self, study: Study) -> int:
        chunks = study.chunks(self.description["chunk"])
        good = self.finished_chunks()
        return sum(len(c.runs) for c in chunks if c.id in good)


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)


def grid(values: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """The points of a full-factorial sweep, the first key slowest (Hydra's basic sweeper's order)."""
    import itertools

    return list(itertools.product(*values))


def replicated(
    arms: Mapping[Any, SimConfig], replications: int, settings: EnsembleConfig, root: Path, label: str, keep: Keep = Keep(), bar: Any = None
) -> dict[Any, list[Any]]:
    """Replications ``0..replications-1`` of each arm (common random numbers across arms) as one study: per arm, the
    replications' series as quarter x indicator frames, in replication order."""
    names = list(arms)
    study = Study(list(arms.values()), [(i, {}) for i in range(len(names))], [{"arm": str(i)} for i in range(len(names))],
                  list(range(replications)), keep)  # fmt: skip
    frames = wide(run_study(study, settings, root, label, bar))
    return {name: [frames[p * replications + i] for i in range(replications)] for p, name in enumerate(names)}
