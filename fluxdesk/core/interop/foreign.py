"""Parsers for other tools' parameter blocks, each returning plain ``Found`` values.

Every parser takes text already read (size-capped) from the file and checks every type it
uses: a block of the wrong shape gives None (or fewer values), never an exception other
than ValueError. Formats, as each tool writes them:

* A1111/Forge: ``parameters`` text (see :mod:`a1111`); Fooocus writes the same layout with
  ``Version: Fooocus …``, or its own JSON scheme.
* Fooocus: ``parameters`` JSON (``prompt``, ``negative_prompt``, ``steps``,
  ``guidance_scale``, ``seed``, ``resolution`` "(w, h)", ``sampler``, ``base_model``) and
  ``fooocus_scheme`` = "fooocus".
* ComfyUI: ``prompt`` = the API graph ``{node id: {"class_type", "inputs"}}``; a link is
  ``[node id, output index]``. KSampler/KSamplerAdvanced hold seed/noise_seed, steps, cfg,
  sampler_name and the ``positive`` link to a CLIPTextEncode; FLUX graphs use
  SamplerCustomAdvanced with RandomNoise, BasicScheduler, FluxGuidance.
* InvokeAI: ``invokeai_metadata`` JSON (``positive_prompt``, ``negative_prompt``, ``seed``,
  ``steps``, ``cfg_scale``, ``width``, ``height``, ``scheduler``, ``model``); older versions
  ``sd-metadata`` (``{"image": {"prompt", "seed", "steps", "cfg_scale", "sampler"…}}``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fluxdesk.core.interop import a1111

# How far a ComfyUI link chain is followed (a cycle must not hang the reader).
_MAX_LINK_DEPTH = 16


@dataclass
class Found:
    """Values a foreign block gave, in FluxDesk's words; ``extra`` is what has no place in
    a flux-realism request (sampler, negative prompt, model), as "name: value"."""

    source: str
    prompt: str | None = None
    seed: int | None = None
    steps: int | None = None
    guidance: float | None = None
    width: int | None = None
    height: int | None = None
    extra: list[str] = field(default_factory=list)

    def note(self, name: str, value: Any) -> None:
        if value not in (None, "", [], {}):
            self.extra.append(f"{name}: {value}")


def load_json(text: str) -> Any:
    """JSON, or ValueError (also for nesting deep enough to exhaust the stack)."""
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"not JSON ({type(exc).__name__})") from None


def number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = float(value.strip())
        except ValueError:
            return None
        return parsed if parsed == parsed and abs(parsed) != float("inf") else None
    return None


def whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,30}\s*", value):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# ------------------------------------------------------------------------- A1111 / Fooocus


def from_a1111(parameters: str) -> Found | None:
    parsed = a1111.parse_parameters(parameters)
    if parsed is None:
        return None
    s = parsed.settings
    source = "fooocus" if "fooocus" in s.get("Version", "").lower() else "a1111"
    found = Found(
        source, prompt=parsed.prompt, seed=whole(s.get(a1111.SEED)), steps=whole(s.get(a1111.STEPS))
    )
    found.guidance = number(s.get(a1111.CFG_SCALE))
    # Forge's FLUX files keep CFG at 1 and put FLUX's own guidance here.
    distilled = number(s.get("Distilled CFG Scale"))
    if distilled is not None:
        found.guidance = distilled
    size = re.fullmatch(r"\s*(\d{1,6})\s*x\s*(\d{1,6})\s*", s.get(a1111.SIZE, ""))
    if size:
        found.width, found.height = int(size.group(1)), int(size.group(2))
    found.note("negative prompt", parsed.negative_prompt)
    sampler = s.get(a1111.SAMPLER)
    if sampler and sampler != a1111.FLUX_SAMPLER:
        found.note("sampler", sampler)
    model = s.get(a1111.MODEL)
    if model and model != "flux-realism":
        found.note("model", model)
    return found


def from_fooocus_json(parameters: str) -> Found | None:
    data = load_json(parameters)
    if not isinstance(data, Mapping) or not isinstance(data.get("prompt"), str):
        return None
    found = Found("fooocus", prompt=data["prompt"], seed=whole(data.get("seed")))
    found.steps = whole(data.get("steps"))
    found.guidance = number(data.get("guidance_scale"))
    resolution = re.fullmatch(r"\s*\(?\s*(\d{1,6})\s*,\s*(\d{1,6})\s*\)?\s*", str(data.get("resolution", "")))
    if resolution:
        found.width, found.height = int(resolution.group(1)), int(resolution.group(2))
    found.note("negative prompt", text(data.get("negative_prompt")))
    found.note("sampler", text(data.get("sampler")))
    found.note("model", text(data.get("base_model")))
    return found


# ----------------------------------------------------------------------------- ComfyUI

_SAMPLERS = ("KSampler", "KSamplerAdvanced")
_TEXT_NODES = ("CLIPTextEncode", "CLIPTextEncodeFlux", "CLIPTextEncodeSDXL")


def from_comfyui(prompt_graph: str) -> Found | None:
    graph = load_json(prompt_graph)
    if not isinstance(graph, Mapping):
        return None
    nodes = {
        str(k): v
        for k, v in graph.items()  # in the file's order: ComfyUI writes node ids ascending
        if isinstance(v, Mapping) and isinstance(v.get("inputs"), Mapping)
    }
    if not nodes:
        return None
    first_of: dict[Any, Mapping[str, Any]] = {}  # class_type -> its first node
    for node in nodes.values():
        kind = node.get("class_type")
        if isinstance(kind, str):
            first_of.setdefault(kind, node)
    found = Found("comfyui")
    sampler = _first(first_of, _SAMPLERS)
    if sampler is not None:
        inputs = sampler["inputs"]
        found.seed = whole(_value(nodes, inputs.get("seed", inputs.get("noise_seed"))))
        found.steps = whole(_value(nodes, inputs.get("steps")))
        found.guidance = number(_value(nodes, inputs.get("cfg")))
        found.prompt = _prompt_from(nodes, inputs.get("positive"))
        found.note("sampler", text(_value(nodes, inputs.get("sampler_name"))))
        negative = _prompt_from(nodes, inputs.get("negative"))
        found.note("negative prompt", negative)
    # FLUX graphs: SamplerCustomAdvanced with separate noise, scheduler and guidance nodes.
    noise = _first(first_of, ("RandomNoise",))
    if found.seed is None and noise is not None:
        found.seed = whole(_value(nodes, noise["inputs"].get("noise_seed")))
    scheduler = _first(first_of, ("BasicScheduler",))
    if found.steps is None and scheduler is not None:
        found.steps = whole(_value(nodes, scheduler["inputs"].get("steps")))
    flux_guidance = _first(first_of, ("FluxGuidance",))
    if flux_guidance is not None:
        value = number(_value(nodes, flux_guidance["inputs"].get("guidance")))
        found.guidance = value if value is not None else found.guidance
        if found.prompt is None:
            found.prompt = _prompt_from(nodes, flux_guidance["inputs"].get("conditioning"))
    if found.prompt is None:
        encoder = _first(first_of, _TEXT_NODES)
        if encoder is not None:
            found.prompt = _encoder_text(nodes, encoder)
    latent = _first(first_of, ("EmptyLatentImage", "EmptySD3LatentImage"))
    if latent is not None:
        found.width = whole(_value(nodes, latent["inputs"].get("width")))
        found.height = whole(_value(nodes, latent["inputs"].get("height")))
    loader = _first(first_of, ("CheckpointLoaderSimple", "UNETLoader"))
    if loader is not None:
        found.note(
            "model", text(_value(nodes, loader["inputs"].get("ckpt_name", loader["inputs"].get("unet_name"))))
        )
    if found.prompt is None and found.seed is None and found.steps is None:
        return None
    return found


def _first(first_of: Mapping[str, Mapping[str, Any]], kinds: tuple[str, ...]) -> Mapping[str, Any] | None:
    """The first node of the first of ``kinds`` the graph has (the more telling type first)."""
    return next((first_of[kind] for kind in kinds if kind in first_of), None)


def _is_link(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and isinstance(value[0], str | int)


def _value(nodes: Mapping[str, Any], value: Any, depth: int = 0) -> Any:
    """A widget value, following a link to a primitive node's value."""
    while _is_link(value) and depth < _MAX_LINK_DEPTH:
        node = nodes.get(str(value[0]))
        if node is None:
            return None
        inputs = node["inputs"]
        candidates = [
            v
            for k, v in inputs.items()
            if k in ("value", "seed", "noise_seed", "int", "float", "text", "string")
        ]
        if not candidates:
            return None
        value = candidates[0]
        depth += 1
    return None if _is_link(value) else value


def _prompt_from(nodes: Mapping[str, Any], link: Any) -> str | None:
    """The text of the CLIPTextEncode a conditioning link leads to (through guidance/
    conditioning nodes on the way)."""
    for _ in range(_MAX_LINK_DEPTH):
        if not _is_link(link):
            return None
        node = nodes.get(str(link[0]))
        if node is None:
            return None
        if node.get("class_type") in _TEXT_NODES:
            return _encoder_text(nodes, node)
        inputs = node["inputs"]
        link = inputs.get("conditioning", inputs.get("positive", inputs.get("conditioning_1")))
    return None


def _encoder_text(nodes: Mapping[str, Any], node: Mapping[str, Any]) -> str | None:
    inputs = node["inputs"]
    for key in ("text", "t5xxl", "text_g", "clip_l"):
        value = _value(nodes, inputs.get(key))
        if isinstance(value, str):
            return value
    return None


# ----------------------------------------------------------------------------- InvokeAI


def from_invokeai(metadata: str) -> Found | None:
    data = load_json(metadata)
    if not isinstance(data, Mapping):
        return None
    prompt = data.get("positive_prompt")
    if not isinstance(prompt, str):
        return None
    found = Found("invokeai", prompt=prompt, seed=whole(data.get("seed")), steps=whole(data.get("steps")))
    found.guidance = number(data.get("cfg_scale"))
    found.width, found.height = whole(data.get("width")), whole(data.get("height"))
    found.note("negative prompt", text(data.get("negative_prompt")))
    found.note("sampler", text(data.get("scheduler")))
    model = data.get("model")
    found.note("model", text(model.get("name")) if isinstance(model, Mapping) else text(model))
    return found


def from_invokeai_legacy(metadata: str) -> Found | None:
    data = load_json(metadata)
    image = data.get("image") if isinstance(data, Mapping) else None
    if not isinstance(image, Mapping):
        return None
    prompt = image.get("prompt")
    if isinstance(prompt, list):  # [{"prompt": "...", "weight": 1.0}, ...]
        parts = [
            str(p["prompt"]) for p in prompt if isinstance(p, Mapping) and isinstance(p.get("prompt"), str)
        ]
        prompt = " ".join(parts) if parts else None
    if not isinstance(prompt, str):
        return None
    found = Found("invokeai", prompt=prompt, seed=whole(image.get("seed")), steps=whole(image.get("steps")))
    found.guidance = number(image.get("cfg_scale"))
    found.width, found.height = whole(image.get("width")), whole(image.get("height"))
    found.note("sampler", text(image.get("sampler")))
    found.note("model", text(data.get("model_weights")))
    return found
