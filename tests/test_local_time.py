"""Times are shown as the facilitator's own clock says them, though stored in UTC."""

from __future__ import annotations

import time

import pytest

from lensmap.wording.describe import local_time


@pytest.fixture
def in_kolkata(monkeypatch):
    if not hasattr(time, "tzset"):
        pytest.skip("time zones are set this way on POSIX only")
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # UTC+05:30, with no summer time
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_stored_utc_time_is_shown_in_local_time(in_kolkata):
    assert local_time("2026-12-01T09:00:00.123456+00:00") == "14:30 on 1 December 2026"
    assert local_time("2026-12-01T20:00:00+00:00") == "01:30 on 2 December 2026"


def test_what_is_not_a_time_is_shown_as_it_is_and_safely():
    assert local_time("yesterday\x1b[2J") == "yesterday [2J"  # no control code reaches a screen
