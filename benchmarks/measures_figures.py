"""Figures for the journey and pathway measures (measured, not asserted).

    .venv/bin/python benchmarks/measures_figures.py [--quick]

The pathway measures (loops, stages behind a wait) use networkx on the pathway's graph; the
journey measures only the pathway's routes. Both run when an export, `lensmap session show`
or the journey strip asks for them, never at start-up; the import of networkx itself is
timed apart, in a fresh interpreter."""

from __future__ import annotations

import argparse
import random
import sys
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from functools import partial

from run import big_pathway, import_ms, measure

from lensmap.event.measures import measure_journey, measure_pathway
from lensmap.event.model import Journey, Pathway, Step
from lensmap.files.examples import example_pathway
from lensmap.files.pathway import load_pathway


def walk(pathway: Pathway, steps: int, seed: int) -> Journey:
    """A journey that follows transitions, jumping where none lead on."""
    rng = random.Random(seed)
    stage = pathway.entries[0]
    taken = []
    for _ in range(steps):
        taken.append(Step(stage=stage, window=rng.choice([None, "within", "hyper", "hypo"])))
        following = pathway.next_stages(stage)
        stage = rng.choice(following) if following else rng.choice(pathway.stages).id
    return Journey(persona=f"p{seed}", steps=taken)


def layered(width: int = 8, depth: int = 12) -> Pathway:
    """Every stage leading to every stage of the next layer, and one way back from the last
    to the first: millions of paths, and one long loop (the worst case for listing loops)."""
    layers = [[f"l{n}s{k}" for k in range(width)] for n in range(depth)]
    stages = [{"id": s, "label": s, "kind": "entry" if s == "l0s0" else "step"}
              for layer in layers for s in layer]  # fmt: skip
    edges = [{"from": a, "to": b} for one, two in pairwise(layers)
             for a in one for b in two] + [{"from": layers[-1][0], "to": "l0s0"}]  # fmt: skip
    return Pathway.model_validate(
        {"id": "layered", "title": "Layered", "stages": stages, "transitions": edges}
    )


def pathways() -> list[tuple[str, Pathway]]:
    example = load_pathway(example_pathway())[0]
    return [
        (f"the example ({len(example.stages)} stages)", example),
        ("200 stages", big_pathway(200)),
        ("1,000 stages", big_pathway(1000)),
        ("96 stages, 8 to a layer, all joined", layered()),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeat = 3 if args.quick else 15
    print(f"networkx import (fresh interpreter, median of 5): {import_ms('networkx')} ms")
    for name, pathway in pathways():
        pathway.graph  # noqa: B018  built once per pathway, as an export does
        journeys = [walk(pathway, 60, seed) for seed in range(6)]
        long = walk(pathway, 2000, 99)
        m = measure_pathway(pathway, journeys)
        print(f"\n{name}: {m.loops_found} loops, {len(m.behind_a_wait)} behind a wait")
        figures = {
            "pathway measures, 6 journeys": (partial(measure_pathway, pathway, journeys), 1),
            "one journey of 60 steps": (partial(measure_journey, pathway, journeys[0]), 10),
            "one journey of 2,000 steps": (partial(measure_journey, pathway, long), 1),
        }
        for what, (run, times) in figures.items():
            print(f"  {what:30} {measure(run, repeat * times)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
