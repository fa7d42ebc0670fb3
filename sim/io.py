"""Writing results: tidy Parquet with provenance, written atomically into a run folder."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import tempfile
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

REPO_ROOT = Path(__file__).resolve().parent.parent


def git_commit() -> str:
    """The commit of the code that ran, with ``-dirty`` when the tree had uncommitted changes."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("-dirty" if dirty else "")


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in ("sim", "mesa", "numpy", "scipy", "pandas", "pyarrow", "hydra-core"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return versions


def result_config_yaml(cfg: Any) -> str:
    """The resolved config that determines results: everything but where they are written (``output``,
    ``resume``), where they are computed (``ensemble``) and Hydra's own node."""
    from omegaconf import OmegaConf

    return OmegaConf.to_yaml({k: v for k, v in cfg.items() if k not in ("output", "ensemble", "hydra", "resume")}, resolve=True)


def provenance(config_yaml: str, seed: int) -> dict[str, Any]:
    """What reproduces a result: resolved config, seed, package versions, git commit. No timestamp, so it is deterministic."""
    return {"config": config_yaml, "seed": seed, "versions": package_versions(), "git_commit": git_commit()}


def write_parquet(frame: pd.DataFrame, path: Path, meta: dict[str, Any]) -> None:
    """Write a table with provenance in its schema metadata, atomically (temporary name, then rename)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"sim.provenance": json.dumps(meta, sort_keys=True).encode()})
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def read_provenance(path: Path) -> dict[str, Any]:
    """The provenance stored with a table, or {} for a table written by other means."""
    stored = (pq.read_schema(path).metadata or {}).get(b"sim.provenance")
    return json.loads(stored) if stored else {}


def write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, path)


def write_json(path: Path, data: Any) -> None:
    write_text(path, json.dumps(data, indent=2, sort_keys=False) + "\n")


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a temporary file or folder tagged with it is then in use)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def clean_stale(folder: Path) -> None:
    """Remove what killed processes left in ``folder``: ``.incomplete-<pid>-*`` run folders, ``.scratch-<pid>-*``
    folders and ``.<name>.tmp-<pid>`` files whose process is gone (a SIGKILL or a power cut gives no chance to clean)."""
    if not folder.is_dir():
        return
    for path in folder.glob(".*"):
        name = path.name
        tag = name.split(".tmp-")[-1] if ".tmp-" in name else name.split("-")[1] if name.startswith((".incomplete-", ".scratch-")) else ""
        if tag.isdigit() and not alive(int(tag)):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def reserve(parent: Path, stamp: str) -> Path:
    """A new, empty folder ``<parent>/<stamp>`` (``_1``, ``_2``... if taken), created with an exclusive mkdir, so that
    two commands started in the same second never share one."""
    for n in range(10_000):
        path = parent / (stamp if n == 0 else f"{stamp}_{n}")
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free folder name for {stamp} under {parent}")


class RunFolder:
    """``results/<experiment>/<YYYY-MM-DD_HH-MM-SS>/``, built under a hidden temporary name and renamed
    into place only when complete, so a failed or interrupted run leaves nothing behind (and a killed one
    leaves a ``.incomplete-<pid>-*`` folder that the next command in that folder removes)."""

    def __init__(self, root: Path, experiment: str) -> None:
        self.parent = Path(root) / experiment
        self.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(self.parent)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".incomplete-{os.getpid()}-", dir=self.parent))

    def __enter__(self) -> RunFolder:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return
        try:
            final = reserve(self.parent, datetime.now().strftime("%Y-%m-%d_%H-%M-%S"))
            self.tmp.chmod(0o755)
            os.replace(self.tmp, final)  # onto the empty folder just reserved: atomic on POSIX
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise
        self.final = final
