"""Theme: explicit palettes, per-widget roles that follow a scheme change."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QTabBar, QWidget

from fluxdesk.core.context import AppContext
from fluxdesk.ui.main_window import MainWindow
from fluxdesk.ui.theme import palette as theme
from fluxdesk.ui.theme.tab_style import UNDERLINE_PX


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


def _distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


def _tab_looks(bar: QTabBar) -> list[tuple[QColor, list[QColor]]]:
    """Each tab as drawn: its dominant colour above the underline rows (the fill, not the
    text) and the colours of its bottom UNDERLINE_PX rows (inner columns)."""
    image = bar.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    scale = image.devicePixelRatio()
    line = round(UNDERLINE_PX * scale)
    looks = []
    for i in range(bar.count()):
        r = bar.tabRect(i)
        tab = QRect(
            round(r.x() * scale), round(r.y() * scale), round(r.width() * scale), round(r.height() * scale)
        )
        fill = Counter(
            image.pixel(x, y)
            for x in range(tab.left(), tab.right() + 1)
            for y in range(tab.top(), tab.bottom() - line + 1)
        ).most_common(1)[0][0]
        underline = [
            image.pixelColor(x, y)
            for x in range(tab.left() + 1, tab.right())
            for y in range(tab.bottom() - line + 1, tab.bottom() + 1)
        ]
        looks.append((QColor.fromRgb(fill), underline))
    return looks


def _assert_selected_stands_out(bar: QTabBar) -> QColor:
    """The selected tab: a fill clearly lighter than the others' and a full accent underline,
    which no other tab has. Returns its fill."""
    looks = _tab_looks(bar)
    selected_fill, underline = looks[bar.currentIndex()]
    assert all(_distance(color, theme.ACCENT) <= 24 for color in underline), "no accent underline"
    for i, (fill, bottom) in enumerate(looks):
        if i != bar.currentIndex():
            assert all(_distance(color, theme.ACCENT) > 120 for color in bottom), f"tab {i} is underlined"
            # (Fusion alone: 5 levels apart in dark mode, hard to see.)
            assert selected_fill.lightness() - fill.lightness() >= 10, (selected_fill.name(), fill.name())
    return selected_fill


def _rects(bar: QTabBar) -> list[QRect]:
    return [bar.tabRect(i) for i in range(bar.count())]


def test_selected_main_tab_stands_out(qtbot, qapp: QApplication, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    theme.apply_theme(qapp, dark=True)
    win = MainWindow(ctx, use_sandbox=True, check_key=False)
    qtbot.addWidget(win)
    win.resize(1280, 820)
    bar = win.tabs.tabBar()
    first_frame: list[tuple[bool, list[QRect]]] = []  # the tabs as Fusion alone sizes them
    win.first_frame_shown.connect(lambda: first_frame.append((win.built, _rects(bar))))
    win.show()
    qtbot.waitUntil(lambda: win.built, timeout=3000)
    assert first_frame, "no first frame"
    built_then, first_rects = first_frame[0]
    assert not built_then
    qtbot.wait(20)
    assert _rects(bar) == first_rects  # the sheet set after the first frame moves nothing

    dark_fill = _assert_selected_stands_out(bar)
    win.tabs.setCurrentIndex(1)  # the look follows the selection
    assert _assert_selected_stands_out(bar) == dark_fill

    theme.apply_theme(qapp, dark=False)  # a scheme change restyles the tabs
    qtbot.wait(20)  # (Qt hands the new palette to widgets in posted events)
    light_fill = _assert_selected_stands_out(bar)
    assert light_fill.lightness() > dark_fill.lightness() + 100
    assert _rects(bar) == first_rects
    win.tabs.setCurrentIndex(0)
    _assert_selected_stands_out(bar)
    win.queue.shutdown(timeout_ms=5000)
    theme.apply_theme(qapp)


def _built_light_window(qtbot, qapp: QApplication, ctx: AppContext) -> MainWindow:  # type: ignore[no-untyped-def]
    """The whole window (after its first frame), in the light scheme."""
    theme.apply_theme(qapp, dark=False)
    win = MainWindow(ctx, use_sandbox=True, check_key=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.built, timeout=3000)
    return win


def test_a_scheme_change_reaches_every_part_of_the_window(qtbot, qapp: QApplication, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """(A style sheet on the tab bar once kept everything under the tabs in the old scheme.)"""
    win = _built_light_window(qtbot, qapp, ctx)
    parts = [win.job_list, win.result_view, win.tabs, win.form_panel.prompt, win.gallery_view]
    try:
        for dark in (True, False, True):
            theme.apply_theme(qapp, dark=dark)
            qtbot.wait(20)
            expected = qapp.palette()
            for part in parts:
                for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Window, QPalette.ColorRole.Text):
                    got = part.palette().color(role)
                    assert got == expected.color(role), (type(part).__name__, role, got.name(), dark)
    finally:
        win.queue.shutdown(timeout_ms=5000)
        theme.apply_theme(qapp)


def _icon_colour(button: QPushButton | QWidget) -> QColor:
    """The colour of an icon's most opaque pixel (its line)."""
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QAbstractButton

    assert isinstance(button, QAbstractButton)
    image = button.icon().pixmap(QSize(16, 16)).toImage()
    pixels = [image.pixelColor(x, y) for y in range(image.height()) for x in range(image.width())]
    best = max(pixels, key=lambda c: c.alpha())
    assert best.alpha() > 150
    return best


def test_line_icons_follow_a_scheme_change(qtbot, qapp: QApplication, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    win = _built_light_window(qtbot, qapp, ctx)
    buttons = [win.result_view.view_button, win.message_bar.close_button]
    try:
        for dark in (True, False):
            theme.apply_theme(qapp, dark=dark)
            text = qapp.palette().color(QPalette.ColorRole.ButtonText)
            for button in buttons:
                assert _distance(_icon_colour(button), text) <= 30, (button.objectName(), dark)
    finally:
        win.queue.shutdown(timeout_ms=5000)
        theme.apply_theme(qapp)


def _ink(widget: QWidget) -> QColor:
    """The colour of a small text widget's glyph: its pixel most unlike its corner."""
    image = widget.grab().toImage()
    ground = image.pixelColor(1, 1)
    pixels = [image.pixelColor(x, y) for y in range(image.height()) for x in range(image.width())]
    return max(pixels, key=lambda c: _distance(c, ground))


def test_rating_stars_and_heart_follow_a_scheme_change(qtbot, qapp: QApplication) -> None:  # type: ignore[no-untyped-def]
    from fluxdesk.ui.library.gallery_details import STAR_COLOUR, StarRating

    theme.apply_theme(qapp, dark=False)
    stars = StarRating()
    qtbot.addWidget(stars)
    stars.set_value(2)
    stars.show()
    qtbot.waitExposed(stars)
    try:
        for dark in (True, False, True):
            theme.apply_theme(qapp, dark=dark)
            qtbot.wait(20)
            text = qapp.palette().color(QPalette.ColorRole.ButtonText)
            # An empty star: a thin outline, so its strongest pixel only nears the text colour.
            assert abs(_ink(stars.buttons[4]).lightness() - text.lightness()) <= 80, dark
            assert _distance(_ink(stars.buttons[0]), QColor(STAR_COLOUR)) <= 60, dark  # a filled one
    finally:
        theme.apply_theme(qapp)


def test_an_unselected_main_tab_shows_the_mouse_over_it(qtbot, qapp: QApplication, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    win = _built_light_window(qtbot, qapp, ctx)
    try:
        bar = win.tabs.tabBar()
        qtbot.mouseMove(win.form_panel.prompt)
        qtbot.wait(30)
        before = bar.grab().toImage()
        qtbot.mouseMove(bar, bar.tabRect(1).center())  # the unselected Library tab
        qtbot.waitUntil(lambda: bar.grab().toImage() != before, timeout=2000)
    finally:
        win.queue.shutdown(timeout_ms=5000)
        theme.apply_theme(qapp)
