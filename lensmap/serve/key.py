"""The key to one run of `lensmap serve`: a code in the page's address, new each time it
starts, without which nothing but the page's public scripts and fonts is served."""

from __future__ import annotations

import hmac
import secrets

# Letters and digits that cannot be mistaken for one another when read off a projector or
# said aloud: no 0/o, 1/l/i. 31 of them, so a 12-character key holds about 59 bits.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
GROUPS, GROUP = 3, 4


def new_key() -> str:
    """A fresh key, in groups that are easy to read out: "k7m4-x9q2-wd3h"."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP)) for _ in range(GROUPS))


def _plain(key: str) -> bytes:
    # Typed from a projector, a key may come back in capitals or without its dashes.
    return key.replace("-", "").lower().encode("utf-8", "replace")


def key_matches(given: str | None, key: str) -> bool:
    """Whether `given` is this run's key, compared in constant time."""
    if not given or not key:
        return False
    return hmac.compare_digest(_plain(given), _plain(key))
