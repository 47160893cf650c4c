"""Sessions: one event's work, kept as an append-only log that is never lost."""
