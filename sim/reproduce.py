"""Re-run a run folder from what it holds and check that the output is identical.

    python -m sim.reproduce results/baseline/<timestamp>
    python -m sim.reproduce results/sanctions/<timestamp>/runs/7

The folder's resolved ``config.yaml`` (seed and replication included) is run again; the new time
series must equal the stored ``timeseries.parquet`` value for value. Exit 0 if identical, 1 if not.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from sim.config import ConfigError, SimConfig, register, validate
from sim.io import git_commit, read_provenance
from sim.run import simulate


def reproduce(folder: Path) -> tuple[bool, str]:
    """Run the folder's config again; return whether the series is identical, and a one-line report."""
    register()
    stored_path = folder / "timeseries.parquet"
    if not (folder / "config.yaml").exists() or not stored_path.exists():
        raise ConfigError(f"{folder} is not a run folder: it needs config.yaml and timeseries.parquet")
    cfg = OmegaConf.merge(OmegaConf.structured(SimConfig), OmegaConf.load(folder / "config.yaml"))
    _, frame = simulate(validate(cfg))
    stored = pd.read_parquet(stored_path)
    stored_commit = read_provenance(stored_path).get("git_commit", "unknown")
    note = "" if stored_commit == git_commit() else f" (stored with commit {stored_commit}, now {git_commit()})"
    try:
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), stored.reset_index(drop=True), check_exact=True)
    except AssertionError as difference:
        return False, f"differs from {stored_path}{note}: {str(difference).splitlines()[0]}"
    return True, f"identical: {len(frame)} rows of {stored_path}{note}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Re-run a run folder and check that its output is identical.")
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    try:
        same, report = reproduce(args.folder)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(report)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
