"""(vi) The teaching app in a browser (issue 15): server start to first page, and a Step as a student sees it.

Starts ``python -m sim.app``'s server (sim/app/server.py) on a free port, opens it in Debian's
headless Chromium with Playwright, and times (a) the server's start to the first drawn chart, (b) the page load alone
on the warm server, (c) each Step from the click to the new quarter on the page and the charts redrawn (the browser's
next animation frame after the status text changed), at the app's 2,000 citizens. Beside it, in this process, the
model's own step at the same size (``ClassroomModel.step``), so that ``step_over_model`` says what the page adds.
Needs the app extra and /usr/bin/chromium.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from common import REPO, describe

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
STEP_DONE = """n => {
  const s = document.querySelector('.sim-status');
  return s && s.innerText.includes('quarter ' + n + ' of');
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _model_step(n_steps: int) -> list[float]:
    sys.path.insert(0, str(REPO))
    from sim.app import ClassroomModel

    model, times = ClassroomModel(), []
    for _ in range(n_steps):
        t0 = time.perf_counter()
        model.step()
        times.append(time.perf_counter() - t0)
    return times


def bench_app(steps: int = 20, loads: int = 3) -> dict:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "sim.app", "--host", "127.0.0.1", "--port", str(port)]
    started = time.perf_counter()
    server = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.perf_counter() - started > 120:
                    raise RuntimeError("the app did not start") from None
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1300})
            page.goto(url)
            page.locator(".sim-chart-mobilization canvas").first.wait_for(timeout=120_000)
            first_page = time.perf_counter() - started
            page_loads = []
            for _ in range(loads):
                fresh = browser.new_page(viewport={"width": 1400, "height": 1300})
                t0 = time.perf_counter()
                fresh.goto(url)
                fresh.locator(".sim-chart-mobilization canvas").first.wait_for(timeout=60_000)
                page_loads.append(time.perf_counter() - t0)
                fresh.close()
            step_times = []
            button = page.get_by_role("button", name="Step")
            for k in range(1, steps + 1):
                t0 = time.perf_counter()
                button.click()
                page.wait_for_function(STEP_DONE, arg=k, timeout=30_000)
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                step_times.append(time.perf_counter() - t0)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    model = _model_step(steps)
    return {
        "citizens": 2000,
        "first_page_s": first_page,
        "page_load": describe(page_loads),
        "step": describe(step_times),
        "model_step": describe(model),
        "step_over_model": statistics.median(step_times) / statistics.median(model),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(bench_app(), indent=2))
    print(Path(__file__).name, "done")
