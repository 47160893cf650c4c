"""`lensmap serve` before any browser: where it listens, what it warns, and bad input."""

from __future__ import annotations

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
    assert "warning: serving on 0.0.0.0: anyone who can reach this computer" in err


def test_bad_pathway_is_reported_before_serving(make_file, capsys):
    broken = make_file("broken.toml", 'id = "x"\ntitle = "X"\n[[stages]]\nid = "a"\n')
    assert main(["serve", "--no-browser", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "broken.toml" in err and "ready in your browser" not in err


def test_one_command_opens_the_browser_at_the_address_and_serves_the_session(
    monkeypatch, capsys, tmp_path
):
    import lensmap.serve as serve

    opened, served = [], []

    class FakeServer:
        def serve(self):
            served.append(True)

    def fake_make_server(argv, host, port, title):
        served.append((argv, host, port, title))
        return FakeServer()

    monkeypatch.setattr(serve, "open_browser_soon", opened.append)
    monkeypatch.setattr(serve, "make_server", fake_make_server)
    session = tmp_path / "event.lens"
    with socket.socket() as probe:  # a port nothing is listening on
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    assert main(["serve", "--port", str(free), "--session", str(session)]) == 0
    assert opened == [f"http://127.0.0.1:{free}/"]
    (argv, host, port, title), ran = served
    assert ran is True and (host, port) == ("127.0.0.1", free)
    assert title == "lensmap: Community alcohol and drug service (example)"
    assert argv[argv.index("--session") + 1] == str(session.resolve())
    assert session.exists()  # started (and checked) before the first page asks for it
    assert f"Stopped. Session saved in {session.resolve()}" in capsys.readouterr().out
    assert main(["serve", "--no-browser", "--port", str(free), "--session", str(session)]) == 0
    assert len(opened) == 1  # --no-browser only prints the address


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
