"""Where each stage sits on the map: layers along the flow of transitions."""

from __future__ import annotations

from .model import Pathway


def depths(pathway: Pathway) -> dict[str, int]:
    """Each reachable stage's distance from the nearest entry (breadth-first)."""
    depth: dict[str, int] = dict.fromkeys(pathway.entries, 0)
    queue = list(pathway.entries)
    for stage in queue:
        for following in pathway.next_stages(stage):
            if following not in depth:
                depth[following] = depth[stage] + 1
                queue.append(following)
    return depth


def layers(pathway: Pathway) -> list[list[str]]:
    """Stages grouped by distance from the nearest entry, so loops back (relapse,
    re-referral) do not push stages down the page. Within a layer, pathway order.
    Stages no entry reaches form a last layer of their own (see `unreached`)."""
    depth = depths(pathway)
    result: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for stage in sorted(depth, key=pathway.order.__getitem__):
        result[depth[stage]].append(stage)
    missing = [s.id for s in pathway.stages if s.id not in depth]
    if missing:
        result.append(missing)
    return result


def unreached(pathway: Pathway) -> list[str]:
    depth = depths(pathway)
    return [s.id for s in pathway.stages if s.id not in depth]


def stage_numbers(pathway: Pathway, stage_layers: list[list[str]] | None = None) -> dict[str, int]:
    """The number each stage has on the map's cards, and in every list that offers stages:
    layer by layer, in the order the map lays them out."""
    order = (stage for layer in (stage_layers or layers(pathway)) for stage in layer)
    return {stage: number for number, stage in enumerate(order, start=1)}
