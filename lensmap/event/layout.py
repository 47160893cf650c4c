"""Where each stage sits on the map: layers along the flow of transitions."""

from __future__ import annotations

from .model import Pathway


def layers(pathway: Pathway) -> list[list[str]]:
    """Stages grouped by distance from the nearest entry, so loops back (relapse,
    re-referral) do not push stages down the page. Within a layer, pathway order.
    Stages no entry reaches form a last layer of their own (see `unreached`)."""
    return [list(layer) for layer in pathway.routes.layers]


def unreached(pathway: Pathway) -> list[str]:
    return list(pathway.routes.unreached)


def stage_numbers(pathway: Pathway, stage_layers: list[list[str]] | None = None) -> dict[str, int]:
    """The number each stage has on the map's cards, and in every list that offers stages:
    layer by layer, in the order the map lays them out."""
    order = (stage for layer in (stage_layers or layers(pathway)) for stage in layer)
    return {stage: number for number, stage in enumerate(order, start=1)}
