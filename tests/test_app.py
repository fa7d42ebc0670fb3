"""The teaching app (sim/app/): the model behind it, and the real page in headless Chromium.

The browser tests start ``python -m sim.app`` (the app's own server, sim/app/server.py) on a free port of 127.0.0.1,
read a control's tooltip, move a slider, reset, press Step and check that the quarter and a chart change,
download the run as CSV, keep a run as a ghost and forget it, read the About tab, and check that ten
visitors each get a model of their own. It is skipped only where Chromium (Debian's package,
/usr/bin/chromium) or the app extra is missing and ``CI`` is not set; under CI it always runs.
"""

from __future__ import annotations

import html
import importlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")

# Slider order in the page: the app's controls, in sim.app.CONTROLS' order (the strategy is a select).
SLIDER = {"severity": 0, "mirror": 1, "outreach": 2, "salary_premium": 3, "public_n": 4, "seed": 5}
STATUS = re.compile(r"(Start|End) of (\d{4}Q[1-4]) · quarter (\d+) of (\d+)")


def _require(module: str):
    """Import a module of the app extra; outside CI, skip when it is not installed."""
    if IN_CI:
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=f"{module} is not installed (pip install -e '.[app]')")


# --- the model behind the page (no browser) -----------------------------------------------------
def test_classroom_model_is_the_cli_run_and_stops_at_the_end():
    _require("solara")
    import numpy as np

    from sim.app import ClassroomModel, overrides, status_markdown
    from sim.config import load_config
    from sim.run import build_model

    params = {"strategy": "restrained", "severity": 0.15000000000000002, "mirror": 0.1, "public_n": 600, "seed": 3}
    app_model = ClassroomModel(**params)
    cli_model = build_model(load_config(overrides(**params)))
    assert app_model.config.rival.sanctions.severity == 0.15
    assert "quarter 0 of" in status_markdown(app_model)
    for _ in range(app_model.n_steps + 5):  # Step with a render interval may ask for more quarters than there are
        app_model.step()
    cli_model.run()
    app_frame = app_model.datacollector.get_model_vars_dataframe()
    cli_frame = cli_model.datacollector.get_model_vars_dataframe()
    np.testing.assert_array_equal(app_frame.to_numpy(), cli_frame.to_numpy())
    assert app_model.steps == app_model.n_steps and not app_model.running
    text = status_markdown(app_model)
    assert f"End of {app_model.end} · quarter {app_model.n_steps} of {app_model.n_steps}" in text
    assert all(html.escape(e.name, quote=False) in text for e in app_model.timeline.events)


# --- the page in a browser ---------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the app's server exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the app did not answer at {url} within {timeout} s:\n{log.read_text()}")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # its own process group (start_new_session): only what we started
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def _status(page) -> re.Match:
    text = page.locator(".sim-status").inner_text()
    match = STATUS.search(text)
    assert match, f"no quarter in the status panel: {text[:300]!r}"
    return match


def _wait_for_step(page, step: int) -> None:
    page.wait_for_function(
        "n => (document.querySelector('.sim-status')?.innerText || '').includes('quarter ' + n + ' of')", arg=step, timeout=20_000
    )


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """``python -m sim.app`` on a free port of 127.0.0.1, for the browser tests of this module."""
    if not CHROMIUM.exists() and not IN_CI:
        pytest.skip(f"{CHROMIUM} is absent (Debian: apt-get install chromium); CI installs it and runs this test")
    _require("solara")
    folder = tmp_path_factory.mktemp("app")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log = folder / "server.log"
    command = [sys.executable, "-m", "sim.app", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=folder, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_up(url, server, log)
        yield url
    finally:
        _stop(server)


@pytest.fixture(scope="module")
def browser(app_url):
    sync_api = _require("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _open(browser, url: str):
    page = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1300}).new_page()
    page.goto(url)
    page.get_by_role("button", name="Step").wait_for(timeout=30_000)
    page.locator(".sim-status").wait_for(timeout=30_000)
    return page


def test_page_steps_redraws_explains_keeps_and_exports(app_url, browser, tmp_path):
    failed: list[str] = []
    page = _open(browser, app_url)
    page.on("requestfailed", lambda r: failed.append(r.url))
    chart = page.locator(".sim-chart-mobilization canvas").first
    chart.wait_for(timeout=30_000)
    start = _status(page)
    assert (start.group(1), start.group(3)) == ("Start", "0")
    status = page.locator(".sim-status").inner_text()
    assert "sanction severity 0.6" in status and "Differs from python -m sim" in status.replace("`", "")
    before = page.locator(".sim-chart-mobilization").screenshot()

    # every control explains itself: its tooltip (meaning, unit, range) on hover
    page.locator(".sim-control-severity").hover()
    page.get_by_text("How hard the rival's listings bite").wait_for(timeout=10_000)

    # a slider: sanctions 0.6 -> 0.7, applied on Reset
    slider = page.get_by_role("slider").nth(SLIDER["severity"])
    slider.focus()
    for value in ("0.65", "0.7"):  # one press at a time, as a person: presses milliseconds apart can cross the server's echo
        slider.press("ArrowRight")
        page.wait_for_function(
            f"() => document.querySelectorAll('[role=slider]')[{SLIDER['severity']}].getAttribute('aria-valuenow') === '{value}'",
            timeout=10_000,
        )
        page.wait_for_timeout(500)  # the server has the value before the next press and before Reset
    page.get_by_role("button", name="Reset").click()
    page.wait_for_function(
        "() => (document.querySelector('.sim-status')?.innerText || '').includes('sanction severity 0.7')", timeout=20_000
    )
    for step in range(1, 6):
        page.get_by_role("button", name="Step").click()
        _wait_for_step(page, step)
    end = _status(page)
    assert end.group(1) == "End" and int(end.group(3)) == 5 and end.group(2) == "2010Q1"
    page.wait_for_timeout(500)  # the browser draws the chart after the status text
    assert page.locator(".sim-chart-mobilization").screenshot() != before, "the mobilization chart did not change"

    # export: the run so far, one row per quarter, the settings as columns
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    rows = Path(download.value.path()).read_text().splitlines()
    assert download.value.suggested_filename.endswith("_to2010Q1.csv")
    assert rows[0].startswith("quarter,securitization_central") and "rival.sanctions.severity" in rows[0]
    assert [r.split(",")[0] for r in rows[1:]] == ["2009Q1", "2009Q2", "2009Q3", "2009Q4", "2010Q1"]

    # compare: keep this run, reset, and the kept run stays on the charts as a ghost until forgotten
    page.get_by_role("button", name="Keep this run").click()
    page.get_by_role("button", name="Forget the kept run").wait_for(timeout=10_000)
    page.get_by_role("button", name="Reset").click()
    _wait_for_step(page, 0)
    page.wait_for_timeout(500)
    ghost = page.locator(".sim-chart-mobilization").screenshot()
    page.get_by_role("button", name="Forget the kept run").click()
    page.get_by_role("button", name="Forget the kept run").wait_for(state="detached", timeout=10_000)
    page.wait_for_timeout(500)
    assert page.locator(".sim-chart-mobilization").screenshot() != ghost, "the kept run was not drawn"

    # the About tab: the question, the controls, things to try, how to cite
    page.get_by_role("tab", name="About").click()
    about = page.locator(".sim-about")
    about.wait_for(timeout=10_000)
    text = about.inner_text()
    for heading in (
        "What is this?",
        "How the model works",
        "The controls",
        "The five unintended consequences",
        "Things to try",
        "How to cite",
    ):
        assert heading in text
    assert not failed, f"requests failed (offline assets missing?): {failed}"

    # play runs quarters by itself until paused
    page.get_by_role("tab", name="Model").click()
    page.get_by_role("button", name="▶").click()
    _wait_for_step(page, 3)
    page.get_by_role("button", name="❚❚").click()
    page.get_by_role("button", name="▶").wait_for(timeout=10_000)
    page.wait_for_timeout(500)  # a quarter already being computed when ❚❚ was pressed may still be drawn
    paused = int(_status(page).group(3))
    page.wait_for_timeout(1_000)  # playing on would add about 9 quarters in this time
    assert paused >= 3 and int(_status(page).group(3)) == paused, "play did not stop on pause"

    (tmp_path / "app.png").write_bytes(page.screenshot(full_page=True))
    if os.environ.get("SIM_SCREENSHOT_DIR"):
        target = Path(os.environ["SIM_SCREENSHOT_DIR"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / "app.png", target / "app.png")


def test_ten_sessions_each_keep_their_own_model(app_url, browser):
    pages = [_open(browser, app_url) for _ in range(10)]
    for k, page in enumerate(pages):
        for step in range(1, k % 2 + 2):
            page.get_by_role("button", name="Step").click()
            _wait_for_step(page, step)
    assert [int(_status(page).group(3)) for page in pages] == [k % 2 + 1 for k in range(10)]


def test_the_app_binds_this_machine_only_unless_told_otherwise():
    from sim.app.server import parse

    assert parse([]).host == "127.0.0.1" and parse([]).port == 8765
    assert parse(["--host", "0.0.0.0"]).host == "0.0.0.0"
