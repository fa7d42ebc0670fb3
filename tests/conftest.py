"""Shared fixtures: small configurations that run in milliseconds."""

from __future__ import annotations

import pytest

from sim.config import SimConfig, load_config
from sim.run import build_model

SMALL = [
    "agents.public.n=400",
    "agents.firms.n=150",
    "agents.intellectuals.n=80",
    "agents.talent.n=300",
    "agents.third.n=20",
    "public.network.degree=6",
]


@pytest.fixture
def small_config():
    """Build a validated small config with extra Hydra-style overrides."""

    def make(*overrides: str) -> SimConfig:
        return load_config([*SMALL, *overrides])

    return make


@pytest.fixture
def small_model(small_config):
    def make(*overrides: str):
        return build_model(small_config(*overrides))

    return make
