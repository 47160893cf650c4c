"""The textual-serve server behind `lensmap serve`, made fit for a meeting room: one page
holds the session, apps start without a shell and stop with the server, only lensmap's own
page can connect, and the terminal shows plain messages."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from .addresses import addressed_directly, network_urls, page_url
from .watch import SERVER_PID

PAGE_TEMPLATES = Path(__file__).parent / "page"
log = logging.getLogger("lensmap.serve")

ALREADY_OPEN = (
    b"\r\n\r\n  This session is already open in another browser tab or window.\r\n\r\n"
    b"  Carry on there. You can close this tab; nothing was changed.\r\n"
)
RELOAD_WAIT = 6.0  # seconds a new page waits for a reloaded one to let go of the session
NOT_FRAMED = {"X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'"}


def page_app(argv: list[str], say=print) -> type:
    """The class that runs one page's app: `argv` (lensmap open …) as its own process."""
    from textual_serve.app_service import AppService

    class LensmapApp(AppService):
        """One page's app process: started without a shell, in its own process group (a
        Ctrl+C in the terminal reaches the server alone, which asks each app to quit and
        waits for it), and told which server to outlive never."""

        ready = False
        problem = ""
        quit_wait = 10.0  # seconds an app gets to quit when asked, then to exit

        def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
            env = super()._build_environment(width=width, height=height)
            env["LENSMAP_SERVED"] = "1"
            env[SERVER_PID] = str(os.getpid())
            return env

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

        async def run(self) -> None:
            # textual-serve's relay loop, saying the app's own message once if it stops.
            process = self._process
            said = bytearray()

            async def read_errors() -> None:
                while chunk := await process.stderr.read(4096):
                    said.extend(chunk)

            errors = asyncio.create_task(read_errors())
            try:
                for _ in range(10):
                    line = await process.stdout.readline()
                    if not line or line == b"__GANGLION__\n":
                        self.ready = bool(line)
                        break
                while self.ready:
                    kind = await process.stdout.readexactly(1)
                    size = int.from_bytes(await process.stdout.readexactly(4), "big")
                    payload = await process.stdout.readexactly(size)
                    if kind == b"D":
                        await self.on_data(payload)
                    elif kind == b"M":
                        await self.on_meta(payload)
                    elif kind == b"P":
                        await self.on_packed(payload)
            except (asyncio.IncompleteReadError, ConnectionResetError, asyncio.CancelledError):
                pass
            finally:  # the rest of what it said, without waiting on an app that hangs
                with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(errors, timeout=1)
            self.problem = said.decode("utf-8", "replace").strip()
            if self.problem:
                say(self.problem, file=sys.stderr)

        async def stop(self) -> None:
            task, process = self._task, self._process
            try:  # ask the app to quit (it saves nothing extra: every action is stored)
                await asyncio.wait_for(super().stop(), timeout=self.quit_wait)
            except TimeoutError:
                log.warning("the app did not quit when asked, so it was ended")
            if process is not None and process.returncode is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(process.wait(), timeout=self.quit_wait / 2)
                if process.returncode is None:
                    process.kill()
                    await process.wait()
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            self._task = None

    return LensmapApp


def make_server(argv: list[str], host: str, port: int, title: str, say=print) -> Any:
    """A server for one session: each page runs `argv` (lensmap open …)."""
    import aiohttp_jinja2
    from aiohttp import web
    from textual_serve.server import Server

    LensmapApp = page_app(argv, say)

    @web.middleware
    async def only_this_page(request, handler):
        # Another website open in the same browser must not reach the session: not by a name
        # that resolves here (DNS rebinding), nor by a websocket from its own page, nor by
        # showing this page inside its own (framing).
        if not addressed_directly(request.host, host):
            raise web.HTTPForbidden(text="Open lensmap at the address it printed.")
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"{request.scheme}://{request.host}":
            raise web.HTTPForbidden(text="Only lensmap's own page may connect.")
        response = await handler(request)
        if not response.prepared:
            response.headers.update(NOT_FRAMED)
        return response

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

                asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.request_exit)
            except (AttributeError, NotImplementedError):  # Windows has no SIGHUP
                pass

        def serve(self, debug: bool = False) -> None:
            # As textual-serve's, but "ready" is said once the server is listening (aiohttp
            # prints through `print=` only then), not while it is still starting.
            self.debug = debug
            self.initialize_logging()
            try:
                loop = asyncio.get_event_loop()
            except RuntimeError:
                loop = asyncio.new_event_loop()
            with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C arrives anyway
                import signal

                loop.add_signal_handler(signal.SIGINT, self.request_exit)
                loop.add_signal_handler(signal.SIGTERM, self.request_exit)
            web.run_app(self._make_app(), host=self.host, port=self.port,
                        handle_signals=False, loop=loop, print=lambda *_: announce())  # fmt: skip

        async def on_shutdown(self, app) -> None:
            # Close every page's connection, which asks its app to quit and waits for it,
            # rather than waiting for the browser tabs to be closed.
            stopping.set()
            for websocket in list(pages):
                await websocket.close(code=1001, message=b"lensmap serve stopped")

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request) -> dict[str, Any]:
            # From the request (checked above), so a page opened by IP or name both work.
            origin = f"{request.scheme}://{request.host}"
            websocket = ("wss" if request.scheme == "https" else "ws") + f"://{request.host}"
            return {
                "font_size": _number(request.query.get("fontsize"), 16, 8, 64),
                "app_websocket_url": f"{websocket}/ws",
                "websocket_origin": websocket,
                "config": {"static": {"url": f"{origin}/static/"}},
                "application": {"name": title},
            }

        async def handle_websocket(self, request) -> web.WebSocketResponse:
            # One page at a time holds the session, as one window does in the terminal.
            websocket = web.WebSocketResponse(heartbeat=15)
            await websocket.prepare(request)
            pages.add(websocket)
            try:
                try:  # a page being reloaded lets go of the session within moments
                    await asyncio.wait_for(one_page.acquire(), timeout=RELOAD_WAIT)
                except TimeoutError:
                    await websocket.send_bytes(ALREADY_OPEN)
                    async for _ in websocket:  # keep the message up until the tab is closed
                        pass
                    return websocket
                try:
                    if not websocket.closed and not stopping.is_set():  # the tab may have gone
                        await self._run_page(request, websocket)
                finally:
                    one_page.release()
            finally:
                pages.discard(websocket)
            return websocket

        async def _run_page(self, request, websocket) -> None:
            service = LensmapApp(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            try:
                await service.start(
                    _number(request.query.get("width"), 80, 10, 1000),
                    _number(request.query.get("height"), 24, 5, 1000),
                )
                app_ended = service._task
                relay = asyncio.ensure_future(self._process_messages(websocket, service))
                try:
                    await asyncio.wait({relay, app_ended}, return_when=asyncio.FIRST_COMPLETED)
                    if app_ended.done():  # it quit, or could not start: the page says it closed
                        await websocket.close()
                    await relay
                finally:
                    relay.cancel()
            except asyncio.CancelledError:
                await websocket.close()
                raise
            except Exception as error:  # one page failing must not stop the server
                log.warning("a page stopped (%s); the session is as last saved", error)
            finally:
                await service.stop()

    def announce() -> None:
        say(f"lensmap is ready in your browser at {page_url(host, port)}")
        for url in network_urls(host, port):
            say(f"  other computers on the network: {url}")
        say("Press Ctrl+C here to stop. Every action is saved as it happens.")

    one_page = asyncio.Lock()
    stopping = asyncio.Event()
    pages: set[web.WebSocketResponse] = set()
    shown = " ".join(argv)
    return LensmapServer(shown, host=host, port=port, title=title, templates_path=PAGE_TEMPLATES)


def _number(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value or default)))
    except ValueError:
        return default
