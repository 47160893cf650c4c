"""`lensmap serve` as a room uses it: the page in headless Chromium, keys typed into it tag a
stage, the page asks nothing of any other computer, and Ctrl+C leaves no process behind and
every action in the session."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lensmap.session.store import SessionStore
from tests.browser import watch

pytestmark = pytest.mark.skipif(os.name == "nt", reason="process groups and /proc: POSIX only")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_pids(session: Path) -> list[int]:
    """The `lensmap open` processes on `session`: a page's app, and the spare one started
    before the next page (which has not opened the session)."""
    return [pid for pid, cmd in _processes(session) if " lensmap open " in cmd]


def processes_using(path: Path) -> list[str]:
    return [cmd for _, cmd in _processes(path)]


def _processes(path: Path) -> list[tuple[int, str]]:
    """Command lines of running processes that mention `path` (zombies have none)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and proc.name != str(os.getpid()):
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if str(path) in cmdline:
                found.append((int(proc.name), cmdline))
    return found


class Screen:
    """What the app has drawn into the page so far, as the text of its websocket frames.

    Waits use the page's own timer: Playwright delivers frames only while it is waited on."""

    def __init__(self, page) -> None:
        self.page = page
        self.frames: list[str] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self.add))

    def add(self, payload: str | bytes) -> None:
        raw = payload if isinstance(payload, bytes) else payload.encode("utf-8", "replace")
        self.frames.append(raw.decode("utf-8", "replace"))

    def wait_for(self, text: str, after: int = 0, limit: float = 60.0) -> None:
        start = time.monotonic()
        while time.monotonic() - start < limit:
            if text in "".join(self.frames[after:]):
                return
            self.page.wait_for_timeout(100)
        raise AssertionError(f"the page never showed {text!r}")

    def wait_until_still(self, quiet: float = 1.0, limit: float = 60.0) -> None:
        """Wait until the app has drawn nothing new for `quiet` seconds (it has settled)."""
        start = time.monotonic()
        count, since = len(self.frames), time.monotonic()
        while time.monotonic() - start < limit:
            self.page.wait_for_timeout(100)
            if len(self.frames) != count:
                count, since = len(self.frames), time.monotonic()
            elif time.monotonic() - since >= quiet:
                return
        raise AssertionError("the page never stopped drawing")


@pytest.fixture
def served(tmp_path):
    """`lensmap serve` on a free port, started as a terminal would start it (its own process
    group, so a Ctrl+C can be sent to exactly what a terminal would send it to)."""
    session = tmp_path / "hostile <b>event</b>.lens"
    env = {**os.environ, "LENSMAP_DATA_DIR": str(tmp_path / "data")}
    title = "</title><img src=x onerror=alert('title')> Lens event"
    new = [sys.executable, "-m", "lensmap", "session", "new", "pathways/island-service.toml"]
    subprocess.run([*new, "-o", str(session), "--title", title], check=True, env=env,
                   capture_output=True)  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "lensmap", "serve", "pathways/island-service.toml",
         "--session", str(session), "--port", str(port), "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
        text=True,
    )  # fmt: skip
    said = [server.stdout.readline(), server.stdout.readline()]
    assert said[0] == f"Session: {session}\n", said
    assert f"(no browser opened): open the page at http://127.0.0.1:{port}/" in said[1], said
    url = said[1].split(" at ", 1)[1].strip()  # with this run's key: the only way in
    yield server, port, session, title, url
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGKILL)
    for pid in app_pids(session):  # a failed test must not leave an app running
        os.kill(pid, signal.SIGKILL)


def test_keys_typed_in_the_page_tag_a_stage_and_ctrl_c_keeps_it(served, chromium, tmp_path):
    server, port, session, title, url = served
    origin = f"http://127.0.0.1:{port}"
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    outside: list[str] = []

    def only_this_server(route) -> None:
        url = route.request.url
        if url.startswith((origin + "/", f"ws://127.0.0.1:{port}/")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", only_this_server)
    page = context.new_page()
    seen = watch(page)
    screen = Screen(page)

    page.goto(url)
    assert page.title() == f"lensmap: {title}"  # the event title is text, not markup
    page.wait_for_selector("body.-first-byte", timeout=30_000)  # the app is drawing
    screen.wait_for("Ways in")  # the map is on the screen
    screen.wait_until_still()
    drawn = len(screen.frames)  # no click on the page first: the keys reach lensmap anyway
    page.keyboard.press("p")  # tag the selected stage as positive practice
    screen.wait_for("what the room noticed", after=drawn)
    drawn = len(screen.frames)
    page.keyboard.type("Met by name at the door")
    page.keyboard.press("Control+s")
    screen.wait_for("Saved", after=drawn)
    page.screenshot(path=str(tmp_path / "served.png"))

    second = context.new_page()  # a second tab: a window of its own on the same session
    watch_second = watch(second)
    other = Screen(second)
    second.goto(url)
    other.wait_for("Ways in")
    other.wait_for("Met by name at the door")  # the first tab's note, read from the file
    other.wait_until_still()
    drawn, drawn_here = len(screen.frames), len(other.frames)
    second.keyboard.press("b")  # a barrier at the same stage, from the second tab
    other.wait_for("what the room noticed", after=drawn_here)
    second.keyboard.type("Letter came late")
    second.keyboard.press("Control+s")
    other.wait_for("Saved", after=drawn_here)
    # The first tab shows it by itself (its notice is drawn in pieces as it slides in).
    screen.wait_for("From another", after=drawn)
    screen.wait_for("Letter came late", after=drawn)  # the stage panel's list of notes
    second.screenshot(path=str(tmp_path / "second-tab.png"))
    page.screenshot(path=str(tmp_path / "first-tab-after.png"))
    second.close()
    assert watch_second.console_errors == [] and watch_second.dialogs == []

    drawn = len(screen.frames)
    page.reload()  # reloading the first tab lets go of the session and opens it again
    screen.wait_for("Ways in", after=drawn)
    screen.wait_for("Walking:", after=drawn)

    assert outside == [] and all(u.startswith(origin) for u in seen.requests), seen.requests
    assert seen.console_errors == [] and seen.page_errors == [] and seen.dialogs == []

    os.killpg(server.pid, signal.SIGINT)  # Ctrl+C in the terminal, with the page still open
    # Not a speed check: stopping takes about a second; waiting on open tabs took over 20.
    out, err = server.communicate(timeout=15)
    page.wait_for_selector("body.-closed", timeout=10_000)  # the page says lensmap closed
    assert "Every step and tag you saved is kept" in page.inner_text(".closed-dialog")
    context.close()
    assert server.returncode == 0, err
    assert "Stopped. Session saved in" in out
    assert "Traceback" not in out + err
    assert processes_using(session) == []  # no app process left behind
    with SessionStore.open(session, readonly=True) as store:
        tags = store.state.content().tags
    assert [(t.kind, t.note) for t in tags] == [
        ("positive", "Met by name at the door"),
        ("barrier", "Letter came late"),
    ]
    assert "3 pages were opened while lensmap served this session" in out  # two tabs, a reload


def test_a_page_app_never_outlives_a_killed_server(served, chromium):
    """If the server is killed outright, its app quits by itself and lets go of the session,
    so the facilitator can open it again."""
    server, _, session, _, url = served
    page = chromium.new_page()
    screen = Screen(page)
    page.goto(url)
    screen.wait_for("Ways in")
    assert any(" lensmap open " in c for c in processes_using(session))  # the page's app
    server.kill()
    server.communicate()
    for _ in range(150):  # the app looks for its server every second
        if not processes_using(session):
            break
        page.wait_for_timeout(100)
    assert processes_using(session) == []
    with SessionStore.open(session, exclusive=True) as store:  # free to open again
        assert store.state.pathway.id == "island-service"
    page.close()


def handshake(port: int, host: str, origin: str | None, path: str = "/ws") -> int:
    """The status a websocket handshake to `path` gets (101 means connected)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {
        "Host": host,
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version": "13",
    }
    if origin:
        headers["Origin"] = origin
    conn.request("GET", f"{path}?width=80&height=24", headers=headers)
    status = conn.getresponse().status
    conn.close()
    return status


def test_other_websites_cannot_reach_the_session(served):
    """A page from another site, open in the same browser, cannot connect (cross-site
    websocket) and a name that merely resolves here is refused (DNS rebinding)."""
    port, url = served[1], served[4]
    here = f"127.0.0.1:{port}"
    path = url.split(here, 1)[1]  # /KEY/: even another site that knows the key is refused
    ws = path + "ws"
    assert handshake(port, here, "http://evil.example", ws) == 403
    assert handshake(port, f"evil.example:{port}", f"http://evil.example:{port}", ws) == 403
    import urllib.request

    request = urllib.request.Request(url, headers={"Host": f"evil.example:{port}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    page = urllib.request.urlopen(url, timeout=10)
    assert page.status == 200
    assert page.headers["X-Frame-Options"] == "DENY"  # no other site can frame the session
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert urllib.request.urlopen(f"http://localhost:{port}{path}", timeout=10).status == 200
    assert handshake(port, here, f"http://{here}", ws) == 101  # lensmap's own page connects


def test_a_page_whose_app_cannot_start_says_lensmap_closed(served, chromium):
    """The session taken by a terminal window after the server started: the page says lensmap
    closed (not "Opening…" for ever), and the terminal says why, once."""
    server, _, session, _, url = served
    holder = SessionStore.open(session, exclusive=True)
    try:
        page = chromium.new_page()
        page.goto(url)
        page.wait_for_selector("body.-closed", timeout=30_000)
        assert "lensmap has closed" in page.inner_text(".closed-dialog")
        page.close()
    finally:
        holder.close()
    os.killpg(server.pid, signal.SIGINT)
    _, err = server.communicate(timeout=15)
    assert err.count("is open in another lensmap window") == 1, err
