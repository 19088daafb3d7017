"""Which generation parameters differ between two saved images (for the compare view),
and how a stored parameter reads to a person."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fluxdesk.core import params as P
from fluxdesk.core.params import SizePreset

# Display order and names, the catalogue's; anything else in the stored request follows
# alphabetically.
LABELS: dict[str, str] = {**{spec.field: spec.label for spec in P.FIELDS}, "model": "Model"}


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


def size_text(image_size: Any, width: int | None = None, height: int | None = None) -> str:
    """A preset by its label, as the form lists it; anything else as custom pixels."""
    if isinstance(image_size, str):
        try:
            return SizePreset(image_size).label
        except ValueError:
            pass
    if isinstance(image_size, Mapping) and {"width", "height"} <= set(image_size):
        width, height = image_size["width"], image_size["height"]
    if width and height:
        return f"Custom ({width}×{height})"
    return P.AUTO_TEXT if image_size is None else str(image_size)


def param_text(key: str, value: Any) -> str:
    """A stored request parameter in the form's words ("Auto", "JPEG", preset labels),
    never the API's names: the details panel and the compare view both show these."""
    if key == "image_size":
        return size_text(value)
    if value is None:
        return P.AUTO_TEXT
    if key == "output_format":
        return str(value).upper()
    if isinstance(value, bool):
        return "On" if value else "Off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def diff_params(left: Mapping[str, Any], right: Mapping[str, Any]) -> list[ParamRow]:
    keys = [k for k in LABELS if k in left or k in right]
    keys += sorted((set(left) | set(right)) - set(LABELS))
    return [
        ParamRow(k, LABELS.get(k, k), param_text(k, left.get(k)), param_text(k, right.get(k))) for k in keys
    ]
