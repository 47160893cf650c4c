"""index.html from its template: what a person typed comes out escaped (by autoescape), with
no control character, and the page's Content-Security-Policy is as strict as ever."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser

import pytest

from lensmap.event.model import Event, Journey, Pathway, Step, Tag
from lensmap.export.writer import export_session
from lensmap.session.content import SessionContent
from lensmap.wording.screen_text import shown
from tests.hostile import forbidden_in

# Markup, both quotes, an ampersand, terminal codes (OSC title, BEL, one-byte CSI) and a
# right-to-left override.
TYPED = '<script>alert("x")</script> & "q" \'s\' \x1b]0;PWNED\x07 \x9b2J\u202e!'
# The same as the page must have it: escaped, each control character a space, the override
# marked.
ESCAPED = (
    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;q&quot; &#x27;s&#x27; "
    " ]0;PWNED   2J\u2039U+202E\u203a!"
)


@pytest.fixture
def page(content: SessionContent, tmp_path) -> str:
    pathway = content.pathway.model_dump(by_alias=True)  # anew: a copy keeps stages_by_id
    for stage in pathway["stages"]:
        if stage["id"] == "triage":
            stage["label"] = f"Stage {TYPED}"
    content = content.model_copy(
        update={
            "event": Event.model_construct(title=f"Event {TYPED}", date=None, place=None),
            "pathway": Pathway.model_validate(pathway),
            "journeys": [Journey(persona="ollie", steps=[Step(stage="triage")])],
            "tags": [
                Tag(id="t1", stage="triage", persona="ollie", kind="barrier",
                    note=f"Note {TYPED}\nline two"),
                Tag(id="t2", stage="triage", kind="positive", note=f"Kept {TYPED}"),
            ],
        }
    )  # fmt: skip
    export_session(content, tmp_path / "out", formats=("svg",))
    return (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_a_label_a_note_and_the_title_come_out_escaped(page):
    assert "<script" not in page.lower()  # nowhere: not in the page, nor in a map in it
    assert forbidden_in(page, lines=True) == set()
    assert f"<title>Event {ESCAPED}: lens event report</title>" in page
    assert f"<h1>Event {ESCAPED}</h1>" in page
    issues = page[page.index('<section id="issues">') : page.index('<section id="impact">')]
    assert f"<td>Stage {ESCAPED}</td>" in issues  # the issue's stage
    assert f"<td>Barrier at Stage {ESCAPED}</td>" in issues  # its title, made from the label
    assert f"<li>Ollie: Note {ESCAPED}<br>line two</li>" in issues  # what the room said
    keep = page[page.index('<section id="keep">') : page.index('<section id="themes">')]
    assert f"<strong>Stage {ESCAPED}</strong><ul><li>Kept {ESCAPED}</li></ul>" in keep
    journey = page[page.index('<section class="journey" id="persona-ollie">') :]
    assert f"<li>Stage {ESCAPED}</li>" in journey  # her steps, in words


def test_a_browser_reads_the_words_as_typed_and_shown(page):
    class Headings(HTMLParser):  # the text of the page's first <title> and first <h1>
        def __init__(self) -> None:
            super().__init__()
            self.open: str | None = None
            self.text: dict[str, str] = {}

        def handle_starttag(self, tag, attrs):
            if tag in ("title", "h1") and tag not in self.text:
                self.open, self.text[tag] = tag, ""

        def handle_endtag(self, tag):
            if tag == self.open:
                self.open = None

        def handle_data(self, data):
            if self.open:
                self.text[self.open] += data

    parser = Headings()
    parser.feed(page)
    assert parser.text["h1"] == shown(f"Event {TYPED}")
    assert parser.text["title"] == shown(f"Event {TYPED}") + ": lens event report"


def test_the_content_security_policy_is_as_strict_as_it_was(page):
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    assert f'<meta http-equiv="Content-Security-Policy" content="{policy}">' in page
    assert page.count("Content-Security-Policy") == 1


def test_writing_a_report_is_where_jinja_is_first_imported():
    """Start-up and an export's other files do not pay for Jinja: only index.html does."""
    code = (
        "import sys, lensmap.cli, lensmap.export.writer, lensmap.export.report\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'jinja2', 'markupsafe'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
