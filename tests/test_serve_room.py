"""`lensmap serve --room`: the room's phones, as a phone and as someone trying their luck
would reach them. Notes are held for the facilitator; nothing is served without the key (or
the join code); a note needs this page's own secret and lensmap's own Origin; limits hold;
every refusal is calm, said in one line, and changes nothing."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from lensmap.files.examples import example_pathway
from lensmap.serve.phones import JOINS_PER_MINUTE, NOTES_PER_MINUTE
from lensmap.session.store import SessionStore
from tests.test_serve_abuse import KEY, calm, free_port

HOSTILE_LABEL = "Tri<script>alert(1)</script>age"


class Room:
    def __init__(self, server, port, session, key, phone_key, out, err) -> None:
        self.server, self.port, self.session, self.key = server, port, session, key
        self.phone_key = phone_key
        self.out, self.err = out, err

    def request(
        self, method: str, path: str, body: dict | None = None, *, cookie: str = "",
        origin: str | None = "own",
    ) -> http.client.HTTPResponse:  # fmt: skip
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        here = f"127.0.0.1:{self.port}"
        headers = {"Host": here}
        if origin == "own":
            origin = f"http://{here}"
        if origin:
            headers["Origin"] = origin
        if cookie:
            headers["Cookie"] = cookie
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        response.text = response.read().decode("utf-8", "replace")  # type: ignore[attr-defined]
        conn.close()
        return response

    def phone(self) -> tuple[str, str]:
        """Open the phone page as a new phone: its cookie and its page's secret."""
        page = self.request("GET", f"/{self.phone_key}/phone", origin=None)
        assert page.status == 200, page.text
        cookie = page.headers["Set-Cookie"].split(";", 1)[0]
        check = re.search(r'name="check" value="([0-9a-f]+)"', page.text)[1]
        return cookie, check


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    data = tmp_path_factory.mktemp("serve-room")
    pathway = data / "pathway.toml"
    text = example_pathway().read_text(encoding="utf-8")
    pathway.write_text(text.replace('label = "Triage"', f'label = "{HOSTILE_LABEL}"'), "utf-8")
    session = data / "event.lens"
    env = {**os.environ, "LENSMAP_DATA_DIR": str(data / "data")}
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "lensmap", "serve", str(pathway), "--session", str(session),
         "--port", str(port), "--no-browser", "--room", "--dots", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
        text=True,
    )  # fmt: skip
    out: list[str] = []
    while not any(line.startswith("Press Ctrl+C") for line in out):
        line = server.stdout.readline()
        assert line, (out, server.stderr.read())
        out.append(line.rstrip("\n"))
    err: list[str] = []
    threading.Thread(
        target=lambda: err.extend(line.rstrip() for line in server.stderr), daemon=True
    ).start()
    key = KEY.search("\n".join(out))[1]  # the team pages', printed first
    phone_key = KEY.search(next(line for line in out if line.endswith("/phone")))[1]
    yield Room(server, port, session, key, phone_key, out, err)
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGKILL)


def test_the_terminal_says_phones_need_the_network_on_loopback(room):
    said = "\n".join(room.out)
    assert "Phones: they reach lensmap only over the room's network" in said
    assert f"Phones: open http://127.0.0.1:{room.port}/{room.phone_key}/phone" in said
    assert room.phone_key != room.key


def test_nothing_without_the_key_and_the_page_is_plain_and_escaped(room):
    assert room.request("GET", "/abcd-efgh-jkmn/phone").status == 403
    # Each key opens only its own pages: a phone's address never opens a team's app.
    assert room.request("GET", f"/{room.key}/phone", origin=None).status == 403
    assert room.request("GET", f"/{room.phone_key}/", origin=None).status == 403
    assert room.request("GET", f"/{room.key}/", origin=None).status == 200
    assert room.request("POST", "/abcd-efgh-jkmn/note", {"note": "x"}).status == 403
    page = room.request("GET", f"/{room.phone_key}/phone", origin=None)
    assert page.status == 200
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script" not in policy  # no script may run
    assert "<script" not in page.text
    assert "Tri&lt;script&gt;alert(1)&lt;/script&gt;age" in page.text  # a label, as words
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert re.match(r"lensmap_phone=p[a-z0-9]{8};", cookie)  # a random id, nothing else
    assert "name" not in re.sub(r'name="\w+"', "", page.text).lower().replace("names", "")


def test_a_note_is_held_for_the_facilitator_with_the_phones_id(room):
    cookie, check = room.phone()
    sent = room.request("POST", f"/{room.phone_key}/note", {
        "check": check, "stage": "triage", "kind": "barrier", "standpoint": "lived-experience",
        "note": "Nobody said how long the wait would be",
    }, cookie=cookie)  # fmt: skip
    assert sent.status == 303 and sent.headers["Location"] == "phone?said=sent"
    thanks = room.request("GET", f"/{room.phone_key}/phone?said=sent", cookie=cookie, origin=None)
    assert "Your note is with the facilitator" in thanks.text
    with SessionStore.open(room.session, readonly=True) as store:
        held = [t for t in store.state.held.values() if t.note.startswith("Nobody said")]
        assert len(held) == 1 and held[0].raised_by == "lived-experience"
        assert not any(t.note.startswith("Nobody said") for t in store.state.tags.values())
        assert store.entries[-1].device == cookie.split("=", 1)[1]


def test_a_note_without_the_pages_secret_or_origin_is_refused_and_changes_nothing(room):
    cookie, check = room.phone()
    before = room.session.stat().st_mtime_ns
    note = {"check": check, "stage": "triage", "kind": "risk", "note": "x", "standpoint": ""}
    forged = {**note, "check": "0" * 32}
    assert room.request("POST", f"/{room.phone_key}/note", forged, cookie=cookie).status == 403
    other_site = room.request("POST", f"/{room.phone_key}/note", note, cookie=cookie,
                              origin="http://evil.example")  # fmt: skip
    assert other_site.status == 403
    assert (
        room.request("POST", f"/{room.phone_key}/note", note, cookie=cookie, origin=None).status
        == 403
    )
    other_phone, _ = room.phone()
    assert room.request("POST", f"/{room.phone_key}/note", note, cookie=other_phone).status == 403
    assert room.session.stat().st_mtime_ns == before


def test_bad_notes_keep_what_was_typed_and_say_what_to_do(room):
    cookie, check = room.phone()
    base = {"check": check, "kind": "barrier", "standpoint": "", "note": "Kept words"}
    for body, words in [
        ({**base, "stage": "nowhere"}, "Choose a stage from the list."),
        ({**base, "stage": "triage", "kind": "other"}, "Choose what kind of note this is."),
        ({**base, "stage": "triage", "note": "x" * 1001}, "longer than 1000 characters"),
        ({**base, "stage": "triage", "note": "   "}, "Write a few words first."),
    ]:
        answer = room.request("POST", f"/{room.phone_key}/note", body, cookie=cookie)
        assert answer.status == 400 and words in answer.text, (body, answer.text[:300])
        assert body["note"].strip()[:50] in answer.text  # what was typed is still there


def test_one_phone_cannot_flood_the_wall(room):
    cookie, check = room.phone()
    note = {"check": check, "stage": "triage", "kind": "positive", "standpoint": "staff"}
    answers = [
        room.request(
            "POST", f"/{room.phone_key}/note", {**note, "note": f"Flood {n}"}, cookie=cookie
        )
        for n in range(NOTES_PER_MINUTE + 1)
    ]
    assert [a.status for a in answers] == [303] * NOTES_PER_MINUTE + [429]
    assert "what you wrote is still here" in answers[-1].text
    assert f"Flood {NOTES_PER_MINUTE}" in answers[-1].text


def test_the_join_code_leads_to_the_phone_page_and_guessing_is_limited(room):
    page = room.request("GET", "/join", origin=None)
    assert page.status == 200 and "The code on the wall" in page.text
    wrong = room.request("POST", "/join", {"code": "zzzzzz"})
    assert wrong.status == 403 and "did not match" in wrong.text
    code = re.search(r"/join and type the code ([a-z0-9]{6})", "\n".join(room.out))
    right = room.request("POST", "/join", {"code": code[1].upper()})
    assert right.status == 303 and right.headers["Location"] == f"/{room.phone_key}/phone"
    for _ in range(JOINS_PER_MINUTE):
        last = room.request("POST", "/join", {"code": "zzzzzz"})
    assert last.status == 429


def test_dots_are_counted_blind_and_limited_to_each_phones_share(room):
    from lensmap.event.model import Tag
    from lensmap.session.actions import TagAdded, new_device

    with SessionStore.open(room.session, device=new_device()) as wall:  # a barrier on the wall
        wall.record(TagAdded(tag=Tag(id="w1", stage="triage", kind="barrier", note="Letter")))
        before = wall.state.issues.get(("triage", "barrier"))
    before_votes = before.votes if before else 0
    cookie, check = room.phone()
    page = room.request("GET", f"/{room.phone_key}/phone", cookie=cookie, origin=None)
    assert "You have 2 of 2 dots left" in page.text
    assert "Give a dot: A barrier at Tri&lt;script&gt;" in page.text
    dot = {"check": check, "stage": "triage", "kind": "barrier"}
    answers = [room.request("POST", f"/{room.phone_key}/dot", dot, cookie=cookie) for _ in range(3)]
    assert [a.status for a in answers] == [303, 303, 400]
    assert "given all 2 of your dots" in answers[-1].text
    page = room.request("GET", f"/{room.phone_key}/phone?said=dot", cookie=cookie, origin=None)
    assert "Your dot is counted" in page.text and "You have given all 2 of your dots" in page.text
    assert "disabled" in page.text
    assert "votes" not in page.text.lower().replace("dot votes", "")  # no count is shown
    nowhere = {**dot, "stage": "gp_referral"}  # no barrier on the wall there
    other, other_check = room.phone()
    refused = room.request("POST", f"/{room.phone_key}/dot", {**nowhere, "check": other_check},
                           cookie=other)  # fmt: skip
    assert refused.status == 400 and "Choose one of the issues" in refused.text
    with SessionStore.open(room.session, readonly=True) as stored:
        assert stored.state.issues[("triage", "barrier")].votes == before_votes + 2


def test_a_paused_room_pauses_the_phones_too(room):
    from lensmap.session.actions import RoomSet, new_device

    cookie, _ = room.phone()
    with SessionStore.open(room.session, device=new_device()) as wall:
        wall.record(RoomSet(setting="paused", on=True))
        page = room.request("GET", f"/{room.phone_key}/phone", cookie=cookie, origin=None)
        assert "The facilitator has paused every screen" in page.text
        assert "<form" not in page.text and "Triage" not in page.text.replace("Tri&lt;", "")
        assert '<meta http-equiv="refresh" content="10">' in page.text
        wall.record(RoomSet(setting="paused", on=False))
    page = room.request("GET", f"/{room.phone_key}/phone", cookie=cookie, origin=None)
    assert "<form" in page.text and "paused" not in page.text


def test_notes_at_once_and_the_end_of_the_event_reach_the_phones(room):
    from lensmap.session.actions import RoomSet, new_device

    cookie, check = room.phone()
    note = {"check": check, "stage": "triage", "kind": "positive", "standpoint": ""}
    with SessionStore.open(room.session, device=new_device()) as wall:
        wall.record(RoomSet(setting="notes_at_once", on=True))
        sent = room.request("POST", f"/{room.phone_key}/note", {**note, "note": "Straight up"},
                            cookie=cookie)  # fmt: skip
        assert sent.status == 303
        wall.refresh()
        assert any(t.note == "Straight up" for t in wall.state.tags.values())  # on the wall
        wall.record(RoomSet(setting="ended", on=True))
        page = room.request("GET", f"/{room.phone_key}/phone", cookie=cookie, origin=None)
        assert "The event has ended" in page.text and "<form" not in page.text
        late = room.request("POST", f"/{room.phone_key}/note", {**note, "note": "Too late"},
                            cookie=cookie)  # fmt: skip
        assert late.status == 409 and "The event has ended" in late.text
        wall.refresh()
        assert not any("Too late" in t.note for t in [*wall.state.tags.values(),
                                                        *wall.state.held.values()])  # fmt: skip
        wall.undo()  # the facilitator takes the end back: the room carries on
        page = room.request("GET", f"/{room.phone_key}/phone", cookie=cookie, origin=None)
        assert "<form" in page.text


def test_stopping_says_how_many_phones_and_every_refusal_was_one_calm_line(room):
    from lensmap.session.actions import RoomSet, new_device

    # A note still held when the server stops, whichever of this file's tests ran before
    # (under xdist each worker has its own server, and another test may hold none back).
    with SessionStore.open(room.session, device=new_device()) as wall:
        if wall.state.room.get("notes_at_once"):
            wall.record(RoomSet(setting="notes_at_once", on=False))
    cookie, check = room.phone()
    note = {"check": check, "stage": "triage", "kind": "barrier", "standpoint": "",
            "note": "Still waiting when the server stops"}  # fmt: skip
    assert room.request("POST", f"/{room.phone_key}/note", note, cookie=cookie).status == 303
    room.request("POST", "/join", {"code": "zzzzzz"})  # at least one refusal, said in a line
    time.sleep(0.3)
    assert room.err and calm(room.err), room.err
    assert all(line.startswith("lensmap serve: ") for line in room.err), room.err
    os.killpg(room.server.pid, signal.SIGINT)
    out, _ = room.server.communicate(timeout=20)
    assert room.server.returncode == 0
    said = out.splitlines()
    assert any(re.fullmatch(r"\d+ phones? sent notes or dots\.", line) for line in said), said
    assert any(re.fullmatch(r"\d+ notes? from phones still waiting: .*press h.*", line)
               for line in said), said  # fmt: skip
    assert said[-1].startswith("Stopped. Session saved in")
    assert Path(room.session).stat().st_mode & 0o777 == 0o600
