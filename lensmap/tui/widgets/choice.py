"""One value from a few, on one line, always in words: "Severity  ◂ 3 high ▸".

A dialog with several of these opens in one frame (a drop-down is five widgets and a list;
this is one line), and the value is read the same by everyone in the room: it is written
out, never only a colour or a dot. ← and → (or space) change it, ↑ and ↓ move to the field
above or below, Enter is done with it, a click on either half steps back or on."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from ...wording.screen_text import shown


class Choice(Widget, can_focus=True):
    """Choose one of `options` (value, words); `value` is the chosen one's value."""

    DEFAULT_CSS = """
    Choice {
        height: 1;
        width: 1fr;
    }
    Choice:focus {
        background: $boost;
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("left", "step(-1)", "Previous", show=False, id="choice-previous"),
        Binding("right,space", "step(1)", "Next", show=False, id="choice-next"),
        Binding("up", "app.focus_previous", "Field above", show=False, id="choice-up"),
        Binding("down", "app.focus_next", "Field below", show=False, id="choice-down"),
        Binding("enter", "submit", "Done", show=False, id="choice-done"),
    ]

    value: reactive[str] = reactive("", init=False)

    class Submitted(Message):
        """Enter was pressed on the choice: the dialog goes on (or saves)."""

        def __init__(self, choice: Choice) -> None:
            super().__init__()
            self.choice = choice

        @property
        def control(self) -> Choice:
            return self.choice

    class Changed(Message):
        """The value changed (by a key or a click)."""

        def __init__(self, choice: Choice, value: str) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> Choice:
            return self.choice

    def __init__(
        self,
        label: str,
        options: Sequence[tuple[str, str]],
        value: str,
        *,
        id: str | None = None,
        width: int = 11,
    ) -> None:
        super().__init__(id=id)
        if not options:
            raise ValueError("a choice needs at least one option")
        self.label = shown(label)
        self.options = [(key, shown(words)) for key, words in options]
        self.label_width = width
        keys = [key for key, _ in self.options]
        self.set_reactive(Choice.value, value if value in keys else keys[0])

    @property
    def words(self) -> str:
        """The chosen value in words."""
        return dict(self.options)[self.value]

    def render(self) -> Text:
        mark = "▶" if self.has_focus else " "
        return Text(f"{mark} {self.label:<{self.label_width}} ◂ {self.words} ▸", no_wrap=True)

    def action_step(self, by: int) -> None:
        keys = [key for key, _ in self.options]
        self.value = keys[(keys.index(self.value) + by) % len(keys)]

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self))

    def watch_value(self, value: str) -> None:
        self.post_message(self.Changed(self, value))

    def on_click(self, event: events.Click) -> None:
        back = 2 + self.label_width + 1  # where "◂" is
        self.action_step(-1 if back - 1 <= event.x <= back + 1 else 1)
