"""The pathway's one index of its routes gives the same answers as the walks it replaced
(each written out plainly below), on any pathway hypothesis can draw."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lensmap.event.layout import layers, stage_numbers, unreached
from lensmap.event.model import Pathway
from lensmap.event.routes import Routes
from lensmap.files.pathway_checks import pathway_problems


@st.composite
def pathways(draw) -> dict:
    count = draw(st.integers(1, 12))
    ids = [f"s{i}" for i in range(count)]
    kinds = draw(
        st.lists(
            st.sampled_from(["step", "entry", "exit", "decision"]), min_size=count, max_size=count
        )
    )
    edges = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=30))
    return {
        "id": "p",
        "title": "P",
        "stages": [{"id": i, "label": i, "kind": k} for i, k in zip(ids, kinds, strict=True)],
        "transitions": [{"from": a, "to": b} for a, b in edges],
    }


def plain_entries(data: dict) -> list[str]:
    marked = [s["id"] for s in data["stages"] if s["kind"] == "entry"]
    targets = {t["to"] for t in data["transitions"]}
    return marked or [s["id"] for s in data["stages"] if s["id"] not in targets]


def plain_next(data: dict, stage: str) -> list[str]:
    found: list[str] = []
    for t in data["transitions"]:
        if t["from"] == stage and t["to"] not in found:
            found.append(t["to"])
    return found


def plain_order(data: dict) -> dict[str, int]:
    position: dict[str, int] = {}
    queue = plain_entries(data)
    for stage in queue:
        if stage in position:
            continue
        position[stage] = len(position)
        queue.extend(n for n in plain_next(data, stage) if n not in position)
    for s in data["stages"]:
        position.setdefault(s["id"], len(position))
    return position


def plain_depths(data: dict) -> dict[str, int]:
    depth = dict.fromkeys(plain_entries(data), 0)
    queue = list(depth)
    for stage in queue:
        for following in plain_next(data, stage):
            if following not in depth:
                depth[following] = depth[stage] + 1
                queue.append(following)
    return depth


@settings(max_examples=300, deadline=None)
@given(pathways())
def test_routes_answer_as_the_plain_walks_do(data: dict) -> None:
    pathway = Pathway.model_validate(data)
    ids = [s["id"] for s in data["stages"]]
    assert pathway.entries == plain_entries(data)
    assert {s: pathway.next_stages(s) for s in ids} == {s: plain_next(data, s) for s in ids}
    assert pathway.order == plain_order(data)
    depths = plain_depths(data)
    assert pathway.routes.depths == depths
    assert unreached(pathway) == [s for s in ids if s not in depths]
    expected = [[] for _ in range(max(depths.values(), default=-1) + 1)]
    for stage in sorted(depths, key=plain_order(data).__getitem__):
        expected[depths[stage]].append(stage)
    if unreached(pathway):
        expected.append(unreached(pathway))
    assert layers(pathway) == expected
    assert sorted(stage_numbers(pathway).values()) == list(range(1, len(ids) + 1))


@settings(max_examples=200, deadline=None)
@given(pathways())
def test_the_file_checks_warn_of_the_stages_the_map_shows_as_unreached(data: dict) -> None:
    pathway = Pathway.model_validate(data)
    assume(pathway.entries)  # without a way in, the file is refused outright
    warned = {
        p.place.split("(")[0].strip()
        for p in pathway_problems(data, "p.toml")
        if "reaches this stage" in p.message
    }
    at = {s["id"]: f"stages[{n}]" for n, s in enumerate(data["stages"], start=1)}
    assert warned == {at[s] for s in unreached(pathway)}


def test_transitions_naming_no_stage_are_left_out() -> None:
    routes = Routes.build([("a", "entry"), ("b", "step")], [("a", "b"), ("a", "ghost"), ("x", "a")])
    assert routes.following == {"a": ("b",), "b": ()}
    assert routes.entries == ("a",)


def test_a_copy_with_other_stages_works_out_its_own_routes(pathway) -> None:
    assert pathway.routes.entries and pathway.stages_by_id  # worked out for the original
    first = pathway.stages[0]
    copy = pathway.model_copy(update={"stages": [first], "transitions": []})
    assert list(copy.stages_by_id) == [first.id]
    assert copy.routes.stages == (first.id,) and copy.entries == [first.id]
    assert copy.next_stages(first.id) == []
    assert pathway.routes.stages == tuple(s.id for s in pathway.stages)  # the original kept
