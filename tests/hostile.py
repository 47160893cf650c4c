"""Files whose every text carries terminal codes, direction overrides and invisible characters,
for tests that check none of it reaches a terminal, a page or a map.

A pathway title holding TERMINAL_CODES would set the terminal's title to PWNED and wipe the
screen if lensmap printed it as it is."""

from __future__ import annotations

from pathlib import Path

from lensmap.event.model import Event, IssueNotes, Tag
from lensmap.files.pathway import load_pathway
from lensmap.files.vignettes import load_vignettes
from lensmap.session.actions import IssueEdited, OutcomeSet, StepTaken, TagAdded
from lensmap.session.content import SessionContent
from lensmap.session.store import SessionStore

TERMINAL_CODES = "\x1b]0;PWNED\x07\x1b[2J\x9b31m\u202e"
"""Sets the window title (OSC 0), clears the screen (CSI 2J), starts a colour with the one-byte
CSI of C1, and turns the rest of the line around (right-to-left override)."""
INVISIBLE = "\u200b\u2066\ufeff"


def hostile(text: str) -> str:
    return f"{text} {TERMINAL_CODES}{INVISIBLE} end"


FORBIDDEN = {
    *map(chr, range(0x00, 0x20)),
    "\x7f",
    *map(chr, range(0x80, 0xA0)),
    *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
    *"\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e",
}
"""What must never be drawn: every control character, and the direction and invisible ones."""


def forbidden_in(text: str, *, lines: bool = False) -> set[str]:
    return {ch for ch in text if ch in FORBIDDEN and not (lines and ch == "\n")}


def data_codes_in(raw: str) -> list[str]:
    """Terminal codes in raw terminal output that came from the data, not from drawing it:
    the title-setting OSC, the screen clear, a BEL, a one-byte CSI, a direction override."""
    found = []
    for code in ("\x1b]0;", "\x1b[2J", "\x07", "\x9b", "\u202e", "\u2066"):
        if code in raw:
            found.append(code)
    return found


def _toml(value: str) -> str:
    """A TOML basic string holding exactly `value` (control characters as \\u escapes)."""
    out = []
    for ch in value:
        if ch in '"\\' or ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def pathway_toml() -> str:
    h = lambda text: _toml(hostile(text))  # noqa: E731
    return f"""format = 1
id = "hostile"
title = {h("Hostile pathway")}
description = {h("A pathway")}

[[stages]]
id = "door"
label = {h("Front door")}
kind = "entry"
service = {h("Reception")}
description = {_toml(hostile("First line") + chr(10) + hostile("Second line"))}
prompts = [{h("Who greets people")}]

[[stages]]
id = "choice"
label = {h("Choice point")}
kind = "decision"

[[stages]]
id = "leave"
label = {h("Way out")}
kind = "exit"

[[transitions]]
from = "door"
to = "choice"
label = {h("walks in")}

[[transitions]]
from = "choice"
to = "leave"
"""


def vignettes_toml() -> str:
    h = lambda text: _toml(hostile(text))  # noqa: E731
    return f"""format = 1

[[teams]]
id = "team-1"
name = {h("Team one")}
risk = {h("Lower risk")}
purpose = {h("Access")}

[[personas]]
id = "ann"
name = {h("Ann")}
age = 30
team = "team-1"
summary = {h("Ann's story")}
entry = "door"
content_notes = [{h("low mood")}]

[[personas]]
id = "bo"
name = {h("Bo")}
team = "team-1"
summary = {h("Bo's story")}
"""


def write_files(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    pathway = folder / "hostile.toml"
    pathway.write_text(pathway_toml(), encoding="utf-8")
    vignettes = folder / "hostile-people.toml"
    vignettes.write_text(vignettes_toml(), encoding="utf-8")
    return pathway, vignettes


def hostile_session(folder: Path, name: str = "hostile.lens") -> Path:
    """A session on the hostile files with journeys, tags, an outcome and issue edits, all
    carrying the codes; Bo is the persona walked last, with his journey under way."""
    pathway_file, vignettes_file = write_files(folder)
    pathway, _ = load_pathway(pathway_file)
    vignettes, _ = load_vignettes(vignettes_file)
    content = SessionContent(
        event=Event(title=hostile("Event"), place=hostile("Hall")),
        pathway=pathway,
        teams=vignettes.teams,
        personas=vignettes.personas,
    )
    path = folder / name
    with SessionStore.create(path, content) as store:
        store.record(StepTaken(persona="ann", stage="door"))
        store.record(StepTaken(persona="ann", stage="leave"))
        store.record(OutcomeSet(persona="ann", outcome=hostile("Left")))
        for n, kind in enumerate(("barrier", "risk", "positive")):
            note = hostile(f"Note {n}") + "\n" + hostile("its second line")
            store.record(
                TagAdded(tag=Tag(id=f"t{n}", stage="door", persona="ann", kind=kind, note=note))
            )
        store.record(TagAdded(tag=Tag(id="t9", stage="door", kind="barrier", note=hostile("G"))))
        store.record(
            IssueEdited(
                issue=IssueNotes(
                    stage="door",
                    kind="barrier",
                    title=hostile("Issue"),
                    votes=2,
                    effort="S",
                    owner=hostile("Owner"),
                    timeframe=hostile("Soon"),
                )
            )
        )
        store.record(StepTaken(persona="bo", stage="door"))
    return path
