"""JSON interchange round trips, and merging the sessions teams kept on their own laptops."""

from __future__ import annotations

import json

import pytest

from lensmap.event.model import IssueNotes, Tag
from lensmap.files.problems import LoadError
from lensmap.session.actions import IssueEdited, OutcomeSet, StepTaken, TagAdded, WindowSet
from lensmap.session.content import SessionContent
from lensmap.session.interchange import document, dumps, load_json, read_session, write_json
from lensmap.session.merge import merge_sessions
from lensmap.session.store import SessionStore


def walk(store: SessionStore, persona: str, stages: list[str]) -> None:
    for stage in stages:
        store.record(StepTaken(persona=persona, stage=stage))


@pytest.fixture
def worked(store):
    """A session with journeys, every kind of tag, and issue edits."""
    walk(store, "ollie", ["gp_referral", "triage", "waiting_list", "comprehensive_assessment"])
    store.record(WindowSet(persona="ollie", step=4, window="hyper"))
    walk(store, "stuart", ["criminal_justice_order", "custody"])
    store.record(OutcomeSet(persona="stuart", outcome="Fatal overdose after release"))
    store.record(
        TagAdded(
            tag=Tag(
                id="t1", stage="comprehensive_assessment", persona="ollie", kind="risk",
                note='Asked to retell her story "again"; <no> \\ {braces}', severity=3,
                principles=["safety", "choice"], theme="service-design",
                raised_by="lived-experience",
            )
        )
    )  # fmt: skip
    store.record(TagAdded(tag=Tag(id="t2", stage="waiting_list", kind="positive", note="Leaflet")))
    store.record(TagAdded(tag=Tag(id="t3", stage="triage", kind="barrier", persona="stuart")))
    store.record(
        IssueEdited(
            issue=IssueNotes(
                stage="comprehensive_assessment", kind="risk", title="Stop the retelling",
                votes=5, effort="M", owner="Service lead", timeframe="3 months",
            )
        )
    )  # fmt: skip
    return store


def test_export_matches_the_documented_shape(worked):
    doc = document(worked.state.content())
    assert doc["format"] == "lensmap-session" and doc["version"] == 1
    assert doc["event"] == {"title": "Lens event", "date": "2026-03-14", "place": "Community hub"}
    assert doc["pathway"]["format"] == 1 and doc["pathway"]["transitions"][0]["from"]
    ollie = doc["journeys"][0]
    assert ollie["persona"] == "ollie" and ollie["outcome"] is None
    assert ollie["steps"][0] == {"stage": "gp_referral", "window": None}
    assert ollie["steps"][3] == {"stage": "comprehensive_assessment", "window": "hyper"}
    assert doc["tags"][0] == {
        "id": "t1", "stage": "comprehensive_assessment", "persona": "ollie", "kind": "risk",
        "note": 'Asked to retell her story "again"; <no> \\ {braces}', "severity": 3,
        "principles": ["safety", "choice"], "theme": "service-design",
        "raised_by": "lived-experience",
    }  # fmt: skip
    assert doc["issues"] == [
        {
            "stage": "comprehensive_assessment", "kind": "risk", "title": "Stop the retelling",
            "votes": 5, "effort": "M", "owner": "Service lead", "timeframe": "3 months",
        }
    ]  # fmt: skip


def test_export_import_round_trip_without_loss(worked, tmp_path):
    first = tmp_path / "first.json"
    write_json(worked.state.content(), first)
    content, warnings = load_json(first)
    assert warnings == []
    assert content == worked.state.content()
    imported = SessionStore.create(tmp_path / "imported.lens", content)
    second = tmp_path / "second.json"
    write_json(imported.state.content(), second)
    assert first.read_bytes() == second.read_bytes()
    imported.close()


def test_imported_session_starts_with_nothing_to_undo(worked, tmp_path):
    imported = SessionStore.create(tmp_path / "i.lens", worked.state.content())
    assert not imported.can_undo
    assert imported.undo() is None
    imported.close()


def test_read_session_accepts_both_forms(worked, tmp_path):
    path = tmp_path / "x.json"
    write_json(worked.state.content(), path)
    assert read_session(path)[0] == read_session(worked.path)[0]


def test_json_problems_name_the_place(worked, tmp_path):
    doc = document(worked.state.content())
    doc["tags"][1]["stage"] = "waitng_list"
    doc["tags"][2]["severity"] = 5
    doc["journeys"][0]["persona"] = "olie"
    doc["issues"][0]["colour"] = "red"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(LoadError) as caught:
        load_json(path)
    joined = "\n".join(str(p) for p in caught.value.problems)
    assert 'tags[3] (id "t3"): "severity" is 5' in joined
    assert (
        'issues[1] (stage "comprehensive_assessment", kind "risk"): unknown key "colour"' in joined
    )
    # reference problems are found once the shapes are right
    doc["tags"][2]["severity"] = 3
    del doc["issues"][0]["colour"]
    path.write_text(json.dumps(doc))
    with pytest.raises(LoadError) as caught:
        load_json(path)
    joined = "\n".join(str(p) for p in caught.value.problems)
    assert 'tags[2] (id "t2"): stage "waitng_list" is not in the pathway; did you mean' in joined
    assert 'journeys[1] (persona "olie"): persona "olie" is not one of' in joined


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "lensmap-session", "version": 2}', "newer lensmap"),
        ('{"format": "something-else"}', "not a lensmap session"),
        ("[1, 2]", "not a lensmap session"),
        ('{"format": "lensmap-session", ', "not valid JSON"),
    ],
)
def test_json_that_is_not_a_session(tmp_path, text, message):
    path = tmp_path / "x.json"
    path.write_text(text)
    with pytest.raises(LoadError, match=message):
        load_json(path)


def test_json_export_never_replaces_unless_asked(worked, tmp_path):
    path = tmp_path / "x.json"
    path.write_text("keep me")
    with pytest.raises(LoadError, match="already exists"):
        write_json(worked.state.content(), path)
    assert path.read_text() == "keep me"
    write_json(worked.state.content(), path, replace=True)
    assert json.loads(path.read_text())["format"] == "lensmap-session"


# -- merge ---------------------------------------------------------------------------------


def team_session(tmp_path, content, name, persona, stages, tags):
    store = SessionStore.create(tmp_path / f"{name}.lens", content)
    walk(store, persona, stages)
    for tag in tags:
        store.record(TagAdded(tag=tag))
    result = store.state.content()
    store.close()
    return result


def test_merge_unions_teams_work_and_is_idempotent(tmp_path, content):
    a = team_session(
        tmp_path, content, "a", "ollie", ["gp_referral", "triage"],
        [Tag(id="ta", stage="triage", kind="barrier", persona="ollie")],
    )  # fmt: skip
    b = team_session(
        tmp_path, content, "b", "stuart", ["prison_release", "housing_support"],
        [Tag(id="tb", stage="housing_support", kind="risk", persona="stuart")],
    )  # fmt: skip
    merged, notes = merge_sessions([("a", a), ("b", b)])
    assert notes == []
    assert {j.persona for j in merged.journeys} == {"ollie", "stuart"}
    assert {t.id for t in merged.tags} == {"ta", "tb"}
    twice, notes = merge_sessions([("a", a), ("b", b), ("a again", a), ("merged", merged)])
    assert notes == []
    assert twice == merged


def test_merge_keeps_the_longer_copy_of_the_same_journey(tmp_path, content):
    early = team_session(tmp_path, content, "early", "ollie", ["gp_referral"], [])
    later = team_session(tmp_path, content, "later", "ollie", ["gp_referral", "triage"], [])
    merged, notes = merge_sessions([("later", later), ("early", early)])
    assert [s.stage for s in merged.journeys[0].steps] == ["gp_referral", "triage"]
    assert notes == []


def test_merge_never_drops_a_differing_tag_with_the_same_id(tmp_path, content):
    a = team_session(
        tmp_path, content, "a", "ollie", [], [Tag(id="t1", stage="triage", kind="barrier")]
    )
    b = team_session(
        tmp_path, content, "b", "jay", [], [Tag(id="t1", stage="review", kind="positive")]
    )
    merged, notes = merge_sessions([("a", a), ("b", b)])
    assert len(merged.tags) == 2
    assert {t.stage for t in merged.tags} == {"triage", "review"}
    assert any('tag "t1"' in note and "both kept" in note for note in notes)


def test_merge_says_which_journey_it_kept_when_they_differ(tmp_path, content):
    a = team_session(tmp_path, content, "a", "ollie", ["gp_referral", "triage"], [])
    b = team_session(tmp_path, content, "b", "ollie", ["self_referral"], [])
    merged, notes = merge_sessions([("a.lens", a), ("b.lens", b)])
    assert [s.stage for s in merged.journeys[0].steps] == ["gp_referral", "triage"]
    assert any("still in b.lens" in note for note in notes)


def test_merge_combines_issue_edits(content):
    a = content.model_copy(update={"issues": [IssueNotes(stage="triage", kind="barrier", votes=3)]})
    b = content.model_copy(
        update={"issues": [IssueNotes(stage="triage", kind="barrier", owner="Team lead")]}
    )
    merged, _ = merge_sessions([("a", a), ("b", b)])
    assert merged.issues == [IssueNotes(stage="triage", kind="barrier", votes=3, owner="Team lead")]


def test_merge_refuses_different_pathways(content, tmp_path):
    from lensmap.files.examples import pathways_folder
    from lensmap.files.pathway import load_pathway

    island, _ = load_pathway(pathways_folder() / "island-service.toml")
    other = SessionContent(pathway=island)
    with pytest.raises(LoadError, match="same pathway"):
        merge_sessions([("a", content), ("b", other)])
    changed = content.pathway.model_copy(update={"title": "Edited title"})
    with pytest.raises(LoadError, match="different version"):
        merge_sessions([("a", content), ("b", content.model_copy(update={"pathway": changed}))])


def test_dumps_is_utf8_and_readable(worked):
    text = dumps(worked.state.content())
    assert '"note": "Asked to retell her story \\"again\\"' in text
