"""A page's app process started before its page is asked for: it imports what the app needs
while the browser loads the page, then waits for the server to say the page's size, so the
map is drawn as soon as the page connects. It opens no session until then."""

from __future__ import annotations

import os
from importlib import import_module

PAGE_WAITS = "LENSMAP_PAGE_WAITS"  # set by the server for the app process it starts early
# Everything a page's app imports, some of it only when first used (in a terminal, start-up
# comes first; here the process is waiting anyway, so the first tag dialog opens as fast).
WHAT_THE_APP_USES = ("textual.drivers.web_driver", "lensmap.tui.app",
                     *(f"lensmap.tui.screens.{name}" for name in
                       ("map", "personas", "issues", "help", "export", "pause")),
                     *(f"lensmap.tui.dialogs.{name}" for name in
                       ("tag", "choose", "outcome", "tags_at_stage", "issue_dialog")))  # fmt: skip
LONGEST = 24  # bytes in the line "WIDTH HEIGHT\n", and then some


class NoSize(ValueError):
    """The server's first line was not a page's size."""


def size_line(width: int, height: int) -> bytes:
    """What the server writes to a waiting app process once its page has connected."""
    return f"{width} {height}\n".encode("ascii")


def wait_for_page(stdin: int = 0) -> tuple[int, int] | None:
    """Import the app, then read the page's size from `stdin` (a byte at a time, so nothing
    meant for the app after it is taken) and give it to Textual's web driver, as if the
    process had been started with it. None if the server let this process go unused."""
    for name in WHAT_THE_APP_USES:
        import_module(name)

    line = bytearray()
    while not line.endswith(b"\n"):
        byte = os.read(stdin, 1)
        if not byte:  # the server ended, or stopped without needing this process
            return None
        line += byte
        if len(line) > LONGEST:
            raise NoSize(f"a first line over {LONGEST} bytes")
    try:
        width, height = (int(part) for part in line.split())
    except ValueError:
        raise NoSize(f"{bytes(line)!r} is not a width and a height") from None
    os.environ["COLUMNS"], os.environ["ROWS"] = str(width), str(height)
    return width, height
