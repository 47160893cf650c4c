"""Keys typed ahead of the screen, handled in the order they were typed.

A facilitator types fast and never waits for a screen: `n 1 b` and a note arrive before the
choice list or the tag dialog has been drawn. Textual hands each key to whatever has focus
the moment the key arrives, so a key typed while a dialog is opening went to the screen
below it (or to nowhere) and a tag typed straight after a move was for the old stage.

Here every key (and paste) waits its turn: it is handed on only once the keys before it
have been handled, including whatever those keys opened or closed, so it reaches the screen
that is on top by then, as the typist meant. When nothing is waiting, a key goes on at once.
"""

from __future__ import annotations

import asyncio
from collections import deque

from textual import events
from textual.app import App
from textual.dom import DOMNode

MOST_ROUNDS = 400
"""Rounds to wait for the screen to settle before a key goes on anyway (never stuck)."""


class KeysInOrder:
    def __init__(self, app: App) -> None:
        self.app = app
        self.waiting: deque[events.Key | events.Paste] = deque()
        self.handed_on: dict[int, events.Key | events.Paste] = {}
        self.task: asyncio.Task | None = None
        self.last_target: list[DOMNode] = []

    def hold(self, event: events.Event) -> bool:
        """Whether the app should leave `event` alone for now (it was put in line)."""
        if not isinstance(event, events.Key | events.Paste) or event.is_forwarded:
            return False
        if self.handed_on.pop(id(event), None) is not None:
            self.last_target = self._focus_chain()
            return False  # its turn: handled as if just typed
        self.waiting.append(event)
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._hand_on())
        return True

    def busy(self) -> bool:
        """Whether keys are still waiting or being handled."""
        return bool(self.waiting or self.handed_on) or bool(self.task and not self.task.done())

    async def _hand_on(self) -> None:
        try:
            while True:
                await self._settled()
                # Checked with no wait between the check and the end of this task, so a key
                # that arrives at any moment is either handed on here or starts a new task.
                if not self.waiting or not self.app.is_running:
                    return
                self._hand_on_next()
        except Exception:
            while self.waiting:  # never leave keys stuck: hand on the rest as they are
                self._hand_on_next()
            raise

    def _hand_on_next(self) -> None:
        typed = self.waiting.popleft()
        again = (
            events.Key(typed.key, typed.character)
            if isinstance(typed, events.Key)
            else events.Paste(typed.text)
        )
        self.handed_on[id(again)] = again
        self.app.post_message(again)

    def _focus_chain(self) -> list[DOMNode]:
        focused = self.app.focused
        return list(focused.ancestors_with_self) if focused is not None else []

    def _nodes(self) -> list[DOMNode]:
        """Everything a key passes through or that decides where the next key goes."""
        nodes: dict[int, DOMNode] = {id(self.app): self.app}
        for node in [*self.app.screen_stack, *self.last_target, *self._focus_chain()]:
            nodes[id(node)] = node
        return list(nodes.values())

    async def _settled(self) -> None:
        """Wait until the key before has been handled everywhere it went, the screen it
        opened is mounted and focused, and the callbacks of a screen it closed have run."""
        for _ in range(MOST_ROUNDS):
            if not self.app.is_running:
                return
            await _round(self._nodes())
            if self.handed_on:
                continue  # the app has not taken the last key yet
            stack = self.app.screen_stack
            quiet = all(n.message_queue_size == 0 for n in self._nodes())
            if quiet and (not stack or stack[-1].is_mounted):
                return


async def _round(nodes: list[DOMNode]) -> None:
    """One pass through the message queue of each node."""
    loop = asyncio.get_running_loop()
    passes = []
    for node in nodes:
        done = loop.create_future()
        if node.call_later(_finish, done):
            passes.append(done)
    if passes:
        await asyncio.wait(passes, timeout=1.0)
    else:
        await asyncio.sleep(0)


def _finish(done: asyncio.Future) -> None:
    if not done.done():
        done.set_result(None)
