"""The words and symbols lensmap shows for each kind of thing, in one place for every screen
and export. Meaning is never carried by colour alone: each kind has a symbol and a word."""

from __future__ import annotations

KIND_SYMBOL = {"positive": "✓", "barrier": "✗", "risk": "▲"}
KIND_WORD = {
    "positive": "positive practice",
    "barrier": "barrier",
    "risk": "re-traumatisation risk",
}
KIND_TITLE = {kind: word[0].upper() + word[1:] for kind, word in KIND_WORD.items()}  # "Barrier"
KIND_SHORT = {"positive": "positive", "barrier": "barrier", "risk": "risk"}
KIND_PLURAL = {"positive": "positive", "barrier": "barriers", "risk": "risks"}

WINDOW_WORD = {
    "within": "within their window of tolerance",
    "hyper": "hyper-aroused (overwhelmed)",
    "hypo": "hypo-aroused (shut down)",
}
WINDOW_SHORT = {"within": "within", "hyper": "hyper", "hypo": "hypo"}
WINDOW_SYMBOL = {"within": "=", "hyper": "↑", "hypo": "↓"}

WINDOW_BAND = {"hyper": "Overwhelmed", "within": "Within window", "hypo": "Shut down"}
"""The journey strip's three bands, top to bottom, in the room's words (WINDOW_SHORT says
which state each is: hyper, within, hypo)."""
NO_WINDOW = "no window noted"
"""A step with no window of tolerance recorded: a gap in the strip's line, never a guess."""

STEP_FACTS = ("retelling", "handoff", "wait", "jumped", "revisit")
"""What a step of a journey can mean for the person (lensmap.event.measures.JourneyStep), the
headline finding first; the journey strip marks each with its symbol and word."""
STEP_FACT_SYMBOL = {"retelling": "❝", "handoff": "⇄", "wait": "◷", "jumped": "↷", "revisit": "↺"}
STEP_FACT_WORD = {
    "retelling": "asked for story",
    "handoff": "handoff",
    "wait": "wait",
    "jumped": "jump",
    "revisit": "again",
}
STEP_FACT_MEANING = {
    "retelling": "the person is asked to tell their story here",
    "handoff": "a different service from the step before",
    "wait": "a wait",
    "jumped": "a jump: no transition leads here from the step before",
    "revisit": "again: the journey was at this stage before",
}

THEME_WORD = {
    "culture": "Organisational culture",
    "leadership": "Leadership",
    "wellbeing": "Workforce care, support and wellbeing",
    "power-sharing": "Power sharing with people with lived experience",
    "skills": "Workforce knowledge, skills and confidence",
    "data": "Data, feedback loops and continuous improvement",
    "policies": "Policies and processes",
    "budgets": "Budgets",
    "service-design": "Service design and delivery",
}
RAISED_BY_WORD = {
    "lived-experience": "lived experience",
    "staff": "staff",
    "partner": "partner agency",
}
PLAN_COLUMN = {
    "effort": "effort",
    "action": "action",
    "owner": "owner",
    "timeframe": "timeframe",
    "status": "status",
    "progress": "progress note",
}
"""The plan's column for each thing the implementation group records (model.PLAN_FIELDS)."""
PLAN_COLUMNS = [
    "rank", "issue", "stage", "kind", "theme", "principles", "personas", "votes", "effort",
    "quick win", "action", "owner", "timeframe", "status", "progress note", "stage id",
]  # fmt: skip
"""plan.csv's and plan.xlsx's columns: what `lensmap plan import` reads back is named in
vocabulary.PLAN_COLUMN, and each row finds its issue by its stage id and kind."""

STAGE_ID_COLUMN = "stage id"
"""The plan's last column: each row's stage by its id, so a row still finds its issue after
the stage is renamed."""

CHANGE_WORD = {
    "resolved": "resolved",
    "persisting": "persisting",
    "new": "new",
    "stage_removed": "at a stage since removed",
}
CHANGE_SYMBOL = {"resolved": "○", "persisting": "●", "new": "+", "stage_removed": "◌"}
"""How an issue changed between a baseline event and its follow-up (event.comparison)."""
KEEP_CHANGE_WORD = {
    "kept": "kept",
    "new": "new",
    "lost": "lost",
    "stage_removed": "at a stage since removed",
}
KEEP_CHANGE_SYMBOL = {"kept": "●", "new": "+", "lost": "⊘", "stage_removed": "◌"}

STAGE_KIND_WORD = {
    "entry": "way in",
    "step": "step",
    "wait": "wait",
    "decision": "decision",
    "exit": "way out",
}


def tag_counts(counts: dict[str, int], *, words: bool = True) -> str:
    """'✓ 2 positive  ✗ 3 barriers  ▲ 1 risk' (or the short '✓2 ✗3 ▲1')."""
    parts = []
    for kind in ("positive", "barrier", "risk"):
        n = counts.get(kind, 0)
        if words:
            word = KIND_PLURAL[kind] if n != 1 or kind == "positive" else KIND_SHORT[kind]
            parts.append(f"{KIND_SYMBOL[kind]} {n} {word}")
        else:
            parts.append(f"{KIND_SYMBOL[kind]}{n}")
    return "  ".join(parts) if words else " ".join(parts)
