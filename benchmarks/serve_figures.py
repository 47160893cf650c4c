"""Figures for `lensmap serve`, in the system's headless Chromium:

    python benchmarks/serve_figures.py [--rounds N]

- ready: from starting `lensmap serve` to it saying the page is ready;
- first screen: from asking the browser for the page to the map's first frame arriving, the
  page asked for as long after "ready" as `lensmap serve` waits to open the browser;
- reload: the same, for the page reloaded (its app quits, and the next starts);
- arrow key: from an arrow key typed in the page to the first frame arriving back;
- key to screen: from a key typed in the page (p, which opens the tag dialog) to the
  dialog's first frame arriving back, then Escape to close it; repeated.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lensmap.serve import BROWSER_WAIT

ROOT = Path(__file__).resolve().parent.parent
ARROWS = ["ArrowRight", "ArrowDown", "ArrowLeft", "ArrowUp"]
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(page, frames: list[tuple[float, str]], text: str, after: int) -> float:
    """When the first frame after index `after` containing `text` arrived."""
    for _ in range(600):
        for at, payload in frames[after:]:
            if text in payload:
                return at
        page.wait_for_timeout(20)
    raise SystemExit(f"never saw {text!r}")


def first_frame(page, frames: list[tuple[float, str]], after: int) -> float:
    """When the first frame after index `after` arrived (an arrow key draws one)."""
    for _ in range(600):
        if len(frames) > after:
            return frames[after][0]
        page.wait_for_timeout(5)
    raise SystemExit("no frame came back")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        env = {**os.environ, "LENSMAP_DATA_DIR": data}
        started = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "lensmap", "serve", "--no-browser", "--port", str(port)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True, cwd=ROOT,
            start_new_session=True,
        )  # fmt: skip
        while "lensmap is ready" not in (line := server.stdout.readline()):
            if not line:  # it stopped before it was ready
                raise SystemExit(f"lensmap serve did not start (exit {server.wait()})")
        ready = time.perf_counter() - started
        url = line.split(" at ", 1)[1].strip()  # with this run's key: the only way in
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(
                    executable_path=os.environ.get("LENSMAP_CHROMIUM", "/usr/bin/chromium"),
                    headless=True,
                    args=FLAGS,
                )
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                frames: list[tuple[float, str]] = []

                def received(payload) -> None:
                    raw = payload if isinstance(payload, bytes) else payload.encode()
                    frames.append((time.perf_counter(), raw.decode("utf-8", "replace")))

                page.on("websocket", lambda ws: ws.on("framereceived", received))
                time.sleep(BROWSER_WAIT)  # as lensmap serve does before opening the browser
                asked = time.perf_counter()
                page.goto(url)
                first = wait_for(page, frames, "Ways in", 0) - asked
                page.wait_for_timeout(1500)
                page.locator("#terminal").click()
                page.wait_for_timeout(500)
                arrows = []
                for number in range(args.rounds * 2):
                    after = len(frames)
                    pressed = time.perf_counter()
                    page.keyboard.press(ARROWS[number % 4])
                    arrows.append(first_frame(page, frames, after) - pressed)
                    page.wait_for_timeout(300)
                trips = []
                for _ in range(args.rounds):
                    after = len(frames)
                    pressed = time.perf_counter()
                    page.keyboard.press("p")
                    trips.append(wait_for(page, frames, "what the room noticed", after) - pressed)
                    page.wait_for_timeout(300)
                    page.keyboard.press("Escape")
                    page.wait_for_timeout(500)
                after = len(frames)
                asked = time.perf_counter()
                page.reload()
                reload = wait_for(page, frames, "Ways in", after) - asked
                browser.close()
        finally:
            os.killpg(server.pid, signal.SIGINT)
            server.wait(timeout=30)
    arrows.sort()
    trips.sort()
    print(f"ready to serve: {ready:.2f} s")
    print(f"page asked for -> map's first frame: {first:.2f} s")
    print(f"page reloaded -> map's first frame: {reload:.2f} s")
    print(
        f"arrow key in the page -> its frame: median {statistics.median(arrows) * 1000:.0f} ms,"
        f" p90 {arrows[int(len(arrows) * 0.9) - 1] * 1000:.0f} ms over {len(arrows)} keys"
    )
    print(
        f"key in the page -> its dialog's first frame: median {statistics.median(trips) * 1000:.0f}"
        f" ms, p90 {trips[int(len(trips) * 0.9) - 1] * 1000:.0f} ms over {len(trips)} rounds"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
