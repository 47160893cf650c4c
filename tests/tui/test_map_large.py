"""A large pathway on the map: laid out whole, but only the cards on screen are drawn."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from lensmap.event.model import Pathway, Persona, Stage
from lensmap.session.content import SessionContent
from lensmap.session.store import SessionStore
from lensmap.tui.app import make_app
from lensmap.tui.widgets.pathway_map import PathwayMap
from lensmap.tui.widgets.stage_card import CardView, card_text
from lensmap.tui.widgets.wrapping import wrapped_height

PIECES = st.sampled_from(["ab", "c", " ", "  ", "de-fgh", "漢字", "é", "🙂", "x" * 30, "Triage"])
LABELS = st.lists(PIECES, min_size=1, max_size=20).map("".join).filter(str.strip)


@settings(max_examples=300, deadline=None)
@given(
    label=LABELS,
    kind=st.sampled_from(["entry", "step", "decision", "wait", "exit"]),
    following=st.lists(st.integers(1, 2000), max_size=9),
    view=st.builds(
        CardView,
        counts=st.tuples(*[st.integers(0, 120)] * 3),
        here=st.booleans(),
        next_option=st.booleans(),
        steps=st.lists(st.integers(1, 40), max_size=5).map(tuple),
        persona=st.sampled_from(["Ollie", "Lauren", "A very long persona name indeed"]),
    ),
    width=st.integers(1, 40),
)
def test_a_cards_height_is_the_number_of_lines_its_words_wrap_to(
    label, kind, following, view, width
):
    stage = Stage(id="s", label=label, kind=kind)
    text = card_text(stage, 17, following, view, {})
    wrapped = text.wrap(Console(width=200), width, overflow="fold")
    assert wrapped_height(text, width) == len(wrapped)


def wide_pathway(stages: int) -> Pathway:
    """Five ways in, each leading to the next layer of ten stages, and so on."""
    ids = [f"s{i:04d}" for i in range(stages)]
    return Pathway.model_validate(
        {
            "id": "wide",
            "title": "Wide",
            "stages": [
                {"id": sid, "label": f"Stage {i} with a name long enough to wrap", "kind": "step"}
                | ({"kind": "entry"} if i < 5 else {})
                for i, sid in enumerate(ids)
            ],
            "transitions": [
                {"from": ids[i], "to": ids[j]}
                for i in range(stages)
                for j in (i + 5, i + 10)
                if j < stages
            ],
        }
    )


async def test_a_map_of_1000_stages_wraps_only_the_cards_it_draws(tmp_path):
    people = [Persona(id="ollie", name="Ollie")]
    content = SessionContent(pathway=wide_pathway(1000), personas=people)
    store = SessionStore.create(tmp_path / "big.lens", content)
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        pathway_map = app.screen.query_one(PathwayMap)
        assert len(pathway_map.places) == 1000  # every card has its place
        drawn = len(pathway_map._words)
        assert 0 < drawn <= 3 * pathway_map.columns * 4  # a screenful of cards, not 1,000
        last = pathway_map.rows[-1][-1]
        assert last not in pathway_map._words
        app.screen.select(last)  # the map scrolls to it, and draws it
        await pilot.pause()
        assert last in pathway_map._words
        assert pathway_map.card_text(last).startswith(str(pathway_map.numbers[last]))
    store.close()


async def test_the_stage_panel_wraps_only_what_it_draws_and_draws_the_whole_text(app):
    """Each stage's text, paragraph by paragraph as drawn, is what wrapping it whole gives."""
    from lensmap.tui.widgets.side_panels import StageDetail

    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(StageDetail)
        for stage in app.store.state.pathway.stages:
            app.screen.select(stage.id)
            await pilot.pause()
            whole = panel.shown[1].wrap(app.console, panel._wrapped_at, overflow="fold")
            assert panel.virtual_size.height == len(whole)
            assert len(panel._wrapped) < len(panel._paragraphs) or len(whole) <= panel.size.height
            drawn = [panel._line(y).text for y in range(len(whole))]
            assert [line.rstrip() for line in drawn] == [line.plain.rstrip() for line in whole]
            assert {len(line) for line in drawn} == {panel._wrapped_at}  # each fills the panel
