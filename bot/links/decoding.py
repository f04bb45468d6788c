"""Content-Encoding decoding with a cap on what every layer produces, as it produces it.

httpx decodes each network chunk whole: a 2 KB body sent as `Content-Encoding: gzip, gzip`
came out of one chunk as 2.2 GB before any size check could see it. Here each layer is a
zlib stream asked for at most `piece_bytes` at a time (`max_length`), its leftover input kept
for the next call, and every layer's running total is checked against `max_bytes` after each
piece. Memory stays near `piece_bytes` per layer, and the work done on a bomb stops at the cap.

Only gzip and deflate are decoded (and `identity`); that is what the fetcher asks for. Any
other coding, or more than `MAX_LAYERS` of them, is refused rather than passed on undecoded.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

__all__ = [
    "ACCEPT_ENCODING",
    "BoundedDecoder",
    "DecodedTooLarge",
    "UnsupportedEncoding",
    "parse_encodings",
]

ACCEPT_ENCODING = "gzip, deflate"
#: More layers than this have no honest use.
MAX_LAYERS = 3
PIECE_BYTES = 64 * 1024
_GZIP_WBITS = zlib.MAX_WBITS | 16
_DEFLATE_WBITS = zlib.MAX_WBITS
_RAW_DEFLATE_WBITS = -zlib.MAX_WBITS


class DecodedTooLarge(Exception):
    """A layer produced more than the cap."""


class UnsupportedEncoding(Exception):
    """A coding this decoder does not speak, or too many layers; `encoding` names it."""

    def __init__(self, encoding: str) -> None:
        super().__init__(encoding)
        self.encoding = encoding


def parse_encodings(header: str) -> list[str]:
    """The codings of a Content-Encoding header in the order they were applied, `identity`
    dropped: `gzip, gzip` → ["gzip", "gzip"]."""
    codings = [part.strip().lower() for part in header.split(",")]
    return [coding for coding in codings if coding and coding != "identity"]


class _Layer:
    """One zlib stream; gzip may hold several members one after another (RFC 1952)."""

    def __init__(self, coding: str, max_bytes: int, piece_bytes: int) -> None:
        if coding in {"gzip", "x-gzip"}:
            self._wbits = _GZIP_WBITS
        elif coding == "deflate":
            self._wbits = _DEFLATE_WBITS
        else:
            raise UnsupportedEncoding(coding)
        self._gzip = self._wbits == _GZIP_WBITS
        self._max_bytes = max_bytes
        self._piece_bytes = piece_bytes
        self._stream = zlib.decompressobj(self._wbits)
        self._first = True
        self.produced = 0

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._first and data and not self._gzip:
            self._first = False
            # "deflate" is meant to be zlib-wrapped, but servers send raw deflate too.
            if data[0] & 0x0F != 8:
                self._stream = zlib.decompressobj(_RAW_DEFLATE_WBITS)
        while data:
            piece = self._stream.decompress(data, self._piece_bytes)
            yield from self._counted(piece)
            data = self._stream.unconsumed_tail
            if len(piece) == self._piece_bytes and not data:
                data = b""  # output may be pending inside zlib with no input left
                yield from self._drain_pending()
            if self._stream.eof and self._gzip:
                data = self._stream.unused_data + data
                if not data:
                    break
                self._stream = zlib.decompressobj(self._wbits)  # the next member

    def _drain_pending(self) -> Iterator[bytes]:
        while True:
            piece = self._stream.decompress(b"", self._piece_bytes)
            yield from self._counted(piece)
            if len(piece) < self._piece_bytes:
                return

    def finish(self) -> Iterator[bytes]:
        yield from self._counted(self._stream.flush())

    def _counted(self, piece: bytes) -> Iterator[bytes]:
        if not piece:
            return
        self.produced += len(piece)
        if self.produced > self._max_bytes:
            raise DecodedTooLarge
        yield piece


class BoundedDecoder:
    """Decodes a body encoded with `encodings` (in the order they were applied), refusing
    with `DecodedTooLarge` as soon as any layer, or the raw input, passes `max_bytes`."""

    def __init__(
        self, encodings: Iterable[str], *, max_bytes: int, piece_bytes: int = PIECE_BYTES
    ) -> None:
        codings = list(encodings)
        if len(codings) > MAX_LAYERS:
            raise UnsupportedEncoding(", ".join(codings))
        # The last coding applied is the first to undo.
        self._layers = [_Layer(c, max_bytes, piece_bytes) for c in reversed(codings)]
        self._max_bytes = max_bytes
        self.received = 0

    def feed(self, raw: bytes) -> Iterator[bytes]:
        """The decoded pieces of one raw chunk."""
        self.received += len(raw)
        if self.received > self._max_bytes:
            raise DecodedTooLarge
        yield from self._through(0, [raw])

    def finish(self) -> Iterator[bytes]:
        """Whatever the layers still hold once the body has ended."""
        for index, layer in enumerate(self._layers):
            yield from self._through(index + 1, layer.finish())

    def _through(self, index: int, pieces: Iterable[bytes]) -> Iterator[bytes]:
        """Pass pieces through the layers from `index` on, one piece at a time."""
        if index == len(self._layers):
            yield from pieces
            return
        layer = self._layers[index]
        for piece in pieces:
            yield from self._through(index + 1, layer.feed(piece))
