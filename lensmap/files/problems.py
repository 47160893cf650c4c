"""Problems found in a facilitator's files, worded so they can be fixed without a programmer."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self

from ..wording.screen_text import escaped

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in one file, at one place in it."""

    file: str
    message: str
    place: str | None = None
    level: Level = "error"
    topic: str = ""  # problems of one kind, said together on a screen (see TOGETHER)

    def __str__(self) -> str:
        parts = [self.file]
        if self.place:
            parts.append(self.place)
        if self.level == "warning":
            parts.append("warning")
        parts.append(self.message)
        return escaped(": ".join(parts))  # a line break in a value is said, not obeyed


class CannotDo(Exception):
    """What lensmap was asked to do cannot be done as things stand. Carries every problem
    found, not just the first, each worded to be fixed; the command line prints them and
    exits with 2. Raised as one of the kinds below, each named for what went wrong."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = [p for p in problems if p.level == "error"] or list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, file: str | Path, message: str, place: str | None = None) -> Self:
        return cls([Problem(str(file), message, place)])


class LoadError(CannotDo):
    """A file could not be used (read, or written in its place). Carries every problem found,
    not just the first."""


def refuse_newer(
    file: str | Path,
    what: str,
    found: object,
    reads: int,
    place: str | None = None,
    tail: str = "",
) -> None:
    """Refuse a file written by a newer lensmap (its `what`, say "format", is a number above
    `reads`), in the same words for every kind of file; anything else is left to the reader."""
    if isinstance(found, int) and not isinstance(found, bool) and found > reads:
        raise LoadError.single(
            file,
            f"is from a newer lensmap ({what} {found}); this lensmap reads {what} {reads}. "
            f"Update lensmap to open it{tail}.",
            place,
        )


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.level == "error"]


def warnings(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.level == "warning"]


def suggest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' when a near match exists, else ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


def quoted_list(items: Iterable[str]) -> str:
    return ", ".join(f'"{i}"' for i in items)


# What a screen says for all the problems of one topic at once, however many (the details
# are for `lensmap validate`, not the projector).
SUGGESTED_ENTRY = "suggested entry"
TOGETHER = {
    SUGGESTED_ENTRY: (
        "{count} persona{s} suggest{one} a starting stage this pathway does not have; choose "
        "where they start with n (lensmap validate lists them)"
    ),
}


def in_brief(problems: Sequence[Problem], most: int = 3) -> list[str]:
    """At most `most` notices for a screen: one line for each topic's problems together,
    the first other problems as they are, then one line counting the rest and saying how to
    see every one (a room needs one calm notice, not a wall of 180)."""
    topics = list(dict.fromkeys(p.topic for p in problems if p.topic in TOGETHER))
    together = []
    for topic in topics:
        count = sum(p.topic == topic for p in problems)
        plural = {"s": "s", "one": ""} if count > 1 else {"s": "", "one": "s"}
        together.append(TOGETHER[topic].format(count=count, **plural))
    problems = [p for p in problems if p.topic not in TOGETHER]
    most = max(1, most - len(together))
    return together + _first_of(problems, most)


def _first_of(problems: Sequence[Problem], most: int) -> list[str]:
    if len(problems) <= most:
        return [str(p) for p in problems]
    first, rest = problems[: most - 1], problems[most - 1 :]
    files = list(dict.fromkeys(p.file for p in rest))
    kinds = "warnings" if all(p.level == "warning" for p in rest) else "problems"
    return [
        *(str(p) for p in first),
        escaped(
            f"{len(rest)} more {kinds} like these in {', '.join(files)}. "
            f"To see every one: lensmap validate {' '.join(_quoted(f) for f in files)}"
        ),
    ]


def _quoted(file: str) -> str:
    return f'"{file}"' if any(c.isspace() for c in file) else file
