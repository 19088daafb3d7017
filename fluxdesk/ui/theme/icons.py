"""Icons: the app icon from ``resources/`` (High-DPI aware), standard icons otherwise."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon

# Sizes handed to the window system for the window icon. On X11 every size in the icon
# is decoded and sent to the server when the window is created, so the 1024 px master
# (4 MB of pixels) made the first frame slower; the pre-rendered hicolor sizes
# are also crisper at small sizes.
WINDOW_ICON_MAX = 256


def resources_dir() -> Path:
    """``resources/`` beside the package, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    import fluxdesk

    return Path(fluxdesk.__file__).resolve().parent.parent / "resources"


def _hicolor_sizes(folder: Path) -> list[tuple[int, Path]]:
    """``hicolor/<n>x<n>/apps/fluxdesk.png`` as (n, path), smallest first."""
    found = []
    for path in folder.glob("hicolor/*x*/apps/fluxdesk.png"):
        side = path.parent.parent.name.split("x", 1)[0]
        if side.isdigit():
            found.append((int(side), path))
    return sorted(found)


def app_icon() -> QIcon:
    """The app icon in one QIcon: the hicolor sizes up to WINDOW_ICON_MAX when present,
    otherwise all of fluxdesk.png, fluxdesk-<n>.png, fluxdesk.svg."""
    folder = resources_dir() / "icons"
    icon = QIcon()
    if not folder.is_dir():
        return icon
    sized = [path for side, path in _hicolor_sizes(folder) if side <= WINDOW_ICON_MAX]
    if sized:
        for path in sized:
            icon.addFile(str(path))
        return icon
    for path in sorted(folder.glob("fluxdesk*.png")) + sorted(folder.glob("fluxdesk*.svg")):
        icon.addFile(str(path))
    return icon


# Names of Qt standard pixmaps (QStyle.StandardPixmap), resolved only when asked for:
# touching QStyle costs start-up time (README, Start-up).
_STANDARD: dict[str, str] = {
    "error": "SP_MessageBoxCritical",
    "warning": "SP_MessageBoxWarning",
    "info": "SP_MessageBoxInformation",
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
    from PySide6.QtWidgets import QApplication, QStyle

    style = QApplication.style()
    if name in _STANDARD and style is not None:
        return style.standardIcon(getattr(QStyle.StandardPixmap, _STANDARD[name]))
    return QIcon()
