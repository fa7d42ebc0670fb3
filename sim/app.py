"""Teaching demo: the securitization model in the browser (Mesa SolaraViz), one model per visitor.

Start it (after ``pip install -e '.[app]'``), from any directory, bound to this machine only::

    python -m sim.app            # = solara run sim.app --host 127.0.0.1 --port 8765 --production --no-check-version

then open http://127.0.0.1:8765. ``--host 127.0.0.1`` keeps it on this machine (Solara's own default is
``localhost``, or ``$HOST``); pass ``--host 0.0.0.0`` only to serve a classroom network on purpose.
``--production`` keeps the page from asking for anything outside the machine: every front-end asset
comes from the ``solara-assets`` package and the charts are drawn server-side with matplotlib, so the
demo works offline. ``--no-check-version`` skips Solara's start-up look-up of its newest release on
PyPI. Give the module name ``sim.app`` rather than the path ``sim/app.py``: Solara runs a path as a
script with ``sim/`` put first on ``sys.path``, so the package's modules (``config``, ``io``, ``run``...)
would shadow any top-level module of the same name imported after them.
docs/teaching.md has the class plan.

Controls (left): the centre's strategy, sanction severity, the rival's responsiveness (mirroring),
China's outreach (base share of its AI budget spent abroad), the salary premium for mobile talent, the
size of the public and the seed. A changed control applies on **Reset**; Step advances one quarter, the play button runs on to
2030Q4. Main view: the current quarter with the events so far, the mobilization chart (each audience's
adoption and both states' securitization), the five consequences, the provinces and a slice of the
public's network coloured by adoption, and the intended goals (capability, self-reliance).
"""

from __future__ import annotations

import html
import io
import math
import threading

import markdown
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
import solara  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from mesa.visualization import SolaraViz  # noqa: E402
from mesa.visualization.utils import update_counter  # noqa: E402

from sim.config import Strategy, load_config  # noqa: E402
from sim.indicators import CONSEQUENCE_LEVELS, INDICATORS, MOBILIZATION  # noqa: E402
from sim.model import SecuritizationModel  # noqa: E402
from sim.plots import STYLE  # noqa: E402
from sim.run import stream_seed  # noqa: E402

# Hydra's compose API keeps one global state: two visitors pressing Reset at once must not overlap.
_CONFIG_LOCK = threading.Lock()
_DEFAULT = load_config()

READOUT = ("capability_ratio", "ai_economy", "domestic_input_share", "global_access", "talent_capital_stock", "adoption_public")
TITLE = "Securitization of AI in China: teaching demo"
CLASS_PUBLIC = 2000  # citizens: small, so a step takes well under a second
CLASS_SEED = 0
PUBLIC_SAMPLE = 120  # consecutive citizens on the small-world ring drawn in the network view


def overrides(
    strategy: str = _DEFAULT.central.strategy.value,
    severity: float = _DEFAULT.rival.sanctions.severity,
    mirror: float = _DEFAULT.rival.mirror,
    outreach: float = _DEFAULT.central.outreach,
    salary_premium: float = _DEFAULT.firms.salary_premium,
    public_n: int = CLASS_PUBLIC,
    seed: int = CLASS_SEED,
) -> list[str]:
    """The Hydra overrides for the app's controls (slider floats rounded, so 0.15000000000000002 reads 0.15)."""
    return [
        f"central.strategy={Strategy(strategy).value}",
        f"rival.sanctions.severity={round(float(severity), 6)}",
        f"rival.mirror={round(float(mirror), 6)}",
        f"central.outreach={round(float(outreach), 6)}",
        f"firms.salary_premium={round(float(salary_premium), 6)}",
        f"agents.public.n={int(public_n)}",
        f"seed={int(seed)}",
    ]


class ClassroomModel(SecuritizationModel):
    """The model built from the app's controls, seeded exactly as :func:`sim.run.build_model` seeds a run.

    SolaraViz re-creates the model on Reset as ``type(model)(**params)``, so the controls are this
    class's keyword arguments (a plain factory function would not survive a Reset). The model stops
    (``running = False``) at ``time.end``, so the play button halts at 2030Q4, and steps asked for after
    it do nothing.
    """

    def __init__(
        self,
        strategy: str = _DEFAULT.central.strategy.value,
        severity: float = _DEFAULT.rival.sanctions.severity,
        mirror: float = _DEFAULT.rival.mirror,
        outreach: float = _DEFAULT.central.outreach,
        salary_premium: float = _DEFAULT.firms.salary_premium,
        public_n: int = CLASS_PUBLIC,
        seed: int = CLASS_SEED,
    ) -> None:
        with _CONFIG_LOCK:
            config = load_config(overrides(strategy, severity, mirror, outreach, salary_premium, public_n, seed))
        # the same generator as sim.run.build_model(config): the app's run is the CLI's run
        super().__init__(config, rng=np.random.default_rng(stream_seed(config.seed, config.replication)))

    def step(self) -> None:
        if self.steps > self.n_steps:  # Step with a render interval > 1 may ask for quarters past time.end
            self.steps = self.n_steps
            return
        super().step()
        if self.steps >= self.n_steps:
            self.running = False


# --- what the page shows ----------------------------------------------------------------------
def status_markdown(model: SecuritizationModel) -> str:
    """The current quarter, the settings of this run and the events so far (newest first)."""
    c = model.config
    if model.steps == 0:
        head = f"### Start of {model.start} · step 0 of {model.n_steps}\n\nPress **Step** or ▶ to simulate the first quarter."
        happened = []
    else:
        head = f"### End of {model.quarter} · step {model.steps} of {model.n_steps}"
        happened = [e for e in model.timeline.events if e.quarter <= model.quarter]
    settings = (
        f"strategy **{c.central.strategy.value}** · sanction severity {c.rival.sanctions.severity:g} · "
        f"rival responsiveness {c.rival.mirror:g} · outreach {c.central.outreach:g} · "
        f"salary premium {c.firms.salary_premium:g} · public {c.agents.public.n:,} · seed {c.seed}"
    )
    lines = [head, "", settings + "  \n*(a changed control applies on Reset)*", ""]
    if model.steps:
        now = {name: INDICATORS[name].measure(model) for name in READOUT}
        lines += [
            f"**Now:** capability China/rival {now['capability_ratio']:.2f} · AI industry {now['ai_economy']:,.0f} RMB bn/year · "
            f"domestic inputs {now['domestic_input_share']:.0%} · firms' global access {now['global_access']:.2f} · "
            f"foreign talent & capital in China {now['talent_capital_stock']:.1%} · public echoing {now['adoption_public']:.0%}",
            "",
        ]
    if happened:
        lines.append(f"**Events so far ({len(happened)} of {len(model.timeline.events)}):**")
        lines.append("")
        lines += [f"- {e.quarter} {html.escape(e.name, quote=False)}" for e in reversed(happened)]
    else:
        first = model.timeline.events[0] if model.timeline.events else None
        lines.append(
            f"No events yet; the first is {html.escape(first.name, quote=False)} in {first.quarter}."
            if first
            else "This timeline has no events."
        )
    return "\n".join(lines)


def _years(model: SecuritizationModel, n: int) -> np.ndarray:
    return np.array([(model.start + i).decimal for i in range(n)])


def _time_axes(ax, model: SecuritizationModel, title: str) -> None:
    ax.set_xlim(model.start.decimal - 0.5, model.end.decimal + 0.5)
    ax.set_title(title, loc="left", fontsize=10)
    if model.steps:
        for event in model.timeline.events:
            if event.quarter <= model.quarter:
                ax.axvline(event.quarter.decimal, color="0.6", lw=0.6, ls=":")


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def lines_png(model: SecuritizationModel, names: dict[str, str], title: str) -> bytes:
    """A line chart of indicators (0-1) over the whole period, drawn up to the current quarter."""
    frame = model.datacollector.get_model_vars_dataframe()
    with plt.rc_context(STYLE):
        fig = Figure(figsize=(6.4, 4.0))
        ax = fig.subplots()
        x = _years(model, len(frame))
        for name, label in names.items():
            values = frame[name].to_numpy(dtype=float) if len(frame) else np.array([])
            ax.plot(x, values, label=label, lw=1.5, ls="--" if name == "securitization_rival" else "-")
        ax.set_ylim(-0.02, max(1.02, float(frame[list(names)].to_numpy().max(initial=0.0)) + 0.02))
        ax.set_ylabel("share / index (0-1)")
        _time_axes(ax, model, title)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3 if max(map(len, names.values())) <= 25 else 2)
        fig.tight_layout()
        return _png(fig)


def goals_png(model: SecuritizationModel) -> bytes:
    """The intended goals: capability relative to the rival, self-reliance, the AI industry."""
    frame = model.datacollector.get_model_vars_dataframe()
    with plt.rc_context(STYLE):
        fig = Figure(figsize=(6.4, 4.0))
        ax = fig.subplots()
        x = _years(model, len(frame))

        def series(name: str) -> np.ndarray:
            return frame[name].to_numpy(dtype=float) if len(frame) else np.array([])

        ax.plot(x, series("capability_ratio"), color="tab:red", lw=1.5, label="capability China / rival")
        ax.plot(x, series("domestic_input_share"), color="tab:green", lw=1.5, label="domestic share of AI inputs")
        ax.set_ylim(0, 1.3)
        ax.set_ylabel("ratio / share")
        _time_axes(ax, model, "Intended goals: catching up, self-reliance, the AI industry")
        right = ax.twinx()
        right.plot(x, series("ai_economy"), color="k", lw=1.2, ls="--", label="AI industry (RMB bn/year, right)")
        right.set_ylim(0, max(600.0, float(series("ai_economy").max()) * 1.1 if len(frame) else 600.0))
        right.set_ylabel("RMB bn / year")
        right.grid(False)
        handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
        ax.legend(handles, [h.get_label() for h in handles], loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
        fig.tight_layout()
        return _png(fig)


def audiences_png(model: SecuritizationModel) -> bytes:
    """The 31 provinces coloured by belief, adopters outlined; a slice of the public's network by adoption."""
    provinces, public = model.local, model.public
    with plt.rc_context(STYLE):
        fig = Figure(figsize=(6.4, 3.6))
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
        cols = 8
        rows = math.ceil(provinces.n / cols)
        cmap = plt.get_cmap("Reds")
        for i in range(provinces.n):
            r, col = divmod(i, cols)
            adopted = bool(provinces.adopted[i])
            left.add_patch(
                Rectangle(
                    (col, rows - 1 - r),
                    0.9,
                    0.9,
                    facecolor=cmap(0.1 + 0.85 * float(provinces.belief[i])),
                    edgecolor="k" if adopted else "0.75",
                    lw=2.2 if adopted else 0.6,
                )
            )
            left.text(col + 0.45, rows - 1 - r + 0.45, str(int(provinces.policies[i])), ha="center", va="center", fontsize=7)
        left.set_xlim(-0.1, cols)
        left.set_ylim(-0.1, rows)
        left.set_aspect("equal")
        left.axis("off")
        left.set_title(
            f"Provinces: {int(provinces.adopted.sum())} of {provinces.n} echo the campaign\n"
            "colour = belief, black frame = echoes, number = AI policies",
            loc="left",
            fontsize=8,
        )

        n = min(PUBLIC_SAMPLE, public.n)
        angle = 2 * np.pi * np.arange(n) / n
        xy = np.column_stack([np.cos(angle), np.sin(angle)])
        sub = sp.triu(public.network[:n, :n], k=1).tocoo()
        right.add_collection(LineCollection(np.stack([xy[sub.row], xy[sub.col]], axis=1), colors="0.8", linewidths=0.4, zorder=1))
        adopted = public.adopted[:n].astype(bool)
        right.scatter(xy[~adopted, 0], xy[~adopted, 1], s=14, color="0.6", zorder=2, label="does not echo")
        right.scatter(xy[adopted, 0], xy[adopted, 1], s=14, color="tab:red", zorder=3, label="echoes")
        right.set_aspect("equal")
        right.axis("off")
        right.set_title(
            f"Public: {100 * float(public.adopted.mean()):.0f}% echo\n{n} neighbours on the network",
            loc="left",
            fontsize=8,
        )
        right.legend(loc="lower center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=7)
        fig.tight_layout()
        return _png(fig)


# --- components ---------------------------------------------------------------------------------
@solara.component
def Chart(png: bytes, key: str):
    with solara.Div(classes=[f"sim-chart sim-chart-{key}"]):
        solara.Image(png, width="100%")


@solara.component
def Status(model: SecuritizationModel):
    update_counter.get()
    # rendered here, not with solara.Markdown, which asks for KaTeX, a front-end asset solara-assets lacks
    solara.HTML(
        tag="div",
        unsafe_innerHTML=markdown.markdown(status_markdown(model)),
        classes=["sim-status"],
        style="height: 100%; overflow-y: auto; font-size: 14px",
    )


@solara.component
def MobilizationChart(model: SecuritizationModel):
    update_counter.get()
    png = solara.use_memo(lambda: lines_png(model, MOBILIZATION, "Securitization and each audience's adoption"), [model, model.steps])
    Chart(png, "mobilization")


@solara.component
def ConsequencesChart(model: SecuritizationModel):
    update_counter.get()
    png = solara.use_memo(lambda: lines_png(model, CONSEQUENCE_LEVELS, "The five unintended consequences"), [model, model.steps])
    Chart(png, "consequences")


@solara.component
def AudiencesView(model: SecuritizationModel):
    update_counter.get()
    png = solara.use_memo(lambda: audiences_png(model), [model, model.steps])
    Chart(png, "audiences")


@solara.component
def GoalsChart(model: SecuritizationModel):
    update_counter.get()
    png = solara.use_memo(lambda: goals_png(model), [model, model.steps])
    Chart(png, "goals")


# Mesa's sliders show their value only while dragged: show it always, so the class can read the settings.
CSS = """
.v-slider__thumb-label-container { display: block !important; }
.v-slider__thumb-label { transform: translateY(-20%) translateY(-12px) translateX(-50%) rotate(45deg) scale(0.85) !important; }
.v-input__slider { margin-top: 14px; }
"""

COMPONENTS = [(Status, 0), (MobilizationChart, 0), (ConsequencesChart, 0), (AudiencesView, 0), (GoalsChart, 0)]

MODEL_PARAMS = {
    "strategy": {
        "type": "Select",
        "value": _DEFAULT.central.strategy.value,
        "values": [s.value for s in Strategy],
        "label": "Centre's strategy",
    },
    "severity": {
        "type": "SliderFloat",
        "value": _DEFAULT.rival.sanctions.severity,
        "min": 0.0,
        "max": 1.0,
        "step": 0.05,
        "label": "Sanctions",
    },
    "mirror": {
        "type": "SliderFloat",
        "value": _DEFAULT.rival.mirror,
        "min": 0.0,
        "max": 0.2,
        "step": 0.01,
        "label": "Rival mirroring",
    },
    "outreach": {
        "type": "SliderFloat",
        "value": _DEFAULT.central.outreach,
        "min": 0.0,
        "max": 0.5,
        "step": 0.05,
        "label": "Outreach share",
    },
    "salary_premium": {
        "type": "SliderFloat",
        "value": _DEFAULT.firms.salary_premium,
        "min": 0.0,
        "max": 1.5,
        "step": 0.05,
        "label": "Salary premium",
    },
    "public_n": {"type": "SliderInt", "value": CLASS_PUBLIC, "min": 500, "max": 20000, "step": 500, "label": "Citizens"},
    "seed": {"type": "SliderInt", "value": CLASS_SEED, "min": 0, "max": 99, "step": 1, "label": "Seed"},
}


@solara.component
def Page():
    """One model per browser session: created here, not at module level (a module-level model is shared)."""
    model = solara.use_memo(ClassroomModel, dependencies=[])
    solara.Style(CSS)
    SolaraViz(model, components=COMPONENTS, model_params=MODEL_PARAMS, name=TITLE, play_interval=101)


page = Page


def serve_command(argv: list[str] | None = None) -> list[str]:
    """The ``solara run`` command for ``python -m sim.app [--host H] [--port P]``: offline, on 127.0.0.1 unless told otherwise."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m sim.app", description="Serve the teaching demo.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        "sim.app",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--production",
        "--no-check-version",
    ]


def can_bind(host: str, port: int) -> str | None:
    """None if the server could listen on ``host:port``, else why not (so that it says so instead of failing later)."""
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, port))
    except OSError as error:
        return error.strerror or str(error)
    return None


if __name__ == "__main__":
    import subprocess
    import sys

    command = serve_command()
    host, port = command[command.index("--host") + 1], int(command[command.index("--port") + 1])
    problem = can_bind(host, port)
    if problem:
        print(f"error: --host {host} --port {port}: cannot listen there ({problem}); choose another with --port", file=sys.stderr)
        sys.exit(2)
    sys.exit(subprocess.run(command, check=False).returncode)
