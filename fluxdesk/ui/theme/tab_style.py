"""The main tabs' look: Fusion's tabs, the selected one filled lighter and underlined in
the accent colour, the others' labels in the secondary text colour.

Fusion draws a selected and an unselected tab from the same Button colour, a few percent
apart: in dark mode a designer could hardly tell which tab was open. A proxy of Fusion
for the tab bar alone changes just that, reading the colours at paint time, so a scheme
change needs nothing more. (Not a style sheet: one on the tab bar kept every widget under
the tabs in the old palette after a scheme change.) Set right after the first frame: the
``QStyle`` enums it needs cost start-up time (README, Start-up).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QStyleOptionTab, QTabBar, QWidget

from fluxdesk.ui.theme import palette as theme

UNDERLINE_PX = 2  # the selected tab's accent line
HOVER_ALPHA = 40  # an unselected tab under the mouse: a tint of the accent


class MainTabStyle(QProxyStyle):
    def __init__(self) -> None:
        # Its own Fusion, not the application's style object: apply_theme replaces that one.
        super().__init__(theme.STYLE)

    def drawControl(
        self,
        element: QStyle.ControlElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if element == QStyle.ControlElement.CE_TabBarTabLabel and not selected:
            assert isinstance(option, QStyleOptionTab)
            option = QStyleOptionTab(option)  # (a copy: Qt's own is shared)
            hint = theme.hint_colour(option.palette)
            for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
                option.palette.setColor(role, hint)
        super().drawControl(element, option, painter, widget)
        if element != QStyle.ControlElement.CE_TabBarTabShape:
            return
        # Inside Fusion's frame, whose right edge is the rect's last column but one.
        rect: QRect = option.rect.adjusted(0, 0, -1, 0)
        if selected:
            fill = QColor(theme.TAB_FILL_DARK if theme.is_dark(option.palette) else theme.TAB_FILL_LIGHT)
            painter.fillRect(rect.adjusted(1, 1, -1, -UNDERLINE_PX), fill)
            line = QRect(rect.left(), rect.bottom() - UNDERLINE_PX + 1, rect.width(), UNDERLINE_PX)
            painter.fillRect(line, theme.ACCENT)
        elif option.state & QStyle.StateFlag.State_MouseOver:  # (Fusion draws no hover here)
            hover = QColor(theme.ACCENT)
            hover.setAlpha(HOVER_ALPHA)
            painter.fillRect(rect.adjusted(1, 1, -1, -1), hover)


def style_main_tabs(bar: QTabBar) -> None:
    """Give ``bar`` the main tabs' look (idempotent). The bar owns its style object."""
    if isinstance(bar.style(), MainTabStyle):
        return
    style = MainTabStyle()
    style.setParent(bar)
    bar.setStyle(style)
    bar.setAttribute(Qt.WidgetAttribute.WA_Hover)  # (repaints a tab as the mouse enters and leaves)
