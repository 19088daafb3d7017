"""Bounds on the work any input can cause: the one place these numbers live.

Request parameters have their limits in the catalogue (``params.py``); these are the
limits on what a file or a server can make FluxDesk do: how much a compressed text chunk
may inflate to, how big the API's JSON answer may be, how long one answer or one
download may take in all (a server trickling one byte at a time never trips a per-read
timeout), how many bytes one image may have.
"""

from __future__ import annotations

import zlib

# An embedded metadata document (ours is a few KB; 4000-character prompts included).
# Applies to the *inflated* size: a 2 MB file can hold a chunk that inflates to 1 GiB.
MAX_TEXT_CHUNK_BYTES = 16 * 1024 * 1024
# The API's JSON answer to a generation (four image URLs, timings: a few KB).
MAX_API_JSON_BYTES = 4 * 1024 * 1024
# One downloaded image: no legitimate 1536² image comes near this.
MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
# Whole-download deadline for one image (connection, redirects, every byte): 64 MiB at
# ~250 KB/s. The per-read timeout (Settings) still ends a silent server sooner.
DOWNLOAD_DEADLINE_SECONDS = 300.0


class TooLargeError(ValueError):
    """Input that would inflate or grow past its limit."""


def inflate_bounded(data: bytes, limit: int = MAX_TEXT_CHUNK_BYTES) -> bytes:
    """zlib-decompress ``data``, refusing output larger than ``limit`` bytes.

    Stops as soon as the limit is passed: the work is bounded by the limit, not by what
    the compressed stream claims. Raises TooLargeError, or zlib.error for damaged data.
    """
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, limit + 1)
    if len(out) > limit or inflater.unconsumed_tail:
        raise TooLargeError(f"it inflates to more than {limit // (1024 * 1024)} MiB")
    out += inflater.flush()
    if len(out) > limit:
        raise TooLargeError(f"it inflates to more than {limit // (1024 * 1024)} MiB")
    return out
