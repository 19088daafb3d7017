"""Notifications on Linux against a real D-Bus notification service: a private bus daemon
started here, and a small service that refuses any call not matching the specification's
signature (tests/tools/fake_notification_service.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from fluxdesk.ui.notifications import Notifier

SERVICE_SCRIPT = Path(__file__).resolve().parents[1] / "tools" / "fake_notification_service.py"


@pytest.fixture
def private_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A session bus of this test's own (not the suite's), as the environment says."""
    daemon = shutil.which("dbus-daemon")
    assert daemon is not None, "dbus-daemon is needed (Debian package dbus)"
    process = subprocess.Popen(
        [daemon, "--session", "--nofork", "--print-address=1"], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    address = process.stdout.readline().strip()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    process.terminate()
    process.wait()


def start_service(log: Path, *extra: str) -> subprocess.Popen[str]:
    service = subprocess.Popen(
        [sys.executable, str(SERVICE_SCRIPT), str(log), *extra], stdout=subprocess.PIPE, text=True
    )
    assert service.stdout is not None and service.stdout.readline().strip() == "ready"
    return service


def test_a_notification_reaches_the_service_and_its_click_comes_back(
    qtbot: QtBot, private_bus: str, tmp_path: Path
) -> None:
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


def test_without_a_service_notifications_are_quietly_off(qtbot: QtBot, private_bus: str) -> None:
    notifier = Notifier()
    shown: list[int] = []
    notifier.shown.connect(shown.append)
    notifier.notify(3, "Job failed", "HTTP 500")  # nobody owns the name: no error, nothing shown
    qtbot.wait(300)
    assert shown == []
    notifier.close()
