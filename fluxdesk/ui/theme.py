"""Light/dark palettes on the Fusion style, following the OS colour scheme."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

SCHEME_ENV = "FLUXDESK_COLOR_SCHEME"  # "dark" | "light" forces a scheme (tests, screenshots)

ACCENT = QColor("#3b82f6")
ERROR_LIGHT = "#c62828"
ERROR_DARK = "#ff8a80"


def wants_dark() -> bool:
    forced = os.environ.get(SCHEME_ENV, "").strip().lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor("#1f2125"), QColor("#17181b"), QColor("#e6e6e6")
    disabled = QColor("#7a7d85")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#24262b"),
        QPalette.ColorRole.ToolTipBase: QColor("#2b2d33"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor("#8b8f98"),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#2a2c31"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ffffff"),
        QPalette.ColorRole.Light: QColor("#3a3d44"),
        QPalette.ColorRole.Midlight: QColor("#32343a"),
        QPalette.ColorRole.Mid: QColor("#26282c"),
        QPalette.ColorRole.Dark: QColor("#141518"),
        QPalette.ColorRole.Shadow: QColor("#000000"),
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#7fb0ff"),
        QPalette.ColorRole.LinkVisited: QColor("#b39dff"),
    }
    for role, color in roles.items():
        p.setColor(role, color)
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Highlight, QColor("#3a3d44"))
    return p


def light_palette() -> QPalette:
    style = QStyleFactory.create("Fusion")
    p = style.standardPalette()
    p.setColor(QPalette.ColorRole.Window, QColor("#f3f4f6"))
    p.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    p.setColor(QPalette.ColorRole.AlternateBase, QColor("#f7f8fa"))
    p.setColor(QPalette.ColorRole.Highlight, ACCENT)
    p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    return p


def stylesheet(dark: bool) -> str:
    error = ERROR_DARK if dark else ERROR_LIGHT
    hint = "#9aa0a6" if dark else "#6b7280"
    card = "#26282d" if dark else "#ffffff"
    border = "#34363c" if dark else "#dfe2e6"
    canvas = "#18191c" if dark else "#e4e6e9"
    return f"""
QLabel[role="error"] {{ color: {error}; }}
QLabel[role="hint"] {{ color: {hint}; }}
QLabel[role="heading"] {{ font-weight: 600; }}
QLabel[role="title"] {{ font-size: 15pt; font-weight: 600; }}
QWidget#resultCanvas {{ background: {canvas}; }}
QFrame#messageBar {{ border: 1px solid {border}; border-radius: 6px; background: {card}; }}
QFrame#messageBar[severity="error"] {{ border-left: 4px solid {error}; }}
QFrame#messageBar[severity="warning"] {{ border-left: 4px solid #e0a100; }}
QFrame#messageBar[severity="info"] {{ border-left: 4px solid {ACCENT.name()}; }}
QPushButton#generateButton {{
    background: {ACCENT.name()}; color: white; border: none; border-radius: 5px;
    padding: 7px 16px; font-weight: 600;
}}
QPushButton#generateButton:hover {{ background: #2f6fe0; }}
QPushButton#generateButton:focus {{ outline: none; border: 2px solid {"#cfe0ff" if dark else "#1d4ed8"}; }}
QPushButton#generateButton:disabled {{ background: {"#3a3d44" if dark else "#c7ccd4"};
    color: {"#8b8f98" if dark else "#f3f4f6"}; }}
"""


def apply_theme(app: QApplication, *, with_stylesheet: bool = True) -> bool:
    """Fusion + a palette matching the scheme (+ the style sheet); returns True when dark.

    ``with_stylesheet=False`` leaves the style sheet to :func:`apply_stylesheet`: set
    once over a finished widget tree it costs far less than while the tree is built
    (every widget reparented under an app-wide style sheet is re-styled, subtree and all).
    """
    dark = wants_dark()
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if dark else light_palette())
    if with_stylesheet:
        app.setStyleSheet(stylesheet(dark))
    return dark


def apply_stylesheet(app: QApplication) -> None:
    """The style sheet for the current scheme (see ``apply_theme(with_stylesheet=False)``)."""
    app.setStyleSheet(stylesheet(wants_dark()))
