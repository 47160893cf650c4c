"""The textual-serve server behind `lensmap serve`, made fit for a meeting room: one page
holds the session, apps start without a shell and always stop (even when a page goes
mid-frame), nothing is served without the run's key, only lensmap's own page can connect,
anything a page sends is checked, and the terminal shows plain one-line messages.

Here: making the server, and what needs no web library (a page's messages checked, the
terminal's one-line messages). textual-serve's two classes are subclassed in web_server.py
(its Server) and app_service.py (its AppService), both imported only when a server is made:
every page's app process imports this package (waiting.py), and needs neither."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, TypeGuard

from ..wording.screen_text import shown
from .key import new_key

WIDTHS, HEIGHTS = (20, 500), (10, 200)  # a screen's size in cells, as the app is told it
PAGE_KINDS = ("stdin", "resize", "ping", "focus", "blur")
MISSHAPEN = {"stdin": "typed keys that are not text",
             "resize": "a screen size that is not two whole numbers",
             "ping": "a ping of the wrong shape", "focus": "a focus of the wrong shape",
             "blur": "a blur of the wrong shape"}  # fmt: skip


def make_server(
    argv: list[str],
    host: str,
    port: int,
    title: str,
    say=print,
    key: str | None = None,
    room: Path | None = None,
) -> Any:
    """A server for one session (web_server.LensmapServer): each page runs `argv` (lensmap
    open …). Pages and their websocket are served only under `/KEY/` (a new key unless one
    is given). With `room` (the session file), the room's phones add notes too (phones.py)."""
    from .web_server import LensmapServer

    server = LensmapServer(argv, host, port, title, key=key or new_key(), say=say)
    if room is not None:
        from .phones import Room

        server.room = Room(room)
    return server


def page_app(argv: list[str], say=print) -> type:
    """The class that runs one page's app (app_service.PageApp, a subclass of its own for one
    server): `argv` (lensmap open …) as its own process, its problems said through `say`."""
    from .app_service import PageApp

    return PageApp.for_server(argv, say)


class Unreadable(ValueError):
    """A message from a page that is not one lensmap's page sends; says what, in words."""


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _clamp(value: int, bounds: tuple[int, int]) -> int:
    return max(bounds[0], min(bounds[1], value))


def read_message(text: str) -> tuple[str, Any]:
    """What a page asked for, checked: ("stdin", text), ("resize", (width, height)) with the
    size kept to what a screen could be, ("ping", text), ("focus", None) or ("blur", None).
    Anything else raises Unreadable, whose words say what it was (never what it said)."""
    try:
        envelope = json.loads(text)
    except (ValueError, RecursionError):
        raise Unreadable("a message that is not JSON") from None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        raise Unreadable("a message that does not say what it is")
    kind, args = envelope[0], envelope[1:]
    if kind not in PAGE_KINDS:
        raise Unreadable("a kind of message lensmap's page never sends")
    if kind == "stdin" and len(args) == 1 and isinstance(args[0], str):
        return kind, args[0]
    if kind == "resize" and len(args) == 1 and isinstance(args[0], dict):
        width, height = args[0].get("width"), args[0].get("height")
        if _whole(width) and _whole(height):
            return kind, (_clamp(width, WIDTHS), _clamp(height, HEIGHTS))
    if kind == "ping" and len(args) == 1 and isinstance(args[0], str) and len(args[0]) <= 64:
        return kind, args[0]
    if kind in ("focus", "blur") and not args:
        return kind, None
    raise Unreadable(MISSHAPEN[kind])


class OneLine(logging.Formatter):
    """Every message the server's terminal shows is one plain line: no tracebacks (that
    terminal may be on the projector), and a page that went away is said as such."""

    def format(self, record: logging.LogRecord) -> str:
        said = record.getMessage()
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, ConnectionError):
            said = "a page's connection ended early; nothing was lost"
        elif error is not None and record.name.startswith("aiohttp"):
            said = f"a request was refused or could not be answered ({plainly(error)})"
        elif error is not None:
            said = f"{said} ({plainly(error)})"
        # One line of plain characters: nothing a request carried can move the cursor.
        said = " ".join(shown(said).split())
        return "lensmap serve: " + (said if len(said) <= 300 else said[:299] + "…")


def plainly(error: BaseException) -> str:
    message = getattr(error, "message", None)  # aiohttp's errors say it without their status
    return message if isinstance(message, str) and message else str(error) or type(error).__name__


def app_problem(said: str) -> str:
    """What a page's app said when it stopped, fit for a terminal that may be on the wall:
    its own plain message as it is, but a programming error's report (many lines, with
    the session's text in them) as one line saying what happened."""
    lines = [shown(line).strip() for line in said.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    if len(lines) <= 3 and not any("Traceback" in line or "╭" in line for line in lines):
        return "\n".join(lines)
    last = next((line for line in reversed(lines) if "Error" in line), lines[-1])
    last = last if len(last) <= 200 else last[:199] + "…"
    return (
        f"lensmap serve: a page's app stopped with an unexpected problem ({last}). Every "
        "action it saved is kept; open the page again to carry on. To see the details for a "
        "bug report, run `lensmap open` on the session with LENSMAP_DEBUG=1."
    )
