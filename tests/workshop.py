"""A morning's work at a lens event, recorded as the app would: two journeys, tags with notes,
issue edits, and some hostile text, for tests that look at whole exports."""

from __future__ import annotations

from lensmap.event.model import IssueNotes, Tag
from lensmap.session.actions import IssueEdited, OutcomeSet, StepTaken, TagAdded
from lensmap.session.store import SessionStore

HOSTILE_NOTE = (
    "</title></text><script>alert('note')</script><img src=x onerror=alert(1)> "
    '"]; a -> b [label=" {x} \\N &amp; =HYPERLINK("http://example.com")'
)
HOSTILE_TITLE = "<svg onload=alert('title')><style>*{display:none}</style>Triage by phone only"

OLLIE = [("gp_referral", None), ("triage", None), ("waiting_list", "hyper"),
         ("comprehensive_assessment", "hyper"), ("care_plan", "within")]  # fmt: skip
STUART = [("prison_release", "hypo"), ("housing_support", None), ("fatal_overdose", None)]

TAGS = [
    Tag(id="w1", stage="triage", persona="ollie", kind="barrier", severity=2,
        note="Letter did not say what happens next", theme="policies",
        principles=["trust"]),
    Tag(id="w2", stage="waiting_list", persona="ollie", kind="positive",
        note="Leaflet explained the wait", raised_by="lived-experience"),
    Tag(id="w3", stage="comprehensive_assessment", persona="ollie", kind="risk", severity=3,
        note="Asked to retell her story", raised_by="lived-experience",
        principles=["safety", "choice"], theme="service-design"),
    Tag(id="w4", stage="housing_support", persona="stuart", kind="risk", severity=3,
        note="Housed near old associates", theme="budgets"),
    Tag(id="w5", stage="triage", kind="barrier", severity=2, note=HOSTILE_NOTE,
        raised_by="partner"),
    Tag(id="w6", stage="prison_release", persona="stuart", kind="positive",
        note="Naloxone given at the gate", principles=["safety"]),
]  # fmt: skip


def record_morning(store: SessionStore) -> None:
    for persona, steps in (("ollie", OLLIE), ("stuart", STUART)):
        for stage, window in steps:
            store.record(StepTaken(persona=persona, stage=stage, window=window))
    store.record(OutcomeSet(persona="stuart", outcome="Fatal overdose after release"))
    for tag in TAGS:
        store.record(TagAdded(tag=tag))
    store.record(
        IssueEdited(
            issue=IssueNotes(stage="triage", kind="barrier", title=HOSTILE_TITLE, votes=4,
                             effort="S", owner="@Service lead", timeframe="3 months")
        )
    )  # fmt: skip
