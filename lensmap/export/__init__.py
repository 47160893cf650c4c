"""Exports for the implementation group, who review the event's work offline afterwards."""
