"""Figures. The house style is set here, once, for the package, notebooks and app."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import matplotlib

if "ipykernel" not in sys.modules:  # files only (no windows) from the CLI and the app; notebooks keep their inline figures
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from cycler import cycler  # noqa: E402

from sim.indicators import AUDIENCES, CONSEQUENCE_LEVELS, CONSEQUENCES, INDICATORS, MOBILIZATION, RISK  # noqa: E402
from sim.indicators import label as title  # noqa: E402
from sim.timeline import Event, Quarter  # noqa: E402

# Okabe & Ito's colour-blind-safe palette (https://jfly.uni-koeln.de/color/): blue, orange, green, pink, sky, vermillion,
# yellow, black; the figures' colour cycle and the app's
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STYLE = {
    "axes.prop_cycle": cycler(color=PALETTE),
    "figure.dpi": 110,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 9,
    "legend.fontsize": 8,
    "legend.frameon": False,
}


def quarter_axis(frame: pd.DataFrame) -> pd.Series:
    return frame["quarter"].map(lambda q: Quarter.parse(q).decimal)


def label_rows(positions: list[float], widths: list[float]) -> list[int]:
    """Rows for labels centred at ``positions`` (ascending) with ``widths`` (same unit), each label in the lowest row
    where it clears the row's last label: the figures' and the app's event numbers."""
    ends: list[float] = []
    rows = []
    for at, width in zip(positions, widths, strict=True):
        row = next((r for r, end in enumerate(ends) if at - width / 2 > end), len(ends))
        if row == len(ends):
            ends.append(0.0)
        ends[row] = at + width / 2
        rows.append(row)
    return rows


def event_labels(numbered: list[tuple[int, Event]]) -> list[tuple[Quarter, str]]:
    """One label per quarter with events, in date order: its event number, or the range "7-9" when several share it
    (the figures' and the app's event lines)."""
    by_quarter: dict[Quarter, list[int]] = {}
    for i, event in numbered:
        by_quarter.setdefault(event.quarter, []).append(i)
    return [(q, str(n[0]) if len(n) == 1 else f"{n[0]}-{n[-1]}") for q, n in sorted(by_quarter.items())]


def mark_events(ax: plt.Axes, events: list[Event], label: bool) -> None:
    """Dotted lines at event dates; on the top panel, numbered (events of one quarter share a label, "7-9") in as many
    rows above the axes as keep neighbouring labels apart, the numbers keyed in :func:`event_key`."""
    labels = event_labels(list(enumerate(events, start=1)))
    for quarter, _ in labels:
        ax.axvline(quarter.decimal, color="0.6", lw=0.6, ls=":")
    if not label or not labels:
        return
    lo, hi = ax.get_xlim()
    width_pt = ax.get_position().width * ax.figure.get_figwidth() * 72
    per_char = 6 * 0.62 * (hi - lo) / width_pt  # a digit's width at 6 pt, in years
    rows = label_rows([q.decimal for q, _ in labels], [(len(t) + 1) * per_char for _, t in labels])
    for (quarter, text), row in zip(labels, rows, strict=True):
        ax.annotate(text, (quarter.decimal, 1.0), xytext=(0, 2 + 7 * row), textcoords="offset points", xycoords=("data", "axes fraction"),
                    fontsize=6, color="0.3", ha="center", va="bottom", annotation_clip=False)  # fmt: skip
    ax.set_title(ax.get_title(loc="left"), loc="left", fontsize=10, pad=6 + 7 * (max(rows) + 1))


def event_key(events: list[Event]) -> str:
    return "   ".join(f"{i} {e.quarter} {e.name}" for i, e in enumerate(events, start=1))


def _panel(ax: plt.Axes, frame: pd.DataFrame, names: dict[str, str], title: str, bands: pd.DataFrame | None = None) -> None:
    for name, label in names.items():
        series = frame[frame["indicator"] == name]
        (line,) = ax.plot(quarter_axis(series), series["value"], label=label, lw=1.4, ls="--" if name == "securitization_rival" else "-")
        if bands is not None:
            band = bands[bands["indicator"] == name]
            x = quarter_axis(band)
            ax.fill_between(x, band["q05"], band["q95"], color=line.get_color(), alpha=0.10, lw=0)
            ax.fill_between(x, band["q25"], band["q75"], color=line.get_color(), alpha=0.22, lw=0)
    ax.set_ylim(-0.02, max(1.02, float(frame.loc[frame["indicator"].isin(names), "value"].max()) + 0.02))
    ax.set_ylabel("share / index (0-1)")
    ax.set_title(title, loc="left", fontsize=10)
    ax.legend(loc="upper left", ncol=2)


def mark_projection(ax: plt.Axes, events: list[Event], frame: pd.DataFrame, label: bool) -> None:
    """Shade the quarters after the last event: no history drives them, they are a projection."""
    if not events:
        return
    start = (max(e.quarter for e in events) + 1).decimal
    end = float(quarter_axis(frame).max())
    if start < end:
        ax.axvspan(start, end, color="0.93", zorder=0)
        if label:
            ax.text(
                start + 0.1,
                0.98,
                "projection (after the last event)",
                transform=ax.get_xaxis_transform(),
                fontsize=7,
                va="top",
                color="0.35",
            )


def overview(frame: pd.DataFrame, events: list[Event], path: Path, bands: pd.DataFrame | None = None) -> None:
    """Mobilization of each audience, and the five consequences, over time with the events marked; with ``bands``
    (the posterior predictive, :mod:`sim.predictive`) the 50 % and 90 % bands around the point run."""
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(4, 1, figsize=(10, 13), sharex=True, gridspec_kw={"height_ratios": [3, 3, 2, 2]})
        _panel(axes[0], frame, MOBILIZATION, "Securitization and mobilization of the audiences", bands)
        _panel(axes[1], frame, CONSEQUENCE_LEVELS, "The five unintended consequences", bands)
        econ = frame[frame["indicator"] == "ai_economy"]
        axes[2].plot(quarter_axis(econ), econ["value"], color="k", lw=1.4, label="AI industry (RMB bn/year)")
        if bands is not None:
            band = bands[bands["indicator"] == "ai_economy"]
            axes[2].fill_between(quarter_axis(band), band["q05"], band["q95"], color="k", alpha=0.10, lw=0)
            axes[2].fill_between(quarter_axis(band), band["q25"], band["q75"], color="k", alpha=0.22, lw=0)
        axes[2].set_ylabel("RMB bn / year")
        ratio_ax = axes[2].twinx()
        ratio = frame[frame["indicator"] == "capability_ratio"]
        ratio_ax.plot(quarter_axis(ratio), ratio["value"], color=PALETTE[5], lw=1.2, label="capability China / rival")
        ratio_ax.set_ylabel("capability ratio", color=PALETTE[5])
        axes[2].set_title("Intended goals: AI industry and capability relative to the rival", loc="left", fontsize=10)
        axes[2].legend(loc="upper left")
        ratio_ax.legend(loc="upper center")
        shares = {k: v for k, v in RISK.items() if k != "ai_incidents"}
        _panel(axes[3], frame, shares, "The 2023 turn: AI as a risk to govern, security spending, AI-enabled incidents", bands)
        axes[3].set_ylim(-0.02, 1.02)
        count_ax = axes[3].twinx()
        incidents = frame[frame["indicator"] == "ai_incidents"]
        count_ax.plot(quarter_axis(incidents), incidents["value"], color=PALETTE[5], lw=1.0, label=RISK["ai_incidents"])
        count_ax.set_ylabel("incidents per quarter", color=PALETTE[5])
        axes[3].legend(loc="upper left", ncol=1)
        count_ax.legend(loc="upper right")
        axes[3].set_xlabel("year")
        for i, ax in enumerate(axes):
            mark_events(ax, events, label=i == 0)
            mark_projection(ax, events, frame, label=i == 0)
        if bands is not None:
            n = int(bands["draws"].iloc[0])
            caption = f"lines: the run at the config's values; bands: 50 % and 90 % of {n} posterior draws"
            fig.suptitle(caption, fontsize=8, y=0.995, color="0.3")
        key = textwrap.fill("Events: " + event_key(events), 190) if events else ""
        line = 0.126 / fig.get_figheight()  # one line of the 6 pt key, as a share of the figure's height
        fig.tight_layout(rect=(0, line * (key.count("\n") + 1) + 0.3 / fig.get_figheight() if key else 0.02, 1, 0.985))  # room for the key
        if key:
            fig.text(0.01, 0.005, key, fontsize=6, color="0.3", va="bottom")
        fig.savefig(path)
        plt.close(fig)


# --- sweeps ---------------------------------------------------------------------------------------
SWEEP_PANELS = {**MOBILIZATION, **CONSEQUENCES, "capability_ratio": title("capability_ratio"), "ai_economy": title("ai_economy")}
ADOPTION = [f"adoption_{a}" for a in AUDIENCES]


# the swept parameters' names on figures (the conf/ comment beside each key has its full meaning and source)
PARAMETERS = {
    "central.strategy": "centre's strategy",
    "central.involvement": "state involvement gain",
    "central.outreach": "outreach (share of AI budget)",
    "central.w_rival": "centre's weight on the rival",
    "firms.salary_premium": "salary premium (x wage abroad)",
    "rival.export_controls.strength": "export-control strength (0-1)",
    "rival.mirror": "rival's mirroring (per quarter)",
    "rival.sanctions.severity": "sanction severity (0-1)",
    "rival.sanctions.start": "first sanction shock (quarter)",
    "central.threshold": "centre's framing threshold",
    "rival.restraint": "rival's restraint (per quarter)",
    "agents.public.n": "citizens (agents)",
    "central.risk_weight": "centre's weight on risk governance",
    "firms.security_incidents": "firms' defensive response to incidents",
    "seed": "seed",
}


def parameter(key: str) -> str:
    """A swept parameter's name for a figure: a readable name where one is set, else the key's last part in words."""
    return PARAMETERS.get(key, key.rsplit(".", 1)[-1].replace("_", " "))


def _levels(values: pd.Series) -> list:
    """Sweep levels in order: numbers ascending; categories in the order they first appear."""
    unique = list(dict.fromkeys(values))
    return sorted(unique) if all(isinstance(v, (int, float)) for v in unique) else unique


def _band_panel(ax: plt.Axes, summary: pd.DataFrame, indicator: str, x_key: str, line_key: str | None) -> None:
    data = summary[summary["indicator"] == indicator]
    xs = _levels(data[x_key])
    positions = {v: i for i, v in enumerate(xs)}
    groups = [(None, data)] if line_key is None else [(lv, data[data[line_key] == lv]) for lv in _levels(data[line_key])]
    for level, group in groups:
        group = group.sort_values(x_key, key=lambda s: s.map(positions))
        x = group[x_key].map(positions)
        label = None if level is None else f"{parameter(line_key)} = {level}"
        (line,) = ax.plot(x, group["mean"], marker="o", ms=3, lw=1.2, label=label)
        ax.fill_between(x, group["ci_low"], group["ci_high"], color=line.get_color(), alpha=0.2)
    ax.set_xticks(range(len(xs)), [str(v) for v in xs], rotation=30 if not isinstance(xs[0], (int, float)) else 0)
    ax.set_title(textwrap.fill(SWEEP_PANELS.get(indicator, indicator), 34), fontsize=8, loc="left")
    ax.set_xlabel(parameter(x_key), fontsize=7)
    ax.set_ylabel(INDICATORS[indicator].unit if indicator in INDICATORS else "", fontsize=7)


def sweep_figures(summary: pd.DataFrame, keys: list[str], out: Path) -> list[Path]:
    """Indicators against the swept parameters with 95% bands, heatmaps for 2-D sweeps, and the trade-off."""
    quarter = summary["quarter"].iloc[0]
    x_key, line_key = keys[0], (keys[1] if len(keys) > 1 else None)
    panels = [name for name in SWEEP_PANELS if name in set(summary["indicator"])]
    written = []
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(3, 5, figsize=(15, 8.5))
        for ax, indicator in zip(axes.flat, panels, strict=False):
            _band_panel(ax, summary, indicator, x_key, line_key)
        for ax in list(axes.flat)[len(panels) :]:
            ax.remove()
        handles, labels = axes.flat[0].get_legend_handles_labels()
        if handles:
            fig.legend(handles, labels, loc="lower right", ncol=1, fontsize=8)
        n = int(summary["n"].min())
        fig.suptitle(f"Indicators at {quarter}: mean and 95% confidence band (t, within bounds) across n = {n} replications", fontsize=11)
        fig.tight_layout(rect=(0, 0, 1, 0.96))
        fig.savefig(out / "indicators.png")
        plt.close(fig)
        written.append(out / "indicators.png")
        present = set(summary["indicator"])
        if line_key is not None:
            written.append(_heatmaps(summary, x_key, line_key, quarter, out / "heatmaps.png"))
        if present >= {*ADOPTION, *CONSEQUENCES}:
            written.append(_tradeoff(summary, keys, quarter, out / "tradeoff.png"))
    return written


def _heatmaps(summary: pd.DataFrame, x_key: str, y_key: str, quarter: str, path: Path) -> Path:
    names = [n for n in ["securitization_central", "adoption_public", *CONSEQUENCES] if n in set(summary["indicator"])]
    fig, axes = plt.subplots(2, 4, figsize=(15, 7))
    for ax, indicator in zip(axes.flat, names, strict=False):
        data = summary[summary["indicator"] == indicator]
        grid = data.pivot_table(index=y_key, columns=x_key, values="mean", sort=False)
        grid = grid.loc[_levels(data[y_key]), _levels(data[x_key])]
        image = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
        ax.set_xticks(range(grid.shape[1]), [str(v) for v in grid.columns], fontsize=7, rotation=30)
        ax.set_yticks(range(grid.shape[0]), [str(v) for v in grid.index], fontsize=7)
        ax.set_xlabel(parameter(x_key), fontsize=7)
        ax.set_ylabel(parameter(y_key), fontsize=7)
        ax.set_title(textwrap.fill(SWEEP_PANELS.get(indicator, indicator), 40), fontsize=8, loc="left")
        ax.grid(False)
        fig.colorbar(image, ax=ax, shrink=0.8)
    for ax in list(axes.flat)[len(names) :]:
        ax.remove()
    fig.suptitle(f"Mean at {quarter} over the sweep grid (n = {int(summary['n'].min())} replications a cell)", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(path)
    plt.close(fig)
    return path


def _tradeoff(summary: pd.DataFrame, keys: list[str], quarter: str, path: Path) -> Path:
    """Mobilization (mean adoption of the four audiences) against each consequence, one point per sweep point."""
    points = summary[summary["indicator"].isin(ADOPTION)].groupby(keys, sort=False)["mean"].mean().rename("mobilization")
    fig, axes = plt.subplots(1, 5, figsize=(16, 3.8), sharex=True)
    colour_key = keys[0]
    levels = _levels(summary[colour_key])
    cmap = plt.get_cmap("viridis", max(len(levels), 2))
    for ax, indicator in zip(axes, CONSEQUENCES, strict=True):
        data = summary[summary["indicator"] == indicator].set_index(keys).join(points)
        for i, level in enumerate(levels):
            sel = data[data.index.get_level_values(colour_key) == level] if len(keys) > 1 else data.loc[[level]]
            ax.errorbar(
                sel["mobilization"], sel["mean"], yerr=[sel["mean"] - sel["ci_low"], sel["ci_high"] - sel["mean"]],
                fmt="o", ms=4, color=cmap(i), label=f"{parameter(colour_key)} = {level}", elinewidth=0.8,
            )  # fmt: skip
        ax.set_title(textwrap.fill(CONSEQUENCES[indicator], 34), fontsize=8, loc="left")
        ax.set_xlabel("mobilization (mean adoption)")
        ax.set_ylabel(textwrap.fill(INDICATORS[indicator].unit, 24), fontsize=7)
    axes[-1].legend(fontsize=6, loc="best")
    n = int(summary["n"].min())
    fig.suptitle(f"Trade-off at {quarter}: mobilization against the five consequences (95% intervals, n = {n})", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    fig.savefig(path)
    plt.close(fig)
    return path


def attribution_figure(table: pd.DataFrame, path: Path) -> Path:
    """Securitization's paired contribution to each audience's mobilization and to each consequence."""
    names = {k: v for k, v in {**{k: MOBILIZATION[k] for k in ADOPTION}, **CONSEQUENCES}.items() if k in set(table["indicator"])}
    data = table.set_index("indicator").loc[list(names)]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 4.5))
        y = range(len(data))
        colours = [PALETTE[0] if k in ADOPTION else PALETTE[5] for k in data.index]
        ax.barh(
            y,
            data["difference"],
            xerr=[data["difference"] - data["ci_low"], data["ci_high"] - data["difference"]],
            color=colours,
            alpha=0.8,
        )
        ax.set_yticks(list(y), [names[k] for k in data.index])
        ax.axvline(0, color="k", lw=0.8)
        ax.invert_yaxis()
        ax.set_xlabel(f"historical minus never-securitizing centre at {data['quarter'].iloc[0]} (95% CI, paired)")
        ax.set_title("What securitization adds: mobilization (blue), consequences (vermillion)", fontsize=9, loc="left")
        fig.tight_layout()
        fig.savefig(path)
        plt.close(fig)
    return path


def use_style() -> None:
    """Apply the house style to every later figure (notebooks call this once)."""
    plt.rcParams.update(STYLE)
