"""The parameter catalogue: every limit, preset and default of a flux-realism request.

This is the one source of truth. The request model validates against it, the CLI builds
its options and help from it, the sandbox validates incoming bodies with it, the form
takes its ranges and defaults from it, and the tests enumerate it. Add a parameter here
and nowhere else.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

MODEL_ID = "flux-realism"
API_PATH = "/v1/images/generations"
DEFAULT_BASE_URL = "https://api.aimlapi.com"

PROMPT_MAX_CHARS = 4000
SIDE_MIN = 512
SIDE_MAX = 1536
SIDE_STEP = 32
# The largest image the API may legitimately return: anything bigger is refused before
# decoding (decompression-bomb guard).
MAX_IMAGE_PIXELS = SIDE_MAX * SIDE_MAX
SEED_MIN = 1
SEED_MAX = 2**63 - 1  # stored as SQLite INTEGER (signed 64-bit)


class OutputFormat(str, enum.Enum):
    JPEG = "jpeg"
    PNG = "png"

    @property
    def extension(self) -> str:
        return "jpg" if self is OutputFormat.JPEG else "png"

    @property
    def mime_type(self) -> str:
        return f"image/{self.value}"


class SizePreset(str, enum.Enum):
    SQUARE_HD = "square_hd"
    SQUARE = "square"
    PORTRAIT_4_3 = "portrait_4_3"
    PORTRAIT_16_9 = "portrait_16_9"
    LANDSCAPE_4_3 = "landscape_4_3"
    LANDSCAPE_16_9 = "landscape_16_9"

    @property
    def dimensions(self) -> tuple[int, int]:
        return PRESET_DIMENSIONS[self]

    @property
    def label(self) -> str:
        w, h = self.dimensions
        return f"{PRESET_LABELS[self]} ({w}×{h})"


# Pixel sizes the presets resolve to (fal/FLUX family conventions; landscape_4_3 is the
# documented 1024×768 default). Used for the sandbox, previews and the library index.
PRESET_DIMENSIONS: dict[SizePreset, tuple[int, int]] = {
    SizePreset.SQUARE_HD: (1024, 1024),
    SizePreset.SQUARE: (512, 512),
    SizePreset.PORTRAIT_4_3: (768, 1024),
    SizePreset.PORTRAIT_16_9: (576, 1024),
    SizePreset.LANDSCAPE_4_3: (1024, 768),
    SizePreset.LANDSCAPE_16_9: (1024, 576),
}

PRESET_LABELS: dict[SizePreset, str] = {
    SizePreset.SQUARE_HD: "Square HD",
    SizePreset.SQUARE: "Square",
    SizePreset.PORTRAIT_4_3: "Portrait 3:4",
    SizePreset.PORTRAIT_16_9: "Portrait 9:16",
    SizePreset.LANDSCAPE_4_3: "Landscape 4:3",
    SizePreset.LANDSCAPE_16_9: "Landscape 16:9",
}


# What the window shows for an optional value left to the server ("the server decides").
AUTO_TEXT = "Auto"


class NumberSpec(NamedTuple):
    """A numeric parameter: its API field name, bounds, default and help text.

    (A NamedTuple, not a frozen dataclass: the window's first frame creates this class,
    and a dataclass's generated methods cost ~0.4 ms more to create; see README, Start-up.)
    """

    field: str
    label: str
    minimum: float
    maximum: float
    default: float | None  # None: the server decides (field omitted from the body)
    integer: bool
    help: str
    step: float = 1

    def range_text(self) -> str:
        lo = int(self.minimum) if self.integer else self.minimum
        hi = int(self.maximum) if self.integer else self.maximum
        kind = "a whole number" if self.integer else "a number"
        return f"{kind} from {lo} to {hi}"


GUIDANCE_SCALE = NumberSpec(
    field="guidance_scale",
    label="Guidance scale",
    minimum=1,
    maximum=20,
    default=None,
    integer=False,
    step=0.5,
    help="How closely the image follows the prompt (higher = more literal).",
)
NUM_INFERENCE_STEPS = NumberSpec(
    field="num_inference_steps",
    label="Steps",
    minimum=1,
    maximum=50,
    default=None,
    integer=True,
    help="Denoising steps: more steps, more detail, slower.",
)
# The API's documented defaults for the two values the form calls "Auto". FluxDesk sends
# them explicitly so a file always records the steps and guidance really used (other
# tools' readers need them; see core/interop/portable.py).
API_DEFAULT_GUIDANCE_SCALE = 3.5
API_DEFAULT_STEPS = 28
NUM_IMAGES = NumberSpec(
    field="num_images",
    label="Images",
    minimum=1,
    maximum=4,
    default=1,
    integer=True,
    help="How many images to generate in one request.",
)
SEED = NumberSpec(
    field="seed",
    label="Seed",
    minimum=SEED_MIN,
    maximum=SEED_MAX,
    default=None,
    integer=True,
    help="Same seed + prompt + model version gives the same image; empty = random.",
)
WIDTH = NumberSpec(
    field="width",
    label="Width",
    minimum=SIDE_MIN,
    maximum=SIDE_MAX,
    default=1024,
    integer=True,
    step=SIDE_STEP,
    help=f"Custom width in pixels, a multiple of {SIDE_STEP}.",
)
HEIGHT = NumberSpec(
    field="height",
    label="Height",
    minimum=SIDE_MIN,
    maximum=SIDE_MAX,
    default=768,
    integer=True,
    step=SIDE_STEP,
    help=f"Custom height in pixels, a multiple of {SIDE_STEP}.",
)

NUMBER_SPECS: tuple[NumberSpec, ...] = (GUIDANCE_SCALE, NUM_INFERENCE_STEPS, NUM_IMAGES, SEED)
SIDE_SPECS: tuple[NumberSpec, ...] = (WIDTH, HEIGHT)

DEFAULT_SIZE = SizePreset.LANDSCAPE_4_3
DEFAULT_FORMAT = OutputFormat.JPEG
DEFAULT_SAFETY_CHECKER = True
PROMPT_HELP = f"What to draw, 1 to {PROMPT_MAX_CHARS} characters."
SIZE_HELP = (
    "A preset ("
    + ", ".join(p.value for p in SizePreset)
    + f") or a custom width×height, each {SIDE_MIN}–{SIDE_MAX} and a multiple of {SIDE_STEP}."
)
