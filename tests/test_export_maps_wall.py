"""Maps readable on a wall (issue 11): stage text never smaller than the labels on the lines,
each persona's steps in a line style of their own, jumps marked apart from every step, and a
key that says what each line means and what was left out. Checked in the DOT lensmap writes
and in the SVG Graphviz draws from it."""

from __future__ import annotations

import itertools
import re

from lensmap.event.model import Journey, Pathway, Step, Tag
from lensmap.export.maps import combined_dot, journey_dot
from lensmap.session.content import SessionContent

QUOTED = r'"(?:[^"\\]|\\.)*"'
STATEMENT = re.compile(
    rf"^\s*(?P<a>{QUOTED}|\w+)(?:\s*->\s*(?P<b>{QUOTED}|\w+))?\s*(?:\[(?P<attrs>.*)\])?;\s*$"
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
        attrs = {k: _unquoted(v) for k, v in ATTR.findall(found["attrs"] or "")}
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


def walked(store) -> SessionContent:
    """Team 1 walked: Ollie along transitions, Jay with a jump (triage to alcohol detox, along
    no transition), each with tags; Stuart of Team 3 too."""
    from lensmap.session.actions import StepTaken, TagAdded
    from tests.workshop import record_morning

    record_morning(store)
    for stage in ("self_referral", "triage", "alcohol_detox", "review", "alcohol_detox"):
        store.record(StepTaken(persona="jay", stage=stage))
    store.record(
        TagAdded(tag=Tag(id="j1", stage="alcohol_detox", persona="jay", kind="barrier",
                         note="Detox again, same questions"))
    )  # fmt: skip
    return store.state.content()


def font_sizes(svg, stage_ids: set[str]) -> tuple[list[float], list[float]]:
    """The sizes of the text in the stages' boxes and on the lines, as drawn."""
    import xml.etree.ElementTree as ET

    ns = "{http://www.w3.org/2000/svg}"
    stages, lines = [], []
    for group in ET.parse(svg).getroot().iter(f"{ns}g"):
        title = group.find(f"{ns}title")
        sizes = [float(t.get("font-size")) for t in group.iter(f"{ns}text")]
        if group.get("class") == "node" and title is not None and title.text in stage_ids:
            stages += sizes
        elif group.get("class") == "edge":
            lines += sizes
    return stages, lines


def test_stage_text_is_never_smaller_than_the_words_on_a_line_in_any_map(store, tmp_path):
    from lensmap.export.writer import export_session

    content = walked(store)
    export_session(content, tmp_path / "out", formats=("svg",))
    ids = {s.id for s in content.pathway.stages}
    drawn = sorted((tmp_path / "out" / "maps").glob("*.svg"))
    assert {p.stem for p in drawn} >= {"combined", "team-team-1", "persona-jay", "persona-ollie"}
    for svg in drawn:
        stages, lines = font_sizes(svg, ids)
        assert stages and lines, svg.name
        assert min(stages) >= max(lines), (svg.name, min(stages), max(lines))
    stages, _ = font_sizes(tmp_path / "out" / "maps" / "persona-ollie.svg", ids)
    assert max(stages) >= 20  # the journey's own stages large: 27 px in a PNG


def steps_of(dot: str, names: list[str]) -> dict[str, list[dict[str, str]]]:
    """Each persona's drawn steps (lines labelled "Name n→n+1"), by name."""
    _, edges = statements(dot)
    found: dict[str, list[dict[str, str]]] = {name: [] for name in names}
    for _a, _b, attrs in edges:
        for name in names:
            if re.fullmatch(rf"{re.escape(name)} \d+→\d+( \(jump\))?", attrs.get("label", "")):
                found[name].append(attrs)
    return found


def test_each_persona_has_a_line_style_of_their_own_and_a_jump_is_like_no_step(store):
    from lensmap.export.maps import JUMP_STYLE, journey_dot

    dot = journey_dot(walked(store), ["ollie", "jay"], "Team 1")
    steps = steps_of(dot, ["Ollie", "Jay"])
    assert len(steps["Ollie"]) == 4 and len(steps["Jay"]) == 4
    ordinary = {
        name: {(s["style"], s["color"]) for s in drawn if "jump" not in s["label"]}
        for name, drawn in steps.items()
    }
    assert all(len(looks) == 1 for looks in ordinary.values())  # one look for all their steps
    ((ollie_style, ollie_colour),) = ordinary["Ollie"]
    ((jay_style, jay_colour),) = ordinary["Jay"]
    assert ollie_style != jay_style and ollie_colour != jay_colour  # not by colour alone
    jumps = [s for drawn in steps.values() for s in drawn if "jump" in s["label"]]
    assert [s["label"] for s in jumps] == ["Jay 2→3 (jump)"]
    jump = jumps[0]
    assert jump["style"] == JUMP_STYLE and jump["style"] not in {ollie_style, jay_style}
    assert jump["color"] == f"{jay_colour}:#FFFFFF:{jay_colour}"  # a double line in his colour
    assert all(":" not in s["color"] for s in steps["Ollie"])


def test_the_key_says_what_each_line_and_box_means_and_what_was_left_out(store):
    from lensmap.export.maps import LINE_WORDS, journey_dot

    content = walked(store)
    dot = journey_dot(content, ["ollie", "jay"], "Team 1")
    nodes, edges = statements(dot)
    key = {name: " ".join(attrs["label"].split()) for name, attrs in nodes.items()
           if name.startswith("key ")}  # fmt: skip
    into = {b: attrs for a, b, attrs in edges if a.startswith("key ") and a.endswith(" line")}
    steps = steps_of(dot, ["Ollie", "Jay"])
    for name in ("Ollie", "Jay"):
        look = next(s for s in steps[name] if "jump" not in s["label"])
        said = f"{name}'s steps: {LINE_WORDS[look['style']]}, named and numbered"
        (node,) = [n for n, words in key.items() if words == said]
        assert (into[node]["style"], into[node]["color"]) == (look["style"], look["color"])
    (node,) = [n for n, words in key.items() if words.startswith("a jump")]
    jump = next(s for s in steps["Jay"] if "jump" in s["label"])
    assert into[node]["style"] == jump["style"] and into[node]["color"].count(":") == 2
    assert "a transition of the pathway" in key.values()
    assert "a stage on the journey, with each step there" in key.values()
    assert "a stage one transition from the journey" in key.values()
    drawn = [s for s in content.pathway.stages if s.id in nodes]
    left_out = len(content.pathway.stages) - len(drawn)
    assert key["key left out"] == (
        f"{left_out} other stages of the pathway left out (the combined map shows the whole "
        "pathway)"
    )
    ollie = journey_dot(content, ["ollie"], "Ollie")  # no jump: no jump in her key
    assert not any(
        words["label"].startswith("a jump") for name, words in statements(ollie)[0].items()
    )


def test_a_row_of_stages_hanging_from_one_stage_is_drawn_in_two_rows(store):
    """Jay's review has nine stages off his journey that only it leads to: every other one
    hangs a rank further, so the map is not one row wider than the screen."""
    from lensmap.export.maps import journey_dot

    content = walked(store)
    _, edges = statements(journey_dot(content, ["jay"], "Jay"))
    into_review = [(a, attrs) for a, b, attrs in edges if b == "review" and "label" not in attrs]
    further = [a for a, attrs in into_review if attrs.get("minlen") == "2"]
    assert len(into_review) > 4 and 0 < len(further) < len(into_review)


HOSTILE_NAME = 'Jay "J" \\N {x} ]; digraph evil { a -> b } & <b>'


def test_hostile_names_and_labels_reach_the_key_and_the_lines_as_typed(store, tmp_path):
    """A persona's name and a stage's label come from files: in the key, on the steps and in
    wrapped stage names they are shown as typed, and the DOT still draws."""
    import xml.etree.ElementTree as ET

    from lensmap.export.maps import render, wrapped

    content = walked(store)
    personas = [
        p.model_copy(update={"name": HOSTILE_NAME}) if p.id == "jay" else p
        for p in content.personas
    ]
    long_label = 'A very "long" stage name \\l with {braces} and <tags> & more words'
    stages = [
        s.model_copy(update={"label": long_label}) if s.id == "alcohol_detox" else s
        for s in content.pathway.stages
    ]
    pathway = content.pathway.model_copy(update={"stages": stages})
    content = content.model_copy(update={"personas": personas, "pathway": pathway})
    dot = journey_dot(content, ["ollie", "jay"], "Team 1")
    assert "digraph evil" not in dot.split("\n", 1)[0]
    svg = tmp_path / "team.svg"
    render(dot, ("svg",), (svg,))
    ns = "{http://www.w3.org/2000/svg}"
    shown = " ".join("".join(t.itertext()) for t in ET.parse(svg).getroot().iter(f"{ns}text"))
    assert f"{HOSTILE_NAME} 2→3 (jump)" in shown
    assert " ".join(wrapped(long_label).split("\n")) == long_label  # only spaces broken
    assert long_label in shown  # its lines, read one after another
    assert "<b>" not in svg.read_text()  # the engine escaped it for XML
    name_in_key = f"{HOSTILE_NAME}'s steps: dashed line, named and numbered"
    assert " ".join(wrapped(name_in_key, 24).split("\n")) == name_in_key
