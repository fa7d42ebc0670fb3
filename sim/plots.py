"""Figures. The house style is set here, once, for the package, notebooks and app."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from sim.timeline import Event, Quarter  # noqa: E402

STYLE = {
    "figure.dpi": 110,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 9,
    "legend.fontsize": 8,
    "legend.frameon": False,
}

MOBILIZATION = {
    "securitization_central": "centre's securitization",
    "securitization_rival": "rival's securitization",
    "adoption_local": "provinces",
    "adoption_firms": "firms",
    "adoption_intellectuals": "intellectuals",
    "adoption_public": "public",
}
CONSEQUENCES = {
    "talent_capital": "(a) foreign talent & capital in China",
    "efficiency": "(b) input efficiency",
    "governance": "(c) countries endorsing China-led governance",
    "rivalry": "(d) joint securitization (rivalry)",
    "global_access": "(e) firms' global access",
}


def quarter_axis(frame: pd.DataFrame) -> pd.Series:
    return frame["quarter"].map(lambda q: Quarter.parse(q).decimal)


def mark_events(ax: plt.Axes, events: list[Event], label: bool) -> None:
    """Dotted lines at event dates; numbered on the top panel, the numbers keyed in :func:`event_key`."""
    for i, event in enumerate(events, start=1):
        ax.axvline(event.quarter.decimal, color="0.6", lw=0.6, ls=":")
        if label:
            ax.text(
                event.quarter.decimal,
                1.01 + 0.04 * (i % 2),
                str(i),
                fontsize=6,
                color="0.3",
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                clip_on=False,
            )


def event_key(events: list[Event]) -> str:
    return "   ".join(f"{i} {e.quarter} {e.name}" for i, e in enumerate(events, start=1))


def _panel(ax: plt.Axes, frame: pd.DataFrame, names: dict[str, str], title: str) -> None:
    for name, label in names.items():
        series = frame[frame["indicator"] == name]
        ax.plot(quarter_axis(series), series["value"], label=label, lw=1.4, ls="--" if name == "securitization_rival" else "-")
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("share / index (0-1)")
    ax.set_title(title, loc="left", fontsize=10)
    ax.legend(loc="upper left", ncol=2)


def overview(frame: pd.DataFrame, events: list[Event], path: Path) -> None:
    """Mobilization of each audience, and the five consequences, over time with the events marked."""
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(3, 1, figsize=(10, 10.5), sharex=True, gridspec_kw={"height_ratios": [3, 3, 2]})
        _panel(axes[0], frame, MOBILIZATION, "Securitization and mobilization of the audiences")
        _panel(axes[1], frame, CONSEQUENCES, "The five unintended consequences")
        econ = frame[frame["indicator"] == "ai_economy"]
        axes[2].plot(quarter_axis(econ), econ["value"], color="k", lw=1.4, label="AI industry (RMB bn/year)")
        axes[2].set_ylabel("RMB bn / year")
        ratio_ax = axes[2].twinx()
        ratio = frame[frame["indicator"] == "capability_ratio"]
        ratio_ax.plot(quarter_axis(ratio), ratio["value"], color="tab:red", lw=1.2, label="capability China / rival")
        ratio_ax.set_ylabel("capability ratio", color="tab:red")
        axes[2].set_title("Intended goals: AI industry and capability relative to the rival", loc="left", fontsize=10)
        axes[2].legend(loc="upper left")
        ratio_ax.legend(loc="upper center")
        axes[2].set_xlabel("year")
        for i, ax in enumerate(axes):
            mark_events(ax, events, label=i == 0)
        fig.tight_layout(rect=(0, 0.06, 1, 1))
        if events:
            fig.text(0.01, 0.005, textwrap.fill("Events: " + event_key(events), 190), fontsize=6, color="0.3", va="bottom")
        fig.savefig(path)
        plt.close(fig)
