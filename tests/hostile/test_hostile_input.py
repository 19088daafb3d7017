"""Hostile input that is not a request: a hand-edited settings.json, a key with control
characters, text with terminal escape sequences."""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

import pytest

from fluxdesk.core.keystore import key_problem
from fluxdesk.core.safe_text import escape_controls, has_controls
from fluxdesk.core.settings import TIMEOUT_MAX, TIMEOUT_MIN, Settings

DEFAULTS = Settings()


def load(tmp_path: Path, text: str, caplog: pytest.LogCaptureFixture) -> tuple[Settings, list[str]]:
    path = tmp_path / "settings.json"
    path.write_text(text, encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="fluxdesk"):
        settings = Settings.load(path)
    return settings, [r.getMessage() for r in caplog.records]


@pytest.mark.parametrize(
    "value", ["-5", "0", "NaN", "Infinity", "-Infinity", "1e999", "601", str(10**400), "0.5"]
)
@pytest.mark.parametrize("name", ["connect_timeout", "read_timeout"])
def test_a_timeout_out_of_range_gives_one_warning_and_the_default(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str, value: str
) -> None:
    settings, warnings = load(tmp_path, f'{{"{name}": {value}, "auto_save": false}}', caplog)
    assert getattr(settings, name) == getattr(DEFAULTS, name)
    assert settings.auto_save is False  # the rest of the file still counts
    assert len(warnings) == 1
    assert name in warnings[0] and f"{TIMEOUT_MIN:g} to {TIMEOUT_MAX:g} seconds" in warnings[0]
    assert "using the default" in warnings[0]


def test_timeouts_in_range_are_kept(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings, warnings = load(tmp_path, '{"connect_timeout": 1, "read_timeout": 600.0}', caplog)
    assert (settings.connect_timeout, settings.read_timeout) == (1.0, 600.0)
    assert warnings == []


@pytest.mark.parametrize("folder", ["/tmp/a\u0000b", "lib\u001b]0;x\u0007", "two\nlines"])
def test_a_library_folder_with_control_characters_is_refused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, folder: str
) -> None:
    settings, warnings = load(tmp_path, json.dumps({"library_dir": folder}), caplog)
    assert settings.library_dir == ""
    assert len(warnings) == 1 and "library_dir" in warnings[0]
    assert "\u0000" not in warnings[0]


def test_history_and_window_state_of_the_wrong_shape_are_cleaned(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = json.dumps({"prompt_history": ["a fox", 3, None, "a cat"], "ui_state": {"geometry": "x", "n": 5}})
    settings, _ = load(tmp_path, text, caplog)
    assert settings.prompt_history == ["a fox", "a cat"]
    assert settings.ui_state == {"geometry": "x"}


def test_absurdly_nested_settings_are_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings, warnings = load(tmp_path, "[" * 100_000 + "]" * 100_000, caplog)
    assert settings == DEFAULTS
    assert len(warnings) == 1 and "unreadable" in warnings[0]


@pytest.mark.parametrize("key", ["sk-abc\u001b[31m", "sk-\u0000abc", "sk-abc\u009b2J", "sk-\u007f"])
def test_a_key_with_control_characters_is_refused(key: str) -> None:
    assert key_problem(key) == "the API key contains control characters; nothing was stored"


def test_an_ordinary_key_is_accepted() -> None:
    assert key_problem("sk-0123456789abcdef") is None


def test_escaping_shows_every_control_character_but_newline_and_tab() -> None:
    osc = "\u001b]0;pwned\u0007a fox"
    assert escape_controls(osc) == "\\u001b]0;pwned\\u0007a fox"
    assert escape_controls("csi \u009b2J del \u007f nul \u0000") == "csi \\u009b2J del \\u007f nul \\u0000"
    assert escape_controls("two\nlines\tand tab, ünïcode, 字") == "two\nlines\tand tab, ünïcode, 字"
    # The escape is valid inside a JSON string and decodes to the original.
    assert json.loads('"' + escape_controls("\u001b\u009b") + '"') == "\u001b\u009b"
    assert has_controls("\u0085") and not has_controls("a\tb\nc")
    assert math.isfinite(TIMEOUT_MIN)
