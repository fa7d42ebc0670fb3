"""Every figure type the package draws, checked as a reader would: no text overlaps other text, every axis is
labelled, and a legend names things rather than config keys. Drawn from synthetic tables (no model runs), so the
check is about layout, not numbers."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from sim import plots  # noqa: E402
from sim.config import load_config  # noqa: E402
from sim.indicators import INDICATORS  # noqa: E402
from sim.timeline import Quarter, validate_events  # noqa: E402

START, END = Quarter.parse("2009Q1"), Quarter.parse("2030Q4")


def _tidy(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    quarters = [str(START + i) for i in range(END.index - START.index + 1)]
    rows = []
    for name, indicator in INDICATORS.items():
        values = np.clip(np.cumsum(rng.normal(0.01, 0.02, len(quarters))) + 0.3, 0, 1)
        values = values * (800 if name == "ai_economy" else 1) if indicator.is_share or name == "ai_economy" else values * 2
        rows += [
            {"step": k + 1, "quarter": q, "indicator": name, "value": float(v)}
            for k, (q, v) in enumerate(zip(quarters, values, strict=True))
        ]
    return pd.DataFrame(rows)


def _summary(keys: dict[str, list], seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for point in itertools.product(*keys.values()):
        for name in INDICATORS:
            mean = float(rng.uniform(0.1, 0.9))
            rows.append({**dict(zip(keys, point, strict=True)), "quarter": "2030Q4", "indicator": name, "mean": mean, "sd": 0.05,
                         "ci_low": max(0.0, mean - 0.05), "ci_high": min(1.0, mean + 0.05), "n": 10})  # fmt: skip
    return pd.DataFrame(rows)


def _texts(fig) -> list[tuple[Text, object]]:
    """Every text a reader sees (visible, non-empty, in visible axes, tick labels only of ticks in view) with its extent."""
    renderer = fig.canvas.get_renderer()
    hidden = set()
    for ax in fig.axes:
        for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = min(lo, hi), max(lo, hi)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    hidden.update({id(tick.label1), id(tick.label2)})
    return [
        (text, text.get_window_extent(renderer))
        for text in fig.findobj(Text)
        if text.get_visible() and text.get_text().strip() and (text.axes is None or text.axes.get_visible()) and id(text) not in hidden
    ]


def _worded(labels) -> bool:
    """Tick labels that name categories (words), which label the axis themselves."""
    return any(any(c.isalpha() for c in t.get_text()) for t in labels)


def _check(fig) -> None:
    fig.canvas.draw()
    texts = _texts(fig)
    clashes = []
    for (a, box_a), (b, box_b) in itertools.combinations(texts, 2):
        if box_a.overlaps(box_b) and box_a.width > 0 and box_b.width > 0:
            # a 1-pixel touch is not an overlap a reader sees
            inter_w = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            inter_h = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            if inter_w > 1 and inter_h > 1:
                clashes.append(f"{a.get_text()[:30]!r} / {b.get_text()[:30]!r}")
    assert not clashes, f"{len(clashes)} overlapping texts, e.g. {clashes[:5]}"
    for ax in fig.axes:
        if not ax.axison or not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        shared_x = ax.get_shared_x_axes().get_siblings(ax)
        has_x = ax.get_xlabel() or any(other.get_xlabel() for other in shared_x)
        assert has_x, f"an axis without an x label: {ax.get_title(loc='left')!r}"
        named = ax.get_ylabel() or ax.get_images() or _worded(ax.get_yticklabels())
        assert named, f"an axis without a y label: {ax.get_title(loc='left')!r}"
        legend = ax.get_legend()
        for entry in legend.get_texts() if legend else []:
            assert "=" not in entry.get_text() or " = " in entry.get_text(), f"a config key in a legend: {entry.get_text()}"


@pytest.fixture
def capture(monkeypatch):
    """The figures the package saves, kept open for inspection instead of written."""
    saved = []

    def keep(fig, *args, **kwargs):
        saved.append(fig)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", keep)
    monkeypatch.setattr(plots.plt, "close", lambda *a, **k: None)
    return saved


def test_overview_with_bands_and_every_historical_event(capture, tmp_path):
    config = load_config()
    events = validate_events(config.timeline.events, START, END)
    frame = _tidy()
    m = frame["value"]
    bands = frame.drop(columns="value").assign(q05=m * 0.9, q25=m * 0.95, median=m, q75=m * 1.05, q95=m * 1.1, draws=20)
    plots.overview(frame, events, tmp_path / "overview.png", bands)
    assert len(capture) == 1
    _check(capture[0])


@pytest.mark.parametrize(
    "keys",
    [
        {"rival.sanctions.severity": [0.0, 0.2, 0.4, 0.6, 0.8, 1.0], "rival.sanctions.start": ["2016Q1", "2018Q2", "2021Q1"]},
        {"central.strategy": ["none", "restrained", "historical", "maximal"], "firms.salary_premium": [0, 0.3, 0.6, 1.0, 1.5]},
    ],
    ids=["sanctions", "talent"],
)
def test_sweep_figures(capture, tmp_path, keys):
    plots.sweep_figures(_summary(keys), list(keys), tmp_path)
    assert len(capture) == 3  # indicators, heatmaps, trade-off
    for fig in capture:
        _check(fig)


def test_attribution_figure(capture, tmp_path):
    names = ["adoption_local", "adoption_firms", "adoption_intellectuals", "adoption_public", "talent_capital", "efficiency", "governance",
             "rivalry", "global_access"]  # fmt: skip
    table = pd.DataFrame({"indicator": names, "quarter": "2030Q4", "difference": np.linspace(-0.5, 0.5, len(names))})
    table["ci_low"], table["ci_high"] = table["difference"] - 0.05, table["difference"] + 0.05
    plots.attribution_figure(table, tmp_path / "attribution.png")
    _check(capture[0])
