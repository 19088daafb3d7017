"""Shared pytest fixtures, and the markers every test gets from its folder.

Markers (see README, Tests): ``gui`` for real Qt windows (tests/ui, tests/gallery, and any
test that asks for ``qtbot``), ``subprocess`` for tests that start FluxDesk or Python in
another process (tests/e2e, and tests marked by hand elsewhere), ``slow`` for every
subprocess test and the benchmark runs. ``pytest -m "not gui and not slow"`` is the quick
subset to run while working. Screenshot tests (``screenshots``) only run with
``--screenshots``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType

import pytest

from fluxdesk.sandbox.server import Sandbox

# Markers by folder (the first folder under tests/).
FOLDER_MARKERS: dict[str, tuple[str, ...]] = {
    "ui": ("gui",),
    "gallery": ("gui",),
    "e2e": ("subprocess",),
}
GUI_FIXTURES = {"qtbot", "qapp"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        action="store_true",
        help="also run the screenshot tests (pictures of every screen into screenshots/)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath / "tests"
    deselected: list[pytest.Item] = []
    kept: list[pytest.Item] = []
    for item in items:
        try:
            folder = item.path.relative_to(root).parts[0]
        except ValueError:
            folder = ""
        for name in FOLDER_MARKERS.get(folder, ()):
            item.add_marker(name)
        if GUI_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker("gui")
        if item.get_closest_marker("subprocess"):
            item.add_marker("slow")
        if item.get_closest_marker("screenshots") and not config.getoption("--screenshots"):
            deselected.append(item)
        else:
            kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(autouse=True)
def _collect_on_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """Real windows collect garbage on the GUI thread only, as the app does after its first
    frame (ui/collector.py): a collection a download worker triggered could otherwise
    destroy Qt objects off their thread. Automatic collection is back on afterwards."""
    if not GUI_FIXTURES & set(request.fixturenames):
        yield
        return
    from fluxdesk.ui.collector import collect_on_gui_thread

    collector = collect_on_gui_thread(request.getfixturevalue("qapp"))
    yield
    collector.stop()


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A running offline API + CDN pair on free loopback ports (key: ``sandbox``)."""
    with Sandbox() as running:
        yield running


def check_picture(path: Path, *, dark: bool | None = None) -> None:
    """What a screenshot must show to be worth a look: it was written, it is not blank
    (a window that failed to paint is one flat colour), and its background matches the
    colour scheme (most pixels dark in dark mode, light in light mode)."""
    from PIL import Image, ImageStat

    with Image.open(path) as image:
        grey = image.convert("L")
        assert grey.width >= 200 and grey.height >= 150, f"{path.name} is {grey.size}"
        stat = ImageStat.Stat(grey)
        assert stat.stddev[0] > 8, f"{path.name} is nearly one flat colour (stddev {stat.stddev[0]:.1f})"
        histogram = grey.histogram()
        dark_share = sum(histogram[:100]) / (grey.width * grey.height)
    if dark is True:
        assert dark_share > 0.5, f"{path.name}: only {dark_share:.0%} dark pixels in dark mode"
    elif dark is False:
        assert dark_share < 0.5, f"{path.name}: {dark_share:.0%} dark pixels in light mode"


@pytest.fixture
def picture_check() -> Callable[..., None]:
    return check_picture


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Exceptions raised in slots (PySide reports them through sys.excepthook)."""
    seen: list[BaseException] = []

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        seen.append(exc)

    monkeypatch.setattr(sys, "excepthook", hook)
    return seen
