"""Figures for lensmap in a real terminal: start-up, a map arrow key, the tag dialog.

    python benchmarks/terminal_figures.py [--quick]

Each app runs in a pseudo-terminal of 120x36, as it would in a facilitator's terminal, and
everything is measured from outside the process: wall-clock times from the frames it writes
(Textual writes each frame as one synchronised update), CPU time from the operating system.

- Start-up: from starting the process to its first full screen (once the footer's last
  key and, for lensmap, the map's first layer of cards have been drawn), and to idle (the
  last frame before it has been quiet for a second), with the CPU it used by then. The
  reference is a bare Textual app with a Header, a Static and a Footer, started
  alternately with lensmap in the same run.
- Map arrow key: on the built-in example (32 stages) and on pathways of 200 and 1,000
  stages with 1,000 tags, the time from the key to the last frame it causes, and the CPU
  used for it.
- Tag dialog: from pressing b to the first frame showing the dialog whole, and its CPU;
  and from Enter (which saves the tag typed) to the first frame after it, the map with the
  dialog gone and the card's count changed (the tag is on disk before that frame).

Linux only (CPU times come from /proc).
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FRAME_END = b"\x1b[?2026l"  # the end of a synchronised update: a frame is on screen
SYNC_QUERY = b"\x1b[?2026$p"  # does the terminal draw synchronised updates?
SYNC_ANSWER = b"\x1b[?2026;2$y"  # it does, as most terminals facilitators use do
LENSMAP_WHOLE = (b"Ways in", b"Quit")  # the map's first layer and the footer's last key
QUIET = 1.0  # seconds without output that count as idle
KEY_QUIET = 0.4

BARE = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("hello")
        yield Footer()

Bare().run()
"""


class Terminal:
    """A program running in a pseudo-terminal, and every frame it writes, with its time."""

    def __init__(self, command: list[str], env: dict[str, str], size=(120, 36)) -> None:
        import fcntl
        import pty
        import termios

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.output = bytearray()
        self.frames: list[tuple[float, int]] = []  # (time, where in the output it ended)
        self.chunks: list[tuple[float, int]] = []  # every write, in case a frame is not marked

    def read(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            now = time.perf_counter()
            start = max(0, len(self.output) - len(FRAME_END))
            self.output += chunk
            if SYNC_QUERY in self.output[max(0, start - len(SYNC_QUERY)) :]:
                os.write(self.master, SYNC_ANSWER)
            self.chunks.append((now, len(self.output)))
            at = self.output.find(FRAME_END, start)
            while at != -1:
                self.frames.append((now, at))
                at = self.output.find(FRAME_END, at + 1)

    def until_quiet(self, quiet: float, limit: float = 30.0) -> float:
        """Read until nothing has come for `quiet` seconds; the time of the last write."""
        give_up = time.perf_counter() + limit
        while time.perf_counter() < give_up:
            count = len(self.chunks)
            self.read(quiet)
            if len(self.chunks) == count:
                break
        return self.chunks[-1][0] if self.chunks else time.perf_counter()

    def first_with(self, text: bytes, after: float) -> float | None:
        """When the screen first held this text, written after `after` (only what was
        written since counts: the same text drawn before, say by an earlier dialog, not)."""
        start = max((end for when, end in self.chunks if when < after), default=0)
        for when, end in self.chunks:
            if when >= after and text in self.output[start:end]:
                return when
        return None

    def send(self, keys: bytes) -> float:
        now = time.perf_counter()
        os.write(self.master, keys)
        return now

    def cpu_ms(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime + stime
        return ticks * 1000 / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        os.close(self.master)


def environment(folder: str) -> dict[str, str]:
    return {**os.environ, "TERM": "xterm-256color", "LENSMAP_DATA_DIR": folder}


def start(
    command: list[str], env: dict[str, str], marks: tuple[bytes, ...]
) -> tuple[Terminal, dict[str, float]]:
    """Start a program; the screen is whole once every one of `marks` has been drawn (the
    footer's last word, and for lensmap the map's first layer: the footer comes first)."""
    terminal = Terminal(command, env)
    terminal.read(0.05)
    idle = terminal.until_quiet(QUIET)
    seen = [terminal.first_with(mark, terminal.started) for mark in marks]
    first = None if None in seen else max(seen)
    figures = {
        "first_full_screen_ms": ((first or idle) - terminal.started) * 1000,
        "idle_ms": (idle - terminal.started) * 1000,
        "cpu_ms": terminal.cpu_ms(),
    }
    return terminal, figures


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: round(statistics.median(r[key] for r in runs), 1) for key in runs[0]}


def startup(repeat: int, folder: str) -> dict[str, object]:
    env = environment(folder)
    session = str(Path(folder) / "start.lens")
    lensmap = [sys.executable, "-m", "lensmap", "open", example(), "--session", session]
    bare_runs, lensmap_runs = [], []
    for number in range(repeat + 1):
        for command, runs, last_key in (
            ([sys.executable, "-c", BARE], bare_runs, (b"hello", b"palette")),
            (lensmap, lensmap_runs, LENSMAP_WHOLE),
        ):
            terminal, figures = start(command, env, last_key)
            terminal.close()
            if number:  # the first run of each warms the disk cache and makes the session
                runs.append(figures)
    bare, ours = median_of(bare_runs), median_of(lensmap_runs)
    return {
        "bare_textual": bare,
        "lensmap": ours,
        "ratio_first_full_screen": round(
            ours["first_full_screen_ms"] / bare["first_full_screen_ms"], 2
        ),
        "ratio_idle": round(ours["idle_ms"] / bare["idle_ms"], 2),
        "runs": repeat,
    }


def example() -> str:
    from lensmap.files.examples import example_pathway

    return str(example_pathway())


def big_session(stages: int, folder: str) -> tuple[str, str]:
    """A pathway file of this many stages, and a session on it holding 1,000 tags."""
    from run import big_pathway, personas

    from lensmap.event.model import Tag
    from lensmap.files.pathway_toml import write_pathway
    from lensmap.session.actions import new_id
    from lensmap.session.content import SessionContent
    from lensmap.session.store import SessionStore

    pathway = big_pathway(stages)
    path = Path(folder) / f"pathway-{stages}.toml"
    write_pathway(pathway, path, replace=True)
    ids = list(pathway.stages_by_id)
    rng = random.Random(3)
    tags = [
        Tag(id=new_id("t"), stage=rng.choice(ids), kind=rng.choice(["barrier", "risk"]))
        for _ in range(1000)
    ]
    session = Path(folder) / f"session-{stages}.lens"
    content = SessionContent(pathway=pathway, personas=personas(), tags=tags)
    SessionStore.create(session, content).close()
    return str(path), str(session)


ARROWS = [b"\x1b[C", b"\x1b[B", b"\x1b[D", b"\x1b[A"]  # right, down, left, up


def keys(pathway: str, session: str, folder: str, repeat: int) -> dict[str, object]:
    command = [sys.executable, "-m", "lensmap", "open", pathway, "--session", session]
    terminal, opened = start(command, environment(folder), LENSMAP_WHOLE)
    try:
        last, cpu = [], []
        for number in range(repeat):
            cpu_before = terminal.cpu_ms()
            sent = terminal.send(ARROWS[number % 4])
            done = terminal.until_quiet(KEY_QUIET)
            last.append((done - sent) * 1000 if done > sent else 0.0)
            cpu.append(terminal.cpu_ms() - cpu_before)
        dialog, dialog_cpu = [], []
        for _ in range(max(3, repeat // 4)):
            cpu_before = terminal.cpu_ms()
            sent = terminal.send(b"b")
            terminal.until_quiet(KEY_QUIET)
            shown = terminal.first_with(b"what the room noticed", sent)
            dialog.append(((shown or sent) - sent) * 1000)
            dialog_cpu.append(terminal.cpu_ms() - cpu_before)
            terminal.send(b"\x1b")
            terminal.until_quiet(KEY_QUIET)
        saved = []
        for number in range(max(3, repeat // 4)):
            terminal.send(b"b")
            terminal.until_quiet(KEY_QUIET)
            terminal.send(f"Noticed {number}".encode())
            terminal.until_quiet(KEY_QUIET)
            sent = terminal.send(b"\r")  # Enter saves
            terminal.until_quiet(KEY_QUIET)
            drawn = next((when for when, _ in terminal.frames if when >= sent), sent)
            saved.append((drawn - sent) * 1000)
    finally:
        terminal.close()
    return {
        "start_to_idle_ms": round(opened["idle_ms"], 1),
        "arrow_last_frame_ms": round(statistics.median(last), 1),
        "arrow_cpu_ms": round(statistics.mean(cpu), 1),  # a mean: the OS counts in 10 ms ticks
        "tag_dialog_first_full_frame_ms": round(statistics.median(dialog), 1),
        "tag_dialog_cpu_ms": round(statistics.mean(dialog_cpu), 1),
        "tag_saved_first_frame_ms": round(statistics.median(saved), 1),
        "keys": repeat,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        print("terminal figures: Linux only (CPU times come from /proc)")
        return 0
    sys.path.insert(0, str(HERE))
    # An installed lensmap has its bytecode, as Textual and pydantic have theirs: an editable
    # install run with PYTHONDONTWRITEBYTECODE would compile lensmap on every start.
    compileall.compile_dir(HERE.parent / "lensmap", quiet=1)
    repeat = 3 if args.quick else 7
    presses = 12 if args.quick else 48  # CPU comes in 10 ms ticks: enough keys to average
    with tempfile.TemporaryDirectory() as folder:
        print("start-up in a 120x36 terminal (medians):")
        print(" ", startup(repeat, folder))
        print("map keys (medians; CPU is the whole process's):")
        session = str(Path(folder) / "example.lens")
        print("  32 stages:", keys(example(), session, folder, presses))
        for stages in (200, 1000):
            pathway, session = big_session(stages, folder)
            print(f"  {stages} stages, 1,000 tags:", keys(pathway, session, folder, presses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
