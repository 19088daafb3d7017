"""Application entry: QApplication, theme, context, main window, event loop."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from fluxdesk import APP_NAME, __version__


def _skip_pyside_source_scan() -> None:
    """Stop PySide reading the source of every module imported after it.

    Its import hook runs ``inspect.getsource`` on each new module (which also walks all of
    ``sys.modules``) to see whether the text mentions "PySide6", for the opt-in
    ``from __feature__ import ...`` switches. FluxDesk uses none, so every module gets the
    answer the scan gives for our own: "uses PySide, no feature selected" (README,
    Start-up). Without the (private) hook this does nothing.
    """
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and hasattr(feature, "_mod_uses_pyside"):
        setattr(feature, "_mod_uses_pyside", lambda module: True)  # noqa: B010 (a private name)


_skip_pyside_source_scan()

if TYPE_CHECKING:
    from fluxdesk.core.context import AppContext
    from fluxdesk.ui.main_window import MainWindow
    from fluxdesk.ui.sigterm import SigtermWatch

SMOKE_TIMEOUT_S = 60.0
GIL_SWITCH_INTERVAL_S = 0.001
COLLECTOR_PAUSE_MAX_MS = 3000
# Start-up benchmark hook: print "shown" and exit as soon as the first frame is on screen.
EXIT_WHEN_SHOWN_ENV = "FLUXDESK_EXIT_WHEN_SHOWN"
SMOKE_PROMPT = "a lighthouse on a cliff at dusk, smoke test"


def create_application(argv: list[str] | None = None, *, startup: bool = False) -> QApplication:
    """The QApplication with FluxDesk's style, palette and icon.

    ``startup=True`` (``run_app``): only what the first frame needs; the caller sets the
    window icon after the first frame (``set_window_icon``).
    """
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setApplicationName(APP_NAME)
    QGuiApplication.setOrganizationName(APP_NAME)
    QGuiApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("fluxdesk")
    from fluxdesk.ui.widgets.none_guard import protect_none

    # A safety net: pyproject excludes the PySide6 release known to leak references to
    # None, but an installed one that does would otherwise crash the app after a while.
    protect_none()
    # Worker threads (downloads, verification, the in-process sandbox) run Python too; with
    # the default 5 ms switch interval a GUI thread waiting for the GIL behind several of
    # them lost 5 ms per round and stalled for 30–80 ms. 1 ms rounds keep it responsive.
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    from fluxdesk.ui.theme.palette import STYLE_ARGS, set_palette, startup_prefers_dark

    app = QApplication([*(argv if argv is not None else sys.argv[:1]), *STYLE_ARGS])
    set_palette(app, startup_prefers_dark())
    if not startup:
        set_window_icon(app)
    return app


def set_window_icon(app: QApplication) -> None:
    from fluxdesk.ui.theme.icons import app_icon

    icon = app_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)


def follow_color_scheme(app: QApplication) -> None:
    from fluxdesk.ui.theme.palette import apply_theme, scheme_is_dark

    QGuiApplication.styleHints().colorSchemeChanged.connect(
        lambda scheme: apply_theme(app, dark=scheme_is_dark(scheme))
    )


def run_app(*, use_sandbox: bool, smoke_test: bool = False) -> int:
    app = create_application(startup=True)
    from fluxdesk.core.context import AppContext
    from fluxdesk.ui.main_window import MainWindow

    # The sandbox (if any) starts after the first frame, off the GUI thread.
    ctx = AppContext.create(use_sandbox=False)
    window = MainWindow(ctx, use_sandbox=use_sandbox, check_key=not smoke_test)
    if os.environ.get(EXIT_WHEN_SHOWN_ENV) == "1":
        window.first_frame_shown.connect(_exit_when_shown)
    # Right after the first frame (also when none comes soon: started minimised), what it
    # does not need: the crash handler (its imports, logging.handlers), the window icon's
    # files, the colour-scheme signal (it touches the Qt namespace) and, queued until the
    # rest of the window is built, the collector.
    window.started_up.connect(lambda: _install_crash_handler(ctx, window))
    window.started_up.connect(lambda: set_window_icon(app))
    window.started_up.connect(lambda: follow_color_scheme(app))
    window.started_up.connect(lambda: QTimer.singleShot(0, freeze_startup_objects))
    # SIGTERM closes the window as Quit does (jobs cancelled, temporary files removed).
    sigterm: list[SigtermWatch] = []
    window.started_up.connect(lambda: sigterm.append(_watch_sigterm(app, window)))
    QTimer.singleShot(COLLECTOR_PAUSE_MAX_MS, _resume_collector)  # a window never shown
    window.show()
    code = _smoke(app, window) if smoke_test else app.exec()
    window.queue.shutdown()
    ctx.close()
    if sigterm and sigterm[0].received:
        return sigterm[0].EXIT_CODE
    return code


def _watch_sigterm(app: QApplication, window: MainWindow) -> SigtermWatch:
    from fluxdesk.ui.sigterm import SigtermWatch

    def close() -> None:
        window.close()
        app.quit()

    return SigtermWatch(close, parent=app)


def _install_crash_handler(ctx: AppContext, window: MainWindow) -> None:
    from fluxdesk.ui import crash

    crash.install(ctx.paths.cache, window.show_message)


def freeze_startup_objects() -> None:
    """Move what start-up built (modules, the catalogue, widget wrappers) out of the cyclic
    collector's reach, so a full collection scans only what the session creates. Measured
    on the gallery scroll benchmark: the 17–25 ms gen-2 pauses go away.

    Also turns the collector back on, on the GUI thread only (``ui.collector``): the
    launcher (``cli.main``) pauses it for start-up, which allocates a few hundred thousand
    long-lived objects (modules, PySide types and enums, widgets) and frees almost none, so
    passes over them are pure cost (README, Start-up)."""
    import gc

    gc.freeze()
    _resume_collector()


def _resume_collector() -> None:
    from fluxdesk.ui.collector import collect_on_gui_thread

    app = QApplication.instance()
    if app is not None:
        collect_on_gui_thread(app)
    else:  # (no event loop to collect from)
        import gc

        gc.enable()


def _exit_when_shown() -> None:
    print("shown", flush=True)
    os._exit(0)


def _smoke(app: QApplication, window: object) -> int:
    from fluxdesk.ui.generate import form as F
    from fluxdesk.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.ensure_built()
    result = {"code": 1}
    started = time.monotonic()

    def finish(code: int, text: str) -> None:
        result["code"] = code
        print(
            f"smoke test: {text} ({time.monotonic() - started:.1f} s)",
            file=sys.stderr if code else sys.stdout,
        )
        window.close()
        app.quit()

    def go() -> None:
        window.form.set_value(F.PROMPT, SMOKE_PROMPT)
        if window.generate() is None:
            finish(1, "the form did not produce a valid request")

    window.image_saved.connect(lambda job: finish(0, f"saved {len(job.output.images)} image(s)"))
    window.queue.job_failed.connect(lambda job: finish(1, f"failed: {job.error}"))
    QTimer.singleShot(0, go)
    QTimer.singleShot(int(SMOKE_TIMEOUT_S * 1000), lambda: finish(1, "timed out"))
    app.exec()
    return result["code"]
