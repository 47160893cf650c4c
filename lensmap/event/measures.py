"""What a journey shows, counted: the steps, the handoffs between services, the revisits and
jumps, the waits, the steps outside the window of tolerance, and the retellings (each time the
person is asked for their story again, the learning report's headline finding). And what the
pathway itself allows: the loops a person can go round, the stages many journeys pass
through, and the stages that can only be reached through a wait.

Each journey is read once into its steps' facts (`journey_steps`), which the journey strip
draws and the measures count, so the two never disagree. The journey measures need only the
pathway's routes; the pathway measures use its networkx graph (imported when first asked)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .journeys import is_jump
from .model import Journey, Pathway

LOOPS_SHOWN = 12
"""The loops listed for a pathway at most (shortest first): enough to discuss, never a wall."""


@dataclass(frozen=True)
class JourneyStep:
    """One step of a journey, with what it means for the person."""

    number: int
    """From 1, as the map numbers the steps."""
    stage: str
    window: str | None
    """"within", "hyper", "hypo", or None when the room recorded none (a gap, not a guess)."""
    jumped: bool
    """It follows no transition from the step before (or, for a first step, the stage is
    neither a way in nor the persona's suggested way in)."""
    revisit: bool
    """The journey was at this stage before."""
    handoff: bool
    """This stage and the one before both name a service, and the services differ."""
    wait: bool
    retelling: bool
    """The person is asked for their story again here (the stage's `asks_story`)."""

    @property
    def outside_window(self) -> bool:
        return self.window in ("hyper", "hypo")


def journey_steps(
    pathway: Pathway, journey: Journey, way_in: str | None = None
) -> list[JourneyStep]:
    """Each step of the journey with its facts; `way_in` is the persona's suggested way in
    (from their vignette), which a first step may take without it being a jump."""
    stages = pathway.stages_by_id
    facts = []
    seen: set[str] = set()
    before: str | None = None
    before_service: str | None = None
    for number, step in enumerate(journey.steps, start=1):
        stage = stages.get(step.stage)
        service = stage.service if stage else None
        facts.append(
            JourneyStep(
                number=number,
                stage=step.stage,
                window=step.window,
                jumped=is_jump(pathway, before, step.stage, way_in),
                revisit=step.stage in seen,
                handoff=bool(service and before_service and service != before_service),
                wait=stage is not None and stage.kind == "wait",
                retelling=stage is not None and stage.asks_story,
            )
        )
        seen.add(step.stage)
        before, before_service = step.stage, service
    return facts


@dataclass(frozen=True)
class JourneyMeasures:
    persona: str
    steps: int
    handoffs: int
    services: list[str]
    """Distinct services, in the order the person first met them."""
    revisits: int
    jumps: int
    waits: int
    outside_window: int
    retellings: int
    outcome: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "persona": self.persona,
            "steps": self.steps,
            "handoffs": self.handoffs,
            "services": list(self.services),
            "revisits": self.revisits,
            "jumps": self.jumps,
            "waits": self.waits,
            "outside_window": self.outside_window,
            "retellings": self.retellings,
            "outcome": self.outcome,
        }


def measure_journey(
    pathway: Pathway,
    journey: Journey,
    way_in: str | None = None,
    steps: list[JourneyStep] | None = None,
) -> JourneyMeasures:
    """The journey's measures; `steps`, when the caller has read them already (the strip
    draws them), are counted rather than read again."""
    if steps is None:
        steps = journey_steps(pathway, journey, way_in)
    services: dict[str, None] = {}
    for step in steps:
        stage = pathway.stages_by_id.get(step.stage)
        if stage is not None and stage.service:
            services.setdefault(stage.service)
    return JourneyMeasures(
        persona=journey.persona,
        steps=len(steps),
        handoffs=sum(s.handoff for s in steps),
        services=list(services),
        revisits=sum(s.revisit for s in steps),
        jumps=sum(s.jumped for s in steps),
        waits=sum(s.wait for s in steps),
        outside_window=sum(s.outside_window for s in steps),
        retellings=sum(s.retelling for s in steps),
        outcome=journey.outcome,
    )


@dataclass(frozen=True)
class BusyStage:
    stage: str
    journeys: int
    """How many of the journeys pass through it (once each, however often they return)."""


@dataclass(frozen=True)
class PathwayMeasures:
    loops: list[list[str]]
    """Loops a person can go round: for each stage a way in reaches that lies on a loop, the
    shortest way back to it, each loop once, as its stages from the one earliest in the
    pathway; the shortest first, at most LOOPS_SHOWN."""
    loops_found: int
    """How many such loops there are (each stage's shortest way back, each loop once)."""
    busy: list[BusyStage] = field(default_factory=list)
    """Stages two or more journeys pass through, the most first, then in pathway order."""
    behind_a_wait: list[str] = field(default_factory=list)
    """Stages a way in reaches only by going through a wait, in pathway order."""

    def as_json(self) -> dict[str, object]:
        return {
            "loops": [list(loop) for loop in self.loops],
            "loops_found": self.loops_found,
            "busy_stages": [{"stage": b.stage, "journeys": b.journeys} for b in self.busy],
            "behind_a_wait": list(self.behind_a_wait),
        }


def measure_pathway(pathway: Pathway, journeys: Iterable[Journey] = ()) -> PathwayMeasures:
    loops = _loops(pathway)
    order = pathway.order
    passing: dict[str, int] = {}
    for journey in journeys:
        for stage in dict.fromkeys(step.stage for step in journey.steps):
            passing[stage] = passing.get(stage, 0) + 1
    busy = sorted(
        (BusyStage(stage, n) for stage, n in passing.items() if n >= 2),
        key=lambda b: (-b.journeys, order.get(b.stage, len(order))),
    )
    return PathwayMeasures(loops[:LOOPS_SHOWN], len(loops), busy, _behind_a_wait(pathway))


def _loops(pathway: Pathway) -> list[list[str]]:
    """Every stage's shortest loop back to itself (a shortest path from it to each stage that
    leads into it, within the strongly connected part of the reached pathway it belongs to;
    a stage leading to itself is a loop of its own), each loop once, the shortest first,
    then in pathway order. Enumerating every simple cycle instead could take
    minutes on a dense pathway; this is bounded by stages x transitions."""
    import networkx as nx

    graph, order = pathway.graph, pathway.order
    reached = graph.subgraph(_reach(nx, graph, list(pathway.entries)))
    loops: dict[tuple[str, ...], None] = {}
    for part in nx.strongly_connected_components(reached):
        if len(part) == 1:
            (stage,) = part
            if reached.has_edge(stage, stage):
                loops[(stage,)] = None
            continue
        within = reached.subgraph(part)
        for stage in sorted(part, key=order.__getitem__):
            # The way back through each stage that leads here (a search from both ends, which
            # meets after a few steps where the loop is short, as most are).
            back = [
                nx.bidirectional_shortest_path(within, stage, before)
                for before in within.predecessors(stage)
                if before != stage
            ]
            if within.has_edge(stage, stage):
                back.append([stage])
            if not back:
                continue
            loop = min(back, key=lambda path: (len(path), [order[s] for s in path]))
            start = min(range(len(loop)), key=lambda i: order[loop[i]])
            loops[tuple(loop[start:] + loop[:start])] = None
    return sorted(
        (list(loop) for loop in loops), key=lambda loop: (len(loop), [order[s] for s in loop])
    )


def _behind_a_wait(pathway: Pathway) -> list[str]:
    import networkx as nx

    graph = pathway.graph
    waits = {s.id for s in pathway.stages if s.kind == "wait"}
    if not waits:
        return []
    entries = list(pathway.entries)
    reached = _reach(nx, graph, entries)
    open_way = graph.subgraph(n for n in graph if n not in waits)
    without = _reach(nx, open_way, [e for e in entries if e not in waits])
    order = pathway.order
    return sorted((s for s in reached - without if s not in waits), key=order.__getitem__)


def _reach(nx, graph, sources: list[str]) -> set[str]:
    reached = set(sources)
    for source in sources:
        reached |= nx.descendants(graph, source)
    return reached


def measure_journeys(
    pathway: Pathway, journeys: Iterable[Journey], ways_in: Mapping[str, str | None]
) -> list[JourneyMeasures]:
    """The measures of each journey with at least one step, in the order given; `ways_in`
    holds each persona's suggested way in."""
    return [measure_journey(pathway, j, ways_in.get(j.persona)) for j in journeys if j.steps]
