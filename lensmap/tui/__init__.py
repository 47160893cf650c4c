"""The terminal app a facilitator runs in the room (the only part of lensmap that uses Textual)."""
