"""Docking: each published sub-model the model borrows reproduces a published result of it in isolation,
run through the model's own functions."""

from __future__ import annotations

import numpy as np
import pytest

from sim.agents.audience import decide_adoption, update_beliefs
from sim.agents.firm import open_domestic_share, unit_cost
from sim.config import AudienceConfig


def audience(**values: float) -> AudienceConfig:
    base = dict.fromkeys(
        ["belief0_mean", "belief0_sd", "susceptibility", "peer_weight", "stubbornness", "sanction_rally", "beta_belief",
         "beta_incentive", "beta_peer", "beta_authority", "threshold_mean", "threshold_sd", "switching_cost", "noise"], 0.0,
    )  # fmt: skip
    return AudienceConfig(**{**base, **values})


def test_friedkin_johnsen_beliefs_converge_to_the_published_steady_state():
    """Friedkin & Johnsen (1990): x(t+1) = Lambda W x(t) + (I - Lambda) x(0) converges to
    x* = (I - Lambda W)^-1 (I - Lambda) x(0) when the susceptibilities are below 1."""
    rng = np.random.default_rng(3)
    n = 6
    adjacency = (rng.random((n, n)) < 0.5).astype(float)
    np.fill_diagonal(adjacency, 0)
    adjacency[adjacency.sum(axis=1) == 0, 0] = 1
    neighbours = adjacency / adjacency.sum(axis=1, keepdims=True)
    p = audience(peer_weight=0.4, stubbornness=0.3)
    x0 = rng.random(n)
    x = x0.copy()
    for _ in range(2000):
        x = update_beliefs(x, x0, neighbours @ x, message=0.0, reach=0.0, rally=0.0, p=p)
    influence = (1 - p.peer_weight) * np.eye(n) + p.peer_weight * neighbours  # W: own weight plus peers
    susceptibility = (1 - p.stubbornness) * np.eye(n)  # Lambda
    steady = np.linalg.solve(np.eye(n) - susceptibility @ influence, (np.eye(n) - susceptibility) @ x0)
    np.testing.assert_allclose(x, steady, atol=1e-10)


def test_granovetter_riot_cascade_and_its_fragility():
    """Granovetter (1978): thresholds 0, 1, ..., 99 (out of 100) produce a full cascade; raising the
    threshold of the person at 1 to 2 stops it after the first adopter."""

    def cascade(thresholds: np.ndarray) -> int:
        adopted = np.zeros(thresholds.size, dtype=bool)
        for _ in range(thresholds.size + 1):
            adopted = decide_adoption(np.zeros(thresholds.size), 0.0, adopted.mean(), 0.0, thresholds, audience(beta_peer=1.0))
        return int(adopted.sum())

    uniform = np.arange(100) / 100
    assert cascade(uniform) == 100
    perturbed = uniform.copy()
    perturbed[1] = 0.02
    assert cascade(perturbed) == 1


@pytest.mark.parametrize(("a", "b", "m", "n", "runaway"), [(0.06, 0.5, 0.1, 0.1, True), (0.02, 0.2, 0.1, 0.1, False)])
def test_richardson_arms_race_runs_away_iff_ab_exceeds_mn(small_model, a, b, m, n, runaway):
    """Richardson (1960): dx = a y - m x + g, dy = b x - n y + h is stable iff a b < m n, with equilibrium
    y* = (b g + m h) / (m n - a b). The rival's rule is the y equation; a linear China closes the system. Its b is
    rival.mirroring(risk share), which is rival.mirror when a risk framing provokes it as much as a race framing."""
    model = small_model(
        f"rival.mirror={b}",
        f"rival.restraint={n}",
        "rival.w_capability=0",
        "rival.grievance=0.004",
        "rival.securitization0=0",
        "rival.risk_discount=0",
    )
    rival = model.rival
    g, h = 0.003, 0.004
    x = 0.0  # China's securitization: a linear Richardson equation closes the system
    for _ in range(3000):
        y = rival.securitization
        rival.mirror(model.perceive(central={"securitization": x}, world={"capability_ratio": 0.0}))  # y += b x - n y + h
        x = min(1.0, max(0.0, x + a * y - m * x + g))
    if runaway:  # unbounded in Richardson's linear system; here it runs into the cap of 1
        assert rival.securitization == 1.0
    else:
        steady_x = (a * h + n * g) / (m * n - a * b)
        steady_y = (b * g + m * h) / (m * n - a * b)
        assert rival.securitization == pytest.approx(steady_y, rel=1e-6) and steady_y < 1
        assert x == pytest.approx(steady_x, rel=1e-6)


@pytest.mark.parametrize("wedge", [1.2, 2.0, 5.0])
@pytest.mark.parametrize("price", [0.8, 1.6])
def test_ces_unit_cost_matches_the_acr_welfare_formula(wedge, price):
    """Arkolakis, Costinot & Rodriguez-Clare (2012): with CES demand and trade elasticity eps, the real-income
    change from a change in the domestic share is (lambda'/lambda)^(-1/eps). A real cost `wedge` on foreign inputs
    (iceberg) raises the cost-minimizing domestic share to lambda'; the model's CES unit cost at the optimum must
    fall by exactly that factor. Unit costs are homogeneous of degree one in prices: c*(p, w) = w c*(p / w, 1)."""
    eps = 5.0
    lam_open, lam_wedged = open_domestic_share(price, eps), open_domestic_share(price / wedge, eps)
    cost_open = unit_cost(lam_open, price, eps)
    cost_wedged = wedge * unit_cost(lam_wedged, price / wedge, eps)
    assert cost_open / cost_wedged == pytest.approx((lam_wedged / lam_open) ** (-1 / eps), rel=1e-12)
