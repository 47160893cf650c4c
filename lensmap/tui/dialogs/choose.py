"""Choosing one thing from a short list: number keys pick directly, typing filters long lists."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ...wording.screen_text import shown
from ..widgets.text_box import SHOWN_IN_PLACE


class Choose(ModalScreen[str | None]):
    """Returns the chosen value, or None when cancelled. The title and the options' texts are
    shown as given, never read as markup, with no control character reaching the terminal.

    Options are numbered 1, 2, 3… and a number key chooses, or, given `numbers` (stages, by
    their numbers on the map), typing an option's number chooses it: at once when no other
    number starts with what was typed, else on Enter or the next digit."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choose-cancel")]

    def __init__(
        self,
        title: str,
        options: list[tuple[str, str]],
        *,
        hint: str = "",
        filterable: bool = False,
        numbers: list[int] | None = None,
        highlighted: str | None = None,
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.options = options
        self.hint = hint
        self.filterable = filterable
        self.numbers = numbers
        self.highlighted = highlighted
        self.typed = ""  # the digits of a number typed so far

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog choose"):
            yield Label(shown(self.title_text), classes="dialog-title", markup=False)
            if self.hint:
                yield Label(self.hint, classes="dialog-hint")
            if self.filterable:
                yield Input(
                    placeholder="Type to filter", id="choose-filter", highlighter=SHOWN_IN_PLACE
                )
            yield OptionList(*self._options(""), id="choose-options", markup=False)

    def _options(self, typed: str) -> list[Option]:
        if self.numbers is not None:
            width = len(str(max(self.numbers, default=0)))
            return [
                Option(f"{number:>{width}}  {shown(text)}", id=value)
                for number, (value, text) in zip(self.numbers, self.options, strict=True)
            ]
        matching = [(v, t) for v, t in self.options if typed.casefold() in t.casefold()]
        numbered = not self.filterable and len(matching) <= 9
        return [
            Option(f"{n}  {shown(text)}" if numbered else shown(text), id=value)
            for n, (value, text) in enumerate(matching, start=1)
        ]

    def on_mount(self) -> None:
        self.query_one(Input if self.filterable else OptionList).focus()
        values = [value for value, _ in self.options]
        if self.highlighted in values:
            self.query_one(OptionList).highlighted = values.index(self.highlighted)

    @on(Input.Changed, "#choose-filter")
    def _filter(self, event: Input.Changed) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#choose-filter")
    def _take_first(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            self.dismiss(options.get_option_at_index(options.highlighted or 0).id)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_key(self, event) -> None:
        if self.numbers is not None:
            if event.character and "0" <= event.character <= "9":
                event.stop()
                self._number_typed(event.character)
            return
        numbered = not self.filterable and len(self.options) <= 9
        if numbered and event.character and event.character.isdigit():
            index = int(event.character) - 1
            if 0 <= index < len(self.options):
                event.stop()
                self.dismiss(self.options[index][0])

    def _number_typed(self, digit: str) -> None:
        typed = self.typed + digit
        starting = [i for i, n in enumerate(self.numbers or ()) if str(n).startswith(typed)]
        if not starting:  # no such number here: start again from this digit
            self.typed = ""
            if len(typed) > 1:
                self._number_typed(digit)
            return
        exact = [i for i in starting if str((self.numbers or ())[i]) == typed]
        if exact and len(starting) == 1:
            self.dismiss(self.options[exact[0]][0])
            return
        self.typed = typed  # 2 of 2 and 23: Enter takes 2, a 3 takes 23
        self.query_one(OptionList).highlighted = (exact or starting)[0]

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__(classes="dialog-screen")
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Label(shown(self.question), classes="dialog-title", markup=False)
            yield Label("y  yes      n  no", classes="dialog-hint")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
