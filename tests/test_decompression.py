"""Compressed answers are unpacked under the size cap, layer by layer, as they unpack.

A body of a couple of kilobytes sent as `Content-Encoding: gzip, gzip` unpacks to hundreds
of megabytes; the fetcher must refuse it having held little more than its cap in memory.
Memory is measured with tracemalloc around the fetch (in this process), and for the source
path as the peak resident memory of the real `python -m bot poll --once` process.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import tracemalloc
import zlib
from pathlib import Path

import pytest
from aiohttp import web

from bot.errors import FetchFailed
from bot.links.decoding import BoundedDecoder, DecodedTooLarge
from bot.links.safefetch import FetchLimits, SafeFetcher
from tests.process_helpers import Finished, bot_env, measured_command
from tests.sources_helpers import local_server

#: What the bombs unpack to.
BOMB_BYTES = 256 << 20
CAP_BYTES = 1_000_000
MiB = 1 << 20


def _gzip_stream(pieces: list[bytes] | None = None, *, zeros: int = 0) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    out = [packer.compress(piece) for piece in pieces or []]
    block = b"\0" * MiB
    out += [packer.compress(block) for _ in range(zeros // MiB)]
    out.append(packer.flush())
    return b"".join(out)


@functools.cache
def bomb(layers: int) -> bytes:
    """BOMB_BYTES of zeros, gzipped `layers` times (1: ~260 KB, 2: ~1 KB)."""
    body = _gzip_stream(zeros=BOMB_BYTES)
    for _ in range(layers - 1):
        body = _gzip_stream([body])
    return body


async def fetch_with_peak(body: bytes, encoding: str) -> tuple[BaseException | bytes, int]:
    """Serve `body` with `encoding` on 127.0.0.1, fetch it; (the error or the body, the peak
    of Python memory allocated during the fetch)."""

    async def page(_request: web.Request) -> web.Response:
        headers = {"Content-Encoding": encoding, "Content-Type": "text/html"}
        return web.Response(body=body, headers=headers)

    async with local_server(page) as port:
        fetcher = SafeFetcher(
            limits=FetchLimits(max_bytes=CAP_BYTES), allow_loopback=True, allowed_ports=None
        )
        tracemalloc.start()
        try:
            try:
                outcome: BaseException | bytes = (
                    await fetcher.fetch(f"http://127.0.0.1:{port}/")
                ).body
            except FetchFailed as error:
                outcome = error
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            await fetcher.aclose()
    return outcome, peak


@pytest.mark.parametrize(("layers", "encoding"), [(1, "gzip"), (2, "gzip, gzip")])
async def test_a_gzip_bomb_is_refused_holding_little_more_than_the_cap(
    layers: int, encoding: str
) -> None:
    outcome, peak = await fetch_with_peak(bomb(layers), encoding)
    assert isinstance(outcome, FetchFailed) and outcome.reason == "too_large"
    assert peak < 4 * CAP_BYTES, f"{peak / MiB:.1f} MiB held for a {CAP_BYTES / MiB:.1f} MiB cap"


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),  # zlib-wrapped, as the RFC says
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw, as some servers send
        ("gzip, gzip", lambda data: gzip.compress(gzip.compress(data))),
        ("gzip", lambda data: gzip.compress(data[:500]) + gzip.compress(data[500:])),  # 2 members
        ("identity", lambda data: data),
    ],
)
async def test_honest_compressed_pages_are_read_whole(encoding: str, encode: object) -> None:
    html = ("<html><body>" + "AI trainer, remote. " * 5_000 + "</body></html>").encode()
    outcome, _ = await fetch_with_peak(encode(html), encoding)  # type: ignore[operator]
    assert outcome == html


async def test_an_encoding_it_cannot_unpack_is_refused_not_passed_on() -> None:
    outcome, _ = await fetch_with_peak(b"\x8b\x02\x80hello\x03", "br")
    assert isinstance(outcome, FetchFailed) and outcome.reason == "encoding"
    assert outcome.params["encoding"] == "br"


def test_every_layer_is_capped_not_only_the_last() -> None:
    # The outer layer unpacks to 2 MB of a gzip stream that itself holds almost nothing
    # (empty stored blocks): only the outer layer's count can stop it.
    empty_blocks = b"\x00\x00\x00\xff\xff" * 400_000
    inner = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + empty_blocks
    decoder = BoundedDecoder(["gzip", "gzip"], max_bytes=CAP_BYTES)
    with pytest.raises(DecodedTooLarge):
        list(decoder.feed(gzip.compress(inner)))


# -- the source path, in the real process ---------------------------------------------------


def poll_config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[storage]
database = "{tmp_path / "vigia.db"}"
[polling]
allow_loopback = true
max_response_bytes = {CAP_BYTES}
[[sources]]
kind = "greenhouse"
board = "acme"
url = "{url}"
""",
        encoding="utf-8",
    )
    return path


async def test_a_source_sending_a_bomb_costs_the_poll_process_no_more_than_the_cap(
    tmp_path: Path,
) -> None:
    """Peak memory of `python -m bot poll --once` against a board answering a normal page,
    then a gzip bomb and a gzip-gzip bomb: the bombs add less than a few times the cap."""
    bodies = {"/plain": (b'{"jobs": []}', "identity")}
    bodies |= {"/gzip": (bomb(1), "gzip"), "/gzip2": (bomb(2), "gzip, gzip")}

    async def board(request: web.Request) -> web.Response:
        body, encoding = bodies[request.path]
        headers = {"Content-Encoding": encoding, "Content-Type": "application/json"}
        return web.Response(body=body, headers=headers)

    async def poll(port: int, path: str) -> Finished:
        run = tmp_path / path.strip("/")
        run.mkdir()
        config = poll_config(run, f"http://127.0.0.1:{port}{path}")
        return await measured_command("poll", "--once", "--config", str(config), env=bot_env())

    async with local_server(board) as port:
        # Side by side: each process's peak is its own (wait4), whatever runs beside it.
        runs = await asyncio.gather(*(poll(port, path) for path in bodies))
    peaks: dict[str, int] = {}
    for path, done in zip(bodies, runs, strict=True):
        peaks[path] = done.peak_rss_kb * 1024
        expected = 0 if path == "/plain" else 1
        assert done.code == expected, done.err
    extra = {path: peaks[path] - peaks["/plain"] for path in ("/gzip", "/gzip2")}
    print({path: f"{peak / MiB:.0f} MiB" for path, peak in peaks.items()})
    assert all(grown < 32 * MiB for grown in extra.values()), extra
