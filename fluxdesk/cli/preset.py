"""``fluxdesk preset``: named sets of every setting: save, list, show, delete, export, import.

``preset save NAME`` takes generate's options (the prompt as ``--prompt TEXT``, which may
hold a ``{subject}`` slot); a preset holds only the options given, the seed only when
``--seed`` is given. ``generate --preset NAME`` starts from them (see generate.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fluxdesk.cli.common import PROG, check_data_folder, global_options
from fluxdesk.core import params as P
from fluxdesk.core.errors import EXIT_CODES, ErrorKind, InvalidRequestError

if TYPE_CHECKING:
    from fluxdesk.core.presets import Preset, PresetStore

NAME = "preset"
BAD_INPUT = EXIT_CODES[ErrorKind.VALIDATION]


def register(commands: Any) -> None:
    from fluxdesk.cli.generate import add_field_options

    debug = global_options("--debug")
    preset = commands.add_parser(NAME, parents=[debug], help="save and reuse named sets of every setting")
    actions = preset.add_subparsers(dest="preset_command", metavar="ACTION", required=True)
    save = actions.add_parser(
        "save", parents=[debug], help="save generate's options as a preset (replaces one of the same name)"
    )
    save.add_argument("name", metavar="NAME", help="the preset's name")
    add_field_options(save, prompt_option=True)
    listing = actions.add_parser("list", parents=[debug], help="list the presets")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    show = actions.add_parser("show", parents=[debug], help="show what a preset sets")
    show.add_argument("name", metavar="NAME")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    delete = actions.add_parser("delete", parents=[debug], help="forget a preset")
    delete.add_argument("name", metavar="NAME")
    export = actions.add_parser("export", parents=[debug], help="write a preset to a JSON file to share")
    export.add_argument("name", metavar="NAME")
    export.add_argument("file", metavar="FILE")
    imported = actions.add_parser(
        "import", parents=[debug], help="add a preset from a JSON file (every value is checked)"
    )
    imported.add_argument("file", metavar="FILE")


def store() -> PresetStore:
    from fluxdesk.core.paths import app_paths
    from fluxdesk.core.presets import PresetStore

    return PresetStore(app_paths().presets_file)


def run(args: argparse.Namespace) -> int:
    action = args.preset_command
    check_data_folder()
    try:
        return int(_ACTIONS[action](args))
    except InvalidRequestError as error:
        _problems(action, error.messages)
        return BAD_INPUT


def _problems(action: str, messages: list[str], command: str = NAME) -> None:
    for message in messages:
        where = " ".join(word for word in (PROG, command, action) if word)
        print(f"{where}: {message}", file=sys.stderr)


def _known(name: str, action: str, command: str = NAME) -> Preset | None:
    """The preset called ``name``, or None after saying which ones there are."""
    found = store().get(name)
    if found is None:
        names = ", ".join(p.name for p in store().all()) or "none saved yet"
        _problems(action, [f"no preset called {name!r} (presets: {names})"], command)
    return found


def apply_named_preset(name: str, raw: dict[str, Any]) -> dict[str, Any] | None:
    """``raw`` (generate's values) on top of the preset ``name``; None (after a message
    naming it) for an unknown preset or a template without its subject."""
    from fluxdesk.core.presets import SUBJECT_SLOT, apply_preset

    preset = _known(name, "", "generate") if name.strip() else None
    if preset is None:
        if not name.strip():
            print(f"{PROG} generate: --preset: must name a preset", file=sys.stderr)
        return None
    if preset.is_template and raw.get(P.PROMPT.field) is None:
        print(
            f"{PROG} generate: preset {preset.name!r} has a {SUBJECT_SLOT} slot in its prompt: "
            "give the subject as PROMPT",
            file=sys.stderr,
        )
        return None
    return apply_preset(preset, raw)


def _save(args: argparse.Namespace) -> int:
    from fluxdesk.cli.generate import raw_request_from_args, size_problems
    from fluxdesk.core.presets import checked_preset

    problems = size_problems(args)
    if problems:
        _problems("save", problems)
        return BAD_INPUT
    values = {key: value for key, value in raw_request_from_args(args).items() if value is not None}
    try:
        preset = checked_preset(args.name, values, strict=False)
    except InvalidRequestError as error:  # name the option, as generate does
        from fluxdesk.cli.generate import with_flag

        by_label = {spec.label: spec.field for spec in (*P.FIELDS, *P.SIDE_SPECS)}
        _problems("save", [with_flag(by_label.get(m.partition(":")[0], ""), m) for m in error.messages])
        return BAD_INPUT
    replaced = store().get(preset.name) is not None
    store().save(preset)
    print(f"{'Replaced' if replaced else 'Saved'} preset {preset.name!r} ({_summary(preset)}).")
    return 0


def _list(args: argparse.Namespace) -> int:
    presets = store().all()
    if args.json:
        import json

        print(json.dumps([_json(p) for p in presets], ensure_ascii=False, indent=1))
    elif not presets:
        print("No presets yet: save one with `fluxdesk preset save NAME [options]`.", file=sys.stderr)
    for preset in presets if not args.json else ():
        print(f"{preset.name}\t{_summary(preset)}")
    return 0


def _show(args: argparse.Namespace) -> int:
    preset = _known(args.name, "show")
    if preset is None:
        return BAD_INPUT
    if args.json:
        import json

        print(json.dumps(_json(preset), ensure_ascii=False, indent=1))
        return 0
    print(preset.name)
    for spec in P.FIELDS:
        if spec.field in preset.values:
            print(f"  {spec.label}: {_shown(spec, preset.values[spec.field])}")
    return 0


def _delete(args: argparse.Namespace) -> int:
    if not store().delete(args.name):
        return BAD_INPUT if _known(args.name, "delete") is None else 1
    print(f"Deleted preset {args.name.strip()!r}.")
    return 0


def _export(args: argparse.Namespace) -> int:
    from fluxdesk.core.presets import write_json

    preset = _known(args.name, "export")
    if preset is None:
        return BAD_INPUT
    target = Path(args.file)
    write_json(target, preset.to_file())
    print(f"Wrote preset {preset.name!r} to {target}.")
    return 0


def _import(args: argparse.Namespace) -> int:
    from fluxdesk.core.presets import read_preset_file

    path = Path(args.file)
    if not path.is_file():
        _problems("import", [f"{path}: no such file"])
        return BAD_INPUT
    preset = read_preset_file(path)
    replaced = store().get(preset.name) is not None
    store().save(preset)
    print(f"{'Replaced' if replaced else 'Added'} preset {preset.name!r} ({_summary(preset)}).")
    return 0


def _json(preset: Preset) -> dict[str, Any]:
    return {"name": preset.name, "template": preset.is_template, "values": dict(preset.values)}


def _summary(preset: Preset) -> str:
    shown = [
        f"{spec.short.lower()} {_shown(spec, preset.values[spec.field])}"
        for spec in P.FIELDS
        if spec.field in preset.values and spec.kind != P.TEXT
    ]
    if preset.is_template:
        shown.insert(0, "prompt template")
    elif P.PROMPT.field in preset.values:
        shown.insert(0, "prompt")
    return ", ".join(shown) or "no settings"


def _shown(spec: P.FieldSpec, value: Any) -> str:
    if value is None:
        return P.AUTO_TEXT
    if spec.kind == P.SIZE:
        return f"{value['width']}×{value['height']}" if isinstance(value, dict) else str(value)
    if spec.kind == P.SWITCH:
        return "on" if value else "off"
    return f"{value:g}" if isinstance(value, float) else str(value)


_ACTIONS = {
    "save": _save,
    "list": _list,
    "show": _show,
    "delete": _delete,
    "export": _export,
    "import": _import,
}
