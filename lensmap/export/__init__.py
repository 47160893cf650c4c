"""Exports for the implementation group, who review the event's work offline afterwards."""

from ..files.problems import CannotDo


class ExportFailed(CannotDo):
    """An export could not be finished: its folder cannot be made, or a map could not be
    drawn or go into the report. The session itself is never changed by exporting."""
