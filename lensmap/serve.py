"""`lensmap serve`: the app in a local browser page, for rooms where the projector is driven
from a browser (and the browser's zoom makes the text big enough for the back row).

textual-serve runs `lensmap open` for each page and relays it over a websocket. The page is
our own template: every file it loads comes from this server, so it works with no internet.
Nothing here imports Textual; the app runs in the child process."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .problems import LoadError

PAGE_TEMPLATES = Path(__file__).parent / "serve_page"


def is_local(host: str) -> bool:
    """True for addresses only this computer can reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def app_argv(open_args: list[str]) -> list[str]:
    """What runs for each browser page: this Python and this lensmap, opening the session."""
    return [sys.executable, "-m", "lensmap", "open", *open_args]


def check_port(host: str, port: int) -> None:
    """Say clearly, before anything starts, when the address cannot be used."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if os.name != "nt":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise LoadError.single(
                "lensmap serve",
                f"cannot listen on {host} port {port} ({reason}); "
                f"another program may be using it: try --port {port + 1}",
            ) from None


def addressed_directly(request_host: str, bound: str) -> bool:
    """True when the browser asked for this server by IP address, "localhost" or the host
    it was started with, not by some other name that happens to lead here."""
    name = request_host.rsplit(":", 1)[0] if not request_host.endswith("]") else request_host
    name = name.strip("[]").lower()
    if name in ("localhost", bound.lower()):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def page_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/"


def make_server(argv: list[str], host: str, port: int, title: str, say=print) -> Any:
    """A textual-serve server with lensmap's page, plain messages, and app processes that
    stop cleanly with the server."""
    import aiohttp_jinja2
    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    class LensmapApp(AppService):
        """One page's app process, started without a shell and in its own process group: a
        Ctrl+C in the terminal reaches the server alone, which then asks each app to quit
        (and waits for it) so no process is left behind."""

        async def _open_app_process(self, width: int = 80, height: int = 24):
            apart = (
                {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
                if os.name == "nt"
                else {"start_new_session": True}
            )
            self._process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=self._build_environment(width=width, height=height),
                **apart,
            )
            self._stdin = self._process.stdin
            return self._process

        async def stop(self) -> None:
            await super().stop()
            process = self._process
            if process is None or process.returncode is not None:
                return
            try:
                await asyncio.wait_for(process.wait(), timeout=10)
            except TimeoutError:  # the app did not quit when asked: end it
                process.kill()
                await process.wait()

    @web.middleware
    async def only_this_page(request, handler):
        # Another website open in the same browser could otherwise reach the session: by a
        # name that resolves to this computer (DNS rebinding), or by opening a websocket to
        # it from its own page. So: addressed by IP or "localhost", and same-origin only.
        if not addressed_directly(request.host, host):
            raise web.HTTPForbidden(text="Open lensmap at the address it printed.")
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"{request.scheme}://{request.host}":
            raise web.HTTPForbidden(text="Only lensmap's own page may connect.")
        return await handler(request)

    class LensmapServer(Server):
        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(only_this_page)
            return app

        def initialize_logging(self) -> None:
            # Only problems reach the terminal, in plain words, not textual-serve's banner.
            logging.basicConfig(level=logging.WARNING, format="lensmap serve: %(message)s")

        async def on_startup(self, app) -> None:
            try:  # closing the terminal window stops the server as cleanly as Ctrl+C
                import signal

                loop = asyncio.get_running_loop()
                loop.add_signal_handler(signal.SIGHUP, self.request_exit)
            except (AttributeError, NotImplementedError):  # Windows has no SIGHUP
                pass
            say(f"lensmap is ready in your browser at {page_url(host, port)}")
            say("Press Ctrl+C here to stop. Every action is saved as it happens.")

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request) -> dict[str, Any]:
            # Addresses from the request itself, so a page opened by name or by IP both work.
            origin = f"{request.scheme}://{request.host}"
            websocket = ("wss" if request.scheme == "https" else "ws") + f"://{request.host}"
            try:
                font_size = max(8, min(64, int(request.query.get("fontsize", "16"))))
            except ValueError:
                font_size = 16
            return {
                "font_size": font_size,
                "app_websocket_url": f"{websocket}/ws",
                "websocket_origin": websocket,
                "config": {"static": {"url": f"{origin}/static/"}},
                "application": {"name": title},
            }

        async def handle_websocket(self, request) -> web.WebSocketResponse:
            # As textual-serve's own, with LensmapApp in place of its shell-started process,
            # and one page at a time: a session is open in one window only.
            websocket = web.WebSocketResponse(heartbeat=15)
            await websocket.prepare(request)
            pages.add(websocket)
            try:
                try:  # a page being reloaded lets go of the session within moments
                    await asyncio.wait_for(one_page.acquire(), timeout=8)
                except TimeoutError:
                    await websocket.send_bytes(ALREADY_OPEN)
                    async for _ in websocket:  # keep the message up until the tab is closed
                        pass
                    return websocket
                try:
                    return await self._run_page(request, websocket)
                finally:
                    one_page.release()
            finally:
                pages.discard(websocket)

        async def on_shutdown(self, app) -> None:
            # Stopping: close every page's connection, which asks its app to quit and waits
            # for it, rather than waiting for the browser tabs to be closed.
            for websocket in list(pages):
                await websocket.close(code=1001, message=b"lensmap serve stopped")

        async def _run_page(self, request, websocket) -> web.WebSocketResponse:
            width = _int(request.query.get("width"), 80)
            height = _int(request.query.get("height"), 24)
            service = None
            try:
                service = LensmapApp(
                    self.command,
                    write_bytes=websocket.send_bytes,
                    write_str=websocket.send_str,
                    close=websocket.close,
                    download_manager=self.download_manager,
                    debug=self.debug,
                )
                await service.start(width, height)
                await self._process_messages(websocket, service)
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:  # one page failing must not stop the server
                logging.getLogger("textual-serve").warning("a page stopped: %s", error)
            finally:
                if service is not None:
                    await service.stop()
            return websocket

    one_page = asyncio.Lock()
    pages: set[web.WebSocketResponse] = set()
    shown = " ".join(argv)
    return LensmapServer(shown, host=host, port=port, title=title, templates_path=PAGE_TEMPLATES)


ALREADY_OPEN = (
    b"\r\n\r\n  This session is already open in another browser tab or window.\r\n\r\n"
    b"  Carry on there. You can close this tab; nothing was changed.\r\n"
)


def _int(value: str | None, default: int) -> int:
    try:
        return max(10, min(1000, int(value or default)))
    except ValueError:
        return default


def open_browser_soon(url: str) -> None:
    """Open the page in the default browser, without holding up the server."""
    import webbrowser

    threading.Timer(0.8, lambda: webbrowser.open(url, new=2)).start()


def watch_parent(on_gone: Callable[[], None], every: float = 1.0) -> None:
    """Call `on_gone` once if the server that started this app process ends without asking it
    to quit (killed, or its terminal window closed), so the app never outlives its server
    holding the session where no one can reach it."""
    parent = os.getppid()

    def alive() -> bool:
        return _windows_process_alive(parent) if os.name == "nt" else os.getppid() == parent

    def watch() -> None:
        while alive():
            time.sleep(every)
        on_gone()

    threading.Thread(target=watch, name="lensmap-server-watch", daemon=True).start()


def _windows_process_alive(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
    if not handle:
        return False
    try:
        return kernel32.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT: still running
    finally:
        kernel32.CloseHandle(handle)
