"""The textual-serve server behind `lensmap serve`, made fit for a meeting room: one page
holds the session, apps start without a shell and always stop (even when a page goes
mid-frame), nothing is served without the run's key, only lensmap's own page can connect,
anything a page sends is checked, and the terminal shows plain one-line messages."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any, ClassVar

from ..screen_text import shown
from .addresses import host_refusal, is_local, network_urls, page_url
from .key import key_matches, new_key
from .waiting import PAGE_WAITS, size_line
from .watch import SERVER_PID

PAGE_TEMPLATES = Path(__file__).parent / "page"
log = logging.getLogger("lensmap.serve")

ALREADY_OPEN = (
    b"\r\n\r\n  This session is already open in another browser tab or window.\r\n\r\n"
    b"  Carry on there. You can close this tab; nothing was changed.\r\n"
)
SPAWNING = object()  # the spare app process is being started
SPARE_AFTER = 2.0  # seconds after a page opens that the next page's app is started
RELOAD_WAIT = 6.0  # seconds a new page waits for a reloaded one to let go of the session
NOT_FRAMED = {"X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'"}
# Every response says only "lensmap", gives no other site the address (with its key) as a
# referrer, and is never read as anything but what it says it is.
PLAIN_HEADERS = {"Server": "lensmap", "Referrer-Policy": "no-referrer",
                 "X-Content-Type-Options": "nosniff"}  # fmt: skip

# What a page may send. A note is at most 20,000 characters, so a paste of a whole one fits
# in a message many times over; anything bigger closes that page.
MAX_MESSAGE = 256 * 1024
WIDTHS, HEIGHTS = (20, 500), (10, 200)  # a screen's size in cells, as the app is told it
PAGE_KINDS = ("stdin", "resize", "ping", "focus", "blur")
UNREADABLE = b"lensmap could not read a message from this page"  # the reason the page is given
MISSHAPEN = {"stdin": "typed keys that are not text",
             "resize": "a screen size that is not two whole numbers",
             "ping": "a ping of the wrong shape", "focus": "a focus of the wrong shape",
             "blur": "a blur of the wrong shape"}  # fmt: skip

NO_KEY_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>lensmap</title>
<style>
  html, body { margin: 0; height: 100%; background: #1b2430; }
  body { display: flex; align-items: center; justify-content: center;
         font: 22px/1.5 system-ui, sans-serif; color: #f2f2f2; }
  main { max-width: 38rem; margin: 2rem; padding: 2rem 2.5rem; background: #253142;
         border-radius: 6px; }
  h1 { font-size: 1.4em; margin-top: 0; }
</style></head>
<body><main>
  <h1>This lensmap session needs its key</h1>
  <p>Open the address that <code>lensmap serve</code> printed where it was started. It ends
  with the session's key: three groups of four letters and digits.</p>
  <p>The key is new each time lensmap serve starts, so an address from an earlier time does
  not open it. Nothing was changed.</p>
</main></body></html>
"""
NO_KEY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


class Unreadable(ValueError):
    """A message from a page that is not one lensmap's page sends; says what, in words."""


def _whole(value: Any) -> bool:
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
            said = f"a request was refused or could not be answered ({_plainly(error)})"
        elif error is not None:
            said = f"{said} ({_plainly(error)})"
        # One line of plain characters: nothing a request carried can move the cursor.
        said = " ".join("".join(c if c.isprintable() else " " for c in said).split())
        return "lensmap serve: " + (said if len(said) <= 300 else said[:299] + "…")


def _plainly(error: BaseException) -> str:
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


def page_app(argv: list[str], say=print) -> type:
    """The class that runs one page's app: `argv` (lensmap open …) as its own process."""
    from textual_serve.app_service import AppService

    class LensmapApp(AppService):
        """One page's app process: started without a shell, in its own process group (a
        Ctrl+C in the terminal reaches the server alone, which asks each app to quit and
        waits for it), and told which server to outlive never. However its page goes, the
        app is ended: asked to quit, then terminated, then killed, with its process group."""

        ready = False
        problem = ""
        page_gone = False  # from then on, what the app draws is read and let go
        quit_wait = 10.0  # seconds an app gets to quit when asked
        end_wait = 3.0  # ... and then to end when terminated, and when killed

        spare: ClassVar[Any] = None  # an app process started before its page: see waiting.py

        @classmethod
        def _environment(cls) -> dict[str, str]:
            # textual-serve's, with the size left for the page to say (waiting.py).
            return {
                **os.environ,
                "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
                "TEXTUAL_FPS": "60",
                "TEXTUAL_COLOR_SYSTEM": "truecolor",
                "TERM_PROGRAM": "textual",
                "TERM_PROGRAM_VERSION": version("textual-serve"),
                "LENSMAP_SERVED": "1",
                PAGE_WAITS: "1",
                SERVER_PID: str(os.getpid()),
            }

        @classmethod
        async def _spawn(cls):
            apart = (
                {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
                if os.name == "nt"
                else {"start_new_session": True}
            )
            return await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=cls._environment(),
                **apart,
            )

        @classmethod
        async def start_spare(cls) -> None:
            """Start the next page's app process now, so it has imported everything by the
            time a page asks for it (it opens the session only then)."""
            if cls.spare is SPAWNING or (cls.spare is not None and cls.spare.returncode is None):
                return  # one is starting, or waiting already
            cls.spare = SPAWNING  # not started twice while it starts
            process = await cls._spawn()
            if cls.spare is SPAWNING:
                cls.spare = process
            else:  # a page took it meanwhile, or the server is stopping: not needed
                _signal(process, hard=True)
                await _ended(process, cls.end_wait)

        @classmethod
        async def end_spare(cls) -> None:
            spare, cls.spare = cls.spare, None
            if spare not in (None, SPAWNING) and spare.returncode is None:
                _signal(spare, hard=True)
                await _ended(spare, cls.end_wait)

        async def _open_app_process(self, width: int = 80, height: int = 24):
            spare, type(self).spare = type(self).spare, None
            for process in (spare, None):
                if process in (None, SPAWNING) or process.returncode is not None:
                    process = await self._spawn()
                try:
                    process.stdin.write(size_line(width, height))
                    await process.stdin.drain()
                except (OSError, RuntimeError):  # the spare had ended: start one afresh
                    continue
                break
            self._process, self._stdin = process, process.stdin
            return process

        async def run(self) -> None:
            # textual-serve's relay loop, saying the app's own message once if it stops, and
            # reading everything the app writes until it ends, even once its page has gone:
            # an app left writing into a full pipe could never hear "quit", nor end.
            process = self._process
            said = bytearray()

            async def read_errors() -> None:
                while chunk := await process.stderr.read(4096):
                    said.extend(chunk)

            errors = asyncio.create_task(read_errors())
            relay = {b"D": self.on_data, b"M": self.on_meta, b"P": self.on_packed}
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
                    if not self.page_gone and kind in relay:
                        try:
                            await relay[kind](payload)
                        except Exception:  # the page has gone, or cannot take it
                            self.page_gone = True
                if not self.ready:
                    while await process.stdout.read(65536):
                        pass
            except (asyncio.IncompleteReadError, ConnectionResetError, asyncio.CancelledError):
                pass
            finally:  # the rest of what it said, without waiting on an app that hangs
                with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(errors, timeout=1)
            self.problem = app_problem(said.decode("utf-8", "replace"))
            if self.problem:
                say(self.problem, file=sys.stderr)

        async def stop(self) -> None:
            task, process = self._task, self._process
            try:
                if process is not None and process.returncode is None:
                    # Ask it to quit (it saves nothing extra: every action is stored).
                    with contextlib.suppress(TimeoutError, OSError, RuntimeError):
                        await asyncio.wait_for(self._quit(process), timeout=self.quit_wait)
                if process is not None and process.returncode is None:
                    log.warning("the app did not quit when asked, so it was ended")
                    _signal(process, hard=False)
                    await _ended(process, self.end_wait)
            finally:  # whatever went wrong above, nothing of the app is left running
                if process is not None:
                    _signal(process, hard=True)
                    await _ended(process, self.end_wait)
                if task is not None and not task.done():
                    # It ends by itself once the app's pipes close; one that does not (its
                    # page stuck taking a frame) is let go of.
                    await asyncio.wait({task}, timeout=1.0)
                    task.cancel()
                    await asyncio.wait({task}, timeout=1.0)
                self._task = None

        async def _quit(self, process) -> None:
            with contextlib.suppress(Exception):  # nothing to cancel: lensmap sends no files
                await self._download_manager.cancel_app_downloads(self.app_service_id)
            await self.send_meta({"type": "quit"})
            await _ended(process, None)

        async def send_bytes(self, data: bytes) -> bool:
            try:
                return await super().send_bytes(data)
            except (OSError, RuntimeError):  # the app has gone; its page is closed next
                return False

    return LensmapApp


def _signal(process, hard: bool) -> None:
    """Terminate (or kill) an app and everything in its process group."""
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        if os.name == "nt":
            process.kill() if hard else process.terminate()
        else:
            os.killpg(process.pid, signal.SIGKILL if hard else signal.SIGTERM)


async def _ended(process, within: float | None) -> bool:
    """Wait for the process to end (not for its pipes to close, as `wait()` does)."""
    loop = asyncio.get_running_loop()
    deadline = None if within is None else loop.time() + within
    while process.returncode is None and (deadline is None or loop.time() < deadline):
        await asyncio.sleep(0.05)
    return process.returncode is not None


def make_server(
    argv: list[str], host: str, port: int, title: str, say=print, key: str | None = None
) -> Any:
    """A server for one session: each page runs `argv` (lensmap open …). Pages and their
    websocket are served only under `/KEY/` (a new key unless one is given)."""
    import aiohttp_jinja2
    import jinja2
    from aiohttp import WebSocketError, WSCloseCode, WSMsgType, web
    from textual_serve.server import Server

    LensmapApp = page_app(argv, say)
    key = key or new_key()

    def refused(status: int, text: str) -> web.Response:
        return web.Response(status=status, text=text + "\n")

    @web.middleware
    async def only_this_page(request, handler):
        # Another website open in the same browser must not reach the session: not by a name
        # that resolves here (DNS rebinding), nor by a websocket from its own page, nor by
        # showing this page inside its own (framing). And no one reaches it without the key:
        # not from this computer, not from a program that sends no Origin.
        asked = request.headers.get("Host", "")
        status = host_refusal(asked, host, port)
        if status:
            return refused(status, "Open lensmap at the address it printed.")
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"{request.scheme}://{asked}":
            return refused(403, "Only lensmap's own page may connect.")
        public = request.path.startswith("/static/")  # xterm.js and fonts: public code
        if not public and not key_matches(request.match_info.get("key"), key):
            return web.Response(status=403, text=NO_KEY_PAGE, content_type="text/html",
                                headers={"Content-Security-Policy": NO_KEY_POLICY})  # fmt: skip
        try:
            return await handler(request)
        except web.HTTPForbidden:  # a folder of static files: never listed
            if public:
                return refused(404, "Not found.")
            raise

    async def plain_headers(request, response) -> None:
        response.headers.update(PLAIN_HEADERS)
        for name, value in NOT_FRAMED.items():
            response.headers.setdefault(name, value)

    class LensmapServer(Server):
        async def _make_app(self) -> web.Application:
            # textual-serve's routes, but under the key, with no folder listings and no
            # downloads (lensmap delivers no files to the page).
            app = web.Application(middlewares=[only_this_page], client_max_size=64 * 1024)
            aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
            app.add_routes([
                web.static("/static", self.statics_path, show_index=False, name="static"),
                web.get("/{key}/", self.handle_index, name="index"),
                web.get("/{key}", self.handle_index),
                web.get("/{key}/ws", self.handle_websocket, name="websocket"),
            ])  # fmt: skip
            app.on_response_prepare.append(plain_headers)
            app.on_startup.append(self.on_startup)
            app.on_shutdown.append(self.on_shutdown)
            return app

        def initialize_logging(self) -> None:
            # Only problems reach the terminal, each in one plain line: not textual-serve's
            # banner, not a request log (addresses carry the key), never a traceback.
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(OneLine())
            logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
            logging.getLogger("aiohttp.access").disabled = True

        async def on_startup(self, app) -> None:
            # Closing the terminal window stops the server as cleanly as Ctrl+C (Windows has
            # no SIGHUP).
            with contextlib.suppress(AttributeError, NotImplementedError):
                asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.request_exit)
            await LensmapApp.start_spare()

        def serve(self, debug: bool = False) -> None:
            # As textual-serve's, but "ready" is said once the server is listening (aiohttp
            # prints through `print=` only then), not while it is still starting.
            from aiohttp import web_response

            # aiohttp's own answers to broken requests say only "lensmap" too.
            web_response.SERVER_SOFTWARE = PLAIN_HEADERS["Server"]
            self.debug = debug
            self.initialize_logging()
            try:
                loop = asyncio.get_event_loop()
            except RuntimeError:
                loop = asyncio.new_event_loop()
            with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C arrives anyway
                loop.add_signal_handler(signal.SIGINT, self.request_exit)
                loop.add_signal_handler(signal.SIGTERM, self.request_exit)
            web.run_app(self._make_app(), host=self.host, port=self.port, access_log=None,
                        handle_signals=False, loop=loop, print=lambda *_: announce())  # fmt: skip

        async def on_shutdown(self, app) -> None:
            # Close every page's connection, which asks its app to quit and waits for it,
            # rather than waiting for the browser tabs to be closed.
            stopping.set()
            await LensmapApp.end_spare()
            if starting:  # a spare still starting sees it is not needed, and is ended
                await asyncio.wait(list(starting), timeout=LensmapApp.end_wait * 2)
            for websocket in list(pages):
                with contextlib.suppress(Exception):
                    await websocket.close(code=1001, message=b"lensmap serve stopped")

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request) -> dict[str, Any]:
            # From the request (checked above), so a page opened by IP or name both work.
            asked = request.headers["Host"]
            origin = f"{request.scheme}://{asked}"
            websocket = ("wss" if request.scheme == "https" else "ws") + f"://{asked}"
            return {
                "font_size": _number(request.query.get("fontsize"), 16, 8, 64),
                "app_websocket_url": f"{websocket}/{key}/ws",
                "websocket_origin": websocket,
                "config": {"static": {"url": f"{origin}/static/"}},
                "application": {"name": title},
            }

        async def handle_websocket(self, request) -> web.WebSocketResponse:
            # One page at a time holds the session, as one window does in the terminal.
            websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
            await websocket.prepare(request)
            pages.add(websocket)
            try:
                try:  # a page being reloaded lets go of the session within moments
                    await asyncio.wait_for(one_page.acquire(), timeout=RELOAD_WAIT)
                except TimeoutError:
                    with contextlib.suppress(ConnectionError, RuntimeError):  # tab closed
                        await websocket.send_bytes(ALREADY_OPEN)
                        async for _ in websocket:  # keep the message up until it is closed
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
                    _number(request.query.get("width"), 80, *WIDTHS),
                    _number(request.query.get("height"), 24, *HEIGHTS),
                )
                app_ended = service._task
                relay = asyncio.ensure_future(self._process_messages(websocket, service))
                # The next page's app (a reload's, say) starts importing once this one is
                # drawn, so it is ready when that page asks.
                spare = asyncio.get_running_loop().call_later(
                    SPARE_AFTER, lambda: keep(asyncio.ensure_future(LensmapApp.start_spare()))
                )
                try:
                    await asyncio.wait({relay, app_ended}, return_when=asyncio.FIRST_COMPLETED)
                    if app_ended.done():  # it quit, or could not start: the page says it closed
                        await websocket.close()
                    await relay
                finally:
                    relay.cancel()
                    spare.cancel()
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await websocket.close()
                raise
            except Unreadable as problem:
                log.warning("closed a page that sent %s; nothing was lost", problem)
                with contextlib.suppress(Exception):
                    await websocket.close(code=WSCloseCode.POLICY_VIOLATION, message=UNREADABLE)
            except ConnectionError:
                log.warning("a page's connection ended early; nothing was lost")
            except Exception as error:  # one page failing must not stop the server
                log.warning("a page stopped (%s); the session is as last saved", _plainly(error))
            finally:
                await service.stop()
                if not stopping.is_set():  # the next page (a reload, say) starts at once
                    await LensmapApp.start_spare()

        async def _process_messages(self, websocket, app_service) -> None:
            # textual-serve's, but every message is checked first (read_message).
            async for message in websocket:
                if message.type is WSMsgType.ERROR:
                    if not isinstance(message.data, WebSocketError):  # it stopped answering
                        raise ConnectionError(_plainly(message.data))
                    too_big = message.data.code == WSCloseCode.MESSAGE_TOO_BIG
                    raise Unreadable(f"a message over {MAX_MESSAGE // 1024} KB" if too_big
                                     else "a broken message")  # fmt: skip
                if message.type is not WSMsgType.TEXT:
                    raise Unreadable("a kind of message lensmap's page never sends")
                kind, value = read_message(message.data)
                if kind == "stdin":
                    await app_service.send_bytes(value.encode("utf-8", "replace"))
                elif kind == "resize":
                    await app_service.set_terminal_size(*value)
                elif kind == "ping":
                    await websocket.send_json(["pong", value])
                elif kind == "blur":
                    await app_service.blur()
                elif kind == "focus":
                    await app_service.focus()

    def announce() -> None:
        # `opens_browser` is set by `lensmap serve` unless --no-browser; the address stays last.
        url = page_url(host, port, key)
        if getattr(server, "opens_browser", False):
            say(f"lensmap is ready in your browser at {url}")
        else:
            say(f"lensmap is ready (no browser opened): open the page at {url}")
        for url in network_urls(host, port, key):
            say(f"  other computers on the network: {url}")
        if not is_local(host):
            say("  the last part of each address is the session's key, new each time it starts")
        say("Press Ctrl+C here to stop. Every action is saved as it happens.")

    one_page = asyncio.Lock()
    starting: set[asyncio.Future] = set()  # the next page's app, being started

    def keep(future: asyncio.Future) -> None:
        starting.add(future)
        future.add_done_callback(starting.discard)

    stopping = asyncio.Event()
    pages: set[web.WebSocketResponse] = set()
    shown = " ".join(argv)
    server = LensmapServer(shown, host=host, port=port, title=title, templates_path=PAGE_TEMPLATES)
    server.key = key
    return server


def _number(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value or default)))
    except ValueError:
        return default
