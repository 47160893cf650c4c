"""Figures for the terminal app: start-up against a minimal Textual app, and a tag's round trip.

    python benchmarks/app_figures.py [--quick]

Start-up: from starting the process (interpreter, imports, session opened) to the first
screen drawn and taking keys, headless,
lensmap on the built-in example and a one-widget Textual app, run alternately.
Tag round trip: on a 200-stage pathway with 1,000 tags, the time from a tag being saved
from the dialog (stored durably) to the first frame that shows it going to the terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

MINIMAL = """
import time
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("hello")

async def ready(pilot):
    print(time.time())  # the first screen is up and taking keys
    pilot.app.exit()

Minimal().run(headless=True, size=(120, 36), auto_pilot=ready)
"""

LENSMAP = """
import sys
import time
from lensmap.files.examples import example_pathway, example_vignettes
from lensmap.opening import open_session
from lensmap.tui.app import make_app

store, _ = open_session(example_pathway(), [example_vignettes()], sys.argv[1])

async def ready(pilot):
    print(time.time())  # the first screen is up and taking keys
    pilot.app.exit()

make_app(store).run(headless=True, size=(120, 36), auto_pilot=ready)
store.close()
"""


def run_once(code: str, *args: str) -> float:
    """From starting the process to the first screen taking keys (wall clock, as a person waits)."""
    start = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    return (float(done.stdout.strip().splitlines()[-1]) - start) * 1000


def startup(repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        session = str(Path(folder) / "bench.lens")
        env_before = os.environ.get("LENSMAP_DATA_DIR")
        os.environ["LENSMAP_DATA_DIR"] = folder
        run_once(LENSMAP, session)  # creates the session; later runs continue it
        run_once(MINIMAL)
        minimal, lensmap = [], []
        for _ in range(repeat):
            minimal.append(run_once(MINIMAL))
            lensmap.append(run_once(LENSMAP, session))
        if env_before is None:
            os.environ.pop("LENSMAP_DATA_DIR", None)
    m, lm = statistics.median(minimal), statistics.median(lensmap)
    return {
        "minimal_textual_ms": round(m, 1),
        "lensmap_ms": round(lm, 1),
        "ratio": round(lm / m, 2),
        "runs": repeat,
    }


async def tag_round_trip(repeat: int) -> dict[str, float]:
    import random

    from run import big_pathway, personas

    from lensmap.event.model import Tag
    from lensmap.session.actions import TagAdded, new_id
    from lensmap.session.content import SessionContent
    from lensmap.session.store import SessionStore
    from lensmap.tui.app import make_app
    from lensmap.tui.widgets.pathway_map import PathwayMap

    pathway = big_pathway(200)
    stage_ids = list(pathway.stages_by_id)
    rng = random.Random(3)
    tags = [
        Tag(id=new_id("t"), stage=rng.choice(stage_ids), kind=rng.choice(["barrier", "risk"]))
        for _ in range(1000)
    ]
    with tempfile.TemporaryDirectory() as folder:
        content = SessionContent(pathway=pathway, personas=personas(), tags=tags)
        store = SessionStore.create(Path(folder) / "bench.lens", content)
        app = make_app(store)
        times = []
        painted: list[float] = []
        frame = asyncio.Event()
        display = app._display

        def timed_display(screen, renderable):  # a frame going out to the terminal
            painted.append(time.perf_counter())
            frame.set()
            return display(screen, renderable)

        app._display = timed_display
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            map_widget = app.screen.query_one(PathwayMap)
            for _ in range(repeat):
                stage = rng.choice(stage_ids)
                app.screen.select(stage)  # the facilitator tags the stage they have selected
                await pilot.pause()
                await asyncio.sleep(0.05)  # let the focus frame go out first
                before = map_widget.views[stage].counts
                tag = Tag(id=new_id("t"), stage=stage, kind="risk", note="Room noticed this")
                painted.clear()
                frame.clear()
                start = time.perf_counter()
                app.record(TagAdded(tag=tag), "Saved: risk")  # what the dialog's save does
                # wait for the frame as the app runs on its own (no test harness in between)
                await asyncio.wait_for(frame.wait(), timeout=5)
                times.append((painted[0] - start) * 1000)
                assert map_widget.views[stage].counts[2] == before[2] + 1
        store.close()
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p90_ms": round(times[int(len(times) * 0.9) - 1], 2),
        "runs": repeat,
        "stages": len(stage_ids),
        "tags_before": 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    print("app start-up (to first screen, whole process):")
    print(" ", startup(3 if args.quick else 9))
    print("tag saved and shown (200 stages, 1,000 tags):")
    print(" ", asyncio.run(tag_round_trip(15 if args.quick else 60)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
