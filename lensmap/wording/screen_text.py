"""Text from a file or a keyboard, made safe to show on a screen, in a terminal or in an export.

A pathway title holding "\\x1b]0;...\\x07" would otherwise set the terminal's title, and
"\\x1b[2J" would wipe the room's screen; a right-to-left override (U+202E) would show a note
backwards, and a zero-width space would make two labels that look the same differ. So:

- control characters (C0, DEL and C1, such as ESC, BEL and the one-byte CSI U+009B) are shown
  as a space; a line break is kept only where the caller shows several lines; a tab is a space;
- direction controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) and invisible
  characters (zero-width spaces and joiners, word joiners, U+FEFF, soft hyphens, the Mongolian
  vowel separator, Hangul fillers, every other Unicode "format" character) are shown as
  U+202E in single angle quotes (U+2039, U+203A), so the room sees that they are there and
  what they are.

Characters that belong to ordinary text are kept: a zero-width joiner or non-joiner between two
letters of a script that uses them (Persian, Arabic, the Indic scripts) or between two emoji
(👩‍⚕️), one variation selector after the character it selects (❤️, CJK variants), and the tag
characters of a flag such as Scotland's (🏴 followed by tags and a cancel tag). A second
variation selector in a row, or tag characters outside a flag, have no use in text and are a
known way of hiding a message in it, so they are shown as marks.

The data always keeps exactly what was typed: this is only ever applied when showing it.
"""

from __future__ import annotations

import re
import unicodedata

# -- control characters: one character for one, by a precomputed table ----------------------
_CONTROLS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]
_ONE_LINE = {c: " " for c in _CONTROLS}
_ONE_LINE.update({0x2028: " ", 0x2029: " "})  # line and paragraph separators
_ONE_LINE.update({c: "\N{REPLACEMENT CHARACTER}" for c in range(0xD800, 0xE000)})  # surrogates
_LINES = {**_ONE_LINE, 0x0A: "\n", 0x2028: "\n", 0x2029: "\n"}

# -- direction and invisible characters: shown as marks --------------------------------------
# Every Unicode "Cf" (format) character as of Unicode 15.1, with the rest of the blocks they
# sit in, and other default-ignorable characters that draw nothing.
_FORMAT = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164"
    "\ufeff\uffa0\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e007f"
)
_SELECTORS = "\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef"  # variation selectors
_ZWNJ, _ZWJ = "\u200c", "\u200d"
_HIDDEN = re.compile(
    # a flag's tag sequence (England, Scotland, Wales), kept whole
    f"(\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f)|([{_FORMAT}{_SELECTORS}])"
)
_IS_SELECTOR = re.compile(f"[{_SELECTORS}]")
_IS_HIDDEN = re.compile(f"[{_FORMAT}{_SELECTORS}]")
_ODD = f"{_FORMAT}{_SELECTORS}\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
_NEEDS_A_LOOK = re.compile(f"[{_ODD}\x00-\x0a]")  # anything shown otherwise than it is
_NEEDS_A_LOOK_LINES = re.compile(f"[{_ODD}\x00-\x09]")  # the same, but for a line break


def _plain(text: str) -> bool:
    """Quickly: nothing here is shown otherwise than it is (printable, and no selectors)."""
    return text.isprintable() and (text.isascii() or not _IS_SELECTOR.search(text))


def mark(ch: str) -> str:
    """How a character that draws nothing is shown: its code in single angle quotes, never
    square brackets (which Textual's markup would read)."""
    return f"\u2039U+{ord(ch):04X}\u203a"


def _emoji(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk") and ord(ch) > 0x2000


def _letter_of_a_joining_script(ch: str) -> bool:
    """A letter or mark of a script where joiners and non-joiners are ordinary spelling
    (not Latin, Greek or Cyrillic, where they only ever hide something)."""
    return (
        ord(ch) >= 0x0590
        and unicodedata.category(ch)[0] in "LM"
        and not unicodedata.name(ch, "").startswith(("LATIN", "FULLWIDTH LATIN"))
    )


def _kept(text: str, start: int) -> bool:
    """Whether the selector or joiner at `start` is part of ordinary text around it."""
    ch = text[start]
    before = start - 1
    if _IS_SELECTOR.match(ch):  # one selector, straight after what it selects
        if before < 0:
            return False
        base = text[before]
        return not (_IS_HIDDEN.match(base) or base.isspace() or not base.isprintable())
    if ch in (_ZWJ, _ZWNJ):
        while before >= 0 and _IS_SELECTOR.match(text[before]):  # 🏳️‍🌈: flag, VS16, ZWJ
            before -= 1
        after = start + 1
        if before < 0 or after >= len(text):
            return False
        left, right = text[before], text[after]
        if ch == _ZWJ and _emoji(left) and _emoji(right):
            return True
        return _letter_of_a_joining_script(left) and _letter_of_a_joining_script(right)
    return False


def _hidden_shown(text: str, how) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(1)
        return match.group(2) if _kept(text, match.start()) else how(match.group(2))

    return _HIDDEN.sub(one, text)


def shown(text: object, *, lines: bool = False) -> str:
    """`text` as it may be shown: no control character reaches the terminal, and direction
    and invisible characters are marked. Line breaks are kept only with `lines=True` (a
    Windows line end counts as one)."""
    text = "" if text is None else str(text)
    if _plain(text.replace("\n", "") if lines else text):  # nearly every text
        return text
    if not (_NEEDS_A_LOOK_LINES if lines else _NEEDS_A_LOOK).search(text):
        return text
    if lines and "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_LINES if lines else _ONE_LINE)
    if not _IS_HIDDEN.search(text):
        return text
    return _hidden_shown(text, mark)


def shown_in_place(text: str, *, tabs: bool = False) -> str:
    """The same, but one character for one, for a text box whose cursor counts characters:
    a character that draws nothing is a replacement character (�), a control one a space.
    With `tabs=True` a tab is kept (for a text area, which draws tabs itself)."""
    if tabs and "\t" in text:
        return "\t".join(shown_in_place(part) for part in text.split("\t"))
    if _plain(text) or not _NEEDS_A_LOOK.search(text):
        return text
    text = text.translate(_ONE_LINE)
    if not _IS_HIDDEN.search(text):
        return text
    return _hidden_shown(text, lambda _ch: "\N{REPLACEMENT CHARACTER}")


def _not_as_they_are(text: str) -> list[tuple[int, str]]:
    """Where `text` holds a character `shown` does not show as it is (a tab and a line break
    too), with the character, in order."""
    found = [(i, ch) for i, ch in enumerate(text) if ord(ch) in _ONE_LINE]
    found += [
        (m.start(), m.group(2))
        for m in _HIDDEN.finditer(text)
        if m.group(2) and not _kept(text, m.start())
    ]
    return sorted(found)


def unseen(text: str) -> list[str]:
    """The characters of `text` that `shown` does not show as they are, each once, in the order
    they first appear (tabs and line breaks are not counted: they are ordinary layout)."""
    if _plain(text.replace("\n", "").replace("\t", "")) or not _NEEDS_A_LOOK.search(text):
        return []
    found = (ch for _, ch in _not_as_they_are(text) if ch not in "\t\n\r")
    return list(dict.fromkeys(found))


def escaped(text: str) -> str:
    """`text` on one line, each character that `shown` would not show as it is written as its
    escape instead (\\x1b, \\n, \\u202e), and so is every character that does not print as
    itself (a non-breaking space pasted from Word, a private-use character): for a problem
    message, which must say exactly what a file holds (`unknown key "kind\\xa0"`) and stay on
    one line."""
    if text.isascii() and text.isprintable():
        return text
    odd = {i for i, _ch in _not_as_they_are(text)}
    odd.update(i for i, ch in enumerate(text) if ch != " " and not ch.isprintable())
    if not odd:
        return text
    parts, start = [], 0
    for i in sorted(odd):
        parts += [text[start:i], text[i].encode("unicode_escape").decode("ascii")]
        start = i + 1
    return "".join(parts) + text[start:]


def is_control(ch: str) -> bool:
    """A control character (shown as a space), as opposed to one shown as a mark."""
    return ord(ch) in _ONE_LINE


# -- JSON: the data exactly, but nothing a terminal would obey if the file were printed -----
_JSON_ESCAPES = {
    c: f"\\u{c:04x}"
    for c in (0x7F, *range(0x80, 0xA0), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029,
              *range(0x202A, 0x202F), *range(0x2066, 0x206A))
}  # fmt: skip
_JSON_NEEDS = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_for_terminals(json_text: str) -> str:
    """JSON text (as json.dumps writes it, which escapes C0 controls itself) with C1 controls,
    DEL and direction controls written as \\u escapes too: it reads back as exactly the same
    data, and printing the file cannot move a terminal's cursor or turn its text around."""
    if json_text.isascii() or not _JSON_NEEDS.search(json_text):
        return json_text
    return json_text.translate(_JSON_ESCAPES)
