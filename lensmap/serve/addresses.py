"""Where `lensmap serve` listens, and which requests it answers."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import re
import socket

from ..files.problems import CannotDo

# What a browser sends as Host: a name or IPv4 address, or a bracketed IPv6 one, then a port.
HOST_HEADER = re.compile(r"(?P<name>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(?P<port>\d{1,5}))?")


def is_local(host: str) -> bool:
    """True for addresses only this computer can reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def addressed_directly(request_host: str, bound: str) -> bool:
    """True when the browser asked for this server by IP address, "localhost" or the host
    it was started with, not by some other name that happens to lead here (DNS rebinding),
    and the Host header is well formed (it is written into the page)."""
    found = HOST_HEADER.fullmatch(request_host)
    if not found:
        return False
    name = found["name"].strip("[]").lower()
    if name in ("localhost", bound.lower()):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_refusal(request_host: str, bound: str, port: int) -> int | None:
    """None when the browser asked for this server as it was started: by address (or the
    name it was given) and on the port it listens on. Otherwise the status to refuse with:
    400 for a Host header that is not one, 421 for another port (the request was meant for
    some other server), 403 for a name that merely leads here."""
    found = HOST_HEADER.fullmatch(request_host)
    if not found:
        return 400
    asked = int(found["port"] or 80)
    if not 1 <= asked <= 65535:
        return 400
    if asked != port:
        return 421
    return None if addressed_directly(request_host, bound) else 403


def _this_computer(host: str) -> str:
    """The address this computer reaches a server on: "every address" means loopback here."""
    return {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)


def _shown(host: str) -> str:
    host = _this_computer(host)
    return f"[{host}]" if ":" in host else host


def page_url(host: str, port: int, key: str = "") -> str:
    """The address to open on this computer (with the run's key, when it has one)."""
    return f"http://{_shown(host)}:{port}/" + (f"{key}/" if key else "")


def network_urls(host: str, port: int, key: str = "") -> list[str]:
    """Addresses other computers could use, when serving beyond this one."""
    end = f"{key}/" if key else ""
    if is_local(host):
        return []
    if host not in ("0.0.0.0", "::"):
        return [f"http://{_shown(host)}:{port}/{end}"]
    family = socket.AF_INET6 if host == "::" else socket.AF_INET
    found: set[str] = set()
    with contextlib.suppress(OSError):  # this computer's names, as the network knows them
        found.update(
            str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None, family)
        )
    # ... and the address it would reach the network from (a UDP "connect" sends nothing).
    with contextlib.suppress(OSError), socket.socket(family, socket.SOCK_DGRAM) as probe:
        probe.connect(("2001:db8::1" if family == socket.AF_INET6 else "192.0.2.1", 9))
        found.add(probe.getsockname()[0])
    usable = []
    for address in found:
        with contextlib.suppress(ValueError):
            ip = ipaddress.ip_address(address.split("%")[0])
            if not (ip.is_loopback or ip.is_link_local or ip.is_unspecified):
                usable.append(address)
    return [f"http://{_shown(a)}:{port}/{end}" for a in sorted(usable)]


def _listening(host: str, port: int) -> bool:
    """Whether some program already accepts connections there (on macOS and BSD, binding can
    succeed beside a program listening on every address, so asking is surer)."""
    try:
        with socket.create_connection((_this_computer(host), port), timeout=0.5):
            return True
    except OSError:
        return False


class CannotListen(CannotDo):
    """The server cannot listen where it was asked: the port is in use, or the host is not
    an address of this computer."""


def check_port(host: str, port: int) -> None:
    """Say clearly, before anything starts, when the address cannot be used (CannotListen)."""
    problem, advice = None, f"try --port {port + 1}"
    if _listening(host, port):
        problem = "another program is using it"
    else:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            if os.name != "nt":  # as the server itself will; a port just let go is free
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError as exc:
                problem = exc.strerror or str(exc)
                if exc.errno != errno.EADDRINUSE:  # not the port: the address itself
                    advice = "check --host (127.0.0.1 is this computer only)"
    if problem:
        raise CannotListen.single(
            "lensmap serve", f"cannot listen on {host} port {port} ({problem}); {advice}"
        )
