"""Checking downloaded image files before they are kept.

Every image is decoded once with Pillow: a file that is not a PNG/JPEG, is truncated,
or claims more pixels than the API can produce (a decompression bomb) is rejected
before it could reach the library or the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fluxdesk.core import params as P
from fluxdesk.core.errors import BadImageError
from fluxdesk.core.params import OutputFormat

_PIL_FORMATS = {"PNG": OutputFormat.PNG, "JPEG": OutputFormat.JPEG}


@dataclass(frozen=True)
class ImageCheck:
    output_format: OutputFormat
    width: int
    height: int


def verify_image(path: Path, max_pixels: int = P.MAX_IMAGE_PIXELS) -> ImageCheck:
    """Decode ``path`` fully; return its format and size or raise BadImageError."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path, formats=list(_PIL_FORMATS)) as image:
            width, height = image.size
            # Checked before load(): the header alone tells, and decoding a bomb is the attack.
            if width * height > max_pixels:
                limit = f"{P.SIDE_MAX}×{P.SIDE_MAX}"
                raise BadImageError(f"it claims {width}×{height} pixels, more than the API makes ({limit})")
            fmt = _PIL_FORMATS[str(image.format)]
            image.load()
    except BadImageError:
        raise
    except UnidentifiedImageError:
        raise BadImageError("it is not a PNG or JPEG image") from None
    except Image.DecompressionBombError:
        raise BadImageError("it claims far more pixels than the API can make") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        # Pillow reports truncation and corrupt chunks with these.
        raise BadImageError(f"it is damaged or truncated ({exc})") from None
    return ImageCheck(output_format=fmt, width=width, height=height)
