"""Random and garbled input for every loader: a file is either read, or refused with clean
problems (a LoadError whose every problem is one line starting with the file's name).

Nothing else may escape a loader: a facilitator with a damaged file must be told what is wrong,
not shown a traceback. Each property writes its input to a fresh file, calls the loader, and
checks the outcome with `loads_or_refuses_cleanly`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lensmap.event.model import IssueNotes, Tag
from lensmap.files.pathway import load_pathway
from lensmap.files.pathway_csv import pathway_from_csv
from lensmap.files.problems import LoadError, Problem
from lensmap.files.vignettes import load_vignettes
from lensmap.session import interchange
from lensmap.session.actions import (
    IssueEdited,
    OutcomeSet,
    StepTaken,
    TagAdded,
    TagEdited,
    WindowSet,
)
from lensmap.session.content import SessionContent
from lensmap.session.store import SessionStore

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PATHWAY = ROOT / "pathways" / "community-alcohol-drug-service.toml"
EXAMPLE_VIGNETTES = ROOT / "vignettes" / "annex-b.toml"


class Original(bytes):
    """A file's bytes that print as the file's name, to keep hypothesis' reports short."""

    def __new__(cls, data: bytes, name: str) -> Original:
        made = super().__new__(cls, data)
        made.name = name
        return made

    def __repr__(self) -> str:
        return f"<{self.name}>"


PATHWAY_BYTES = Original(EXAMPLE_PATHWAY.read_bytes(), EXAMPLE_PATHWAY.name)
VIGNETTE_BYTES = Original(EXAMPLE_VIGNETTES.read_bytes(), EXAMPLE_VIGNETTES.name)

FUZZ = settings(max_examples=150, deadline=None)
FEW = settings(max_examples=60, deadline=None)


# -- the property every loader must keep --------------------------------------------------------
def check_problem(problem: Any, files: tuple[str, ...]) -> None:
    assert isinstance(problem, Problem), f"{problem!r} is not a Problem"
    text = str(problem)
    assert text.startswith(files), f"problem does not start with the file name: {text!r}"
    assert "\n" not in text and "\r" not in text, f"problem is not one line: {text!r}"


def loads_or_refuses_cleanly(call: Callable[[], Any], *files: str | Path) -> Any:
    """Run a loader. It returns, or raises LoadError with a non-empty list of one-line problems
    naming the file; any other exception propagates and fails the test. The warnings that come
    with a successful load are held to the same standard. Returns the result, or None."""
    names = tuple(str(f) for f in files)
    try:
        result = call()
    except LoadError as exc:
        assert isinstance(exc.problems, list), exc.problems
        assert exc.problems, "LoadError with no problems"
        for problem in exc.problems:
            check_problem(problem, names)
        return None
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], list):
        for warning in result[1]:
            check_problem(warning, names)
    return result


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    return path


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], Path]]:
    """A fresh, empty folder for each hypothesis example (tmp_path is one per test)."""
    base = tmp_path_factory.mktemp("fuzz")
    folders: list[Path] = []

    def fresh() -> Path:
        if folders:
            shutil.rmtree(folders.pop(), ignore_errors=True)
        folder = Path(tempfile.mkdtemp(dir=base))
        folders.append(folder)
        return folder

    yield fresh
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


# -- random values and a TOML writer for them ---------------------------------------------------
PATHWAY_KEYS = [
    "format", "id", "title", "description", "stages", "transitions",
    "label", "kind", "service", "prompts", "from", "to",
]  # fmt: skip
VIGNETTE_KEYS = [
    "format", "teams", "personas", "id", "name", "risk", "purpose",
    "age", "team", "summary", "entry", "content_notes",
]  # fmt: skip
SESSION_KEYS = [
    "format", "version", "event", "pathway", "teams", "personas", "journeys", "tags",
    "issues", "title", "date", "place", "persona", "steps", "stage", "window", "outcome",
    "id", "kind", "note", "severity", "principles", "theme", "raised_by", "votes", "effort",
    "owner", "timeframe", "label", "from", "to",
]  # fmt: skip
PLAUSIBLE = [
    "gp_referral", "self_referral", "triage", "assessment", "entry", "step", "wait",
    "decision", "exit", "team-1", "team-9", "ollie", "jay", "barrier", "risk", "positive",
    "safety", "trust", "culture", "within", "hyper", "S", "lensmap-session", "2026-03-14",
    "a b", "", " ", "x" * 501, "\ufeff", "ünïcödé", "line\nbreak", "\x7f",
]  # fmt: skip

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
timezones = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
    lambda m: dt.timezone(dt.timedelta(minutes=m))
)
scalars = st.one_of(
    st.sampled_from(PLAUSIBLE),
    text,
    st.integers(),
    st.integers(-3, 200),
    st.booleans(),
    st.floats(),
    st.datetimes(timezones=st.none() | timezones).map(lambda d: d.replace(fold=0)),
    st.dates(),
    st.times(),
)


def keys_from(names: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(names), st.sampled_from(names), text)


def values(names: list[str], leaves: st.SearchStrategy = scalars) -> st.SearchStrategy:
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(keys_from(names), inner, max_size=4)
        ),
        max_leaves=12,
    )


def toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
        )
    raise TypeError(type(value))


def toml_document(data: dict[str, Any]) -> str:
    text = "".join(f"{toml_string(k)} = {toml_value(v)}\n" for k, v in data.items())
    tomllib.loads(text)  # the generator's own promise: this is valid TOML
    return text


def record(fields: dict[str, st.SearchStrategy], names: list[str]) -> st.SearchStrategy:
    """A table shaped like a real record: some of its fields, sometimes a stray key or two."""
    return st.tuples(
        st.fixed_dictionaries({}, optional=fields),
        st.dictionaries(keys_from(names), values(names), max_size=2),
    ).map(lambda parts: {**parts[1], **parts[0]})


def slots(node: Any) -> Iterator[tuple[Any, Any]]:
    """Every (container, key) in a document, below the top."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield node, key
            yield from slots(value)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield node, i
            yield from slots(value)


@st.composite
def nearly(draw: st.DrawFn, sound: st.SearchStrategy, names: list[str]) -> dict[str, Any]:
    """A sound document with up to two of its values (or whole tables) replaced at random."""
    doc = draw(sound)
    for _ in range(draw(st.integers(0, 2))):
        parent, key = draw(st.sampled_from(list(slots(doc))))
        parent[key] = draw(values(names))
    return doc


STAGE_KINDS = ["entry", "step", "wait", "decision", "exit"]
pool = st.sampled_from(["a", "b", "c", "d", "gp_referral", "triage"])
sound_pathway = st.fixed_dictionaries(
    {
        "id": st.just("p"),
        "title": st.just("A pathway"),
        "stages": st.lists(
            st.fixed_dictionaries(
                {"id": pool, "label": st.sampled_from(["A", "Triage", "GP referral"])},
                optional={
                    "kind": st.sampled_from(STAGE_KINDS),
                    "service": st.just("Duty team"),
                    "prompts": st.lists(st.sampled_from(["Who?", "Why?"]), max_size=2),
                },
            ),
            min_size=1,
            max_size=6,
        ),
        "transitions": st.lists(
            st.fixed_dictionaries({"from": pool, "to": pool}, optional={"label": st.just("x")}),
            max_size=8,
        ),
    },
    optional={"format": st.just(1), "description": st.just("Made up.")},
)
team_ids = st.sampled_from(["team-1", "team-2", "team-3"])
sound_vignettes = st.fixed_dictionaries(
    {
        "teams": st.lists(
            st.fixed_dictionaries(
                {"id": team_ids, "name": st.just("Team")},
                optional={"risk": st.just("Lower"), "purpose": st.just("Access.")},
            ),
            max_size=3,
        ),
        "personas": st.lists(
            st.fixed_dictionaries(
                {"id": st.sampled_from(["ollie", "jay", "gill"]), "name": st.just("Ollie")},
                optional={
                    "age": st.integers(0, 120),
                    "team": team_ids,
                    "summary": st.just("Works part time."),
                    "entry": pool,
                    "content_notes": st.lists(st.just("low mood"), max_size=2),
                },
            ),
            max_size=4,
        ),
    },
    optional={"format": st.just(1)},
)


ids = st.one_of(
    st.sampled_from(["gp_referral", "triage", "a", "b", "c", "ollie", "team-1"]),
    st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True),
    scalars,
)
words = st.one_of(st.sampled_from(["Triage", "GP referral", "", " "]), text, scalars)
formats = st.one_of(st.sampled_from([1, 1, 2, 0, -1, True, "1", 1.0]), scalars)

_stage = {
    "id": ids,
    "label": words,
    "kind": st.one_of(
        st.sampled_from(["entry", "step", "wait", "decision", "exit", "Entry"]), scalars
    ),
    "service": words,
    "description": words,
    "prompts": st.lists(words, max_size=3) | scalars,
}
_transition = {"from": ids, "to": ids, "label": words}
pathway_like = record(
    {
        "format": formats,
        "id": ids,
        "title": words,
        "description": words,
        "stages": st.lists(record(_stage, PATHWAY_KEYS) | values(PATHWAY_KEYS), max_size=6),
        "transitions": st.lists(
            record(_transition, PATHWAY_KEYS) | values(PATHWAY_KEYS), max_size=6
        ),
    },
    PATHWAY_KEYS,
)

_team = {"id": ids, "name": words, "risk": words, "purpose": words}
_persona = {
    "id": ids,
    "name": words,
    "age": st.one_of(st.integers(-5, 130), scalars),
    "team": ids,
    "summary": words,
    "entry": ids,
    "content_notes": st.lists(words, max_size=3) | scalars,
}
vignettes_like = record(
    {
        "format": formats,
        "teams": st.lists(record(_team, VIGNETTE_KEYS) | values(VIGNETTE_KEYS), max_size=4),
        "personas": st.lists(record(_persona, VIGNETTE_KEYS) | values(VIGNETTE_KEYS), max_size=5),
    },
    VIGNETTE_KEYS,
)


# -- garbling real files ------------------------------------------------------------------------
INTERESTING_BYTES = b"[]{}\"=\n#,.\\'\x00\xff\xc3"


@st.composite
def garbled(draw: st.DrawFn, original: bytes, max_ops: int = 6) -> bytes:
    """The bytes with a few characters or lines deleted, duplicated, swapped or changed."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, max_ops))):
        if not data:
            break
        op = draw(
            st.sampled_from(
                ["delete", "duplicate", "flip", "bitflip", "del-line", "dup-line", "swap-lines"]
            )
        )
        at = draw(st.integers(0, len(data) - 1))
        if op == "delete":
            del data[at : at + draw(st.integers(1, 8))]
        elif op == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 8))]
        elif op == "flip":
            data[at] = draw(st.sampled_from(INTERESTING_BYTES) | st.integers(0, 255))
        elif op == "bitflip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        else:
            lines = bytes(data).splitlines(keepends=True)
            i = draw(st.integers(0, len(lines) - 1))
            if op == "del-line":
                del lines[i]
            elif op == "dup-line":
                lines.insert(i, lines[i])
            else:
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"".join(lines))
    return bytes(data)


raw_bytes = st.binary(max_size=2000)
raw_text = st.text(max_size=2000).map(lambda s: s.encode("utf-8", "surrogatepass"))
TOML_TOKENS = [
    "[[stages]]\n", "[[transitions]]\n", "[[personas]]\n", "[[teams]]\n", "[stages]\n",
    "id = ", "label = ", "kind = ", "from = ", "to = ", "format = ", "title = ", "team = ",
    "name = ", "age = ", '"triage"', '"entry"', '"a"', "1", "2", "true", "[", "]", "{", "}",
    ",", "\n", "=", '"', "'''", '"""', "#", ".", " ", "1979-05-27", "nan", "0x1f", "\\",
]  # fmt: skip
toml_soup = st.lists(st.sampled_from(TOML_TOKENS) | text, max_size=60).map(
    lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
)


# -- pathways -----------------------------------------------------------------------------------
@FUZZ
@given(content=st.one_of(raw_bytes, raw_text, toml_soup))
def test_pathway_from_random_text(scratch, content: bytes) -> None:
    path = write(scratch(), "pathway.toml", content)
    loads_or_refuses_cleanly(lambda: load_pathway(path), path)


@FUZZ
@given(
    data=st.one_of(
        pathway_like,
        nearly(sound_pathway, PATHWAY_KEYS),
        st.dictionaries(keys_from(PATHWAY_KEYS), values(PATHWAY_KEYS)),
    )
)
def test_pathway_from_random_toml(scratch, data: dict[str, Any]) -> None:
    path = write(scratch(), "pathway.toml", toml_document(data))
    loads_or_refuses_cleanly(lambda: load_pathway(path), path)


@FUZZ
@given(content=garbled(PATHWAY_BYTES))
def test_pathway_from_garbled_example(scratch, content: bytes) -> None:
    path = write(scratch(), "pathway.toml", content)
    loads_or_refuses_cleanly(lambda: load_pathway(path), path)


def test_the_unchanged_example_loads(tmp_path: Path) -> None:
    """The garbling tests start from files that load: otherwise they test nothing."""
    path = write(tmp_path, "pathway.toml", PATHWAY_BYTES)
    assert loads_or_refuses_cleanly(lambda: load_pathway(path), path) is not None
    path = write(tmp_path, "vignettes.toml", VIGNETTE_BYTES)
    assert loads_or_refuses_cleanly(lambda: load_vignettes(path), path) is not None


CSV_CELLS = [
    "from", "to", "label", "id", "kind", "From", " to ", "gp_referral", "triage", "entry",
    "GP referral", "Triage", "a b", "a-b", "", " ", '"', "x|y", "\ufeff", "---",
]  # fmt: skip
csv_cells = st.sampled_from(CSV_CELLS) | text


@st.composite
def csv_documents(draw: st.DrawFn, header: list[str]) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    first = draw(st.permutations(header).map(list) | st.lists(csv_cells, max_size=5))
    rows = [first, *draw(st.lists(st.lists(csv_cells, max_size=5), max_size=8))]
    if draw(st.booleans()):  # properly quoted
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter).writerows(rows)
        body = out.getvalue()
    else:  # naive joining, quotes and all
        body = "".join(
            delimiter.join(row) + draw(st.sampled_from(["\n", "\r\n", "\r"])) for row in rows
        )
    return body.encode("utf-8", "surrogatepass")


@FUZZ
@given(content=st.one_of(csv_documents(["from", "to", "label"]), raw_bytes, raw_text))
def test_pathway_from_random_csv(scratch, content: bytes) -> None:
    path = write(scratch(), "edges.csv", content)
    loads_or_refuses_cleanly(lambda: load_pathway(path), path)


@FEW
@given(
    edges=csv_documents(["from", "to", "label"]),
    stages=st.one_of(csv_documents(["id", "label", "kind", "service", "prompts"]), raw_text),
)
def test_pathway_from_random_csv_with_a_stages_file(scratch, edges: bytes, stages: bytes) -> None:
    folder = scratch()
    edges_path = write(folder, "edges.csv", edges)
    stages_path = write(folder, "stages.csv", stages)
    loads_or_refuses_cleanly(
        lambda: pathway_from_csv(edges_path, stages_path), edges_path, stages_path
    )


GRAPHML_NAMES = ["label", "kind", "service", "description", "prompts", "id", "title", "name"]
GRAPHML_TYPES = ["string", "int", "long", "double", "float", "boolean", "bogus"]
xml_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=15)


@st.composite
def graphml_documents(draw: st.DrawFn) -> bytes:
    clean = draw(st.booleans())  # only characters XML allows, or anything at all

    def txt(strategy: st.SearchStrategy[str] = xml_text) -> str:
        value = draw(strategy)
        if clean:
            value = "".join(c for c in value if c in "\t\n\r" or " " <= c < "\ufffe")
        return value

    node_names = st.sampled_from(["gp_referral", "triage", "a b", "a-b", "n0", "entry"]) | xml_text
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["node", "edge", "graph", "all"]),
                st.sampled_from(GRAPHML_NAMES) | xml_text,
                st.sampled_from(GRAPHML_TYPES),
            ),
            max_size=6,
        )
    )
    values = st.sampled_from(["entry", "exit", "step", "1", "true", "1.5", ""]) | xml_text

    def data_for(scope: str) -> str:
        out = ""
        for i, (where, _, _) in enumerate(keys):
            if where in (scope, "all") and draw(st.booleans()):
                out += f'<data key="d{i}">{escape(txt(values))}</data>'
        return out

    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    lines.append('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">')
    for i, (where, name, kind) in enumerate(keys):
        lines.append(
            f'<key id="d{i}" for="{where}" attr.name={quoteattr(txt(st.just(name)))} '
            f'attr.type="{kind}"/>'
        )
    direction = draw(st.sampled_from(["directed", "directed", "undirected", "sideways"]))
    lines.append(f'<graph edgedefault="{direction}">' + data_for("graph"))
    nodes = draw(st.lists(node_names, max_size=6))
    for node in nodes:
        lines.append(f"<node id={quoteattr(txt(st.just(node)))}>{data_for('node')}</node>")
    ends = st.sampled_from(nodes) | node_names if nodes else node_names
    for source, target in draw(st.lists(st.tuples(ends, ends), max_size=6)):
        lines.append(
            f"<edge source={quoteattr(txt(st.just(source)))} "
            f"target={quoteattr(txt(st.just(target)))}>{data_for('edge')}</edge>"
        )
    lines.append("</graph></graphml>")
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def example_graphml() -> bytes:
    """The example pathway as a graph tool would save it."""
    import networkx as nx

    pathway, _ = load_pathway(EXAMPLE_PATHWAY)
    graph = nx.DiGraph(id=pathway.id, title=pathway.title)
    for stage in pathway.stages:
        graph.add_node(
            stage.id, label=stage.label, kind=stage.kind, prompts="\n".join(stage.prompts)
        )
    for transition in pathway.transitions:
        graph.add_edge(transition.from_, transition.to, label=transition.label or "")
    return "\n".join(nx.generate_graphml(graph)).encode("utf-8")


GRAPHML_BYTES = Original(example_graphml(), "pathway.graphml")


def test_the_unchanged_graphml_loads(tmp_path: Path) -> None:
    path = write(tmp_path, "pathway.graphml", GRAPHML_BYTES)
    assert loads_or_refuses_cleanly(lambda: load_pathway(path), path) is not None


@pytest.mark.filterwarnings("ignore:No key type:UserWarning")  # a key of an unknown type
@FUZZ
@given(content=st.one_of(graphml_documents(), garbled(GRAPHML_BYTES), raw_bytes, raw_text))
def test_pathway_from_random_graphml(scratch, content: bytes) -> None:
    path = write(scratch(), "pathway.graphml", content)
    loads_or_refuses_cleanly(lambda: load_pathway(path), path)


# -- vignettes ----------------------------------------------------------------------------------
@FUZZ
@given(content=st.one_of(raw_bytes, raw_text, toml_soup))
def test_vignettes_from_random_text(scratch, content: bytes) -> None:
    path = write(scratch(), "vignettes.toml", content)
    loads_or_refuses_cleanly(lambda: load_vignettes(path), path)


@FUZZ
@given(
    data=st.one_of(
        vignettes_like,
        nearly(sound_vignettes, VIGNETTE_KEYS),
        st.dictionaries(keys_from(VIGNETTE_KEYS), values(VIGNETTE_KEYS)),
    )
)
def test_vignettes_from_random_toml(scratch, data: dict[str, Any]) -> None:
    path = write(scratch(), "vignettes.toml", toml_document(data))
    loads_or_refuses_cleanly(lambda: load_vignettes(path), path)


@FUZZ
@given(content=garbled(VIGNETTE_BYTES))
def test_vignettes_from_garbled_example(scratch, content: bytes) -> None:
    path = write(scratch(), "vignettes.toml", content)
    loads_or_refuses_cleanly(lambda: load_vignettes(path), path)


# -- a real session, as a .lens file and as exported JSON ---------------------------------------
def make_session(path: Path) -> str:
    """A session file with some of every kind of action; returns its content as JSON."""
    pathway, _ = load_pathway(EXAMPLE_PATHWAY)
    vignettes, _ = load_vignettes(EXAMPLE_VIGNETTES)
    content = SessionContent(pathway=pathway, teams=vignettes.teams, personas=vignettes.personas)
    with SessionStore.create(path, content) as store:
        store.record(StepTaken(persona="ollie", stage="gp_referral", window="within"))
        store.record(StepTaken(persona="ollie", stage="triage"))
        store.record(WindowSet(persona="ollie", step=2, window="hyper"))
        tag = Tag(
            id="t1",
            stage="triage",
            persona="ollie",
            kind="barrier",
            note="The letter did not say how long the wait would be.",
            severity=3,
            principles=["trust", "safety"],
            theme="service-design",
            raised_by="lived-experience",
        )
        store.record(TagAdded(tag=tag))
        store.record(TagAdded(tag=Tag(id="t2", stage="gp_referral", kind="positive")))
        store.record(TagEdited(tag=tag.model_copy(update={"note": "Edited note"})))
        store.record(
            IssueEdited(
                issue=IssueNotes(
                    stage="triage", kind="barrier", title="Long waits", votes=4, effort="M"
                )
            )
        )
        store.record(OutcomeSet(persona="ollie", outcome="Planned discharge"))
        store.undo()
        store.redo()
        store.undo()
        return interchange.dumps(store.state.content())


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """(the bytes of a real .lens file, its content exported as lensmap-session JSON)"""
    path = tmp_path_factory.mktemp("session") / "event.lens"
    exported = make_session(path)
    return Original(path.read_bytes(), "event.lens"), Original(exported.encode(), "event.json")


# -- sessions as JSON ---------------------------------------------------------------------------
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.sampled_from(PLAUSIBLE),
    text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(keys_from(SESSION_KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def mutated_documents(draw: st.DrawFn, exported: bytes) -> str:
    doc = json.loads(exported)
    for _ in range(draw(st.integers(1, 4))):
        places = list(slots(doc))
        op = draw(st.sampled_from(["replace", "replace", "delete", "add-key", "top-level"]))
        if op == "top-level":
            key = draw(st.sampled_from(list(doc)) | keys_from(SESSION_KEYS))
            doc[key] = draw(json_values)
            continue
        parent, key = draw(st.sampled_from(places))
        if op == "replace":
            old = parent[key]
            parent[key] = draw(json_values.filter(lambda v, old=old: type(v) is not type(old)))
        elif op == "delete":
            del parent[key]
        elif isinstance(parent[key], dict):
            parent[key][draw(keys_from(SESSION_KEYS))] = draw(json_values)
        elif isinstance(parent[key], list):
            parent[key].insert(draw(st.integers(0, len(parent[key]))), draw(json_values))
        elif isinstance(parent, dict):
            parent[draw(text.filter(lambda k, p=parent: k not in p))] = draw(json_values)
    return json.dumps(
        doc, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 2]))
    )


def test_the_unchanged_export_loads(tmp_path: Path, session: tuple[bytes, bytes]) -> None:
    path = write(tmp_path, "event.json", session[1])
    content = loads_or_refuses_cleanly(lambda: interchange.load_json(path), path)
    assert content is not None and "t1" in [t.id for t in content[0].tags]


@FUZZ
@given(
    data=st.one_of(
        json_values,
        st.dictionaries(keys_from(SESSION_KEYS), json_values).map(
            lambda d: {"format": "lensmap-session", "version": 1, **d}
        ),
    )
)
def test_session_json_from_random_json(scratch, data: Any) -> None:
    path = write(scratch(), "event.json", json.dumps(data))
    loads_or_refuses_cleanly(lambda: interchange.load_json(path), path)


@FUZZ
@given(data=st.data())
def test_session_json_from_mutated_export(scratch, session: tuple[bytes, bytes], data) -> None:
    text = data.draw(mutated_documents(session[1]))
    path = write(scratch(), "event.json", text)
    loads_or_refuses_cleanly(lambda: interchange.load_json(path), path)


@FUZZ
@given(data=st.data())
def test_session_json_from_garbled_export(scratch, session: tuple[bytes, bytes], data) -> None:
    content = data.draw(garbled(session[1]))
    path = write(scratch(), "event.json", content)
    loads_or_refuses_cleanly(lambda: interchange.load_json(path), path)


def test_session_json_with_a_huge_number(tmp_path: Path, session: tuple[bytes, bytes]) -> None:
    """More digits than Python will turn into an int (4300) is still just bad input."""
    doc = json.loads(session[1])
    text = json.dumps(doc).replace('"votes": 4', '"votes": ' + "4" * 5000)
    assert "4" * 5000 in text
    path = write(tmp_path, "event.json", text)
    loads_or_refuses_cleanly(lambda: interchange.load_json(path), path)


@pytest.mark.parametrize("value", ["a\nb", "x\r\ny", "ok\n"])
@pytest.mark.parametrize("where", ["id", "stage"])
def test_session_json_problem_about_a_multiline_value_is_one_line(
    tmp_path: Path, session: tuple[bytes, bytes], value: str, where: str
) -> None:
    doc = json.loads(session[1])
    doc["tags"][0][where] = value
    path = write(tmp_path, "event.json", json.dumps(doc))
    loads_or_refuses_cleanly(lambda: interchange.load_json(path), path)


# -- sessions as .lens files --------------------------------------------------------------------
def open_cleanly(path: Path, readonly: bool) -> None:
    """Open (and close) a session file; it opens, or is refused cleanly, and is not changed."""
    before = path.read_bytes() if path.is_file() else None
    store = loads_or_refuses_cleanly(lambda: SessionStore.open(path, readonly=readonly), path)
    if store is not None:
        try:
            store.state.content()  # what was read is usable
        finally:
            store.close()
    if before is not None:
        assert path.read_bytes() == before, "opening the file changed it"


SQLITE_MAGIC = b"SQLite format 3\x00"
# Sometimes a "-journal" file beside it, as a crash leaves one (not a valid one: that is what
# test_crash_safety.py is about), so that opening goes through crash recovery first.
journals = st.none() | st.binary(max_size=1024)


def leave_journal(path: Path, journal: bytes | None) -> None:
    if journal is not None:
        path.with_name(path.name + "-journal").write_bytes(journal)


@FUZZ
@given(data=st.data(), readonly=st.booleans(), journal=journals)
def test_store_opens_random_bytes(
    scratch, session: tuple[bytes, bytes], data, readonly, journal
) -> None:
    content = data.draw(
        st.one_of(
            raw_bytes,
            st.binary(max_size=8192).map(lambda b: SQLITE_MAGIC + b),
            st.binary(max_size=8192).map(lambda b: session[0][:100] + b),
            st.binary(min_size=4096, max_size=12288).map(lambda b: session[0][:4096] + b),
        )
    )
    path = write(scratch(), "event.lens", content)
    leave_journal(path, journal)
    open_cleanly(path, readonly)


def test_the_unchanged_session_file_opens(tmp_path: Path, session: tuple[bytes, bytes]) -> None:
    path = write(tmp_path, "event.lens", session[0])
    with SessionStore.open(path, readonly=True) as store:
        assert set(store.state.tags) == {"t1", "t2"}
        assert store.can_redo


@FUZZ
@given(data=st.data(), readonly=st.booleans(), journal=journals)
def test_store_opens_overwritten_file(
    scratch, session: tuple[bytes, bytes], data, readonly, journal
) -> None:
    original = session[0]
    content = bytearray(original)
    offsets = st.one_of(st.integers(0, 4095), st.integers(0, len(original) - 1))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(offsets)
        patch = data.draw(st.binary(min_size=1, max_size=16))
        content[at : at + len(patch)] = patch
    path = write(scratch(), "event.lens", bytes(content))
    leave_journal(path, journal)
    open_cleanly(path, readonly)


@FUZZ
@given(data=st.data(), readonly=st.booleans(), journal=journals)
def test_store_opens_truncated_file(
    scratch, session: tuple[bytes, bytes], data, readonly, journal
) -> None:
    original = session[0]
    pages = st.integers(0, len(original) // 4096).map(lambda n: n * 4096)
    size = data.draw(st.one_of(st.integers(0, len(original) - 1), pages, st.integers(0, 120)))
    path = write(scratch(), "event.lens", original[:size])
    leave_journal(path, journal)
    open_cleanly(path, readonly)


WRONG_SHAPES = [
    '{"type": "undo", "target": "nothing"}',
    '{"type": "redo", "target": "nothing"}',
    '{"type": "tag.delete", "id": "no-such-tag"}',
    '{"type": "tag.add", "tag": {"id": "t1", "stage": "triage", "kind": "barrier"}}',
    '{"type": "tag.add", "tag": {"id": "t9", "stage": "nowhere", "kind": "barrier"}}',
    '{"type": "journey.back", "persona": "jay"}',
    '{"type": "journey.window", "persona": "ollie", "step": 99, "window": null}',
    '{"type": "journey.step", "persona": "nobody", "stage": "triage"}',
    '{"type": "session.start"}',
    '{"type": "tag.add"}',
    '{"type": "no.such.action"}',
    '{"type": 7}',
    "{}",
    "[]",
    "null",
    "42",
    '"tag.add"',
    '{"type": "issue.edit", "issue": {"stage": "triage", "kind": "barrier", "votes": '
    + "9" * 5000
    + "}}",
]


@st.composite
def damaged_actions(draw: st.DrawFn, original: bytes) -> tuple[bytes, list[str]]:
    """The session file with rows of its log changed in place, through SQLite itself."""
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / "event.lens"
        path.write_bytes(original)
        done = []
        conn = sqlite3.connect(path)
        try:
            rows = conn.execute("SELECT seq, data FROM actions ORDER BY seq").fetchall()
            assert len(rows) > 10
            seqs = [seq for seq, _ in rows]
            for _ in range(draw(st.integers(1, 3))):
                seq = draw(st.sampled_from(seqs))
                op = draw(
                    st.sampled_from(["data", "data", "data", "swap", "delete", "move", "column"])
                )
                if op == "data":
                    value = draw(
                        st.one_of(
                            st.sampled_from(WRONG_SHAPES),
                            st.integers(0, len(rows) - 1).map(lambda i: rows[i][1]),
                            json_values.map(json.dumps),
                            text,
                            st.binary(max_size=64),
                            st.integers(-(2**63), 2**63 - 1),
                            garbled(
                                Original(rows[seqs.index(seq)][1].encode(), f"action {seq}")
                            ).map(lambda b: b.decode("utf-8", "replace")),
                        )
                    )
                    conn.execute("UPDATE actions SET data = ? WHERE seq = ?", (value, seq))
                elif op == "swap":
                    other = draw(st.sampled_from(seqs))
                    a, b = (rows[seqs.index(s)][1] for s in (seq, other))
                    conn.execute("UPDATE actions SET data = ? WHERE seq = ?", (b, seq))
                    conn.execute("UPDATE actions SET data = ? WHERE seq = ?", (a, other))
                elif op == "delete":
                    conn.execute("DELETE FROM actions WHERE seq = ?", (seq,))
                elif op == "move":  # another place in the log (unless that place is taken)
                    conn.execute(
                        "UPDATE OR IGNORE actions SET seq = ? WHERE seq = ?",
                        (draw(st.integers(-3, 20)), seq),
                    )
                else:
                    column = draw(st.sampled_from(["id", "at", "type"]))
                    value = draw(
                        st.one_of(
                            text,
                            st.binary(max_size=16),
                            st.integers(-(2**63), 2**63 - 1),
                            st.sampled_from([i for (i,) in conn.execute("SELECT id FROM actions")]),
                        )
                    )
                    conn.execute(
                        f"UPDATE OR IGNORE actions SET {column} = ? WHERE seq = ?", (value, seq)
                    )
                done.append(f"{op} {seq}")
            conn.commit()
        finally:
            conn.close()
        return path.read_bytes(), done
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@FUZZ
@given(data=st.data(), readonly=st.booleans(), journal=journals)
def test_store_opens_file_with_damaged_actions(
    scratch, session: tuple[bytes, bytes], data, readonly, journal
) -> None:
    content, _ = data.draw(damaged_actions(session[0]))
    path = write(scratch(), "event.lens", content)
    leave_journal(path, journal)
    open_cleanly(path, readonly)


def test_store_refuses_an_action_in_the_wrong_place(
    tmp_path: Path, session: tuple[bytes, bytes]
) -> None:
    """Not a fuzz: a well-formed action that does not fit the log is found and refused."""
    path = write(tmp_path, "event.lens", session[0])
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE actions SET data = ? WHERE seq = 2", (WRONG_SHAPES[0],))
    conn.close()
    with pytest.raises(LoadError) as raised:
        SessionStore.open(path, readonly=True)
    assert str(raised.value).startswith(str(path)) and "damaged" in str(raised.value)


# -- inputs the fuzzing found, kept as plain tests so they are checked on every run ------------
def _graphml(*nodes: str, edges: tuple[tuple[str, str], ...] = ()) -> str:
    """A GraphML document; node names are written as given (escapes and all)."""
    return (
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
        + "".join(f'<node id="{n}"/>' for n in nodes)
        + "".join(f'<edge source="{a}" target="{b}"/>' for a, b in edges)
        + "</graph></graphml>"
    )


FOUND: dict[str, tuple[str, Callable[[Path], Any], bytes | str]] = {
    # Python refuses to turn more than 4300 digits into an int, with a ValueError
    "toml-huge-integer": ("pathway.toml", load_pathway, "a = " + "1" * 5000),
    "toml-huge-integer-vignettes": ("vignettes.toml", load_vignettes, "age = " + "9" * 4301),
    "json-huge-integer": ("event.json", interchange.load_json, "[" + "1" * 5000 + "]"),
    # a value with a line break, repeated in a problem, splits it over two lines
    "toml-id-with-line-break": (
        "pathway.toml",
        load_pathway,
        'id = "a\\nb"\ntitle = "t"\n[[stages]]\nid = "a\\nb"\nlabel = "A"\n',
    ),
    "toml-team-with-line-break": (
        "vignettes.toml",
        load_vignettes,
        '[[teams]]\nid = "t"\nname = "T"\n[[personas]]\nid = "x"\nname = "X"\nteam = "a\\nb"\n',
    ),
    "toml-kind-with-line-break": (
        "pathway.toml",
        load_pathway,
        'id = "p"\ntitle = "t"\n[[stages]]\nid = "a"\nlabel = "A"\nkind = "entry\\n"\n',
    ),
    "graphml-node-with-line-break": (
        "pathway.graphml",
        load_pathway,
        _graphml("gp&#10;", "b", edges=(("gp&#10;", "b"),)),
    ),
}


@pytest.mark.parametrize("case", list(FOUND))
def test_found_inputs_are_refused_cleanly(tmp_path: Path, case: str) -> None:
    name, loader, content = FOUND[case]
    path = write(tmp_path, name, content)
    loads_or_refuses_cleanly(lambda: loader(path), path)


def test_graphml_node_id_ending_in_a_line_break_becomes_an_id(tmp_path: Path) -> None:
    """A node named "gp" followed by a line break is read like any other name that is not an
    id ("gp x" becomes "gp-x"): the trailing line break must not slip past the id check."""
    content = _graphml("gp&#10;", "b", edges=(("gp&#10;", "b"),))
    path = write(tmp_path, "pathway.graphml", content)
    pathway, _ = load_pathway(path)
    assert [s.id for s in pathway.stages] == ["gp", "b"]


def test_stage_without_an_id_is_not_said_to_have_transitions_into_it(tmp_path: Path) -> None:
    """With no transitions at all, no stage "has a transition leading into it": the only thing
    wrong is the missing id, and that is all a facilitator should be told."""
    path = write(tmp_path, "pathway.toml", 'id = "p"\ntitle = "T"\n[[stages]]\nlabel = "A"\n')
    with pytest.raises(LoadError) as raised:
        load_pathway(path)
    messages = [p.message for p in raised.value.problems]
    assert any('"id" is missing' in m for m in messages), messages
    assert not any("transition leading into it" in m for m in messages), messages


def copied_mid_write(folder: Path) -> Path:
    """A session file copied while a large transaction was half written, as a backup tool or a
    synced folder might copy it: its pages no longer agree with each other."""
    source = folder / "source" / "event.lens"
    source.parent.mkdir()
    make_session(source)
    conn = sqlite3.connect(source, isolation_level=None)
    try:
        conn.execute("PRAGMA cache_size = 1")  # so SQLite writes part of it before committing
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE actions SET data = 'half-written' WHERE seq > 1")
        for n in range(50):
            conn.execute(
                "INSERT INTO actions (seq, id, at, type, data) VALUES (?, ?, 'now', 'x', ?)",
                (100 + n, f"half{n}", "x" * 50_000),
            )
        copy = folder / "copied.lens"
        shutil.copyfile(source, copy)
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    return copy


def undecodable_schema(folder: Path) -> Path:
    """A session file with one byte of its schema (the names SQLite keeps on its first page)
    damaged so that it is no longer UTF-8."""
    path = folder / "schema.lens"
    make_session(path)
    data = bytearray(path.read_bytes())
    data[data.index(b"sqlite_autoindex_actions_1") + 7] = 0x80
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("journal", [False, True], ids=["", "with-journal"])
@pytest.mark.parametrize("readonly", [True, False], ids=["readonly", "readwrite"])
@pytest.mark.parametrize("damage", [copied_mid_write, undecodable_schema])
def test_found_session_files_are_refused_cleanly(
    tmp_path: Path, damage: Callable[[Path], Path], readonly: bool, journal: bool
) -> None:
    path = damage(tmp_path)
    if journal:  # left beside it by a crash (opening read-only then tries to recover first)
        write(path.parent, path.name + "-journal", _garbage(6, 512))
    open_cleanly(path, readonly)
    with pytest.raises(LoadError):  # the damage is real: this file cannot be used
        SessionStore.open(path, readonly=readonly).close()


def test_store_with_an_action_id_that_is_not_text(
    tmp_path: Path, session: tuple[bytes, bytes]
) -> None:
    """A session whose log holds an id SQLite stores as bytes (one flipped bit in a record's
    header does it) is either refused when opened, or works: undo must not fail on it."""
    path = write(tmp_path, "event.lens", session[0])
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE actions SET id = x'ff' WHERE type = 'issue.edit'")
    conn.close()
    store = loads_or_refuses_cleanly(lambda: SessionStore.open(path), path)
    if store is not None:
        with store:
            assert store.history.done[-1].action.type == "issue.edit"
            store.undo()
            assert not store.state.issues


# -- the command line never shows a traceback ---------------------------------------------------
def _garbage(seed: int, size: int = 4096) -> bytes:
    return random.Random(seed).randbytes(size)


NASTY_FILES: dict[str, Callable[[Path], Path]] = {
    "binary.toml": lambda p: write(p, "binary.toml", _garbage(1)),
    "binary.lens": lambda p: write(p, "binary.lens", _garbage(2)),
    "binary.json": lambda p: write(p, "binary.json", _garbage(3)),
    "binary.csv": lambda p: write(p, "binary.csv", _garbage(4)),
    "binary.graphml": lambda p: write(p, "binary.graphml", _garbage(5)),
    "folder": lambda p: _mkdir(p / "folder"),
    "folder.lens": lambda p: _mkdir(p / "folder.lens"),
    "folder.csv": lambda p: _mkdir(p / "folder.csv"),
    "missing.toml": lambda p: p / "missing.toml",
    "missing.lens": lambda p: p / "missing.lens",
    "huge-number.toml": lambda p: write(
        p, "huge-number.toml", 'id = "x"\ntitle = "T"\nformat = ' + "9" * 5000 + "\n"
    ),
    "huge-number.json": lambda p: write(p, "huge-number.json", '{"version": ' + "9" * 5000 + "}"),
    "deep.toml": lambda p: write(p, "deep.toml", "a = " + "[" * 10_000 + "]" * 10_000 + "\n"),
    "deep.json": lambda p: write(p, "deep.json", "[" * 100_000 + "]" * 100_000),
    "latin-1.toml": lambda p: write(p, "latin-1.toml", 'id = "caf\xe9"\n'.encode("latin-1")),
    "copied-mid-write.lens": copied_mid_write,
    "undecodable-schema.lens": undecodable_schema,
    "multiline-id.toml": lambda p: write(
        p, "multiline-id.toml", 'id = "x"\ntitle = "T"\n[[stages]]\nid = "a\\nb"\nlabel = "A"\n'
    ),
}


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.parametrize("name", list(NASTY_FILES))
def test_validate_command_on_nasty_files(tmp_path: Path, name: str) -> None:
    path = NASTY_FILES[name](tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "LENSMAP_DEBUG"}
    done = subprocess.run(
        [sys.executable, "-m", "lensmap", "validate", str(path)],
        capture_output=True,
        text=True,
        errors="replace",
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    out = done.stdout + done.stderr
    assert "Traceback" not in out, out
    assert done.returncode == 2, out
    assert str(path) in out, out
    for line in out.splitlines():  # every line it prints is about the file it was given
        assert line.startswith(str(path)), out
