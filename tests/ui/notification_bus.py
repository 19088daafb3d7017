"""A private D-Bus session bus and the small notification service the notification tests
run against (tests/tools/fake_notification_service.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVICE_SCRIPT = Path(__file__).resolve().parents[1] / "tools" / "fake_notification_service.py"


@pytest.fixture
def private_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A session bus of the test's own (not the suite's), as the environment says."""
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
    """The notification service on the bus, logging each notification to ``log``; with
    ``click`` it answers each with the click signal."""
    service = subprocess.Popen(
        [sys.executable, str(SERVICE_SCRIPT), str(log), *extra], stdout=subprocess.PIPE, text=True
    )
    assert service.stdout is not None and service.stdout.readline().strip() == "ready"
    return service
