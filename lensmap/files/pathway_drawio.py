"""Pathways drawn in diagrams.net (draw.io), as its desktop and web apps save them.

A `.drawio` (or `.xml`) file is an `mxfile` with one or more `diagram` pages, each either
plain `mxGraphModel` XML or compressed (base64 of raw deflate of URL-encoded XML), or a bare
`mxGraphModel`. Shapes become stages and connectors transitions (their labels kept).
Labels are HTML in most files: the text is kept, line breaks kept as lines. A swimlane, pool
or container around shapes gives those stages their service. Shapes suggest kinds (a rhombus
a decision; a parallelogram, a delay or "wait" in the words a wait; nothing leading in a way
in; nothing leading on a way out), and every guess is said. Text boxes, titles, swimlane
headers and shapes with no words are not stages; a connector not joined at both ends is left
out, with a warning naming it.

The file is someone else's: it is read with defusedxml (no entity expansion, no external
references), a compressed page may not unpack beyond MAX_PAGE_BYTES, and containers may nest
only so deep."""

from __future__ import annotations

import base64
import binascii
import itertools
import re
import urllib.parse
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .pathway_checks import pathway_from_data
from .problems import LoadError, Problem
from .reading import read_text
from .stage_ids import drawn_places, slug, title_from_name, yes_or_no

MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 50  # containers inside containers: far beyond any drawing
LABEL_WIDTH = 80  # a label longer than this on several lines keeps its first line as the label
CONTAINERS = frozenset({"swimlane", "pool", "lane", "container", "group", "umlframe"})
TABLES = frozenset({"table", "tablerow"})
"""A table's cells are words in a grid, not stages."""
TEXT_SHAPES = frozenset({"text", "edgelabel"})
WAIT_WORDS = re.compile(r"\b(wait|waiting|waits|queue)\b", re.IGNORECASE)


@dataclass
class DrawioImport:
    """What the drawing gave, and what lensmap guessed: said by the command, and written as
    comments beside each stage in the TOML file it writes."""

    page: str | None
    guesses: dict[str, list[str]] = field(default_factory=dict)
    """Each stage id's guesses, in words ("kind wait: a parallelogram")."""


# -- labels ---------------------------------------------------------------------------------
class _Text(HTMLParser):
    """The words of an HTML label, a line for each <br>, <div>, <p> or <li>."""

    BREAKS = frozenset({"br", "div", "p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BREAKS - {"br"}:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def label_lines(value: str, html: bool) -> list[str]:
    """A shape's label as its lines of words (no tags, entities as characters, &nbsp; a
    space), blank lines dropped."""
    if html:
        parser = _Text()
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    value = value.replace("\xa0", " ")
    return [" ".join(line.split()) for line in value.splitlines() if line.strip()]


def _style(text: str | None) -> dict[str, str]:
    """A draw.io style ("rhombus;whiteSpace=wrap;html=1;") as keys (lower case) and values
    (a bare word has the value "")."""
    found: dict[str, str] = {}
    for part in (text or "").split(";"):
        key, _, value = part.partition("=")
        if key.strip():
            found[key.strip().casefold()] = value.strip()
    return found


# -- pages ----------------------------------------------------------------------------------
def _parse(path: Path, text: str, where: str | None = None):
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        return fromstring(text, forbid_dtd=True)
    except DefusedXmlException:
        raise LoadError.single(
            path,
            "declares entities or a document type, which no diagrams.net file has; lensmap "
            "does not read it. Save the drawing again from diagrams.net",
            where,
        ) from None
    except ParseError as exc:
        raise LoadError.single(path, f"is not readable XML ({exc})", where) from None


def _drawing_root(path: Path):
    """The drawing's root element; from a .drawio.svg, the drawing it carries inside."""
    root = _parse(path, read_text(path))
    if root.tag.endswith("svg"):
        content = root.get("content")
        if not content:
            raise LoadError.single(
                path,
                "is an SVG picture with no diagrams.net drawing inside; export the drawing "
                "from diagrams.net as .drawio and import that",
            )
        root = _parse(path, content)
    return root


def _unpacked(path: Path, name: str, text: str) -> str:
    """A compressed page's XML: base64, then raw deflate, then URL-encoding."""
    where = f"page “{name}”"
    try:
        packed = base64.b64decode("".join(text.split()), validate=True)
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        data = inflate.decompress(packed, MAX_PAGE_BYTES)
        if inflate.unconsumed_tail:
            raise LoadError.single(path, "unpacks to far more than any drawing", where)
        return urllib.parse.unquote(data.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError):
        raise LoadError.single(
            path, "is a compressed page that cannot be unpacked; save it again", where
        ) from None


def pages(path: Path, root) -> list[tuple[str, Any]]:
    """(name, page) for each page of the drawing, in order: a page is its `diagram` element
    (unpacked only once chosen: see `page_model`) or a bare mxGraphModel."""
    if root.tag == "mxGraphModel":
        return [(path.stem, root)]
    if root.tag != "mxfile":
        raise LoadError.single(path, f"is not a diagrams.net drawing (it holds <{root.tag}>)")
    found = []
    for n, diagram in enumerate(root.findall("diagram"), start=1):
        if diagram.find("mxGraphModel") is None and not (diagram.text or "").strip():
            continue  # an empty page
        found.append((diagram.get("name") or f"Page-{n}", diagram))
    if not found:
        raise LoadError.single(path, "has no pages with anything drawn on them")
    return found


def page_model(path: Path, name: str, page):
    """The chosen page's mxGraphModel, unpacked where it is compressed."""
    if page.tag == "mxGraphModel":
        return page
    model = page.find("mxGraphModel")
    if model is None:
        model = _parse(path, _unpacked(path, name, (page.text or "").strip()), f"page “{name}”")
        if model.tag != "mxGraphModel":
            raise LoadError.single(path, "holds a page lensmap cannot read", f"page “{name}”")
    return model


def choose_page(path: Path, found: list[tuple[str, Any]], page: str | None) -> tuple[str, Any]:
    names = ", ".join(f"“{name}”" for name, _ in found)
    if page is None:
        if len(found) == 1:
            return found[0]
        raise LoadError.single(
            path,
            f"has {len(found)} pages ({names}); import one of them with --page NAME, as in "
            f'lensmap pathway import {path.name} --page "{found[0][0]}" -o my-service.toml, '
            "and open or check the file it writes",
        )
    for name, model in found:
        if name.strip().casefold() == page.strip().casefold():
            return name, model
    raise LoadError.single(path, f"has no page called “{page}”; its pages are {names}")


# -- cells ----------------------------------------------------------------------------------
@dataclass
class _Cell:
    id: str
    value: str
    style: dict[str, str]
    parent: str | None
    vertex: bool
    edge: bool
    source: str | None
    target: str | None
    visible: bool = True
    properties: dict[str, str] = field(default_factory=dict)
    """A shape's own properties (Edit Data in diagrams.net): kind, service, description,
    asks_story are read as the stage's."""

    @property
    def html(self) -> bool:
        return self.style.get("html") == "1"

    def lines(self) -> list[str]:
        return label_lines(self.value, self.html)

    @property
    def shape(self) -> str:
        return self.style.get("shape", "").casefold()

    def is_container(self) -> bool:
        keys = set(self.style) | {self.shape}
        return bool(keys & CONTAINERS) or self.style.get("container") == "1"

    def is_text(self) -> bool:
        keys = set(self.style) | {self.shape}
        invisible = self.style.get("strokecolor") == self.style.get("fillcolor") == "none"
        return bool(keys & TEXT_SHAPES) or invisible  # words on the page, not a shape


def _filled(label: str, properties: dict[str, str]) -> str:
    """A label with its %placeholders% filled in from the shape's own properties."""

    def one(found: re.Match[str]) -> str:
        return properties.get(found.group(1).casefold(), found.group())

    return re.sub(r"%([\w-]+)%", one, label)


def _cells(model) -> list[_Cell]:
    root = model.find("root")
    if root is None:
        return []
    cells = []
    for element in root:
        attrs = dict(element.attrib)
        properties: dict[str, str] = {}
        if element.tag in ("object", "UserObject"):  # a shape with its own properties
            inner = element.find("mxCell")
            properties = {k.casefold(): v for k, v in attrs.items() if k not in ("id", "label")}
            attrs = {**(dict(inner.attrib) if inner is not None else {}), **attrs}
            attrs["value"] = attrs.get("label", "")
            if properties.get("placeholders") == "1":  # %name% in the label is a property
                attrs["value"] = _filled(attrs["value"], properties)
        elif element.tag != "mxCell":
            continue
        cells.append(
            _Cell(
                id=attrs.get("id", ""),
                value=attrs.get("value") or "",
                style=_style(attrs.get("style")),
                parent=attrs.get("parent"),
                vertex=attrs.get("vertex") == "1",
                edge=attrs.get("edge") == "1",
                source=attrs.get("source"),
                target=attrs.get("target"),
                properties=properties,
                visible=attrs.get("visible") != "0",
            )
        )
    return cells


def _label_and_more(lines: list[str]) -> tuple[str, str]:
    """The label, and the description where the words are too long for one: a label on
    several lines keeps its first line, the rest describing the stage."""
    joined = " ".join(lines)
    if len(lines) > 1 and len(joined) > LABEL_WIDTH:
        return lines[0], "\n".join(lines[1:])
    return joined, ""


def _named(cell: _Cell) -> str:
    words = " ".join(cell.lines())
    return f"“{words[:40]}” (id {cell.id})" if words else f"id {cell.id}"


def _kind(cell: _Cell) -> tuple[str | None, str]:
    """The kind a shape suggests, and why, or None where only its transitions can say."""
    shape, keys = cell.shape, set(cell.style)
    if "rhombus" in keys or shape in ("rhombus", "mxgraph.flowchart.decision"):
        return "decision", "a rhombus"
    if "parallelogram" in keys or shape in ("parallelogram", "mxgraph.flowchart.data"):
        return "wait", "a parallelogram"
    if shape in ("delay", "mxgraph.flowchart.delay"):
        return "wait", "a delay shape"
    if WAIT_WORDS.search(" ".join(cell.lines())):
        return "wait", "“wait” in its words"
    return None, ""


def pathway_from_drawio(
    path: Path,
    pathway_id: str | None = None,
    title: str | None = None,
    page: str | None = None,
) -> tuple[Any, list[Problem], DrawioImport]:
    path = Path(path)
    root = _drawing_root(path)
    page_name, chosen = choose_page(path, pages(path, root), page)
    model = page_model(path, page_name, chosen)
    cells = _cells(model)
    by_id = {cell.id: cell for cell in cells}
    where = f"page “{page_name}”"
    problems: list[Problem] = []
    made = DrawioImport(page=page_name if root.tag == "mxfile" else None)

    def warn(message: str) -> None:
        problems.append(Problem(str(path), message, where, "warning"))

    def lineage(cell: _Cell) -> Iterator[_Cell]:
        """The cell, then each container it is in, outwards (to a bound: a drawing can hold
        containers that hold each other)."""
        seen, held = 0, by_id.get(cell.id)
        while held is not None:
            seen += 1
            if seen > MAX_DEPTH:
                raise LoadError.single(
                    path, "has containers that hold each other, or are nested too deep", where
                )
            yield held
            held = by_id.get(held.parent or "")

    def service_of(cell: _Cell) -> str | None:
        around = itertools.islice(lineage(cell), 1, None)
        named = (p for p in around if p.vertex and p.is_container() and p.lines())
        return next((" ".join(p.lines()) for p in named), None)

    def in_a_table(cell: _Cell) -> bool:
        return any(p.shape in TABLES for p in lineage(cell))

    def hidden(cell: _Cell) -> bool:
        """On a layer (or in a container) hidden in the drawing."""
        return any(p.visible is False for p in lineage(cell))

    edge_labels: dict[str, list[str]] = {}
    stages: dict[str, _Cell] = {}
    wordless = tables = unseen = 0
    for cell in cells:
        if not cell.vertex:
            continue
        if hidden(cell):
            unseen += 1
            continue
        if cell.parent in by_id and by_id[cell.parent].edge:
            edge_labels.setdefault(cell.parent, []).extend(cell.lines())  # a connector's words
        elif in_a_table(cell):
            tables += 1
        elif cell.is_container() or cell.is_text():
            continue
        elif not cell.lines():
            wordless += 1
        else:
            stages[cell.id] = cell
    if wordless:
        warn(f"{wordless} shape{'s' * (wordless != 1)} with no words left out (not stages)")
    if unseen:
        warn(f"{unseen} shape{'s' * (unseen != 1)} on hidden layers left out")
    if tables:
        warn(f"{tables} table part{'s' * (tables != 1)} left out (a table's cells are not stages)")
    if not stages:
        raise LoadError.single(path, "has no shapes with words on this page to make stages", where)

    ids: dict[str, str] = {}
    taken: set[str] = set()
    for cell in stages.values():
        base = slug(_label_and_more(cell.lines())[0][:60]).replace("-", "_")
        stage_id, n = base, 2
        while stage_id in taken:
            stage_id, n = f"{base}_{n}", n + 1
        taken.add(stage_id)
        ids[cell.id] = stage_id

    transitions, into, out_of = [], set(), set()
    plain_lines = 0
    for cell in cells:
        if not cell.edge or hidden(cell):
            continue
        source, target = ids.get(cell.source or ""), ids.get(cell.target or "")
        end_arrow = cell.style.get("endarrow", "classic")
        start_arrow = cell.style.get("startarrow", "none")
        if end_arrow == "none" and start_arrow not in ("none", ""):
            source, target = target, source  # drawn with its arrow at the start
        elif end_arrow == "none":
            plain_lines += 1
        if source is None or target is None:
            warn(
                f"the connector {_named(cell)} is not joined to a stage at both ends; it was "
                "left out (join its ends to shapes in diagrams.net to keep it)"
            )
            continue
        transition: dict[str, Any] = {"from": source, "to": target}
        words = " ".join(cell.lines() + edge_labels.get(cell.id, []))
        if words:
            transition["label"] = words[:500]
        transitions.append(transition)
        out_of.add(source)
        into.add(target)
    if plain_lines:
        warn(
            f"{plain_lines} line{'s' * (plain_lines != 1)} with no arrow read from where "
            f"{'they start' if plain_lines != 1 else 'it starts'} to where "
            f"{'they end' if plain_lines != 1 else 'it ends'}; check the transitions"
        )

    data_stages = []
    for cell_id, cell in stages.items():
        stage_id = ids[cell_id]
        label, description = _label_and_more(cell.lines())
        if len(label) > 500:
            warn(f"the words of the shape {_named(cell)} are cut to 500 characters for its label")
        fields: dict[str, Any] = {"id": stage_id, "label": label[:500]}
        if description:
            fields["description"] = description
        given = cell.properties
        for field_name in ("service", "description"):
            if given.get(field_name, "").strip():
                limit = 500 if field_name == "service" else 20_000
                fields[field_name] = given[field_name].strip()[:limit]
        if given.get("asks_story", "").strip():
            asks = yes_or_no(given["asks_story"])
            if asks is None:
                raise LoadError.single(
                    path,
                    f"the shape {_named(cell)} has asks_story “{given['asks_story']}”, which "
                    "is not yes or no; write yes where the person is asked for their story",
                    where,
                )
            if asks:
                fields["asks_story"] = True
        guessed: list[str] = []
        kind, why = (
            (given["kind"].strip(), "its kind property") if given.get("kind") else (_kind(cell))
        )
        if kind is None:
            if stage_id not in into:
                kind, why = "entry", "nothing leads into it"
            elif stage_id not in out_of:
                kind, why = "exit", "nothing leads on from it"
        if kind is not None:
            fields["kind"] = kind
            if why != "its kind property":
                guessed.append(f"kind {kind}: {why}")
        service = service_of(cell)
        if service and "service" not in fields:
            fields["service"] = service[:500]
            guessed.append(f"service from the container “{service[:60]}”")
        if guessed:
            made.guesses[stage_id] = guessed
        data_stages.append(fields)
    data = {
        "format": 1,
        "id": pathway_id or slug(path.stem).replace("-", "_"),
        "title": title
        or (made.page if made.page and not re.fullmatch(r"Page-\d+", made.page) else None)
        or title_from_name(path),
        "stages": data_stages,
        "transitions": transitions,
    }
    shapes = {ids[c]: f"{where}, the shape {_named(cell)}" for c, cell in stages.items()}
    try:
        pathway, more = pathway_from_data(data, str(path))
    except LoadError as exc:
        raise LoadError(drawn_places(exc.problems, shapes)) from None
    return pathway, problems + drawn_places(more, shapes), made


def is_drawio(path: Path) -> bool:
    """Whether a .xml file is a diagrams.net drawing (rather than GraphML), from its start."""
    try:
        with path.open("rb") as handle:
            start = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return bool(re.search(r"<\s*(mxfile|mxGraphModel)\b|content=\"&lt;mxfile", start))
