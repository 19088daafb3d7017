"""Icons: the app icon from ``resources/`` (High-DPI aware), standard icons otherwise."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle


def resources_dir() -> Path:
    """``resources/`` beside the package, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    import fluxdesk

    return Path(fluxdesk.__file__).resolve().parent.parent / "resources"


def app_icon() -> QIcon:
    """All sizes found (fluxdesk.png, fluxdesk-<n>.png, fluxdesk.svg) in one QIcon."""
    folder = resources_dir() / "icons"
    icon = QIcon()
    if folder.is_dir():
        for path in sorted(folder.glob("fluxdesk*.png")) + sorted(folder.glob("fluxdesk*.svg")):
            icon.addFile(str(path))
    return icon


_STANDARD: dict[str, QStyle.StandardPixmap] = {
    "save": QStyle.StandardPixmap.SP_DialogSaveButton,
    "open-folder": QStyle.StandardPixmap.SP_DirOpenIcon,
    "cancel": QStyle.StandardPixmap.SP_DialogCancelButton,
    "retry": QStyle.StandardPixmap.SP_BrowserReload,
    "close": QStyle.StandardPixmap.SP_TitleBarCloseButton,
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "done": QStyle.StandardPixmap.SP_DialogApplyButton,
    "queued": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "running": QStyle.StandardPixmap.SP_MediaPlay,
    "cancelled": QStyle.StandardPixmap.SP_MediaStop,
    "fullscreen": QStyle.StandardPixmap.SP_TitleBarMaxButton,
}


def icon(name: str) -> QIcon:
    """resources/icons/<name>.svg|png, then the platform theme, then a Qt standard icon."""
    for ext in ("svg", "png"):
        path = resources_dir() / "icons" / f"{name}.{ext}"
        if path.is_file():
            return QIcon(str(path))
    themed = QIcon.fromTheme(name)
    if not themed.isNull():
        return themed
    style = QApplication.style()
    if name in _STANDARD and style is not None:
        return style.standardIcon(_STANDARD[name])
    return QIcon()
