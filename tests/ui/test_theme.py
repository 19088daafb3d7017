"""Theme: explicit palettes, per-widget roles that follow a scheme change."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from fluxdesk.ui import theme


def test_roles_follow_a_scheme_change(qtbot, qapp: QApplication) -> None:  # type: ignore[no-untyped-def]
    theme.apply_theme(qapp, dark=False)
    hint, error, canvas, button = QLabel("hint"), QLabel("error"), QWidget(), QPushButton("Go")
    for widget in (hint, error, canvas, button):
        qtbot.addWidget(widget)
    theme.set_role(hint, "hint")
    theme.set_role(error, "error")
    theme.set_role(canvas, "canvas")
    theme.set_role(button, "primary")
    text = QPalette.ColorRole.WindowText
    assert hint.palette().color(text).name() == theme.HINT_LIGHT
    assert error.palette().color(text).name() == theme.ERROR_LIGHT
    assert canvas.autoFillBackground()
    light_canvas = canvas.palette().color(QPalette.ColorRole.Window).name()

    theme.apply_theme(qapp, dark=True)
    assert hint.palette().color(text).name() == theme.HINT_DARK
    assert error.palette().color(text).name() == theme.ERROR_DARK
    assert canvas.palette().color(QPalette.ColorRole.Window).name() != light_canvas
    assert "#3a3d44" in button.styleSheet()  # the dark disabled colour
    # Roles only set their own colour: everything else still comes from the application.
    assert hint.palette().color(QPalette.ColorRole.Window) == qapp.palette().color(QPalette.ColorRole.Window)
    theme.apply_theme(qapp, dark=False)


def test_unknown_role_is_refused(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = QLabel()
    qtbot.addWidget(label)
    with pytest.raises(ValueError, match="unknown role 'shiny'"):
        theme.set_role(label, "shiny")


def test_palettes_do_not_depend_on_the_platform(qapp: QApplication) -> None:
    for palette, expected in ((theme.light_palette(), "#f3f4f6"), (theme.dark_palette(), "#1f2125")):
        assert palette.color(QPalette.ColorRole.Window).name() == expected
        assert palette.color(QPalette.ColorRole.Highlight) == theme.ACCENT
    assert not theme.is_dark(theme.light_palette())
    assert theme.is_dark(theme.dark_palette())
