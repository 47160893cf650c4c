"""The things a lens event talks about: stages, transitions, teams, personas, journeys, tags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from .routes import Routes

if TYPE_CHECKING:
    import networkx as nx

ID_PATTERN = r"^[A-Za-z0-9_-]+$"

Identifier = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]

StageKind = Literal["entry", "step", "wait", "decision", "exit"]
STAGE_KINDS: tuple[str, ...] = ("entry", "step", "wait", "decision", "exit")

TagKind = Literal["positive", "barrier", "risk"]
TAG_KINDS: tuple[str, ...] = ("positive", "barrier", "risk")
IssueKind = Literal["barrier", "risk"]

Principle = Literal["safety", "trust", "choice", "collaboration", "empowerment"]
PRINCIPLES: tuple[str, ...] = ("safety", "trust", "choice", "collaboration", "empowerment")

Theme = Literal[
    "culture",
    "leadership",
    "wellbeing",
    "power-sharing",
    "skills",
    "data",
    "policies",
    "budgets",
    "service-design",
]
THEMES: tuple[str, ...] = Theme.__args__  # type: ignore[attr-defined]

RaisedBy = Literal["lived-experience", "staff", "partner"]
Window = Literal["within", "hyper", "hypo"]
Effort = Literal["S", "M", "L"]
PlanStatus = Literal["not started", "in progress", "done", "dropped"]
PLAN_STATUSES: tuple[str, ...] = PlanStatus.__args__  # type: ignore[attr-defined]


class Record(BaseModel):
    """Base for everything read from a facilitator's file: unknown keys are errors, never ignored,
    and values are not quietly converted (a quoted "32" is not an age)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Stage(Record):
    id: Identifier
    label: Text
    kind: StageKind = "step"
    service: Text | None = None
    description: LongText | None = None
    prompts: list[Text] = []
    asks_story: bool = Field(default=False, exclude_if=lambda asks: not asks)
    """Whether the person is asked for their story (their history, their trauma) again here:
    the retellings a journey counts. Left out of a file when false, so files without it are
    as they were."""


class Transition(Record):
    from_: Identifier = Field(alias="from")
    to: Identifier
    label: Text | None = None


class Pathway(Record):
    """A service pathway as drafted from the service's own documentation."""

    format: Literal[1] = 1
    id: Identifier
    title: Text
    description: LongText | None = None
    stages: Annotated[list[Stage], Field(min_length=1)]
    transitions: list[Transition] = []

    def dump(self) -> dict:
        """The same object as a pathway file holds."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False):
        """A copy that works out its own index and routes (pydantic would copy those of this
        pathway along with its fields, stale once `update` changes the stages)."""
        copied = super().model_copy(update=update, deep=deep)
        for name in _WORKED_OUT:
            copied.__dict__.pop(name, None)
        return copied

    @cached_property
    def stages_by_id(self) -> dict[str, Stage]:
        return {s.id: s for s in self.stages}

    def stage(self, stage_id: str) -> Stage:
        return self.stages_by_id[stage_id]

    def label_of(self, stage_id: str) -> str:
        """The stage's label, or the id itself when this pathway has no such stage (as the
        room wrote it: wrap it in `shown` to show it)."""
        found = self.stages_by_id.get(stage_id)
        return found.label if found else stage_id

    @cached_property
    def graph(self) -> nx.DiGraph:
        """Stages as nodes (fields as attributes), transitions as edges, in file order."""
        import networkx as nx

        g = nx.DiGraph(id=self.id, title=self.title)
        for s in self.stages:
            g.add_node(
                s.id,
                label=s.label,
                kind=s.kind,
                service=s.service,
                description=s.description,
                prompts=list(s.prompts),
                asks_story=s.asks_story,
            )
        for t in self.transitions:
            if not g.has_edge(t.from_, t.to):
                g.add_edge(t.from_, t.to, label=t.label)
        return g

    @cached_property
    def routes(self) -> Routes:
        """The pathway's one index of its routes (next stages, ways in, depths, layers)."""
        stages = [(s.id, s.kind) for s in self.stages]
        return Routes.build(stages, ((t.from_, t.to) for t in self.transitions))

    @cached_property
    def entries(self) -> list[str]:
        """Stages marked `entry`; where none are, the stages nothing leads into."""
        return list(self.routes.entries)

    def next_stages(self, stage_id: str) -> list[str]:
        """Where a transition leads from this stage, in file order."""
        return list(self.routes.next_stages(stage_id))

    @property
    def order(self) -> dict[str, int]:
        """Each stage's position in the pathway: breadth-first from the entries, entries and
        transitions in file order; stages that cannot be reached come last, in file order."""
        return self.routes.order


_WORKED_OUT = [name for name, value in vars(Pathway).items() if isinstance(value, cached_property)]


class Team(Record):
    id: Identifier
    name: Text
    risk: Text | None = None
    purpose: LongText | None = None


class Persona(Record):
    id: Identifier
    name: Text
    age: Annotated[int, Field(ge=0, le=120)] | None = None
    team: Identifier | None = None
    summary: LongText = ""
    entry: Identifier | None = None
    content_notes: list[Text] = []


def persona_names(personas: Iterable[Persona]) -> dict[str, str]:
    """Each persona's name by its id, as the vignette file wrote it (wrap a name in `shown`
    to show it)."""
    return {p.id: p.name for p in personas}


class Vignettes(Record):
    """Teams and the fictitious personas they walk through the pathway."""

    format: Literal[1] = 1
    teams: list[Team] = []
    personas: list[Persona] = []


class Step(Record):
    stage: Identifier
    window: Window | None = None


class Journey(Record):
    persona: Identifier
    steps: list[Step] = []
    outcome: Text | None = None


_RANK = {p: i for i, p in enumerate(PRINCIPLES)}
_CANONICAL = frozenset(  # every list of principles already as it is kept (32 of them)
    tuple(p for i, p in enumerate(PRINCIPLES) if n >> i & 1) for n in range(1 << len(PRINCIPLES))
)


def _canonical_principles(value: list[str]) -> list[str]:
    if tuple(value) in _CANONICAL:
        return value  # called for every tag read: a long session has tens of thousands
    if len(set(value)) != len(value):
        raise ValueError("lists a principle more than once")
    return sorted(value, key=_RANK.__getitem__)


class Tag(Record):
    """What the room noticed at one stage: never a participant's name, only what was seen."""

    id: Identifier
    stage: Identifier
    persona: Identifier | None = None
    kind: TagKind
    note: LongText = ""
    severity: Annotated[int, Field(ge=1, le=3)] = 2
    principles: list[Principle] = []
    theme: Theme | None = None
    raised_by: RaisedBy | None = None
    keep_in_room: bool = Field(default=False, exclude_if=lambda keep: not keep)
    """The facilitator marked the note to stay in the room: a copy for circulation leaves the
    note out (the tag still counts). Left out of a file when false."""

    _principles = field_validator("principles")(_canonical_principles)


class IssueNotes(Record):
    """The facilitator's edits to one issue, an issue being the barriers or the risks of a stage."""

    stage: Identifier
    kind: IssueKind
    title: Text | None = None
    votes: Annotated[int, Field(ge=0, le=10_000)] = 0
    effort: Effort | None = None
    owner: Text | None = None
    timeframe: Text | None = None
    # What the implementation group records in the plan afterwards. Each is left out of a
    # file while unset, so files without them are as they were and older lensmaps read them.
    action: LongText | None = Field(default=None, exclude_if=lambda value: value is None)
    """What will be done about it."""
    status: PlanStatus | None = Field(default=None, exclude_if=lambda value: value is None)
    progress: LongText | None = Field(default=None, exclude_if=lambda value: value is None)
    """The latest progress note (the session's log keeps every earlier one, with its time)."""

    @property
    def key(self) -> tuple[str, str]:
        return (self.stage, self.kind)


PLAN_FIELDS = ("effort", "action", "owner", "timeframe", "status", "progress")
"""What the implementation group's plan says about an issue, as a spreadsheet brings it back."""


class Event(Record):
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    date: str | None = None
    place: Text | None = None

    @field_validator("date")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(f'"{value}" is not a date; write it as YYYY-MM-DD') from None
        return value
