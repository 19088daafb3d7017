"""What every command shares: the program name, global option help, option checks that
exit 2, and the data-folder check that runs before a command opens the library."""

from __future__ import annotations

import argparse

PROG = "fluxdesk"
SANDBOX_HELP = "use a built-in offline sandbox API instead of the real one (no key needed)"
DEBUG_HELP = "show tracebacks and debug logs"
LIMIT_HELP = "at most N images (N ≥ 1)"


class BadOption(ValueError):
    """An option value outside its allowed range; the message names both."""


def global_options(*flags: str) -> argparse.ArgumentParser:
    """A parent parser repeating global flags on a command. SUPPRESS as default: a command
    that does not see the flag must not overwrite the True the main parser may have set
    (argparse copies a subparser's defaults over the main namespace)."""
    helps = {"--debug": DEBUG_HELP, "--sandbox": SANDBOX_HELP}
    parent = argparse.ArgumentParser(add_help=False)
    for flag in flags:
        parent.add_argument(flag, action="store_true", default=argparse.SUPPRESS, help=helps[flag])
    return parent


def int_option(value: object, flag: str, minimum: int, maximum: int | None = None) -> int | None:
    """``value`` (text from the command line, or a default) as a whole number in range."""
    if value is None:
        return None
    allowed = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if number is None or number < minimum or (maximum is not None and number > maximum):
        raise BadOption(f"{flag} must be a whole number {allowed} (got {value!r})")
    return number


def check_data_folder() -> None:
    """Settings, library and caches all live in the data folder: when a file stands where
    it (or a folder above it) should be, say so in one line instead of letting each later
    step fail with its own "[Errno 20] Not a directory"."""
    import os

    from fluxdesk.core.errors import LibraryError
    from fluxdesk.core.paths import HOME_ENV, app_paths

    folder = app_paths().data
    for place in (folder, *folder.parents):
        try:
            if not place.exists():
                continue
            if place.is_dir():
                return
        except OSError:
            return  # (permissions…) the step that needs the folder will say what failed
        what = "is a file" if place == folder else f"cannot be created: {place} is a file"
        fix = f"point {HOME_ENV} at a folder" if os.environ.get(HOME_ENV, "").strip() else "move that file"
        raise LibraryError(f"The data folder {folder} {what}, not a folder; {fix}.")
