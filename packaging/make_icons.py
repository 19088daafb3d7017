#!/usr/bin/env python3
"""Draw the FluxDesk app icon with Pillow and write every size the bundles need.

    python packaging/make_icons.py            # writes into resources/icons/

Outputs (all committed; re-run after changing the drawing):

    resources/icons/fluxdesk.png                        1024 px master
    resources/icons/hicolor/<N>x<N>/apps/fluxdesk.png   N = 16 24 32 48 64 128 256 512
    resources/icons/fluxdesk.ico                        Windows, 16..256 px
    resources/icons/fluxdesk.icns                       macOS, 16..1024 px

The design: a rounded square with a deep indigo -> violet diagonal gradient, a soft top
light, and a white "flux" mark (a flowing double wave crossed by a four-pointed spark).
Everything is drawn 4x oversampled and scaled down with LANCZOS; sizes up to 32 px use
a simplified, bolder variant so the mark stays legible in panels and title bars.
Only Pillow is needed (no numpy).
"""

from __future__ import annotations

import argparse
import itertools
import math
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)

# Palette: indigo-700 -> indigo-600 -> violet-600 -> fuchsia-ish violet.
GRADIENT_STOPS = [
    (0.00, (49, 46, 129)),
    (0.40, (67, 56, 202)),
    (0.78, (124, 58, 237)),
    (1.00, (168, 85, 247)),
]
SS = 4  # oversampling factor


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def _gradient_palette() -> list[int]:
    pal: list[int] = []
    for i in range(256):
        t = i / 255
        for (t0, c0), (t1, c1) in itertools.pairwise(GRADIENT_STOPS):
            if t0 <= t <= t1:
                u = (t - t0) / (t1 - t0)
                # smoothstep for a softer blend between stops
                u = u * u * (3 - 2 * u)
                pal.extend(round(_lerp(c0[k], c1[k], u)) for k in range(3))
                break
    return pal


def _diagonal_gradient(size: int) -> Image.Image:
    """Top-left (t=0) to bottom-right (t=1) gradient, RGB."""
    big = int(size * 1.5) + 2
    lin = Image.linear_gradient("L").resize((big, big), Image.BILINEAR)  # black top, white bottom
    lin = lin.rotate(45, resample=Image.BICUBIC, expand=True)  # now runs top-left -> bottom-right
    w, h = lin.size
    left, top = (w - size) // 2, (h - size) // 2
    lin = lin.crop((left, top, left + size, top + size))
    return _apply_palette(lin)


def _apply_palette(lum: Image.Image) -> Image.Image:
    pal = _gradient_palette()
    rgb = [lum.point(pal[c::3]) for c in range(3)]
    return Image.merge("RGB", rgb)


def _rounded_mask(size: int, inset: int, radius: int) -> Image.Image:
    m = Image.new("L", (size, size), 0)
    ImageDraw.Draw(m).rounded_rectangle(
        (inset, inset, size - 1 - inset, size - 1 - inset), radius=radius, fill=255
    )
    return m


def _wave_points(
    x0: float, x1: float, yc: float, amp: float, phase: float, n: int = 400
) -> list[tuple[float, float]]:
    pts = []
    for i in range(n + 1):
        u = i / n
        x = _lerp(x0, x1, u)
        # one and a quarter periods, amplitude easing in at the start and out at the end
        env = math.sin(math.pi * (0.12 + 0.88 * u)) ** 0.6
        y = yc - amp * env * math.sin(2 * math.pi * 1.05 * u + phase)
        pts.append((x, y))
    return pts


def _stroke(draw: ImageDraw.ImageDraw, pts: list[tuple[float, float]], width: float, fill: int) -> None:
    """A round-capped thick polyline, drawn as one polygon (Pillow's wide lines are ragged)."""
    r = width / 2
    left, right = [], []
    for i, (x, y) in enumerate(pts):
        xa, ya = pts[max(i - 1, 0)]
        xb, yb = pts[min(i + 1, len(pts) - 1)]
        dx, dy = xb - xa, yb - ya
        n = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / n * r, dx / n * r
        left.append((x + nx, y + ny))
        right.append((x - nx, y - ny))
    draw.polygon(left + right[::-1], fill=fill)
    for x, y in (pts[0], pts[-1]):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)


def _spark(cx: float, cy: float, r: float, pinch: float = 3.2, n: int = 240) -> list[tuple[float, float]]:
    """Four-pointed star with concave sides (a superellipse with exponent < 1)."""
    pts = []
    for i in range(n):
        t = 2 * math.pi * i / n
        c, s = math.cos(t), math.sin(t)
        x = r * math.copysign(abs(c) ** pinch, c)
        y = r * math.copysign(abs(s) ** pinch, s)
        pts.append((cx + x, cy + y))
    return pts


def draw_icon(size: int, simple: bool = False) -> Image.Image:
    """Return an RGBA icon of ``size`` px."""
    S = size * SS
    f = S / 1024  # design units are a 1024 px canvas

    inset = round((56 if not simple else 20) * f)
    radius = round((210 if not simple else 190) * f)
    shape = _rounded_mask(S, inset, radius)

    # -- background: gradient + soft top-left light + subtle bottom shade
    bg = _diagonal_gradient(S).convert("RGBA")
    light = Image.radial_gradient("L").resize((int(S * 1.3), int(S * 1.3)), Image.BILINEAR)
    light = ImageChops.invert(light)  # bright centre
    light = light.point(lambda v: int(max(0, v - 140) * 0.40))
    glow = Image.new("L", (S, S), 0)
    glow.paste(light, (int(-0.45 * S), int(-0.55 * S)))
    bg = Image.composite(Image.new("RGBA", (S, S), (255, 255, 255, 255)), bg, glow)

    icon = Image.new("RGBA", (S, S), (0, 0, 0, 0))

    # soft drop shadow under the tile (only where there is room for it)
    if not simple:
        sh = Image.new("L", (S, S), 0)
        ImageDraw.Draw(sh).rounded_rectangle(
            (inset, inset + round(14 * f), S - 1 - inset, S - 1 - inset + round(14 * f)),
            radius=radius,
            fill=110,
        )
        sh = sh.filter(ImageFilter.GaussianBlur(18 * f))
        icon = Image.composite(Image.new("RGBA", (S, S), (20, 10, 60, 255)), icon, sh)
        icon.putalpha(sh)

    icon.paste(bg, (0, 0), shape)

    # hairline inner highlight along the top edge of the tile
    if not simple:
        rim = Image.new("L", (S, S), 0)
        d = ImageDraw.Draw(rim)
        d.rounded_rectangle(
            (inset, inset, S - 1 - inset, S - 1 - inset), radius=radius, outline=90, width=round(5 * f)
        )
        fade = Image.linear_gradient("L").resize((S, S)).point(lambda v: 255 - v)
        rim = ImageChops.multiply(rim, fade)
        rim = ImageChops.multiply(rim, shape)
        icon = Image.composite(Image.new("RGBA", (S, S), (255, 255, 255, 255)), icon, rim).copy()
        # keep the tile/shadow alpha
        a = icon.getchannel("A")
        icon.putalpha(ImageChops.lighter(a, rim))

    # -- the mark (white), drawn on an L layer then composited
    mark = Image.new("L", (S, S), 0)
    md = ImageDraw.Draw(mark)
    if simple:
        w1 = _wave_points(210 * f, 814 * f, 600 * f, 135 * f, 0.35)
        _stroke(md, w1, 118 * f, 255)
        sx, sy, sr = 690 * f, 330 * f, 225 * f
        md.polygon(_spark(sx, sy, sr, pinch=2.6), fill=255)
    else:
        # back wave: translucent, offset
        back = Image.new("L", (S, S), 0)
        bd = ImageDraw.Draw(back)
        _stroke(bd, _wave_points(230 * f, 800 * f, 680 * f, 112 * f, 0.35), 58 * f, 255)
        back = back.point(lambda v: int(v * 0.45))
        # front wave
        _stroke(md, _wave_points(210 * f, 790 * f, 585 * f, 135 * f, 0.35), 78 * f, 255)
        mark = ImageChops.lighter(mark, back)
        # spark, with a thin gap (knocked out) where it crosses the wave
        sx, sy, sr = 672 * f, 405 * f, 225 * f
        gap = Image.new("L", (S, S), 0)
        ImageDraw.Draw(gap).polygon(_spark(sx, sy, sr + 26 * f, pinch=3.0), fill=255)
        gap = gap.filter(ImageFilter.GaussianBlur(2 * f))
        mark = ImageChops.subtract(mark, gap)
        spark = Image.new("L", (S, S), 0)
        ImageDraw.Draw(spark).polygon(_spark(sx, sy, sr, pinch=3.0), fill=255)
        # small companion spark
        ImageDraw.Draw(spark).polygon(_spark(375 * f, 300 * f, 62 * f, pinch=3.0), fill=235)
        mark = ImageChops.lighter(mark, spark)

        # soft coloured glow behind the mark for depth
        halo = mark.filter(ImageFilter.GaussianBlur(30 * f)).point(lambda v: int(v * 0.55))
        halo = ImageChops.multiply(halo, shape)
        icon = Image.composite(Image.new("RGBA", (S, S), (233, 213, 255, 255)), icon, halo)

    mark = ImageChops.multiply(mark, shape)
    white = Image.new("RGBA", (S, S), (255, 255, 255, 255))
    alpha = icon.getchannel("A")
    icon = Image.composite(white, icon, mark)
    icon.putalpha(ImageChops.lighter(alpha, mark))

    return icon.resize((size, size), Image.LANCZOS)


def build(out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    master = draw_icon(1024)
    p = out / "fluxdesk.png"
    master.save(p, optimize=True)
    written.append(p)

    renders: dict[int, Image.Image] = {1024: master}
    for n in sorted(set(HICOLOR_SIZES) | set(ICO_SIZES)):
        renders[n] = draw_icon(n, simple=n <= 32)
    for n in HICOLOR_SIZES:
        d = out / "hicolor" / f"{n}x{n}" / "apps"
        d.mkdir(parents=True, exist_ok=True)
        p = d / "fluxdesk.png"
        renders[n].save(p, optimize=True)
        written.append(p)

    ico = out / "fluxdesk.ico"
    big = renders[256]
    big.save(
        ico,
        format="ICO",
        sizes=[(n, n) for n in ICO_SIZES],
        append_images=[renders[n] for n in ICO_SIZES if n != 256],
    )
    written.append(ico)

    icns = out / "fluxdesk.icns"
    master.save(icns, format="ICNS", append_images=[renders[n] for n in (16, 32, 64, 128, 256, 512)])
    written.append(icns)
    return written


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (default: resources/icons)")
    args = ap.parse_args()
    for p in build(args.out):
        print(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
