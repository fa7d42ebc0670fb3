"""Cluster backends of the ensemble engine (docs/clusters.md): a sweep through submitit (SLURM's job arrays, run on
this machine as `submitit_local`) and through a local Ray instance gives the same sweep.parquet, byte for byte, as
loky workers on this machine; chunks, not runs, are the tasks. The model does not know where it runs.

Ray keeps all its state (sessions, sockets, logs) under a folder of the test's own, and writes nothing to
~/.ray (where recent Ray, 2.60 here, saves an auth token for every new local instance unless
`RAY_AUTH_MODE=disabled`) nor to the default /tmp/ray.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from test_experiments import TINY  # the same tiny sweep as the other launcher test (tests/test_experiments.py)

REPO = Path(__file__).resolve().parent.parent
# Ray's longest Unix socket under its temp dir: <temp dir>/session_<date>_<time>_<microseconds>_<pid>/sockets/plasma_store
RAY_SOCKET = "/session_2026-01-01_00-00-00_000000_4194304/sockets/plasma_store"
AF_UNIX_MAX = 107  # bytes, Linux


def sweep(root: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[Path, str]:
    """Run the tiny desecuritize sweep (2 strategies x 2 replications) into ``root``; return its folder and the output."""
    env = env or {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    result = subprocess.run(
        [sys.executable, "-m", "sim", "+experiment=desecuritize", f"output.root={root}", *TINY, "ensemble.chunk=2", *extra],
        cwd=REPO, capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "sweep results:" in result.stdout and "sweep: 4 runs (2 points x 2 replications) in 2 chunks" in result.stdout
    (folder,) = (root / "desecuritize").iterdir()
    return folder, output


@pytest.fixture(scope="module")
def basic(tmp_path_factory) -> bytes:
    folder, _ = sweep(tmp_path_factory.mktemp("basic"))
    return (folder / "sweep.parquet").read_bytes()


def test_submitit_local_gives_identical_results(tmp_path, basic):
    folder, output = sweep(tmp_path, "ensemble.backend=submitit_local", "ensemble.slurm.timeout_min=10")
    assert "on submitit_local" in output
    assert not (folder / ".scratch").exists()  # submitit's job folders are removed once every chunk is in
    assert (folder / "sweep.parquet").read_bytes() == basic


def snapshot(folder: Path) -> list[tuple[str, int, int]] | None:
    """Every file under ``folder`` with its modification time and size; None if the folder does not exist."""
    if not folder.exists():
        return None
    return sorted((str(p.relative_to(folder)), p.lstat().st_mtime_ns, p.lstat().st_size) for p in folder.rglob("*"))


@pytest.fixture
def ray_dir(tmp_path_factory):
    """A folder for all of Ray's state. Ray binds Unix sockets deep inside it, and their paths may not pass
    107 bytes: the test's tmp_path is too deep, a folder at the top of pytest's base temp usually is not.
    Where even that is too long, Ray gets a short link to it (the files still land in pytest's temp)."""
    folder = tmp_path_factory.mktemp("ray")
    if len(f"{folder}/.ray{RAY_SOCKET}".encode()) <= AF_UNIX_MAX:  # the engine's default: <output.root>/.ray
        yield folder
        return
    holder = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))
    (holder / "t").symlink_to(folder, target_is_directory=True)
    yield holder / "t"
    shutil.rmtree(holder)


def test_ray_local_instance_gives_identical_results(tmp_path, ray_dir, basic):
    home_ray, default_tmp = Path.home() / ".ray", Path("/tmp/ray")
    before = snapshot(home_ray), snapshot(default_tmp)
    env = {k: v for k, v in os.environ.items() if k not in {"HYDRA_FULL_ERROR", "RAY_ADDRESS"}}  # a new local instance
    env |= {
        "RAY_AUTH_MODE": "disabled",  # else Ray writes a token to ~/.ray/auth_token
        "RAY_TMPDIR": str(ray_dir),  # Ray's default temp dir, for anything the launcher's init options miss
        "TMPDIR": str(ray_dir),
        "RAY_USAGE_STATS_ENABLED": "0",
        "RAY_DEDUP_LOGS": "0",
    }
    folder, output = sweep(ray_dir, "ensemble.backend=ray", "ensemble.workers=2", env=env)  # output.root: a short folder
    assert "on ray" in output
    assert (folder / "sweep.parquet").read_bytes() == basic
    sessions = list((ray_dir / ".ray").glob("session_2*"))
    assert len(sessions) == 1 and (sessions[0] / "logs").is_dir()  # Ray's session and logs are ours
    assert (snapshot(home_ray), snapshot(default_tmp)) == before  # and nothing went to ~/.ray or /tmp/ray
