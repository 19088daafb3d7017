"""Where FluxDesk keeps its library, settings and caches.

``FLUXDESK_HOME`` puts everything under one folder (tests, portable installs);
otherwise the OS's user data and cache dirs are used (via platformdirs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "FLUXDESK_HOME"


@dataclass(frozen=True)
class AppPaths:
    """Where FluxDesk keeps its settings, library and caches."""

    data: Path  # settings.json lives here
    library: Path  # default library root (a setting may move it)
    cache: Path  # thumbnails, unsaved results

    @property
    def settings_file(self) -> Path:
        return self.data / "settings.json"

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
    import platformdirs  # imported lazily: only needed without FLUXDESK_HOME

    data = Path(platformdirs.user_data_dir("FluxDesk", appauthor=False))
    cache = Path(platformdirs.user_cache_dir("FluxDesk", appauthor=False))
    return AppPaths(data=data, library=data / "library", cache=cache)
