"""The command line's output streams: nothing a file or a server sent reaches the
terminal raw (see ``core.safe_text``): prompts read from files, server messages and file
names are all printed through these streams."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from fluxdesk.core.safe_text import escape_controls


class SafeStream(io.TextIOBase):
    """A text stream that escapes control characters in everything written to it.

    ``unescaped`` is the stream underneath, for FluxDesk's own terminal control (the
    progress line's carriage return and erase-line sequence).
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.unescaped = stream

    def write(self, text: str) -> int:
        self.unescaped.write(escape_controls(text))
        return len(text)

    def flush(self) -> None:
        self.unescaped.flush()

    def isatty(self) -> bool:
        return self.unescaped.isatty()

    def fileno(self) -> int:
        return self.unescaped.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.unescaped.encoding


@contextmanager
def safe_streams() -> Iterator[None]:
    """stdout and stderr escape control characters for the ``with`` body."""
    saved = sys.stdout, sys.stderr
    if sys.stdout is not None and not isinstance(sys.stdout, SafeStream):
        sys.stdout = SafeStream(sys.stdout)
    if sys.stderr is not None and not isinstance(sys.stderr, SafeStream):
        sys.stderr = SafeStream(sys.stderr)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        sys.stdout, sys.stderr = saved


def unescaped(stream: TextIO) -> TextIO:
    """The stream under a SafeStream (for FluxDesk's own control sequences)."""
    return stream.unescaped if isinstance(stream, SafeStream) else stream
