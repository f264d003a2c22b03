"""Decompression with a ceiling on the output, so a small gzip bomb cannot fill memory.

Every call to zlib asks for at most the bytes still allowed plus one, so memory stays
bounded by the limit however well the input compresses.
"""

from __future__ import annotations

import zlib

from bot.sources.errors import DocumentError, ResponseTooLargeError

_GZIP_WBITS = 16 + zlib.MAX_WBITS


class BoundedDecoder:
    """Decodes a `Content-Encoding` (identity, gzip, deflate) and stops past `limit` bytes."""

    def __init__(self, content_encoding: str | None, *, limit: int, what: str) -> None:
        encoding = (content_encoding or "identity").strip().lower()
        if encoding in ("x-gzip",):
            encoding = "gzip"
        if encoding not in ("identity", "gzip", "deflate", ""):
            raise DocumentError(
                f"{what} is compressed as {encoding!r}, which the bot cannot read; "
                "serve it uncompressed or with gzip"
            )
        self._encoding = encoding or "identity"
        self._limit = limit
        self._what = what
        self._size = 0
        self._inflater: zlib._Decompress | None = None
        self._deflate_probe = b""

    @property
    def size(self) -> int:
        """Decoded bytes produced so far."""
        return self._size

    def feed(self, chunk: bytes) -> bytes:
        """Decode one chunk of the body; raises ResponseTooLargeError past the limit."""
        if self._encoding == "identity":
            return self._count(chunk)
        if self._inflater is None:
            self._inflater = self._start(chunk)
        pieces: list[bytes] = []
        data = chunk
        while data:
            piece = self._inflater.decompress(data, self._limit - self._size + 1)
            pieces.append(self._count(piece))
            if self._inflater.eof:
                data = self._inflater.unused_data
                if data and self._encoding == "gzip" and data.startswith(b"\x1f\x8b"):
                    self._inflater = zlib.decompressobj(_GZIP_WBITS)
                else:
                    break
            else:
                data = self._inflater.unconsumed_tail
        return b"".join(pieces)

    def flush(self) -> bytes:
        """Whatever the decompressor still holds at the end of the body."""
        if self._inflater is None:
            return b""
        return self._count(self._inflater.flush())

    def _start(self, first_chunk: bytes) -> zlib._Decompress:
        if self._encoding == "gzip":
            return zlib.decompressobj(_GZIP_WBITS)
        # "deflate" is zlib-wrapped by the standard but raw deflate in the wild.
        looks_zlib = len(first_chunk) >= 2 and (first_chunk[0] << 8 | first_chunk[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if looks_zlib else -zlib.MAX_WBITS)

    def _count(self, piece: bytes) -> bytes:
        self._size += len(piece)
        if self._size > self._limit:
            raise ResponseTooLargeError(
                f"{self._what} is larger than {_megabytes(self._limit)} once decompressed; "
                "the bot stops reading there, so point it at a smaller feed or page"
            )
        return piece


def decompress_bounded(data: bytes, encoding: str, *, limit: int, what: str) -> bytes:
    """Decompress a whole body (e.g. a `.xml.gz` sitemap) with the same ceiling."""
    decoder = BoundedDecoder(encoding, limit=limit, what=what)
    try:
        return decoder.feed(data) + decoder.flush()
    except zlib.error as exc:
        raise DocumentError(f"{what} is not valid {encoding} data ({exc})") from None


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:g} MB" if size >= 1_048_576 else f"{size} bytes"
