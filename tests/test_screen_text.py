"""Text made safe to show: no control character ever comes out, direction and invisible
characters come out as marks, and ordinary text (emoji, Persian, Scotland's flag) as it is."""

from __future__ import annotations

import json
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lensmap.wording.screen_text import escaped, json_for_terminals, shown, shown_in_place, unseen
from tests.hostile import FORBIDDEN, TERMINAL_CODES

CONTROLS = {*map(chr, range(0x20)), "\x7f", *map(chr, range(0x80, 0xA0))}
DIRECTION = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
INVISIBLE = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"

# Any text at all, weighted towards the characters that matter here.
awkward = st.sampled_from(sorted(CONTROLS | set(DIRECTION + INVISIBLE) | {"\ufe0f", "\u2028"}))
any_text = st.lists(awkward | st.characters(), max_size=40).map("".join)


@given(any_text)
def test_nothing_shown_is_a_control_character(text):
    out = shown(text)
    assert not {ch for ch in out if ch in CONTROLS}
    assert not {ch for ch in out if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp")}


@given(any_text)
def test_only_line_breaks_are_kept_where_lines_are_asked_for(text):
    out = shown(text, lines=True)
    assert not {ch for ch in out if ch in CONTROLS - {"\n"}}
    assert out.count("\n") >= text.count("\n") - text.count("\r\n")


@given(any_text)
def test_no_direction_or_invisible_character_is_left_unmarked(text):
    out = shown(text, lines=True)
    assert not {ch for ch in out if ch in DIRECTION}
    # Joiners survive only between letters or emoji; never beside a mark or at an end.
    for index, ch in enumerate(out):
        if ch in INVISIBLE:
            assert ch in "\u200c\u200d", (text, out)
            assert 0 < index < len(out) - 1


@given(any_text)
def test_a_text_box_keeps_one_character_for_one(text):
    out = shown_in_place(text)
    assert len(out) == len(text)
    assert not {ch for ch in out if ch in CONTROLS or ch in DIRECTION}


@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"])))
def test_ordinary_text_is_unchanged(text):
    if any(unicodedata.category(ch) == "Cf" for ch in text):
        return
    assert shown(text) == text
    assert shown(text, lines=True) == text


@given(any_text)
def test_what_is_unseen_is_exactly_what_is_changed(text):
    laid_out = text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n")
    assert (shown(text, lines=True) == laid_out) == (unseen(text) == [])


def test_the_terminal_codes_come_out_as_plain_text():
    assert shown(f"Triage{TERMINAL_CODES}") == "Triage ]0;PWNED  [2J 31m\u2039U+202E\u203a"
    assert shown("a\tb\nc") == "a b c"
    assert shown("a\r\nb\rc", lines=True) == "a\nb\nc"
    assert shown(None) == ""


@pytest.mark.parametrize(
    "text, seen",
    [
        ("abc\u202edef", "abc\u2039U+202E\u203adef"),
        ("Tri\u200bage", "Tri\u2039U+200B\u203aage"),
        ("Tri\u200dage", "Tri\u2039U+200D\u203aage"),  # a joiner between Latin letters hides
        ("re\u00adferral", "re\u2039U+00AD\u203aferral"),
        ("\ufeffTitle", "\u2039U+FEFF\u203aTitle"),
        ("hi\U000e0041\U000e0042", "hi\u2039U+E0041\u203a\u2039U+E0042\u203a"),  # smuggled tags
        ("\u2764\ufe0f\ufe0f", "\u2764\ufe0f\u2039U+FE0F\u203a"),  # a second selector in a row
        ("\ufe0fx", "\u2039U+FE0F\u203ax"),  # a selector with nothing to select
    ],
)
def test_direction_and_invisible_characters_are_marked(text, seen):
    assert shown(text) == seen
    assert "[" not in shown(text)  # Textual's markup would read square brackets


@pytest.mark.parametrize(
    "text",
    [
        "\U0001f469\u200d\u2695\ufe0f",  # woman health worker
        "\U0001f3f3\ufe0f\u200d\U0001f308",  # rainbow flag
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian, with a non-joiner
        "\u0915\u094d\u200d\u0937",  # Devanagari, with a joiner
        "\u2764\ufe0f 1\ufe0f\u20e3",  # one selector after what it selects; a keycap
        "Caf\u00e9 \u2013 \u00a0 \u4e00\U000e0100",  # accents, dashes, a CJK variant
    ],
)
def test_ordinary_text_of_other_kinds_is_kept(text):
    assert shown(text) == text
    assert unseen(text) == []


def test_unseen_names_each_character_once_in_order():
    assert unseen(f"a{TERMINAL_CODES}\x1b") == ["\x1b", "\x07", "\x9b", "\u202e"]
    assert unseen("tab\tand\nline\r\n") == []


@given(any_text)
def test_escaped_is_one_line_with_nothing_for_a_terminal_to_obey(text):
    out = escaped(text)
    assert not {ch for ch in out if ch in CONTROLS or ch in DIRECTION}
    assert len(out.splitlines()) <= 1
    # Said otherwise: what is not shown as it is, and what does not print as itself.
    printable = all(ch == " " or ch.isprintable() for ch in text)
    assert (out == text) == (shown(text) == text and printable)


def test_escaped_writes_what_is_not_shown_as_its_escape():
    assert escaped("lab\x1bel") == "lab\\x1bel"
    assert escaped("a\nb\tc\u202ed") == "a\\nb\\tc\\u202ed"
    assert escaped("caf\u00e9 \u2764\ufe0f") == "caf\u00e9 \u2764\ufe0f"


def test_escaped_says_a_space_that_is_not_a_plain_one():
    # Pasted from Word or Excel: "kind " would tell the facilitator nothing.
    assert escaped('unknown key "kind\u00a0"') == 'unknown key "kind\\xa0"'
    assert escaped("a\u3000b\ue000c") == "a\\u3000b\\ue000c"


def test_every_format_character_of_this_python_is_marked():
    missed = [
        f"U+{c:04X}"
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) == "Cf" and shown(f"a{chr(c)}b") == f"a{chr(c)}b"
    ]
    assert missed == []


def test_json_for_terminals_is_the_same_data():
    data = {"note": f"x{TERMINAL_CODES}\U000e0041 caf\u00e9", "\x9bkey": ["\u2066"]}
    text = json_for_terminals(json.dumps(data, ensure_ascii=False))
    assert json.loads(text) == data
    assert not {ch for ch in text if ch in FORBIDDEN}
    assert "caf\u00e9" in text  # still readable


def test_plain_text_is_fast():
    import timeit

    label = "Comprehensive assessment \u2013 caf\u00e9 " * 4
    per_call = min(timeit.repeat(lambda: shown(label), number=2000, repeat=3)) / 2000
    assert per_call < 50e-6  # a map of 1,000 cards: well under a frame
