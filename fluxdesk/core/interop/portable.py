"""What a FluxDesk record says in other tools' words (XMP fields, the A1111 line), and the
rule that keeps "Auto" steps/guidance out of the files.

A request whose steps or guidance were left to the server ("Auto") would give an A1111
line with only Sampler and Seed: other tools need three of Steps, Sampler, CFG scale and
Seed, so they would show no parameters at all. FluxDesk therefore sends the model's
published defaults explicitly (``with_sent_defaults``): the server then uses exactly
those values, and the file records what was really used instead of a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, NamedTuple

from fluxdesk.core.interop.a1111 import FLUX_SAMPLER, A1111Fields
from fluxdesk.core.interop.xmp import XmpFields
from fluxdesk.core.params import API_DEFAULT_GUIDANCE_SCALE, API_DEFAULT_STEPS
from fluxdesk.core.request import GenerationRequest


def with_sent_defaults(request: GenerationRequest) -> GenerationRequest:
    """The request with "Auto" steps/guidance replaced by the API's documented defaults."""
    return replace(
        request,
        guidance_scale=(
            API_DEFAULT_GUIDANCE_SCALE if request.guidance_scale is None else request.guidance_scale
        ),
        num_inference_steps=(
            API_DEFAULT_STEPS if request.num_inference_steps is None else request.num_inference_steps
        ),
    )


class Portable(NamedTuple):
    """The fields of a FluxDesk record that other tools have a place for."""

    prompt: str
    seed: int | None
    steps: int | None
    guidance: float | None
    width: int | None
    height: int | None
    model: str | None
    created: str | None
    creator_tool: str

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Portable:
        """From FluxDesk's JSON document (``ImageRecord.to_document()``); unknown values stay None."""
        request = record.get("request")
        request = request if isinstance(request, Mapping) else {}
        version = record.get("app_version")
        return cls(
            prompt=_str(request.get("prompt")) or "",
            seed=_int(record.get("seed")),
            steps=_int(request.get("num_inference_steps")),
            guidance=_float(request.get("guidance_scale")),
            width=_int(record.get("width")),
            height=_int(record.get("height")),
            model=_str(record.get("model")),
            created=_str(record.get("created")),
            creator_tool=f"FluxDesk {version}" if isinstance(version, str) and version else "FluxDesk",
        )

    def xmp(self) -> XmpFields:
        return XmpFields(
            description=self.prompt, creator_tool=self.creator_tool, create_date=self.created, ai_label=True
        )

    def a1111(self) -> A1111Fields:
        return A1111Fields(
            prompt=self.prompt,
            steps=self.steps,
            sampler=FLUX_SAMPLER,
            guidance=self.guidance,
            seed=self.seed,
            width=self.width,
            height=self.height,
            model=self.model,
        )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
