"""Performance figures for lensmap (measured, not asserted: a busy machine must not fail a test).

    python3 dev.py bench            all figures
    python benchmarks/run.py --quick    fewer repetitions

Session figures: opening a session of 10,000 and of 100,000 actions on a 200-stage pathway,
from the checkpoint that closing it wrote and (as a file from an older lensmap, or one whose
checkpoint does not match its log) by replaying the whole log; closing when that writes a
checkpoint; the first undo that goes below what the checkpoint kept (it replays the log); and
appending one action (each append is a committed, fsynced SQLite transaction).
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lensmap.event.model import Pathway, Persona, Tag
from lensmap.session import checkpoint
from lensmap.session.actions import (
    IssueEdited,
    StepTaken,
    TagAdded,
    TagEdited,
    new_id,
    read_action,
)
from lensmap.session.content import SessionContent
from lensmap.session.state import SessionState, apply
from lensmap.session.store import SessionStore


def big_pathway(stages: int = 200) -> Pathway:
    """A layered pathway with loops back, like a large service written out in full."""
    rng = random.Random(7)
    ids = [f"stage_{i:03d}" for i in range(stages)]
    data = {
        "id": "benchmark",
        "title": f"Benchmark pathway ({stages} stages)",
        "stages": [
            {
                "id": sid,
                "label": f"Stage {i} with a longer name for wrapping",
                "kind": "entry" if i < 5 else ("exit" if i >= stages - 5 else "step"),
                "service": f"Service {i % 12}",
                "prompts": ["What does the person know about what happens next?"],
            }
            for i, sid in enumerate(ids)
        ],
        "transitions": [],
    }
    seen = set()
    for i in range(stages - 5):
        for target in {i + 1 + rng.randrange(3), max(5, i - rng.randrange(8))}:
            if target < stages and (i, target) not in seen and target != i:
                seen.add((i, target))
                data["transitions"].append({"from": ids[i], "to": ids[target]})
    return Pathway.model_validate(data)


def personas() -> list[Persona]:
    names = ["Ollie", "Jay", "Gill", "Bruno", "Stuart", "Lauren"]
    return [Persona(id=n.lower(), name=n) for n in names]


def build_session(path: Path, actions: int, pathway: Pathway) -> SessionStore:
    """A session of `actions` valid actions, written in one transaction (building is not timed)."""
    rng = random.Random(11)
    content = SessionContent(pathway=pathway, personas=personas())
    SessionStore.create(path, content).close()
    state = SessionState.from_content(content)
    stage_ids = list(pathway.stages_by_id)
    people = [p.id for p in content.personas]
    rows = []
    for seq in range(2, actions + 1):
        roll = rng.random()
        if roll < 0.1:
            action = StepTaken(persona=rng.choice(people), stage=rng.choice(stage_ids))
        elif roll < 0.15 and state.tags:
            old = state.tags[rng.choice(list(state.tags))]
            action = TagEdited(tag=old.model_copy(update={"note": old.note + " (edited)"}))
        elif roll < 0.18:
            action = IssueEdited.model_validate(
                {"issue": {"stage": rng.choice(stage_ids), "kind": "barrier", "votes": 3}}
            )
        else:
            action = TagAdded(
                tag=Tag(
                    id=new_id("t"),
                    stage=rng.choice(stage_ids),
                    persona=rng.choice([*people, None]),
                    kind=rng.choice(["positive", "barrier", "risk"]),
                    note="Had to tell their story again to a new worker; nobody explained why.",
                    severity=rng.randint(1, 3),
                    principles=rng.sample(["safety", "trust", "choice"], 2),
                    theme="service-design",
                )
            )
        apply(state, action)
        rows.append(
            (seq, new_id("a"), "2026-03-14T10:00:00+00:00", action.type,
             action.model_dump_json(by_alias=True))
        )  # fmt: skip
    conn = sqlite3.connect(path)
    conn.executemany("INSERT INTO actions VALUES (?, ?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()
    read_action(rows[-1][3], rows[-1][4])  # the last row reads as an action
    return SessionStore.open(path)


def without_checkpoint(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        keys = (checkpoint.KEY, checkpoint.STATE_KEY)
        conn.execute("DELETE FROM about WHERE key IN (?, ?)", keys)
    conn.close()


def import_ms(module: str) -> float:
    """How long importing `module` takes in a fresh interpreter, the median of 5, in ms."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout) * 1000
        for _ in range(5)
    ]  # fmt: skip
    return round(sorted(runs)[2], 1)


def measure(fn: Callable[[], object], repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return summary(times)


def summary(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {
        "median_ms": round(statistics.median(times), 2),
        "p90_ms": round(times[int(len(times) * 0.9) - 1 if len(times) > 1 else 0], 2),
        "min_ms": round(times[0], 2),
        "runs": len(times),
    }


def session_figures(quick: bool, actions: int = 10_000) -> dict[str, dict[str, float]]:
    pathway = big_pathway(200)
    figures = {}
    said = f"{actions:,}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.lens"
        store = build_session(path, actions, pathway)
        assert len(store.entries) == actions
        tags = len(store.state.tags)
        store.close()

        def open_session() -> None:
            opened = SessionStore.open(path)
            assert opened.checkpoint == actions  # closing wrote one; closing again need not
            opened.close()

        figures[f"open {said} actions"] = measure(open_session, 3 if quick else 9)

        # The same session as an older lensmap left it, or with a checkpoint that does not
        # match its log: opening replays every action, and closing then writes a checkpoint.
        whole = Path(folder) / "whole.lens"
        shutil.copyfile(path, whole)
        opening, closing = [], []
        for _ in range(2 if quick else 5):
            without_checkpoint(whole)
            gc.collect()
            started = time.perf_counter()
            opened = SessionStore.open(whole)
            opening.append((time.perf_counter() - started) * 1000)
            assert opened.checkpoint is None and opened.replayed == actions
            started = time.perf_counter()
            opened.close()
            closing.append((time.perf_counter() - started) * 1000)
            del opened
        figures["open, no checkpoint"] = summary(opening)
        figures["close, writing one"] = summary(closing)

        # Undo just after opening takes back what the checkpoint kept out of its state; the
        # first undo below that replays the whole log, once.
        with SessionStore.open(whole) as opened:
            assert opened.checkpoint == actions
            figures["undo after opening"] = measure(opened.undo, 1)
            for _ in range(checkpoint.KEEP - 1):
                opened.undo()
            assert opened.history.deeper and not opened.history.done
            figures["undo below checkpoint"] = measure(opened.undo, 1)
            assert not opened.history.deeper

        store = SessionStore.open(path)
        stage_ids = list(pathway.stages_by_id)

        def append_one() -> None:
            store.record(
                TagAdded(tag=Tag(id=new_id("t"), stage=random.choice(stage_ids), kind="risk"))
            )

        figures["append one action"] = measure(append_one, 30 if quick else 200)
        figures["undo one action"] = measure(store.undo, 10 if quick else 30)
        figures["redo one action"] = measure(store.redo, 10 if quick else 30)
        store.close()
        figures["_context"] = {"stages": len(pathway.stages), "tags": tags}
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    figures = {
        "session of 10,000 actions": session_figures(args.quick),
        "session of 100,000 actions": session_figures(args.quick, 100_000),
    }
    figures["machine"] = {
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.machine()}",
        "sqlite": sqlite3.sqlite_version,
    }
    for group, rows in figures.items():
        print(f"\n{group}")
        for name, row in rows.items():
            print(f"  {name:24} {row}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
