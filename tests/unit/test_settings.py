from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from fluxdesk.core import params as P
from fluxdesk.core.paths import app_paths
from fluxdesk.core.settings import PROMPT_HISTORY_LIMIT, Settings


def test_round_trip_and_atomic_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings(read_timeout=30.0, auto_save=False, last_request={"prompt": "fox"})
    settings.remember_prompt("fox")
    settings.save(path)
    assert Settings.load(path) == settings
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no temp file left


def test_wrong_types_fall_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"read_timeout": "soon", "auto_save": False, "connect_timeout": 5}))
    loaded = Settings.load(path)
    assert loaded.read_timeout == Settings().read_timeout
    assert loaded.auto_save is False
    assert loaded.connect_timeout == 5.0
    path.write_text("{not json")
    assert Settings.load(path) == Settings()


def test_prompt_history_is_recent_first_unique_and_bounded() -> None:
    settings = Settings()
    for i in range(PROMPT_HISTORY_LIMIT + 10):
        settings.remember_prompt(f"p{i}")
    settings.remember_prompt("p5")
    assert settings.prompt_history[0] == "p5"
    assert len(settings.prompt_history) == PROMPT_HISTORY_LIMIT
    assert settings.prompt_history.count("p5") == 1


def test_environment_overrides(tmp_path: Path) -> None:
    settings = Settings()
    assert settings.effective_base_url({}) == P.DEFAULT_BASE_URL
    assert settings.effective_base_url({"FLUXDESK_BASE_URL": "http://127.0.0.1:9/"}) == "http://127.0.0.1:9"
    paths = app_paths({"FLUXDESK_HOME": str(tmp_path)})
    assert paths.library == tmp_path / "library"
    assert paths.settings_file == tmp_path / "settings.json"
    assert settings.library_root(paths) == tmp_path / "library"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the hand-made XDG rule is Linux's")
@pytest.mark.parametrize(
    "xdg",
    [
        {},
        {"XDG_DATA_HOME": "/srv/data", "XDG_CACHE_HOME": "/srv/cache"},
        {"XDG_DATA_HOME": "", "XDG_CACHE_HOME": ""},
        {"XDG_DATA_HOME": "relative/data", "XDG_CACHE_HOME": "./cache"},
        {"HOME": "relative-home"},
        {"HOME": ""},
    ],
)
def test_linux_data_folders_are_platformdirs_answer(
    xdg: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    for name in ("FLUXDESK_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name, value in xdg.items():
        monkeypatch.setenv(name, value)
    paths = app_paths()
    assert paths.data == Path(platformdirs.user_data_dir("FluxDesk", appauthor=False))
    assert paths.cache == Path(platformdirs.user_cache_dir("FluxDesk", appauthor=False))
    assert paths.data.is_absolute() and paths.cache.is_absolute()
