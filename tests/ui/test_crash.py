"""Unexpected exceptions are logged with their traceback and told in one calm line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fluxdesk.ui import crash
from fluxdesk.ui.messages import UserMessage


def test_unexpected_error_is_logged_and_shown_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    shown: list[UserMessage] = []
    crash.install(tmp_path / "cache", shown.append)
    try:
        raise ValueError("an internal slip")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert len(shown) == 1
    message = shown[0]
    assert "ValueError" in message.text and "Traceback" not in message.text
    log = crash.log_file(tmp_path / "cache")
    assert str(log) in message.text
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "an internal slip" in text


def test_a_failing_window_still_leaves_the_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)

    def broken_show(_: UserMessage) -> None:
        raise RuntimeError("window gone")

    crash.install(tmp_path / "cache", broken_show)
    try:
        raise KeyError("x")
    except KeyError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)  # must not raise
    text = crash.log_file(tmp_path / "cache").read_text(encoding="utf-8")
    assert "KeyError" in text and "window gone" in text
