"""Fingerprints for deduplication: an exact content hash and a 64-bit SimHash for near-copies.

A syndicated article comes back with another headline, other site chrome and a changed
sentence or two: its SimHash (over three-word shingles of the normalized text) differs in a
few bits only, while different articles differ in about half of them. Measured on the
corpus: a copy with other chrome is 0 bits away, one changed phrase in a long article
moves 3 bits, unrelated articles are 27-36 bits apart; `NEAR_DUPLICATE_DISTANCE` sits
between, with room for a lightly edited copy.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from itertools import pairwise

from bot.text.normalize import normalize_text
from bot.text.tokens import words

SIMHASH_BITS = 64
SHINGLE_WORDS = 3
#: Fingerprints at most this many bits apart are taken for the same story.
NEAR_DUPLICATE_DISTANCE = 6
_MASK = (1 << SIMHASH_BITS) - 1
_SIGN_BIT = 1 << (SIMHASH_BITS - 1)
_HASH_BYTES = SIMHASH_BITS // 8
#: `_BIT_OF_BYTE[j]` maps each byte value to its bit `j` (a `bytes.translate` table).
_BIT_OF_BYTE = [bytes(value >> bit & 1 for value in range(256)) for bit in range(8)]


def content_hash(text: str, *, normalized: bool = False) -> str:
    """Hex SHA-256 of the normalized text: equal for copies that differ only in spacing.

    `normalized=True` says the text already went through `normalize_text` (ingest does it
    once for both fingerprints: normalizing is the costly part).
    """
    if not normalized:
        text = normalize_text(text)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def simhash(text: str, *, normalized: bool = False) -> int:
    """A 64-bit SimHash of the text's word shingles, as a signed integer.

    Signed (-2**63..2**63-1) so it fits a BIGINT column; empty text gives 0. A bit is set
    when more than half of the shingle hashes have it set. The 8-byte shingle hashes are
    laid end to end and counted in C: `bytes.translate` turns every byte into its bit `j`
    (0 or 1) and a strided slice picks one byte position, so the 64 counts cost 64 slices
    instead of a Python loop over every shingle. `normalized` as for `content_hash`.
    """
    tokens = [w.encode("utf-8") for w in words(text if normalized else normalize_text(text))]
    if not tokens:
        return 0
    size = min(SHINGLE_WORDS, len(tokens))
    shingles = map(b" ".join, zip(*(tokens[i:] for i in range(size)), strict=False))
    blake2b = hashlib.blake2b
    hashes = b"".join([blake2b(shingle, digest_size=_HASH_BYTES).digest() for shingle in shingles])
    half = len(hashes) // _HASH_BYTES // 2
    fingerprint = 0
    for bit, table in enumerate(_BIT_OF_BYTE):
        bits = hashes.translate(table)
        for position in range(_HASH_BYTES):
            if bits[position::_HASH_BYTES].count(1) > half:
                fingerprint |= 1 << (8 * (_HASH_BYTES - 1 - position) + bit)
    return fingerprint - (1 << SIMHASH_BITS) if fingerprint & _SIGN_BIT else fingerprint


def hamming(a: int, b: int) -> int:
    """How many of the 64 bits differ (works on signed and unsigned fingerprints alike)."""
    return ((a ^ b) & _MASK).bit_count()


def is_near_duplicate(a: int, b: int, *, max_distance: int = NEAR_DUPLICATE_DISTANCE) -> bool:
    """True when two fingerprints are at most `max_distance` bits apart."""
    return ((a ^ b) & _MASK).bit_count() <= max_distance


class SimhashIndex:
    """Finds a stored fingerprint within `max_distance` bits of a new one without a full scan.

    Pigeonhole: the 64 bits are cut into `max_distance + 1` bands, so two fingerprints that
    differ in at most `max_distance` bits agree exactly on at least one band. Each band
    value maps to the fingerprints having it; a lookup compares only those candidates, which
    keeps an ingest of thousands of articles against a week of stored ones linear instead
    of quadratic. Fingerprint 0 (no words to hash) is never indexed nor matched.
    """

    def __init__(self, max_distance: int = NEAR_DUPLICATE_DISTANCE) -> None:
        if not 0 <= max_distance < SIMHASH_BITS:
            raise ValueError(f"max_distance must be 0..{SIMHASH_BITS - 1}, not {max_distance}")
        self.max_distance = max_distance
        count = max_distance + 1
        edges = [SIMHASH_BITS * i // count for i in range(count + 1)]
        self._bands = [(lo, (1 << (hi - lo)) - 1) for lo, hi in pairwise(edges)]
        self._buckets: list[defaultdict[int, list[tuple[int, int]]]] = [
            defaultdict(list) for _ in self._bands
        ]
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def add(self, key: int, fingerprint: int) -> None:
        """Index `fingerprint` under `key` (an article id)."""
        value = fingerprint & _MASK
        if not value:
            return
        for buckets, (shift, mask) in zip(self._buckets, self._bands, strict=True):
            buckets[value >> shift & mask].append((key, value))
        self._size += 1

    def discard(self, key: int, fingerprint: int) -> None:
        """Forget `key` (e.g. its article was rolled back); unknown keys are ignored."""
        value = fingerprint & _MASK
        found = False
        for buckets, (shift, mask) in zip(self._buckets, self._bands, strict=True):
            bucket = buckets.get(value >> shift & mask)
            if bucket and (key, value) in bucket:
                bucket.remove((key, value))
                found = True
        if found:
            self._size -= 1

    def nearest(self, fingerprint: int) -> int | None:
        """The key of the closest indexed fingerprint within `max_distance` bits, or None.

        Ties go to the smallest key: the article stored first is the original.
        """
        value = fingerprint & _MASK
        if not value:
            return None
        best: tuple[int, int] | None = None
        for buckets, (shift, mask) in zip(self._buckets, self._bands, strict=True):
            for key, other in buckets.get(value >> shift & mask, ()):
                distance = (value ^ other).bit_count()
                if distance <= self.max_distance and (best is None or (distance, key) < best):
                    best = (distance, key)
        return None if best is None else best[1]
