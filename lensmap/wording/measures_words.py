"""The journey measures and whose voice each priority carries, in the room's words: one
wording for the app, `lensmap session show` and the exports."""

from __future__ import annotations

from ..event.measures import JourneyMeasures, PathwayMeasures
from ..event.voices import Voice
from .vocabulary import RAISED_BY_WORD

TOO_FEW_WORDS = "too few to show separately"
ONLY_LIVED_EXPERIENCE = "⚑ raised only by people with lived experience"
VOICE_TITLE = {
    "lived-experience": "People with lived experience",
    "staff": "Staff",
    "partner": "Partner agencies",
}
VOICES_RULE = (
    "Each group's issues are ranked by the same rule as the whole list, counting only the "
    "tags that group raised (votes belong to the whole room, so they are left out). A group "
    f"that raised fewer than 3 tags is {TOO_FEW_WORDS}, so nobody can be picked out."
)


def times(n: int, one: str, many: str | None = None) -> str:
    """'1 step', '3 steps', 'no steps'."""
    many = many or one + "s"
    return f"no {many}" if n == 0 else f"1 {one}" if n == 1 else f"{n} {many}"


def retellings_words(n: int) -> str:
    """The report's headline finding, said plainly: 'Asked for their story 2 times'."""
    if n == 0:
        return "Not asked for their story at any step"
    return "Asked for their story once" if n == 1 else f"Asked for their story {n} times"


def measure_lines(m: JourneyMeasures) -> list[tuple[str, str, str]]:
    """(measure, what, how many) for each measure, the retellings first: it is what the room
    came to see. Values are numbers or names from the session (wrap them in `shown` to show
    them); `measure` is the JourneyMeasures field."""
    return [
        ("retellings", "Times asked for their story", str(m.retellings)),
        ("steps", "Steps", str(m.steps)),
        ("handoffs", "Handoffs between services", str(m.handoffs)),
        ("services", "Services, in the order first met", " → ".join(m.services) or "none named"),
        ("waits", "Waits", str(m.waits)),
        ("outside_window", "Steps outside the window of tolerance", str(m.outside_window)),
        ("revisits", "Revisits (back at a stage already visited)", str(m.revisits)),
        ("jumps", "Jumps (no transition from the step before)", str(m.jumps)),
        ("outcome", "Outcome", m.outcome or "journey under way"),
    ]


def measures_sentence(m: JourneyMeasures, *, headline: bool = True) -> str:
    """The measures in one line, for a list of journeys (the retellings first, unless
    `headline` is shown apart)."""
    parts = [retellings_words(m.retellings)] if headline else []
    parts += [
        times(m.steps, "step"),
        times(m.handoffs, "handoff"),
        times(m.waits, "wait"),
        f"{times(m.outside_window, 'step')} outside the window",
        times(m.revisits, "revisit"),
        times(m.jumps, "jump"),
    ]
    return " · ".join(parts)


def loop_words(labels: list[str]) -> str:
    """A loop as the room reads it: 'Review → Relapse → back to Review'."""
    return " → ".join([*labels, f"back to {labels[0]}"])


def loops_heading(m: PathwayMeasures) -> str:
    found = f"{m.loops_found:,}"
    if not m.loops:
        return "Loops a person can go round: none"
    if m.loops_found > len(m.loops):
        return f"Loops a person can go round: {found}; the {len(m.loops)} shortest"
    return f"Loops a person can go round: {found}"


def voice_heading(voice: Voice) -> str:
    return VOICE_TITLE.get(voice.group, RAISED_BY_WORD.get(voice.group, voice.group))
