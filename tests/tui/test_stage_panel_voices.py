"""The map's stage panel names who raised a tag only for a group big enough to be shown."""

from __future__ import annotations

from lensmap.event.model import Tag
from lensmap.session.actions import TagAdded
from lensmap.tui.widgets.side_panels import stage_text


def test_who_raised_a_tag_shows_once_the_group_has_three_tags(store):
    for n in range(2):
        tag = Tag(id=f"le{n}", stage="triage", kind="barrier", raised_by="lived-experience")
        store.record(TagAdded(tag=tag))
    store.record(TagAdded(tag=Tag(id="s1", stage="triage", kind="risk", raised_by="staff")))
    assert "raised by" not in stage_text(store.state, "triage", {}).plain
    store.record(
        TagAdded(tag=Tag(id="le2", stage="review", kind="barrier", raised_by="lived-experience"))
    )
    panel = stage_text(store.state, "triage", {}).plain
    assert panel.count("raised by lived experience") == 2 and "raised by staff" not in panel
