"""Text from files and servers, made safe to print on a terminal.

A prompt read from an image file, a server's error message or a file name can hold
terminal control sequences: an OSC sequence in a prompt set the terminal's title, and
worse ones can rewrite the screen. Every C0 control character except newline and tab,
DEL and every C1 control character (U+0080–U+009F; U+009B alone starts a CSI sequence)
is shown as a visible ``\\u001b``-style escape instead. That escape is also valid inside
a JSON string, so JSON output stays JSON and decodes to the original text.

(No ``re``: the settings, read on the window's first frame, use ``has_controls``.)
"""

from __future__ import annotations

# C0 without tab (0x09) and newline (0x0a), DEL, C1.
_CONTROLS = frozenset([*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)])
_ESCAPES = {code: f"\\u{code:04x}" for code in _CONTROLS}


def escape_controls(text: str) -> str:
    """``text`` with every control character but newline and tab escaped (``\\u001b``)."""
    return text.translate(_ESCAPES) if has_controls(text) else text


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a control character other than newline and tab."""
    return any(ord(ch) in _CONTROLS for ch in text)
