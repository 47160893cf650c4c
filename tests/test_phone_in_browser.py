"""The room's phone page in a real browser at a phone's size, and at 200% zoom: a note sent
from it is held, and reaches the wall only once the facilitator puts it there."""

from __future__ import annotations

from lensmap.session.actions import NoteDecided, new_device
from lensmap.session.store import SessionStore
from tests.test_serve_room import room  # noqa: F401  (the served room, as a fixture)

PHONE = {"width": 390, "height": 844}


def test_a_phone_sends_a_note_that_waits_for_the_facilitator(room, chromium, tmp_path):  # noqa: F811
    # A team's page (the app, with the team pages' key), open beside the phone.
    from tests.test_serve_in_browser import Screen

    team_page = chromium.new_page(viewport={"width": 1280, "height": 800})
    team = Screen(team_page)
    team_page.goto(f"http://127.0.0.1:{room.port}/{room.key}/")
    team.wait_for("Which team")
    team_page.keyboard.press("1")
    team.wait_for("Ways in")
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                   has_touch=True)  # fmt: skip
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"http://127.0.0.1:{room.port}/join")
    page.fill("#code", "not it")
    page.click("button")
    assert "did not match" in page.inner_text("main")
    code = next(line for line in room.out if "/join and type the code" in line).split()[-1]
    page.fill("#code", code)
    page.click("button")
    page.wait_for_url(f"**/{room.phone_key}/phone")
    page.select_option("#stage", "triage")
    page.check("input[name=kind][value=risk]")
    page.fill("#note", "Being asked to tell my story again at the front desk")
    page.check("input[name=standpoint][value=lived-experience]")
    page.screenshot(path=str(tmp_path / "phone-filled.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_url("**/phone?said=sent")
    assert "Your note is with the facilitator" in page.inner_text("main")
    page.screenshot(path=str(tmp_path / "phone-sent.png"), full_page=True)
    # Every target is big enough for a thumb.
    heights = page.eval_on_selector_all(
        ".choice, button, select", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert min(heights) >= 44, heights

    team_page.wait_for_timeout(1500)  # the team page has looked at the file since
    assert "from the room" not in "".join(team.frames)  # held: not the team's to read
    with SessionStore.open(room.session, device=new_device()) as wall:
        held = [t for t in wall.state.held.values() if t.note.startswith("Being asked")]
        assert len(held) == 1 and held[0].kind == "risk"
        assert not any(t.note.startswith("Being asked") for t in wall.state.tags.values())
        drawn = len(team.frames)
        wall.record(NoteDecided(id=held[0].id, accepted=True))
    team.wait_for("From another", after=drawn)  # on the wall: the team page says so
    team_page.screenshot(path=str(tmp_path / "team-page.png"))
    team_page.close()
    with SessionStore.open(room.session, readonly=True) as after:
        assert after.state.tags[held[0].id].raised_by == "lived-experience"

    # At 200% zoom a 390-pixel phone is 195 CSS pixels wide: still nothing to scroll sideways.
    zoomed = chromium.new_context(viewport={"width": 195, "height": 422}, device_scale_factor=4)
    small = zoomed.new_page()
    small.goto(f"http://127.0.0.1:{room.port}/{room.phone_key}/phone")
    wide = small.evaluate("document.documentElement.scrollWidth")
    assert wide <= 195, wide
    small.screenshot(path=str(tmp_path / "phone-200.png"), full_page=True)
    small.screenshot(path=str(tmp_path / "phone-200-top.png"))
    zoomed.close()
    context.close()
    # The one refusal the browser reports is the wrong join code (403, as it should be).
    assert problems == ["Failed to load resource: the server responded with a status of 403 "
                        "(Forbidden)"], problems  # fmt: skip
