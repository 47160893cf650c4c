"""The routes through a pathway: where each transition leads, the ways in, how far each stage
is from them, and which stages no way in reaches. Built once for a pathway, from its stages
and transitions in file order, and used by everything that walks it (the map's layers and
numbers, the journey's next stages, the checks on a pathway file, the exports), so each
question is a look-up, never another walk over every transition.

The checks on a pathway file build one from the raw file (before a Pathway exists), so the
ways in and the reach they warn about are the ones the map then shows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True, eq=False)
class Routes:
    stages: tuple[str, ...]
    """Every stage id, in file order."""
    following: dict[str, tuple[str, ...]]
    """Each stage's next stages, in file order, without repeats."""
    entries: tuple[str, ...]
    """The ways in: stages marked `entry`; where none are, the stages nothing leads into."""

    @classmethod
    def build(
        cls, stages: Sequence[tuple[str, object]], edges: Iterable[tuple[str, str]]
    ) -> Routes:
        """From (id, kind) of each stage and (from, to) of each transition, in file order.
        Transitions naming a stage that is not there are left out (the checks say so)."""
        ids = tuple(stage for stage, _kind in stages)
        index: dict[str, dict[str, None]] = {stage: {} for stage in ids}
        targets: set[str] = set()
        for source, target in edges:
            if source in index and target in index:
                index[source][target] = None
                targets.add(target)
        marked = tuple(stage for stage, kind in stages if kind == "entry")
        entries = marked or tuple(stage for stage in ids if stage not in targets)
        return cls(ids, {stage: tuple(nexts) for stage, nexts in index.items()}, entries)

    def next_stages(self, stage: str) -> tuple[str, ...]:
        """Where a transition leads from this stage, in file order."""
        return self.following.get(stage, ())

    @cached_property
    def depths(self) -> dict[str, int]:
        """Each stage a way in reaches, with its distance from the nearest way in, in the
        order a breadth-first walk from the ways in (in file order) first meets them."""
        depth = dict.fromkeys(self.entries, 0)
        queue = list(self.entries)
        for stage in queue:
            for following in self.following[stage]:
                if following not in depth:
                    depth[following] = depth[stage] + 1
                    queue.append(following)
        return depth

    @cached_property
    def order(self) -> dict[str, int]:
        """Each stage's position: as the walk from the ways in meets it, then the stages it
        never reaches, in file order."""
        position = {stage: at for at, stage in enumerate(self.depths)}
        for stage in self.unreached:
            position[stage] = len(position)
        return position

    @cached_property
    def unreached(self) -> tuple[str, ...]:
        """Stages no way in leads to, in file order."""
        depths = self.depths
        return tuple(stage for stage in self.stages if stage not in depths)

    @cached_property
    def layers(self) -> tuple[tuple[str, ...], ...]:
        """Stages grouped by distance from the nearest way in, so loops back (relapse,
        re-referral) do not push stages down the page; within a layer, in order. The stages
        no way in reaches form a last layer of their own."""
        depths = self.depths
        grouped: list[list[str]] = [[] for _ in range(max(depths.values(), default=-1) + 1)]
        for stage, depth in depths.items():  # already in order
            grouped[depth].append(stage)
        layers = [tuple(layer) for layer in grouped]
        if self.unreached:
            layers.append(self.unreached)
        return tuple(layers)
