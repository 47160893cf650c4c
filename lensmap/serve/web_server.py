"""The web side of `lensmap serve`: textual-serve's Server, made fit for a meeting room (see
server.py, which makes it). Imported only once a server is made: every page's app process
imports the `lensmap.serve` package, and none of them needs aiohttp."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import WebSocketError, WSCloseCode, WSMsgType, web, web_response
from textual_serve.server import Server

from ..session.actions import new_device
from .addresses import host_refusal, is_local, network_urls, page_url
from .app_service import PageApp
from .key import key_matches
from .phones import COOKIE, KINDS, MAX_NOTE, PHONE_PAGES, PHONE_POLICY, STANDPOINTS, Room
from .server import HEIGHTS, WIDTHS, OneLine, Unreadable, plainly, read_message

PAGE_TEMPLATES = Path(__file__).parent / "page"
log = logging.getLogger("lensmap.serve")

MAX_PAGES = 8  # pages with an app each (a team laptop's, the projector's): about 70 MB each
TOO_MANY = (
    b"\r\n\r\n  This session already has as many pages open as lensmap serves at once (8).\r\n"
    b"\r\n  Close a page on another device or tab, then reload this one; nothing was changed.\r\n"
)
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
UNREADABLE = b"lensmap could not read a message from this page"  # the reason the page is given

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


class LensmapServer(Server):
    """A server for one session: up to MAX_PAGES pages at once, each page runs `argv` (lensmap
    open …) as its own app process (PageApp), nothing but the page's public scripts and fonts
    is served without the run's `key`, only lensmap's own page can connect, anything a page
    sends is checked, and the terminal shows plain one-line messages (said through `say`).

    Overrides of textual_serve.server.Server (1.1.3; tests/test_serve_upstream.py says when
    another release changes them):

    - `__init__`: takes the page's argv, the key and `say`; upstream's takes one shell
      command, and is called with the same command shown as one line.
    - `_make_app`: upstream's routes, but under the key, with no folder listings and no
      downloads (lensmap delivers no files to the page), and every response checked
      (`_only_this_page`) and given plain headers.
    - `initialize_logging`: only problems reach the terminal, each in one plain line.
    - `on_startup`, `on_shutdown` (upstream's hooks for subclasses): the next page's app is
      started with the server; every page and app is ended with it.
    - `serve`: upstream's, copied, but "ready" is said once the server is listening.
    - `handle_index`: upstream's page context, built from the request and the key.
    - `handle_websocket`: upstream's, but up to MAX_PAGES at once, and one page's failure said in
      a line, never stopping the server.
    - `_process_messages`: upstream's loop, copied, but every message is checked first
      (read_message), and one that is not lensmap's page's closes that page.
    """

    def __init__(
        self, argv: list[str], host: str, port: int, title: str, key: str, say=print
    ) -> None:
        shown = " ".join(argv)
        super().__init__(shown, host=host, port=port, title=title, templates_path=PAGE_TEMPLATES)
        self.key = key
        self.say = say
        self.opens_browser = False  # set by `lensmap serve` unless --no-browser
        self.page_app = PageApp.for_server(argv, say)
        self._room = asyncio.Semaphore(MAX_PAGES)
        self._starting: set[asyncio.Future] = set()  # the next page's app, being started
        self._stopping = asyncio.Event()
        self._pages: set[web.WebSocketResponse] = set()
        self.room: Room | None = None  # `--room`: the room's phones (phones.py)
        self.pages_seen = 0  # pages that connected while it ran, said when it stops

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._only_this_page], client_max_size=64 * 1024)
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes([
            web.static("/static", self.statics_path, show_index=False, name="static"),
            web.get("/{key}/", self.handle_index, name="index"),
            web.get("/{key}", self.handle_index),
            web.get("/{key}/ws", self.handle_websocket, name="websocket"),
        ])  # fmt: skip
        if self.room is not None:
            app.add_routes([
                web.get("/join", self.handle_join), web.post("/join", self.handle_join),
                web.get("/join.css", self.handle_phone_css),
                web.get("/{key}/phone", self.handle_phone),
                web.get("/{key}/phone.css", self.handle_phone_css),
                web.post("/{key}/note", self.handle_note),
                web.post("/{key}/dot", self.handle_dot),
            ])  # fmt: skip
        app.on_response_prepare.append(_plain_headers)
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def _only_this_page(self, request, handler):
        """Another website open in the same browser must not reach the session: not by a
        name that resolves here (DNS rebinding), nor by a websocket from its own page, nor
        by showing this page inside its own (framing). And no one reaches it without the
        key: not from this computer, not from a program that sends no Origin."""
        asked = request.headers.get("Host", "")
        status = host_refusal(asked, self.host, self.port)
        if status:
            return _refused(status, "Open lensmap at the address it printed.")
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"{request.scheme}://{asked}":
            log.warning("refused a request from another website's page")
            return _refused(403, "Only lensmap's own page may connect.")
        if request.method == "POST" and origin is None:  # every browser sends one
            log.warning("refused a form sent without saying where it came from")
            return _refused(403, "Only lensmap's own page may send this.")
        public = request.path.startswith("/static/")  # xterm.js and fonts: public code
        public = public or (self.room is not None and request.path in ("/join", "/join.css"))
        key = self.key  # the team pages' (the app's); the phones' pages have their own
        if self.room is not None and request.path.rsplit("/", 1)[-1] in PHONE_PAGES:
            key = self.room.key
        if not public and not key_matches(request.match_info.get("key"), key):
            return web.Response(status=403, text=NO_KEY_PAGE, content_type="text/html",
                                headers={"Content-Security-Policy": NO_KEY_POLICY})  # fmt: skip
        try:
            return await handler(request)
        except web.HTTPForbidden:  # a folder of static files: never listed
            if public:
                return _refused(404, "Not found.")
            raise

    def initialize_logging(self) -> None:
        # Not textual-serve's banner, not a request log (addresses carry the key), never a
        # traceback (the terminal may be on the projector).
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(OneLine())
        logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
        logging.getLogger("aiohttp.access").disabled = True

    async def on_startup(self, app) -> None:
        # Closing the terminal window stops the server as cleanly as Ctrl+C (Windows has no
        # SIGHUP).
        with contextlib.suppress(AttributeError, NotImplementedError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.request_exit)
        await self.page_app.start_spare()

    def serve(self, debug: bool = False) -> None:
        # aiohttp prints through `print=` once it is listening, not while it is starting.
        # Its own answers to broken requests say only "lensmap" too.
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
                    handle_signals=False, loop=loop, print=lambda *_: self._announce())  # fmt: skip

    def _announce(self) -> None:
        # Whether a browser was opened, and the address last.
        say, url = self.say, page_url(self.host, self.port, self.key)
        if self.opens_browser:
            say(f"lensmap is ready in your browser at {url}")
        else:
            say(f"lensmap is ready (no browser opened): open the page at {url}")
        for url in network_urls(self.host, self.port, self.key):
            say(f"  other computers on the network: {url}")
        if not is_local(self.host):
            say("  the last part of each address is the session's key, new each time it starts")
        if self.room is not None:
            self._announce_room()
        say("Press Ctrl+C here to stop. Every action is saved as it happens.")

    def _announce_room(self) -> None:
        """Where the room's phones go: the address (and its QR code), or /join and the code."""
        room, say = self.room, self.say
        assert room is not None
        phones = [url + "phone" for url in network_urls(self.host, self.port, room.key)]
        if not phones:
            say(PHONES_NEED_THE_NETWORK)
        here = phones[0] if phones else page_url(self.host, self.port, room.key) + "phone"
        say(f"Phones: {'scan the code below, or ' if phones else ''}open {here}")
        say(f"  or open {here.split(room.key, 1)[0]}join and type the code {room.join_code}")
        if phones:
            say(qr_code(phones[0]))

    async def on_shutdown(self, app) -> None:
        # Close every page's connection, which asks its app to quit and waits for it, rather
        # than waiting for the browser tabs to be closed.
        self._stopping.set()
        if self.room is not None:
            self.room.close()
        await self.page_app.end_spare()
        if self._starting:  # a spare still starting sees it is not needed, and is ended
            await asyncio.wait(list(self._starting), timeout=self.page_app.end_wait * 2)
        for websocket in list(self._pages):
            with contextlib.suppress(Exception):
                await websocket.close(code=1001, message=b"lensmap serve stopped")

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request) -> dict[str, Any]:
        # From the request (checked by _only_this_page), so a page opened by IP or by name
        # both work.
        asked = request.headers["Host"]
        origin = f"{request.scheme}://{asked}"
        websocket = ("wss" if request.scheme == "https" else "ws") + f"://{asked}"
        return {
            "font_size": _number(request.query.get("fontsize"), 16, 8, 64),
            "app_websocket_url": f"{websocket}/{self.key}/ws",
            "websocket_origin": websocket,
            "config": {"static": {"url": f"{origin}/static/"}},
            "application": {"name": self.title},
        }

    async def handle_websocket(self, request) -> web.WebSocketResponse:
        # Each page is a window of its own on the session (its app its own device), as
        # several terminal windows may be; up to MAX_PAGES at once.
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        await websocket.prepare(request)
        self._pages.add(websocket)
        self.pages_seen += 1
        try:
            try:  # a page being reloaded lets go of its place within moments
                await asyncio.wait_for(self._room.acquire(), timeout=RELOAD_WAIT)
            except TimeoutError:
                with contextlib.suppress(ConnectionError, RuntimeError):  # tab closed
                    await websocket.send_bytes(TOO_MANY)
                    async for _ in websocket:  # keep the message up until it is closed
                        pass
                return websocket
            try:
                if not websocket.closed and not self._stopping.is_set():  # the tab may have gone
                    await self._run_page(request, websocket)
            finally:
                self._room.release()
        finally:
            self._pages.discard(websocket)
        return websocket

    async def _run_page(self, request, websocket) -> None:
        service = self.page_app(
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
            assert app_ended is not None  # start() made it
            relay = asyncio.ensure_future(self._process_messages(websocket, service))
            # The next page's app (a reload's, say) starts importing once this one is drawn,
            # so it is ready when that page asks.
            spare = asyncio.get_running_loop().call_later(SPARE_AFTER, self._start_spare_soon)
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
            log.warning("a page stopped (%s); the session is as last saved", plainly(error))
        finally:
            await service.stop()
            if not self._stopping.is_set():  # the next page (a reload, say) starts at once
                await self.page_app.start_spare()

    def _start_spare_soon(self) -> None:
        # Kept until it is done, so stopping the server can wait for it (on_shutdown).
        future = asyncio.ensure_future(self.page_app.start_spare())
        self._starting.add(future)
        future.add_done_callback(self._starting.discard)

    async def _process_messages(self, websocket, app_service) -> None:
        async for message in websocket:
            if message.type is WSMsgType.ERROR:
                if not isinstance(message.data, WebSocketError):  # it stopped answering
                    raise ConnectionError(plainly(message.data))
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

    # -- the room's phones (`--room`) -------------------------------------------------------
    async def handle_phone_css(self, request) -> web.Response:
        css = (PAGE_TEMPLATES / "phone.css").read_text(encoding="utf-8")
        return web.Response(
            text=css, content_type="text/css", headers={"Cache-Control": "no-store"}
        )

    async def handle_join(self, request) -> web.Response:
        """The join code typed on a phone: the way in for a phone that cannot scan the QR
        code. A right code leads to the phone page (with the key); tries are limited."""
        room = self.room
        assert room is not None
        if request.method == "GET":
            return _phone_page("join.html", request, {"problem": ""})
        if not room.joins.allows(request.remote or "?"):
            log.warning("refused a join code: too many tries from one address")
            return _phone_page("join.html", request, {"problem": TOO_MANY_TRIES}, status=429)
        form = await request.post()
        if room.code_matches(str(form.get("code", ""))):
            raise web.HTTPSeeOther(f"/{room.key}/phone")
        log.warning("refused a join code that did not match")
        return _phone_page("join.html", request, {"problem": WRONG_CODE}, status=403)

    async def handle_phone(self, request) -> web.Response:
        room = self.room
        assert room is not None
        phone = room.phone_of(request.cookies.get(COOKIE)) or new_device("p")
        said = {"sent": SENT, "dot": DOT_COUNTED}.get(request.query.get("said", ""), "")
        response = self._phone_form(request, phone, said=said)
        response.set_cookie(COOKIE, phone, path=f"/{request.match_info['key']}/",
                            httponly=True, samesite="Strict", max_age=12 * 3600)  # fmt: skip
        return response

    def _phone_form(self, request, phone: str, status: int = 200, problem: str = "",
                    chosen: dict | None = None, said: str = "") -> web.Response:  # fmt: skip
        room = self.room
        assert room is not None
        chosen = chosen or {"stage": "", "kind": "", "note": "", "standpoint": ""}
        if room.store.state.room.get("ended"):
            return _phone_page("phone_paused.html", request, {"ended": True}, status=status)
        if room.store.state.room.get("paused") and status == 200:
            # The pause screen, as on every window: nothing from the session. It looks again
            # every 10 seconds (no script: the page's own refresh) and carries on by itself.
            return _phone_page("phone_paused.html", request, {"ended": False}, status=200)
        values = {
            "check": room.page_secret(phone), "stages": room.stages(), "kinds": KINDS,
            "standpoints": STANDPOINTS, "max_note": MAX_NOTE, "chosen": chosen,
            "problem": problem, "said": said, "issues": room.issues(), "dots": room.dots,
            "left": room.dots_left(phone), "said_dot": said == DOT_COUNTED,
        }  # fmt: skip
        return _phone_page("phone.html", request, values, status=status)

    async def _phone_sent(self, request):
        """The phone that sent a form, and the form; the phone is None unless the form
        carries that phone's own page secret."""
        room = self.room
        assert room is not None
        phone = room.phone_of(request.cookies.get(COOKIE))
        form = await request.post()
        if phone is None or not room.secret_matches(phone, str(form.get("check", ""))):
            return None, form
        return phone, form

    async def handle_note(self, request) -> web.Response:
        room = self.room
        assert room is not None
        phone, form = await self._phone_sent(request)
        if phone is None:
            log.warning("refused a note without this page's own secret")
            return _refused(403, "Open the page for notes again, then send your note.")
        chosen = {name: str(form.get(name, ""))[: MAX_NOTE * 2] for name in CHOSEN}
        if room.store.state.room.get("ended"):
            log.warning("a phone's note came after the event ended; it was not kept")
            return self._phone_form(request, phone, 409)
        if not room.notes.allows(phone):
            log.warning("refused a note: one phone sent too many in a minute")
            return self._phone_form(request, phone, 429, TOO_MANY_NOTES, chosen)
        problem = room.send(phone, **chosen)
        if problem:
            log.warning("a phone's note was not kept (%s)", problem)
            return self._phone_form(request, phone, 400, problem, chosen)
        raise web.HTTPSeeOther("phone?said=sent")

    async def handle_dot(self, request) -> web.Response:
        room = self.room
        assert room is not None
        phone, form = await self._phone_sent(request)
        if phone is None:
            log.warning("refused a dot without this page's own secret")
            return _refused(403, "Open the page for notes again, then give your dot.")
        if room.store.state.room.get("ended"):
            return self._phone_form(request, phone, 409)
        if not room.dot_taps.allows(phone):
            log.warning("refused a dot: one phone tapped too often in a minute")
            return self._phone_form(request, phone, 429, TOO_MANY_DOTS)
        problem = room.give_dot(phone, str(form.get("stage", "")), str(form.get("kind", "")))
        if problem:
            log.warning("a phone's dot was not counted (%s)", problem)
            return self._phone_form(request, phone, 400, problem)
        raise web.HTTPSeeOther("phone?said=dot#dots")


CHOSEN = ("stage", "kind", "note", "standpoint")
SENT = "Thank you. Your note is with the facilitator, who reads each one."
DOT_COUNTED = "Thank you. Your dot is counted; nobody sees the counts until they are shown."
TOO_MANY_DOTS = "That was a lot of taps at once. Wait a minute, then give your dot."
PHONES_NEED_THE_NETWORK = (
    "Phones: they reach lensmap only over the room's network. Stop, then start again with "
    "--host 0.0.0.0 (the room's own network, or this laptop's hotspot)."
)
WRONG_CODE = "That code did not match. Check the code on the wall and try again."
TOO_MANY_TRIES = "Too many tries for now. Wait a minute, then try again."
TOO_MANY_NOTES = (
    "Thank you: that is a lot of notes at once. Wait a minute, then send this one; "
    "what you wrote is still here."
)


def qr_code(url: str) -> str:
    """The address as a QR code drawn in the terminal's own characters (segno)."""
    import io

    import segno

    drawn = io.StringIO()
    segno.make(url, error="m").terminal(out=drawn, compact=True, border=2)
    return drawn.getvalue().rstrip("\n")


def _phone_page(name: str, request, values: dict, status: int = 200) -> web.Response:
    response = aiohttp_jinja2.render_template(name, request, values, status=status)
    response.headers["Content-Security-Policy"] = PHONE_POLICY
    response.headers["Cache-Control"] = "no-store"
    # Not no-referrer: with it, a browser sends a form's Origin as "null", and lensmap checks
    # every form's Origin. No page here links elsewhere, so nothing else ever sees the key.
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _refused(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text + "\n")


async def _plain_headers(request, response) -> None:
    for name, value in PLAIN_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers["Server"] = PLAIN_HEADERS["Server"]
    for name, value in NOT_FRAMED.items():
        response.headers.setdefault(name, value)


def _number(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value or default)))
    except ValueError:
        return default
