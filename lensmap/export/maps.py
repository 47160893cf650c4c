"""Annotated Graphviz maps of the pathway: each stage marked by its worst issue, in words and
symbols as well as colour, with the room's notes as tooltips."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from collections import Counter
from pathlib import Path

from ..problems import LoadError
from ..screen_text import shown
from ..session.content import SessionContent
from ..vocabulary import KIND_SYMBOL, STAGE_KIND_WORD, tag_counts

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


def combined_dot(content: SessionContent) -> str:
    """The whole pathway, each stage labelled with its counts and marked by its worst issue."""
    counts: dict[str, Counter[str]] = {}
    notes: dict[str, list[str]] = {}
    for tag in content.tags:
        counts.setdefault(tag.stage, Counter())[tag.kind] += 1
        if tag.note:
            notes.setdefault(tag.stage, []).append(f"{KIND_SYMBOL[tag.kind]} {tag.note}")
    title = content.event.title or content.pathway.title
    lines = [
        "digraph lensmap {",
        f"  graph [{_attrs(label=title, labelloc='t', fontsize=20, rankdir='TB')}];",
        '  node [fontname="DejaVu Sans", fontsize=11, margin="0.15,0.08"];',
        '  edge [fontname="DejaVu Sans", fontsize=9, color="#444444"];',
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
        f"    graph [{_attrs(label='Key', fontsize=12, style='rounded', color='#888888')}];",
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


def engine() -> list[str]:
    """The Graphviz engine to run: the system's dot, else the pip-installed graphviz-pure."""
    found = shutil.which("dot") or shutil.which("graphviz-pure")
    if not found:
        # Installed beside lensmap (pipx and plain venvs do not put it on PATH).
        scripts = {sysconfig.get_path("scripts"), str(Path(sys.executable).parent)}
        found = next((f for s in scripts if (f := shutil.which("graphviz-pure", path=s))), None)
    if found:
        return [found]
    raise LoadError.single(
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

    from ..safe_write import write_atomic

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
                raise LoadError.single(
                    target, f"could not be drawn by Graphviz ({(problem or ['no output'])[0]})"
                )
            write_atomic(target, data, replace=True)


JOURNEY_STYLES = [  # colour, line style: each persona on a team map differs in both
    ("#0072B2", "solid"),
    ("#D55E00", "dashed"),
    ("#009E73", "dotted"),
]


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
    (jumps dashed and marked), the window of tolerance at each step, their tags on the stages,
    the outcome, and the notes as numbered footnotes (and tooltips)."""
    from ..vocabulary import WINDOW_SHORT, WINDOW_SYMBOL

    names = {p.id: p.name for p in content.personas}
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
    left_out = len(pathway.stages) - len(near)
    if left_out:
        title += (
            f"\nThe stages of this journey, those one transition from it and those tagged for"
            f" it; {left_out} other stage{'s' * (left_out != 1)} left out (the combined map"
            " shows the whole pathway)"
        )
    lines = [
        "digraph journey {",
        f"  graph [{_attrs(label=title, labelloc='t', fontsize=18, rankdir='TB')}];",
        '  node [fontname="DejaVu Sans", fontsize=10, color="#AAAAAA", fontcolor="#666666"];',
        '  edge [color="#CCCCCC", arrowsize=0.6];',
    ]
    counted: dict[str, Counter[str]] = {}  # once, not once per stage
    for tag in content.tags:
        if tag.persona in persona_ids:
            counted.setdefault(tag.stage, Counter())[tag.kind] += 1
    for stage in pathway.stages:
        if stage.id not in near:
            continue
        counts = counted.get(stage.id, Counter())
        if stage.id in visited:
            label = "\n".join([stage.label, *visited[stage.id], tag_counts(dict(counts))])
            if stage.id in stage_notes:
                label += "\nnotes " + " ".join(stage_notes[stage.id])
            attrs = _attrs(
                label=label,
                shape=SHAPES[stage.kind],
                color="#000000",
                fontcolor="#000000",
                penwidth=2,
                style="filled",
                fillcolor="#FFF7D6",
            )
        elif stage.id in tagged:  # tagged for them, though not on their way
            label = "\n".join([stage.label, tag_counts(dict(counts))])
            if stage.id in stage_notes:
                label += "\nnotes " + " ".join(stage_notes[stage.id])
            attrs = _attrs(label=label, shape=SHAPES[stage.kind], color="#000000")
        else:
            attrs = _attrs(label=stage.label, shape=SHAPES[stage.kind])
        lines.append(f"  {dot_string(stage.id)} [{attrs}];")
    drawn = set()
    for t in pathway.transitions:
        if (t.from_, t.to) not in drawn and t.from_ in near and t.to in near:
            drawn.add((t.from_, t.to))
            lines.append(f"  {dot_string(t.from_)} -> {dot_string(t.to)};")
    edges = {(t.from_, t.to) for t in pathway.transitions}  # a step along none is a jump
    for index, pid in enumerate(persona_ids):
        colour, style = JOURNEY_STYLES[index % len(JOURNEY_STYLES)]
        journey = journeys.get(pid)
        steps = journey.steps if journey else []
        name = names.get(pid, pid)
        for n in range(1, len(steps)):
            a, b = steps[n - 1].stage, steps[n].stage
            jump = (a, b) not in edges
            label = f"{name} {n}→{n + 1}" + (" (jump)" if jump else "")
            attrs = _attrs(
                label=label,
                color=colour,
                fontcolor=colour,
                penwidth=3,
                style="dashed" if jump else style,
                constraint="false",
            )
            lines.append(f"  {dot_string(a)} -> {dot_string(b)} [{attrs}];")
        if journey and journey.outcome and steps:
            end = f"outcome of {pid}"
            attrs = _attrs(
                label=f"{name}: {journey.outcome}", shape="note", color=colour,
                fontcolor="#000000",
            )  # fmt: skip
            lines.append(f"  {dot_string(end)} [{attrs}];")
            lines.append(
                f"  {dot_string(steps[-1].stage)} -> {dot_string(end)} "
                f"[{_attrs(color=colour, style=style)}];"
            )
    if footnotes:  # at the foot of the map, left-aligned like footnotes on a page
        note_lines = [part for note in ["Notes", *footnotes] for part in note.splitlines() or [""]]
        text = "".join(_dot_escaped(line) + "\\l" for line in note_lines)  # \\l: left-aligned
        style = _attrs(shape="box", color="#AAAAAA", fontcolor="#000000", fontsize=11)
        lines.append(f'  "the notes" [label="{text}", {style}];')
        lines.append('  { rank=sink; "the notes"; }')
    lines.append("}")
    return "\n".join(lines) + "\n"
