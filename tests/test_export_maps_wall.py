"""Maps readable on a wall (issue 11): stage text never smaller than the labels on the lines,
each persona's steps in a line style of their own, jumps marked apart from every step, and a
key that says what each line means and what was left out. Checked in the DOT lensmap writes
and in the SVG Graphviz draws from it."""

from __future__ import annotations

import itertools
import re

from lensmap.export.maps import combined_dot, journey_dot
from lensmap.model import Journey, Pathway, Step, Tag
from lensmap.session.content import SessionContent

QUOTED = r'"(?:[^"\\]|\\.)*"'
STATEMENT = re.compile(
    rf"^\s*(?P<a>{QUOTED}|\w+)(?:\s*->\s*(?P<b>{QUOTED}|\w+))?\s*\[(?P<attrs>.*)\];\s*$"
)
ATTR = re.compile(rf"(\w+)=({QUOTED}|[^,\s\]]+)")


def _unquoted(text: str) -> str:
    if text.startswith('"'):
        text = text[1:-1]
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def statements(dot: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, dict]]]:
    """The nodes and edges of a DOT file lensmap wrote, each with its attributes in force
    (defaults from `node [...]` and `edge [...]` in its own and enclosing braces)."""
    nodes: dict[str, dict[str, str]] = {}
    edges: list[tuple[str, str, dict[str, str]]] = []
    scopes: list[dict[str, dict[str, str]]] = [{"node": {}, "edge": {}}]
    for line in dot.splitlines():
        if line.rstrip().endswith("{") and "[" not in line:
            scopes.append({k: dict(v) for k, v in scopes[-1].items()})
            continue
        if line.strip() == "}":
            scopes.pop()
            continue
        found = STATEMENT.match(line)
        if not found:
            continue
        attrs = {k: _unquoted(v) for k, v in ATTR.findall(found["attrs"])}
        a, b = found["a"], found["b"]
        if a in ("node", "edge") and b is None:
            scopes[-1][a].update(attrs)
        elif a == "graph" and b is None:
            continue
        elif b is None:
            name = _unquoted(a)
            assert name not in nodes, f"node {name!r} defined twice"
            nodes[name] = {**scopes[-1]["node"], **attrs}
        else:
            edges.append((_unquoted(a), _unquoted(b), {**scopes[-1]["edge"], **attrs}))
    return nodes, edges


def test_the_maps_own_nodes_never_share_a_name_with_a_stage():
    """A pathway may name its stages anything an id allows, "footnotes" and "key" too."""
    ids = ["footnotes", "outcome_p", "legend0", "key", "the_notes"]
    pathway = Pathway.model_validate(
        {
            "id": "p",
            "title": "P",
            "stages": [{"id": s, "label": s, "kind": "step"} for s in ids],
            "transitions": [{"from": a, "to": b} for a, b in itertools.pairwise(ids)],
        }
    )
    content = SessionContent(
        pathway=pathway,
        personas=[{"id": "p", "name": "P", "age": 30, "summary": "s"}],
        journeys=[Journey(persona="p", steps=[Step(stage=s) for s in ids], outcome="done")],
        tags=[Tag(id="t", stage="key", persona="p", kind="risk", note="n")],
    )
    for dot in (combined_dot(content), journey_dot(content, ["p"], "P")):
        nodes, _ = statements(dot)  # raises on a node defined twice
        for stage in ids:
            assert nodes[stage]["label"].startswith(stage)
