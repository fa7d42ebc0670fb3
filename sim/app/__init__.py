"""Teaching demo: the securitization model in the browser (Solara), one model per visitor.

Start it (after ``pip install -e '.[app]'``), from any directory, bound to this machine only::

    python -m sim.app            # serves http://127.0.0.1:8765 (sim.app.server; --host/--port to change)

``--host 127.0.0.1`` keeps it on this machine; pass ``--host 0.0.0.0`` only to serve a classroom network on purpose.
The page asks for nothing outside the machine: every front-end asset comes from the ``solara-assets`` package
(ECharts 5.4.0 among them), so the demo works offline. :mod:`sim.app.server` is Solara's own server (its routes and
lifespan in a Starlette app, as Solara's self-hosting guide describes) with the static assets compressed once rather
than on every request. ``solara run sim.app --production`` serves the same page, slower. docs/teaching.md has the class
plan.

The page explains itself (the About tab: the question, the actors, the controls, the consequences,
things to try, how to cite; a tooltip on every control). Charts are ECharts options drawn by the
browser, so a step sends a few kilobytes of numbers instead of re-rendering server-side images; each
time chart numbers the events so far (keyed below it) and marks the current quarter. "Keep this run"
draws the current run as dotted lines beside the next; "Download CSV" saves the run's series.
:func:`Controller` gives Reset, play and Step, as Mesa's ``ModelController`` does (Mesa's visualization package is not
imported: it brings matplotlib, Altair and SciPy, 2.7 s of the server's start, for one row of buttons).
"""

from __future__ import annotations

import copy
import html
import math
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import markdown
import numpy as np
import pandas as pd
import solara
import solara.lab
from solara.components.echarts import EchartsWidget

from sim.config import SimConfig, Strategy, config_value, load_config
from sim.indicators import CONSEQUENCE_LEVELS, INDICATORS, MOBILIZATION
from sim.model import SecuritizationModel
from sim.plots import PALETTE, event_labels, label_rows, parameter
from sim.run import stream_seed

# Hydra's compose API keeps one global state: two visitors pressing Reset at once must not overlap.
_CONFIG_LOCK = threading.Lock()
_DEFAULT = load_config()

READOUT = ("capability_ratio", "ai_economy", "domestic_input_share", "global_access", "talent_capital_stock", "adoption_public")
TITLE = "Securitization of AI in China: teaching demo"
CLASS_PUBLIC = 2000  # citizens: small, so a step is quick (shares do not depend on the count: tests/test_model.py)
CLASS_SEED = 0
PUBLIC_SAMPLE = 120  # consecutive citizens on the small-world ring drawn in the network view
QUARTERS_PER_DIGIT = 1.0  # a 9 px digit on a time chart about 600 px wide for 88 quarters, in quarters
PLAY_MS = 101  # pause between quarters while playing [ms]


@dataclass(frozen=True)
class Control:
    """One control of the page: the config key it sets, what it means, its range and grid; its label is the parameter's
    name on figures (:data:`sim.plots.PARAMETERS`)."""

    name: str  # the keyword of ClassroomModel and of overrides()
    key: str  # the config key it sets
    help: str
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.05
    kind: str = "float"  # float | int | select

    @property
    def label(self) -> str:
        text = parameter(self.key)
        return text[0].upper() + text[1:]

    @property
    def short(self) -> str:
        """The name without its unit, for the status line."""
        return parameter(self.key).split(" (")[0]

    @property
    def default(self) -> float | int | str:
        return CLASS_DEFAULTS.get(self.key, config_value(_DEFAULT, self.key))

    @property
    def range(self) -> str:
        return ", ".join(s.value for s in Strategy) if self.kind == "select" else f"{self.lo:g}-{self.hi:,g}"

    @property
    def tooltip(self) -> str:
        default = self.default if self.kind == "select" else f"{self.default:,g}"
        return f"{self.help} Range: {self.range}; default {default}."

    def show(self, value: object) -> str:
        return f"{value:,}" if self.kind == "int" else str(value)

    def value(self, raw: object) -> float | int | str:
        """A control's value as the config takes it (slider floats rounded, so 0.15000000000000002 reads 0.15)."""
        if self.kind == "select":
            return Strategy(str(raw)).value
        return int(raw) if self.kind == "int" else round(float(raw), 6)


CLASS_DEFAULTS = {"agents.public.n": CLASS_PUBLIC, "seed": CLASS_SEED}  # where the app departs from the command line

CONTROLS = [
    Control(
        "strategy", "central.strategy", "How the central state frames AI. historical: it decides each quarter from the threat "
        f"it perceives (the model's default); none: it never frames AI as a security matter; restrained: it desires "
        f"{_DEFAULT.central.restrained_gain:.0%} of the historical framing; maximal: it frames AI as fully a security matter; "
        "adaptive: it gives framing up as it sees the consequences' costs.", kind="select",
    ),
    Control(
        "severity", "rival.sanctions.severity", "How hard the rival's listings bite: the share of a listed firm's foreign sales "
        "and inputs lost (0: no sanctions).",
    ),
    Control(
        "mirror", "rival.mirror", "How strongly the rival state's securitization of China's AI responds to China's own: the "
        "securitization it adds each quarter per unit of China's (calibrated).", 0.0, 0.2, 0.01,
    ),
    Control(
        "outreach", "central.outreach", "The share of the centre's AI budget spent on courting third countries for its "
        "governance initiatives (capacity building, public goods).", 0.0, 0.5,
    ),
    Control(
        "salary_premium", "firms.salary_premium", "Extra pay Chinese firms offer mobile AI talent, as a share of the wage "
        "abroad (0.3 = 30 % more).", 0.0, 1.5,
    ),
    Control(
        "public_n", "agents.public.n", "How many citizens represent the public on its social network. Shares do not depend "
        f"on it; more citizens make each quarter slower. The command line uses {_DEFAULT.agents.public.n:,}.", 500, 20000, 500,
        kind="int",
    ),
    Control(
        "seed", "seed", "The random seed: the same settings and seed always give the same run; another seed, another draw of "
        f"the model's randomness. The command line uses {_DEFAULT.seed}.", 0, 99, 1, kind="int",
    ),
]  # fmt: skip
BY_NAME = {c.name: c for c in CONTROLS}


def overrides(**values: object) -> list[str]:
    """The Hydra overrides for the app's controls, each at the given value or its default."""
    unknown = set(values) - set(BY_NAME)
    if unknown:
        raise TypeError(f"no such control: {', '.join(sorted(unknown))}")
    return [f"{c.key}={c.value(values.get(c.name, c.default))}" for c in CONTROLS]


_CONFIGS: dict[tuple[str, ...], SimConfig] = {}  # composed settings, oldest first
MAX_CONFIGS = 256


def composed(key: tuple[str, ...]) -> SimConfig:
    """The config for the controls' overrides, composed once per distinct setting (Hydra's compose and the checks take
    about a second; a class presses Reset on the same few settings), a copy for each model."""
    with _CONFIG_LOCK:  # a setting asked for while it is being composed waits for it rather than composing it again
        if key not in _CONFIGS:
            if len(_CONFIGS) >= MAX_CONFIGS:
                del _CONFIGS[next(iter(_CONFIGS))]
            _CONFIGS[key] = load_config(list(key))
        return copy.deepcopy(_CONFIGS[key])


# the default setting, composed beside the server's start rather than on the first visit or before the server answers
threading.Thread(target=composed, args=(tuple(overrides()),), name="compose-default", daemon=True).start()


class ClassroomModel(SecuritizationModel):
    """The model built from the app's controls (:data:`CONTROLS`, keyword arguments by name), seeded exactly as
    :func:`sim.run.build_model` seeds a run. It stops (``running = False``) at ``time.end``; steps asked for after it
    do nothing."""

    def __init__(self, **values: object) -> None:
        config = composed(tuple(overrides(**values)))
        # the same generator as sim.run.build_model(config): the app's run is the CLI's run
        super().__init__(config, rng=np.random.default_rng(stream_seed(config.seed, config.replication)))

    def step(self) -> None:
        if self.steps > self.n_steps:  # Mesa counts a step before it calls this one: a step after the end is none
            self.steps = self.n_steps
            return
        super().step()
        if self.steps >= self.n_steps:
            self.running = False


@dataclass(frozen=True, eq=False)  # compared by identity: a kept run is a new object
class Kept:
    """A run kept for comparison: its settings in words and its series."""

    label: str
    frame: pd.DataFrame


# --- what the page shows ----------------------------------------------------------------------
def clock(model: SecuritizationModel) -> str:
    """The simulated quarter, in place of a step counter."""
    if model.steps == 0:
        return f"Start of {model.start} · quarter 0 of {model.n_steps}"
    return f"End of {model.quarter} · quarter {model.steps} of {model.n_steps}"


def settings_text(model: SecuritizationModel) -> str:
    return " · ".join(f"{c.short} {c.show(config_value(model.config, c.key))}" for c in CONTROLS)


def cli_differences(model: SecuritizationModel) -> str:
    """What separates this run from ``python -m sim`` on its defaults, said plainly."""
    parts = []
    for c in CONTROLS:
        value, cli = config_value(model.config, c.key), config_value(_DEFAULT, c.key)
        if value != cli:
            parts.append(f"{c.short} {c.show(value)} (the command line: {c.show(cli)})")
    parts.append(
        f"the command line also draws {_DEFAULT.predictive.draws} runs from the calibration's posterior for bands; this is one run"
    )
    return "Differs from `python -m sim`: " + "; ".join(parts) + ". Shares do not depend on the number of citizens."


def status_markdown(model: SecuritizationModel) -> str:
    """The current quarter, the settings of this run and the events so far, numbered as on the charts (newest first)."""
    lines = [f"### {clock(model)}", ""]
    if model.steps == 0:
        lines += ["Press **Step** or ▶ to simulate the first quarter.", ""]
    lines += [settings_text(model) + "  \n*(a changed control applies on Reset)*", "", f"*{cli_differences(model)}*", ""]
    if model.steps:
        now = {name: INDICATORS[name].measure(model) for name in READOUT}
        lines += [
            f"**Now:** capability China/rival {now['capability_ratio']:.2f} · AI industry {now['ai_economy']:,.0f} RMB bn/year · "
            f"domestic inputs {now['domestic_input_share']:.0%} · firms' global access {now['global_access']:.2f} · "
            f"foreign talent & capital in China {now['talent_capital_stock']:.1%} · public echoing {now['adoption_public']:.0%}",
            "",
        ]
    happened = events_so_far(model)
    if happened:
        lines += [f"**Events so far ({len(happened)} of {len(model.timeline.events)}), numbered as on the charts:**", ""]
        lines += [f"- **{i}** {e.quarter} {html.escape(e.name, quote=False)}" for i, e in reversed(happened)]
    else:
        first = model.timeline.events[0] if model.timeline.events else None
        lines.append(f"No events yet; the first is {html.escape(first.name, quote=False)} in {first.quarter}." if first else "No events.")
    return "\n".join(lines)


def events_so_far(model: SecuritizationModel) -> list[tuple[int, object]]:
    """(number, event) for the events up to the current quarter; numbers count from 1 over the whole timeline."""
    if model.steps == 0:
        return []
    return [(i, e) for i, e in enumerate(model.timeline.events, start=1) if e.quarter <= model.quarter]


_FRAMES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> (steps, its series): built once a quarter


def series_so_far(model: SecuritizationModel) -> pd.DataFrame:
    """The run's series so far (quarter x indicator), built once per quarter however many charts read it."""
    steps, frame = _FRAMES.get(model, (-1, None))
    if steps != model.steps:
        frame = model.datacollector.get_model_vars_dataframe()
        _FRAMES[model] = (model.steps, frame)
    return frame


def _series(frame: pd.DataFrame, name: str) -> list[float | None]:
    """One indicator's values by quarter from the start (the chart's category axis holds the quarters)."""
    values = frame[name].to_numpy(dtype=float) if name in frame else np.array([])
    return [round(float(v), 4) if math.isfinite(v) else None for v in values]


def _quarters(model: SecuritizationModel) -> list[str]:
    return [str(model.start + i) for i in range(model.n_steps)]


def _marks(model: SecuritizationModel) -> tuple[dict, int]:
    """Numbered dotted lines at the events so far (events of one quarter share a line, "7-9"), their numbers in as many
    rows above the plot as keep neighbours apart (returned with the option), and a line at the current quarter."""
    labels = event_labels(events_so_far(model))
    rows = label_rows([q.index for q, _ in labels], [(len(t) + 1) * QUARTERS_PER_DIGIT for _, t in labels])
    data = [
        {"xAxis": str(quarter), "lineStyle": {"color": "#888", "type": "dotted", "width": 1},
         "label": {"formatter": text, "fontSize": 9, "distance": 3 + 11 * row}}
        for (quarter, text), row in zip(labels, rows, strict=True)
    ]  # fmt: skip
    if model.steps:
        data.append(
            {"xAxis": str(model.quarter), "lineStyle": {"color": "#000", "type": "solid", "width": 1.5},
             "label": {"formatter": str(model.quarter), "position": "insideEndTop", "fontSize": 10}}
        )  # fmt: skip
    return {"symbol": "none", "silent": True, "animation": False, "data": data}, max(rows, default=-1) + 1


def time_option(model: SecuritizationModel, names: dict[str, str], title: str, y_name: str, kept: Kept | None = None) -> dict:
    """An ECharts line chart of indicators over the whole period, drawn up to the current quarter (a kept run dotted)."""
    frame = series_so_far(model)
    series = []
    for k, (name, text) in enumerate(names.items()):
        colour = PALETTE[k % len(PALETTE)]
        style = {"width": 2, "type": "dashed" if name == "securitization_rival" else "solid"}
        series.append({"type": "line", "name": text, "data": _series(frame, name), "showSymbol": False, "color": colour,
                       "lineStyle": style, "animation": False})  # fmt: skip
        if kept is not None:
            series.append({"type": "line", "name": f"{text} (kept)", "data": _series(kept.frame, name),
                           "showSymbol": False, "color": colour, "lineStyle": {"width": 1.5, "type": "dotted", "opacity": 0.7},
                           "animation": False, "silent": True})  # fmt: skip
    series[0]["markLine"], rows = _marks(model)
    values = [v for s in series for v in s["data"] if v is not None]
    top = max(1.0, max(values, default=0.0))
    subtitle = "dotted: the kept run (settings in the Run card)" if kept is not None else ""
    legend = sum(len(text) + 6 for text in names.values())  # characters, with the legend's symbols
    return {
        "animation": False,
        "color": PALETTE,
        "title": {"text": title, "subtext": subtitle, "left": 0, "textStyle": {"fontSize": 13}, "subtextStyle": {"fontSize": 10}},
        "tooltip": {"trigger": "axis"},
        "legend": {"data": list(names.values()), "bottom": 0, "textStyle": {"fontSize": 11}, "itemGap": 6},
        # room below for the legend's lines (about 80 characters a line) and the axis name; above for the event numbers
        "grid": {"left": 48, "right": 16, "top": (54 if kept else 40) + 11 * rows, "bottom": 44 + 20 * math.ceil(legend / 80)},
        "xAxis": {"type": "category", "data": _quarters(model), "boundaryGap": False, "name": "quarter", "nameLocation": "middle",
                  "nameGap": 24, "axisLabel": {"interval": 19}, "axisTick": {"interval": 19}},
        "yAxis": {"type": "value", "min": 0, "max": math.ceil(top * 10) / 10, "name": y_name, "nameLocation": "middle", "nameGap": 34},
        "series": series,
    }  # fmt: skip


def goals_option(model: SecuritizationModel, kept: Kept | None = None) -> dict:
    """The intended goals: capability relative to the rival and self-reliance (left), the AI industry (right axis)."""
    option = time_option(
        model, {"capability_ratio": "capability China / rival", "domestic_input_share": "domestic share of AI inputs"},
        "Intended goals: catching up, self-reliance, the AI industry", "ratio / share", kept,
    )  # fmt: skip
    frame = series_so_far(model)
    industry = {"type": "line", "name": "AI industry (RMB bn/year, right)", "yAxisIndex": 1, "data": _series(frame, "ai_economy"),
                "showSymbol": False, "color": "#000000", "lineStyle": {"width": 1.5, "type": "dashed"}, "animation": False}  # fmt: skip
    option["series"].append(industry)
    if kept is not None:
        old = _series(kept.frame, "ai_economy")
        option["series"].append({**industry, "name": "AI industry (kept)", "data": old, "silent": True,
                                 "lineStyle": {"width": 1.2, "type": "dotted", "opacity": 0.7}})  # fmt: skip
    option["legend"]["data"].append(industry["name"])
    top = max([v for s in option["series"] if s.get("yAxisIndex") for v in s["data"] if v is not None] or [600.0])
    right = {"type": "value", "min": 0, "max": float(max(600, math.ceil(top * 1.1 / 100) * 100)), "name": "RMB bn / year",
             "nameLocation": "middle", "nameGap": 44, "splitLine": {"show": False}}  # fmt: skip
    option["yAxis"] = [option["yAxis"], right]
    option["grid"]["right"] = 60
    return option


def provinces_option(model: SecuritizationModel) -> dict:
    """The 31 provinces as tiles: colour = belief in the security framing, black frame = echoes it, number = AI policies."""
    provinces, cols = model.local, 8
    data = [
        {"value": [i % cols, -(i // cols), round(float(provinces.belief[i]), 3)],
         "label": {"show": True, "formatter": str(int(provinces.policies[i]))},
         "itemStyle": {"borderColor": "#000" if provinces.adopted[i] else "#bbb", "borderWidth": 2.5 if provinces.adopted[i] else 0.6}}
        for i in range(provinces.n)
    ]  # fmt: skip
    return {
        "animation": False,
        "title": {"text": f"Provinces: {int(provinces.adopted.sum())} of {provinces.n} echo the campaign", "left": 0,
                  "subtext": "colour = belief (0-1), black frame = echoes, number = AI policies", "textStyle": {"fontSize": 13}},
        "tooltip": {"formatter": "belief {c}"},
        "grid": {"left": 8, "right": 8, "top": 56, "bottom": 48},
        "xAxis": {"type": "value", "show": False, "min": -0.6, "max": cols - 0.4},
        "yAxis": {"type": "value", "show": False, "min": -math.ceil(provinces.n / cols) + 0.4, "max": 0.6},
        "visualMap": {"min": 0, "max": 1, "dimension": 2, "orient": "horizontal", "left": "center", "bottom": 0, "itemHeight": 120,
                      "text": ["belief 1", "0"], "inRange": {"color": ["#f7f7f7", "#fdb863", "#e66101"]}, "calculable": False},
        "series": [{"type": "scatter", "symbol": "rect", "symbolSize": 30, "data": data, "animation": False}],
    }  # fmt: skip


def network_option(model: SecuritizationModel) -> dict:
    """A slice of the public's small-world network: consecutive citizens on the ring, red where they echo the campaign."""
    public = model.public
    n = min(PUBLIC_SAMPLE, public.n)
    angle = 2 * np.pi * np.arange(n) / n
    adopted = public.adopted[:n].astype(bool)
    sub = public.network[:n, :n].tocoo()
    nodes = [{"name": str(i), "x": round(float(np.cos(a)) * 100, 1), "y": round(float(np.sin(a)) * 100, 1), "category": int(adopted[i])}
             for i, a in enumerate(angle)]  # fmt: skip
    links = [{"source": i, "target": j} for i, j in zip(sub.row.tolist(), sub.col.tolist(), strict=True) if i < j]  # node indices
    return {
        "animation": False,
        "title": {"text": f"Public: {100 * float(public.adopted.mean()):.0f}% echo", "subtext": f"{n} neighbours on the network", "left": 0,
                  "textStyle": {"fontSize": 13}},
        "legend": {"data": ["does not echo", "echoes"], "bottom": 0},
        "series": [{"type": "graph", "layout": "none", "symbolSize": 7, "nodes": nodes, "links": links, "animation": False,
                    "categories": [{"name": "does not echo", "itemStyle": {"color": "#999"}},
                                   {"name": "echoes", "itemStyle": {"color": "#D55E00"}}],
                    "lineStyle": {"color": "#ccc", "width": 0.5}, "top": 56, "bottom": 40}],
    }  # fmt: skip


def run_csv(model: SecuritizationModel) -> str:
    """The run's series so far, one row per quarter and one column per indicator, the settings as columns (config keys)."""
    frame = series_so_far(model).copy()
    frame.insert(0, "quarter", [str(model.start + i) for i in range(len(frame))])
    for c in CONTROLS:
        frame[c.key] = config_value(model.config, c.key)
    return frame.to_csv(index=False)


def csv_name(model: SecuritizationModel) -> str:
    settings = "_".join(f"{c.name}{config_value(model.config, c.key)}" for c in CONTROLS if c.key not in CLASS_DEFAULTS)
    return f"sim_{settings}_seed{model.config.seed}_to{model.quarter if model.steps else model.start}.csv"


ABOUT = f"""
## What is this?

A simulation of one argument: Jinghan Zeng, "Securitization of Artificial Intelligence in China", *The Chinese
Journal of International Politics* 14:3 (2021), 417-445. Zeng asks how and why China's leadership framed artificial
intelligence as a matter of national security from 2017 on ("securitized" it, in the Copenhagen School's term), whom that
framing mobilized, and what it cost. The article's answer: the framing mobilized provinces, firms, scholars and the
public behind the state's AI plans, but it had five unintended consequences. This model lets you try that argument:
every line on the charts comes out of the decisions of simulated actors, quarter by quarter, 2009 to 2030.

## How the model works

- **The central state** watches the threat it perceives (the rival's moves, falling behind in capability) and, past a
  threshold, frames AI as a security matter: speeches and plans (securitizing moves), money for AI, directives. Since
  2023 its framing mixes AI as an asset in a race with AI as a risk to be governed (safety, data and cyber security),
  more so the more AI-enabled incidents its early-warning system sees; part of its budget then goes to security.
  Provinces and firms weigh that risk framing as a market (where they host or sell security) or as a compliance cost,
  and scholars turn their research toward it.
- **{_DEFAULT.agents.local.n} provinces** decide whether to echo the campaign: they weigh the centre's pressure against
  their economic gain and their neighbours' choices.
- **{_DEFAULT.agents.firms.n:,} firms** echo it when state money, directives and the risk of being cut off outweigh what
  openness earns them; they also choose how much of their inputs to buy at home (self-reliance) and how close to get
  to the state, and how much of their AI/IT spending goes to (cyber) security.
- **{_DEFAULT.agents.intellectuals.n:,} intellectuals** echo it or not, and keep or drop their foreign co-authors.
- **The public** ({CLASS_PUBLIC:,} citizens by default here, {_DEFAULT.agents.public.n:,} on the command line), on a
  social network: each echoes the campaign when enough of its neighbours and the media do.
- **The rival state** (the United States) mirrors China's securitization (less when China frames AI as a risk to
  govern; hacking attributed to China raises it), lists Chinese firms, imposes export controls and tariffs, and
  restricts visas; the historical events from 2009 to 2025 (numbered on the charts) are taken from the
  record, the years after the last one are a projection.
- **{_DEFAULT.agents.third.n} third countries** decide whether to back China's governance initiatives, the rival's, or both.
- **Mobile talent and foreign capital** choose where to work and invest.
- **AI-enabled cyber incidents** hit firms more often as AI spreads and less often where they spend on security; they
  cost firms revenue and citizens their trust in data use.

## The controls

| control | meaning | range |
|---|---|---|
{chr(10).join(f"| {c.label} | {c.help} | {c.range} |" for c in CONTROLS)}

A changed control applies when you press **Reset**. **Step** advances one quarter; ▶ plays to 2030Q4.

## The five unintended consequences (Zeng's section 6)

- **(a) Talent and capital**: a nationalistic security climate makes China less attractive to foreign talent and
  capital (chart: the stock of foreign talent and capital in China).
- **(b) Efficiency**: pushing self-reliance makes the AI industry less efficient than buying the best inputs abroad
  (input efficiency, 1 = the open economy of 2009).
- **(c) Governance**: a security framing makes it harder to lead global AI governance (share of third countries
  backing China's initiatives).
- **(d) Rivalry**: securitization on one side feeds it on the other, and cooperation is neglected (joint securitization).
- **(e) Global access**: state involvement in firms constrains their access to foreign markets and inputs.

In the model none of these is built in: each can go either way, depending on how the actors respond.

## Things to try

1. Set the centre's strategy to *none* and Reset. Which audiences still echo the campaign by 2030, and why?
2. Which consequence changes most between *historical* and *none*? Keep the first run (Keep this run) to compare.
3. Is there a sanction severity at which self-reliance pays off (higher efficiency *and* a larger AI industry)?
4. Can outreach alone win third countries' backing while the centre securitizes?
5. How fast must the rival mirror China for the rivalry to look like a spiral?
6. Change only the seed. How much of what you saw is chance?

## How to cite

Cite the article (Zeng 2021, above) and this software (see `CITATION.cff` in the repository). The model is described in
full in `docs/ODD.md`; its calibration and validation in `docs/validation.md`.
"""


# --- components ---------------------------------------------------------------------------------
CHARTS: dict[str, Callable[[SecuritizationModel, Kept | None], dict]] = {
    "mobilization": lambda m, kept: time_option(m, MOBILIZATION, "Securitization and each audience's adoption", "share (0-1)", kept),
    "consequences": lambda m, kept: time_option(m, CONSEQUENCE_LEVELS, "The five unintended consequences", "share / index", kept),
    "goals": goals_option,
    "provinces": lambda m, kept: provinces_option(m),
    "network": lambda m, kept: network_option(m),
}


@solara.component
def Chart(model: SecuritizationModel, steps: int, key: str, kept: Kept | None = None, height: int = 400):
    """One ECharts chart. Its option is pushed to the browser widget directly: passed through the component tree, the
    option's thousands of numbers would be walked and compared by the renderer on every quarter (most of a step's time).
    ``steps`` is the model's step count: a new value re-renders the chart."""
    option = solara.use_memo(lambda: CHARTS[key](model, kept), [model, steps, kept])
    # one widget for the page's life (Solara's FigureEcharts is a component around it); the option is set on it
    figure = solara.use_memo(
        lambda: EchartsWidget(option={}, attributes={"style": f"height: {height}px; width: 100%"}, responsive=True), []
    )

    def push() -> None:
        figure.option = option

    solara.use_effect(push, [model, steps, kept])
    solara.Div(classes=[f"sim-chart sim-chart-{key}"], children=[figure])


def event_key(model: SecuritizationModel) -> str:
    """The key to the numbered event lines, in timeline order."""
    happened = events_so_far(model)
    if not happened:
        return "Events: none yet."
    return "Events: " + " · ".join(f"<b>{i}</b> {e.quarter} {html.escape(e.name, quote=False)}" for i, e in happened)


@solara.component
def TimeChart(model: SecuritizationModel, steps: int, key: str, kept: Kept | None):
    """A time chart with the key to its numbered event lines below it."""
    with solara.Column(gap="0px"):
        Chart(model, steps, key, kept)
        solara.HTML(tag="div", unsafe_innerHTML=event_key(model), classes=["sim-event-key"],
                    style="font-size: 11px; color: #444; max-height: 54px; overflow-y: auto; padding: 0 8px")  # fmt: skip


@solara.component
def Status(model: SecuritizationModel, steps: int):
    # rendered here, not with solara.Markdown, which asks for KaTeX, a front-end asset solara-assets lacks
    solara.HTML(tag="div", unsafe_innerHTML=markdown.markdown(status_markdown(model)), classes=["sim-status"],
                style="max-height: 360px; overflow-y: auto; font-size: 14px")  # fmt: skip


@solara.component
def Dashboard(model: SecuritizationModel, kept: Kept | None, redraw: solara.Reactive[int]):
    """The model tab; its charts and status re-render in one pass when a quarter is drawn (``redraw``: only the
    components that show the run subscribe to it, so a step leaves the controls and the About tab alone; the charts
    take the step count as an argument rather than each subscribing to the counter)."""
    redraw.get()
    steps = model.steps
    with solara.Columns([1, 1]):
        Status(model, steps)
        TimeChart(model, steps, "mobilization", kept)
    with solara.Columns([1, 1]):
        TimeChart(model, steps, "consequences", kept)
        TimeChart(model, steps, "goals", kept)
    with solara.Columns([1, 1]):
        Chart(model, steps, "provinces", height=300)
        Chart(model, steps, "network", height=300)
    solara.Div(style="height: 48px")  # room for Solara's corner badge below the last charts


@solara.component
def Controller(model: solara.Reactive[ClassroomModel], params: solara.Reactive[dict], redraw: solara.Reactive[int]):
    """Reset (a new model from the settings), play/pause and Step, as Mesa's ``ModelController``; ``redraw`` counts
    the quarters drawn, so that the charts re-render once per step. Play stops by itself at 2030Q4."""
    playing = solara.use_reactive(False)

    def play() -> None:
        while playing.value and model.value.running:
            time.sleep(PLAY_MS / 1000)
            if not playing.value:  # paused during the pause
                break
            model.value.step()
            redraw.set(redraw.value + 1)
        playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def step() -> None:
        model.value.step()
        redraw.set(redraw.value + 1)

    def reset() -> None:
        playing.set(False)
        model.set(ClassroomModel(**params.value))
        redraw.set(redraw.value + 1)

    redraw.get()
    running = model.value.running
    with solara.Row(justify="space-between"):
        solara.Button(label="Reset", color="primary", on_click=reset)
        solara.Button(label="❚❚" if playing.value else "▶", color="primary", disabled=not running,
                      on_click=lambda: playing.set(not playing.value))  # fmt: skip
        solara.Button(label="Step", color="primary", on_click=step, disabled=playing.value or not running)


@solara.component
def Compare(model: SecuritizationModel, kept: solara.Reactive[Kept | None], redraw: solara.Reactive[int]):
    """Keep the current run as a dotted ghost for the next one; download the current run's series."""
    redraw.get()

    def keep() -> None:
        frame = series_so_far(model).copy()
        kept.set(Kept(f"{settings_text(model)}, to {model.quarter if model.steps else model.start}", frame))

    with solara.Column(gap="4px"):
        with solara.Tooltip("Draw this run as dotted lines on the charts, to compare with the next run (after Reset)."):
            solara.Button("Keep this run", on_click=keep, disabled=model.steps == 0, outlined=True, classes=["sim-keep"])
        if kept.value is not None:
            solara.Text(f"Kept (dotted on the charts): {kept.value.label}", style="font-size: 12px; color: #444")
            solara.Button("Forget the kept run", on_click=lambda: kept.set(None), text=True, classes=["sim-forget"])
        with solara.Tooltip("The series of this run so far, one row per quarter (opens in a spreadsheet)."):
            solara.FileDownload(lambda: run_csv(model), filename=csv_name(model), label="Download CSV", mime_type="text/csv")


@solara.component
def Controls(params: solara.Reactive[dict]):
    """Each control with its unit in the label and its meaning, unit and range in a tooltip."""

    def setter(control: Control):
        def set_value(value) -> None:
            old = params.value.get(control.name, control.default)
            # a slider snaps an off-grid value (the calibrated 0.05878) to its grid and reports it: not a choice
            if control.kind != "select" and abs(float(value) - float(old)) < control.step / 2:
                return
            params.set({**params.value, control.name: value})

        return set_value

    for c in CONTROLS:
        value = params.value.get(c.name, c.default)
        with solara.Tooltip(c.tooltip), solara.Div(classes=[f"sim-control sim-control-{c.name}"]):
            if c.kind == "select":
                solara.Select(c.label, value=value, values=[s.value for s in Strategy], on_value=setter(c))
            elif c.kind == "int":
                solara.SliderInt(c.label, value=int(value), min=int(c.lo), max=int(c.hi), step=int(c.step), on_value=setter(c))
            else:
                solara.SliderFloat(c.label, value=float(value), min=c.lo, max=c.hi, step=c.step, on_value=setter(c))


@solara.component
def About():
    solara.HTML(tag="div", unsafe_innerHTML=markdown.markdown(ABOUT, extensions=["tables"]), classes=["sim-about"],
                style="max-width: 980px; font-size: 15px")  # fmt: skip


# Slider values shown always (the class reads the settings off the screen); tables in the About tab ruled.
CSS = """
.v-slider__thumb-label-container { display: block !important; }
.v-slider__thumb-label { transform: translateY(-20%) translateY(-12px) translateX(-50%) rotate(45deg) scale(0.85) !important; }
.v-input__slider { margin-top: 14px; }
.sim-about table { border-collapse: collapse; margin: 8px 0; }
.sim-about td, .sim-about th { border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; }
"""


@solara.component
def Page():
    """One model per browser session: created here, not at module level (a module-level model is shared)."""
    model = solara.use_reactive(solara.use_memo(ClassroomModel, dependencies=[]))
    params = solara.use_reactive({c.name: c.default for c in CONTROLS})
    redraw = solara.use_reactive(0)
    kept = solara.use_reactive(None)
    solara.Style(CSS)
    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar():
        with solara.Card("Run"):
            Controller(model, params, redraw)
            Compare(model.value, kept, redraw)
        with solara.Card("Settings (apply on Reset)"):
            Controls(params)
    with solara.lab.Tabs(lazy=True):  # the About tab is rendered when opened, not on every page load
        with solara.lab.Tab("Model"):
            Dashboard(model.value, kept.value, redraw)
        with solara.lab.Tab("About"):
            About()


# one route: without it Solara would serve the package's other modules (server, __main__) as pages of their own
routes = [solara.Route(path="/", component=Page, label=TITLE)]
