"""Show a file in the system's file manager, selected where the platform allows it.

- macOS: ``open -R``; Windows: ``explorer /select,"path"``.
- Linux and other freedesktop desktops: the file manager's D-Bus interface
  (``org.freedesktop.FileManager1.ShowItems``: Nautilus, Dolphin, Nemo, Caja, Thunar…),
  sent with jeepney, which the keyring already uses there. It runs in a worker: starting
  the file manager may take a moment.
- Otherwise, or when that fails: the containing folder, opened by the desktop.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QThreadPool, QUrl
from PySide6.QtGui import QDesktopServices

from fluxdesk.ui.tasks import ignore, run_task

FILE_MANAGER = "org.freedesktop.FileManager1"
FILE_MANAGER_PATH = "/org/freedesktop/FileManager1"
DBUS_TIMEOUT_S = 5.0  # a file manager started on demand may take a while


def reveal_command(path: Path, platform: str = sys.platform) -> tuple[str, list[str], str] | None:
    """The program, its arguments and (Windows) its raw command-line tail that show
    ``path`` selected, where there is one.

    Explorer parses ``/select,<path>`` itself and splits at commas outside quotes, so the
    path is quoted inside that one argument; Qt's own quoting would wrap the whole
    argument instead (when the path has a space) and Explorer would not see ``/select``.
    """
    if platform == "darwin":
        return "open", ["-R", str(path)], ""
    if platform == "win32":
        return "explorer.exe", [], f'/select,"{path}"'
    return None


def ask_file_manager(path: Path) -> None:
    """(Blocking: run it in a worker.) Ask the freedesktop file manager to show ``path``
    selected; raises when there is no session bus or no file manager answers."""
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection
    from jeepney.wrappers import unwrap_msg

    address = DBusAddress(FILE_MANAGER_PATH, bus_name=FILE_MANAGER, interface=FILE_MANAGER)
    call = new_method_call(address, "ShowItems", "ass", ([path.as_uri()], ""))
    with open_dbus_connection(bus="SESSION") as connection:
        unwrap_msg(connection.send_and_get_reply(call, timeout=DBUS_TIMEOUT_S))


def open_folder(folder: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def show_in_folder(path: Path, receiver: QObject, pool: QThreadPool | None = None) -> None:
    """Show ``path`` in the file manager; its folder when it cannot be selected there.
    ``receiver``: the widget asking (nothing happens late if it is gone meanwhile)."""
    command = reveal_command(path)
    if command is not None:
        program, arguments, native = command
        process = QProcess()
        process.setProgram(program)
        process.setArguments(arguments)
        if native:
            process.setNativeArguments(native)  # type: ignore[attr-defined]  # (Windows-only API)
        started = process.startDetached()
        if not (started[0] if isinstance(started, tuple) else started):
            open_folder(path.parent)
        return
    run_task(
        pool or QThreadPool.globalInstance(),
        lambda: ask_file_manager(path),
        ignore,
        lambda error: _could_not_ask(error, path.parent),
        receiver=receiver,
    )


def _could_not_ask(error: BaseException, folder: Path) -> None:
    try:
        from jeepney import DBusErrorResponse
    except ImportError:  # no jeepney at all: that is an ImportError below
        DBusErrorResponse = ImportError
    # No session bus (KeyError: no address), no jeepney, no file manager on the bus, or
    # no answer in time: the folder itself is the next best thing. Anything else is a bug.
    if not isinstance(error, OSError | KeyError | ImportError | DBusErrorResponse):
        raise error
    open_folder(folder)
