"""One page's app process: textual-serve's AppService, made to start without a shell, to have
its next process started before its page asks (waiting.py), and always to end.

Imported only once a server is made (server.py): every page's app process imports the
`lensmap.serve` package, and none of them needs textual-serve."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import version
from typing import Any, ClassVar

from textual_serve.app_service import AppService

from .server import app_problem
from .waiting import PAGE_WAITS, size_line
from .watch import SERVER_PID

log = logging.getLogger("lensmap.serve")

SPAWNING = object()  # the spare app process is being started


class PageApp(AppService):
    """One page's app process, started without a shell in its own process group (a Ctrl+C in
    the terminal reaches the server alone, which asks each app to quit and waits for it), and
    told which server never to outlive. However its page goes, the app is ended: asked to
    quit, then terminated, then killed, with its process group.

    Each server has a subclass of its own, from `for_server`: what it runs (`argv`), where an
    app's own problem is said (`say`), and that server's spare process, started before its
    page asks for it (see waiting.py).

    Overrides of textual_serve.app_service.AppService (1.1.3; tests/test_serve_upstream.py
    says when another release changes them):

    - `_open_app_process`: upstream starts the command through a shell, told the page's size
      in its environment. Here the spare is taken (or `argv` started, with no shell), and the
      size is written to it, since it was started before the page had one.
    - `run`: upstream's relay loop, copied, but it says the app's own problem once (not its
      whole error output), and reads everything the app writes until the app ends, even once
      its page has gone: an app left writing into a full pipe could never hear "quit".
    - `stop`: upstream asks the app to quit and waits for its relay for ever; here an app
      that does not quit is terminated, then killed, and a relay stuck on its page let go.
    - `send_bytes`: upstream's, but a write to an app that has gone is False, not an error.

    `_environment` is upstream's `_build_environment`, copied, without the size (the page
    says it) and with lensmap's own variables; upstream's is not used.
    """

    argv: ClassVar[list[str]] = []
    say: ClassVar[Callable[..., None]] = staticmethod(print)
    spare: ClassVar[Any] = None  # this server's app process started before its page

    quit_wait = 10.0  # seconds an app gets to quit when asked
    end_wait = 3.0  # ... and then to end when terminated, and when killed

    ready = False  # the app said it is a Textual app
    problem = ""  # what it said when it stopped, fit for the terminal
    page_gone = False  # from then on, what the app draws is read and let go

    @classmethod
    def for_server(cls, argv: list[str], say: Callable[..., None] = print) -> type[PageApp]:
        """The class for one server's pages: each runs `argv` (lensmap open …) as its own
        process, and says the app's own problem through `say` (as print, to stderr)."""
        attributes = {"argv": list(argv), "say": staticmethod(say), "spare": None}
        return type(f"{cls.__name__}ForServer", (cls,), attributes)

    @classmethod
    def _environment(cls) -> dict[str, str]:
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
            *cls.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=cls._environment(),
            **apart,
        )

    @classmethod
    async def start_spare(cls) -> None:
        """Start the next page's app process now, so it has imported everything by the time
        a page asks for it (it opens the session only then)."""
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
            assert process.stdin is not None  # started with a pipe to it
            try:
                process.stdin.write(size_line(width, height))
                await process.stdin.drain()
            except (OSError, RuntimeError):  # the spare had ended: start one afresh
                continue
            break
        assert process is not None
        self._process, self._stdin = process, process.stdin
        return process

    async def run(self) -> None:
        process = self._process
        assert process is not None and process.stdout is not None and process.stderr is not None
        said = bytearray()
        stderr = process.stderr

        async def read_errors() -> None:
            while chunk := await stderr.read(4096):
                said.extend(chunk)

        errors = asyncio.create_task(read_errors())
        try:
            await self._relay(process.stdout)
        except (asyncio.IncompleteReadError, ConnectionResetError, asyncio.CancelledError):
            pass
        finally:  # the rest of what it said, without waiting on an app that hangs
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(errors, timeout=1)
        self.problem = app_problem(said.decode("utf-8", "replace"))
        if self.problem:
            self.say(self.problem, file=sys.stderr)

    async def _relay(self, stdout: asyncio.StreamReader) -> None:
        """Upstream's loop in `run`: the app's first lines until it says it is a Textual
        app, then its packets, each passed on to the page while the page takes them."""
        relay = {b"D": self.on_data, b"M": self.on_meta, b"P": self.on_packed}
        for _ in range(10):
            line = await stdout.readline()
            if not line or line == b"__GANGLION__\n":
                self.ready = bool(line)
                break
        while self.ready:
            kind = await stdout.readexactly(1)
            size = int.from_bytes(await stdout.readexactly(4), "big")
            payload = await stdout.readexactly(size)
            if not self.page_gone and kind in relay:
                try:
                    await relay[kind](payload)
                except Exception:  # the page has gone, or cannot take it
                    self.page_gone = True
        if not self.ready:
            while await stdout.read(65536):
                pass

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
                # It ends by itself once the app's pipes close; one that does not (its page
                # stuck taking a frame) is let go of.
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
