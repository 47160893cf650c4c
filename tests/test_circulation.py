"""A copy for circulation: no event place, no note the facilitator kept in the room (its tag
still counts), no session.json, and check-before-sharing.md listing the words that look like
names, each with where it is; a reading aid that says it promises nothing."""

from __future__ import annotations

import json
import zipfile

import pytest

from lensmap.cli import main
from lensmap.event.model import Event, Tag
from lensmap.export.circulation import name_like_words
from lensmap.export.writer import export_session
from lensmap.session.actions import EventEdited, TagAdded
from lensmap.session.store import SessionStore
from tests.workshop import record_morning

KEPT = "Mary at the desk told Jim's sister everything"
NAMED = "The letter came from Dr Patel in Lochmaddy. It said nothing about Triage for Ollie."


@pytest.fixture
def session(tmp_path, content):
    path = tmp_path / "event.lens"
    with SessionStore.create(path, content) as store:
        record_morning(store)
        store.record(EventEdited(event=Event(title="Lens event", place="Stornoway hall")))
        store.record(
            TagAdded(tag=Tag(id="k1", stage="triage", kind="barrier", severity=3, note=KEPT,
                             keep_in_room=True))
        )  # fmt: skip
        store.record(TagAdded(tag=Tag(id="k2", stage="review", kind="risk", note=NAMED)))
    return path


def every_text(folder) -> dict[str, str]:
    """Each file's text, a workbook's XML parts included."""
    found = {}
    for path in folder.rglob("*"):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                found[path.name] = "".join(book.read(n).decode() for n in book.namelist())
        elif path.is_file():
            found[path.name] = path.read_text(encoding="utf-8-sig")
    return found


def test_a_copy_for_circulation_leaves_out_the_place_and_the_kept_note(session, tmp_path, capsys):
    out = tmp_path / "copy"
    assert main(["export", str(session), "--for-circulation", "--out", str(out),
                 "--formats", "svg"]) == 0  # fmt: skip
    said = capsys.readouterr().out
    assert "1 note marked “keep in the room” left out of this copy" in said
    assert "read check-before-sharing.md before sending this folder" in said
    assert not (out / "session.json").exists()
    texts = every_text(out)
    assert {"index.html", "issues.md", "plan.xlsx", "what-we-heard.html"} <= set(texts)
    for name, text in texts.items():
        assert "Stornoway" not in text, name
        assert "Mary at the desk" not in text and "Jim's sister" not in text, name
    about = texts["about-this-copy.md"]
    assert "1 note the facilitator marked “keep in the room” is left out." in about
    assert "Its tag still counts in the priorities." in about
    # The kept note's tag still counts: triage's barrier has severity 3 from it.
    issues = {(i["stage"], i["kind"]): i for i in json.loads(texts["issues.json"])}
    assert issues["triage", "barrier"]["severity"] == 3

    full = tmp_path / "full"
    export_session(SessionStore.open(session, readonly=True).state.content(), full,
                   formats=("svg",))  # fmt: skip
    # The room's own export keeps it, and says it is to stay in the room.
    assert f"“{KEPT}” (general, severity 3, kept in the room)" in (full / "issues.md").read_text()
    assert "Stornoway" in (full / "index.html").read_text()


def test_check_before_sharing_lists_name_like_words_with_where_they_are(session, tmp_path):
    out = tmp_path / "copy"
    assert main(["export", str(session), "--for-circulation", "--out", str(out),
                 "--formats", "svg"]) == 0  # fmt: skip
    check = (out / "check-before-sharing.md").read_text()
    assert "It cannot promise that a note names nobody." in check
    assert "- **Patel**\n  - in a re-traumatisation risk note at Regular review (general):" in check
    assert "- **Lochmaddy**" in check
    for known in ("**Triage**", "**Ollie**", "**Dr**", "**It**", "**The**", "**Mary**"):
        assert known not in check, known


def test_what_counts_as_a_name(content):
    def words(note: str) -> list[str]:
        tagged = content.model_copy(
            update={"tags": [Tag(id="t", stage="triage", kind="barrier", note=note)]}
        )
        return [f.word for f in name_like_words(tagged)]

    assert words("Spoke to Ahmed. Then Bruno went to Housing support") == ["Ahmed"]
    assert words("“Nobody called back,” said Kerry-Ann") == ["Kerry-Ann"]
    assert words("- Seen at Balivanich\n- Fine at triage") == ["Balivanich"]
    assert words("no capitals at all") == []
    assert words("the GP and the NHS and A&E, Monday") == []


def test_a_folder_holding_a_full_export_is_refused(session, tmp_path, capsys):
    out = tmp_path / "same"
    export_session(SessionStore.open(session, readonly=True).state.content(), out,
                   formats=("svg",))  # fmt: skip
    before = (out / "session.json").read_bytes()
    assert main(["export", str(session), "--for-circulation", "--out", str(out)]) == 2
    assert "holds a full export (session.json" in capsys.readouterr().err
    assert (out / "session.json").read_bytes() == before
    assert not (out / "check-before-sharing.md").exists()


def test_keep_in_the_room_is_left_out_of_files_while_unset():
    assert "keep_in_room" not in Tag(id="t", stage="s", kind="risk").model_dump_json()
    assert (
        '"keep_in_room":true'
        in Tag(id="t", stage="s", kind="risk", keep_in_room=True).model_dump_json()
    )


def test_the_place_typed_into_a_title_or_note_is_taken_out_too(content, tmp_path):
    session = content.model_copy(
        update={
            "event": Event(title="Kinloch Hall lens event", place="Kinloch Hall"),
            "tags": [Tag(id="t", stage="triage", kind="barrier",
                         note="Kinloch folk said the kinloch hall bus never came")],
        }
    )  # fmt: skip
    out = tmp_path / "copy"
    export_session(session, out, formats=("svg",), for_circulation=True)
    for name, text in every_text(out).items():
        assert "kinloch hall" not in text.lower(), name
    assert "[the place] lens event" in (out / "index.html").read_text()
    about = (out / "about-this-copy.md").read_text()
    assert "The place was also typed into 2 notes, titles or plans" in about
    check = (out / "check-before-sharing.md").read_text()
    assert "- **Kinloch**\n  - in a barrier note at Triage (general): “Kinloch folk" in check


def test_names_after_a_title_a_colon_or_alone_in_an_owner_are_listed(content):
    from lensmap.event.model import IssueNotes

    tagged = content.model_copy(
        update={
            "tags": [Tag(id="t", stage="triage", kind="barrier",
                         note="Seen by Dr. Ross and Ms. Campbell; later: Fiona. HYPERLINK")],
            "issues": [IssueNotes(stage="triage", kind="barrier", owner="Shona")],
        }
    )  # fmt: skip
    assert [f.word for f in name_like_words(tagged)] == ["Ross", "Campbell", "Fiona", "Shona"]


def test_a_copy_written_again_removes_what_it_no_longer_writes(session, tmp_path, capsys):
    out = tmp_path / "copy"
    args = ["export", str(session), "--for-circulation", "--out", str(out)]
    assert main([*args, "--formats", "svg,dot"]) == 0
    assert (out / "maps" / "combined.dot").exists()
    assert main([*args, "--formats", "svg"]) == 0
    assert not (out / "maps" / "combined.dot").exists()  # it could hold a note kept since
    assert (out / "maps" / "combined.svg").exists() and (out / "plan.xlsx").exists()


def test_a_folder_of_other_files_is_refused(session, tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my own")
    assert main(["export", str(session), "--for-circulation", "--out", str(out)]) == 2
    assert "holds files that are not a copy for circulation" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
