"""Light/dark palettes on the Fusion style, following the OS colour scheme.

Start-up builds the theme without touching PySide's ``Qt`` namespace or a ``QStyle``
wrapper: the first use of either creates Python enums for all their members at once
(README, Start-up, has the figures). So Fusion is chosen on the QApplication's
command line (``STYLE_ARGS``) and the OS scheme is read from the palette Qt starts with
(``startup_prefers_dark``). Later changes of the scheme may use both freely.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox, QWidget

SCHEME_ENV = "FLUXDESK_COLOR_SCHEME"  # "dark" | "light" forces a scheme (tests, screenshots)
STYLE = "Fusion"
STYLE_ARGS = ["-style", STYLE]  # for the QApplication's argv

ACCENT = QColor("#3b82f6")
# The Generate button: a deeper blue than the accent, so its white text reads (5.2:1; on
# the accent itself it was 3.7:1).
PRIMARY = "#2563eb"
PRIMARY_HOVER = "#1d4ed8"
ERROR_LIGHT = "#c62828"
ERROR_DARK = "#ff8a80"
HINT_LIGHT = "#5f6673"  # secondary text: 4.6:1 on the result canvas, 5.3:1 on the window
HINT_DARK = "#9aa0a6"
SUCCESS_LIGHT = "#1b7f3b"  # "it works" text: 5.0:1 on the window
SUCCESS_DARK = "#7ed99a"

_Role = QPalette.ColorRole

# Every role of both palettes is set, so the look does not depend on the platform theme.
_DARK: dict[QPalette.ColorRole, str] = {
    _Role.Window: "#1f2125",
    _Role.WindowText: "#e6e6e6",
    _Role.Base: "#17181b",
    _Role.AlternateBase: "#24262b",
    _Role.ToolTipBase: "#2b2d33",
    _Role.ToolTipText: "#e6e6e6",
    _Role.PlaceholderText: "#8b8f98",
    _Role.Text: "#e6e6e6",
    _Role.Button: "#2a2c31",
    _Role.ButtonText: "#e6e6e6",
    _Role.BrightText: "#ffffff",
    _Role.Light: "#3a3d44",
    _Role.Midlight: "#32343a",
    _Role.Mid: "#26282c",
    _Role.Dark: "#141518",
    _Role.Shadow: "#000000",
    _Role.Highlight: ACCENT.name(),
    _Role.HighlightedText: "#ffffff",
    _Role.Link: "#7fb0ff",
    _Role.LinkVisited: "#b39dff",
    _Role.Accent: ACCENT.name(),
}
_DARK_DISABLED: dict[QPalette.ColorRole, str] = {
    _Role.WindowText: "#7a7d85",
    _Role.Text: "#7a7d85",
    _Role.ButtonText: "#7a7d85",
    _Role.Highlight: "#3a3d44",
}
# Fusion's light palette, on a cooler window colour.
_LIGHT: dict[QPalette.ColorRole, str] = {
    _Role.Window: "#f3f4f6",
    _Role.WindowText: "#000000",
    _Role.Base: "#ffffff",
    _Role.AlternateBase: "#f7f8fa",
    _Role.ToolTipBase: "#ffffdc",
    _Role.ToolTipText: "#000000",
    _Role.PlaceholderText: "#80848b",
    _Role.Text: "#000000",
    _Role.Button: "#efefef",
    _Role.ButtonText: "#000000",
    _Role.BrightText: "#ffffff",
    _Role.Light: "#ffffff",
    _Role.Midlight: "#cacaca",
    _Role.Mid: "#b8b8b8",
    _Role.Dark: "#9f9f9f",
    _Role.Shadow: "#767676",
    _Role.Highlight: ACCENT.name(),
    _Role.HighlightedText: "#ffffff",
    _Role.Link: "#1d4ed8",
    _Role.LinkVisited: "#7c3aed",
    _Role.Accent: ACCENT.name(),
}
_LIGHT_DISABLED: dict[QPalette.ColorRole, str] = {
    _Role.WindowText: "#bebebe",
    _Role.Text: "#bebebe",
    _Role.ButtonText: "#bebebe",
    _Role.Dark: "#bebebe",
    _Role.Shadow: "#b1b1b1",
    _Role.Highlight: "#c7ccd4",
}


def forced_dark() -> bool | None:
    """``FLUXDESK_COLOR_SCHEME`` as True (dark) / False (light), None when not forced."""
    forced = os.environ.get(SCHEME_ENV, "").strip().lower()
    return forced == "dark" if forced in ("dark", "light") else None


def startup_prefers_dark() -> bool:
    """Is the OS in dark mode? Only valid before FluxDesk has set its own palette.

    Qt starts with the platform theme's palette, which follows the OS scheme (Windows,
    macOS, KDE, GTK), or else with Fusion's, which is dark when the platform reports a
    dark scheme (Qt >= 6.5). ``QStyleHints.colorScheme()`` would say the same, at the
    price of the ``Qt`` namespace's enums.
    """
    forced = forced_dark()
    return forced if forced is not None else is_dark(QGuiApplication.palette())


def scheme_is_dark(scheme: Qt.ColorScheme) -> bool:
    """A colour scheme reported by Qt (after start-up), unless one is forced."""
    from PySide6.QtCore import Qt

    forced = forced_dark()
    return forced if forced is not None else scheme == Qt.ColorScheme.Dark


def hint_colour(palette: QPalette) -> QColor:
    """The secondary text colour (the ``hint`` role's) for the scheme ``palette`` is in,
    for text a widget paints itself."""
    return QColor(HINT_DARK if is_dark(palette) else HINT_LIGHT)


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def _palette(colors: dict[QPalette.ColorRole, str], disabled: dict[QPalette.ColorRole, str]) -> QPalette:
    p = QPalette()
    for role, color in colors.items():
        p.setColor(role, QColor(color))
    for role, color in disabled.items():
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(color))
    return p


def dark_palette() -> QPalette:
    return _palette(_DARK, _DARK_DISABLED)


def light_palette() -> QPalette:
    return _palette(_LIGHT, _LIGHT_DISABLED)


# --- roles: the few looks beyond the palette ----------------------------------------------
# Set per widget (``set_role``), not as an application style sheet: an app-wide sheet makes
# every widget go through Qt's style-sheet style, a start-up cost even for a dozen
# rules. Colours are palette changes (nearly free); the few widgets that need a
# sheet (headings, the Generate button, the message bar) get their own (cheap); the
# main tabs get a proxy style (tab_style.py).
ROLES = (
    "hint",
    "error",
    "success",
    "heading",
    "canvas",
    "primary",
    "tabs",
    "message-info",
    "message-warning",
    "message-error",
)
# The selected main tab's fill (see tab_style.py): lighter than the window in both schemes.
TAB_FILL_DARK = "#41444c"
TAB_FILL_LIGHT = "#ffffff"


def _colors(dark: bool) -> dict[str, str]:
    return {
        "error": ERROR_DARK if dark else ERROR_LIGHT,
        "hint": HINT_DARK if dark else HINT_LIGHT,
        "success": SUCCESS_DARK if dark else SUCCESS_LIGHT,
        "card": "#26282d" if dark else "#ffffff",
        "border": "#34363c" if dark else "#dfe2e6",
        "canvas": "#18191c" if dark else "#e4e6e9",
        "warning": "#e0a100",
        "accent": ACCENT.name(),
    }


def _primary_button_sheet(dark: bool) -> str:
    return f"""
QPushButton {{
    background: {PRIMARY}; color: white; border: none; border-radius: 5px;
    padding: 7px 16px; font-weight: 600;
}}
QPushButton:hover {{ background: {PRIMARY_HOVER}; }}
QPushButton:focus {{ outline: none; border: 2px solid #cfe0ff; }}
QPushButton:disabled {{ background: {"#3a3d44" if dark else "#c7ccd4"};
    color: {"#8b8f98" if dark else "#f3f4f6"}; }}
"""


def _message_bar_sheet(dark: bool, severity: str, name: str) -> str:
    c = _colors(dark)
    edge = {"error": c["error"], "warning": c["warning"]}.get(severity, c["accent"])
    # The margin is the bar's gap to what is above it: a hidden bar takes no room at all.
    # (Selected by its own name: the sheet must not reach the frames inside it.)
    return f"""
QFrame#{name} {{ margin: 10px 14px 6px 14px; border: 1px solid {c["border"]};
    border-left: 4px solid {edge}; border-radius: 6px; background: {c["card"]}; }}
"""


def set_role(widget: QWidget, role: str) -> None:
    """Give ``widget`` one of the ``ROLES`` looks: hint or error text, a heading, the result
    canvas, the primary (Generate) button, the main tab bar's tabs, a message bar of a
    severity. It follows scheme changes (``apply_theme`` applies it again); the role is
    also the widget's ``role`` property. (The main window sets ``tabs`` right after the
    first frame: its QStyle enums would cost start-up time.)"""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    widget.setProperty("role", role)
    _style(widget, role, is_dark())


def _style(widget: QWidget, role: str, dark: bool) -> None:
    c = _colors(dark)
    if role in ("hint", "error", "success"):
        set_text_colour(widget, c[role])  # (only the text: the rest follows the application)
    elif role == "heading":
        # (A sheet, not QFont: PySide's QFont wrapper, with its enums, is costly the first time.)
        widget.setStyleSheet("font-weight: 600;")
    elif role == "canvas":
        palette = QPalette()
        palette.setColor(QPalette.ColorRole.Window, QColor(c["canvas"]))
        widget.setPalette(palette)
        widget.setAutoFillBackground(True)
    elif role == "primary":
        widget.setStyleSheet(_primary_button_sheet(dark))
    elif role == "tabs":  # a QTabBar: a proxy style that reads the colours as it paints
        from PySide6.QtWidgets import QTabBar

        from fluxdesk.ui.theme.tab_style import style_main_tabs

        assert isinstance(widget, QTabBar)
        style_main_tabs(widget)
    else:  # message-<severity>
        widget.setStyleSheet(_message_bar_sheet(dark, role.removeprefix("message-"), widget.objectName()))


def set_text_colour(widget: QWidget, colour: str | None) -> None:
    """A fixed text colour for ``widget`` (a palette of the text roles alone, so the rest
    follows the scheme), or None for the scheme's own. Not a style sheet: a widget with a
    sheet of its own keeps the palette it had when the sheet was set, after a scheme change."""
    palette = QPalette()  # (nothing set: everything inherited)
    if colour is not None:
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText, QPalette.ColorRole.Text):
            palette.setColor(role, QColor(colour))
    widget.setPalette(palette)


def set_palette(app: QApplication, dark: bool) -> None:
    """The palette for the scheme, and every role's look to match; the style is left as it is."""
    app.setPalette(dark_palette() if dark else light_palette())
    with_line_icons = []
    for widget in QApplication.allWidgets():
        role = widget.property("role")
        if role in ROLES:
            _style(widget, role, dark)
        if widget.property("lineIcon"):  # (line_icons.ICON_PROPERTY: not imported at start-up)
            with_line_icons.append(widget)
    if with_line_icons:
        from fluxdesk.ui.theme.line_icons import redraw_line_icons

        redraw_line_icons(with_line_icons)


def apply_theme(app: QApplication, *, dark: bool | None = None) -> bool:
    """Fusion + the palette and roles for ``dark`` (default: the OS scheme, or the forced
    one); returns True when dark. For a running app (tests, scheme changes); start-up
    uses ``STYLE_ARGS`` and :func:`set_palette` instead (see the module docstring)."""
    if dark is None:
        dark = scheme_is_dark(QGuiApplication.styleHints().colorScheme())
    app.setStyle(STYLE)
    set_palette(app, dark)
    return dark


def plain_buttons(box: QDialogButtonBox) -> None:
    """No icons on a dialog's buttons (Fusion adds a floppy disk to Save, a red cross to
    Cancel): no other button in the window has one."""
    from PySide6.QtGui import QIcon

    for button in box.buttons():
        button.setIcon(QIcon())
