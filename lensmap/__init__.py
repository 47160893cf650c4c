"""lensmap: walk personas through a service pathway and record what the room sees."""

import os

__version__ = "0.1.0"

# lensmap uses no pydantic plugins; looking for them reads every installed package's
# metadata, a noticeable part of start-up. Anyone who does want them can still say so.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
