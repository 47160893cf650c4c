"""Terminal codes in any text of any file never reach the terminal from the command line, and
never break an export: `session show`, `summary`, `validate`, `export` on hostile files.

The session itself keeps every character exactly as it was typed or read."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lensmap.cli import main
from lensmap.progress_bar import export_progress
from lensmap.session.interchange import load_json, read_session
from tests.hostile import (
    TERMINAL_CODES,
    data_codes_in,
    forbidden_in,
    hostile,
    hostile_session,
    write_files,
)

CONTROLS_AND_DIRECTION = {*map(chr, range(0x20)), "\x7f", *map(chr, range(0x80, 0xA0))} - {"\n"}
CONTROLS_AND_DIRECTION |= set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """lensmap as a facilitator runs it: the raw bytes it writes, as the terminal gets them."""
    return subprocess.run(
        [sys.executable, "-m", "lensmap", *args], capture_output=True, timeout=120, cwd=cwd
    )


def assert_safe(raw: bytes) -> str:
    text = raw.decode("utf-8")
    assert data_codes_in(text) == []
    assert forbidden_in(text, lines=True) == set()
    return text


def test_session_show_writes_no_terminal_code(tmp_path):
    session = hostile_session(tmp_path)
    done = run("session", "show", str(session))
    assert done.returncode == 0, done.stderr
    out = assert_safe(done.stdout)
    assert "Hostile pathway  ]0;PWNED  [2J 31m\u2039U+202E\u203a" in out
    assert "Ann  ]0;PWNED" in out and "Note 0" in out and "[ended: Left" in out
    # the session itself still holds exactly what it was given
    content, _ = read_session(session)
    assert content.tags[0].note.startswith(hostile("Note 0"))


def test_summary_writes_no_terminal_code(tmp_path, monkeypatch, capsys):
    pathway, vignettes = write_files(tmp_path)
    import lensmap.files.examples

    monkeypatch.setattr(lensmap.files.examples, "example_pathway", lambda: pathway)
    monkeypatch.setattr(lensmap.files.examples, "example_vignettes", lambda: vignettes)
    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    assert_safe(out.encode())
    assert "Pathway: Hostile pathway" in out and "Ann  ]0;PWNED" in out


def test_validate_warns_where_a_text_holds_what_lensmap_will_not_show(tmp_path):
    pathway, vignettes = write_files(tmp_path)
    done = run("validate", str(pathway), str(vignettes))
    assert done.returncode == 0, done.stdout  # warnings: the files still load
    out = assert_safe(done.stdout)
    said = (
        "warning: holds control characters (U+001B, U+0007, U+009B) that lensmap will not "
        "show, and invisible or text-direction characters (U+202E, U+200B, U+2066, U+FEFF) "
        "that it shows as \u2039U+202E\u203a; check the text"
    )
    for place in (
        "title",
        'stages[1] (id "door") label',
        'stages[1] (id "door") description',
        'stages[1] (id "door").prompts[1]',
        'transitions[1] (from "door" to "choice") label',
    ):
        assert f"{pathway}: {place}: {said}" in out
    for place in ('teams[1] (id "team-1") purpose', 'personas[1] (id "ann").content_notes[1]'):
        assert f"{vignettes}: {place}: {said}" in out


def test_validate_of_a_control_character_alone_says_so_in_words(make_file):
    path = make_file(
        "p.toml",
        'id = "p"\ntitle = "Bell\\u0007"\n[[stages]]\nid = "a"\nlabel = "Tri\\u202eage"\n',
    )
    from lensmap.files.validate import validate_files

    messages = [str(p) for p in validate_files([path])[0].problems]
    assert messages == [
        f"{path}: title: warning: holds a control character (U+0007) that lensmap will not "
        "show; check the text",
        f'{path}: stages[1] (id "a") label: warning: holds an invisible or text-direction '
        "character (U+202E) that lensmap shows as \u2039U+202E\u203a; check the text",
    ]


def test_validate_quotes_a_misspelt_key_and_a_file_name_without_obeying_them(tmp_path):
    folder = tmp_path / f"my{TERMINAL_CODES}files"
    pathway, _ = write_files(folder)
    text = pathway.read_text(encoding="utf-8").replace("\nlabel = ", '\n"lab\\u001bel" = ', 1)
    broken = folder / "broken.toml"
    broken.write_text(text, encoding="utf-8")
    done = run("validate", str(pathway), str(broken), str(folder / "missing.toml"))
    assert done.returncode == 2
    out = assert_safe(done.stdout)
    assert "hostile.toml: ok (pathway)" in out
    assert 'unknown key "lab\\x1bel"; did you mean "label"?' in out
    assert "missing.toml: no such file" in out


def test_validate_of_another_teams_session_names_each_place(tmp_path):
    session = hostile_session(tmp_path)
    json_file = tmp_path / "hostile.json"
    assert main(["session", "export", str(session), "-o", str(json_file)]) == 0
    for file in (session, json_file):
        done = run("validate", str(file))
        assert done.returncode == 0
        out = assert_safe(done.stdout)
        assert f'{file}: pathway.stages[1] (id "door") label: warning: holds control' in out
        assert f'{file}: tags[1] (id "t0") note: warning: holds control' in out
        assert f"{file}: journeys[1] (persona " in out


def test_export_progress_lines_show_no_terminal_code():
    import re

    class Terminal(io.StringIO):
        encoding = "utf-8"

        def isatty(self):
            return True

    screen = Terminal()
    with export_progress(screen, width=120) as progress:
        progress(3, 10, f"maps/{TERMINAL_CODES}.svg")
    raw = screen.getvalue()
    assert data_codes_in(raw) == [] and "PWNED" in raw
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw)  # the bar's own codes (colour, cursor)
    assert forbidden_in(drawn.replace("\r", "").replace("\n", "")) == set()


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    session = hostile_session(folder)
    done = run("export", str(session), "--out", str(folder / "out"), "--formats", "svg,dot")
    assert done.returncode == 0, done.stderr
    assert_safe(done.stdout)
    assert_safe(done.stderr)
    return folder / "out"


def test_exported_maps_are_well_formed_svg(exported):
    maps = sorted((exported / "maps").glob("*.svg"))
    assert len(maps) >= 3  # the whole pathway, the team, each persona walked
    for svg in maps:
        root = ET.fromstring(svg.read_bytes())  # XML 1.0: one control character would fail
        text = " ".join("".join(el.itertext()) for el in root.iter())
        assert forbidden_in(text, lines=True) == set(), svg.name
    combined = (exported / "maps" / "combined.svg").read_text(encoding="utf-8")
    assert "Front door" in combined and "PWNED" in combined and "U+202E" in combined


def test_exported_page_lists_and_dot_hold_no_control_character(exported):
    for name in ("index.html", "issues.md", "maps/combined.dot", "maps/persona-ann.dot"):
        text = (exported / name).read_text(encoding="utf-8")
        assert forbidden_in(text, lines=True) == set(), name
        assert "PWNED" in text, name
    for name in ("issues.csv", "keep.csv", "plan.csv"):
        raw = (exported / name).read_text(encoding="utf-8-sig")
        cells = [cell for row in csv.reader(io.StringIO(raw)) for cell in row]
        assert not [c for c in cells if forbidden_in(c, lines=True) - {"\t"}], name
    page = (exported / "index.html").read_text(encoding="utf-8")
    for svg in page.split("<svg")[1:]:  # the maps inline in the page parse too
        ET.fromstring("<svg" + svg.split("</svg>")[0] + "</svg>")


def test_exported_json_is_the_data_exactly_and_safe_to_print(exported, tmp_path):
    for name in ("issues.json", "keep.json", "session.json", "journeys.json"):
        text = (exported / name).read_text(encoding="utf-8")
        # Controls and direction overrides escaped (\u001b); invisible characters, which a
        # terminal draws as nothing, may stay as they are: the file is data.
        assert data_codes_in(text) == [] and not set(text) & CONTROLS_AND_DIRECTION, name
    issues = json.loads((exported / "issues.json").read_text(encoding="utf-8"))
    assert issues[0]["title"] == hostile("Issue")
    content, _ = load_json(exported / "session.json")
    original, _ = read_session(next(exported.parent.glob("*.lens")))
    assert content == original
