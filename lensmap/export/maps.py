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
    characters."""
    value = ("" if text is None else str(text)).replace("&", "&amp;")
    value = "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in value)
    value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{value}"'


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
        label = f"{stage.label}\n({STAGE_KIND_WORD[stage.kind]})\n{tag_counts(dict(c))}"
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
            f"    {dot_string(f'legend{n}')} [{_attrs(label=text, shape='box', style=style)}, "
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


def render(dot: str, fmt: str, target: Path) -> None:
    """Render DOT to a file, quietly: the engine's warnings never reach the room's screen."""
    command = [*engine(), f"-T{fmt}", "-q"]
    done = subprocess.run(command, input=dot.encode("utf-8"), capture_output=True, timeout=120)
    if done.returncode != 0 or not done.stdout:
        problem = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise LoadError.single(target, f"could not be drawn by Graphviz ({problem[0]})")
    from ..safe_write import write_atomic

    write_atomic(target, done.stdout, replace=True)
