"""`lensmap serve` against what no browser page of lensmap's sends: requests without the
run's key, folder listings, Host headers with the wrong port, broken or oversized websocket
messages, and a page that goes while a big frame is on its way. Each is refused or closes
that page calmly (one line in the terminal, no traceback), and the session is never left
held by an app nobody can reach.

One real `lensmap serve` runs for the whole module (each page's app takes a second or two
to start, so the cases share it); pages are raw sockets, so nothing is smoothed over."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lensmap.serve.key import ALPHABET

pytestmark = pytest.mark.skipif(os.name == "nt", reason="process groups and /proc: POSIX only")

KEY = re.compile(rf"/((?:[{ALPHABET}]{{4}}-){{2}}[{ALPHABET}]{{4}})/")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_pids(session: Path) -> list[int]:
    """The `lensmap open` processes that hold `session` open: a page's app, not the spare one
    started before its page, which has not opened it (zombies have no command line)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                mentions = " lensmap open " in cmdline and str(session) in cmdline
                if mentions and holds(proc, session):
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


def holds(proc: Path, path: Path) -> bool:
    """Whether process `proc` (its /proc folder) has `path` open."""
    for fd in (proc / "fd").iterdir():
        try:
            if os.readlink(fd) == str(path.resolve()):
                return True
        except OSError:
            continue
    return False


@dataclass
class Serving:
    """A running `lensmap serve`, and everything it has said so far."""

    server: subprocess.Popen
    port: int
    session: Path
    url: str
    key: str
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)

    def said_since(self, mark: int, lines: int = 1, limit: float = 10.0) -> list[str]:
        """What the terminal has said (stderr) since `mark`, once it has said `lines`."""
        start = time.monotonic()
        while len(self.err) - mark < lines and time.monotonic() - start < limit:
            time.sleep(0.05)
        time.sleep(0.2)  # and anything said just after
        return self.err[mark:]

    def no_app_within(self, limit: float = 15.0) -> bool:
        start = time.monotonic()
        while app_pids(self.session) and time.monotonic() - start < limit:
            time.sleep(0.1)
        return not app_pids(self.session)


def _collect(stream, into: list[str]) -> None:
    for line in stream:
        into.append(line.rstrip("\n"))


@pytest.fixture(scope="module")
def serving(tmp_path_factory):
    data = tmp_path_factory.mktemp("serve-abuse")
    session = data / "event.lens"
    env = {**os.environ, "LENSMAP_DATA_DIR": str(data / "data")}
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "lensmap", "serve", "--session", str(session),
         "--port", str(port), "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
        text=True,
    )  # fmt: skip
    out = [server.stdout.readline().rstrip("\n"), server.stdout.readline().rstrip("\n")]
    assert "lensmap is ready (no browser opened): open the page at" in out[1], out
    url = out[1].split(" at ", 1)[1]
    found = KEY.search(url)
    assert found and url == f"http://127.0.0.1:{port}/{found[1]}/", url
    running = Serving(server, port, session, url, found[1], out=out)
    for stream, into in ((server.stdout, running.out), (server.stderr, running.err)):
        threading.Thread(target=_collect, args=(stream, into), daemon=True).start()
    yield running
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGKILL)
    for pid in app_pids(session):  # a failed test must not leave an app running
        os.kill(pid, signal.SIGKILL)


def get(port: int, path: str, host: str | None = None, **headers) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("GET", path, skip_host=True)
    conn.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


class RawPage:
    """A websocket to the server by hand: what lensmap's page sends, or anything else."""

    def __init__(
        self, port: int, path: str, origin: str | None = "same", small=False,
        query: str = "width=80&height=24",
    ) -> None:  # fmt: skip
        self.sock = socket.socket()
        if small:  # a page that takes a big frame slowly: the server is still sending it
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(10)
        self.sock.connect(("127.0.0.1", port))
        here = f"127.0.0.1:{port}"
        lines = [f"GET {path}?{query} HTTP/1.1", f"Host: {here}", "Upgrade: websocket",
                 "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                 "Sec-WebSocket-Version: 13"]  # fmt: skip
        if origin:
            lines.append(f"Origin: {f'http://{here}' if origin == 'same' else origin}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            self.buffer += chunk
        self.head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        self.status = int(self.head.split(b" ", 2)[1]) if self.head else 0
        self.drawn = bytearray()
        self.close_code: int | None = None
        self.close_reason = b""

    def send(self, payload: str | bytes, opcode: int = 1) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        size = len(data)
        if size < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
        elif size < 65536:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
        mask = os.urandom(4)
        masked = (
            int.from_bytes(data, "big") ^ int.from_bytes((mask * (size // 4 + 1))[:size], "big")
        ).to_bytes(size, "big")
        self.sock.sendall(head + mask + masked)

    def send_json(self, value) -> None:
        self.send(json.dumps(value))

    def _take(self, count: int, deadline: float) -> bytes | None:
        while len(self.buffer) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except (TimeoutError, ConnectionError):
                return None
            if not chunk:
                return None
            self.buffer += chunk
        taken, self.buffer = self.buffer[:count], self.buffer[count:]
        return taken

    def read(self, seconds: float, until: bytes | None = None) -> bool:
        """Read what the app draws for up to `seconds`, or until it has drawn `until`, or the
        server closes the page. True when the server closed it."""
        deadline = time.monotonic() + seconds
        while True:
            if until is not None and until in self.drawn:
                return False
            head = self._take(2, deadline)
            if head is None:
                return False
            opcode, size = head[0] & 0x0F, head[1] & 0x7F
            if size == 126:
                size = struct.unpack("!H", self._take(2, deadline + 5))[0]
            elif size == 127:
                size = struct.unpack("!Q", self._take(8, deadline + 5))[0]
            payload = self._take(size, deadline + 5) or b""
            if opcode == 8:
                self.close_code = struct.unpack("!H", payload[:2])[0] if payload else 1005
                self.close_reason = payload[2:]
                return True
            if opcode == 2:
                self.drawn += payload

    def wait_until_drawn(self, seconds: float = 30.0) -> None:
        self.read(seconds, until=b"Ways in")
        assert b"Ways in" in self.drawn, "the app never drew the map"

    def close(self) -> None:
        try:
            self.send(struct.pack("!H", 1000), opcode=8)
            self.read(5)
        except OSError:
            pass
        self.sock.close()

    def abort(self) -> None:
        """Gone at once, mid-frame, as a crashed tab or a dropped network goes."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


def test_nothing_but_public_files_is_served_without_the_key(serving):
    port, key = serving.port, serving.key
    wrong = "abcd-efgh-jkmn" if key != "abcd-efgh-jkmn" else "bcde-fghj-kmnp"
    for path in ["/", f"/?token={key}", f"/{wrong}/", "/static", f"/x/{key}/", "/index.html",
                 f"/{key}x/", f"/ws?token={key}"]:  # fmt: skip
        refused = get(port, path)
        assert refused.status == 403, path
        assert refused.headers["Content-Type"].startswith("text/html")
        page = refused.body.decode()
        assert "needs its key" in page and "lensmap serve" in page
        assert key not in page and "<script" not in page
    assert get(port, f"/{key}/").status == 200
    assert get(port, f"/{key}").status == 200  # said aloud without the last slash
    assert get(port, f"/{key.upper()}/").status == 200  # typed in capitals
    assert get(port, "/static/js/textual.js").status == 200  # public code, no key needed


@pytest.mark.parametrize("origin", ["same", None])
def test_a_websocket_without_the_key_is_refused_with_or_without_an_origin(serving, origin):
    port, key = serving.port, serving.key
    for path in ["/ws", f"/ws/{key}", f"/static/{key}/ws", "/abcd-efgh-jkmn/ws", f"/{key}x/ws"]:
        page = RawPage(port, path, origin=origin)
        assert page.status == (404 if path.startswith("/static/") else 403), path
        page.sock.close()
    page = RawPage(port, "/ws", origin=origin, query=f"token={key}&width=80&height=24")
    assert page.status == 403  # the key is part of the path, not a question asked of it
    page.sock.close()


def test_a_program_with_the_key_and_no_origin_reaches_the_session(serving):
    page = RawPage(serving.port, f"/{serving.key}/ws", origin=None)
    assert page.status == 101 and b"\r\nServer: lensmap\r\n" in page.head
    page.wait_until_drawn()
    page.close()
    assert serving.no_app_within()


def test_the_page_itself_carries_the_key_to_its_websocket(serving):
    page = get(serving.port, f"/{serving.key.upper()}/").body.decode()
    assert f'data-session-websocket-url="ws://127.0.0.1:{serving.port}/{serving.key}/ws"' in page


def test_folders_are_never_listed(serving):
    for path in ["/static/", "/static/js/", "/static/css/", "/static/fonts/"]:
        answer = get(serving.port, path)
        assert answer.status == 404, path
        assert b"Index of" not in answer.body and b"textual.js" not in answer.body


def test_the_server_names_no_versions(serving):
    port, key = serving.port, serving.key
    answers = [get(port, f"/{key}/"), get(port, "/"), get(port, "/static/js/textual.js"),
               get(port, "/static/"), get(port, f"/{key}/", host="127.0.0.1:1")]  # fmt: skip
    assert [a.headers["Server"] for a in answers] == ["lensmap"] * len(answers)
    page = RawPage(port, "/ws")
    assert page.status == 403 and b"\r\nServer: lensmap\r\n" in page.head
    page.sock.close()
    mark = len(serving.err)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:  # not HTTP at all
        raw.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nBad Header\r\n\r\n".encode())
        said = raw.recv(4096)
    assert said.startswith(b"HTTP/1.") and b" 400 " in said.split(b"\r\n")[0]
    assert b"\r\nServer: lensmap\r\n" in said and b"aiohttp" not in said and b"Python" not in said
    told = serving.said_since(mark)  # and the terminal says so in one line
    assert len(told) == 1 and "a request was refused" in told[0] and calm(told), told


@pytest.mark.parametrize(
    ("host", "status"),
    [("127.0.0.1:99999", 400), ("127.0.0.1:abc", 400), ("127.0.0.1:", 400), ("", 400),
     ("127.0.0.1:1", 421), ("127.0.0.1", 421), ("localhost:1", 421), ("evil.example:{port}", 403)],
)  # fmt: skip
def test_a_host_with_a_bad_port_or_a_strange_name_is_refused(serving, host, status):
    asked = host.format(port=serving.port)
    assert get(serving.port, f"/{serving.key}/", host=asked).status == status
    assert get(serving.port, f"/{serving.key}/", host=f"localhost:{serving.port}").status == 200


def open_page(serving, **how) -> RawPage:
    page = RawPage(serving.port, f"/{serving.key}/ws", **how)
    assert page.status == 101
    page.wait_until_drawn()
    return page


def calm(lines: list[str]) -> bool:
    return not any("Traceback" in line or "│" in line or line.startswith(" ") for line in lines)


# What a tester sent, and one of each other kind (every shape is checked in test_serve.py).
UNREADABLE = [
    ('["resize", {"width": "x", "height": -5}]', "a screen size that is not two whole numbers"),
    ("not json {", "a message that is not JSON"),
    ('["launch", "rm -rf ~"]', "a kind of message lensmap's page never sends"),
    ('["stdin", 5]', "typed keys that are not text"),
]


def test_a_message_no_page_sends_closes_that_page_calmly(serving):
    """Each closes its page with a reason, says one plain line in the terminal, ends that
    page's app, and leaves the session free for the next page."""
    binary = (b"\x00\x01binary", "a kind of message lensmap's page never sends")
    for text, words in [*UNREADABLE, binary]:
        page = open_page(serving)
        mark = len(serving.err)
        if isinstance(text, bytes):
            page.send(text, opcode=2)
        else:
            page.send(text)
        assert page.read(10), f"{text[:40]!r} did not close the page"
        assert page.close_code == 1008, text[:40]
        assert page.close_reason == b"lensmap could not read a message from this page"
        page.sock.close()
        said = serving.said_since(mark)
        assert said == [f"lensmap serve: closed a page that sent {words}; nothing was lost"]
        assert calm(said), said
        assert serving.no_app_within(), f"{text[:40]!r} left its app running"


def test_a_huge_message_closes_that_page_calmly(serving):
    page = open_page(serving)
    mark = len(serving.err)
    with contextlib.suppress(OSError):  # the server may stop reading before it is all sent
        page.send(json.dumps(["stdin", "a" * 300_000]))
    assert page.read(10)
    assert page.close_code == 1009  # too big
    page.sock.close()
    said = serving.said_since(mark)
    assert said == [
        "lensmap serve: closed a page that sent a message over 256 KB; nothing was lost"
    ]
    assert serving.no_app_within()


def test_a_screen_size_is_kept_to_one_a_screen_could_be(serving):
    """A 3000 by 3000 resize took the app to 300 MB: it is kept to 500 by 200 cells."""
    page = open_page(serving)
    mark = len(serving.err)
    page.send_json(["resize", {"width": 3000, "height": 3000}])
    page.read(5)  # kept to 500 by 200, it draws in a second at about 75 MB
    (pid,) = app_pids(serving.session)
    status = Path(f"/proc/{pid}/status").read_text()
    peak_mb = int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) // 1024
    page.send_json(["resize", {"width": -5, "height": 0}])  # and never below 20 by 10
    page.read(1)
    assert peak_mb < 150, f"the app grew to {peak_mb} MB"  # unkept, it passes 200 MB by then
    page.send_json(["stdin", "x"])  # still alive, still taking keys
    assert not page.read(1)
    page.close()
    assert serving.said_since(mark, lines=0) == []
    assert serving.no_app_within()


def test_a_page_closed_mid_frame_lets_go_of_the_session_at_once(serving):
    """A page that goes while a big frame is being sent to it: its app is ended and the next
    page opens the session within seconds (it used to be held until the server restarted)."""
    mark = len(serving.err)
    page = open_page(serving, small=True)
    for width in (500, 499, 500, 498):  # big frames, one after another, never read
        page.send_json(["resize", {"width": width, "height": 200}])
    page.send_json(["stdin", "jjjjkkkk"])
    time.sleep(0.5)
    page.abort()
    started = time.monotonic()
    second = open_page(serving)
    assert time.monotonic() - started < 10
    assert b"as many pages open" not in second.drawn
    assert len(app_pids(serving.session)) == 1  # the new page's, and no other
    second.close()
    assert serving.no_app_within()
    assert calm(serving.said_since(mark, lines=0))


def test_a_tab_closed_while_its_app_starts_is_calm(serving):
    mark = len(serving.err)
    first = open_page(serving)
    second = RawPage(serving.port, f"/{serving.key}/ws")  # a window of its own
    assert second.status == 101
    time.sleep(1)
    second.abort()  # closed while its app was starting: nothing to report
    time.sleep(6.5)  # RELOAD_WAIT, and then some
    first.close()
    said = serving.said_since(mark, lines=0)
    assert said == [], said
    assert serving.no_app_within()


def test_ctrl_c_leaves_nothing_running_and_the_key_was_said_once(serving):
    page = open_page(serving)
    os.killpg(serving.server.pid, signal.SIGINT)
    assert serving.server.wait(timeout=20) == 0
    page.read(10)
    page.sock.close()
    time.sleep(0.3)
    assert serving.no_app_within(5)
    everything = serving.out + serving.err
    assert [line for line in everything if serving.key in line] == [serving.out[1]]
    assert calm(serving.err), serving.err
    assert serving.out[-1].startswith("Stopped. Session saved in")
