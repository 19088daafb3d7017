"""Show in folder: the file is selected in the file manager (a real one on the test's
private D-Bus session), or its folder opens when no file manager answers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QObject

from fluxdesk.ui import reveal

# A file manager as far as D-Bus is concerned: owns the name, answers ShowItems once and
# prints the URIs it was asked to show.
FAKE_FILE_MANAGER = """
from jeepney import HeaderFields, MessageType, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

with open_dbus_connection(bus="SESSION") as bus:
    bus.send_and_get_reply(message_bus.RequestName("org.freedesktop.FileManager1"))
    print("ready", flush=True)
    while True:
        msg = bus.receive(timeout=20)
        if msg.header.message_type is MessageType.method_call:
            bus.send(new_method_return(msg))
            if msg.header.fields.get(HeaderFields.member) == "ShowItems":
                print(" ".join(msg.body[0]), flush=True)
                break
"""


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Folders the desktop was asked to open (instead of launching a real file browser)."""
    folders: list[Path] = []
    monkeypatch.setattr(reveal, "open_folder", folders.append)
    return folders


def test_macos_and_windows_select_the_file_with_their_own_tools(tmp_path: Path) -> None:
    image = tmp_path / "a fox.png"
    assert reveal.reveal_command(image, "darwin") == ("open", ["-R", str(image)], "")
    # One argument Explorer parses itself, the path quoted inside it (it has a space).
    assert reveal.reveal_command(image, "win32") == ("explorer.exe", [], f'/select,"{image}"')
    assert reveal.reveal_command(image, "linux") is None


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="the freedesktop path")
def test_the_file_manager_is_asked_to_select_the_file(qtbot, tmp_path: Path, opened: list[Path]) -> None:  # type: ignore[no-untyped-def]
    image = tmp_path / "a fox.png"
    image.write_bytes(b"png")
    manager = subprocess.Popen([sys.executable, "-c", FAKE_FILE_MANAGER], stdout=subprocess.PIPE, text=True)
    try:
        assert manager.stdout is not None and manager.stdout.readline().strip() == "ready"
        receiver = QObject()
        reveal.show_in_folder(image, receiver)
        assert manager.stdout.readline().strip() == image.as_uri()
        assert manager.wait(timeout=10) == 0
    finally:
        manager.kill()
    qtbot.wait(100)
    assert opened == []  # it answered: no folder window as well


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="the freedesktop path")
def test_without_a_file_manager_the_folder_opens(qtbot, tmp_path: Path, opened: list[Path]) -> None:  # type: ignore[no-untyped-def]
    image = tmp_path / "a fox.png"
    receiver = QObject()
    reveal.show_in_folder(image, receiver)
    qtbot.waitUntil(lambda: opened == [tmp_path], timeout=10_000)
