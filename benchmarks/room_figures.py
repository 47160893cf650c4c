"""Figures for the live room (`lensmap serve --room`), in the system's headless Chromium:

    python benchmarks/room_figures.py [--rounds N] [--phones N]

Three team pages are open (each its own app process on the session, each has chosen its
team) and 30 phones are connected (each has its page and sends a note or a dot now and then,
as plain HTTP: a phone page has no script). Then, round after round, another window (a
SessionStore in this process, as a terminal window would be) stores an action: the event's
title changed, which every page's header shows. Measured:

- action to frame: from that window's action being stored (on disk) to the first frame
  showing it arriving in each team page's browser (median and 90th percentile, all pages);
- memory: each page's app process (resident set; with the spare app the server keeps
  started for the next page), and the server's before and after the phones connected;
- a window's look for other windows' actions when there are none (it asks ten times a
  second).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, as dev.py bench does: serve_figures.py is beside it.
from serve_figures import FLAGS, free_port, wait_for  # noqa: E402

KEY = re.compile(r"/((?:[a-z0-9]{4}-){2}[a-z0-9]{4})/")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def app_pids(session: Path) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if " lensmap open " in cmd and str(session) in cmd and "--team-page" in cmd:
                found.append(int(proc.name))
    return found


class Phone(threading.Thread):
    """One phone: its page now and then, a note or a dot now and then (plain HTTP)."""

    def __init__(self, base: str, stop: threading.Event, seed: int) -> None:
        super().__init__(daemon=True)
        self.base, self.stop, self.chance = base, stop, random.Random(seed)
        self.cookie = ""
        self.requests = 0

    def fetch(self, path: str, form: dict | None = None) -> str:
        data = urllib.parse.urlencode(form).encode() if form else None
        request = urllib.request.Request(self.base + path, data=data)
        request.add_header("Origin", self.base.split("/", 3)[0] + "//" + self.base.split("/")[2])
        if self.cookie:
            request.add_header("Cookie", self.cookie)
        opener = urllib.request.build_opener(NoRedirect)
        with opener.open(request, timeout=10) as response:
            self.requests += 1
            if not self.cookie and "Set-Cookie" in response.headers:
                self.cookie = response.headers["Set-Cookie"].split(";", 1)[0]
            return response.read().decode()

    def run(self) -> None:
        page = self.fetch("phone")
        check = re.search(r'name="check" value="([0-9a-f]+)"', page)[1]
        while not self.stop.wait(self.chance.uniform(2.0, 6.0)):
            try:
                if self.chance.random() < 0.3:
                    note = {"check": check, "stage": "triage", "kind": "barrier",
                            "standpoint": "", "note": "A note from a phone"}  # fmt: skip
                    self.fetch("note", note)
                else:
                    self.fetch("phone")
            except OSError:
                pass


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_303(self, req, fp, code, msg, headers):
        return fp


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--phones", type=int, default=30)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from lensmap.event.model import Event
    from lensmap.session.actions import EventEdited, new_device
    from lensmap.session.store import SessionStore

    folder = Path(tempfile.mkdtemp(prefix="lensmap-room-"))
    session = folder / "event.lens"
    port = free_port()
    env = {**os.environ, "LENSMAP_DATA_DIR": str(folder / "data")}
    server = subprocess.Popen(
        [sys.executable, "-m", "lensmap", "serve", "--session", str(session), "--port",
         str(port), "--no-browser", "--room"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, start_new_session=True,
        text=True, cwd=ROOT,
    )  # fmt: skip
    said = ""
    while "Press Ctrl+C" not in said:
        said += server.stdout.readline()
    key = KEY.search(said)[1]
    base = f"http://127.0.0.1:{port}/{key}/"
    stop = threading.Event()
    chromium = subprocess.run(["which", "chromium"], capture_output=True, text=True).stdout
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=chromium.strip(), args=FLAGS)
            pages, frames = [], []
            for team in range(3):
                page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
                seen: list[tuple[float, str]] = []

                def add(payload, seen=seen) -> None:
                    text = (
                        payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
                    )
                    seen.append((time.perf_counter(), text))

                page.on("websocket", lambda ws, add=add: ws.on("framereceived", add))
                page.goto(base)
                wait_for(page, seen, "Which team", 0)
                page.keyboard.press(str(team + 1))
                wait_for(page, seen, "Ways in", 0)
                pages.append(page)
                frames.append(seen)
            server_before = rss_mb(server.pid)
            phones = [Phone(base, stop, n) for n in range(args.phones)]
            for phone in phones:
                phone.start()
            time.sleep(3)
            server_after = rss_mb(server.pid)
            window = SessionStore.open(session, device=new_device())
            latencies: list[float] = []
            for n in range(args.rounds):
                marks = [len(f) for f in frames]
                title = f"Round {n} qz"
                window.record(EventEdited(event=Event(title=title)))
                stored = time.perf_counter()
                for page, seen, mark in zip(pages, frames, marks, strict=True):
                    latencies.append((wait_for(page, seen, title, mark) - stored) * 1000)
                time.sleep(random.uniform(0.2, 0.6))  # actions at a room's pace, not in step
            looks = []
            for _ in range(200):
                started = time.perf_counter()
                window.refresh()  # nothing new: one question to SQLite
                looks.append((time.perf_counter() - started) * 1e6)
            window.close()
            page_rss = [rss_mb(pid) for pid in app_pids(session)]
            requests = sum(p.requests for p in phones)
            browser.close()
    finally:
        stop.set()
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=30)
    latencies.sort()
    p90 = latencies[int(len(latencies) * 0.9) - 1]
    print(f"live room: 3 team pages, {args.phones} phones ({requests} phone requests meanwhile)")
    print(f"  action in another window to its frame in each team page: median "
          f"{statistics.median(latencies):.0f} ms, p90 {p90:.0f} ms, worst {latencies[-1]:.0f} ms "
          f"({len(latencies)} frames)")  # fmt: skip
    print(f"  memory per team page's app: {statistics.median(page_rss):.0f} MB "
          f"(of {len(page_rss)} pages: {', '.join(f'{m:.0f}' for m in page_rss)})")  # fmt: skip
    print(f"  a window's look for other windows' actions, nothing new: median "
          f"{statistics.median(looks):.0f} µs")  # fmt: skip
    print(f"  server: {server_before:.0f} MB with the pages, {server_after:.0f} MB with "
          f"{args.phones} phones too")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
