"""Journey and pathway measures, on journeys built by hand, and on any valid session."""

from __future__ import annotations

import json
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from lensmap.event.measures import (
    LOOPS_SHOWN,
    journey_steps,
    measure_journey,
    measure_pathway,
)
from lensmap.event.model import Journey, Pathway, Step

# referral -> triage -> wait -> assess -> plan -> review -> (relapse) -> triage ...
PATHWAY = Pathway.model_validate(
    {
        "id": "p",
        "title": "P",
        "stages": [
            {"id": "referral", "label": "Referral", "kind": "entry", "service": "GP"},
            {"id": "triage", "label": "Triage", "service": "Drug service", "asks_story": True},
            {"id": "wait", "label": "Waiting list", "kind": "wait", "service": "Drug service"},
            {"id": "assess", "label": "Assessment", "service": "Drug service", "asks_story": True},
            {"id": "plan", "label": "Care plan"},  # no service
            {"id": "mh", "label": "Mental health", "service": "CMHT", "asks_story": True},
            {"id": "review", "label": "Review", "kind": "decision", "service": "Drug service"},
            {"id": "out", "label": "Discharge", "kind": "exit"},
        ],
        "transitions": [
            {"from": "referral", "to": "triage"},
            {"from": "triage", "to": "wait"},
            {"from": "wait", "to": "assess"},
            {"from": "assess", "to": "plan"},
            {"from": "plan", "to": "mh"},
            {"from": "mh", "to": "review"},
            {"from": "review", "to": "triage", "label": "relapse"},
            {"from": "review", "to": "out"},
        ],
    },
    strict=False,
    by_alias=True,
)


def journey(*steps: str | tuple[str, str], outcome: str | None = None) -> Journey:
    return Journey(
        persona="gill",
        steps=[
            Step(stage=s) if isinstance(s, str) else Step(stage=s[0], window=s[1]) for s in steps
        ],
        outcome=outcome,
    )


def test_a_journey_along_the_pathway():
    walk = journey(
        ("referral", "within"), ("triage", "hyper"), "wait", ("assess", "hypo"), "plan",
        ("mh", "hyper"), ("review", "within"), outcome="Discharged",
    )  # fmt: skip
    m = measure_journey(PATHWAY, walk)
    assert m.steps == 7
    # GP -> Drug service, and CMHT -> Drug service; plan names no service, so the steps
    # either side of it (Drug service, CMHT) are not one handoff.
    assert m.handoffs == 2
    assert m.services == ["GP", "Drug service", "CMHT"]
    assert (m.revisits, m.jumps, m.waits) == (0, 0, 1)
    assert m.outside_window == 3
    assert m.retellings == 3  # triage, assessment, mental health
    assert m.outcome == "Discharged"


def test_jumps_and_revisits():
    walk = journey("referral", "triage", "assess", "plan", "triage", "referral", "triage")
    steps = journey_steps(PATHWAY, walk)
    assert [s.jumped for s in steps] == [False, False, True, False, True, True, False]
    assert [s.revisit for s in steps] == [False, False, False, False, True, True, True]
    m = measure_journey(PATHWAY, walk)
    assert (m.jumps, m.revisits, m.retellings) == (3, 3, 4)
    assert m.handoffs == 3  # GP -> Drug service, back to GP, and to the Drug service again
    assert [s.handoff for s in steps] == [False, True, False, False, False, True, True]


def test_handoffs_count_only_between_two_named_services():
    m = measure_journey(PATHWAY, journey("assess", "plan", "mh"))
    assert m.handoffs == 0 and m.services == ["Drug service", "CMHT"]
    assert measure_journey(PATHWAY, journey("mh", "review")).handoffs == 1


def test_a_first_step_that_is_not_a_way_in_is_a_jump_unless_the_vignette_suggests_it():
    assert measure_journey(PATHWAY, journey("assess")).jumps == 1
    assert measure_journey(PATHWAY, journey("assess"), way_in="assess").jumps == 0


def test_a_journey_of_one_step():
    m = measure_journey(PATHWAY, journey(("referral", "hypo")))
    assert m.as_json() == {
        "persona": "gill", "steps": 1, "handoffs": 0, "services": ["GP"], "revisits": 0,
        "jumps": 0, "waits": 0, "outside_window": 1, "retellings": 0, "outcome": None,
    }  # fmt: skip


def test_no_window_recorded_is_not_outside_it():
    m = measure_journey(PATHWAY, journey("referral", "triage", ("wait", "within")))
    assert m.outside_window == 0
    assert [s.window for s in journey_steps(PATHWAY, journey("referral"))] == [None]


def test_pathway_loops_busy_stages_and_stages_behind_a_wait():
    walks = [
        journey("referral", "triage", "wait", "assess"),
        journey("referral", "triage", "triage").model_copy(update={"persona": "jay"}),
        journey("mh").model_copy(update={"persona": "ollie"}),
    ]
    m = measure_pathway(PATHWAY, walks)
    assert m.loops == [["triage", "wait", "assess", "plan", "mh", "review"]]
    assert m.loops_found == 1
    assert [(b.stage, b.journeys) for b in m.busy] == [("referral", 2), ("triage", 2)]
    # Everything after the waiting list is reached only through it; the exit too.
    assert m.behind_a_wait == ["assess", "plan", "mh", "review", "out"]
    assert json.loads(json.dumps(m.as_json()))["busy_stages"][0] == {
        "stage": "referral",
        "journeys": 2,
    }


def test_a_way_round_the_wait_frees_the_stages_beyond_it():
    bypass = PATHWAY.model_copy(
        update={
            "transitions": [
                *PATHWAY.transitions,
                PATHWAY.transitions[0].model_copy(update={"from_": "triage", "to": "assess"}),
            ]
        }
    )
    assert measure_pathway(bypass).behind_a_wait == []
    assert len(measure_pathway(bypass).loops) == 2


def dense(ids: list[str], transitions: list[tuple[str, str]]) -> Pathway:
    return Pathway.model_validate(
        {
            "id": "dense",
            "title": "Dense",
            "stages": [  # the first is the way in
                {"id": i, "label": i, "kind": "entry" if n == 0 else "step"}
                for n, i in enumerate(ids)
            ],
            "transitions": [{"from": a, "to": b} for a, b in transitions],
        },
        strict=False,
        by_alias=True,
    )


def test_each_stage_gives_its_shortest_way_back_each_loop_once():
    ids = [f"s{i}" for i in range(10)]  # every stage leads to every other: thousands of loops
    m = measure_pathway(dense(ids, [(a, b) for a in ids for b in ids if a != b]))
    # s0's shortest way back is by s1; every other stage's is by s0
    assert m.loops == [["s0", f"s{k}"] for k in range(1, 10)] and m.loops_found == 9


def test_a_long_loop_through_a_dense_pathway_is_found():
    # 12 layers of 8 stages, each stage leading to all 8 of the next layer, and one way back
    # from the last layer to the first stage: a loop through 13 stages, among millions of
    # paths (listing every simple cycle up to 8 stages took 71 s here).
    layers = [[f"l{n}s{k}" for k in range(8)] for n in range(12)]
    edges = [(a, b) for one, two in pairwise(layers) for a in one for b in two]
    edges.append((layers[-1][0], layers[0][0]))
    m = measure_pathway(dense([s for layer in layers for s in layer], edges))
    assert all(len(loop) == 12 and loop[0] == "l0s0" for loop in m.loops)
    assert m.loops[0] == [layer[0] for layer in layers]
    assert m.loops_found == 1 + 7 * 10  # one more for each other stage of layers 1 to 10


def test_loops_no_way_in_reaches_are_not_listed():
    p = dense(["in", "a", "x", "y"], [("in", "a"), ("a", "in"), ("x", "y"), ("y", "x")])
    assert measure_pathway(p).loops == [["in", "a"]]


def test_more_loops_than_are_listed():
    ids = [f"s{i}" for i in range(20)]  # a ring of 20 with a way back from each to the start
    edges = [(a, b) for a, b in pairwise(ids)] + [(s, "s0") for s in ids[1:]]
    m = measure_pathway(dense(ids, edges))
    assert len(m.loops) == LOOPS_SHOWN and m.loops_found == 19
    assert [len(loop) for loop in m.loops] == list(range(2, 14))


# -- any valid session: the measures never fail, and agree with their definitions -----------


@st.composite
def walked(draw) -> tuple[Pathway, list[Journey]]:
    count = draw(st.integers(1, 9))
    ids = [f"s{i}" for i in range(count)]
    stages = [
        {
            "id": i,
            "label": i.upper(),
            "kind": draw(st.sampled_from(["entry", "step", "wait", "decision", "exit"])),
            **({"service": draw(st.sampled_from("ABC"))} if draw(st.booleans()) else {}),
            **({"asks_story": True} if draw(st.booleans()) else {}),
        }
        for i in ids
    ]
    edges = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=25))
    pathway = Pathway.model_validate(
        {
            "id": "p",
            "title": "P",
            "stages": stages,
            "transitions": [{"from": a, "to": b} for a, b in edges],
        },
        strict=False,
        by_alias=True,
    )
    journeys = [
        Journey(
            persona=f"p{n}",
            steps=[
                Step(stage=s, window=w)
                for s, w in draw(
                    st.lists(
                        st.tuples(
                            st.sampled_from(ids),
                            st.sampled_from([None, "within", "hyper", "hypo"]),
                        ),
                        max_size=12,
                    )
                )
            ],
        )
        for n in range(draw(st.integers(0, 3)))
    ]
    return pathway, journeys


@settings(max_examples=300, deadline=None)
@given(walked())
def test_measures_never_fail_and_stay_within_their_bounds(case):
    pathway, journeys = case
    for walk in journeys:
        m = measure_journey(pathway, walk)
        steps = [s.stage for s in walk.steps]
        assert m.steps == len(steps)
        assert m.revisits == len(steps) - len(set(steps))
        assert 0 <= m.handoffs < max(1, m.steps)
        assert m.jumps <= m.steps and m.waits <= m.steps and m.retellings <= m.steps
        assert m.outside_window == sum(s.window in ("hyper", "hypo") for s in walk.steps)
        assert m.retellings == sum(pathway.stage(s).asks_story for s in steps)
        assert len(m.services) == len(set(m.services))
        assert set(m.services) <= {pathway.stage(s).service for s in steps}
        jumps = sum(b not in pathway.next_stages(a) for a, b in pairwise(steps)) + (
            bool(steps) and steps[0] not in pathway.entries
        )
        assert m.jumps == jumps
        json.dumps(m.as_json())
    m = measure_pathway(pathway, journeys)
    json.dumps(m.as_json())
    for loop in m.loops:
        assert len(set(loop)) == len(loop)
        for a, b in zip(loop, loop[1:] + loop[:1], strict=True):
            assert b in pathway.next_stages(a)
    assert not set(m.behind_a_wait) & {s.id for s in pathway.stages if s.kind == "wait"}
    assert all(b.journeys >= 2 for b in m.busy)
