"""lensmap: walk personas through a service pathway and record what the room sees."""

__version__ = "0.1.0"
