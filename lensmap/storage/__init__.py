"""Where lensmap keeps things on this computer, and how it writes them safely."""
