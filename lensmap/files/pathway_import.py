"""Pathways kept in spreadsheets (CSV edge lists) or drawn in graph tools (GraphML)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from ..event.model import ID_PATTERN, STAGE_KINDS
from .pathway import pathway_from_data
from .problems import LoadError, Problem, suggest
from .reading import read_text

EDGE_COLUMNS = ("from", "to", "label")
STAGE_COLUMNS = ("id", "label", "kind", "service", "description", "prompts")
_ID = re.compile(ID_PATTERN)
_PLAIN_ID = re.compile(r"^[a-z0-9_-]+$")  # written as an id, not as a label for people


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "stage"


class _Stages:
    """Stages met while reading, named the way the spreadsheet names them (by id or label)."""

    def __init__(self) -> None:
        self.by_name: dict[str, str] = {}
        self.data: dict[str, dict[str, Any]] = {}

    def add(self, stage_id: str, fields: dict[str, Any]) -> None:
        self.data[stage_id] = {"id": stage_id, **fields}
        self.by_name[stage_id] = stage_id
        label = fields.get("label")
        if isinstance(label, str):
            self.by_name.setdefault(label.strip().casefold(), stage_id)

    def find_or_add(self, name: str) -> str:
        key = name.strip()
        found = self.by_name.get(key) or self.by_name.get(key.casefold())
        if found:
            return found
        stage_id = key if _PLAIN_ID.fullmatch(key) else slug(key)
        base, n = stage_id, 2
        while stage_id in self.data:
            stage_id, n = f"{base}-{n}", n + 1
        self.add(stage_id, {"label": key})
        return stage_id


def _rows(path: Path, allowed: tuple[str, ...], required: tuple[str, ...]):
    text = read_text(path)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        raise LoadError.single(path, f"cannot be read as CSV ({exc})", "row 1") from None
    problems = []
    for name in header:
        if name and name not in allowed:
            problems.append(
                Problem(
                    str(path),
                    f'unknown column "{name}"{suggest(name, allowed)}; the columns are '
                    f"{', '.join(allowed)}",
                    "row 1",
                )
            )
    for name in required:
        if name not in header:
            problems.append(Problem(str(path), f'the header row needs a "{name}" column', "row 1"))
    if problems:
        raise LoadError(problems)
    try:
        for number, row in enumerate(reader, start=2):
            if any(cell.strip() for cell in row):
                yield (
                    number,
                    {
                        h: (row[i].strip() if i < len(row) else "")
                        for i, h in enumerate(header)
                        if h
                    },
                )
    except csv.Error as exc:
        raise LoadError.single(path, f"cannot be read as CSV ({exc})") from None


def _title(path: Path) -> str:
    words = re.sub(r"[-_]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else "Imported pathway"


def pathway_from_csv(
    edges: Path,
    stages: Path | str | None = None,
    pathway_id: str | None = None,
    title: str | None = None,
) -> tuple[Any, list[Problem]]:
    """A pathway from a CSV edge list (from,to,label) and an optional stages CSV
    (id,label,kind,service,description,prompts; prompts separated by "|")."""
    edges = Path(edges)
    known = _Stages()
    problems: list[Problem] = []
    if stages is not None:
        stages = Path(stages)
        for number, row in _rows(stages, STAGE_COLUMNS, ("id",)):
            place = f"row {number}"
            if not row.get("id"):
                problems.append(Problem(str(stages), "the id is empty", place))
                continue
            kind = row.get("kind") or "step"
            if kind not in STAGE_KINDS:
                problems.append(
                    Problem(
                        str(stages),
                        f'kind "{kind}" is not one of {", ".join(STAGE_KINDS)}',
                        place,
                    )
                )
            fields: dict[str, Any] = {"label": row.get("label") or row["id"], "kind": kind}
            for column in ("service", "description"):
                if row.get(column):
                    fields[column] = row[column]
            if row.get("prompts"):
                fields["prompts"] = [p.strip() for p in row["prompts"].split("|") if p.strip()]
            known.add(row["id"], fields)
    transitions = []
    for number, row in _rows(edges, EDGE_COLUMNS, ("from", "to")):
        if not row.get("from") or not row.get("to"):
            problems.append(
                Problem(str(edges), 'both "from" and "to" need a stage', f"row {number}")
            )
            continue
        transition = {"from": known.find_or_add(row["from"]), "to": known.find_or_add(row["to"])}
        if row.get("label"):
            transition["label"] = row["label"]
        transitions.append(transition)
    if problems:
        raise LoadError(problems)
    data = {
        "format": 1,
        "id": pathway_id or slug(edges.stem),
        "title": title or _title(edges),
        "stages": list(known.data.values()),
        "transitions": transitions,
    }
    return pathway_from_data(data, str(edges))


def pathway_from_graphml(
    path: Path, pathway_id: str | None = None, title: str | None = None
) -> tuple[Any, list[Problem]]:
    """A pathway from GraphML: node attributes label, kind, service, description and prompts
    (one per line); edge attribute label; graph attributes id, title, description."""
    import networkx as nx

    path = Path(path)
    read_text(path)  # the same clear messages for missing, unreadable or binary files
    try:
        graph = nx.read_graphml(path, force_multigraph=True)
    except Exception as exc:  # networkx and expat raise many kinds; all mean "not GraphML"
        raise LoadError.single(path, f"is not readable GraphML ({exc})") from None
    known = _Stages()
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
        known.add(stage_id, fields)
        known.by_name[node] = stage_id
    transitions = []
    for source, target, attrs in graph.edges(data=True):
        transition = {"from": known.by_name[str(source)], "to": known.by_name[str(target)]}
        if attrs.get("label") not in (None, ""):
            transition["label"] = attrs["label"]
        transitions.append(transition)
    data = {
        "format": 1,
        "id": pathway_id or str(graph.graph.get("id") or slug(path.stem)),
        "title": title or str(graph.graph.get("title") or _title(path)),
        "stages": list(known.data.values()),
        "transitions": transitions,
    }
    if graph.graph.get("description"):
        data["description"] = str(graph.graph["description"])
    pathway, more = pathway_from_data(data, str(path))
    return pathway, problems + more
