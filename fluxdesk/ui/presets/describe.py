"""How the window words a preset: its settings in one line, a name to start from."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fluxdesk.core import params as P
from fluxdesk.core.presets import SUBJECT_SLOT, Preset

NAME_CHARS = 32  # a suggested name: at most this much of the prompt's first clause
# Words a suggested name does not end on ("portrait of {subject}" gives "portrait").
DANGLING = frozenset(
    ["a", "an", "the", "of", "on", "in", "at", "with", "and", "or", "for", "to", "by", "from"]
)


def value_text(spec: P.FieldSpec, value: Any) -> str:
    """One held value in words: "Portrait 3:4", "guidance 3.5", "28 steps", "PNG"."""
    if spec.kind == P.SIZE:
        if isinstance(value, Mapping):
            return f"{value['width']}×{value['height']}"
        return P.PRESET_LABELS[P.SizePreset(value)]
    if spec.kind == P.SWITCH:
        return f"{spec.short.lower()} {'on' if value else 'off'}"
    if spec.kind == P.CHOICE:
        return str(value).upper()
    if value is None:
        return f"{spec.short.lower()} {P.AUTO_TEXT}"
    number = f"{value:g}" if isinstance(value, float) else str(value)
    if spec is P.NUM_INFERENCE_STEPS:
        return f"{number} steps"
    if spec is P.NUM_IMAGES:
        return f"{number} image{'s' if value != 1 else ''}"
    return f"{spec.short.lower()} {number}"


def settings_text(values: Mapping[str, Any]) -> str:
    """Every held setting but the prompt, in the form's order, one line."""
    shown = [
        value_text(spec, values[spec.field])
        for spec in P.FIELDS
        if spec.field in values and spec is not P.PROMPT
    ]
    return " · ".join(shown) or "no settings"


def preset_text(preset: Preset) -> str:
    """What a preset holds, for its menu entry's tooltip: the prompt (or that it is a
    template, or that it keeps the form's), then the settings."""
    prompt = preset.values.get(P.PROMPT.field)
    if prompt is None:
        head = "Keeps the prompt"
    elif preset.is_template:
        head = f"Prompt template: {prompt}"
    else:
        head = f"Prompt: {prompt}"
    return f"{head}\n{settings_text(preset.values)}"


def suggested_name(prompt: str) -> str:
    """A name to start from (selected, so typing replaces it): the prompt's first clause,
    cut at a word within NAME_CHARS, without the template's slot or a dangling "of"."""
    clause = re.split(r"[,;.:\n]", prompt.replace(SUBJECT_SLOT, " "), maxsplit=1)[0]
    words: list[str] = []
    for word in clause.split():
        if len(" ".join([*words, word])) > NAME_CHARS:
            break
        words.append(word)
    while words and words[-1].casefold() in DANGLING:
        words.pop()
    if not words and clause.split():  # one long word
        words = [clause.split()[0][:NAME_CHARS]]
    return " ".join(words) or "My preset"


def menu_text(name: str) -> str:
    """A name as menu text: an "&" is shown, not taken for a keyboard accelerator."""
    return name.replace("&", "&&")
