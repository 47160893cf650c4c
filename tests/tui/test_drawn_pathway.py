"""A pathway drawn in diagrams.net, yEd or Mermaid, opened in the app and walked: the
stages the drawing gave are the ones the room steps through, with their services."""

from __future__ import annotations

from pathlib import Path

import pytest

from lensmap.event.model import Event
from lensmap.files.examples import example_vignettes
from lensmap.files.pathway import load_pathway
from lensmap.files.vignettes import load_vignettes
from lensmap.session.content import SessionContent
from lensmap.session.store import SessionStore
from lensmap.tui.app import make_app
from tests.tui.test_typed_ahead import type_ahead

DRAWINGS = Path(__file__).parent.parent / "drawings"


@pytest.mark.parametrize("drawing", ["yed-pathway.graphml", "community.mmd"])
async def test_walk_a_drawn_pathway(tmp_path, drawing):
    pathway, _problems = load_pathway(DRAWINGS / drawing)
    vignettes, _warnings = load_vignettes(example_vignettes())
    content = SessionContent(event=Event(title="Drawn"), pathway=pathway,
                             teams=vignettes.teams, personas=vignettes.personas)  # fmt: skip
    with SessionStore.create(tmp_path / "drawn.lens", content) as store:
        app = make_app(store)
        async with app.run_test(size=(120, 36)) as pilot:
            # Ollie's suggested way in is gp_referral, which both drawings have: n starts
            # there, then Enter on the next stage steps on.
            await type_ahead(pilot, ["n", "enter", "down", "enter"])
            journey = app.store.state.journeys["ollie"]
        steps = [s.stage for s in journey.steps]
        assert steps[0] == "gp_referral" and len(steps) == 2
        assert pathway.stage(steps[1]).service == "Community alcohol and drug service"
