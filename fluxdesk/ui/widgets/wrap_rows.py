"""Widgets left to right, on as many rows as the width needs, with standard box layouts.

A row of filter combos or buttons in one box layout gets squeezed below what its texts
need ("Any rat", "Fa…ites") in a narrow panel. ``WrapRows`` fills a few ``QHBoxLayout``
rows instead and moves widgets between them when its owner tells it the width
(``arrange``, from the owner's ``resizeEvent``).

Why not a custom ``QLayout`` (Qt's "flow layout" example): PySide hands such a layout
raw pointers to the items Qt creates, and one left dangling after its widget was
deleted crashed the gallery (a segfault in one of a few test runs under load).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget


class WrapRows:
    """Lays ``widgets`` out in ``container`` (which it gives a layout)."""

    def __init__(
        self, container: QWidget, widgets: Sequence[QWidget], *, spacing: int = 6, max_rows: int = 4
    ) -> None:
        self.container = container
        self.widgets = list(widgets)
        self.spacing = spacing
        outer = QVBoxLayout(container)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(spacing)  # (empty rows take no room, gaps included)
        self.rows: list[QHBoxLayout] = []
        for _ in range(max_rows):
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(spacing)
            row.addStretch(1)  # left-aligned; widgets go before it
            outer.addLayout(row)
            self.rows.append(row)
        # In the container before anything is measured: a widget made without a parent is
        # hidden (a window) until then, so its width would count as none.
        for widget in self.widgets:
            self.rows[0].insertWidget(self.rows[0].count() - 1, widget)
        self._plan: list[int] = [0] * len(self.widgets)  # the row of each widget
        self._shown: list[bool] = []  # which widgets the rows were last filled with
        self.arrange(None)

    def one_line_width(self) -> int:
        """What all (shown) widgets need side by side."""
        widths = [w.sizeHint().width() for w in self.widgets if not w.isHidden()]
        return sum(widths) + self.spacing * max(0, len(widths) - 1)

    def arrange(self, width: int | None) -> bool:
        """Fill the rows for ``width`` pixels (None: all on the first row); True when
        widgets moved."""
        plan, row, x, widest = [], 0, 0, 0
        for widget in self.widgets:
            w = 0 if widget.isHidden() else widget.sizeHint().width()
            if width is not None and w and x and x + w > width and row < len(self.rows) - 1:
                row, x = row + 1, 0
            plan.append(row)
            if w:
                x += w + self.spacing
            widest = max(widest, w)
        # Narrower than this would clip the widest widget; the rows can go no further.
        self.container.setMinimumWidth(widest)
        shown = [not w.isHidden() for w in self.widgets]
        if plan == self._plan and shown == self._shown:
            return False
        moved = plan != self._plan
        self._plan, self._shown = plan, shown
        if moved:
            for widget in self.widgets:
                for layout in self.rows:
                    layout.removeWidget(widget)
            for widget, index in zip(self.widgets, plan, strict=True):
                layout = self.rows[index]
                layout.insertWidget(layout.count() - 1, widget)  # before the stretch
        self._refresh()
        return moved

    def _refresh(self) -> None:
        """Drop the sizes the rows and the container have cached.

        Qt renews nested layouts' cached sizes only when it lays out a visible widget. A
        container not shown yet (a tab never opened) would otherwise report the minimum
        of an earlier arrangement, e.g. all widgets on one line, or widgets hidden since,
        and a splitter around it would make room for that, then move when the tab opens.
        """
        for row in self.rows:
            row.invalidate()
        outer = self.container.layout()
        if outer is not None:
            outer.invalidate()
        self.container.updateGeometry()  # the parent's layout asks again

    @property
    def row_count(self) -> int:
        """Rows in use (those holding a shown widget)."""
        return len({r for r, w in zip(self._plan, self.widgets, strict=True) if not w.isHidden()})
