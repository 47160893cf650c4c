"""What lensmap's own screens may ask of the app they run in, told to the type checker."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual import getters
    from textual.message_pump import MessagePump

    from .app import LensmapApp

    _Node = MessagePump  # what the type checker sees the mixin as: a node with an app
else:
    _Node = object


class KnowsLensmapApp(_Node):
    """Mixed in first (before the Textual class), so that `self.app` is typed as the
    `LensmapApp`, with its store, persona and `record`, not as Textual's generic `App`.

    For the type checker only: at run time this is an empty class on `object`, so the app is
    found exactly as Textual finds it (no check, no cost), and nothing here imports the app
    module (no import cycle, nothing more to load at start-up)."""

    if TYPE_CHECKING:
        app = getters.app(LensmapApp)  # Textual's typed `app` (textual.getters)
