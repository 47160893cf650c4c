"""The main screen: the pathway map, the persona being walked, and the selected stage."""

from __future__ import annotations

from collections import Counter
from typing import cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static

from ...event.counts import by_stage
from ...event.journeys import is_jump
from ...event.model import Tag, Window, persona_names
from ...session.actions import (
    OutcomeSet,
    SteppedBack,
    StepTaken,
    TagAdded,
    TagDeleted,
    TagEdited,
    WindowSet,
)
from ...wording.describe import note_start, persona_name, stage_label
from ...wording.screen_text import shown
from ...wording.vocabulary import KIND_SYMBOL, KIND_WORD, WINDOW_SYMBOL, WINDOW_WORD
from ..knows_app import KnowsLensmapApp
from ..widgets.footer import RoomFooter
from ..widgets.header import RoomHeader
from ..widgets.pathway_map import PathwayMap
from ..widgets.side_panels import JourneyPanel, StageDetail, journey_text, stage_text
from ..widgets.stage_card import CardView

LEGEND = (
    f"{KIND_SYMBOL['positive']} positive practice  {KIND_SYMBOL['barrier']} barrier  "
    f"{KIND_SYMBOL['risk']} re-traumatisation risk  ◆ here  → leads to"
)


class MapScreen(KnowsLensmapApp, Screen):
    """Walk a persona through the pathway and tag what the room sees."""

    BINDINGS = [
        Binding("enter", "move_here", "Move here", id="move-here"),
        Binding("n", "next_stage", "Next stage", id="next-stage"),
        Binding("j", "jump", "Jump", id="jump"),
        Binding("backspace", "step_back", "Step back", id="step-back"),
        Binding("w", "window", "Window", id="window"),
        Binding("o", "outcome", "End journey", id="outcome"),
        Binding("s", "switch_persona", "Switch persona", id="switch-persona"),
        Binding("p", "tag('positive')", "✓ Positive", id="tag-positive"),
        Binding("b", "tag('barrier')", "✗ Barrier", id="tag-barrier"),
        Binding("r", "tag('risk')", "▲ Risk", id="tag-risk"),
        Binding("x", "tags_here", "Tags here", id="tags-here"),
    ]

    AUTO_FOCUS = ""  # the persona's current stage is focused instead (see on_mount)

    def __init__(self) -> None:
        super().__init__()
        self.selected: str | None = None
        self.followed: tuple[str | None, str | None] = (None, None)
        """The persona and their stage when the cursor last followed them."""

    @property
    def state(self):
        return self.app.store.state

    def compose(self) -> ComposeResult:
        # Few containers: each one is drawn again, under the map, whenever a card changes.
        yield RoomHeader()
        yield Static(LEGEND, id="legend")
        with Horizontal(id="map-body"):
            yield PathwayMap(self.state.pathway)
            with Vertical(id="side"):
                yield JourneyPanel(id="journey")
                yield StageDetail(id="stage-detail")
        yield RoomFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "persona", lambda _: self.refresh_session(), init=False)
        # after the stylesheet has the new theme's colours (a plain watcher runs too early)
        self.app.theme_changed_signal.subscribe(self, lambda _: self.refresh_session(force=True))
        self.app.follow_session(self, self.refresh_session)
        self.selected = self._current_stage() or self.state.pathway.entries[0]
        self.followed = (self.app.persona, self._current_stage())  # the cursor is there now
        self.refresh_session()
        pathway_map = self.query_one(PathwayMap)
        pathway_map.selection_signal.subscribe(self, self._selected, immediate=True)
        pathway_map.select(self.selected)
        pathway_map.focus()
        self.call_after_refresh(pathway_map.keep_selected_in_view)

    @property
    def numbers(self) -> dict[str, int]:
        """Each stage's number on its card, as every list on this screen numbers it."""
        return self.query_one(PathwayMap).numbers

    # -- what the screen shows ---------------------------------------------------------------
    def _current_stage(self) -> str | None:
        journey = self.state.journeys.get(self.app.persona or "")
        return journey.steps[-1].stage if journey and journey.steps else None

    def card_views(self) -> dict[str, CardView]:
        state = self.state
        counts = by_stage(state.tags.values())
        persona = self.app.persona
        name = persona_name(state, persona) if persona else ""
        journey = state.journeys.get(persona or "")
        steps: dict[str, list[int]] = {}
        for number, step in enumerate(journey.steps if journey else [], start=1):
            steps.setdefault(step.stage, []).append(number)
        ended = bool(journey and journey.outcome)
        current = self._current_stage() if not ended else None
        following = set(state.pathway.next_stages(current)) if current else set()
        views = {}
        for stage_id in state.pathway.stages_by_id:
            c = counts.get(stage_id, Counter())
            views[stage_id] = CardView(
                counts=(c["positive"], c["barrier"], c["risk"]),
                steps=tuple(steps.get(stage_id, ())),
                here=stage_id == current,
                next_option=stage_id in following,
                persona=name,
            )
        return views

    def refresh_session(self, force: bool = False) -> None:
        """Redraw what changed: cards whose counts or path marks moved, and the side panels.
        When the persona's stage changed (a step, an undo, another persona), the cursor
        follows it, so a tag typed next is for where the persona is."""
        where = (self.app.persona, self._current_stage())
        if where != self.followed:
            self.followed = where
            if where[1] is not None:
                self.select(where[1])
        self.query_one(PathwayMap).show(self.card_views(), force=force)
        colours = self.app.theme_variables
        self.query_one(JourneyPanel).show(journey_text(self.state, self.app.persona, self.numbers))
        self.query_one(StageDetail).show(
            self.selected, stage_text(self.state, self.selected, colours)
        )

    def _selected(self, stage_id: str) -> None:
        self.selected = stage_id
        detail = stage_text(self.state, self.selected, self.app.theme_variables)
        self.query_one(StageDetail).show(self.selected, detail)

    def select(self, stage_id: str) -> None:
        """Move the cursor to a stage (it follows the persona when they move)."""
        self.selected = stage_id  # now, not when the map's message arrives
        self.query_one(PathwayMap).select(stage_id)

    # -- walking a persona ------------------------------------------------------------------
    def _persona_or_say(self) -> str | None:
        if not self.app.persona:
            self.app.notify("Choose a persona first (s).", severity="warning")
        return self.app.persona

    def _walking_or_say(self) -> str | None:
        """The persona, if their journey can take another step."""
        persona = self._persona_or_say()
        journey = self.state.journeys.get(persona or "")
        if persona and journey and journey.outcome:
            name = persona_name(self.state, persona)
            self.app.notify(f"{name}'s journey has ended; o takes it up again.")
            return None
        return persona

    def _step(self, stage_id: str, *, jumped: bool = False) -> None:
        persona = self._walking_or_say()
        if persona is None:
            return
        name = persona_name(self.state, persona)
        how = "jumped to" if jumped else "moved to"
        if self.app.record(
            StepTaken(persona=persona, stage=stage_id),
            f"{name} {how} {stage_label(self.state, stage_id)}",
        ):
            self.select(stage_id)

    def action_move_here(self) -> None:
        if self.selected is None:
            return
        current = self._current_stage()
        if (
            self.selected == current
            and self.app.persona
            and current not in self.state.pathway.next_stages(current)
        ):
            # Enter on the stage the persona is at (often an Enter typed after a stage's
            # number, which had already moved them): a step to where they are is no step.
            name = persona_name(self.state, self.app.persona)
            self.app.notify(
                f"{name} is already at {stage_label(self.state, current)}. Choose another "
                "stage, or n for the next ones.",
                timeout=4,
            )
            return
        persona = self.state.personas.get(self.app.persona or "")
        way_in = persona.entry if persona else None
        jumped = is_jump(self.state.pathway, self._current_stage(), self.selected, way_in)
        self._step(self.selected, jumped=jumped)

    def action_next_stage(self) -> None:
        from ..dialogs.choose import Choose

        persona = self._walking_or_say()
        if persona is None:
            return
        state = self.state
        name = persona_name(state, persona)
        current = self._current_stage()
        numbers = self.numbers
        suggested = None
        if current is None:
            # The ways in, and the stage the vignette suggests even where it is not one.
            suggested = state.personas[persona].entry
            stages = list(state.pathway.entries)
            if suggested in state.pathway.stages_by_id and suggested not in stages:
                stages.append(suggested)
            title = f"Where does {name} start?"
        else:
            stages = state.pathway.next_stages(current)
            title = f"Where does {name} go from {stage_label(state, current)}?"
            if not stages:
                self.app.notify("No transitions lead out of here: j jumps, o ends the journey.")
                return
        stages = sorted(stages, key=numbers.__getitem__)
        options = [
            (s, stage_label(state, s) + ("  (suggested)" if s == suggested else "")) for s in stages
        ]

        def chosen(stage_id: str | None) -> None:
            if stage_id:
                self._step(stage_id)

        self.app.push_screen(
            Choose(
                title,
                options,
                hint="Type the stage's number, as on the map",
                numbers=[numbers[s] for s in stages],
                highlighted=suggested,
            ),
            chosen,
        )

    def action_jump(self) -> None:
        from ..dialogs.choose import Choose

        if self._walking_or_say() is None:
            return
        state = self.state
        numbers = self.numbers
        ordered = sorted(state.pathway.stages, key=lambda s: numbers[s.id])
        options = [(s.id, f"{numbers[s.id]}  {shown(s.label)}") for s in ordered]

        def chosen(stage_id: str | None) -> None:
            if stage_id:
                self._step(stage_id, jumped=True)

        self.app.push_screen(
            Choose(
                "Jump to any stage", options, hint="Real journeys skip and loop", filterable=True
            ),
            chosen,
        )

    def action_step_back(self) -> None:
        persona = self._persona_or_say()
        if persona and self.app.record(
            SteppedBack(persona=persona), f"{persona_name(self.state, persona)} stepped back"
        ):
            current = self._current_stage()
            if current:
                self.select(current)

    def action_window(self) -> None:
        from ..dialogs.choose import Choose

        persona = self._persona_or_say()
        journey = self.state.journeys.get(persona or "")
        if not persona or not journey or not journey.steps:
            self.app.notify("Start the journey first (n).")
            return
        step = len(journey.steps)
        options = [(w, f"{WINDOW_SYMBOL[w]} {WINDOW_WORD[w]}") for w in ("within", "hyper", "hypo")]
        options.append(("clear", "not recorded"))

        def chosen(window: str | None) -> None:
            if window:
                # One of the options above: a Window, or "clear" (WindowSet checks it too).
                value = None if window == "clear" else cast(Window, window)
                word = WINDOW_WORD[value] if value else "not recorded"
                self.app.record(
                    WindowSet(persona=persona, step=step, window=value),
                    f"{persona_name(self.state, persona)}, step {step}: {word}",
                )

        name = persona_name(self.state, persona)
        label = stage_label(self.state, journey.steps[-1].stage)
        self.app.push_screen(
            Choose(f"{name} at {label} (step {step}): window of tolerance", options), chosen
        )

    def action_outcome(self) -> None:
        from ..dialogs.choose import Confirm
        from ..dialogs.outcome import OutcomeDialog

        persona = self._persona_or_say()
        journey = self.state.journeys.get(persona or "")
        if not persona or not journey or not journey.steps:
            self.app.notify("Start the journey first (n).")
            return
        name = persona_name(self.state, persona)
        if journey.outcome:

            def again(yes: bool | None) -> None:
                if yes:
                    self.app.record(
                        OutcomeSet(persona=persona, outcome=None),
                        f"{name}'s journey taken up again",
                    )

            self.app.push_screen(Confirm(f"Take {name}'s journey up again?"), again)
            return
        exits = [s.label for s in self.state.pathway.stages if s.kind == "exit"]

        def ended(outcome: str | None) -> None:
            if outcome:
                done = f"{name}: {shown(outcome)}"
                self.app.record(OutcomeSet(persona=persona, outcome=outcome), done)

        self.app.push_screen(OutcomeDialog(name, exits), ended)

    def action_switch_persona(self) -> None:
        people = list(self.state.personas)
        if not people:
            return
        index = people.index(self.app.persona) if self.app.persona in people else -1
        self.app.persona = people[(index + 1) % len(people)]
        self.app.notify(f"Walking {persona_name(self.state, self.app.persona)}", timeout=2)
        current = self._current_stage()
        if current:
            self.select(current)

    # -- tagging ----------------------------------------------------------------------------
    def tag_stage(self, stage_id: str, kind: str) -> None:
        """Open the tag dialog for a stage (also used by the command palette)."""
        from ..dialogs.tag import TagDialog

        label = stage_label(self.state, stage_id)

        def save(tag: Tag) -> bool:
            said = f"Saved: {KIND_WORD[tag.kind]} at {label}: {note_start(tag.note)}"
            return self.app.record(TagAdded(tag=tag), said)

        self.app.push_screen(
            TagDialog(stage_id, label, kind, self._personas(), self.app.persona, save=save)
        )

    def _personas(self) -> list[tuple[str, str]]:
        """Every persona of the session, by name, for a tag to be about."""
        return [(p, persona_name(self.state, p)) for p in self.state.personas]

    def _stages(self) -> list[tuple[str, str]]:
        """Every stage, by its number on the map, for a tag to be moved to."""
        numbers = self.numbers
        ordered = sorted(numbers, key=numbers.__getitem__)
        return [(s, f"{numbers[s]} {stage_label(self.state, s)}") for s in ordered]

    def action_tag(self, kind: str) -> None:
        if self.selected:
            self.tag_stage(self.selected, kind)

    def action_tags_here(self) -> None:
        from ..dialogs.choose import Confirm
        from ..dialogs.tag import TagDialog
        from ..dialogs.tags_at_stage import TagsAtStage

        if not self.selected:
            return
        stage_id = self.selected
        tags = [t for t in self.state.tags.values() if t.stage == stage_id]
        label = stage_label(self.state, stage_id)
        if not tags:
            self.app.notify(f"No tags at {label} yet.")
            return
        names = persona_names(self.state.personas.values())  # shown by TagsAtStage

        def chosen(choice: tuple[str, str] | None) -> None:
            if choice is None:
                return
            what, tag_id = choice
            tag = self.state.tags.get(tag_id)
            if tag is None:
                return
            if what == "delete":

                def confirmed(yes: bool | None) -> None:
                    if yes:
                        self.app.record(
                            TagDeleted(id=tag_id),
                            f"Deleted a tag at {label} (ctrl+z brings it back)",
                        )

                question = f"Delete the {KIND_WORD[tag.kind]} at {label}: {note_start(tag.note)}?"
                self.app.push_screen(Confirm(question), confirmed)
                return

            def save(edited: Tag) -> bool:
                if edited == tag:
                    return True
                if edited.stage != tag.stage:
                    where = stage_label(self.state, edited.stage)
                    said = f"Tag moved from {label} to {where}: {note_start(edited.note)}"
                else:
                    said = f"Tag at {label} updated: {note_start(edited.note)}"
                return self.app.record(TagEdited(tag=edited), said)

            dialog = TagDialog(stage_id, label, tag.kind, self._personas(), tag.persona,
                               existing=tag, save=save, stages=self._stages())  # fmt: skip
            self.app.push_screen(dialog)

        self.app.push_screen(TagsAtStage(label, tags, names), chosen)
