"""The combined map: DOT that any engine draws, SVG that parses, hostile text shown as text."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from lensmap.event.model import Pathway, Tag
from lensmap.export import maps
from lensmap.export.maps import combined_dot, dot_string, render
from lensmap.session.content import SessionContent
from tests.test_export_maps_wall import statements

NASTY = 'Tri"age {x} \\N \\G <b>&amp; ]; digraph evil { a -> b }\n\x07'
SVG = "{http://www.w3.org/2000/svg}"


def hostile_content() -> SessionContent:
    pathway = Pathway.model_validate(
        {
            "id": "p",
            "title": 'Pathway <with> "quotes" & more',
            "stages": [
                {"id": "a", "label": NASTY, "kind": "entry", "description": "<script>x</script>"},
                {"id": "b", "label": "Assessment", "kind": "decision"},
                {"id": "c", "label": "Exit", "kind": "exit"},
            ],
            "transitions": [
                {"from": "a", "to": "b", "label": 'say "hi" \\l'},
                {"from": "b", "to": "c"},
            ],
        }
    )
    tags = [
        Tag(id="t1", stage="a", kind="risk", note="</title><script>alert(1)</script>"),
        Tag(id="t2", stage="b", kind="barrier", note="=cmd|' /C calc'!A0"),
        Tag(id="t3", stage="c", kind="positive", note="kind words"),
    ]
    return SessionContent(pathway=pathway, tags=tags)


def texts(svg_path) -> list[str]:
    root = ET.parse(svg_path).getroot()
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def test_dot_strings_cannot_break_out():
    assert dot_string('a"b') == '"a\\"b"'
    assert dot_string("\\N") == '"\\\\N"'  # shown as \N, not the node's name
    assert dot_string("line\nnext") == '"line\\nnext"'
    assert dot_string("bell\x07") == '"bell "'


def test_hostile_map_renders_and_shows_text_as_text(tmp_path):
    dot = combined_dot(hostile_content())
    assert "evil" in dot and "digraph evil" not in dot.split("\n", 1)[0]
    svg = tmp_path / "map.svg"
    render(dot, ("svg",), (svg,))
    shown = " ".join(texts(svg))
    assert 'Tri"age {x} \\N \\G <b>&amp; ]; digraph evil { a -> b }' in shown
    assert "worst: ▲ re-traumatisation risk" in shown
    assert "worst: ✗ barrier" in shown and "✓ positive practice only" in shown
    assert "Key" in shown  # the legend
    raw = svg.read_text()
    assert "<script>" not in raw  # tooltips and labels are XML-escaped by the engine


def test_the_dot_file_draws_again(tmp_path):
    dot = combined_dot(hostile_content())
    engine = maps.engine()
    done = subprocess.run([*engine, "-Tsvg"], input=dot.encode(), capture_output=True)
    assert done.returncode == 0 and done.stdout.startswith(b"<?xml")


def test_graphviz_pure_is_used_without_a_system_dot(tmp_path, monkeypatch):
    """As on a laptop with only pip: no dot, and lensmap's own scripts folder not on PATH."""
    real = shutil.which
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(
        maps.shutil, "which", lambda n, path=None: None if n == "dot" else real(n, path=path)
    )
    assert maps.engine()[0].endswith("graphviz-pure")
    target = tmp_path / "map.png"
    render(combined_dot(hostile_content()), ("png",), (target,))
    assert target.read_bytes().startswith(b"\x89PNG")


def test_no_engine_is_a_clear_message(monkeypatch):
    monkeypatch.setattr(maps.shutil, "which", lambda n, path=None: None)
    with pytest.raises(maps.NoMapEngine, match="no Graphviz engine found"):
        maps.engine()


def test_entities_are_shown_as_typed():
    assert dot_string("A &amp; B") == '"A &amp;amp; B"'


def test_journey_maps_number_steps_mark_jumps_and_footnote_notes(store, tmp_path):
    from lensmap.export.writer import export_session
    from lensmap.session.actions import OutcomeSet, StepTaken, TagAdded, WindowSet

    for stage in ("criminal_justice_order", "custody", "prison_release", "housing_support"):
        store.record(StepTaken(persona="stuart", stage=stage))
    store.record(WindowSet(persona="stuart", step=4, window="hyper"))
    store.record(OutcomeSet(persona="stuart", outcome="Fatal overdose after release"))
    store.record(
        TagAdded(tag=Tag(id="t1", stage="housing_support", persona="stuart", kind="risk",
                         note="Housed near old <associates>"))
    )  # fmt: skip
    store.record(
        TagAdded(tag=Tag(id="t2", stage="custody", persona="stuart", kind="barrier",
                         note='No "release plan" \\'))
    )  # fmt: skip
    written = export_session(store.state.content(), tmp_path / "out")
    names = {p.name for p in written}
    assert {"persona-stuart.svg", "persona-stuart.png", "team-team-3.svg"} <= names
    assert "persona-ollie.svg" not in names  # no journey, no map
    shown = " ".join(texts(tmp_path / "out" / "maps" / "persona-stuart.svg"))
    assert "Stuart 1→2" in shown and "Stuart 2→3 (jump)" in shown  # custody -> release
    assert "Stuart 4 ↑ hyper" in shown
    assert "Stuart: Fatal overdose after release" in shown
    assert "Notes" in shown and "notes [1]" in shown and "notes [2]" in shown
    assert '[2] ✗ No "release plan" \\' in shown  # a typed backslash stays a backslash
    assert "[1] ▲ Housed near old <associates>" in shown


def test_the_offline_report_is_self_contained_and_inert(store, tmp_path):
    from html.parser import HTMLParser

    from lensmap.export.writer import export_session
    from lensmap.session.actions import StepTaken, TagAdded

    store.record(StepTaken(persona="ollie", stage="gp_referral"))
    store.record(
        TagAdded(tag=Tag(id="t1", stage="gp_referral", persona="ollie", kind="barrier",
                         note='<script>alert("x")</script><img src=x onerror=alert(1)>'))
    )  # fmt: skip
    export_session(store.state.content(), tmp_path / "out")
    page = (tmp_path / "out" / "index.html").read_text()

    class Collect(HTMLParser):
        tags: list[tuple[str, dict]] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))

    parser = Collect()
    parser.feed(page)
    names = [t for t, _ in parser.tags]
    assert "script" not in names and "img" not in names and "link" not in names
    assert not any(k.startswith("on") for _, a in parser.tags for k in a)
    assert "default-src 'none'" in page  # the page may fetch nothing at all
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert names.count("svg") == 3 + 2  # combined, Team 1, Ollie; and the two journey strips
    assert "Journey: Ollie" in page and "Journey: Team 1" in page
    hrefs = [a.get("href", "") for _, a in parser.tags]
    assert not any(h.startswith(("http", "//")) for h in hrefs)


def test_pdf_without_a_pdf_engine_is_said_not_skipped(store, tmp_path, monkeypatch):
    from lensmap.export.writer import export_session

    drawn = []

    def fake_render(dot, formats, targets):  # graphviz-pure can draw SVG and PNG, not PDF
        for fmt, target in zip(formats, targets, strict=True):
            drawn.append(fmt)
            target.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')

    monkeypatch.setattr(maps, "engine", lambda: ["/somewhere/graphviz-pure"])
    monkeypatch.setattr(maps, "render", fake_render)
    notes: list[str] = []
    written = export_session(store.state.content(), tmp_path / "out", notes=notes)
    assert "pdf" not in drawn and set(drawn) == {"svg", "png"}
    assert not any(p.suffix == ".pdf" for p in written)
    assert any("PDF maps need Graphviz itself" in n for n in notes)


def test_unknown_format_is_a_clear_error(store, capsys):
    from lensmap.cli import main

    store.close()
    assert main(["export", str(store.path), "--formats", "svg,jpeg"]) == 2
    assert "unknown format 'jpeg'" in capsys.readouterr().err


def test_no_engine_stops_an_export_with_its_message(store, monkeypatch, tmp_path, capsys):
    from lensmap.cli import main

    store.close()
    monkeypatch.setattr(maps.shutil, "which", lambda n, path=None: None)
    assert main(["export", str(store.path), "--out", str(tmp_path / "out")]) == 2
    assert "maps: no Graphviz engine found: install Graphviz" in capsys.readouterr().err


def test_png_from_graphviz_pure_gets_symbols_its_font_has():
    dot = combined_dot(hostile_content())
    assert "✓" in dot and "✗" in dot
    pure = ["/x/graphviz-pure"]
    png = maps.engine_input(dot, "png", pure)
    assert (
        "✓" not in png
        and "✗" not in png
        and "√ positive" in png
        and "\N{MULTIPLICATION SIGN} barrier" in png
    )
    assert maps.engine_input(dot, "svg", pure) == dot  # browsers have the real symbols
    assert maps.engine_input(dot, "png", ["/usr/bin/dot"]) == dot
    assert maps.is_graphviz_pure(["C:\\Tools\\graphviz-pure.exe"])


def test_progress_bar_fits_the_terminal_and_stays_quiet_in_a_pipe(monkeypatch):
    import io
    import re

    from lensmap.progress_bar import export_progress

    class Terminal(io.StringIO):
        encoding = "utf-8"

        def isatty(self):
            return True

    def draw(stream, *steps, width=60):
        with export_progress(stream, width=width) as progress:
            for step in steps:
                progress(*step)
        return stream.getvalue()

    def frames(raw):
        """What the terminal shows, step by step: each drawing's text, codes taken out (the
        last step is drawn twice, once more as the bar stops)."""
        plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw)
        lines = [line.rstrip() for line in re.split(r"[\r\n]", plain) if line.strip()]
        return [line for n, line in enumerate(lines) if not n or line != lines[n - 1]]

    (line,) = frames(draw(Terminal(), (5, 20, "maps/persona-" + "x" * 200 + ".png")))
    assert len(line) <= 60 and "5/20" in line and line.endswith(".png") and "…x" in line
    # Without colour only the part done is drawn, so the bar's length is what has been done.
    monkeypatch.setenv("NO_COLOR", "1")
    bars = [frames(draw(Terminal(), (n, 4, "")))[0].count("━") for n in (0, 2, 4)]
    assert bars[0] == 0 and bars[2] > 10 and bars[1] == bars[2] // 2

    screen = Terminal()
    drawn = draw(screen, (1, 3, "issues.csv"), (3, 3, ""))
    assert [f.split()[-1] for f in frames(drawn)] == ["issues.csv", "3/3"]
    assert drawn.endswith("\x1b[2K")  # the bar is cleared: the summary starts on a clean line
    assert drawn.rindex("\x1b[?25h") > drawn.rindex("\x1b[?25l")  # and the cursor is back
    piped = io.StringIO()
    assert draw(piped, (1, 3, "issues.csv")) == ""
    ascii_terminal = Terminal()
    ascii_terminal.encoding = "ascii"
    drawn = draw(ascii_terminal, (1, 2, "maps/" + "y" * 100 + ".svg"))
    assert drawn.isascii() and "1/2" in drawn and "...y" in drawn


def test_a_persona_without_a_team_gets_a_map_and_steps_in_words(store, tmp_path):
    from lensmap.export.writer import export_session
    from lensmap.session.actions import StepTaken

    for stage in ("gp_referral", "triage"):
        store.record(StepTaken(persona="ollie", stage=stage, window="hypo"))
    content = store.state.content()
    loner = [
        p.model_copy(update={"team": None}) if p.id == "ollie" else p for p in content.personas
    ]
    content = content.model_copy(update={"personas": loner})
    written = {p.name for p in export_session(content, tmp_path / "out", formats=("svg",))}
    assert "persona-ollie.svg" in written and not any(n.startswith("team-") for n in written)
    page = (tmp_path / "out" / "index.html").read_text()
    journey = page[page.index('id="persona-ollie"') :]
    assert "<li>GP referral: hypo-aroused (shut down)</li>" in journey
    assert "<li>Triage: hypo-aroused (shut down)</li>" in journey


def test_team_footnotes_name_the_persona_and_keep_each_line_of_a_note(store, tmp_path):
    from lensmap.export.writer import export_session
    from lensmap.session.actions import StepTaken, TagAdded

    for persona in ("ollie", "jay"):
        store.record(StepTaken(persona=persona, stage="self_referral"))
    store.record(
        TagAdded(tag=Tag(id="t1", stage="self_referral", persona="jay", kind="barrier",
                         note="Duty line only open 10 to 12\nand nobody called back"))
    )  # fmt: skip
    export_session(store.state.content(), tmp_path / "out", formats=("svg",))
    root = ET.parse(tmp_path / "out" / "maps" / "team-team-1.svg").getroot()
    lines = {"".join(t.itertext()): t.get("text-anchor") for t in root.iter(f"{SVG}text")}
    assert lines["[1] ✗ Jay: Duty line only open 10 to 12"] == "start"  # left, like a footnote
    assert lines["and nobody called back"] == "start"
    persona_map = " ".join(texts(tmp_path / "out" / "maps" / "persona-jay.svg"))
    assert "[1] ✗ Duty line only open 10 to 12" in persona_map  # one persona: no name needed


def test_maps_never_share_a_file_name_that_differs_only_in_case(store, tmp_path):
    from lensmap.export.writer import export_session
    from lensmap.session.actions import StepTaken

    store.record(StepTaken(persona="ollie", stage="gp_referral"))
    content = store.state.content()
    ollie = next(p for p in content.personas if p.id == "ollie")
    journey = next(j for j in content.journeys if j.persona == "ollie")
    content = content.model_copy(
        update={
            "personas": [*content.personas, ollie.model_copy(update={"id": "OLLIE", "team": None})],
            "journeys": [*content.journeys, journey.model_copy(update={"persona": "OLLIE"})],
        }
    )
    written = export_session(content, tmp_path / "out", formats=("svg",))
    for folder in ("maps", "journeys"):  # each journey's map, and its strip by the same name
        named = [
            p.name for p in written if p.parent.name == folder and p.name.startswith("persona-")
        ]
        assert len(named) == 2 and len({n.lower() for n in named}) == 2, named


def test_untagged_stages_say_so_quietly(store):
    from lensmap.session.actions import TagAdded

    store.record(TagAdded(tag=Tag(id="t1", stage="triage", kind="positive", note="kind")))
    dot = combined_dot(store.state.content())
    assert dot.count("no tags yet") == len(store.state.pathway.stages) - 1 + 1  # + the key
    assert "✓ 1 positive  ✗ 0 barriers  ▲ 0 risks" in dot


def test_maps_are_drawn_once_for_svg_and_pdf_and_the_png_is_a_usable_size(tmp_path):
    """A large pathway's PNG is shrunk to at most 4,000 pixels a side (the SVG keeps every
    detail); Graphviz lays a map out once for both SVG and PDF."""
    import struct

    if maps.is_graphviz_pure(maps.engine()):
        pytest.skip("needs Graphviz itself for PDF")
    dot = "digraph { rankdir=TB; node [shape=box, fontsize=30]; "
    dot += " ".join(f"s{i} -> s{i + 1};" for i in range(119)) + " }"
    targets = tuple(tmp_path / f"m.{f}" for f in ("svg", "pdf", "png"))
    render(dot, ("svg", "pdf", "png"), targets)
    svg, pdf, png = (t.read_bytes() for t in targets)
    assert svg.lstrip().startswith(b"<?xml") or b"<svg" in svg[:400]
    assert pdf.startswith(b"%PDF")
    width, height = struct.unpack(">II", png[16:24])  # the PNG's header
    assert max(width, height) <= 4000 and min(width, height) > 0, (width, height)


def test_a_journey_map_draws_the_journey_and_its_neighbours_and_says_what_it_left_out(store):
    from lensmap.export.maps import journey_dot
    from lensmap.session.actions import StepTaken, TagAdded

    for stage in ("gp_referral", "triage"):
        store.record(StepTaken(persona="ollie", stage=stage))
    content = store.state.content()
    pathway = content.pathway
    dot = journey_dot(content, ["ollie"], "Ollie's journey")
    drawn = {s.id for s in pathway.stages if f"{dot_string(s.id)} [" in dot}
    near = {"gp_referral", "triage"}
    near |= {t.to for t in pathway.transitions if t.from_ in ("gp_referral", "triage")}
    near |= {t.from_ for t in pathway.transitions if t.to in ("gp_referral", "triage")}
    assert drawn == near and len(drawn) < len(pathway.stages)
    left_out = len(pathway.stages) - len(near)
    nodes, edges = statements(dot)
    said = " ".join(nodes["key left out"]["label"].split())  # in the key, in words
    assert said == (
        f"{left_out} other stages of the pathway left out (the combined map shows the whole "
        "pathway)"
    )
    lines = {(a, b) for a, b, attrs in edges if "label" not in attrs and "style" not in attrs}
    for t in pathway.transitions:  # drawn when both its stages are and one is on the journey
        on_it = t.from_ in ("gp_referral", "triage") or t.to in ("gp_referral", "triage")
        assert ((t.from_, t.to) in lines) == (t.from_ in near and t.to in near and on_it)
    store.record(TagAdded(tag=Tag(id="t9", stage="custody", persona="ollie", kind="risk")))
    dot = journey_dot(store.state.content(), ["ollie"], "Ollie's journey")
    assert f"{dot_string('custody')} [" in dot  # tagged for her: drawn, though not on her way
