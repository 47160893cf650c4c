"""A copy of the export meant to leave the room.

Islands and small services worry that people can be recognised. A copy for circulation has
no event place; the notes the facilitator marked "keep in the room" are left out (their tags
still count, and the copy says how many notes were left out); session.json, which keeps who
raised every tag, is not written; and who raised what is said only for a group with at least
TOO_FEW tags, as in every export.

check-before-sharing.md lists the words in what people typed that look like people's or
places' names (capitalised, not at the start of a sentence, and not the pathway's, the
personas' or lensmap's own words), each with where it is, for the facilitator to read before
sending. It is a reading aid and says so: it cannot promise that a note names nobody."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..event.model import PLAN_STATUSES, PRINCIPLES
from ..session.content import SessionContent
from ..wording.screen_text import shown
from ..wording.vocabulary import KIND_WORD, RAISED_BY_WORD, STAGE_KIND_WORD, THEME_WORD
from .escaping import markdown_text

ABOUT_FILE = "about-this-copy.md"
CHECK_FILE = "check-before-sharing.md"
LEFT_OUT = ("session.json",)
"""Files a copy for circulation does not have: session.json keeps who raised every tag."""

# Words a note may start with a capital for that are no one's name.
COMMON = frozenset([
    "I", "I'm", "I've", "I'd", "I'll", "A", "An", "The", "This", "That", "These", "Those", "It",
    "Its", "We", "Our", "You", "Your", "They", "Their", "He", "She", "His", "Her", "Mr", "Mrs",
    "Ms", "Dr", "OK", "Ok", "No", "Yes", "Not", "And", "But", "Or", "If", "When", "Then", "So",
    "Also", "As", "At", "In", "On", "Of", "To", "For", "With", "From", "By", "After", "Before",
    "During", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "GP", "NHS", "A&E", "AE", "CPN", "CMHT", "OST", "ADP",
    "DAS", "TI",
])  # fmt: skip
APOSTROPHES = "'\u2019"
_WORD = re.compile(r"[^\W\d_][\w'\u2019&-]*")
# What ends a sentence (closing quotes and brackets after it), or only opening marks since
# the start of the text or of a line: the next word is a sentence's first.
_SENTENCE_END = re.compile(
    r"(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bSt)"
    r"[.!?\u2026]['\"\u201d\u2019)\]]*\s*\Z"
    r"|(?:\A|\n)\s*[-*\u2022\u2013\u2014(\"\u201c\u2018']*\s*\Z"
)
WHOLE = ("owner",)
"""Fields a name is the whole of: their first word is listed too."""


@dataclass(frozen=True)
class Finding:
    word: str
    where: str
    context: str


PLACE_SHOWN = "[the place]"
"""What a copy for circulation writes where the event's place was typed into a note or title."""
ISSUE_TEXT = ("title", "owner", "timeframe", "action", "progress")


@dataclass(frozen=True)
class CirculationCopy:
    content: SessionContent
    notes_left_out: int
    place_left_out: bool
    place_taken_out: int = 0
    """How many texts had the event's place typed in them (each now says PLACE_SHOWN)."""
    place_words: frozenset[str] = frozenset()
    """The place's own words, case folded: listed wherever they are met, even a sentence's
    first word."""


def for_circulation(content: SessionContent) -> CirculationCopy:
    """The session as a copy for circulation may show it."""
    place = (content.event.place or "").strip()
    pattern = re.compile(re.escape(place), re.IGNORECASE) if place else None
    taken = 0

    def scrub(text: str | None) -> str | None:
        nonlocal taken
        if pattern is None or not text:
            return text
        done, n = pattern.subn(PLACE_SHOWN, text)
        taken += bool(n)
        return done

    kept = [tag for tag in content.tags if tag.keep_in_room and tag.note]
    tags = [
        tag.model_copy(update={"note": "" if tag.keep_in_room else scrub(tag.note)})
        for tag in content.tags
    ]
    journeys = [j.model_copy(update={"outcome": scrub(j.outcome)}) for j in content.journeys]
    issues = [
        n.model_copy(update={name: scrub(getattr(n, name)) for name in ISSUE_TEXT})
        for n in content.issues
    ]
    title = scrub(content.event.title) or ""
    event = content.event.model_copy(update={"place": None, "title": title})
    copy = content.model_copy(
        update={"tags": tags, "event": event, "journeys": journeys, "issues": issues}
    )
    words = frozenset(w.casefold() for w in _WORD.findall(place) if len(w) > 2 and w not in COMMON)
    return CirculationCopy(copy, len(kept), bool(place), taken, words)


def _vocabulary(content: SessionContent) -> set[str]:
    """Every word the pathway, the vignettes and lensmap itself use, case folded."""
    texts: list[str] = [content.pathway.title, content.pathway.description or ""]
    for stage in content.pathway.stages:
        texts += [stage.label, stage.service or "", stage.description or "", *stage.prompts]
    texts += [t.label or "" for t in content.pathway.transitions]
    for team in content.teams:
        texts += [team.name, team.risk or "", team.purpose or ""]
    for persona in content.personas:
        texts += [persona.name, persona.summary]
    texts += [*THEME_WORD.values(), *KIND_WORD.values(), *RAISED_BY_WORD.values()]
    texts += [*STAGE_KIND_WORD.values(), *PRINCIPLES, *PLAN_STATUSES]
    words = {w.casefold() for text in texts for w in _WORD.findall(text)}
    return words | {w.casefold() for w in COMMON}


def _typed(content: SessionContent) -> Iterator[tuple[str, str, bool]]:
    """(where, text, whether its first word counts) for everything people typed that a copy
    for circulation shows."""
    label = content.pathway.label_of
    names = {p.id: p.name for p in content.personas}
    if content.event.title:
        yield "the event's title", content.event.title, False
    for tag in content.tags:
        if tag.note and not tag.keep_in_room:
            who = names.get(tag.persona or "", "general")
            yield f"a {KIND_WORD[tag.kind]} note at {label(tag.stage)} ({who})", tag.note, False
    for journey in content.journeys:
        if journey.outcome:
            who = names.get(journey.persona, journey.persona)
            yield f"{who}'s outcome", journey.outcome, False
    for notes in content.issues:
        about = f"the {KIND_WORD[notes.kind]} issue at {label(notes.stage)}"
        for field in ISSUE_TEXT:
            value = getattr(notes, field)
            if value:
                yield f"{about}: its {field}", value, field in WHOLE


def name_like_words(
    content: SessionContent, place_words: frozenset[str] = frozenset()
) -> list[Finding]:
    """Capitalised words not at a sentence's start that are none of the known words, and any
    word of the event's place wherever it is, in the order they are met, each with where it
    is and the words around it. Words in capitals only (acronyms) are left out."""
    known = _vocabulary(content) - place_words
    found: list[Finding] = []
    for where, text, whole in _typed(content):
        for match in _WORD.finditer(text):
            word = match.group().rstrip(APOSTROPHES + "-")
            folded = word.casefold()
            if folded not in place_words:
                if len(word) < 2 or not word[:1].isupper() or word.isupper() or folded in known:
                    continue
                if not (whole and match.start() == 0) and _SENTENCE_END.search(
                    text[: match.start()]
                ):
                    continue  # the first word of a sentence (or of the text, or a list item)
            start, end = max(match.start() - 30, 0), min(match.end() + 30, len(text))
            context = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
            found.append(Finding(word, where, context))
    return found


def check_before_sharing(findings: Iterable[Finding]) -> str:
    md = markdown_text
    findings = list(findings)
    lines = [
        "# Check before sharing",
        "",
        "This folder is meant to leave the room. Before you send it, read every note it "
        "holds. This list is a reading aid: it shows the words in what people typed that look "
        "like people's or places' names (they start with a capital letter, are not at the "
        "start of a sentence, and are not words the pathway, the personas or lensmap use). "
        "It cannot promise that a note names nobody. Words at the start of a sentence are "
        "not listed (most are ordinary words), nor words in capitals only: read the first "
        "word of every note too.",
        "",
    ]
    if not findings:
        lines += [
            "No words that look like names were found. Read the notes all the same.",
            "",
        ]
        return "\n".join(lines)
    by_word: dict[str, list[Finding]] = {}
    for finding in findings:
        by_word.setdefault(finding.word, []).append(finding)
    n = len(by_word)
    lines += [f"{n} word{'s' * (n != 1)} to look at:", ""]
    for word, places in by_word.items():
        lines.append(f"- **{md(word)}**")
        for place in places:
            lines.append(f"  - in {md(place.where)}: “{md(place.context)}”")
    lines.append("")
    return "\n".join(lines)


def about_this_copy(copy: CirculationCopy, findings: int) -> str:
    notes = copy.notes_left_out
    still = "Their tags still count" if notes != 1 else "Its tag still counts"
    lines = [
        "# About this copy",
        "",
        "This is a copy of the lens event's export meant to be shared outside the room.",
        "",
        "- The event's place is left out." if copy.place_left_out else "- No place was given.",
        *(
            [
                f"- The place was also typed into {copy.place_taken_out} note"
                f"{'s' * (copy.place_taken_out != 1)}, title{'s' * (copy.place_taken_out != 1)} "
                f"or plan{'s' * (copy.place_taken_out != 1)}: this copy says {PLACE_SHOWN} there."
            ]
            if copy.place_taken_out
            else []
        ),
        (
            f"- {notes} note{'s' * (notes != 1)} the facilitator marked “keep in the room” "
            f"{'are' if notes != 1 else 'is'} left out. "
            f"{still} in the priorities."
            if notes
            else "- No note was marked “keep in the room”."
        ),
        "- session.json, which records who raised each tag, is not in this copy.",
        "- Who raised what is shown only for a group that raised at least 3 tags.",
        f"- Read {CHECK_FILE} before sending: it lists {findings} place"
        f"{'s' * (findings != 1)} where a word looks like a name.",
        "",
    ]
    return "\n".join(shown(line) if not line.startswith("#") else line for line in lines)
