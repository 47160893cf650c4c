"""`lensmap serve --room`: the room's phones. A small web page (plain HTML, no script) where a
participant adds a note to a stage: positive practice, a barrier or a re-traumatisation
risk, and, if they wish, where they stand. The note is held for the facilitator (NoteSent)
until they put it on the wall or hide it. No name is ever asked for; a phone is known only
by a random id in a cookie.

Every request needs the phones' own key (in their address, or given for the short join code
typed at /join), never the team pages' key, which opens the app. Every note and dot also
carries its page's own secret (made from that phone's id and this run's secret), comes from
this server's own page (its Origin), is kept to a size, and counts against that phone's
limit. Imported only when a server is made."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..event.model import Tag
from ..session.actions import DEVICE, DotGiven, NoteSent, new_device, new_id
from ..session.state import ActionRefused
from ..session.store import SaveFailed, SessionStore
from ..wording.screen_text import shown
from .key import ALPHABET, new_key

COOKIE = "lensmap_phone"
MAX_NOTE = 1000  # characters: a phone's note is a sentence or two, not an essay
NOTES_PER_MINUTE = 6  # per phone
DOTS = 3  # dot votes each phone may give, unless `lensmap serve --room --dots N` says
DOTS_PER_MINUTE = 20  # per phone (a tap too many is refused, not counted twice)
ISSUE_WORDS = {"barrier": "A barrier at {stage}", "risk": "A re-traumatisation risk at {stage}"}
JOINS_PER_MINUTE = 10  # attempts at the join code, per address
KINDS = {
    "positive": "Something that works well (positive practice)",
    "barrier": "Something that got in the way (a barrier)",
    "risk": "Something that could bring back painful memories or make people feel unsafe "
    "(a re-traumatisation risk)",
}
STANDPOINTS = {
    "": "I'd rather not say",
    "lived-experience": "I have lived experience",
    "staff": "I work here",
    "partner": "I am from a partner agency",
}
PHONE_PAGES = ("phone", "phone.css", "note", "dot")  # under /KEY/, with the phones' key
PHONE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def new_join_code() -> str:
    """Six letters and digits that cannot be mistaken for one another: typed from the wall."""
    return "".join(secrets.choice(ALPHABET) for _ in range(6))


class Limit:
    """At most `count` events a minute for each key (a phone, an address)."""

    def __init__(self, count: int, seconds: float = 60.0) -> None:
        self.count, self.seconds = count, seconds
        self._seen: dict[str, deque[float]] = {}

    def allows(self, key: str) -> bool:
        now = time.monotonic()
        seen = self._seen.setdefault(key, deque())
        while seen and now - seen[0] > self.seconds:
            seen.popleft()
        if len(seen) >= self.count:
            return False
        seen.append(now)
        if len(self._seen) > 10_000:  # never a memory for every address there ever was
            self._seen = {k: v for k, v in self._seen.items() if v}
        return True


@dataclass
class Room:
    """The room's phones on one session: its join code, this run's secret, the limits, and
    the window (its own device) that stores the phones' notes."""

    session: Path
    key: str = field(default_factory=new_key)
    """The phones' own key, in their address: not the team pages' key, so a phone's address
    never opens a team's page (the app)."""
    join_code: str = field(default_factory=new_join_code)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    notes: Limit = field(default_factory=lambda: Limit(NOTES_PER_MINUTE))
    joins: Limit = field(default_factory=lambda: Limit(JOINS_PER_MINUTE))
    dot_taps: Limit = field(default_factory=lambda: Limit(DOTS_PER_MINUTE))
    dots: int = DOTS
    phones: set[str] = field(default_factory=set)
    waiting: int = 0  # notes still held when the server stopped
    _store: SessionStore | None = None
    _given: dict[str, int] | None = None

    @property
    def store(self) -> SessionStore:
        if self._store is None:
            self._store = SessionStore.open(self.session, device=new_device("s"))
        try:
            self._store.refresh()
        except SaveFailed:  # what another window stored cannot be followed: open it again
            self._store.close()
            self._store = SessionStore.open(self.session, device=new_device("s"))
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.refresh()
            self.waiting = len(self._store.state.held)
            self._store.close()

    def code_matches(self, given: str) -> bool:
        plain = "".join(given.split()).lower().encode("utf-8", "replace")
        return hmac.compare_digest(plain, self.join_code.encode())

    def phone_of(self, cookie: str | None) -> str | None:
        """The phone a cookie names, if it is one this kind of id could be."""
        if cookie and cookie.startswith("p") and DEVICE.fullmatch(cookie):
            return cookie
        return None

    def page_secret(self, phone: str) -> str:
        """The secret a phone's page sends back with each note (CSRF): another site's page
        cannot know it, nor can a phone reuse another phone's."""
        return hmac.new(self.secret, phone.encode(), hashlib.sha256).hexdigest()[:32]

    def secret_matches(self, phone: str, given: str) -> bool:
        return hmac.compare_digest(self.page_secret(phone).encode(), given.encode()[:64])

    def stages(self) -> list[tuple[str, str]]:
        """Every stage as (id, label), in the pathway's order, as a phone's list shows it."""
        pathway = self.store.state.pathway
        return [(stage.id, shown(stage.label)) for stage in pathway.stages]

    def issues(self) -> list[tuple[str, str, str]]:
        """What a phone may give its dots to: each stage's barriers and risks on the wall, as
        (stage, kind, words), in the pathway's order (never by votes, which stay hidden)."""
        state = self.store.state
        found = {(t.stage, t.kind) for t in state.tags.values() if t.kind in ISSUE_WORDS}
        return [
            (stage.id, kind, ISSUE_WORDS[kind].format(stage=shown(stage.label)))
            for stage in state.pathway.stages
            for kind in ISSUE_WORDS
            if (stage.id, kind) in found
        ]

    def dots_left(self, phone: str) -> int:
        if self._given is None:  # counted once from the log (the server may have restarted)
            given: dict[str, int] = {}
            for entry in self.store.entries:
                if isinstance(entry.action, DotGiven):
                    given[entry.action.phone] = given.get(entry.action.phone, 0) + 1
            self._given = given
        return max(0, self.dots - self._given.get(phone, 0))

    def give_dot(self, phone: str, stage: str, kind: str) -> str | None:
        """Count one of a phone's dots for an issue; None once it is stored, or why not."""
        if self.dots_left(phone) <= 0:
            return f"You have given all {self.dots} of your dots. Thank you."
        if (stage, kind) not in {(s, k) for s, k, _ in self.issues()}:
            return "Choose one of the issues on the list."
        try:
            self.store.record(DotGiven(phone=phone, stage=stage, kind=kind), device=phone)  # type: ignore[arg-type]  # kind checked above
        except (ActionRefused, SaveFailed):
            return "Your dot could not be counted just now. Please try again in a moment."
        assert self._given is not None
        self._given[phone] = self._given.get(phone, 0) + 1
        self.phones.add(phone)
        return None

    def send(self, phone: str, stage: str, kind: str, note: str, standpoint: str) -> str | None:
        """Hold a phone's note for the facilitator; None once it is stored, or why not."""
        if kind not in KINDS:
            return "Choose what kind of note this is."
        if standpoint not in STANDPOINTS:
            return "Choose where you stand, or “I'd rather not say”."
        note = note.strip()
        if not note:
            return "Write a few words first."
        if len(note) > MAX_NOTE:
            return f"That note is longer than {MAX_NOTE} characters; shorten it a little."
        store = self.store
        if stage not in store.state.pathway.stages_by_id:
            return "Choose a stage from the list."
        try:
            tag = Tag(
                id=new_id("n"),
                stage=stage,
                kind=kind,  # type: ignore[arg-type]  # checked against KINDS above
                note=note,
                raised_by=standpoint or None,  # type: ignore[arg-type]  # checked above
            )
        except ValidationError:
            return "That note holds something lensmap cannot keep; write it again in words."
        try:
            store.record(NoteSent(tag=tag), device=phone)
        except (ActionRefused, SaveFailed):
            return "Your note could not be kept just now. Please try again in a moment."
        self.phones.add(phone)
        return None
