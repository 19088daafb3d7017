"""Reading the API's answers: a generation's JSON body checked and converted (the server
is trusted no further than the catalogue's rules), and an error answer's own explanation
in one line of words."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from fluxdesk.core import params as P
from fluxdesk.core.errors import BadResponseError
from fluxdesk.core.generation.results import ApiResponse, RemoteImage
from fluxdesk.core.request import GenerationRequest


def server_message(response: requests.Response, api_key: str = "") -> str:
    """The server's own explanation, one line, with the key scrubbed just in case."""
    text = ""
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, Mapping):
        for key in ("message", "detail", "error"):
            value = data.get(key)
            if isinstance(value, Mapping):
                value = value.get("message")
            if isinstance(value, list):
                value = "; ".join(problem_text(v) for v in value)
            if value:
                text = str(value)
                break
    elif response.headers.get("Content-Type", "").startswith("text/plain"):
        text = response.text
    text = " ".join(text.split())[:300]
    if api_key:
        text = text.replace(api_key, "***")
    return text


def parse_generation_body(data: Any, request: GenerationRequest) -> ApiResponse:
    """Check and convert the 2xx JSON body; BadResponseError names what is wrong."""
    if not isinstance(data, Mapping):
        raise BadResponseError("the response is not a JSON object")
    images = data.get("images")
    if not isinstance(images, list) or not images:
        raise BadResponseError("the response lists no images")
    nsfw_flags = data.get("has_nsfw_concepts")
    if not isinstance(nsfw_flags, list):
        nsfw_flags = []
    # More images than were asked for (40 for a request of one) are not downloaded: what
    # was asked for is kept, the rest named in ``extra_images``.
    extra = max(0, len(images) - request.num_images)
    images = images[: request.num_images]
    remotes: list[RemoteImage] = []
    want_w, want_h = request.dimensions
    for i, item in enumerate(images):
        if not isinstance(item, Mapping) or not isinstance(item.get("url"), str):
            raise BadResponseError(f"image {i + 1} has no URL")
        url = item["url"]
        if urlsplit(url).scheme not in ("http", "https"):
            raise BadResponseError(f"image {i + 1} has an unsupported URL scheme")
        remotes.append(
            RemoteImage(
                url=url,
                # What the server claims is only a hint: the file's own header is checked.
                width=_side_or(item.get("width"), want_w),
                height=_side_or(item.get("height"), want_h),
                content_type=str(item.get("content_type") or request.output_format.mime_type),
                nsfw=bool(nsfw_flags[i]) if i < len(nsfw_flags) else False,
            )
        )
    seed = data.get("seed", request.seed)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise BadResponseError("the response has no usable seed")
    if not P.valid_seed(seed):  # THE SEED RULE (up to 2**64 - 1: the API may go past 2**63)
        shown = str(seed) if len(str(seed)) <= 40 else f"{str(seed)[:20]}… ({len(str(seed))} digits)"
        raise BadResponseError(f"its seed {shown} is not {P.SEED.range_text()}")
    prompt = data.get("prompt") if isinstance(data.get("prompt"), str) else request.prompt
    return ApiResponse(
        images=tuple(remotes),
        seed=seed,
        timings=_timings(data.get("timings")),
        prompt=str(prompt),
        extra_images=extra,
    )


# Timings are informative only: a few named, finite numbers are kept (a huge integer or
# NaN here would have failed later, when the file's metadata is written or read).
_MAX_TIMINGS = 32
_MAX_TIMING_NAME = 64


def _timings(raw: Any) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        return {}
    timings: dict[str, float] = {}
    for key, value in raw.items():
        if len(timings) >= _MAX_TIMINGS:
            break
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        try:
            number = float(value)
        except OverflowError:  # an integer beyond a float's range
            continue
        if math.isfinite(number) and isinstance(key, str) and len(key) <= _MAX_TIMING_NAME:
            timings[key] = number
    return timings


def _side_or(value: Any, fallback: int) -> int:
    ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= P.SIDE_MAX
    return int(value) if ok else fallback


def problem_text(problem: object) -> str:
    """One item of a server's list of problems, as words: ``{path, message}`` (AI/ML API),
    ``{loc, msg}`` (FastAPI/pydantic) or ``{field, message}`` become "prompt: Required";
    anything else is shown as its text (a dict's repr was shown to users before)."""
    if not isinstance(problem, Mapping):
        return str(problem)
    message = next(
        (problem[k] for k in ("message", "msg", "detail") if isinstance(problem.get(k), str)), None
    )
    where = next((problem[k] for k in ("path", "loc", "field") if problem.get(k) not in (None, "", [])), None)
    if isinstance(where, list):
        parts = [str(part) for part in where if part != "body"]
        where = ".".join(parts) if parts else None
    if message is None:
        return ", ".join(f"{k}: {v}" for k, v in problem.items() if isinstance(v, (str, int, float)))
    return f"{where}: {message}" if where else message
