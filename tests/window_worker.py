"""One lensmap window in its own process, for tests/test_windows_in_processes.py: it takes
`count` random actions on a shared session at random moments (its own persona and notes,
and some that every window changes), writing the id of each stored entry to `confirmed`
only once the store has said it is saved. Then it waits for `go`, reads in what the others
stored, and writes what its session holds to `final` (saying `CONFIRMED.done` when it
begins to wait).

    python -m tests.window_worker SESSION CONFIRMED FINAL GO PERSONA SEED COUNT
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from lensmap.event.model import Tag
from lensmap.session.actions import (
    SteppedBack,
    StepTaken,
    TagAdded,
    TagEdited,
    new_device,
)
from lensmap.session.state import ActionRefused
from lensmap.session.store import SaveFailed, SessionStore

STAGES = ["gp_referral", "triage", "waiting_list", "same_day_prescribing"]
SHARED_PERSONA = "bruno"
SHARED_TAG = "shared"


def what_it_holds(store: SessionStore) -> str:
    """The session as this window holds it, in an order every window shares."""
    state = store.state
    return json.dumps(
        {
            "tags": {k: v.model_dump(mode="json") for k, v in state.tags.items()},
            "journeys": {k: v.model_dump(mode="json") for k, v in state.journeys.items()},
            "entries": len(store.entries),
        },
        sort_keys=True,
    )


def main(argv: list[str]) -> int:
    session, confirmed, final, go = map(Path, argv[:4])
    persona, seed, count = argv[4], int(argv[5]), int(argv[6])
    chance = random.Random(seed)
    store = SessionStore.open(session, device=new_device())
    mine: list[str] = []
    refused = 0
    with confirmed.open("a", encoding="utf-8") as said:
        for n in range(count):
            time.sleep(chance.random() * 0.004)
            roll = chance.random()
            try:
                if roll < 0.25:
                    tag_id = f"{persona}-{n}"
                    stage = chance.choice(STAGES)
                    store.record(TagAdded(tag=Tag(id=tag_id, stage=stage, kind="barrier")))
                    mine.append(tag_id)
                elif roll < 0.40 and mine:
                    tag_id = chance.choice(mine)
                    if tag_id in store.state.tags:
                        edited = store.state.tags[tag_id].model_copy(update={"note": f"n{n}"})
                        store.record(TagEdited(tag=edited))
                    else:
                        continue
                elif roll < 0.50:
                    shared = store.state.tags[SHARED_TAG].model_copy(update={"note": str(n)})
                    store.record(TagEdited(tag=shared))
                elif roll < 0.65:
                    who = SHARED_PERSONA if roll < 0.55 else persona
                    store.record(StepTaken(persona=who, stage=chance.choice(STAGES)))
                elif roll < 0.70 and store.state.journeys.get(persona):
                    store.record(SteppedBack(persona=persona))
                elif roll < 0.82:
                    if store.undo() is None:
                        continue
                elif roll < 0.90:
                    if store.redo() is None:
                        continue
                else:
                    store.refresh()
                    continue
            except ActionRefused:
                refused += 1
                continue
            except SaveFailed as exc:
                print(f"not saved: {exc}", file=sys.stderr)
                continue
            said.write(store.entries[-1].id + "\n")
            said.flush()
    Path(f"{confirmed}.done").write_text("done", encoding="utf-8")
    while not go.exists():
        time.sleep(0.02)
    store.refresh()
    final.write_text(what_it_holds(store), encoding="utf-8")
    store.close()
    print(f"refused {refused}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
