"""`lensmap serve`: the app in a local browser page, for rooms where the projector is driven
from a browser (and the browser's zoom makes the text big enough for the back row).

textual-serve relays one `lensmap open` per page over a websocket (server.py). The page is
our own template (page/): every file it loads comes from this server, so it works with no
internet. Each run has a key (key.py), part of the address it prints, without which nothing
but the page's public scripts and fonts is served. Nothing here imports Textual; the app
runs in its own process."""

from __future__ import annotations

import sys
import threading

from .addresses import (
    addressed_directly,
    check_port,
    host_refusal,
    is_local,
    network_urls,
    page_url,
)
from .key import key_matches, new_key
from .server import make_server
from .watch import watch_server

__all__ = [
    "BROWSER_WAIT",
    "addressed_directly",
    "app_argv",
    "check_port",
    "host_refusal",
    "is_local",
    "key_matches",
    "make_server",
    "network_urls",
    "new_key",
    "open_browser_soon",
    "page_url",
    "watch_server",
]


def app_argv(open_args: list[str]) -> list[str]:
    """What runs for each browser page: this Python and this lensmap, opening the session."""
    return [sys.executable, "-m", "lensmap", "open", *open_args]


BROWSER_WAIT = 0.8  # seconds from ready to opening the browser (the spare app is importing)


def open_browser_soon(url: str) -> None:
    """Open the page in the default browser, without holding up the server."""
    import webbrowser

    threading.Timer(BROWSER_WAIT, lambda: webbrowser.open(url, new=2)).start()
