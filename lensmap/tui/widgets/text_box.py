"""What a text box shows of its value: what was typed or pasted is kept exactly, but no
control character reaches the terminal, and a character that draws nothing (a direction
override, a zero-width space) shows as a replacement character (one for one, so the cursor
stays where it is)."""

from __future__ import annotations

from rich.highlighter import Highlighter
from rich.text import Text

from ...wording.screen_text import shown_in_place


class ShownInPlace(Highlighter):
    """For `Input(highlighter=SHOWN_IN_PLACE)`: changes only what is drawn, never the value."""

    def highlight(self, text: Text) -> None:
        plain = text.plain
        safe = shown_in_place(plain)
        if safe != plain:  # one character for one: the spans (cursor, selection) still fit
            text.plain = safe


SHOWN_IN_PLACE = ShownInPlace()
