"""Map layers: breadth-first from the entries, loops do not push stages down."""

from __future__ import annotations

from lensmap.layout import layers, unreached
from lensmap.model import Pathway


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
