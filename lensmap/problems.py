"""Problems found in a facilitator's files, worded so they can be fixed without a programmer."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in one file, at one place in it."""

    file: str
    message: str
    place: str | None = None
    level: Level = "error"

    def __str__(self) -> str:
        parts = [self.file]
        if self.place:
            parts.append(self.place)
        if self.level == "warning":
            parts.append("warning")
        parts.append(self.message)
        return one_line(": ".join(parts))


class LoadError(Exception):
    """A file could not be used. Carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = [p for p in problems if p.level == "error"] or list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, file: str | Path, message: str, place: str | None = None) -> LoadError:
        return cls([Problem(str(file), message, place)])


def one_line(text: str) -> str:
    """Control characters (a line break inside a quoted value, say) shown, not obeyed, so each
    problem stays on one line of the terminal."""
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
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


def in_brief(problems: Sequence[Problem], most: int = 3) -> list[str]:
    """At most `most` notices for a screen: the first problems as they are, then one line
    counting the rest and saying how to see every one (a room needs one calm notice, not a
    wall of 180)."""
    if len(problems) <= most:
        return [str(p) for p in problems]
    first, rest = problems[: most - 1], problems[most - 1 :]
    files = list(dict.fromkeys(p.file for p in rest))
    kinds = "warnings" if all(p.level == "warning" for p in rest) else "problems"
    return [
        *(str(p) for p in first),
        one_line(
            f"{len(rest)} more {kinds} like these in {', '.join(files)}. "
            f"To see every one: lensmap validate {' '.join(_quoted(f) for f in files)}"
        ),
    ]


def _quoted(file: str) -> str:
    return f'"{file}"' if any(c.isspace() for c in file) else file
