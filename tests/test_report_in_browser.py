"""index.html as a reviewer opens it: in headless Chromium, with no network, nothing typed in
the room ever running as code, and every map drawn."""

from __future__ import annotations

import pytest

from lensmap.event.model import Event
from lensmap.export.writer import export_session
from lensmap.session.actions import EventEdited
from tests.browser import watch
from tests.workshop import HOSTILE_NOTE, HOSTILE_TITLE, record_morning


@pytest.fixture
def report(store, tmp_path):
    store.record(
        EventEdited(event=Event(title="Lens event <i>&amp;</i>", date="2026-03-14",
                                place="Hub</p><script>alert('place')</script>"))
    )  # fmt: skip
    record_morning(store)
    folder = tmp_path / "export"
    export_session(store.state.content(), folder, formats=("svg",))
    return folder / "index.html"


def test_report_opens_offline_with_no_errors_and_runs_nothing_typed(chromium, report, tmp_path):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def refuse(route) -> None:  # the page itself, and nothing else; record anything else
        if route.request.url == report.as_uri():
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", refuse)
    page = context.new_page()
    seen = watch(page)
    page.goto(report.as_uri(), wait_until="load")
    page.wait_for_timeout(300)  # let any late request or script show itself

    assert seen.console_errors == [] and seen.page_errors == []
    assert seen.dialogs == []  # no alert() from a note, a title or the event place
    assert outside == []
    assert all(url == report.as_uri() for url in seen.requests), seen.requests
    assert page.locator("script, iframe, object, embed, img").count() == 0
    assert page.locator("[onload], [onerror], [onclick]").count() == 0

    text = page.inner_text("body")
    for typed in (HOSTILE_TITLE, HOSTILE_NOTE, "Lens event <i>&amp;</i>"):
        assert typed in text  # shown as the words people typed, not as markup
    assert "Hub</p><script>alert('place')</script>" in text
    issues = page.inner_text("#issues")
    assert "effort S\nowner: @Service lead\nby: 3 months" in issues  # the plan so far
    # Lived experience raised two tags: too few to show separately, so no tag says so.
    assert "Ollie: Asked to retell her story\n" in issues and "raised by" not in issues

    maps = page.locator(".map svg")
    assert maps.count() == 1 + 2 + 2  # the pathway, Ollie's and Stuart's teams, each persona
    for n in range(maps.count()):
        box = maps.nth(n).bounding_box()
        assert box and box["width"] > 200 and box["height"] > 200
    fitted = maps.first.bounding_box()["width"]
    page.locator("details.zoom summary").first.click()  # full size, with no script at all
    assert maps.first.bounding_box()["width"] > fitted * 1.5
    assert page.locator("#pathway .map").bounding_box()["width"] <= 1280
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

    page.emulate_media(media="print")  # paper: no contents list or buttons, maps fit a page
    assert not page.locator("nav").is_visible()
    assert not page.locator("details.zoom").first.is_visible()
    assert "Hover" not in page.inner_text("#pathway")  # paper cannot be hovered over
    assert page.locator(".map svg").first.bounding_box()["width"] <= 1280
    assert seen.console_errors == [] and seen.page_errors == [] and outside == []
    context.close()


def test_the_journey_strips_are_drawn_within_the_policy(chromium, report, tmp_path):
    """Each journey's strip is inline SVG the page draws with no script and no request,
    readable on screen and on paper; the screenshot is there to look at."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = watch(page)
    page.goto(report.as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    assert seen.console_errors == [] and seen.page_errors == []  # a CSP refusal says so here
    assert all(url == report.as_uri() for url in seen.requests), seen.requests

    strips = page.locator(".strip svg")
    assert strips.count() == 2 + 2  # Ollie's and Stuart's teams, and each of them
    for n in range(strips.count()):
        box = strips.nth(n).bounding_box()
        assert box and box["width"] > 300 and box["height"] > 300
        assert box["width"] <= 1280  # lines of a few steps: no sideways scrolling
    ollie = page.locator("#persona-ollie .strip svg")
    words = ollie.locator("text").all_text_contents()
    assert "Step 5" in words and "❝ asked for story" in words and "no window" in words
    assert "▲ re-traumatisation" in words  # Ollie's risk at her assessment, in words
    smallest = min(
        ollie.locator("text").nth(n).bounding_box()["height"]
        for n in range(ollie.locator("text").count())
    )
    assert smallest >= 12  # no text smaller than the report's own small print, on screen
    assert "Asked for their story 2 times" in page.inner_text("#persona-ollie")
    page.locator("#persona-ollie").screenshot(path=str(tmp_path / "strip-report.png"))

    page.emulate_media(media="print")
    box = page.locator("#persona-ollie .strip svg").bounding_box()
    assert box and box["width"] <= 1280 and box["height"] > 300
    assert seen.console_errors == [] and seen.page_errors == []
    context.close()
