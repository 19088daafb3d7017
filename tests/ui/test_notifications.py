"""Notifications on Linux against a real D-Bus notification service: a private bus daemon
started here, and a small service that refuses any call not matching the specification's
signature (tests/tools/fake_notification_service.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from fluxdesk.ui.notifications import Notifier
from tests.ui.notification_bus import private_bus, start_service  # noqa: F401 (a fixture)


@pytest.mark.usefixtures("private_bus")
def test_a_notification_reaches_the_service_and_its_click_comes_back(qtbot: QtBot, tmp_path: Path) -> None:
    log = tmp_path / "notifications.jsonl"
    service = start_service(log, "click")
    notifier = Notifier()
    try:
        with qtbot.waitSignal(notifier.activated, timeout=10_000) as clicked:
            notifier.notify(12, "Job done", "2 images saved")
        assert clicked.args == [12]
        (shown,) = [json.loads(line) for line in log.read_text().splitlines()]
        assert shown["app"] == "FluxDesk"
        assert (shown["summary"], shown["body"]) == ("Job done", "2 images saved")
        assert "default" in shown["actions"]
    finally:
        notifier.close()
        service.terminate()
        service.wait()


@pytest.mark.usefixtures("private_bus")
def test_without_a_service_notifications_are_quietly_off(qtbot: QtBot) -> None:
    notifier = Notifier()
    shown: list[int] = []
    notifier.shown.connect(shown.append)
    notifier.notify(3, "Job failed", "HTTP 500")  # nobody owns the name: no error, nothing shown
    qtbot.wait(300)
    assert shown == []
    notifier.close()
