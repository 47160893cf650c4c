"""Checking a pathway's data, as any file format gives it: the schema, then what a schema
cannot see (duplicate ids, broken transitions, no way in, stages no way in reaches)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..event.model import Pathway
from ..event.routes import Routes
from .explain import item_label
from .problems import Problem, errors, suggest
from .reading import model_from_data


def _items(data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _str(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) else None


def pathway_problems(data: dict[str, Any], file: str) -> list[Problem]:
    """Problems a schema cannot see: duplicate ids, broken transitions, no way in, dead ends.

    Works on the raw data so these are reported alongside type errors, not after them.
    """
    problems: list[Problem] = []
    stages = _items(data, "stages")
    transitions = _items(data, "transitions")

    first_use: dict[str, int] = {}
    for i, stage in stages:
        stage_id = _str(stage, "id")
        if stage_id is None:
            continue
        if stage_id in first_use:
            problems.append(
                Problem(
                    file,
                    f'id "{stage_id}" is already used by stages[{first_use[stage_id] + 1}]; '
                    "give each stage its own id",
                    f"stages[{i + 1}]{item_label(stage)}",
                )
            )
        else:
            first_use[stage_id] = i
    ids = list(first_use)

    edges: list[tuple[int, str, str]] = []
    for i, transition in transitions:
        place = f"transitions[{i + 1}]{item_label(transition)}"
        ends = {end: _str(transition, end) for end in ("from", "to")}
        good = True
        for end, stage_id in ends.items():
            if stage_id is not None and stage_id not in first_use:
                good = False
                problems.append(
                    Problem(
                        file,
                        f'"{end}" names "{stage_id}", which is not a stage{suggest(stage_id, ids)}',
                        place,
                    )
                )
        if good and ends["from"] and ends["to"]:
            edges.append((i, ends["from"], ends["to"]))

    if errors(problems) or not stages or len(ids) < len(stages):
        return problems  # entries and reach mean little until every stage has an id

    kinds = {_str(s, "id"): s.get("kind", "step") for _, s in stages}
    routes = Routes.build(
        [(sid, kind) for sid, kind in kinds.items() if sid is not None],
        ((source, target) for _, source, target in edges),
    )
    if not routes.entries:
        problems.append(
            Problem(
                file,
                "the pathway has no way in: every stage has a transition leading into it. "
                'Mark the stages where people first arrive with kind = "entry"',
                "stages",
            )
        )
        return problems

    seen_pairs: Counter[tuple[str, str]] = Counter()
    for i, source, target in edges:
        seen_pairs[(source, target)] += 1
        place = f'transitions[{i + 1}] (from "{source}" to "{target}")'
        if seen_pairs[(source, target)] == 2:
            problems.append(
                Problem(
                    file,
                    "the same transition appears more than once; the first one is used",
                    place,
                    "warning",
                )
            )
        if kinds.get(source) == "exit":
            problems.append(
                Problem(
                    file,
                    f'leads out of "{source}", which is an exit; make "{source}" a step, '
                    "or remove this transition",
                    place,
                    "warning",
                )
            )

    reachable = routes.depths
    for i, stage in stages:
        stage_id = _str(stage, "id")
        if stage_id and stage_id not in reachable and first_use.get(stage_id) == i:
            problems.append(
                Problem(
                    file,
                    "no transition from any entry reaches this stage; add a transition into it "
                    '(or mark it kind = "entry")',
                    f"stages[{i + 1}]{item_label(stage)}",
                    "warning",
                )
            )
    return problems


def pathway_from_data(data: Any, file: str) -> tuple[Pathway, list[Problem]]:
    """Validate already-parsed pathway data. Raises LoadError with every problem found."""
    return model_from_data(Pathway, data, file, "a pathway", pathway_problems)
