"""The A1111/Forge ``parameters`` text: written for other tools, read from their images.

Layout (the one A1111's "PNG Info", Forge, Civitai and sd-parsers understand)::

    PROMPT
    Negative prompt: TEXT            (only in other tools' files)
    Steps: 28, Sampler: Euler, CFG scale: 3.5, Seed: 42, Size: 1024x768, Model: flux-realism

FLUX is a flow-matching model sampled with the Euler method (diffusers'
FlowMatchEulerDiscreteScheduler; Forge and ComfyUI FLUX workflows write "Euler"), so
FluxDesk files say ``Sampler: Euler``. Readers want at least three of Steps, Sampler,
CFG scale and Seed on the last line; FluxDesk writes every value it knows and nothing
it does not (see ``portable.with_sent_defaults`` for steps and guidance).
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

from fluxdesk.core import params as P

PNG_KEYWORD = "parameters"
FLUX_SAMPLER = "Euler"
# Exif UserComment as A1111 writes it: an 8-byte character-code prefix, then UTF-16BE.
USER_COMMENT_UNICODE = b"UNICODE\x00"
# The keys other tools print FluxDesk's fields under come from the catalogue.
STEPS = P.NUM_INFERENCE_STEPS.foreign
CFG_SCALE = P.GUIDANCE_SCALE.foreign
SEED = P.SEED.foreign
SIZE = P.IMAGE_SIZE.foreign
SAMPLER = "Sampler"
MODEL = "Model"
_KNOWN = (STEPS, SAMPLER, CFG_SCALE, SEED)
_KEY = re.compile(r"\w[\w \-/+.()]*")
_KEY_MAX = 64
_SETTINGS_LINES = 8  # how many lines from the end may hold the settings


class A1111Fields(NamedTuple):
    prompt: str
    steps: int | None = None
    sampler: str | None = None
    guidance: float | None = None
    seed: int | None = None
    width: int | None = None
    height: int | None = None
    model: str | None = None


def format_parameters(fields: A1111Fields) -> str:
    pairs: list[tuple[str, str]] = []
    if fields.steps is not None:
        pairs.append((STEPS, str(fields.steps)))
    if fields.sampler is not None:
        pairs.append((SAMPLER, fields.sampler))
    if fields.guidance is not None:
        pairs.append((CFG_SCALE, _number(fields.guidance)))
    if fields.seed is not None:
        pairs.append((SEED, str(fields.seed)))
    if fields.width is not None and fields.height is not None:
        pairs.append((SIZE, f"{fields.width}x{fields.height}"))
    if fields.model is not None:
        pairs.append((MODEL, fields.model))
    line = ", ".join(f"{key}: {_quote(value)}" for key, value in pairs)
    return f"{fields.prompt}\n{line}" if line else fields.prompt


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _quote(value: str) -> str:
    # A1111's own rule (infotext's quote()): JSON-quote a value holding a comma, colon or newline.
    if any(ch in value for ch in ",:\n"):
        return json.dumps(value, ensure_ascii=False)
    return value


class Parsed(NamedTuple):
    prompt: str
    negative_prompt: str
    settings: dict[str, str]  # every key: value of the settings line, unquoted


def parse_parameters(text: str) -> Parsed | None:
    """Split an A1111 ``parameters`` text; None when it has no settings line."""
    lines = text.strip("\n").split("\n")
    # A1111 itself reads the last line only; a few more for tools that append a line.
    for index in range(len(lines) - 1, max(-1, len(lines) - 1 - _SETTINGS_LINES), -1):
        settings = _pairs(lines[index])
        if sum(key in settings for key in _KNOWN) >= 3:
            break
    else:
        return None
    head = "\n".join(lines[:index])
    prompt, sep, negative = head.partition("Negative prompt:")
    return Parsed(prompt.strip(), negative.strip() if sep else "", settings)


def _pairs(line: str) -> dict[str, str]:
    """``key: value`` pairs of a settings line, in one pass (no regex backtracking: a
    hostile multi-megabyte line costs linear time). A value may be quoted (A1111 quotes
    values holding commas); a key is the text since the last comma before its colon."""
    out: dict[str, str] = {}
    pos, end = 0, len(line)
    while pos < end:
        colon = line.find(":", pos)
        if colon < 0:
            break
        last_comma = line.rfind(",", pos, colon)
        key = line[last_comma + 1 if last_comma >= 0 else pos : colon].strip()
        start = colon + 1
        while start < end and line[start] == " ":
            start += 1
        if start < end and line[start] == '"':
            close = _closing_quote(line, start + 1)
            value = _unquote(line[start : close + 1])
            comma = line.find(",", close)
        else:
            comma = line.find(",", start)
            value = line[start : comma if comma >= 0 else end].strip()
        if 0 < len(key) <= _KEY_MAX and _KEY.fullmatch(key):
            out[key] = value
        if comma < 0:
            break
        pos = comma + 1
    return out


def _unquote(quoted: str) -> str:
    """A value A1111 quoted with ``json.dumps`` (the raw text if it is not valid JSON)."""
    try:
        value = json.loads(quoted)
    except (ValueError, RecursionError):
        return quoted[1:].removesuffix('"')
    return value if isinstance(value, str) else quoted


def _closing_quote(line: str, pos: int) -> int:
    """The index of the quote closing a value opened before ``pos`` (a backslash escapes
    it), or the line's end; str.find does the scanning, so a long value costs C speed."""
    while True:
        close = line.find('"', pos)
        if close < 0:
            return len(line)
        backslashes = 0
        while close - backslashes - 1 >= pos and line[close - backslashes - 1] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return close
        pos = close + 1


def encode_user_comment(text: str) -> bytes:
    return USER_COMMENT_UNICODE + text.encode("utf-16-be")


def decode_user_comment(raw: bytes | str) -> str | None:
    """The text of an Exif UserComment (A1111's UNICODE/UTF-16BE, ASCII, or no prefix)."""
    if isinstance(raw, str):
        return raw
    prefix, body = raw[:8], raw[8:]
    if prefix == USER_COMMENT_UNICODE:
        # A1111 writes big-endian; a BOM or a little-endian pattern says otherwise.
        if body.startswith(b"\xff\xfe") or (len(body) >= 2 and body[0] != 0 and body[1] == 0):
            return body.decode("utf-16-le", errors="replace").lstrip("\ufeff")
        return body.decode("utf-16-be", errors="replace").lstrip("\ufeff")
    if prefix == b"ASCII\x00\x00\x00":
        return body.decode("ascii", errors="replace")
    if prefix == b"\x00" * 8:
        return body.decode("utf-8", errors="replace") or None
    return raw.decode("utf-8", errors="replace") or None
