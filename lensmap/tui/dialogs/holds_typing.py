"""Windows where a person types words that are kept only once saved (a note, a reason)."""

from __future__ import annotations


class HoldsTyping:
    """Mixed into such a window, so that quitting asks first while it holds unsaved words."""

    def unsaved_text(self) -> bool:
        """Whether words were typed here and not saved."""
        raise NotImplementedError
