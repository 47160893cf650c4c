"""A page's app process keeps an eye on the server that started it."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

SERVER_PID = "LENSMAP_SERVER_PID"  # set by the server for the app processes it starts


def watch_server(on_gone: Callable[[], None], every: float = 1.0) -> None:
    """Call `on_gone` once if the server that started this app process ends without asking it
    to quit (killed, or its terminal closed), so the app never outlives its server holding
    the session where no one can reach it."""
    if os.name == "nt":
        waited = _windows_wait(int(os.environ.get(SERVER_PID, "0")))
        if waited is None:
            return

        def target() -> None:
            waited()
            on_gone()

    else:
        parent = os.getppid()  # started directly (no shell), so the parent is the server

        def target() -> None:
            while os.getppid() == parent:
                time.sleep(every)
            on_gone()

    threading.Thread(target=target, name="lensmap-server-watch", daemon=True).start()


def _windows_wait(pid: int):
    """A call that returns when process `pid` ends (a handle opened now, so a later process
    given the same number is never mistaken for it); None if it cannot be watched."""
    import ctypes

    if not pid:
        return None
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
    if not handle:
        return None
    return lambda: kernel32.WaitForSingleObject(handle, 0xFFFFFFFF)  # INFINITE
