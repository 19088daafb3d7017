"""Core errors in the window's words: no command lines, no doubled brackets, one way out."""

from __future__ import annotations

import pytest

from fluxdesk.core.errors import (
    AuthenticationError,
    FluxDeskError,
    KeyProblem,
    KeyStoreError,
    NetworkError,
    RateLimitedError,
    ServerError,
)
from fluxdesk.ui.messages import Action, Severity, user_message


def _window_words(text: str) -> None:
    assert "`" not in text and "fluxdesk key" not in text and ") (" not in text, text


def test_no_keyring_offers_the_sandbox() -> None:
    error = KeyStoreError("No usable OS keyring … run `fluxdesk key set`.", KeyProblem.NO_KEYRING)
    message = user_message(error)
    assert message.title == "No keyring for your API key"
    assert message.action is Action.USE_SANDBOX and message.severity is Severity.WARNING
    assert "FLUXDESK_API_KEY" in message.text and "sandbox" in message.text
    _window_words(message.text)


def test_no_key_yet_opens_settings() -> None:
    message = user_message(KeyStoreError("No API key set. Run `fluxdesk key set` …", KeyProblem.NO_KEY))
    assert message.action is Action.OPEN_SETTINGS and "Settings" in message.text
    _window_words(message.text)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (AuthenticationError(401, "Invalid API key"), "The API refused the key: Invalid API key (HTTP 401)."),
        (AuthenticationError(403), "The API does not let this key use the model (HTTP 403)."),
        (ServerError(500, "Internal server error"), "HTTP 500: Internal server error. Nothing was retried"),
        (ServerError(503, "Unavailable"), "HTTP 503: Unavailable. FluxDesk retried as the API asked"),
    ],
)
def test_api_errors_read_as_sentences(error: FluxDeskError, expected: str) -> None:
    message = user_message(error)
    assert message.text.startswith(expected), message.text
    assert message.title.lower() not in message.text.lower()  # the title is not said twice
    _window_words(message.text)


def test_other_errors_keep_the_core_message() -> None:
    for error in (NetworkError("api.example"), RateLimitedError(None)):
        assert user_message(error).text == str(error)


def test_rate_limit_text_does_not_go_stale() -> None:
    """The text says what the API asked (it stays true); the Retry button counts down."""
    message = user_message(RateLimitedError(12))
    assert message.text == "Too many requests: the API asked FluxDesk to wait 12 s before the next one."
    assert message.retry_after == 12 and "Try again in" not in message.text


def test_countdown_never_says_in_0_s(qtbot) -> None:  # type: ignore[no-untyped-def]
    from fluxdesk.ui.widgets.message_bar import MessageBar

    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show_message(user_message(RateLimitedError(0.4)), lambda: None)
    assert bar.primary.text() == "Retry in 1 s" and not bar.primary.isEnabled()
    qtbot.waitUntil(bar.primary.isEnabled, timeout=3000)
    assert bar.primary.text() == "Retry"
