"""Which generation parameters differ between two saved images (for the compare view)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Display order and names; anything else in the stored request follows alphabetically.
LABELS: dict[str, str] = {
    "prompt": "Prompt",
    "seed": "Seed",
    "image_size": "Size",
    "guidance_scale": "Guidance scale",
    "num_inference_steps": "Steps",
    "num_images": "Images per request",
    "output_format": "Format",
    "enable_safety_checker": "Safety checker",
    "model": "Model",
}


@dataclass(frozen=True)
class ParamRow:
    """One parameter of two images side by side, for the comparison view."""

    key: str
    label: str
    left: str
    right: str

    @property
    def differs(self) -> bool:
        return self.left != self.right


def show(value: Any) -> str:
    if value is None:
        return "server default"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Mapping) and {"width", "height"} <= set(value):
        return f"{value['width']}×{value['height']}"
    return str(value)


def diff_params(left: Mapping[str, Any], right: Mapping[str, Any]) -> list[ParamRow]:
    keys = [k for k in LABELS if k in left or k in right]
    keys += sorted((set(left) | set(right)) - set(LABELS))
    return [ParamRow(k, LABELS.get(k, k), show(left.get(k)), show(right.get(k))) for k in keys]
