"""Pathways written as Mermaid flowcharts, the text people paste from Notion, GitHub or
Obsidian: `flowchart TD` or `graph LR`, then nodes (`A[Triage]`, `B{Urgent?}`,
`C[/Waiting list/]`), links (`A --> B`, `A -->|yes| B`, `A -- yes --> B`, chains `A --> B
--> C`, `A & B --> C`) and `subgraph` blocks, which give their stages a service.

No well-kept Python library parses Mermaid (its own parser is JavaScript), so this is a
small strict reader: anything it does not understand is an error naming the line and what
lensmap reads, never silently skipped. Styling (classDef, class, style, linkStyle, click,
direction, `:::class`) and %% comments are passed over."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .pathway_checks import pathway_from_data
from .problems import LoadError, Problem
from .reading import read_text
from .stage_ids import slug, title_from_name

HEADER = re.compile(
    r"^(?:flowchart|flowchart-elk|graph)(?:\s+(?:TD|TB|BT|LR|RL))?\s*;?\s*$", re.IGNORECASE
)
PASSED_OVER = re.compile(r"^(?:classDef|class|style|linkStyle|click|direction|accTitle|accDescr)\b")
NODE_ID = re.compile(r"[A-Za-z0-9_](?:\w|-(?![-.>=ox~]|$))*")
"""A node's id: a hyphen inside it, never the start of a link (A-->B is A, a link, B)."""
MAX_LINKS = 20_000  # "a0 & ... & a2999 --> b0 & ... & b2999" would make 9 million
# Opening brackets, longest first, with the closings each may have and the kind it suggests.
SHAPES: list[tuple[str, tuple[str, ...], str | None]] = [
    ("(((", (")))",), None),
    ("([", ("])",), None),
    ("[[", ("]]",), None),
    ("[(", (")]",), None),
    ("((", ("))",), None),
    ("{{", ("}}",), None),
    ("[/", ("/]", "\\]"), "wait"),
    ("[\\", ("\\]", "/]"), "wait"),
    (">", ("]",), None),
    ("[", ("]",), None),
    ("(", (")",), None),
    ("{", ("}",), "decision"),
]
SHAPE_WORDS = {"wait": "a parallelogram", "decision": "a rhombus ({…})"}
# A link: its text form (-- words -->) or its arrow with an optional |label|.
LINK = re.compile(
    r"\s*(?:"
    r"(?P<open>--|==|-\.)(?![->.=ox~])\s*(?P<words>[^|]+?)\s*"
    r"(?P<close>-{2,}>|={2,}>|\.-+>|-{3,}|={3,}|\.-)"
    r"|(?P<arrow><?(?:-{2,}>|={2,}>|-\.+->|-{3,}|={3,}|-\.+-|-{2,}[ox]|={2,}[ox]|~{3,}))"
    r"(?:\s*\|(?P<label>[^|]*)\|)?"
    r")\s*"
)
WAIT_WORDS = re.compile(r"\b(wait|waiting|waits|queue)\b", re.IGNORECASE)
READS = (
    "lensmap reads flowchart nodes (A[words], B{words}, C[/words/], and the other bracket "
    "shapes), links (A --> B, A -->|words| B, A -- words --> B, ==>, -.->, ---) and "
    "subgraph … end blocks"
)


@dataclass
class MermaidImport:
    guesses: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _Node:
    id: str
    label: str | None = None
    shape_kind: str | None = None
    service: str | None = None


class _Refused(Exception):
    """A statement lensmap cannot read; its message says what is wrong in it."""


MERMAID_CODES = {"quot": '"', "amp": "&", "lt": "<", "gt": ">", "nbsp": " "}


def _label(text: str) -> str:
    """A node's words: quotes taken off, HTML tags dropped (<br> a space) and entities
    read, Mermaid's own #quot; and #35; codes read, Markdown strings' backticks dropped."""
    from .pathway_drawio import label_lines

    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    if text.startswith("`") and text.endswith("`"):
        text = text[1:-1]

    def code(found: re.Match[str]) -> str:
        name = found.group(1)
        if name.isdigit():
            return chr(int(name)) if 0 < int(name) < 0x110000 else ""
        return MERMAID_CODES.get(name, found.group())

    text = re.sub(r"#(\d{1,7}|[a-z]+);", code, text)
    return " ".join(label_lines(text, html=True))


def _node(statement: str, at: int) -> tuple[_Node, int]:
    found = NODE_ID.match(statement, at)
    if not found:
        raise _Refused(f"expected a node's id at “{statement[at : at + 30]}”")
    node, at = _Node(found.group()), found.end()
    if statement.startswith("@{", at):
        raise _Refused(
            f"lensmap does not read the shape syntax {node.id}@{{ … }} yet; write "
            f"{node.id}{{words}} for a decision, {node.id}[/words/] for a wait, or "
            f"{node.id}[words]"
        )
    for opening, closings, kind in SHAPES:
        if not statement.startswith(opening, at):
            continue
        start = at + len(opening)
        if statement[start : start + 1] == '"':
            end_quote = statement.find('"', start + 1)
            if end_quote < 0:
                raise _Refused(f"the quote in the words of “{node.id}” is not closed")
            start_close = end_quote + 1
        else:
            start_close = start
        ends = [(statement.find(c, start_close), c) for c in closings]
        ends = [(n, c) for n, c in ends if n >= 0]
        if not ends:
            raise _Refused(f"the words of “{node.id}” open with {opening} and never close")
        end, closing = min(ends)
        node.label, node.shape_kind = _label(statement[start:end]), kind
        at = end + len(closing)
        break
    extra = re.match(r":::[\w-]+", statement[at:])
    if extra:
        at += extra.end()
    return node, at


def _group(statement: str, at: int) -> tuple[list[_Node], int]:
    nodes = []
    while True:
        at = len(statement) - len(statement[at:].lstrip())
        node, at = _node(statement, at)
        nodes.append(node)
        amp = re.match(r"\s*&\s*", statement[at:])
        if not amp:
            return nodes, at
        at += amp.end()


def _statement(statement: str) -> tuple[list[_Node], list[tuple[str, str, str | None, bool]]]:
    """The nodes a statement names and the links it makes (from, to, label, both ways)."""
    group, at = _group(statement, 0)
    nodes, links = list(group), []
    while at < len(statement.rstrip()):
        link = LINK.match(statement, at)
        if not link:
            raise _Refused(f"expected a link (-->) at “{statement[at : at + 30].strip()}”")
        words = link.group("words") or link.group("label")
        both = (link.group("arrow") or "").startswith("<")
        hidden = (link.group("arrow") or "").startswith("~")  # ~~~ only lays the chart out
        after, at = _group(statement, link.end())
        nodes += after
        if len(group) * len(after) > MAX_LINKS:
            raise _Refused(f"it makes {len(group) * len(after):,} links; no pathway has so many")
        if not hidden:
            links += [(a.id, b.id, _label(words) if words else None, both)
                      for a in group for b in after]  # fmt: skip
        group = after
    return nodes, links


def _statements(text: str):
    """(line number, statement) for each statement: lines, and parts of a line split at
    semicolons outside quotes and brackets."""
    for number, line in enumerate(text.splitlines(), start=1):
        line = re.sub(r"%%.*$", "", line).strip()
        depth, quoted, start = 0, False, 0
        for n, char in enumerate(line):
            if char == '"':
                quoted = not quoted
            elif not quoted and char in "[({":
                depth += 1
            elif not quoted and char in "])}":
                depth = max(depth - 1, 0)
            elif char == ";" and not quoted and depth == 0:
                if line[start:n].strip():
                    yield number, line[start:n].strip()
                start = n + 1
        if line[start:].strip():
            yield number, line[start:].strip()


def pathway_from_mermaid(
    path: Path, pathway_id: str | None = None, title: str | None = None
) -> tuple[Any, list[Problem], MermaidImport]:
    path = Path(path)
    text = read_text(path)
    fences = re.finditer(r"```mermaid\s*\n(.*?)```", text, re.S)  # pasted from Markdown
    fence = next(
        (f for f in fences if re.match(r"\s*(?:%%.*\n\s*)*(?:flowchart|graph)\b", f.group(1))),
        None,
    )
    if fence:
        text = "\n" * text[: fence.start(1)].count("\n") + fence.group(1)
    front = re.match(r"\s*---\s*\n(.*?)\n---\s*\n", text, re.S)
    said_title = None
    if front:
        found = re.search(r"^title:\s*(.+)$", front.group(1), re.M)
        said_title = found.group(1).strip().strip("\"'") if found else None
        text = "\n" * front.group(0).count("\n") + text[front.end() :]
    nodes: dict[str, _Node] = {}
    links: list[tuple[str, str, str | None]] = []
    services: list[str] = []
    subgraph_ids: set[str] = set()
    header = False
    problems: list[Problem] = []
    for number, statement in _statements(text):
        place = f"line {number}"
        if not header:
            if not HEADER.match(statement):
                raise LoadError.single(
                    path,
                    "is not a Mermaid flowchart: it must begin with flowchart TD (or graph "
                    f"LR, and so on), not “{statement[:40]}”",
                    place,
                )
            header = True
            continue
        if PASSED_OVER.match(statement):
            continue
        sub = re.match(r"^subgraph\b\s*(.*)$", statement)
        if sub:
            named = sub.group(1).strip()
            inner = re.match(r"^([\w-]+)\s*\[(.*)\]$", named)
            services.append(_label(inner.group(2)) if inner else _label(named) or "")
            subgraph_ids.add(inner.group(1) if inner else named)
            continue
        if statement == "end":
            if not services:
                raise LoadError.single(path, "an end with no subgraph open", place)
            services.pop()
            continue
        try:
            named, made = _statement(statement)
        except _Refused as exc:
            raise LoadError.single(path, f"{exc}; {READS}", place) from None
        for node in named:
            held = nodes.setdefault(node.id, _Node(node.id))
            if node.label is not None:
                held.label, held.shape_kind = node.label, node.shape_kind
            if services and held.service is None and services[-1]:
                held.service = services[-1]
        for source, target, label, both in made:
            for end in (source, target):
                if end in subgraph_ids:
                    raise LoadError.single(
                        path,
                        f"links to the subgraph “{end}”; lensmap links stages, not subgraphs: "
                        "link to a stage inside it",
                        place,
                    )
            if len(links) > MAX_LINKS:
                raise LoadError.single(path, "has more links than any pathway", place)
            links.append((source, target, label))
            if both:
                links.append((target, source, label))
    if not header:
        raise LoadError.single(path, "is empty: a Mermaid flowchart begins with flowchart TD")
    if services:
        raise LoadError.single(path, f"the subgraph “{services[-1]}” has no end; add a line: end")
    if not nodes:
        raise LoadError.single(path, "has no nodes to make stages")
    return _pathway(path, pathway_id, title or said_title, nodes, links, problems)


def _pathway(path, pathway_id, title, nodes, links, problems):
    made = MermaidImport()
    into = {target for _s, target, _l in links}
    out_of = {source for source, _t, _l in links}
    ids: dict[str, str] = {}
    taken: set[str] = set()
    stages = []
    for node in nodes.values():
        label = node.label or node.id
        base = slug(label[:60]).replace("-", "_")
        stage_id, n = base, 2
        while stage_id in taken:
            stage_id, n = f"{base}_{n}", n + 1
        taken.add(stage_id)
        ids[node.id] = stage_id
        fields: dict[str, Any] = {"id": stage_id, "label": label[:500]}
        kind, why = node.shape_kind, SHAPE_WORDS.get(node.shape_kind or "", "")
        if kind is None and WAIT_WORDS.search(label):
            kind, why = "wait", "“wait” in its words"
        if kind is None and node.id not in into:
            kind, why = "entry", "nothing leads into it"
        elif kind is None and node.id not in out_of:
            kind, why = "exit", "nothing leads on from it"
        guessed = []
        if kind:
            fields["kind"] = kind
            guessed.append(f"kind {kind}: {why}")
        if node.service:
            fields["service"] = node.service[:500]
            guessed.append(f"service from the subgraph “{node.service[:60]}”")
        if guessed:
            made.guesses[stage_id] = guessed
        stages.append(fields)
    transitions = []
    for source, target, label in links:
        transition: dict[str, Any] = {"from": ids[source], "to": ids[target]}
        if label:
            transition["label"] = label[:500]
        transitions.append(transition)
    data = {
        "format": 1,
        "id": pathway_id or slug(path.stem).replace("-", "_"),
        "title": title or title_from_name(path),
        "stages": stages,
        "transitions": transitions,
    }
    pathway, more = pathway_from_data(data, str(path))
    return pathway, problems + more, made
