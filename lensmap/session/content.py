"""What a session holds, and the checks that keep its parts pointing at each other."""

from __future__ import annotations

from operator import attrgetter

from pydantic import BaseModel, ConfigDict

from ..event.model import Event, IssueNotes, Journey, Pathway, Persona, Tag, Team
from ..files.explain import item_label
from ..files.pathway_checks import pathway_problems
from ..files.problems import Problem, errors, suggest
from ..files.vignettes import entry_warnings


class SessionContent(BaseModel):
    """One event's work: the pathway, teams and personas it uses (copied in, so the session stays
    readable when the source files change), the journeys, tags and the facilitator's issue edits.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    event: Event = Event()
    pathway: Pathway
    teams: list[Team] = []
    personas: list[Persona] = []
    journeys: list[Journey] = []
    tags: list[Tag] = []
    issues: list[IssueNotes] = []


def _dup(ids: list[str], what: str, label: str, file: str, prefix: str) -> list[Problem]:
    if len(set(ids)) == len(ids):
        return []
    seen: dict[str, int] = {}
    problems = []
    for i, item_id in enumerate(ids):
        if item_id in seen:
            problems.append(
                Problem(
                    file,
                    f"{label} is already used by {what}[{seen[item_id] + 1}]; keep only one",
                    f"{prefix}{what}[{i + 1}] ({label})",
                )
            )
        seen.setdefault(item_id, i)
    return problems


def content_problems(content: SessionContent, file: str, prefix: str = "") -> list[Problem]:
    """Every broken reference in a session's content, with the place it is found."""
    pathway = content.pathway
    problems = [
        Problem(p.file, p.message, f"{prefix}pathway.{p.place}" if p.place else "pathway", p.level)
        for p in errors(pathway_problems(pathway.dump(), file))
    ]
    stage_ids = list(pathway.stages_by_id)
    persona_ids = [p.id for p in content.personas]
    team_ids = [t.id for t in content.teams]

    def stage_ref(stage: str, place: str) -> None:
        if stage not in pathway.stages_by_id:
            problems.append(
                Problem(
                    file,
                    f'stage "{stage}" is not in the pathway{suggest(stage, stage_ids)}',
                    place,
                )
            )

    def persona_ref(persona: str | None, place: str) -> None:
        if persona is not None and persona not in persona_ids:
            problems.append(
                Problem(
                    file,
                    f'persona "{persona}" is not one of this session\'s personas'
                    f"{suggest(persona, persona_ids)}",
                    place,
                )
            )

    problems += _dup(team_ids, "teams", "this id", file, prefix)
    problems += _dup(persona_ids, "personas", "this id", file, prefix)
    for i, persona in enumerate(content.personas):
        if persona.team is not None and persona.team not in team_ids:
            problems.append(
                Problem(
                    file,
                    f'team "{persona.team}" is not one of this session\'s teams'
                    f"{suggest(persona.team, team_ids)}",
                    f'{prefix}personas[{i + 1}] (id "{persona.id}")',
                )
            )
    problems += _dup(
        [j.persona for j in content.journeys], "journeys", "this persona", file, prefix
    )
    # Places are worded only for what is wrong: a long session has tens of thousands of tags.
    stages = pathway.stages_by_id
    known_personas = set(persona_ids)
    for i, journey in enumerate(content.journeys):
        place = f'{prefix}journeys[{i + 1}] (persona "{journey.persona}")'
        persona_ref(journey.persona, place)
        for n, step in enumerate(journey.steps):
            if step.stage not in stages:
                stage_ref(step.stage, f"{place}.steps[{n + 1}]")
    tags = content.tags
    problems += _dup(list(map(attrgetter("id"), tags)), "tags", "this id", file, prefix)
    if not (
        set(map(attrgetter("stage"), tags)) <= stages.keys()
        and set(map(attrgetter("persona"), tags)) - {None} <= known_personas
    ):
        for i, tag in enumerate(tags):
            place = f"{prefix}tags[{i + 1}]{item_label({'id': tag.id})}"
            stage_ref(tag.stage, place)
            persona_ref(tag.persona, place)
    problems += _dup(
        [f"{n.stage}/{n.kind}" for n in content.issues],
        "issues",
        "this stage and kind",
        file,
        prefix,
    )
    for i, notes in enumerate(content.issues):
        stage_ref(notes.stage, f'{prefix}issues[{i + 1}] (stage "{notes.stage}")')
    problems += entry_warnings(content.personas, [pathway], file)
    return problems
