"""The Library's search box and filter choices, and the index filter they make."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit, QToolButton, QWidget

from fluxdesk.core.library.queries import ItemFilter
from fluxdesk.core.params import PRESET_DIMENSIONS
from fluxdesk.ui.widgets.screen_reader import name_combo

ANY = "any"
Choices = list[tuple[str, str]]  # (value, text) of a filter's entries
RATING_CHOICES: Choices = [(ANY, "Any rating"), *((str(n), "★" * n + "+") for n in range(1, 6))]
FORMAT_CHOICES: Choices = [(ANY, "Any format"), ("png", "PNG"), ("jpeg", "JPEG")]
SIZE_CHOICES: Choices = [
    (ANY, "Any size"),
    *((f"{w}x{h}", f"{w}×{h}") for w, h in sorted(set(PRESET_DIMENSIONS.values()))),
]
NSFW_CHOICES: Choices = [(ANY, "NSFW or not"), ("hide", "Hide NSFW"), ("only", "NSFW only")]
DATE_CHOICES: Choices = [
    (ANY, "Any time"),
    ("today", "Today"),
    ("7", "Last 7 days"),
    ("30", "Last 30 days"),
    ("custom", "Dates…"),
]

# What a screen reader says for each filter (by the combo's object name): the entry
# alone ("PNG", "★★+") does not say what it filters.
FILTER_NAMES = {
    "filterRating": "Filter by rating",
    "filterFormat": "Filter by format",
    "filterSize": "Filter by size",
    "filterNsfw": "Filter NSFW images",
    "filterDates": "Filter by date",
}


class SearchField(QLineEdit):
    """A line edit never narrower than its placeholder: a cut-off hint reads as a bug."""

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        metrics = self.fontMetrics()
        # What sizeHint() adds around its 17 "x" (frame, text margins), plus the clear
        # button's room, which is kept even while the button is hidden.
        frame = super().sizeHint().width() - 17 * metrics.horizontalAdvance("x")
        clear = self.style().pixelMetric(self.style().PixelMetric.PM_SmallIconSize) + 8
        width = metrics.horizontalAdvance(self.placeholderText()) + frame + clear
        return QSize(max(hint.width(), width), hint.height())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc clears the search (with no job running the window's Esc action is disabled,
        # so nothing else would); an empty field lets Esc go on to the window.
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            event.accept()
            return
        super().keyPressEvent(event)


def item_filter(
    *,
    search: str,
    favourites: bool,
    rating: str,
    output_format: str,
    size: str,
    nsfw: str,
    dates: str,
    custom: tuple[date, date],
    today: date | None = None,
) -> ItemFilter:
    """The index filter for the filters' chosen values (``custom``: the "Dates…" range)."""
    today = today or date.today()
    date_from: date | None = None
    date_to: date | None = None
    if dates == "today":
        date_from = today
    elif dates in ("7", "30"):
        date_from = today - timedelta(days=int(dates) - 1)
    elif dates == "custom":
        date_from, date_to = custom
    width = height = None
    if size != ANY:
        width, height = (int(v) for v in size.split("x"))
    # Local calendar days → UTC bounds: pass aware datetimes, not bare (UTC) dates.
    local = datetime.now().astimezone().tzinfo
    start = datetime.combine(date_from, time.min, local) if date_from else None
    end = datetime.combine(date_to, time.max, local) if date_to else None
    return ItemFilter(
        search=search.strip() or None,
        date_from=start,
        date_to=end,
        width=width,
        height=height,
        output_format=None if output_format == ANY else output_format,
        favourite=True if favourites else None,
        min_rating=None if rating == ANY else int(rating),
        nsfw={"hide": False, "only": True}.get(nsfw),
    )


class FilterControls:
    """The Library's filter widgets, in the order the toolbar shows them (favourites,
    rating, format, size, NSFW, dates and the "Dates…" range), and the index filter their
    values make. ``changed`` is called on every change of any of them."""

    def __init__(self, changed: Callable[..., object]) -> None:
        self.favourites = QToolButton()
        self.favourites.setObjectName("filterFavourites")
        self.favourites.setText("♥ Favourites")
        self.favourites.setAccessibleName("Favourites only")  # not "black heart Favourites"
        self.favourites.setCheckable(True)
        self.favourites.toggled.connect(changed)
        self.rating = _combo("filterRating", RATING_CHOICES, changed)
        self.format = _combo("filterFormat", FORMAT_CHOICES, changed)
        self.size_filter = _combo("filterSize", SIZE_CHOICES, changed)
        self.nsfw = _combo("filterNsfw", NSFW_CHOICES, changed)
        self.dates = _combo("filterDates", DATE_CHOICES, changed)
        self.date_from = QDateEdit()
        self.date_from.setObjectName("filterDateFrom")
        self.date_to = QDateEdit()
        self.date_to.setObjectName("filterDateTo")
        self.date_from.setAccessibleName("From date")
        self.date_to.setAccessibleName("To date")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
            edit.hide()
            edit.dateChanged.connect(changed)

    @property
    def widgets(self) -> tuple[QWidget, ...]:
        return (
            self.favourites,
            self.rating,
            self.format,
            self.size_filter,
            self.nsfw,
            self.dates,
            self.date_from,
            self.date_to,
        )

    def item_filter(self, search: str) -> ItemFilter:
        """The index filter for ``search`` and the chosen values (and the "Dates…" range
        shown only while it is chosen)."""
        custom = self.dates.currentData() == "custom"
        self.date_from.setVisible(custom)
        self.date_to.setVisible(custom)
        return item_filter(
            search=search,
            favourites=self.favourites.isChecked(),
            rating=self.rating.currentData(),
            output_format=self.format.currentData(),
            size=self.size_filter.currentData(),
            nsfw=self.nsfw.currentData(),
            dates=self.dates.currentData(),
            custom=(self.date_from.date().toPython(), self.date_to.date().toPython()),  # type: ignore[arg-type]
        )


def _combo(name: str, entries: Choices, changed: Callable[..., object]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    name_combo(combo, FILTER_NAMES[name])
    for value, text in entries:
        combo.addItem(text, value)
    # As wide as the longest entry, whichever is chosen: a flowing row never squeezes it.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.currentIndexChanged.connect(changed)
    return combo
