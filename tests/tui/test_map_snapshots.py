"""Snapshots of the map and a journey under way, at the two sizes a room sees."""

from __future__ import annotations

import pytest

from lensmap.event.model import Tag
from lensmap.session.actions import StepTaken, TagAdded, WindowSet
from lensmap.tui.app import make_app

SIZES = [(120, 36), (80, 24)]


def steady(pilot) -> None:
    """The header would show this test's temporary folder; show a fixed name instead."""
    pilot.app.sub_title = "session: event.lens"


@pytest.mark.parametrize("size", SIZES)
def test_map_as_it_opens(snap_compare, store, size):
    assert snap_compare(make_app(store), terminal_size=size, run_before=steady)


@pytest.mark.parametrize("size", SIZES)
def test_journey_under_way(snap_compare, store, size):
    for stage in ("gp_referral", "triage", "waiting_list", "comprehensive_assessment"):
        store.record(StepTaken(persona="ollie", stage=stage))
    store.record(WindowSet(persona="ollie", step=4, window="hyper"))
    store.record(
        TagAdded(
            tag=Tag(
                id="t1",
                stage="comprehensive_assessment",
                persona="ollie",
                kind="risk",
                note="Asked to retell her trauma history to a new worker",
                severity=3,
                principles=["safety", "trust"],
                raised_by="lived-experience",
            )
        )
    )
    store.record(TagAdded(tag=Tag(id="t2", stage="waiting_list", kind="positive", note="Leaflet")))
    store.record(TagAdded(tag=Tag(id="t3", stage="triage", kind="barrier", persona="ollie")))
    assert snap_compare(make_app(store), terminal_size=size, run_before=steady)
