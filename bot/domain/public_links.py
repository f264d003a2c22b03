"""Unguessable "read in browser" addresses of single digests, and the keys behind them.

A digest's public id is its number plus an HMAC of that number, keyed by a secret derived
from the console's token: nothing is stored, a guessed number without its MAC shows
nothing, and changing the token withdraws every link at once.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

#: Hex digits of the MAC in a public id: 96 bits, far beyond guessing over HTTP.
MAC_LENGTH = 24


def derive_key(token: str, purpose: str) -> bytes:
    """A key for one purpose (session cookies, public links), so no two uses share a key."""
    return hmac.new(token.encode(), f"digestbot console {purpose}".encode(), "sha256").digest()


@dataclass(frozen=True)
class DigestLinks:
    """Signs and checks public digest ids; `base_url` (DIGESTBOT_PUBLIC_URL) makes them URLs."""

    key: bytes
    base_url: str = ""

    @classmethod
    def from_token(cls, token: str, base_url: str = "") -> DigestLinks:
        """The links of a console whose token is `token`."""
        return cls(derive_key(token, "public digest links"), base_url.rstrip("/"))

    def public_id(self, digest_id: int) -> str:
        """`42-<mac>`: what `/d/` takes."""
        mac = hmac.new(self.key, str(digest_id).encode(), hashlib.sha256).hexdigest()
        return f"{digest_id}-{mac[:MAC_LENGTH]}"

    def url(self, digest_id: int) -> str | None:
        """The full "read in browser" address, or None without a public URL."""
        if not self.base_url:
            return None
        return f"{self.base_url}/d/{self.public_id(digest_id)}"

    def digest_of(self, public_id: str) -> int | None:
        """The digest a public id names, or None when its MAC is wrong (compared in constant
        time, so timing tells nothing about a guess)."""
        number, _, _ = public_id.partition("-")
        if not number.isdigit() or len(number) > 18:
            return None
        expected = self.public_id(int(number))
        return int(number) if hmac.compare_digest(expected, public_id) else None
