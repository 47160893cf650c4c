"""Export figures: the full export of a 200-stage pathway with six journeys, and its ratio to
the Graphviz engine alone drawing the same DOT files one after another.

    python benchmarks/export_figures.py [--stages N] [--rounds N] [--no-reference]

--no-reference times the full export alone (at 1,000 stages the engine drawing full-size
PNGs one format at a time takes many minutes).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import big_pathway, personas

from lensmap.event.model import Tag
from lensmap.export.maps import engine
from lensmap.export.writer import FORMATS, _maps, export_session
from lensmap.session.actions import new_id
from lensmap.session.content import SessionContent
from lensmap.session.state import SessionState, apply


def session(stages: int = 200) -> SessionContent:
    from lensmap.session.actions import StepTaken

    pathway = big_pathway(stages)
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()
    content = session(args.stages)
    maps = _maps(content)[0]
    formats = [f for f in ("svg", "png", "pdf") if f in FORMATS]
    if engine()[0].endswith("graphviz-pure"):
        formats.remove("pdf")
    full, alone = [], []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            export_session(content, Path(folder) / "out")
            full.append(time.perf_counter() - start)
        if args.no_reference:
            continue
        start = time.perf_counter()
        for dot in maps.values():
            for fmt in formats:
                subprocess.run([*engine(), f"-T{fmt}", "-q"], input=dot.encode(),
                               capture_output=True, check=True)  # fmt: skip
        alone.append(time.perf_counter() - start)
    print(f"{args.stages} stages, maps: {len(maps)} x {formats} with {engine()[0]}")
    if args.no_reference:
        print(f"full export {statistics.median(full):.2f} s (median of {len(full)})")
        return 0
    f, a = statistics.median(full), statistics.median(alone)
    print(f"full export {f:.2f} s; engine alone, one after another {a:.2f} s; ratio {f / a:.2f}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
