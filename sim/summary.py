"""Headline figures of a run: milestone values and the three-step plan's goals met or missed."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.config import SimConfig
from sim.indicators import CONSEQUENCES, INDICATORS, label

MILESTONES = ("2020Q4", "2025Q4", "2030Q4")
HEADLINE = (
    "securitization_central",
    "securitization_rival",
    "adoption_local",
    "adoption_firms",
    "adoption_intellectuals",
    "adoption_public",
    "local_policies",
    "capability_ratio",
    "ai_economy",
    *CONSEQUENCES,
)


def milestone_values(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Each indicator at each milestone quarter inside the run, and at the run's last quarter."""
    wide = frame.pivot_table(index="quarter", columns="indicator", values="value", sort=False)
    quarters = [q for q in MILESTONES if q in wide.index]
    last = str(frame["quarter"].iloc[-1])
    if last not in quarters:
        quarters.append(last)
    return {q: {k: float(v) for k, v in wide.loc[q].items()} for q in quarters}


def milestone_bands(bands: pd.DataFrame, quarters: list[str]) -> dict[str, dict[str, dict[str, float]]]:
    """The posterior predictive's quantiles of each indicator at the milestone quarters (summary.json)."""
    at = bands[bands["quarter"].isin(quarters)]
    cols = ["q05", "q25", "median", "q75", "q95"]
    return {q: {row.indicator: {c: float(getattr(row, c)) for c in cols} for row in rows.itertuples()} for q, rows in at.groupby("quarter")}


def plan_goals(values: dict[str, dict[str, float]], config: SimConfig) -> dict[str, Any]:
    """The 2017 plan's three steps: industry targets and capability (catch up 2020, lead 2030), each met or missed."""
    e = config.economy
    goals: dict[str, Any] = {}
    for quarter, target, capability_goal, aim in (
        ("2020Q4", e.target_2020, 1.0, "catch up with"),
        ("2025Q4", e.target_2025, None, None),
        ("2030Q4", e.target_2030, 1.0, "lead"),
    ):
        if quarter not in values:
            continue
        v = values[quarter]
        goal = {"ai_economy": v["ai_economy"], "target": target, "industry_target_met": v["ai_economy"] >= target}
        if capability_goal is not None:
            goal["capability_ratio"] = v["capability_ratio"]
            goal["capability_goal_met"] = v["capability_ratio"] >= capability_goal
            goal["capability_aim"] = aim
        goals[quarter] = goal
    return goals


def headline_table(values: dict[str, dict[str, float]], goals: dict[str, Any] | None = None) -> str:
    """The headline indicators at the milestones, each with its label and unit; then the 2017 plan's goals met or missed."""
    quarters = list(values)
    names = {name: label(name) for name in HEADLINE}
    width = max(map(len, names.values())) + 2
    units = {name: INDICATORS[name].unit for name in HEADLINE}
    unit_width = min(max(map(len, units.values())), 30) + 2
    lines = [f"{'indicator':<{width}}{'unit':<{unit_width}}" + "".join(f"{q:>10}" for q in quarters)]
    for name in HEADLINE:
        unit = units[name] if len(units[name]) <= 30 else units[name][:29] + "…"
        lines.append(f"{names[name]:<{width}}{unit:<{unit_width}}" + "".join(f"{values[q][name]:>10.3g}" for q in quarters))
    if goals:
        lines += ["", "the 2017 plan's goals (New Generation AI Development Plan):"]
        for quarter, goal in goals.items():
            met = "met" if goal["industry_target_met"] else "missed"
            line = f"  {quarter}: AI industry {goal['ai_economy']:,.0f} RMB bn/year against {goal['target']:,.0f}: {met}"
            if "capability_ratio" in goal:
                line += f"; capability {goal['capability_ratio']:.2f} of the rival's ({goal['capability_aim']}): "
                line += "met" if goal["capability_goal_met"] else "missed"
            lines.append(line)
    return "\n".join(lines)
