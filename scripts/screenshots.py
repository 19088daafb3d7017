"""The README's pictures, made against the built-in sandbox in one command.

    .venv/bin/python scripts/screenshots.py          # docs/screenshots/*.png (committed)
    .venv/bin/python scripts/screenshots.py --all    # every screen at 900×600, 1440×900 and
                                                     # 2560×1440 (2×), into screenshots/

Each scheme and size runs in a child process (the colour scheme and the scale factor are
fixed when Qt starts), in a throw-away FLUXDESK_HOME; a display is needed (Xvfb works).
README pictures are 1280×800, saved by Pillow with ``optimize``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README_DIR = ROOT / "docs" / "screenshots"
ALL_DIR = ROOT / "screenshots"
SCHEMES = ("light", "dark")
README_WIDTH = 1280
# name: (width, height, scale factor)
ALL_SIZES = {"900x600": (900, 600, 1), "1440x900": (1440, 900, 1), "2560x1440@2x": (1280, 720, 2)}
PROMPTS: tuple[tuple[str, str | tuple[int, int], int], ...] = (
    ("A lighthouse on a basalt cliff at dusk, long exposure", "landscape_16_9", 2),
    ("Koi pond seen from above, autumn leaves, soft light", "square_hd", 1),
    ("Portrait of an old fisherman, rim light, 85mm", "portrait_4_3", 2),
    ("Panorama of a misty valley at sunrise", (1536, 512), 1),
    ("Isometric brutalist library, pastel colours", "landscape_4_3", 2),
    ("A neon street in the rain, cinematic", "portrait_16_9", 1),
)
PROJECTS = ("Coast series", "Koi pond")  # the first prompts' projects


def _child(out: Path, tag: str, width: int, height: int, every: bool) -> None:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication, QWidget

    from fluxdesk.core.context import AppContext
    from fluxdesk.ui.app import create_application
    from fluxdesk.ui.generate import form as F
    from fluxdesk.ui.main_window import MainWindow
    from fluxdesk.ui.theme.palette import apply_theme

    app = create_application()
    apply_theme(app)
    ctx = AppContext.create()
    win = MainWindow(ctx, use_sandbox=True, check_key=False)
    win.resize(width, height)
    win.show()

    def wait(until, limit: float = 60.0) -> None:  # type: ignore[no-untyped-def]
        import time

        end = time.monotonic() + limit
        while not until():
            if time.monotonic() > end:
                raise SystemExit(f"screenshots: timed out ({tag}, {until})")
            app.processEvents()
            time.sleep(0.01)

    def settle() -> None:
        import time

        end = time.monotonic() + 0.4
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def shot(widget: QWidget, name: str) -> None:
        settle()
        path = out / f"{name}-{tag}.png"
        widget.grab().save(str(path))
        print(path, flush=True)

    wait(lambda: win.built)
    if every:
        shot(win, "01-generate-empty")
    saved: list[object] = []
    win.image_saved.connect(saved.append)  # once per job
    # Projects: the first images go into one, the next into another (the active project
    # in the box beside the tabs), the rest into none.
    wait(lambda: win.project_box.combo.isEnabled())
    state = win.gallery_view.project_panel.state
    for name in PROJECTS:
        state.create(name)
    for n, (prompt, size, count) in enumerate(PROMPTS):
        win.project_box.choose(PROJECTS[n] if n < len(PROJECTS) else "")
        win.form.set_value(F.PROMPT, prompt)
        if isinstance(size, tuple):
            win.form.set_value(F.SIZE, F.CUSTOM_SIZE)
            win.form.set_value(F.WIDTH, size[0])
            win.form.set_value(F.HEIGHT, size[1])
        else:
            win.form.set_value(F.SIZE, size)
        win.form.set_value(F.NUM_IMAGES, count)
        before = len(saved)
        win.generate()
        wait(lambda before=before: len(saved) > before)
    win.project_box.choose(PROJECTS[0])  # what the picture's box shows
    # The last result shown: a batch of two 16:9 images.
    win.form.set_value(F.PROMPT, PROMPTS[0][0])
    win.form.set_value(F.SIZE, PROMPTS[0][1])
    win.form.set_value(F.NUM_IMAGES, 2)
    before = len(saved)
    win.generate()
    wait(lambda: len(saved) > before)
    shot(win, "generate")
    win.tabs.setCurrentIndex(1)
    gallery = win.gallery_view
    images = sum(count for _p, _s, count in PROMPTS) + 2
    wait(lambda: gallery.model.total >= images)  # (a batch is one tile: a stack)
    # Every thumbnail drawn (they are made off the GUI thread).
    from fluxdesk.ui.library.gallery_model import PixmapRole

    rows = [gallery.model.index(row) for row in range(gallery.model.rowCount())]
    wait(lambda: all(index.data(PixmapRole) is not None for index in rows))
    first, second = gallery.model.item(0), gallery.model.item(1)
    assert first is not None and second is not None
    gallery.select_ids([first.id])
    shot(win, "library")
    if every:
        gallery.stacks.toggle(0)  # the newest stack, expanded in place
        shot(win, "library-stack-expanded")
        gallery.stacks.toggle(0)
        gallery.select_ids([first.id, second.id])
        shot(win, "library-two-selected")
    gallery.select_ids([first.id])  # the newest batch: a stack of two, compared
    dialog = gallery.item_actions.compare_selected()
    assert dialog is not None
    dialog.resize(width, height)
    shot(dialog, "compare")
    dialog.close()
    if every:
        from fluxdesk.ui.settings_dialog import SettingsDialog

        gallery.show_error("The library folder could not be read: an example message")
        gallery.select_ids([first.id])
        shot(win, "library-message")
        win.tabs.setCurrentIndex(0)
        settings = SettingsDialog(ctx, win)
        settings.show()
        shot(settings, "settings")
        settings.close()
        _presets_shots(win, shot, settle, out / f"presets-menu-{tag}.png")
    win.queue.shutdown(timeout_ms=5000)
    gallery.shutdown()
    win.close()
    ctx.close()
    QApplication.processEvents()


def _presets_shots(win, shot, settle, menu_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The Generate tab with the Presets menu open (the menu is a window of its own: drawn
    onto the window's picture where it opened), and the save dialog."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QPainter

    from fluxdesk.core.presets import Preset, PresetStore
    from fluxdesk.ui.generate import form as F

    store = PresetStore(win.ctx.paths.presets_file)
    store.save(
        Preset(
            "Portrait, rim light",
            {
                "prompt": "studio portrait of {subject}, rim light, 85mm",
                "image_size": "portrait_4_3",
                "guidance_scale": 4.0,
            },
        )
    )
    store.save(Preset("Panorama 3:1", {"image_size": {"width": 1536, "height": 512}, "num_images": 1}))
    store.save(Preset("Quick draft", {"num_inference_steps": 8, "num_images": 4, "output_format": "jpeg"}))
    win.tabs.setCurrentIndex(0)
    win.form.set_value(F.PROMPT, "A lighthouse on a basalt cliff at dusk, long exposure")
    menu = win.presets_menu
    # Above the button, where it opens when the window sits low on the screen (below it,
    # it would be cut off by the window's picture); filled as it opens, then moved.
    at = win.presets_button.mapToGlobal(QPoint(0, 0))
    menu.popup(at)
    settle()
    menu.move(at.x(), at.y() - menu.height())
    settle()
    picture = win.grab()
    painter = QPainter(picture)
    painter.drawPixmap(win.mapFromGlobal(menu.pos()), menu.grab())
    painter.end()
    picture.save(str(menu_path))
    print(menu_path, flush=True)
    menu.close()
    dialog = win.presets.save_form()
    assert dialog is not None
    shot(dialog, "presets-save")
    dialog.close()


def _optimise(path: Path) -> None:
    from PIL import Image

    with Image.open(path) as image:
        picture = image.convert("RGB")
    if picture.width > README_WIDTH:  # a dialog wider than asked (its minimum size)
        height = round(picture.height * README_WIDTH / picture.width)
        picture = picture.resize((README_WIDTH, height), Image.Resampling.LANCZOS)
    # 256 colours, no dithering: a quarter of the bytes, no visible change on UI pictures.
    picture = picture.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    picture.save(path, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--all", action="store_true", help="every screen at three sizes, into screenshots/")
    parser.add_argument("--child", nargs=5, metavar=("OUT", "TAG", "W", "H", "EVERY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        out, tag, w, h, every = args.child
        _child(Path(out), tag, int(w), int(h), every == "1")
        return 0
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from _display import ensure_display

    ensure_display()  # Xvfb when there is no display
    runs = (
        [
            (ALL_DIR, f"{name}-{scheme}", size, scheme)
            for name, size in ALL_SIZES.items()
            for scheme in SCHEMES
        ]
        if args.all
        else [(README_DIR, scheme, (1280, 800, 1), scheme) for scheme in SCHEMES]
    )
    for out, tag, (w, h, scale), scheme in runs:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="fluxdesk-shots-") as home:
            env = dict(
                os.environ, FLUXDESK_HOME=home, FLUXDESK_COLOR_SCHEME=scheme, QT_SCALE_FACTOR=str(scale)
            )
            env.pop("FLUXDESK_API_KEY", None)
            cmd = [
                sys.executable,
                __file__,
                "--child",
                str(out),
                tag,
                str(w),
                str(h),
                "1" if args.all else "0",
            ]
            subprocess.run(cmd, env=env, check=True)
    if not args.all:
        for path in README_DIR.glob("*.png"):
            _optimise(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
