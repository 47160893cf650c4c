"""Where each stage sits on the map: layers along the flow of transitions."""

from __future__ import annotations

from .model import Pathway


def layers(pathway: Pathway) -> list[list[str]]:
    """Stages grouped by their distance from the nearest entry (breadth-first, so loops back
    such as relapse do not push stages down the page). Within a layer, pathway order.
    Stages no entry reaches form a last layer of their own."""
    depth: dict[str, int] = {entry: 0 for entry in pathway.entries}
    queue = list(pathway.entries)
    for stage in queue:
        for following in pathway.next_stages(stage):
            if following not in depth:
                depth[following] = depth[stage] + 1
                queue.append(following)
    count = max(depth.values(), default=-1) + 1
    result: list[list[str]] = [[] for _ in range(count)]
    order = pathway.order
    for stage in sorted(depth, key=order.__getitem__):
        result[depth[stage]].append(stage)
    unreached = [s.id for s in pathway.stages if s.id not in depth]
    if unreached:
        result.append(unreached)
    return result
