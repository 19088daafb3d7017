"""The Library's filter choices make the index filter they say."""

from __future__ import annotations

from datetime import date

from fluxdesk.ui.library.gallery_filters import ANY, SIZE_CHOICES, item_filter

TODAY = date(2026, 3, 10)
CUSTOM = (date(2026, 1, 1), date(2026, 1, 31))


def _filter(**chosen: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = dict(
        search="", favourites=False, rating=ANY, output_format=ANY, size=ANY, nsfw=ANY, dates=ANY
    )
    values.update(chosen)
    return item_filter(custom=CUSTOM, today=TODAY, **values)  # type: ignore[arg-type]


def test_nothing_chosen_filters_nothing() -> None:
    assert not _filter().active
    assert not _filter(search="   ").active  # blanks are no search


def test_each_choice_narrows_the_filter() -> None:
    flt = _filter(
        search=" fox ", favourites=True, rating="3", output_format="png", size="1024x768", nsfw="hide"
    )
    assert (flt.search, flt.favourite, flt.min_rating, flt.output_format) == ("fox", True, 3, "png")
    assert (flt.width, flt.height, flt.nsfw) == (1024, 768, False)
    assert _filter(nsfw="only").nsfw is True
    assert ("1024x768", "1024×768") in SIZE_CHOICES


def test_dates_are_local_calendar_days() -> None:
    week = _filter(dates="7")
    assert week.date_from is not None and week.date_from.date() == date(2026, 3, 4) and week.date_to is None
    assert week.date_from.tzinfo is not None  # aware: the index compares in UTC
    today = _filter(dates="today")
    assert today.date_from is not None and today.date_from.date() == TODAY
    custom = _filter(dates="custom")
    assert custom.date_from is not None and custom.date_to is not None
    assert (custom.date_from.date(), custom.date_to.date()) == CUSTOM
    assert custom.date_to.time().hour == 23  # the whole last day
