"""`lensmap serve` before any browser: where it listens, what it warns, and bad input."""

from __future__ import annotations

import os
import socket

import pytest

from lensmap.cli import main
from lensmap.serve import app_argv, is_local, page_url


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("LENSMAP_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def busy_port():
    """A port another program is already listening on, on every address."""
    with socket.socket() as other:
        other.bind(("0.0.0.0", 0))
        other.listen()
        yield other.getsockname()[1]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_addresses_are_local(host):
    assert is_local(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "lensmap.example.org"])
def test_other_addresses_are_not(host):
    assert not is_local(host)


def test_the_printed_address_is_one_a_browser_can_open():
    assert page_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert page_url("0.0.0.0", 8000) == "http://127.0.0.1:8000/"
    assert page_url("::1", 8080) == "http://[::1]:8080/"


def test_each_page_runs_this_lensmap_without_a_shell():
    argv = app_argv(["my pathway; rm -rf ~.toml", "--session", "a b.lens"])
    assert argv[1:4] == ["-m", "lensmap", "open"]
    assert argv[4] == "my pathway; rm -rf ~.toml"  # one argument, never read by a shell


def test_a_busy_port_is_a_clear_message(busy_port, capsys):
    assert main(["serve", "--no-browser", "--port", str(busy_port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1 port {busy_port}" in err
    assert f"try --port {busy_port + 1}" in err and "Traceback" not in err


def test_serving_beyond_this_computer_is_warned_about(busy_port, capsys):
    assert main(["serve", "--no-browser", "--host", "0.0.0.0", "--port", str(busy_port)]) == 2
    err = capsys.readouterr().err
    assert "warning: serving on 0.0.0.0: anyone on that network who has the address" in err


def test_bad_pathway_is_reported_before_serving(make_file, capsys):
    broken = make_file("broken.toml", 'id = "x"\ntitle = "X"\n[[stages]]\nid = "a"\n')
    assert main(["serve", "--no-browser", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "broken.toml" in err and "lensmap is ready" not in err


def test_one_command_opens_the_browser_at_the_address_and_serves_the_session(
    monkeypatch, capsys, tmp_path
):
    import lensmap.serve as serve

    opened, served = [], []

    class FakeServer:
        pages_seen = 0
        room = None

        def serve(self):
            served.append(True)

    def fake_make_server(argv, host, port, title, key, room=None):
        served.append((argv, host, port, title, key))
        return FakeServer()

    monkeypatch.setattr(serve, "open_browser_soon", opened.append)
    monkeypatch.setattr(serve, "make_server", fake_make_server)
    session = tmp_path / "event.lens"
    with socket.socket() as probe:  # a port nothing is listening on
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    assert main(["serve", "--port", str(free), "--session", str(session)]) == 0
    (argv, host, port, title, key), ran = served
    assert opened == [f"http://127.0.0.1:{free}/{key}/"]  # the address, with this run's key
    assert ran is True and (host, port) == ("127.0.0.1", free)
    assert title == "lensmap: Community alcohol and drug service (example)"
    assert argv[argv.index("--session") + 1] == str(session.resolve())
    assert session.exists()  # started (and checked) before the first page asks for it
    assert f"Stopped. Session saved in {session.resolve()}" in capsys.readouterr().out
    assert main(["serve", "--no-browser", "--port", str(free), "--session", str(session)]) == 0
    assert len(opened) == 1  # --no-browser only prints the address
    assert served[2][4] != key  # a new key each run


@pytest.mark.parametrize(
    ("asked", "allowed"),
    [("127.0.0.1:8000", True), ("localhost:8000", True), ("[::1]:8000", True),
     ("192.168.1.4:8000", True), ("evil.example:8000", False), ("127.0.0.1.nip.io:8000", False)],
)  # fmt: skip
def test_only_addresses_not_names_reach_the_page(asked, allowed):
    from lensmap.serve import addressed_directly

    assert addressed_directly(asked, "127.0.0.1") is allowed
    assert addressed_directly("laptop.local:8000", "laptop.local")  # the name it was given


def test_a_host_header_cannot_carry_anything_into_the_page():
    from lensmap.serve import addressed_directly

    assert not addressed_directly("127.0.0.1:8000; script-src *", "127.0.0.1")
    assert not addressed_directly('127.0.0.1:8000" onload="x', "127.0.0.1")
    assert not addressed_directly("", "127.0.0.1")


def test_every_address_printed_is_one_that_works():
    from lensmap.serve import network_urls

    assert page_url("::", 8000) == "http://[::1]:8000/"  # IPv6-only: not 127.0.0.1
    assert network_urls("127.0.0.1", 8000) == []
    assert network_urls("192.168.1.20", 8000) == ["http://192.168.1.20:8000/"]
    assert all(
        u.startswith("http://") and u.endswith(":8000/") for u in network_urls("0.0.0.0", 8000)
    )


STUBBORN = """
import sys, time
print("__GANGLION__", flush=True)
sys.stderr.write("stubborn app: will not quit\\n"); sys.stderr.flush()
while True:
    time.sleep(1)  # never reads its input, so never hears "quit"
"""


async def test_an_app_that_will_not_quit_is_ended_and_its_message_said_once():
    import sys

    from textual_serve.download_manager import DownloadManager

    from lensmap.serve.server import page_app

    said = []
    app_class = page_app([sys.executable, "-c", STUBBORN], say=lambda *a, **k: said.append(a[0]))
    app_class.quit_wait = 1.0

    async def nothing(*_):
        return True

    service = app_class("stubborn", write_bytes=nothing, write_str=nothing, close=nothing,
                        download_manager=DownloadManager())  # fmt: skip
    await service.start(80, 24)
    process = service._process
    await service.stop()
    assert process.returncode is not None  # ended, not left running
    assert said == ["stubborn app: will not quit"]


@pytest.mark.parametrize("port", ["99999", "0", "-1", "eight"])
def test_a_port_that_cannot_be_is_a_clear_message(port, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--no-browser", "--port", port])
    assert stopped.value.code == 2
    assert "is not a port number; use one from 1 to 65535" in capsys.readouterr().err


def test_an_address_that_cannot_be_is_not_blamed_on_the_port(capsys):
    assert main(["serve", "--no-browser", "--host", "nosuchhost.invalid", "--port", "9555"]) == 2
    err = capsys.readouterr().err
    assert "cannot listen on nosuchhost.invalid port 9555" in err and "check --host" in err
    assert "try --port" not in err


def test_each_run_has_a_key_that_reads_aloud():
    import re

    from lensmap.serve import new_key
    from lensmap.serve.key import ALPHABET

    keys = {new_key() for _ in range(200)}
    assert len(keys) == 200
    for key in keys:
        assert re.fullmatch(rf"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}", key), key
    assert not set("01ilo") & set(ALPHABET) and len(ALPHABET) ** 12 > 2**59


def test_a_key_is_taken_as_typed_and_nothing_else():
    from lensmap.serve import key_matches

    assert key_matches("k7m4-x9q2-wd3h", "k7m4-x9q2-wd3h")
    assert key_matches("K7M4-X9Q2-WD3H", "k7m4-x9q2-wd3h")  # typed in capitals
    assert key_matches("k7m4x9q2wd3h", "k7m4-x9q2-wd3h")  # or without its dashes
    for wrong in ["k7m4-x9q2-wd3j", "k7m4-x9q2", "", None, "k7m4-x9q2-wd3hh", "ķ7m4-x9q2-wd3h"]:
        assert not key_matches(wrong, "k7m4-x9q2-wd3h"), wrong
    assert not key_matches("", "")


def test_the_printed_addresses_carry_the_key():
    from lensmap.serve import network_urls

    assert page_url("127.0.0.1", 8000, "k7m4-x9q2-wd3h") == "http://127.0.0.1:8000/k7m4-x9q2-wd3h/"
    assert page_url("::1", 8080, "k7m4-x9q2-wd3h") == "http://[::1]:8080/k7m4-x9q2-wd3h/"
    assert network_urls("192.168.1.20", 8000, "k7m4-x9q2-wd3h") == [
        "http://192.168.1.20:8000/k7m4-x9q2-wd3h/"
    ]
    assert all(
        u.endswith(":8000/k7m4-x9q2-wd3h/") for u in network_urls("0.0.0.0", 8000, "k7m4-x9q2-wd3h")
    )


@pytest.mark.parametrize(
    ("asked", "status"),
    [("127.0.0.1:8000", None), ("localhost:8000", None), ("[::1]:8000", None),
     ("192.168.1.4:8000", None), ("127.0.0.1:99999", 400), ("127.0.0.1:abc", 400),
     ("127.0.0.1:", 400), ("", 400), ("127.0.0.1:8001", 421), ("127.0.0.1", 421),
     ("evil.example:8000", 403), ("127.0.0.1:8000, evil.example", 400)],
)  # fmt: skip
def test_a_host_header_names_this_server_and_its_port(asked, status):
    from lensmap.serve import host_refusal

    assert host_refusal(asked, "127.0.0.1", 8000) == status
    assert host_refusal("127.0.0.1", "127.0.0.1", 80) is None  # port 80 goes unsaid


@pytest.mark.parametrize(
    ("text", "read"),
    [('["stdin", "q"]', ("stdin", "q")),
     ('["resize", {"width": 120, "height": 36}]', ("resize", (120, 36))),
     ('["resize", {"width": 3000, "height": 3000}]', ("resize", (500, 200))),
     ('["resize", {"width": -5, "height": 0}]', ("resize", (20, 10))),
     ('["ping", "1733"]', ("ping", "1733")), ('["focus"]', ("focus", None)),
     ('["blur"]', ("blur", None))],
)  # fmt: skip
def test_what_lensmaps_page_sends_is_read_and_sizes_kept_to_a_screen(text, read):
    from lensmap.serve.server import read_message

    assert read_message(text) == read


@pytest.mark.parametrize(
    "text",
    ['["resize", {"width": "x", "height": -5}]', '["resize", {"width": 80.5, "height": 24}]',
     '["resize", {"width": true, "height": 24}]', '["resize", {"width": 80}]', '["resize"]',
     '["resize", [80, 24]]', "not json {", "[" * 100_000, "1" * 5000, '{"stdin": "q"}', "[]",
     "[1]", '["launch", "rm -rf ~"]', '["stdin", 5]', '["stdin", ["q"]]', '["stdin"]',
     '["stdin", "q", "r"]', '["ping", {"a": 1}]', '["ping", "' + "9" * 65 + '"]',
     '["focus", 1, 2]', "null", '"stdin"'],
)  # fmt: skip
def test_anything_else_is_unreadable_in_plain_words(text):
    from lensmap.serve.server import Unreadable, read_message

    with pytest.raises(Unreadable) as unreadable:
        read_message(text)
    words = str(unreadable.value)
    assert words.startswith(("a ", "typed")) and "\n" not in words and "rm -rf" not in words


def test_the_terminal_gets_one_plain_line_never_a_traceback():
    import logging

    from lensmap.serve.server import OneLine

    def line(name, message, error=None):
        try:
            if error:
                raise error
        except Exception:
            import sys

            record = logging.LogRecord(
                name, logging.ERROR, __file__, 1, message, (), sys.exc_info()
            )
        else:
            record = logging.LogRecord(name, logging.ERROR, __file__, 1, message, (), None)
        return OneLine().format(record)

    reset = line("aiohttp.server", "Error handling request from %s", ConnectionResetError("x"))
    assert reset == "lensmap serve: a page's connection ended early; nothing was lost"
    broken = line("aiohttp.server", "Error handling request", ValueError("bad\x1b[2J\nthing"))
    assert broken.startswith("lensmap serve: a request was refused or could not be answered")
    assert "\x1b" not in broken and "\n" not in broken and "Traceback" not in broken
    assert len(line("asyncio", "x" * 5000)) < 320


STUCK_WRITING = """
import sys
print("__GANGLION__", flush=True)
frame = b"D" + (1_000_000).to_bytes(4, "big") + b"x" * 1_000_000
while True:  # big frames, and never a look at its input (so never hears "quit")
    sys.stdout.buffer.write(frame); sys.stdout.buffer.flush()
"""

WITH_A_CHILD = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print(child.pid, file=sys.stderr, flush=True)
print("__GANGLION__", flush=True)
time.sleep(60)
"""


def _service(script: str, said: list, **writes):
    import sys

    from textual_serve.download_manager import DownloadManager

    from lensmap.serve.server import page_app

    app_class = page_app([sys.executable, "-c", script], say=lambda *a, **k: said.append(a[0]))
    app_class.quit_wait, app_class.end_wait = 1.0, 1.0

    async def nothing(*_):
        return True

    functions = {"write_bytes": nothing, "write_str": nothing, "close": nothing, **writes}
    return app_class("test", download_manager=DownloadManager(), **functions)


def _running(pid: int) -> bool:
    from pathlib import Path

    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups: POSIX only")
async def test_an_app_whose_page_went_mid_frame_is_still_ended():
    """The page has gone while a big frame was on its way: the app, stuck writing the rest of
    it, is ended all the same, and soon (this used to wait for ever, holding the session)."""
    import asyncio

    async def gone(_):
        raise ConnectionResetError("Cannot write to closing transport")

    service = _service(STUCK_WRITING, [], write_bytes=gone)
    await service.start(80, 24)
    process = service._process
    await asyncio.sleep(0.5)
    await asyncio.wait_for(service.stop(), timeout=10)
    assert process.returncode is not None


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups: POSIX only")
async def test_whatever_fails_while_stopping_an_app_it_is_ended_with_its_process_group():
    import asyncio

    said = []
    service = _service(WITH_A_CHILD, said)
    await service.start(80, 24)
    process = service._process
    for _ in range(100):
        if said or service.ready:
            break
        await asyncio.sleep(0.05)

    async def broken(_):
        raise ValueError("something nobody expected")

    service.send_meta = broken
    with pytest.raises(ValueError):
        await asyncio.wait_for(service.stop(), timeout=10)
    assert process.returncode is not None
    (child,) = [int(n) for n in said[0].split()]
    for _ in range(40):
        if not _running(child):
            break
        await asyncio.sleep(0.05)
    assert not _running(child)  # what the app started went with it


def test_an_apps_crash_report_is_one_line_in_the_serve_terminal():
    from lensmap.serve.server import app_problem

    report = "\n".join(
        ["╭───── Traceback (most recent call last) ─────╮", "│ note = 'Lauren told us…'  │"] * 30
        + ["ValidationError: 1 validation error for Tag", "note", "  String should have…"]
    )
    said = app_problem(report)
    assert "\n" not in said and "Lauren" not in said
    assert "ValidationError: 1 validation error for Tag" in said
    assert "Every action it saved is kept" in said
    plain = "ev.lens: is open in another lensmap window; carry on there"
    assert app_problem(plain + "\n") == plain
    assert app_problem("\x1b]0;x\x07 gone") == "]0;x  gone"


def test_a_spare_app_reads_its_pages_size_and_nothing_after_it(monkeypatch):
    """The app process started before its page takes the size the server writes, and leaves
    what follows (the page's keys) for the app."""
    from lensmap.serve.waiting import size_line, wait_for_page

    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("ROWS", "24")
    readable, writable = os.pipe()
    try:
        os.write(writable, size_line(132, 41) + b"D\x00\x00\x00\x01x")
        assert wait_for_page(readable) == (132, 41)
        assert (os.environ["COLUMNS"], os.environ["ROWS"]) == ("132", "41")
        assert os.read(readable, 100) == b"D\x00\x00\x00\x01x"
    finally:
        os.close(readable)
        os.close(writable)


@pytest.mark.parametrize("sent", [b"", b"132 41", b"wide tall\n", b"9" * 40])
def test_a_spare_app_let_go_or_told_nonsense_opens_nothing(sent):
    from lensmap.serve.waiting import NoSize, wait_for_page

    readable, writable = os.pipe()
    os.write(writable, sent)
    os.close(writable)
    try:
        if sent in (b"", b"132 41"):  # the server ended before a page came: nothing to do
            assert wait_for_page(readable) is None
        else:
            with pytest.raises(NoSize):
                wait_for_page(readable)
    finally:
        os.close(readable)


def test_a_spare_app_the_server_never_needed_creates_no_session(tmp_path):
    import subprocess
    import sys

    from lensmap.files.examples import example_pathway

    session = tmp_path / "event.lens"
    env = {**os.environ, "LENSMAP_PAGE_WAITS": "1", "LENSMAP_SERVED": "1"}
    command = ["open", str(example_pathway()), "--session", str(session)]
    done = subprocess.run(
        [sys.executable, "-m", "lensmap", *command],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert not session.exists()


SAYS_ITS_SIZE = """
import os, sys
line = b""
while not line.endswith(b"\\n"):
    line += os.read(0, 1)
print("__GANGLION__", flush=True)
sys.stderr.write(f"{os.getpid()} sized {line.decode().strip()}\\n")
"""


async def test_a_page_gets_the_spare_app_or_a_new_one_if_the_spare_has_gone():
    import sys

    from textual_serve.download_manager import DownloadManager

    from lensmap.serve.server import page_app

    said = []
    argv = [sys.executable, "-c", SAYS_ITS_SIZE]
    app_class = page_app(argv, say=lambda *a, **_: said.append(a[0]))

    async def nothing(*_):
        return True

    async def a_page(width: int, height: int):
        service = app_class("test", write_bytes=nothing, write_str=nothing, close=nothing,
                            download_manager=DownloadManager())  # fmt: skip
        await service.start(width, height)
        await service._task  # it says its size and ends
        await service.stop()
        return service._process

    await app_class.start_spare()
    spare = app_class.spare
    assert spare.returncode is None  # waiting for a page
    assert (await a_page(100, 30)) is spare and said == [f"{spare.pid} sized 100 30"]
    assert app_class.spare is None  # taken: the server starts the next one

    await app_class.start_spare()
    gone = app_class.spare
    gone.kill()
    await gone.wait()
    used = await a_page(90, 25)
    assert used is not gone and said[-1] == f"{used.pid} sized 90 25"

    await app_class.start_spare()
    left = app_class.spare
    await app_class.end_spare()  # the server stops: the spare goes with it
    assert left.returncode is not None and app_class.spare is None


async def test_a_spare_is_started_once_and_never_left_behind():
    """Two starts at once make one spare; stopping while one starts ends it too."""
    import asyncio
    import sys

    from lensmap.serve.server import page_app

    app_class = page_app([sys.executable, "-c", SAYS_ITS_SIZE], say=lambda *a, **_: None)
    app_class.end_wait = 2.0
    spawned = []
    spawn = app_class._spawn

    async def counted():
        process = await spawn()
        spawned.append(process)
        return process

    app_class._spawn = counted
    await asyncio.gather(app_class.start_spare(), app_class.start_spare())
    assert len(spawned) == 1 and app_class.spare is spawned[0]
    await app_class.end_spare()

    starting = asyncio.ensure_future(app_class.start_spare())
    await asyncio.sleep(0)  # it is starting: the server stops now
    await app_class.end_spare()
    await starting
    assert app_class.spare is None
    assert all(p.returncode is not None for p in spawned)  # none left running
