"""Retries of the API client: urllib3's Retry with cancellable sleeps, a total budget of
waiting, and each wait moving the whole-response deadline (a wait the server asked for is
not slowness)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from urllib3.util.retry import Retry

from fluxdesk.core.cancel import CancelToken

log = logging.getLogger(__name__)


class WaitBudget:
    """Seconds of retry waiting left for one call; shared by all Retry copies."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds


class RetryBudgetExceeded(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry wait of {retry_after:g} s exceeds the budget")
        self.retry_after = retry_after


class BoundedRetry(Retry):
    """urllib3 Retry whose sleeps are cancellable and bounded in total."""

    def __init__(
        self,
        *args: Any,
        cancel: CancelToken | None = None,
        budget: WaitBudget | None = None,
        on_wait: Callable[[float], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cancel = cancel
        self.budget = budget
        self.on_wait = on_wait  # told each wait before a retry (the window shows it)

    def new(self, **kw: Any) -> BoundedRetry:
        kw.setdefault("cancel", self.cancel)
        kw.setdefault("budget", self.budget)
        kw.setdefault("on_wait", self.on_wait)
        return super().new(**kw)

    @staticmethod
    def _extend_deadline(wait: float) -> None:
        # A wait the server asked for (Retry-After) is not slowness: the whole-response
        # deadline armed in this thread moves by as much.
        from fluxdesk.core.generation.deadline import current_deadline

        deadline = current_deadline()
        if deadline is not None:
            deadline.extend(wait)

    def parse_retry_after(self, retry_after: str) -> float:
        # Lenient: fractional seconds are accepted, and a garbled header means "use the
        # backoff" instead of an InvalidHeader exception.
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            pass
        try:
            return super().parse_retry_after(retry_after)
        except Exception:
            return self.get_backoff_time()

    def sleep(self, response: Any = None) -> None:
        wait = None
        if self.respect_retry_after_header and response is not None:
            wait = self.get_retry_after(response)
        if wait is None:
            wait = self.get_backoff_time()
        if self.budget is not None:
            if wait > self.budget.left:
                raise RetryBudgetExceeded(wait)
            self.budget.left -= wait
        self._extend_deadline(wait)
        log.debug("retrying in %.1f s", wait)
        if (
            self.on_wait is not None and wait > 0 and response is not None
        ):  # (429/503, not a dropped connection)
            self.on_wait(wait)
        if self.cancel is not None:
            self.cancel.wait(wait)
        elif wait > 0:
            import time

            time.sleep(wait)
