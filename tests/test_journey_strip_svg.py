"""The journey strip as SVG: the window of tolerance as a line that breaks where nothing was
recorded, each step's facts and tags in symbols and words, every text escaped and shown as on
screen, nothing that clean_svg would drop; and the strip, the measures and whose voice in
index.html."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest

from lensmap.event.measures import journey_steps, measure_journey
from lensmap.event.model import Journey, Pathway, Step, Tag
from lensmap.export.journey_strip import (
    BANDS,
    COLUMN,
    LABELS,
    LINE,
    MARGIN,
    PAD,
    PAPER,
    TIMES,
    journey_strip,
)
from lensmap.export.report import SVG_ATTRIBUTES, SVG_ELEMENTS, clean_svg
from lensmap.export.writer import export_session
from lensmap.files.pathway import load_pathway
from lensmap.files.vignettes import load_vignettes
from lensmap.session.content import SessionContent
from lensmap.wording.screen_text import mark
from tests.hostile import forbidden_in, hostile, hostile_session, write_files
from tests.workshop import record_morning

SVG = "{http://www.w3.org/2000/svg}"
OLLIE = ["gp_referral", "triage", "waiting_list", "comprehensive_assessment", "care_plan"]


def walked(content: SessionContent, persona: str, steps, tags=(), **more) -> SessionContent:
    """`content` with `persona` walked through `steps` (stage, window) and these tags."""
    journey = Journey(persona=persona, steps=[Step(stage=s, window=w) for s, w in steps])
    journeys = [j for j in content.journeys if j.persona != persona] + [journey]
    return content.model_copy(update={"journeys": journeys, "tags": [*content.tags, *tags], **more})


def drawn(content: SessionContent, personas=("ollie",), title="Ollie", **options) -> ET.Element:
    return ET.fromstring(journey_strip(content, list(personas), title, **options))


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [el for el in root.iter() if name in el.get("class", "").split()]


def words(element: ET.Element) -> list[str]:
    return [el.text or "" for el in element.iter(f"{SVG}text")]


def step_number(column: ET.Element) -> int:
    return int(words(column)[0].removeprefix("Step "))


def centre_of(column: ET.Element) -> float:
    """The middle of a step's column, from where its step number is written."""
    first = next(column.iter(f"{SVG}text"))
    return float(first.get("x")) - PAD + COLUMN / 2


def points(polyline: ET.Element) -> list[tuple[float, float]]:
    return [tuple(map(float, p.split(","))) for p in polyline.get("points").split()]  # type: ignore[misc]


# -- the window of tolerance --------------------------------------------------------------------


def test_the_line_breaks_at_a_step_with_no_window_and_is_never_drawn_through_it(content):
    windows = ["hyper", "hyper", None, "within", "within"]
    root = drawn(walked(content, "ollie", zip(OLLIE, windows, strict=True)))
    columns = {step_number(c): c for c in by_class(root, "strip-step")}
    gap = centre_of(columns[3])
    lines = [points(p) for p in by_class(root, "strip-window-line")]
    assert len(lines) == 2  # steps 1-2, then 4-5: two pieces, not one line
    assert [[x for x, _ in line] for line in lines] == [
        [centre_of(columns[1]), centre_of(columns[2])],
        [centre_of(columns[4]), centre_of(columns[5])],
    ]
    for line in lines:  # no piece of any line reaches over the gap
        assert all(not (a[0] <= gap <= b[0]) for a, b in itertools.pairwise(line))
    # the gap says so in words, and has no marker
    assert words(by_class(columns[3], "strip-gap")[0]) == ["no window", "noted"]
    assert not by_class(columns[3], "strip-window-marker")


def test_a_lone_step_with_a_window_is_its_marker_alone(content):
    root = drawn(walked(content, "ollie", zip(OLLIE[:3], ["hypo", None, "within"], strict=True)))
    assert by_class(root, "strip-window-line") == []  # nothing to join: no guess either way
    assert len(by_class(root, "strip-window-marker")) == 2


def test_each_marker_is_in_its_band_with_its_symbol(content):
    windows = ["hyper", "within", "hypo", "hyper", "hypo"]
    root = drawn(walked(content, "ollie", zip(OLLIE, windows, strict=True)))
    line = by_class(root, "strip-line")[0]
    bands = {}
    for band in ("hyper", "within", "hypo"):
        rect = by_class(line, f"strip-band-{band}")[0]
        top = float(rect.get("y"))
        bands[band] = (top, top + float(rect.get("height")))
        assert rect.get("fill") == BANDS[band]
        assert any(band in w for w in words(line)), band  # each band labelled in words
    assert bands["hyper"][1] <= bands["within"][0] < bands["within"][1] <= bands["hypo"][0]
    for column in by_class(root, "strip-step"):
        window = windows[step_number(column) - 1]
        marker = by_class(column, "strip-window-marker")[0]
        circle = marker.find(f"{SVG}circle")
        assert circle is not None
        top, bottom = bands[window]
        assert top < float(circle.get("cy")) < bottom, (window, circle.get("cy"))
        assert float(circle.get("cx")) == centre_of(column)
        assert words(marker) == [{"hyper": "↑", "within": "=", "hypo": "↓"}[window]]


# -- what each step meant, and its tags -------------------------------------------------------


def test_each_steps_facts_are_in_symbols_and_words(content):
    # a jump to psychology, a wait, triage again (a revisit), asked for the story twice
    steps = [("gp_referral", None), ("triage", None), ("waiting_list", None),
             ("psychological_therapy", None), ("triage", None)]  # fmt: skip
    content = walked(content, "ollie", steps)
    root = drawn(content)
    facts = {
        step_number(c): " ".join(words(g)) for c in by_class(root, "strip-step")
        for g in by_class(c, "strip-facts")
    }  # fmt: skip
    ollie = next(p for p in content.personas if p.id == "ollie")
    for step in journey_steps(content.pathway, content.journeys[-1], ollie.entry):
        said = facts.get(step.number, "")
        assert ("❝ asked for story" in said) == step.retelling
        assert ("⇄ handoff" in said) == step.handoff
        assert ("◷ wait" in said) == step.wait
        assert ("↷ jump" in said) == step.jumped
        assert ("↺ again" in said) == step.revisit
    assert "↷ jump" in facts[4] and "↺ again" in facts[5] and "◷ wait" in facts[3]
    assert "❝ asked for story" in facts[2]


def test_the_personas_tags_at_a_step_show_with_symbol_word_and_count(content):
    tags = [
        Tag(id="a", stage="comprehensive_assessment", persona="ollie", kind="risk",
            note="Asked to retell her story", severity=3, raised_by="lived-experience"),
        Tag(id="b", stage="comprehensive_assessment", persona="ollie", kind="risk",
            note="No choice of worker"),
        Tag(id="c", stage="comprehensive_assessment", persona="ollie", kind="barrier"),
        Tag(id="d", stage="comprehensive_assessment", persona="jay", kind="positive"),
        Tag(id="e", stage="comprehensive_assessment", kind="positive", note="general"),
        Tag(id="f", stage="triage", persona="ollie", kind="positive", note="Warm welcome"),
    ]  # fmt: skip
    steps = [(s, None) for s in OLLIE[:4]] + [("triage", None)]
    root = drawn(walked(content, "ollie", steps, tags))
    columns = {step_number(c): c for c in by_class(root, "strip-step")}
    tagged = by_class(columns[4], "strip-tags")[0]
    assert " ".join(words(tagged)) == f"▲ re-traumatisation risk {TIMES}2 ✗ barrier"
    notes = tagged.find(f"{SVG}title")
    assert notes is not None and "Asked to retell her story" in notes.text
    # one tag in all was raised by lived experience: too few to say which
    assert "raised by" not in notes.text and "general" not in notes.text
    assert words(by_class(columns[2], "strip-tags")[0]) == ["✓ positive practice"]
    # triage again: its tags are not counted twice, but pointed to
    assert words(by_class(columns[5], "strip-tags")[0]) == ["tags: see step 2"]
    assert not by_class(columns[1], "strip-tags")  # nothing tagged at the GP referral


# -- text that came from a file or a keyboard -----------------------------------------------

TYPED = "</text><script>alert('x')</script> \"q\" 'a' & &amp; <b>"


@pytest.fixture
def hostile_content(tmp_path) -> SessionContent:
    pathway_file, vignettes_file = write_files(tmp_path)
    pathway = load_pathway(pathway_file)[0].model_dump(by_alias=True)
    pathway["stages"][0]["label"] += f" {TYPED}"
    pathway["stages"][0]["service"] += f" {TYPED}"
    vignettes = load_vignettes(vignettes_file)[0]
    ann = vignettes.personas[0]
    personas = [ann.model_copy(update={"name": f"{ann.name} {TYPED}"}), *vignettes.personas[1:]]
    content = SessionContent(
        pathway=Pathway.model_validate(pathway),
        teams=vignettes.teams,
        personas=personas,
        journeys=[
            Journey(persona="ann", steps=[Step(stage="door", window="hyper"), Step(stage="leave")],
                    outcome=hostile(f"Left {TYPED}")),
            Journey(persona="bo", steps=[Step(stage="door")]),
        ],
        tags=[Tag(id="t1", stage="door", persona="ann", kind="risk",
                  note=hostile(f"Note {TYPED}") + "\n" + hostile("line two"))],
    )  # fmt: skip
    return content


def test_hostile_text_comes_out_escaped_and_shown_as_on_screen(hostile_content):
    svg = journey_strip(hostile_content, ["ann", "bo"], hostile(f"Team {TYPED}"))
    raw = svg.decode("utf-8")
    assert "<script" not in raw and "<b>" not in raw and "</text><script>" not in raw
    assert "&lt;/text&gt;&lt;script&gt;" in raw and "&amp;amp;" in raw
    root = ET.fromstring(svg)  # well-formed: no control character reached the XML
    texts = [el.text or "" for el in root.iter() if el.text]
    for text in texts:
        assert forbidden_in(text, lines=True) == set(), text
    everything = "\n".join(texts)
    assert "PWNED" in everything and mark("\u202e") in everything  # shown, not obeyed
    for where in ("Front door", "Reception", "Ann", "Team", "Left", "Note"):
        found = [t for t in texts if where in t]
        assert found, where
    full = [t for t in texts if TYPED in t]  # the whole typed text, as text, somewhere
    assert any("Ann" in t for t in full) and any("Note" in t for t in full)
    assert any("Reception" in t for t in full) and any("Front door" in t for t in full)
    assert any(t.startswith("Outcome: Left") for t in texts)


def same(a: ET.Element, b: ET.Element) -> None:
    assert (a.tag, a.attrib, a.text, a.tail) == (b.tag, b.attrib, b.text, b.tail)
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        same(x, y)


def test_clean_svg_keeps_the_strip_whole(hostile_content, content):
    morning = walked(content, "ollie", zip(OLLIE, ["hyper", None, "within", "hypo", None],
                                           strict=True))  # fmt: skip
    for svg in (
        journey_strip(hostile_content, ["ann", "bo"], "Team one"),
        journey_strip(morning, ["ollie"], "Ollie", steps_per_line=2),
    ):
        original = ET.fromstring(svg)
        cleaned = ET.fromstring(clean_svg(svg))
        assert len(list(cleaned.iter())) == len(list(original.iter()))
        same(original, cleaned)  # every element, attribute and text: nothing dropped
        for element in original.iter():
            assert element.tag.removeprefix(SVG) in SVG_ELEMENTS
            assert set(element.attrib) <= SVG_ATTRIBUTES, element.attrib


# -- sizes -------------------------------------------------------------------------------------


def test_a_journey_of_one_step(content):
    root = drawn(walked(content, "ollie", [("gp_referral", "within")]))
    assert float(root.get("width")) == 2 * MARGIN + LABELS + COLUMN
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert len(by_class(root, "strip-step")) == 1
    title = root.find(f"{SVG}title")
    assert title is not None and title.text.startswith("Journey strip for Ollie. Ollie: 1 step")


def test_a_journey_of_forty_steps_grows_wider_and_stays_valid(content):
    loop = ["triage", "waiting_list", "crisis_calls"]  # a loop of the example pathway
    steps = [(loop[n % 3], ("hyper", None, "within", "hypo")[n % 4]) for n in range(40)]
    svg = journey_strip(walked(content, "ollie", steps), ["ollie"], "Ollie")
    root = ET.fromstring(svg)
    assert float(root.get("width")) == 2 * MARGIN + LABELS + 40 * COLUMN
    assert [step_number(c) for c in by_class(root, "strip-step")] == list(range(1, 41))
    same(root, ET.fromstring(clean_svg(svg)))
    # in lines of 4 steps instead (as in index.html): 10 lines, as wide as 4 steps
    wrapped = drawn(walked(content, "ollie", steps), steps_per_line=4)
    assert float(wrapped.get("width")) == 2 * MARGIN + LABELS + 4 * COLUMN
    lines = by_class(wrapped, "strip-line")
    assert len(lines) == 10 and all(len(by_class(line, "strip-step")) == 4 for line in lines)
    assert sum("Ollie, continued" in words(line) for line in lines) == 9


def test_lines_are_as_even_as_can_be(content):
    root = drawn(walked(content, "ollie", [(s, None) for s in OLLIE]), steps_per_line=4)
    assert [len(by_class(line, "strip-step")) for line in by_class(root, "strip-line")] == [3, 2]


def test_a_team_of_two_one_above_the_other_each_with_its_name(content):
    content = walked(content, "ollie", [(s, "within") for s in OLLIE])
    content = walked(content, "jay", [("self_referral", "hyper"), ("triage", None)],
                     )  # fmt: skip
    root = drawn(content, ["ollie", "jay"], "Team 1")
    texts = words(root)
    assert texts[0] == "Journeys: Team 1"
    assert "Ollie" in texts and "Jay" in texts and texts.index("Ollie") < texts.index("Jay")
    lines = by_class(root, "strip-line")
    assert [len(by_class(line, "strip-step")) for line in lines] == [5, 2]
    tops = [float(by_class(line, "strip-band-hyper")[0].get("y")) for line in lines]
    assert tops[0] < tops[1]  # Jay below Ollie
    assert float(root.get("width")) == 2 * MARGIN + LABELS + 5 * COLUMN
    title = root.find(f"{SVG}title")
    assert title is not None and "Ollie: 5 steps" in title.text and "Jay: 2 steps" in title.text


# -- readable: contrast, sizes, fonts ---------------------------------------------------------


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_is_readable_on_whatever_it_sits_on(content):
    content = walked(content, "ollie", zip(OLLIE, ["hyper", None, "within", "hypo", None],
                                           strict=True))  # fmt: skip
    root = drawn(content)
    assert "sans-serif" in root.get("font-family")
    markers = {id(t) for m in by_class(root, "strip-window-marker") for t in m.iter()}
    for text in root.iter(f"{SVG}text"):
        assert float(text.get("font-size")) >= 13
        if id(text) in markers:  # a symbol on the line's own colour
            assert contrast(text.get("fill"), LINE) >= 4.5
        else:  # on the paper, or on any band
            for ground in (PAPER, *BANDS.values()):
                assert contrast(text.get("fill"), ground) >= 4.5, (text.text, ground)


def test_nothing_walked_yet_is_said(content):
    root = drawn(content, ["ollie"], "Ollie")
    assert "No journey walked yet." in words(root)


# -- in index.html ----------------------------------------------------------------------------

MORE_VOICES = [  # three tags raised by people with lived experience, so they can be shown
    Tag(id="v1", stage="triage", persona="ollie", kind="risk", severity=3,
        note="Asked about her history at the desk", raised_by="lived-experience"),
    Tag(id="v2", stage="housing_support", persona="stuart", kind="barrier",
        note="No one met him at the door", raised_by="staff"),
]  # fmt: skip


@pytest.fixture
def page(store, tmp_path) -> str:
    from lensmap.session.actions import TagAdded

    record_morning(store)  # lived experience 2 tags, partner 1, staff none ...
    for tag in MORE_VOICES:  # ... now lived experience 3, staff 1, partner 1
        store.record(TagAdded(tag=tag))
    folder = tmp_path / "out"
    export_session(store.state.content(), folder, formats=("svg",))
    return (folder / "index.html").read_text(encoding="utf-8")


def section(page: str, start: str) -> str:
    begun = page.index(start)
    return page[begun : page.index("</section>", begun)]


def test_each_walked_persona_has_its_strip_inline(page, store, tmp_path):
    for name, person in (("persona-ollie", "Ollie"), ("persona-stuart", "Stuart")):
        journey = section(page, f'<section class="journey" id="{name}">')
        strip = journey[journey.index('<div class="strip"') :]
        svg = strip[strip.index("<svg") : strip.index("</svg>") + 6]
        root = ET.fromstring(svg)
        assert words(root)[0] == person and "Step 1" in words(root)
        # the same journey as the strip file, in lines of a few steps
        filed = ET.parse(tmp_path / "out" / "journeys" / f"{name}.svg").getroot()
        assert len(by_class(filed, "strip-step")) == len(by_class(root, "strip-step"))
    team = section(page, '<section class="journey" id="team-team-1">')
    assert '<div class="strip" role="img" aria-label="Journey strip: Team 1:' in team


def test_the_measures_table_says_what_measure_journey_counts(page, store):
    content = store.state.content()
    ways_in = {p.id: p.entry for p in content.personas}
    for journey in content.journeys:
        measured = measure_journey(content.pathway, journey, ways_in[journey.persona])
        part = section(page, f'<section class="journey" id="persona-{journey.persona}">')
        rows = dict(re.findall(r'<th scope="row">([^<]*)</th><td[^>]*>([^<]*)</td>', part))
        assert rows["Times asked for their story"] == str(measured.retellings)
        assert rows["Steps"] == str(measured.steps)
        assert rows["Handoffs between services"] == str(measured.handoffs)
        assert rows["Services, in the order first met"] == " → ".join(measured.services)
        assert rows["Revisits (back at a stage already visited)"] == str(measured.revisits)
        assert rows["Jumps (no transition from the step before)"] == str(measured.jumps)
        assert rows["Waits"] == str(measured.waits)
        assert rows["Steps outside the window of tolerance"] == str(measured.outside_window)
        assert rows["Outcome"] == (measured.outcome or "journey under way")
    ollie = section(page, '<section class="journey" id="persona-ollie">')
    assert '<p class="retold"><strong>Asked for their story 2 times</strong></p>' in ollie


def test_whose_voice_shows_a_group_or_says_it_is_too_few(page):
    voices = section(page, '<section id="voices">')
    lived, staff, partner = voices.split("<h3>")[1:]
    assert lived.startswith("People with lived experience</h3>")
    # no group's count: with the total on the page, a small group's could be worked out
    assert "From the tags they raised:" in lived and "3 tags" not in lived
    assert "Re-traumatisation risk at Comprehensive assessment" in lived
    for group in (staff, partner):  # one tag each: only the words, never how many
        assert "Too few to show separately." in group
        assert "<ol>" not in group and not re.search(r"\d", group.split("</h3>", 1)[1])


def test_an_issue_raised_only_by_lived_experience_is_flagged_in_the_ranking(page):
    issues = section(page, '<section id="issues">')
    rows = issues.split("<tr ")[1:]
    flag = '<span class="lived-only">⚑ raised only by people with lived experience</span>'
    flagged = [row for row in rows if flag in row]
    assert len(flagged) == 2  # the risks at the assessment and at triage
    assert all("Re-traumatisation risk at" in row for row in flagged)
    assert not any(flag in row for row in rows if "Housing support" in row)
    assert "⚑ marks an issue raised only by people with lived experience." in issues


def test_the_pathway_section_lists_loops_and_what_is_behind_a_wait(page):
    routes = section(page, '<section id="routes">')
    assert "<li>Triage → Naloxone and harm reduction → back to Triage</li>" in routes
    assert re.search(r"<p>and \d+ more\.</p>", routes)  # 12 shown of many more
    assert "<li>Joint working with the mental health team</li>" in routes
    assert "No stage is on more than one of the journeys walked." in routes


def test_shared_stages_and_a_capped_count_of_loops(content, monkeypatch):
    import dataclasses

    from lensmap.export.issues_list import Report
    from lensmap.export.report import index_html

    both = walked(content, "ollie", [("gp_referral", None), ("triage", None)])
    both = walked(both, "jay", [("self_referral", None), ("triage", None)])
    report = Report(both)
    found = report.pathway_measures  # as a pathway with more loops than are listed
    report.pathway_measures = dataclasses.replace(
        found, loops=found.loops[:1], loops_found=5_000, behind_a_wait=[]
    )
    page = index_html(report, {"combined": ET.tostring(ET.Element(f"{SVG}svg"))}, {}, {})
    routes = section(page, '<section id="routes">')
    assert "<p>and 4999 more.</p>" in routes
    assert "<li>Triage: 2 journeys</li>" in routes
    assert "None: every stage can be reached without waiting first." in routes


def test_every_export_writes_the_strips_beside_the_maps_and_counts_them(store, tmp_path):
    record_morning(store)
    folder = tmp_path / "out"
    told: list[tuple[int, int, str]] = []
    written = export_session(
        store.state.content(), folder, lambda *seen: told.append(seen), formats=("svg",)
    )
    names = {p.relative_to(folder).as_posix() for p in written}
    maps = {n.removeprefix("maps/") for n in names if n.startswith("maps/") and "combined" not in n}
    strips = {n.removeprefix("journeys/") for n in names if n.startswith("journeys/")}
    assert strips == maps == {
        "persona-ollie.svg", "persona-stuart.svg", "team-team-1.svg", "team-team-3.svg",
    }  # fmt: skip
    assert {n for _, _, n in told} >= {f"journeys/{s}" for s in strips}  # each one in progress
    assert told[-1][0] == told[-1][1] == len(written)  # and in the count
    team = ET.parse(folder / "journeys" / "team-team-1.svg").getroot()
    assert words(team)[:2] == ["Journeys: Team 1", "Ollie"]
    before = (folder / "journeys" / "persona-ollie.svg").read_bytes()
    export_session(store.state.content(), folder, formats=("svg",))  # replaced, not refused
    assert (folder / "journeys" / "persona-ollie.svg").read_bytes() == before


def test_an_export_of_hostile_text_writes_strips_that_are_safe_everywhere(tmp_path):
    from lensmap.session.interchange import read_session

    content, _ = read_session(hostile_session(tmp_path))
    export_session(content, tmp_path / "out", formats=("svg",))
    strips = sorted((tmp_path / "out" / "journeys").glob("*.svg"))
    assert [s.name for s in strips] == ["persona-ann.svg", "persona-bo.svg", "team-team-1.svg"]
    for strip in strips:
        root = ET.parse(strip).getroot()
        assert all(forbidden_in(t, lines=True) == set() for t in root.itertext()), strip.name
        assert "PWNED" in "".join(root.itertext())
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert page.count('<div class="strip"') == 3 and forbidden_in(page, lines=True) == set()
