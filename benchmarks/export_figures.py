"""Export figures: the full export of a 200-stage pathway with six journeys, and its ratio to
the Graphviz engine alone drawing the same DOT files one after another.

    python benchmarks/export_figures.py
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import big_pathway, personas

from lensmap.export.maps import engine
from lensmap.export.writer import FORMATS, _maps, export_session
from lensmap.model import Tag
from lensmap.session.actions import new_id
from lensmap.session.content import SessionContent
from lensmap.session.state import SessionState, apply


def session() -> SessionContent:
    from lensmap.session.actions import StepTaken

    pathway = big_pathway(200)
    content = SessionContent(pathway=pathway, personas=personas())
    state = SessionState.from_content(content)
    rng = random.Random(5)
    for persona in state.personas:
        stage = rng.choice(pathway.entries)
        for _ in range(12):
            apply(state, StepTaken(persona=persona, stage=stage))
            stage = rng.choice(pathway.next_stages(stage) or pathway.entries)
    ids = list(pathway.stages_by_id)
    for _ in range(300):
        tag = Tag(id=new_id("t"), stage=rng.choice(ids), kind=rng.choice(["risk", "barrier"]),
                  persona=rng.choice([*state.personas, None]), note="noticed")  # fmt: skip
        state.tags[tag.id] = tag
    return state.content()


def main() -> int:
    content = session()
    maps = _maps(content)[0]
    formats = [f for f in ("svg", "png", "pdf") if f in FORMATS]
    if engine()[0].endswith("graphviz-pure"):
        formats.remove("pdf")
    full, alone = [], []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            export_session(content, Path(folder) / "out")
            full.append(time.perf_counter() - start)
        start = time.perf_counter()
        for dot in maps.values():
            for fmt in formats:
                subprocess.run([*engine(), f"-T{fmt}", "-q"], input=dot.encode(),
                               capture_output=True, check=True)  # fmt: skip
        alone.append(time.perf_counter() - start)
    f, a = statistics.median(full), statistics.median(alone)
    print(f"maps: {len(maps)} x {formats} with {engine()[0]}")
    print(f"full export {f:.2f} s; engine alone, one after another {a:.2f} s; ratio {f / a:.2f}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
