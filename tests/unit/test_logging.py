"""What reaches the terminal from logging, for the window and the commands alike."""

from __future__ import annotations

import logging

import pytest

from fluxdesk.cli import main as cli


@pytest.fixture
def clean_logging() -> object:
    root, own = logging.getLogger(), logging.getLogger("fluxdesk")
    saved = (list(root.handlers), root.level, list(own.handlers))
    yield None
    root.handlers[:], own.handlers[:] = saved[0], saved[2]
    root.setLevel(saved[1])


@pytest.mark.usefixtures("clean_logging")
def test_other_libraries_warnings_stay_off_the_terminal(capfd: pytest.CaptureFixture[str]) -> None:
    cli._configure_logging(debug=False)
    logging.getLogger("urllib3.connectionpool").warning("Retrying (Retry(total=2)) after connection broken")
    logging.getLogger("fluxdesk.core.settings").warning("Ignored settings.json:\n  not JSON")
    err = capfd.readouterr().err
    assert "Retrying" not in err and "urllib3" not in err
    assert err.splitlines() == ["fluxdesk: warning: Ignored settings.json: not JSON"]


@pytest.mark.usefixtures("clean_logging")
def test_debug_shows_everything(capfd: pytest.CaptureFixture[str]) -> None:
    for handler in list(logging.getLogger().handlers):
        logging.getLogger().removeHandler(handler)
    cli._configure_logging(debug=True)
    logging.getLogger("urllib3.connectionpool").warning("Retrying")
    assert "WARNING urllib3.connectionpool: Retrying" in capfd.readouterr().err
