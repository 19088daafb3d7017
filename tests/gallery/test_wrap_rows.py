"""WrapRows: widgets on as many rows as the width needs, with standard box layouts."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from fluxdesk.ui.widgets.wrap_rows import WrapRows


def test_rows_follow_the_width(qtbot) -> None:  # type: ignore[no-untyped-def]
    container = QWidget()
    qtbot.addWidget(container)
    buttons = [QPushButton(text) for text in ("Open in viewer", "Show in folder", "Copy image")]
    rows = WrapRows(container, buttons, spacing=4)
    container.show()
    widths = [b.sizeHint().width() for b in buttons]
    assert rows.row_count == 1
    assert rows.one_line_width() == sum(widths) + 8
    assert rows.arrange(widths[0] + widths[1] + 4)  # the third no longer fits
    assert rows.row_count == 2 and not rows.arrange(widths[0] + widths[1] + 4)  # unchanged
    rows.arrange(max(widths))  # one per row
    assert rows.row_count == 3
    assert container.minimumWidth() == max(widths)  # never narrower than the widest
    buttons[1].hide()
    rows.arrange(widths[0] + widths[2] + 4)  # a hidden widget takes no room
    assert rows.row_count == 1
    qtbot.waitUntil(lambda: buttons[2].geometry().left() > buttons[0].geometry().right())
