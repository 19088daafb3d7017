"""Usage rules: which day and month a billed image counts in, cost from a price per image,
and the price and cap settings' allowed values (one rule for the CLI and the window)."""

from __future__ import annotations

from datetime import datetime

from fluxdesk.core.jobs.model import UsageFigures

# A price per image in the account's currency; above this it is surely a typo.
PRICE_MAX = 100.0
# More images a day than anyone would cap at: the API's own limits come first.
CAP_MAX = 1_000_000
NONE_WORD = "none"


def day_start(now: datetime | None = None) -> float:
    """Unix seconds of the start of today, local time (the day a person means)."""
    now = now or datetime.now()
    return datetime(now.year, now.month, now.day).timestamp()


def month_start(now: datetime | None = None) -> float:
    now = now or datetime.now()
    return datetime(now.year, now.month, 1).timestamp()


def cost(images: int, price_per_image: float | None) -> float | None:
    """What ``images`` cost; None while no price is set (we do not guess one)."""
    if price_per_image is None:
        return None
    return round(images * price_per_image, 6)


def usage_figures(generations: int, images: int, price_per_image: float | None) -> UsageFigures:
    return UsageFigures(generations=generations, images=images, cost=cost(images, price_per_image))


def price_setting(value: float) -> float | None:
    """The settings' ``price_per_image`` (0: not set) as the reports use it."""
    return value if value > 0 else None


def cap_setting(value: int) -> int | None:
    """The settings' ``daily_cap`` (0: none) as the reports use it."""
    return value if value > 0 else None


def parse_price(text: str) -> float:
    """``--price X``: a number above 0 up to PRICE_MAX, or ``none`` (0 in the settings).
    ValueError names the option and the allowed range."""
    word = text.strip().lower()
    if word == NONE_WORD:
        return 0.0
    try:
        value = float(word)
    except ValueError:
        value = float("nan")
    if not 0 < value <= PRICE_MAX:  # (also refuses nan and inf)
        raise ValueError(
            f"--price must be a number above 0 and at most {PRICE_MAX:g}, or none (got {text!r})"
        )
    return value


def parse_cap(text: str) -> int:
    """``--cap N``: a whole number from 1 to CAP_MAX, or ``none`` (0 in the settings)."""
    word = text.strip().lower()
    if word == NONE_WORD:
        return 0
    try:
        value = int(word)
    except ValueError:
        value = 0
    if not 1 <= value <= CAP_MAX:
        raise ValueError(f"--cap must be a whole number from 1 to {CAP_MAX}, or none (got {text!r})")
    return value


def cap_left(daily_cap: int | None, used_today: int) -> int | None:
    """Images still allowed today; None without a cap."""
    return None if daily_cap is None else max(0, daily_cap - used_today)


def format_cost(value: float | None) -> str:
    """A cost for people: two decimals, more when a cent would hide it (0.0035)."""
    if value is None:
        return ""
    text = f"{value:.2f}"
    return text if value == 0 or float(text) == round(value, 6) else f"{value:.4f}".rstrip("0")
