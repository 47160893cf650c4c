"""Pathways drawn in graph tools and saved as GraphML (plain `label` attributes)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..event.model import ID_PATTERN
from .pathway_checks import pathway_from_data
from .problems import LoadError, Problem, errors
from .reading import read_text
from .stage_ids import StageNames, slug, title_from_name, yes_or_no

_ID = re.compile(ID_PATTERN)


def pathway_from_graphml(
    path: Path, pathway_id: str | None = None, title: str | None = None
) -> tuple[Any, list[Problem]]:
    """A pathway from GraphML: node attributes label, kind, service, description, prompts
    (one per line) and asks_story (true or false); edge attribute label; graph attributes
    id, title, description."""
    import networkx as nx

    path = Path(path)
    read_text(path)  # the same clear messages for missing, unreadable or binary files
    try:
        graph = nx.read_graphml(path, force_multigraph=True)
    except Exception as exc:  # networkx and expat raise many kinds; all mean "not GraphML"
        raise LoadError.single(path, f"is not readable GraphML ({exc})") from None
    known = StageNames()
    problems: list[Problem] = []
    if not graph.is_directed():
        problems.append(
            Problem(
                str(path), "the graph is undirected; edges are read as written", None, "warning"
            )
        )
    for node, attrs in graph.nodes(data=True):
        node = str(node)
        stage_id = node if _ID.fullmatch(node) else slug(node)
        fields: dict[str, Any] = {"label": str(attrs.get("label") or attrs.get("name") or node)}
        for key in ("kind", "service", "description"):
            if attrs.get(key) not in (None, ""):
                fields[key] = attrs[key]
        if attrs.get("prompts"):
            fields["prompts"] = [p.strip() for p in str(attrs["prompts"]).splitlines() if p.strip()]
        if "asks_story" in attrs:
            asks = yes_or_no(attrs["asks_story"])
            if asks is None:
                problems.append(
                    Problem(
                        str(path),
                        f'asks_story "{attrs["asks_story"]}" is not true or false; write true '
                        "where the person is asked for their story again",
                        f'node "{node}"',
                    )
                )
            elif asks:
                fields["asks_story"] = True
        known.add(stage_id, fields)
        known.by_name[node] = stage_id
    if errors(problems):
        raise LoadError(problems)
    transitions = []
    for source, target, attrs in graph.edges(data=True):
        transition = {"from": known.by_name[str(source)], "to": known.by_name[str(target)]}
        if attrs.get("label") not in (None, ""):
            transition["label"] = attrs["label"]
        transitions.append(transition)
    data = {
        "format": 1,
        "id": pathway_id or str(graph.graph.get("id") or slug(path.stem)),
        "title": title or str(graph.graph.get("title") or title_from_name(path)),
        "stages": list(known.data.values()),
        "transitions": transitions,
    }
    if graph.graph.get("description"):
        data["description"] = str(graph.graph["description"])
    pathway, more = pathway_from_data(data, str(path))
    return pathway, problems + more
