"""Map layers: breadth-first from the entries, loops do not push stages down."""

from __future__ import annotations

import itertools

from lensmap.event.layout import layers, unreached
from lensmap.event.model import Pathway


def test_layers_follow_the_flow_and_ignore_loops_back():
    pathway = Pathway.model_validate(
        {
            "id": "p",
            "title": "P",
            "stages": [
                {"id": "a", "label": "A", "kind": "entry"},
                {"id": "b", "label": "B"},
                {"id": "c", "label": "C"},
                {"id": "orphan", "label": "Orphan"},
            ],
            "transitions": [
                {"from": "a", "to": "b"},
                {"from": "b", "to": "c"},
                {"from": "c", "to": "a"},
                {"from": "c", "to": "b"},
            ],
        }
    )
    assert layers(pathway) == [["a"], ["b"], ["c"], ["orphan"]]
    assert unreached(pathway) == ["orphan"]


def test_example_layers_start_with_every_way_in(pathway):
    first = layers(pathway)[0]
    assert first == pathway.entries
    assert sum(len(layer) for layer in layers(pathway)) == len(pathway.stages)


class _CountedList(list):
    """A list that counts how often it is walked through."""

    walks = 0

    def __iter__(self):
        _CountedList.walks += 1
        return super().__iter__()


def _chain(stages: int) -> Pathway:
    ids = [f"s{i}" for i in range(stages)]
    return Pathway.model_validate(
        {
            "id": "p",
            "title": "P",
            "stages": [
                {"id": s, "label": s, "kind": "entry" if i == 0 else "step"}
                for i, s in enumerate(ids)
            ],
            "transitions": [{"from": a, "to": b} for a, b in itertools.pairwise(ids)]
            + [{"from": b, "to": ids[0]} for b in ids[1::7]],
        }
    )


def test_the_map_walks_the_transitions_once_however_large_the_pathway():
    # Laying out the map asks for each stage's next stages; answering that by scanning every
    # transition made a 2,000-stage map take seconds. The pathway keeps one index instead.
    for stages in (50, 2000):
        pathway = _chain(stages)
        pathway.__dict__["transitions"] = _CountedList(pathway.transitions)
        _CountedList.walks = 0
        found = layers(pathway)
        assert sum(len(layer) for layer in found) == stages
        assert [pathway.next_stages(s) for s in ("s0", "s1")] == [["s1"], ["s2", "s0"]]
        assert _CountedList.walks <= 2  # the index, and the entries' check
