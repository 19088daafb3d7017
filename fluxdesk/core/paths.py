"""Where FluxDesk keeps its library, settings and caches.

``FLUXDESK_HOME`` puts everything under one folder (tests, portable installs);
otherwise the OS's user data and cache dirs are used (platformdirs' answer; on Linux the
same XDG rule is applied here, see ``_xdg_dir``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NamedTuple

HOME_ENV = "FLUXDESK_HOME"
APP_DIR_NAME = "FluxDesk"


class AppPaths(NamedTuple):
    """Where FluxDesk keeps its settings, library and caches.

    (A NamedTuple, not a frozen dataclass: the window's first frame creates this class,
    and a dataclass's generated methods cost more to create; see README, Start-up.)
    """

    data: Path  # settings.json lives here
    library: Path  # default library root (a setting may move it)
    cache: Path  # thumbnails, unsaved results

    @property
    def settings_file(self) -> Path:
        return self.data / "settings.json"

    @property
    def presets_file(self) -> Path:
        return self.data / "presets.json"

    @property
    def unsaved_results(self) -> Path:
        """Results kept only for this session when auto-save is off."""
        return self.cache / "unsaved"

    @property
    def thumbnails(self) -> Path:
        return self.cache / "thumbnails"


def app_paths(env: dict[str, str] | None = None) -> AppPaths:
    env = dict(os.environ) if env is None else env
    home = env.get(HOME_ENV, "").strip()
    if home:
        root = Path(home).expanduser()
        return AppPaths(data=root, library=root / "library", cache=root / "cache")
    if sys.platform.startswith("linux"):
        data = _xdg_dir(env, "XDG_DATA_HOME", ".local/share")
        cache = _xdg_dir(env, "XDG_CACHE_HOME", ".cache")
    else:
        import platformdirs  # imported lazily: only needed without FLUXDESK_HOME

        data = Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))
        cache = Path(platformdirs.user_cache_dir(APP_DIR_NAME, appauthor=False))
    return AppPaths(data=data, library=data / "library", cache=cache)


def _xdg_dir(env: dict[str, str], variable: str, default_under_home: str) -> Path:
    """FluxDesk's folder in an XDG base directory, as platformdirs finds it on Linux (a
    test holds the two equal). By hand because the window's start-up reads the settings
    file from here, and importing platformdirs costs start-up time (README, Start-up).
    The XDG rule: an absolute path in the variable, else the default under the home."""
    base = env.get(variable, "")
    if not os.path.isabs(base):  # unset, empty or relative: ignored, as the spec says
        base = os.path.join(_home(env), default_under_home)
    return Path(base, APP_DIR_NAME)


def _home(env: dict[str, str]) -> str:
    home = env.get("HOME", "")
    if os.path.isabs(home):
        return home
    import pwd  # a relative or missing HOME is ignored, as platformdirs does

    return pwd.getpwuid(os.getuid()).pw_dir


def new_file_mode() -> int:
    """The mode a new file of the user's gets (0644 under the usual umask): for files made
    with mkstemp (always 0600) that are meant to be shared, like a contact sheet."""
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return 0o666 & ~mask


def write_json_atomically(path: Path, data: object, *, shared: bool = False) -> None:
    """``data`` as JSON at ``path``: a crash leaves the old file or the new one, never half
    of one. The file stays private to the user (mkstemp's 0600) unless ``shared``: then it
    gets the mode any new file of theirs gets. Raises OSError; callers word it."""
    import json  # lazily (with tempfile): the window's start-up only reads
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        if shared:
            os.chmod(tmp, new_file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
