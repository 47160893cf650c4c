"""The tags at one stage, to edit or delete."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ...event.model import Tag
from ...wording.screen_text import shown
from ...wording.vocabulary import KIND_SYMBOL, KIND_WORD
from ..widgets.side_panels import kept_in_room


class TagsAtStage(ModalScreen[tuple[str, str] | None]):
    """Returns ("edit", tag id) or ("delete", tag id), or None."""

    BINDINGS = [
        Binding("enter", "choose('edit')", "Edit", id="tags-edit"),
        Binding("d,delete", "choose('delete')", "Delete", id="tags-delete"),
        Binding("escape", "cancel", "Close", id="tags-close"),
    ]

    def __init__(self, stage_label: str, tags: list[Tag], names: dict[str, str]) -> None:
        super().__init__(classes="dialog-screen")
        self.stage_label = stage_label
        self.tags = tags
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog tags-at-stage"):
            yield Label(f"Tags at {shown(self.stage_label)}", classes="dialog-title", markup=False)
            yield Label("Enter edits · d deletes · Esc closes", classes="dialog-hint")
            yield OptionList(
                *(
                    Option(
                        f"{KIND_SYMBOL[t.kind]} {KIND_WORD[t.kind]} · "
                        f"{shown(self.names.get(t.persona or '', 'general'))} · "
                        f"{shown(t.note) or '(no note)'}{kept_in_room(t)}",
                        id=t.id,
                    )
                    for t in self.tags
                ),
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._chosen("edit", event.option)

    def action_choose(self, what: str) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self._chosen(what, options.get_option_at_index(options.highlighted))

    def _chosen(self, what: str, option: Option) -> None:
        # Every option is a tag, by its id; one with none would choose no tag, as Esc does.
        self.dismiss(None if option.id is None else (what, option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
