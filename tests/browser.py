"""Headless Chromium for tests, driven by Playwright but always the system's own browser
(Debian's chromium package), launched with the flags a locked-down machine needs.

Without a browser the tests that need one are skipped, except where LENSMAP_REQUIRE_BROWSER
is set (CI sets it after installing chromium), where a missing browser is a failure."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field

import pytest

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    named = os.environ.get("LENSMAP_CHROMIUM")
    if named:
        return named
    return next((found for name in NAMES if (found := shutil.which(name))), None)


def no_browser(reason: str) -> None:
    if os.environ.get("LENSMAP_REQUIRE_BROWSER"):
        pytest.fail(f"{reason}, and LENSMAP_REQUIRE_BROWSER is set", pytrace=False)
    pytest.skip(reason)


@dataclass
class Watched:
    """Everything a page did that a reviewer would worry about."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


SLOW_MACHINE = "task queue exceeded allotted deadline"
"""The terminal emulator's own warning when a busy machine makes it draw late: about the
machine the test runs on, not about anything the page or lensmap did."""


def watch(page) -> Watched:
    seen = Watched()

    def console(message) -> None:
        if message.type in ("error", "warning") and SLOW_MACHINE not in message.text:
            seen.console_errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda exc: seen.page_errors.append(str(exc)))

    def dialog(d) -> None:  # an alert() means a script ran: record it and close it
        seen.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.on("request", lambda r: seen.requests.append(r.url))
    return seen
