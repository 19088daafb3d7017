"""Checking downloaded image files before they are kept.

Every image is decoded once with Pillow: a file that is not a PNG/JPEG, is truncated,
or claims a side longer than the model makes (a decompression bomb, or a 40000×50
strip) is rejected from its header, before it could reach the library or the window.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from typing import Any, BinaryIO

from fluxdesk.core import params as P
from fluxdesk.core.errors import BadImageError
from fluxdesk.core.params import OutputFormat

_PIL_FORMATS = {"PNG": OutputFormat.PNG, "JPEG": OutputFormat.JPEG}


@dataclass(frozen=True)
class ImageCheck:
    """What a downloaded image turned out to be (format and pixel size)."""

    output_format: OutputFormat
    width: int
    height: int


def size_problem(width: int, height: int, max_side: int = P.SIDE_MAX) -> str | None:
    """Why an image of ``width``×``height`` cannot be one the model made, or None.

    Each side is checked on its own (the model's largest side, from the catalogue): a
    pixel count alone let a 40000×50 strip through.
    """
    if not (1 <= width <= max_side and 1 <= height <= max_side):
        return f"it is {width}×{height} pixels; the model makes at most {max_side} on each side"
    return None


def _decode(stream: BinaryIO, max_side: int) -> ImageCheck:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(stream, formats=list(_PIL_FORMATS)) as image:
            width, height = image.size
            # Checked before load(): the header alone tells, and decoding a bomb is the attack.
            problem = size_problem(width, height, max_side)
            if problem:
                raise BadImageError(problem)
            fmt = _PIL_FORMATS[str(image.format)]
            image.load()
    except BadImageError:
        raise
    except UnidentifiedImageError:
        raise BadImageError("it is not a PNG or JPEG image") from None
    except Image.DecompressionBombError:
        raise BadImageError("it claims far more pixels than the API can make") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        # Pillow reports truncation and corrupt chunks with these.
        raise BadImageError(f"it is damaged or truncated ({exc})") from None
    return ImageCheck(output_format=fmt, width=width, height=height)


class _GrowingBuffer(io.RawIOBase):
    """A readable, seekable file whose bytes are still arriving from another thread.

    Reads block until enough data is there (or the writer closed/failed), so Pillow can
    decode an image while it downloads: on a real network the verification is then done
    by the time the last byte arrives.
    """

    def __init__(self) -> None:
        super().__init__()
        self._data = bytearray()
        self._pos = 0
        self._complete = False
        self._failed = False
        self._cond = threading.Condition()

    def append(self, chunk: bytes) -> None:
        with self._cond:
            self._data += chunk
            self._cond.notify_all()

    def finish(self, *, failed: bool = False) -> None:
        with self._cond:
            self._complete = True
            self._failed = failed
            self._cond.notify_all()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            self._pos = offset
        elif whence == io.SEEK_CUR:
            self._pos += offset
        else:  # SEEK_END needs the whole file
            with self._cond:
                self._cond.wait_for(lambda: self._complete)
                self._pos = len(self._data) + offset
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        wanted = len(view)
        with self._cond:
            self._cond.wait_for(lambda: self._complete or len(self._data) - self._pos >= wanted)
            if self._failed:
                raise OSError("download failed")
            n = max(0, min(wanted, len(self._data) - self._pos))
            view[:n] = self._data[self._pos : self._pos + n]
        self._pos += n
        return n


class StreamingVerifier:
    """Decode an image with Pillow in a thread of its own while it is being downloaded.

    ``feed`` each chunk as it arrives, then ``finish`` for the check (or BadImageError).
    A file that is not an image, or whose header claims a bomb, is reported by the next
    ``feed`` so the download stops early.
    """

    def __init__(self, max_side: int = P.SIDE_MAX) -> None:
        self._buffer = _GrowingBuffer()
        self._max_side = max_side
        self._result: ImageCheck | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="fluxdesk-verify", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._result = _decode(io.BufferedReader(self._buffer, buffer_size=256 * 1024), self._max_side)
        except BaseException as exc:
            self._error = exc

    def feed(self, chunk: bytes) -> None:
        if self._error is not None:
            self.abort()
            raise self._error
        self._buffer.append(chunk)

    def finish(self) -> ImageCheck:
        self._buffer.finish()
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def abort(self) -> None:
        self._buffer.finish(failed=True)
        self._thread.join()
