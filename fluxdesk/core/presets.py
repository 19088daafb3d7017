"""Presets: named sets of every request setting (not only the prompt), kept in the data
folder, shared as JSON files, and checked with the request model's own rules.

A preset holds any of the catalogue's fields (``params.PRESET_FIELDS``); a field it does
not hold is left as it is when the preset is applied. The seed is held only when asked
for. The prompt may be a template with a ``{subject}`` slot, filled in when the preset is
used (``fluxdesk generate "a red fox" --preset portrait``).

Stored as ``presets.json`` in the data folder (written atomically); one preset travels as
a file ``{"fluxdesk_preset": 1, "name": …, "values": {…}}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fluxdesk.core import params as P
from fluxdesk.core.errors import InvalidRequestError, LibraryError
from fluxdesk.core.paths import write_json_atomically
from fluxdesk.core.request import GenerationRequest, Problem, build_request

SUBJECT_SLOT = "{subject}"
FILE_MARK = "fluxdesk_preset"  # the key that makes a JSON file a preset (its value: the version)
FILE_VERSION = 1
NAME_MAX_CHARS = 80
# A stand-in prompt for checking a preset's other values when it holds no prompt, and
# for the slot of a template (the subject is only known when the preset is used).
_CHECK_PROMPT = "subject"


@dataclass(frozen=True)
class Preset:
    """A name and the raw request values it sets (API field names, JSON-shaped)."""

    name: str
    values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_template(self) -> bool:
        prompt = self.values.get(P.PROMPT.field)
        return isinstance(prompt, str) and SUBJECT_SLOT in prompt

    def prompt_for(self, text: str | None) -> str | None:
        """The prompt this preset gives: a template's slot filled with ``text``, else
        ``text`` itself when given (the command line's prompt wins), else its own."""
        prompt = self.values.get(P.PROMPT.field)
        if self.is_template:
            assert isinstance(prompt, str)
            return prompt.replace(SUBJECT_SLOT, text) if text is not None else None
        return text if text is not None else prompt

    def to_file(self) -> dict[str, Any]:
        return {FILE_MARK: FILE_VERSION, "name": self.name, "values": dict(self.values)}


def preset_from_request(name: str, request: GenerationRequest, *, with_seed: bool = False) -> Preset:
    """Every setting of ``request`` as a preset (the seed only with ``with_seed``)."""
    values = request.to_fields()
    if not with_seed:
        values.pop(P.SEED.field, None)
    return checked_preset(name, values)


def checked_preset(name: object, values: object, *, strict: bool = True) -> Preset:
    """A preset whose name and every value pass the request model's rules, its values in
    their JSON form; otherwise InvalidRequestError naming each bad field and its allowed
    range. ``strict``: a number given as text is wrong (a file's JSON); the command line's
    values are text and are read as the form reads them."""
    problems = _name_problems(name)
    if not isinstance(values, Mapping):
        raise InvalidRequestError([*problems, "Preset values: must be an object of request fields"])
    unknown = sorted(str(key) for key in values if key not in P.PRESET_FIELDS)
    if unknown:
        known = ", ".join(P.PRESET_FIELDS)
        problems.append(f"Preset: unknown field {', '.join(map(repr, unknown))} (known: {known})")
    raw = {key: value for key, value in values.items() if key in P.PRESET_FIELDS}
    prompt = raw.get(P.PROMPT.field)
    check = dict(raw)
    if prompt is None:
        check[P.PROMPT.field] = _CHECK_PROMPT
    elif isinstance(prompt, str):
        check[P.PROMPT.field] = prompt.replace(SUBJECT_SLOT, _CHECK_PROMPT)
    request, found = build_request(check, strict_types=strict)
    problems += [problem.message for problem in found if _held(problem, raw)]
    if problems or request is None:
        raise InvalidRequestError(problems or ["Preset: invalid"])
    assert isinstance(name, str)
    typed = request.to_fields()
    held = {key: raw[key] if key == P.PROMPT.field else typed[key] for key in P.PRESET_FIELDS if key in raw}
    return Preset(name.strip(), held)


def _held(problem: Problem, raw: Mapping[str, Any]) -> bool:
    """Whether a problem is about a value the preset holds (sides belong to the size)."""
    side = problem.field in {spec.field for spec in P.SIDE_SPECS}
    return (P.IMAGE_SIZE.field if side else problem.field) in raw


def _name_problems(name: object) -> list[str]:
    if not isinstance(name, str) or not name.strip():
        return [f"Preset name: must not be empty (1 to {NAME_MAX_CHARS} characters)"]
    if len(name.strip()) > NAME_MAX_CHARS:
        return [f"Preset name: at most {NAME_MAX_CHARS} characters (got {len(name.strip())})"]
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in name):
        return ["Preset name: must not contain control characters"]
    return []


def apply_preset(preset: Preset, raw: Mapping[str, Any], *, subject: str | None = None) -> dict[str, Any]:
    """Raw request values: the preset's, then every value of ``raw`` that is set (not
    None) on top; the prompt from :meth:`Preset.prompt_for` unless ``raw`` has one."""
    merged: dict[str, Any] = {key: value for key, value in preset.values.items() if key != P.PROMPT.field}
    merged.update({key: value for key, value in raw.items() if value is not None})
    if raw.get(P.PROMPT.field) is None or preset.is_template:
        given = subject if subject is not None else raw.get(P.PROMPT.field)
        merged[P.PROMPT.field] = preset.prompt_for(given)
    return merged


def read_preset_file(path: Path) -> Preset:
    """A preset file as :meth:`Preset.to_file` writes it, every value checked."""
    try:
        if path.stat().st_size > 1_000_000:
            raise InvalidRequestError([f"{path.name}: not a FluxDesk preset (larger than 1 MB)"])
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LibraryError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise InvalidRequestError([f"{path.name}: not a FluxDesk preset (not a JSON file)"]) from None
    if not isinstance(data, Mapping) or data.get(FILE_MARK) != FILE_VERSION:
        raise InvalidRequestError([f'{path.name}: not a FluxDesk preset (no "{FILE_MARK}": {FILE_VERSION})'])
    return checked_preset(data.get("name"), data.get("values"))


class PresetStore:
    """The presets of one data folder, by name (names compare case-insensitively)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def all(self) -> list[Preset]:
        """Every stored preset, by name; a damaged entry is left out (and kept on disk
        until the next save replaces it), a damaged file reads as no presets."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise LibraryError(f"Cannot read the presets in {self.path}: {exc}.") from exc
        found = []
        for entry in data.get("presets", []) if isinstance(data, Mapping) else []:
            try:
                found.append(checked_preset(entry.get("name"), entry.get("values")))
            except (InvalidRequestError, AttributeError):
                continue
        return sorted(found, key=lambda p: p.name.casefold())

    def get(self, name: str) -> Preset | None:
        key = name.strip().casefold()
        return next((p for p in self.all() if p.name.casefold() == key), None)

    def save(self, preset: Preset) -> None:
        """Add ``preset``, replacing one of the same name."""
        key = preset.name.casefold()
        self._write([p for p in self.all() if p.name.casefold() != key] + [preset])

    def delete(self, name: str) -> bool:
        key = name.strip().casefold()
        presets = self.all()
        kept = [p for p in presets if p.name.casefold() != key]
        if len(kept) == len(presets):
            return False
        self._write(kept)
        return True

    def _write(self, presets: list[Preset]) -> None:
        data = {
            "version": FILE_VERSION,
            "presets": [{"name": p.name, "values": dict(p.values)} for p in presets],
        }
        write_json(self.path, data)


def write_json(path: Path, data: object) -> None:
    """A preset file (or the presets of a data folder), written atomically; a shared
    preset is an ordinary file, not a private one."""
    try:
        write_json_atomically(path, data, shared=True)
    except OSError as exc:
        raise LibraryError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
