"""Pathways drawn in graph tools and saved as GraphML: plain `label` attributes, and yEd's
own graphics (labels inside `y:NodeLabel` of `y:ShapeNode` or `y:GenericNode`, group nodes
as services, `y:EdgeLabel` as transition labels, flowchart shapes suggesting kinds).

The file is someone else's: it is read with defusedxml (no entity expansion, no external
references, no document type), and groups may nest only so deep."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..event.model import ID_PATTERN
from .pathway_checks import pathway_from_data
from .problems import LoadError, Problem, errors
from .reading import read_text
from .stage_ids import StageNames, drawn_places, slug, title_from_name, yes_or_no

_ID = re.compile(ID_PATTERN)
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
YED = "{http://www.yworks.com/xml/graphml}"
MAX_DEPTH = 50
NODE_SHAPES = ("ShapeNode", "GenericNode", "SVGNode", "ImageNode", "UMLClassNode")
NOTES = ("UMLNoteNode",)
"""A note on the drawing, not a stage."""
GROUP_SHAPES = ("ProxyAutoBoundsNode", "GroupNode")
TABLES = ("TableNode",)
"""yEd's swimlanes: which lane a node is in needs the drawing's geometry, so its lanes are
not read as services (said so), rather than every node given the first lane's name."""
# yEd's shapes and flowchart configurations, and the kind each suggests.
SHAPE_KINDS = {
    "diamond": ("decision", "a diamond"),
    "com.yworks.flowchart.decision": ("decision", "a flowchart decision"),
    "parallelogram": ("wait", "a parallelogram"),
    "parallelogram2": ("wait", "a parallelogram"),
    "com.yworks.flowchart.delay": ("wait", "a flowchart delay"),
    "com.yworks.flowchart.data": ("wait", "a flowchart data shape"),
}
WAIT_WORDS = re.compile(r"\b(wait|waiting|waits|queue)\b", re.IGNORECASE)


@dataclass
class GraphmlImport:
    """What lensmap guessed (a stage's kind from its shape, its service from its group),
    for the command to say and the TOML file to carry as comments."""

    guesses: dict[str, list[str]] = field(default_factory=dict)


def _parse(path: Path):
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        return fromstring(read_text(path), forbid_dtd=True)
    except DefusedXmlException:
        raise LoadError.single(
            path,
            "declares entities or a document type, which no GraphML file needs; lensmap does "
            "not read it. Save it again from the graph tool",
        ) from None
    except ParseError as exc:
        raise LoadError.single(path, f"is not readable GraphML ({exc})") from None


def _keys(root) -> dict[str, tuple[str, str, str]]:
    """Each key's id: (what it is for, its name, its type); yEd's graphics keys are named
    by their yfiles.type (nodegraphics, edgegraphics)."""
    found = {}
    for key in root.findall(f"{GRAPHML}key"):
        name = key.get("attr.name") or key.get("yfiles.type") or key.get("id", "")
        found[key.get("id", "")] = (key.get("for", "all"), name, key.get("attr.type", "string"))
    return found


def _defaults(root, keys, what: str) -> dict[str, Any]:
    """The values a key gives every node (or edge) that does not say otherwise."""
    found: dict[str, Any] = {}
    for key in root.findall(f"{GRAPHML}key"):
        default = key.find(f"{GRAPHML}default")
        kind = keys.get(key.get("id", ""), ("all", "", "string"))
        if default is not None and kind[0] in (what, "all") and default.text is not None:
            found[kind[1]] = yes_or_no(default.text) if kind[2] == "boolean" else default.text
    return found


def _words(element) -> str:
    """A yEd label's text, its lines kept; an HTML label (yEd writes "<html>…") as its words."""
    from .pathway_drawio import label_lines

    text = "".join(element.itertext()) if element is not None else ""
    return "\n".join(label_lines(text, html=text.lstrip().lower().startswith("<html")))


@dataclass
class _Node:
    id: str
    attrs: dict[str, Any]
    label: str | None
    shape: str | None
    group: str | None  # the nearest enclosing group's label


def _data(element, keys, graphics: list) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    for data in element.findall(f"{GRAPHML}data"):
        _for, name, kind = keys.get(data.get("key", ""), ("all", data.get("key", ""), "string"))
        if len(data):
            graphics.append(data)  # yEd's graphics, read by the caller
            continue
        text = data.text or ""
        attrs[name] = yes_or_no(text) if kind == "boolean" else text
    return attrs


def _yed_node(graphics: list) -> tuple[str | None, str | None]:
    """A yEd node's label and shape (a ShapeNode's type or a GenericNode's configuration);
    a note's shape is "note"."""
    for data in graphics:
        if any(data.find(f"{YED}{name}") is not None for name in NOTES):
            return None, "note"
        for shape_name in NODE_SHAPES:
            node = data.find(f"{YED}{shape_name}")
            if node is None:
                continue
            labels = [_words(label) for label in node.findall(f"{YED}NodeLabel")]
            shape = node.find(f"{YED}Shape")
            kind = shape.get("type") if shape is not None else node.get("configuration")
            return next((label for label in labels if label), None), kind or shape_name
    return None, None


def _yed_group_label(graphics: list) -> str | None:
    for data in graphics:
        for shape_name in GROUP_SHAPES:
            node = data.find(f"{YED}{shape_name}")
            if node is None:
                continue
            for label in node.iter(f"{YED}NodeLabel"):
                if _words(label):
                    return " ".join(_words(label).split())
    return None


def _yed_edge_label(graphics: list) -> str | None:
    """An edge's labels, all of them, in order."""
    words = [" ".join(_words(label).split()) for data in graphics
             for label in data.iter(f"{YED}EdgeLabel")]  # fmt: skip
    return " ".join(w for w in words if w) or None


def _walk(path, graph, keys, group, depth, nodes, edges, defaults, left_out, groups) -> None:
    if depth > MAX_DEPTH:
        raise LoadError.single(path, "has groups nested too deep to read")
    for node in graph.findall(f"{GRAPHML}node"):
        graphics: list = []
        attrs = {**defaults, **_data(node, keys, graphics)}
        inner = node.find(f"{GRAPHML}graph")
        if any(data.find(f"{YED}{name}") is not None for data in graphics for name in TABLES):
            left_out.append("table")
            if inner is not None:
                _walk(path, inner, keys, group, depth + 1, nodes, edges, defaults, left_out, groups)
            continue
        if node.get("yfiles.foldertype") in ("group", "folder") or inner is not None:
            name = _yed_group_label(graphics) or attrs.get("label") or group
            groups[node.get("id", "")] = name or node.get("id", "")
            if inner is not None:
                _walk(path, inner, keys, name, depth + 1, nodes, edges, defaults, left_out, groups)
            continue
        label, shape = _yed_node(graphics)
        if shape == "note" or (shape and not label and not attrs.get("label")):
            left_out.append(shape if shape == "note" else "wordless")
            continue  # a note on the drawing, or a shape with no words: not a stage
        nodes.append(_Node(node.get("id", ""), attrs, label, shape, group))
    for edge in graph.findall(f"{GRAPHML}edge"):
        graphics = []
        attrs = _data(edge, keys, graphics)
        label = attrs.get("label") or _yed_edge_label(graphics)
        edges.append((edge.get("source", ""), edge.get("target", ""), label))


def pathway_from_graphml(
    path: Path, pathway_id: str | None = None, title: str | None = None
) -> tuple[Any, list[Problem], GraphmlImport]:
    """A pathway from GraphML: node attributes label, kind, service, description, prompts
    (one per line) and asks_story (true or false); edge attribute label; graph attributes
    id, title, description. yEd's labels, groups and shapes where the attributes are not."""
    path = Path(path)
    root = _parse(path)
    if root.tag != f"{GRAPHML}graphml":
        raise LoadError.single(path, f"is not GraphML (it holds <{root.tag.split('}')[-1]}>)")
    graph = root.find(f"{GRAPHML}graph")
    if graph is None:
        raise LoadError.single(path, "holds no graph")
    keys = _keys(root)
    problems: list[Problem] = []
    made = GraphmlImport()
    if graph.get("edgedefault") == "undirected":
        problems.append(
            Problem(
                str(path), "the graph is undirected; edges are read as written", None, "warning"
            )
        )
    nodes: list[_Node] = []
    edges: list[tuple[str, str, str | None]] = []
    left_out: list[str] = []
    group_names: dict[str, str] = {}
    defaults = _defaults(root, keys, "node")
    _walk(path, graph, keys, None, 0, nodes, edges, defaults, left_out, group_names)
    for what, words in (
        ("note", "note on the drawing"),
        ("wordless", "shape with no words"),
        ("table", "swimlane table (its lanes are not read as services)"),
    ):
        n = left_out.count(what)
        if n:
            problems.append(
                Problem(str(path), f"{n} {words}{'s' * (n != 1)} left out", level="warning")
            )
    graph_attrs = _data(graph, keys, [])
    known = StageNames()
    into = {target for _source, target, _label in edges}
    out_of = {source for source, _target, _label in edges}
    taken: set[str] = set()
    for node in nodes:
        attrs = node.attrs
        words = str(attrs.get("label") or attrs.get("name") or node.label or node.id)
        if node.label and not (attrs.get("label") or attrs.get("name")):
            base = slug(" ".join(words.split())[:60]).replace("-", "_")  # yEd's ids say nothing
        else:
            base = node.id if _ID.fullmatch(node.id) else slug(node.id)
        stage_id, n = base, 2
        while stage_id in taken:
            stage_id, n = f"{base}_{n}", n + 1
        taken.add(stage_id)
        lines = words.splitlines() or [node.id]
        fields: dict[str, Any] = {"label": " ".join(lines) if len(" ".join(lines)) <= 80
                                  else lines[0]}  # fmt: skip
        if len(lines) > 1 and len(" ".join(lines)) > 80:
            fields["description"] = "\n".join(lines[1:])
        for key in ("kind", "service", "description"):
            if attrs.get(key) not in (None, ""):
                fields[key] = attrs[key]
        if attrs.get("prompts"):
            fields["prompts"] = [p.strip() for p in str(attrs["prompts"]).splitlines() if p.strip()]
        if "asks_story" in attrs:
            asks = attrs["asks_story"] if isinstance(attrs["asks_story"], bool) else (
                yes_or_no(attrs["asks_story"])
            )  # fmt: skip
            if asks is None:
                problems.append(
                    Problem(
                        str(path),
                        f'asks_story "{attrs["asks_story"]}" is not true or false; write true '
                        "where the person is asked for their story again",
                        f'node "{node.id}"',
                    )
                )
            elif asks:
                fields["asks_story"] = True
        guessed = []
        if "kind" not in fields:
            kind, why = SHAPE_KINDS.get((node.shape or "").casefold(), (None, ""))
            if kind is None and node.shape and WAIT_WORDS.search(fields["label"]):
                kind, why = "wait", "“wait” in its words"
            if kind is None and node.shape:  # a drawing: where nothing leads in or on
                if node.id not in into:
                    kind, why = "entry", "nothing leads into it"
                elif node.id not in out_of:
                    kind, why = "exit", "nothing leads on from it"
            if kind is not None:
                fields["kind"] = kind
                guessed.append(f"kind {kind}: {why}")
        if "service" not in fields and node.group:
            fields["service"] = node.group
            guessed.append(f"service from the group “{node.group[:60]}”")
        known.add(stage_id, fields)
        known.by_name[node.id] = stage_id
        if guessed:
            made.guesses[stage_id] = guessed
    if errors(problems):
        raise LoadError(problems)
    names = {node.id: node.label or node.id for node in nodes} | group_names
    transitions = []
    for source, target, label in edges:
        if source not in known.by_name or target not in known.by_name:
            problems.append(
                Problem(
                    str(path),
                    f"the edge from “{names.get(source, source)}” to “{names.get(target, target)}”"
                    " does not join two stages (a group or a missing node); it was left out",
                    None,
                    "warning",
                )
            )
            continue
        transition = {"from": known.by_name[source], "to": known.by_name[target]}
        if label not in (None, ""):
            transition["label"] = label
        transitions.append(transition)
    data = {
        "format": 1,
        "id": pathway_id or str(graph_attrs.get("id") or slug(path.stem)),
        "title": title or str(graph_attrs.get("title") or title_from_name(path)),
        "stages": list(known.data.values()),
        "transitions": transitions,
    }
    if graph_attrs.get("description"):
        data["description"] = str(graph_attrs["description"])
    shapes = {
        known.by_name[node.id]: f"the node “{(node.label or node.id)[:40]}” (id {node.id})"
        for node in nodes
        if node.label
    }
    try:
        pathway, more = pathway_from_data(data, str(path))
    except LoadError as exc:
        raise LoadError(drawn_places(exc.problems, shapes)) from None
    return pathway, problems + drawn_places(more, shapes), made
