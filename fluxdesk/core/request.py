"""The generation request: one frozen, validated object that the client sends.

Raw values (CLI strings, form values, a JSON body) go through :func:`build_request`,
which coerces and validates everything against :mod:`fluxdesk.core.params` and
returns *every* problem at once, each naming the field and the allowed range.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, Union

from fluxdesk.core import params as P
from fluxdesk.core.params import NumberSpec, OutputFormat, SizePreset


class CustomSize(NamedTuple):
    """A width x height image size (instead of a preset).

    (A NamedTuple, not a frozen dataclass: the window's first frame creates this class,
    and a dataclass's generated methods cost ~0.4 ms more to create; see README, Start-up.)
    """

    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


ImageSize = Union[SizePreset, CustomSize]


class Problem(NamedTuple):
    """One invalid field: ``field`` is the request key; ``rule`` says, for a person, what it
    must be (naming the field and the allowed range); ``got`` is the value given, as the
    message quotes it. The form shows the rule alone: the value is in the field above it.

    (A NamedTuple, not a frozen dataclass: the window's first frame creates this class,
    and a dataclass's generated methods cost ~0.4 ms more to create; see README, Start-up.)
    """

    field: str
    rule: str
    got: str | None = None

    @property
    def message(self) -> str:
        return self.rule if self.got is None else f"{self.rule} (got {self.got})"

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class GenerationRequest:
    """A validated request for the image-generation endpoint (see build_request)."""

    prompt: str
    image_size: ImageSize = P.DEFAULT_SIZE
    guidance_scale: float | None = None
    num_inference_steps: int | None = None
    num_images: int = 1
    seed: int | None = None  # None: the server picks one (and tells us which)
    output_format: OutputFormat = P.DEFAULT_FORMAT
    enable_safety_checker: bool = P.DEFAULT_SAFETY_CHECKER
    model: str = field(default=P.MODEL_ID)

    @property
    def dimensions(self) -> tuple[int, int]:
        if isinstance(self.image_size, SizePreset):
            return self.image_size.dimensions
        return (self.image_size.width, self.image_size.height)

    def problems(self) -> list[Problem]:
        """Re-validate this object (it may have been built directly, not via build_request)."""
        _, problems = build_request(self.to_fields())
        return problems

    def with_seed(self, seed: int | None) -> GenerationRequest:
        return replace(self, seed=seed)

    def to_fields(self) -> dict[str, Any]:
        """All fields with resolved values, in the shape build_request accepts."""
        size: Any = (
            self.image_size.value
            if isinstance(self.image_size, SizePreset)
            else {"width": self.image_size.width, "height": self.image_size.height}
        )
        return {
            "prompt": self.prompt,
            "image_size": size,
            "guidance_scale": self.guidance_scale,
            "num_inference_steps": self.num_inference_steps,
            "num_images": self.num_images,
            "seed": self.seed,
            "output_format": self.output_format.value,
            "enable_safety_checker": self.enable_safety_checker,
        }

    def to_api_json(self) -> dict[str, Any]:
        """The exact JSON body for ``POST /v1/images/generations``.

        Required fields always; optional ones only when set and different from the
        API's documented default (sending a default changes nothing and keeps the body
        minimal, as the issue asks).
        """
        body: dict[str, Any] = {"model": self.model, "prompt": self.prompt}
        if self.image_size != P.DEFAULT_SIZE:
            body["image_size"] = self.to_fields()["image_size"]
        if self.guidance_scale is not None:
            body["guidance_scale"] = self.guidance_scale
        if self.num_inference_steps is not None:
            body["num_inference_steps"] = self.num_inference_steps
        if self.enable_safety_checker is not P.DEFAULT_SAFETY_CHECKER:
            body["enable_safety_checker"] = self.enable_safety_checker
        if self.output_format is not P.DEFAULT_FORMAT:
            body["output_format"] = self.output_format.value
        if self.num_images != P.NUM_IMAGES.default:
            body["num_images"] = self.num_images
        if self.seed is not None:
            body["seed"] = self.seed
        return body


class RequestInvalid(ValueError):
    """Raised by :func:`validated_request` with every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


def validated_request(raw: Mapping[str, Any], *, strict_types: bool = False) -> GenerationRequest:
    request, problems = build_request(raw, strict_types=strict_types)
    if request is None:
        raise RequestInvalid(problems)
    return request


def build_request(
    raw: Mapping[str, Any], *, strict_types: bool = False
) -> tuple[GenerationRequest | None, list[Problem]]:
    """Coerce and validate raw values; return the request (or None) and all problems.

    ``raw`` uses the API field names. Missing or None optional fields take their
    defaults. With ``strict_types`` (JSON bodies, as the server sees them) strings are
    not accepted where numbers are expected.
    """
    problems: list[Problem] = []
    prompt = _prompt(raw.get("prompt"), problems)
    size = _image_size(raw, problems, strict_types)
    guidance = _number(P.GUIDANCE_SCALE, raw.get("guidance_scale"), problems, strict_types)
    steps = _number(P.NUM_INFERENCE_STEPS, raw.get("num_inference_steps"), problems, strict_types)
    num_images = _number(P.NUM_IMAGES, raw.get("num_images"), problems, strict_types)
    seed = _number(P.SEED, raw.get("seed"), problems, strict_types)
    fmt = _output_format(raw.get("output_format"), problems)
    safety = _bool("enable_safety_checker", "Safety checker", raw.get("enable_safety_checker"), problems)
    model = raw.get("model", P.MODEL_ID)
    if model != P.MODEL_ID:
        problems.append(Problem("model", f"Model: must be {P.MODEL_ID!r}", repr(model)))
    if problems:
        return None, problems
    assert prompt is not None and size is not None and fmt is not None
    return (
        GenerationRequest(
            prompt=prompt,
            image_size=size,
            guidance_scale=guidance,
            num_inference_steps=None if steps is None else int(steps),
            num_images=int(num_images if num_images is not None else P.NUM_IMAGES.default or 1),
            seed=None if seed is None else int(seed),
            output_format=fmt,
            enable_safety_checker=P.DEFAULT_SAFETY_CHECKER if safety is None else safety,
        ),
        [],
    )


def _prompt(value: Any, problems: list[Problem]) -> str | None:
    if not isinstance(value, str) or not value.strip():
        problems.append(
            Problem("prompt", f"Prompt: must not be empty (1 to {P.PROMPT_MAX_CHARS} characters)")
        )
        return None
    if len(value) > P.PROMPT_MAX_CHARS:
        problems.append(
            Problem("prompt", f"Prompt: at most {P.PROMPT_MAX_CHARS} characters", str(len(value)))
        )
        return None
    return value


def side_problem(spec: NumberSpec, value: Any, *, strict_types: bool = False) -> Problem | None:
    """Check one custom side (width or height); shared by the request and the form."""
    problems: list[Problem] = []
    number = _number(spec, value, problems, strict_types, required=True)
    if problems:
        return Problem(spec.field, _side_rule(spec), repr(value))
    assert number is not None
    if int(number) % P.SIDE_STEP:
        return Problem(spec.field, _side_rule(spec), repr(value))
    return None


def _side_rule(spec: NumberSpec) -> str:
    return (
        f"{spec.label}: must be a multiple of {P.SIDE_STEP} from {int(spec.minimum)} to {int(spec.maximum)}"
    )


def _image_size(raw: Mapping[str, Any], problems: list[Problem], strict: bool) -> ImageSize | None:
    value = raw.get("image_size")
    if value is None:
        return P.DEFAULT_SIZE
    if isinstance(value, SizePreset | CustomSize):
        value = (
            value.value if isinstance(value, SizePreset) else {"width": value.width, "height": value.height}
        )
    if isinstance(value, str) and not strict:
        text = value.strip().lower()
        if "x" in text or "×" in text:
            w, _, h = text.replace("×", "x").partition("x")
            value = {"width": w.strip(), "height": h.strip()}
    if isinstance(value, str):
        try:
            return SizePreset(value)
        except ValueError:
            names = ", ".join(p.value for p in SizePreset)
            problems.append(
                Problem(
                    "image_size", f"Image size: must be one of {names} or a custom width×height", repr(value)
                )
            )
            return None
    if isinstance(value, Mapping):
        found: list[Problem] = []
        for spec in P.SIDE_SPECS:
            problem = side_problem(spec, value.get(spec.field), strict_types=strict)
            if problem:
                found.append(problem)
        problems.extend(found)
        if found:
            return None
        return CustomSize(int(value["width"]), int(value["height"]))
    problems.append(
        Problem("image_size", "Image size: must be a preset name or {width, height}", repr(value))
    )
    return None


def _number(
    spec: NumberSpec,
    value: Any,
    problems: list[Problem],
    strict: bool,
    *,
    required: bool = False,
) -> float | int | None:
    if value is None or (isinstance(value, str) and not value.strip() and not strict):
        if required:
            problems.append(Problem(spec.field, f"{spec.label}: required, {spec.range_text()}"))
        return spec.default if not required else None
    number: float | int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = value if math.isfinite(value) else None
    elif isinstance(value, str) and not strict:
        text = value.strip()
        try:
            number = int(text)
        except ValueError:
            try:
                number = float(text)
                if not math.isfinite(number):
                    number = None
            except ValueError:
                number = None
    if number is not None and spec.integer and isinstance(number, float):
        number = int(number) if number.is_integer() else None
    if number is None or not (spec.minimum <= number <= spec.maximum):
        problems.append(Problem(spec.field, f"{spec.label}: must be {spec.range_text()}", repr(value)))
        return None
    return number


def _output_format(value: Any, problems: list[Problem]) -> OutputFormat | None:
    if value is None:
        return P.DEFAULT_FORMAT
    if isinstance(value, OutputFormat):
        return value
    text = str(value).strip().lower()
    if text == "jpg":
        text = "jpeg"
    try:
        return OutputFormat(text)
    except ValueError:
        allowed = " or ".join(f.value for f in OutputFormat)
        problems.append(Problem("output_format", f"Output format: must be {allowed}", repr(value)))
        return None


def _bool(name: str, label: str, value: Any, problems: list[Problem]) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    problems.append(Problem(name, f"{label}: must be true or false", repr(value)))
    return None
