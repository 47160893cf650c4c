"""Annotated Graphviz maps of the pathway: each stage marked by its worst issue, in words and
symbols as well as colour, with the room's notes as tooltips."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
import sysconfig
from collections import Counter
from pathlib import Path

from ..event.counts import by_stage
from ..event.model import persona_names
from ..session.content import SessionContent
from ..wording.screen_text import shown
from ..wording.vocabulary import KIND_SYMBOL, STAGE_KIND_WORD, tag_counts
from . import ExportFailed

SHAPES = {"entry": "house", "step": "box", "wait": "parallelogram", "decision": "diamond",
          "exit": "doubleoctagon"}  # fmt: skip
# Okabe-Ito colours, as pale fills with a strong border, and a line style that differs too.
WORST_STYLE = {
    "risk": ("#F5D5E8", "#CC79A7", "filled,bold", 3.0, "worst: ▲ re-traumatisation risk"),
    "barrier": ("#FCE7C2", "#E69F00", "filled,dashed", 2.0, "worst: ✗ barrier"),
    "positive": ("#D9EEFB", "#0072B2", "filled", 1.5, "✓ positive practice only"),
    None: ("#FFFFFF", "#555555", "filled", 1.0, ""),
}


def dot_string(text: object) -> str:
    """A DOT quoted string that shows exactly the text: no escape sequences (\\N, \\G, \\l),
    no HTML entities (Graphviz reads &amp; as &), no breaking out of the quotes, no control
    characters (XML forbids them, so an SVG holding one would not open), and direction and
    invisible characters marked as on screen."""
    return f'"{_dot_escaped(text)}"'


def _dot_escaped(text: object) -> str:
    """The inside of `dot_string`, for building a label from several escaped pieces."""
    value = shown(text, lines=True).replace("&", "&amp;")
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


# The map's own nodes (the key, outcomes, footnotes) have a space in their names, which no
# stage's id can have (ID_PATTERN), so a pathway cannot draw over them or join them up.


def _attrs(**attrs: object) -> str:
    return ", ".join(f"{key}={dot_string(value)}" for key, value in attrs.items())


# Sizes in points (Graphviz's 72 a inch; a PNG is drawn at 96 dpi, so 20 pt is 27 px). A
# stage's name is never smaller than the words on a line: the stages are what the room reads.
TITLE_FONT = 24
STAGE_FONT = 20  # a stage on the journey
NEAR_FONT = 14  # a stage one transition from it, or tagged for it
LINE_FONT = 14  # the words on a persona's step; no stage text is smaller
WHOLE_STAGE_FONT = 14  # the combined map's stages: all 32 of the example, so smaller
WHOLE_LINE_FONT = 10  # the words on its transitions
# A journey map breaks stage names at spaces into lines of about this many characters, so long
# names make tall boxes, not maps wider than the screen (the combined map, already taller than a
# screen is, keeps each name on one line).
NAME_WIDTH = 22


def combined_dot(content: SessionContent) -> str:
    """The whole pathway, each stage labelled with its counts and marked by its worst issue."""
    counts = by_stage(content.tags)
    notes: dict[str, list[str]] = {}
    for tag in content.tags:
        if tag.note:
            notes.setdefault(tag.stage, []).append(f"{KIND_SYMBOL[tag.kind]} {tag.note}")
    title = content.event.title or content.pathway.title
    lines = [
        "digraph lensmap {",
        f"  graph [{_attrs(label=title, labelloc='t', fontsize=TITLE_FONT, rankdir='TB')}];",
        f'  node [fontname="DejaVu Sans", fontsize={WHOLE_STAGE_FONT}, margin="0.15,0.08"];',
        f'  edge [fontname="DejaVu Sans", fontsize={WHOLE_LINE_FONT}, color="#444444"];',
    ]
    for stage in content.pathway.stages:
        c = counts.get(stage.id, Counter())
        worst = (
            "risk"
            if c["risk"]
            else "barrier"
            if c["barrier"]
            else ("positive" if c["positive"] else None)
        )
        fill, border, style, pen, word = WORST_STYLE[worst]
        counts_said = tag_counts(dict(c)) if c else "no tags yet"  # quiet where nothing was found
        label = f"{stage.label}\n({STAGE_KIND_WORD[stage.kind]})\n{counts_said}"
        if word:
            label += f"\n{word}"
        tooltip = "\n".join([stage.description or stage.label, *notes.get(stage.id, [])])
        lines.append(
            f"  {dot_string(stage.id)} [{_attrs(label=label, shape=SHAPES[stage.kind])}, "
            f"{_attrs(style=style, fillcolor=fill, color=border, penwidth=pen, tooltip=tooltip)}];"
        )
    seen = set()
    for t in content.pathway.transitions:
        if (t.from_, t.to) in seen:
            continue
        seen.add((t.from_, t.to))
        extra = f" [{_attrs(label=t.label)}]" if t.label else ""
        lines.append(f"  {dot_string(t.from_)} -> {dot_string(t.to)}{extra};")
    lines += _legend()
    lines.append("}")
    return "\n".join(lines) + "\n"


def _legend() -> list[str]:
    lines = [
        "  subgraph cluster_legend {",
        f"    graph [{_attrs(label='Key', fontsize=TITLE_FONT, style='rounded', color='#888')}];",
    ]
    for n, worst in enumerate(("risk", "barrier", "positive", None)):
        fill, border, style, pen, word = WORST_STYLE[worst]
        text = word or "no tags yet"
        lines.append(
            f"    {dot_string(f'key {n}')} [{_attrs(label=text, shape='box', style=style)}, "
            f"{_attrs(fillcolor=fill, color=border, penwidth=pen)}];"
        )
    lines.append("  }")
    return lines


class NoMapEngine(ExportFailed):
    """Neither Graphviz nor graphviz-pure can be found to draw the maps."""


def engine() -> list[str]:
    """The Graphviz engine to run: the system's dot, else the pip-installed graphviz-pure."""
    found = shutil.which("dot") or shutil.which("graphviz-pure")
    if not found:
        # Installed beside lensmap (pipx and plain venvs do not put it on PATH).
        scripts = {sysconfig.get_path("scripts"), str(Path(sys.executable).parent)}
        found = next((f for s in scripts if (f := shutil.which("graphviz-pure", path=s))), None)
    if found:
        return [found]
    raise NoMapEngine.single(
        "maps",
        "no Graphviz engine found: install Graphviz (graphviz.org) or "
        "`pip install graphviz-pure`, then export again",
    )


def is_graphviz_pure(command: list[str]) -> bool:
    name = command[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name.removesuffix(".exe") == "graphviz-pure"


# graphviz-pure draws PNG text with a built-in font that has no ✓ or ✗ (they come out as
# empty boxes); these look alike and it has them. The words beside them carry the meaning.
PNG_STAND_INS = str.maketrans({"✓": "√", "✗": "\N{MULTIPLICATION SIGN}"})


def engine_input(dot: str, fmt: str, command: list[str]) -> str:
    """The DOT as this engine should get it for this format."""
    if fmt == "png" and is_graphviz_pure(command):
        return dot.translate(PNG_STAND_INS)
    return dot


# A PNG at most 4,000 pixels on its longer side (Graphviz's 96 dpi): whole on a 4K screen,
# about A3 at 250 dpi on paper. Larger pathways are shrunk to fit; their SVG keeps full
# detail for zooming. Drawing 100-megapixel PNGs took most of an export's time.
PNG_SIZE = "-Gsize=41.6,41.6"


def render(dot: str, formats: tuple[str, ...], targets: tuple[Path, ...]) -> None:
    """Render DOT to files, one format each, quietly: the engine's warnings never reach the
    room's screen. Graphviz itself lays the map out once for all of them; graphviz-pure (and
    a PNG, drawn smaller) gets one run per format."""
    program = engine()
    together = [f for f in formats if f != "png"] if not is_graphviz_pure(program) else []
    runs = [tuple(together)] if together else []
    runs += [(f,) for f in formats if f not in together]
    where = dict(zip(formats, targets, strict=True))
    for run in runs:
        _draw(program, dot, run, tuple(where[f] for f in run))


def _draw(program: list[str], dot: str, formats: tuple[str, ...], targets: tuple[Path, ...]):
    import tempfile

    from ..storage.safe_write import write_atomic

    dot = engine_input(dot, formats[0], program)
    with tempfile.TemporaryDirectory(prefix="lensmap-drawing-") as folder:
        drawn = [Path(folder) / f"map.{fmt}" for fmt in formats]
        command = [*program, "-q", *([PNG_SIZE] if formats == ("png",) else [])]
        for fmt, path in zip(formats, drawn, strict=True):
            command += [f"-T{fmt}", f"-o{path}"]
        done = subprocess.run(command, input=dot.encode("utf-8"), capture_output=True, timeout=300)
        for target, path in zip(targets, drawn, strict=True):
            data = path.read_bytes() if path.exists() else b""
            if done.returncode != 0 or not data:
                problem = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
                raise ExportFailed.single(
                    target, f"could not be drawn by Graphviz ({(problem or ['no output'])[0]})"
                )
            write_atomic(target, data, replace=True)


# Each persona on a team map: a colour and a line pattern, and their name on every step, so
# no meaning is in colour alone. The first three differ in both colour and pattern.
JOURNEY_STYLES = [
    ("#0072B2", "solid"),
    ("#D55E00", "dashed"),
    ("#009E73", "dotted"),
    ("#CC79A7", "solid"),
    ("#E69F00", "dashed"),
    ("#56B4E9", "dotted"),
]
KINDS = ("positive", "barrier", "risk")  # in the order tag_counts says them
LINE_WORDS = {"solid": "solid line", "dashed": "dashed line", "dotted": "dotted line"}
# A jump (a step along no transition of the pathway) is a bold double line in the persona's
# colour, unlike any persona's single line, and its label says "jump".
JUMP_STYLE = "bold"


def jump_colour(colour: str) -> str:
    """Two lines of the colour with white between (Graphviz draws a colour list side by side)."""
    return f"{colour}:#FFFFFF:{colour}"


def wrapped(text: object, width: int = NAME_WIDTH) -> str:
    """Text broken at spaces into lines of about `width` characters. Only a space becomes a
    line break, so the lines joined by spaces are the text again."""
    lines = []
    for line in ("" if text is None else str(text)).split("\n"):
        words = line.split(" ")
        current = words[0]
        for word in words[1:]:
            if current and len(current) + 1 + len(word) > width:
                lines.append(current)
                current = word
            else:
                current += " " + word
        lines.append(current)
    return "\n".join(lines)


def found(counts: Counter[str]) -> str:
    """The kinds of tag found at a stage, in words ("✗ 1 barrier  ▲ 2 risks"), and nothing
    where none were, so an untagged stage's box is only as wide as its name."""
    said = tag_counts(dict(counts)).split("  ")
    return "  ".join(s for s, kind in zip(said, KINDS, strict=True) if counts[kind])


def journey_stages(pathway, visited: set[str]) -> set[str]:
    """What a journey map draws: the stages visited and those one transition from them (the
    ways in, before any step), so a journey through a large pathway stays readable."""
    if not visited:
        return set(pathway.entries)
    near = set(visited)
    for t in pathway.transitions:
        if t.from_ in visited:
            near.add(t.to)
        if t.to in visited:
            near.add(t.from_)
    return near


def journey_dot(content: SessionContent, persona_ids: list[str], title: str) -> str:
    """Personas' journeys drawn over the pathway: numbered steps along the transitions used
    (jumps a double line, and said), the window of tolerance at each step, their tags on the
    stages, the outcome, the notes as numbered footnotes (and tooltips), and a key."""
    from ..wording.vocabulary import WINDOW_SHORT, WINDOW_SYMBOL

    names = persona_names(content.personas)
    journeys = {j.persona: j for j in content.journeys}
    visited: dict[str, list[str]] = {}
    footnotes: list[str] = []
    stage_notes: dict[str, list[str]] = {}
    for tag in content.tags:
        if tag.persona in persona_ids and tag.note:
            who = f"{names.get(tag.persona, tag.persona)}: " if len(persona_ids) > 1 else ""
            footnotes.append(f"[{len(footnotes) + 1}] {KIND_SYMBOL[tag.kind]} {who}{tag.note}")
            stage_notes.setdefault(tag.stage, []).append(f"[{len(footnotes)}]")
    for pid in persona_ids:
        journey = journeys.get(pid)
        for n, step in enumerate(journey.steps if journey else [], start=1):
            window = (
                f" {WINDOW_SYMBOL[step.window]} {WINDOW_SHORT[step.window]}" if step.window else ""
            )
            visited.setdefault(step.stage, []).append(f"{names.get(pid, pid)} {n}{window}")
    pathway = content.pathway
    tagged = {tag.stage for tag in content.tags if tag.persona in persona_ids}
    near = journey_stages(pathway, set(visited)) | (tagged & set(pathway.stages_by_id))
    lines = [
        "digraph journey {",
        f"  graph [{_attrs(label=title, labelloc='t', fontsize=TITLE_FONT, rankdir='TB')}];",
        f'  node [fontname="DejaVu Sans", fontsize={NEAR_FONT}, color="#999999", '
        'fontcolor="#555555"];',
        f'  edge [fontname="DejaVu Sans", fontsize={LINE_FONT}, color="#BBBBBB", arrowsize=0.7];',
    ]
    counted = by_stage(content.tags, persona_ids)  # once, not once per stage
    for stage in pathway.stages:
        if stage.id not in near:
            continue
        counts = counted.get(stage.id, Counter())
        name = wrapped(stage.label)
        if stage.id in visited:
            label = "\n".join([name, *visited[stage.id], *filter(None, [found(counts)])])
            if stage.id in stage_notes:
                label += "\nnotes " + " ".join(stage_notes[stage.id])
            attrs = _attrs(
                label=label,
                shape=SHAPES[stage.kind],
                color="#000000",
                fontcolor="#000000",
                fontsize=STAGE_FONT,
                penwidth=3,
                style="filled",
                fillcolor="#FFF7D6",
            )
        elif stage.id in tagged:  # tagged for them, though not on their way
            label = "\n".join([name, *filter(None, [found(counts)])])
            if stage.id in stage_notes:
                label += "\nnotes " + " ".join(stage_notes[stage.id])
            attrs = _attrs(
                label=label, shape=SHAPES[stage.kind], color="#000000", fontcolor="#000000"
            )
        else:
            attrs = _attrs(label=name, shape=SHAPES[stage.kind])
        lines.append(f"  {dot_string(stage.id)} [{attrs}];")
    drawn: dict[tuple[str, str], None] = {}  # the transitions to or from the journey, in order
    for t in pathway.transitions:
        if t.from_ in near and t.to in near and (t.from_ in visited or t.to in visited):
            drawn[t.from_, t.to] = None
    # A stage off the journey that one line joins to it hangs from a stage on it; where many
    # hang on one side of a stage, every other one hangs a rank further off, so they make two
    # narrower rows, not one row wider than the screen.
    ends = Counter(stage for pair in drawn for stage in pair)
    hanging: dict[tuple[str, bool], list[tuple[str, str]]] = {}
    for a, b in drawn:
        for on, off, below in ((a, b, True), (b, a, False)):
            if on in visited and off not in visited and off not in tagged and ends[off] == 1:
                hanging.setdefault((on, below), []).append((a, b))
    further = {pair for row in hanging.values() if len(row) > 4 for pair in row[1::2]}
    for a, b in drawn:
        lines.append(
            f"  {dot_string(a)} -> {dot_string(b)}{' [minlen=2]' if (a, b) in further else ''};"
        )
    edges = {(t.from_, t.to) for t in pathway.transitions}  # a step along none is a jump
    walkers: list[tuple[str, str, str]] = []
    jumped = False
    for index, pid in enumerate(persona_ids):
        colour, style = JOURNEY_STYLES[index % len(JOURNEY_STYLES)]
        journey = journeys.get(pid)
        steps = journey.steps if journey else []
        name = names.get(pid, pid)
        walkers.append((name, colour, style))
        for n in range(1, len(steps)):
            a, b = steps[n - 1].stage, steps[n].stage
            jump = (a, b) not in edges
            jumped |= jump
            attrs = _attrs(
                label=f"{name} {n}→{n + 1}" + (" (jump)" if jump else ""),
                color=jump_colour(colour) if jump else colour,
                fontcolor=colour,
                penwidth=3,
                style=JUMP_STYLE if jump else style,
                constraint="false",
            )
            lines.append(f"  {dot_string(a)} -> {dot_string(b)} [{attrs}];")
        if journey and journey.outcome and steps:
            end = f"outcome of {pid}"
            attrs = _attrs(
                label=wrapped(f"{name}: {journey.outcome}", 30), shape="note", color=colour,
                fontcolor="#000000", fontsize=STAGE_FONT, penwidth=2,
            )  # fmt: skip
            lines.append(f"  {dot_string(end)} [{attrs}];")
            lines.append(
                f"  {dot_string(steps[-1].stage)} -> {dot_string(end)} "
                f"[{_attrs(color=colour, style=style, penwidth=3)}];"
            )
    lines += _journey_key(
        walkers, jumped, len(pathway.stages) - len(near), bool(tagged - set(visited))
    )
    if footnotes:  # at the foot of the map, left-aligned like footnotes on a page
        note_lines = [part for note in ["Notes", *footnotes] for part in note.splitlines() or [""]]
        text = "".join(_dot_escaped(line) + "\\l" for line in note_lines)  # \\l: left-aligned
        style = _attrs(shape="box", color="#AAAAAA", fontcolor="#000000", fontsize=NEAR_FONT)
        lines.append(f'  "the notes" [label="{text}", {style}];')
        lines.append('  { rank=sink; "the notes"; }')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _journey_key(
    walkers: list[tuple[str, str, str]], jumped: bool, left_out: int, tagged_off_way: bool
) -> list[str]:
    """The key of a journey map, one row across, so it adds little height: a short sample of
    each persona's line, of a jump if there is one and of a transition, each over its meaning;
    the kinds of stage box; and how many stages were left out."""
    samples: list[tuple[dict[str, object], str, str]] = []  # a line's look, its words, colour
    for name, colour, style in walkers:
        words = f"{name}'s steps: {LINE_WORDS[style]}, named and numbered"
        samples.append(({"color": colour, "style": style}, words, colour))
    if jumped:
        colour = walkers[0][1] if len(walkers) == 1 else "#444444"
        look: dict[str, object] = {"color": jump_colour(colour), "style": JUMP_STYLE}
        words = 'a jump (a step along no transition of the pathway): double line, "(jump)"'
        samples.append((look, words, "#000000"))
    samples.append(({"color": "#BBBBBB"}, "a transition of the pathway", "#000000"))
    boxes: list[tuple[dict[str, object], str]] = [
        ({"color": "#000000", "penwidth": 3, "style": "filled", "fillcolor": "#FFF7D6",
          "fontsize": STAGE_FONT}, "a stage on the journey, with each step there"),
        ({"color": "#999999", "fontcolor": "#555555"}, "a stage one transition from the journey"),
    ]  # fmt: skip
    if tagged_off_way:
        boxes.append(({"color": "#000000"}, "a stage tagged for the journey, not on it"))
    if left_out:
        said = (
            f"{left_out} other stage{'s' * (left_out != 1)} of the pathway left out (the "
            "combined map shows the whole pathway)"
        )
    else:
        said = "every stage of the pathway is drawn"
    boxes.append(({"shape": "plaintext"}, said))
    key = _attrs(label="Key", fontsize=STAGE_FONT, style="rounded", color="#888888")
    point = _attrs(label="", shape="point", width=0.05, color="#FFFFFF")
    lines = [
        "  subgraph cluster_key {",
        f"    graph [{key}];",
        f"    node [{_attrs(fontsize=NEAR_FONT, fontcolor='#000000', shape='box')}];",
    ]
    tops, bottoms = [], []
    for n, (look, words, colour) in enumerate(samples):
        top, text = dot_string(f"key {n} line"), dot_string(f"key {n}")
        tops.append(top)
        bottoms.append(text)
        lines.append(f"    {top} [{point}];")
        label = wrapped(words, 24)
        lines.append(f"    {text} [{_attrs(label=label, shape='plaintext', fontcolor=colour)}];")
        lines.append(f"    {top} -> {text} [{_attrs(penwidth=3, **look)}];")
    for n, (box, words) in enumerate(boxes, start=len(samples)):
        name = dot_string("key left out" if words == said else f"key {n}")
        bottoms.append(name)
        lines.append(f"    {name} [{_attrs(label=wrapped(words, 22), **box)}];")
    lines.append(f"    {{ rank=same; {'; '.join(tops)}; }}")
    lines.append(f"    {{ rank=same; {'; '.join(bottoms)}; }}")
    lines += [f"    {a} -> {b} [style=invis];" for a, b in itertools.pairwise(bottoms)]  # in order
    lines.append("  }")
    return lines
