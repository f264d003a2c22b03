"""Fingerprints for deduplication: an exact content hash and a 64-bit SimHash for near-copies.

A syndicated article comes back with another headline, other site chrome and a changed
sentence or two: its SimHash (over three-word shingles of the normalized text) differs in a
few bits only, while different articles differ in about half of them.
"""

from __future__ import annotations

import hashlib

from bot.text.normalize import normalize_text
from bot.text.tokens import words

SIMHASH_BITS = 64
SHINGLE_WORDS = 3
_MASK = (1 << SIMHASH_BITS) - 1
_SIGN_BIT = 1 << (SIMHASH_BITS - 1)


def content_hash(text: str) -> str:
    """Hex SHA-256 of the normalized text: equal for copies that differ only in spacing."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def simhash(text: str) -> int:
    """A 64-bit SimHash of the text's word shingles, as a signed integer.

    Signed (-2**63..2**63-1) so it fits a BIGINT column; empty text gives 0.
    """
    tokens = words(normalize_text(text))
    if not tokens:
        return 0
    size = min(SHINGLE_WORDS, len(tokens))
    weights = [0] * SIMHASH_BITS
    for i in range(len(tokens) - size + 1):
        shingle = " ".join(tokens[i : i + size]).encode("utf-8")
        value = int.from_bytes(hashlib.blake2b(shingle, digest_size=8).digest(), "big")
        for bit in range(SIMHASH_BITS):
            weights[bit] += 1 if value >> bit & 1 else -1
    fingerprint = sum(1 << bit for bit, weight in enumerate(weights) if weight > 0)
    return fingerprint - (1 << SIMHASH_BITS) if fingerprint & _SIGN_BIT else fingerprint


def hamming(a: int, b: int) -> int:
    """How many of the 64 bits differ (works on signed and unsigned fingerprints alike)."""
    return ((a ^ b) & _MASK).bit_count()


def is_near_duplicate(a: int, b: int, *, max_distance: int = 3) -> bool:
    """True when two fingerprints are at most `max_distance` bits apart."""
    return hamming(a, b) <= max_distance
