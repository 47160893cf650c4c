"""journeys.json: each journey's measures and the pathway's, for the implementation group to
quote and for other tools to read (lensmap.event.measures says what each number counts)."""

from __future__ import annotations

import json

from ..event.measures import PathwayMeasures, measure_journeys, measure_pathway
from ..session.content import SessionContent
from ..wording.screen_text import json_for_terminals

FORMAT = "lensmap-journeys"
VERSION = 1


def journeys_document(
    content: SessionContent, walked: PathwayMeasures | None = None
) -> dict[str, object]:
    """The document; `walked` is the pathway's measures, when already worked out."""
    pathway = content.pathway
    personas = {p.id: p for p in content.personas}
    ways_in = {p.id: p.entry for p in content.personas}
    journeys = []
    for measures in measure_journeys(pathway, content.journeys, ways_in):
        persona = personas.get(measures.persona)
        journeys.append(
            {
                **measures.as_json(),
                "name": persona.name if persona else None,
                "team": persona.team if persona else None,
            }
        )
    walked = walked or measure_pathway(pathway, content.journeys)
    named = {s for loop in walked.loops for s in loop}
    named |= {b.stage for b in walked.busy} | set(walked.behind_a_wait)
    return {
        "format": FORMAT,
        "version": VERSION,
        "journeys": journeys,
        "pathway": {
            **walked.as_json(),
            "labels": {s.id: s.label for s in pathway.stages if s.id in named},
        },
    }


def journeys_json(content: SessionContent, walked: PathwayMeasures | None = None) -> str:
    text = json.dumps(journeys_document(content, walked), ensure_ascii=False, indent=2)
    return json_for_terminals(text) + "\n"
