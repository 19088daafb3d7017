"""The field catalogue: one entry per request field, and every limit, preset and default.

This is the one source of truth. Each :class:`FieldSpec` says a field's API name, kind,
bounds, default, label and short label, command-line flag, help, and the name other
tools' metadata print it under. The request model validates and builds the API body
from :data:`FIELDS`; the form makes its widgets from it; the CLI its options; the
compare view its labels; sweeps their axes; contact sheets their captions. Adding a
parameter means one entry here plus only what is truly particular to it.

THE SEED RULE: a seed is a whole number from 1 to 2**64-1 (the API says >= 1 and may
return seeds above 2**63); :func:`valid_seed` checks it, :func:`random_seed` draws one.
"""

from __future__ import annotations

import enum
from typing import Any, NamedTuple

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
SEED_MAX = 2**64 - 1  # the library stores every one exactly (core/library/rows.py)


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

# Kinds of field: how a value is read, checked and shown.
TEXT = "text"  # a string (the prompt)
WHOLE = "whole"  # a whole number within bounds
NUMBER = "number"  # a number within bounds
SIZE = "size"  # a SizePreset or a custom width×height (WIDTH, HEIGHT)
CHOICE = "choice"  # one value of an enum (``choices``)
SWITCH = "switch"  # true or false


class FieldSpec(NamedTuple):
    """One request field: everything each front end needs to show, read and check it.

    (A NamedTuple, not a frozen dataclass: the window's first frame creates this class,
    and a dataclass's generated methods cost more to create; see README, Start-up.)
    """

    field: str  # the API's name, also the request attribute and the CLI option's dest
    label: str  # the one name of the field: problems, tooltips, compare and details rows
    short: str  # where room is short: the form's row, captions, sweep cells
    kind: str  # TEXT, WHOLE, NUMBER, SIZE, CHOICE or SWITCH
    flag: str  # the command-line option ("PROMPT" for the positional argument)
    help: str  # one sentence, for a tooltip and the CLI's help
    minimum: float = 0
    maximum: float = 0
    default: Any = None  # None: the server decides (the field is left out of the body)
    step: float = 1
    unset: str = ""  # what leaving an optional field out means, for help texts
    foreign: str = ""  # the key other tools' metadata print it under (A1111 "Steps")
    sweep: str = ""  # the values a new parameter sweep over it starts with ("" = no axis)
    api_default: Any = None  # what the server uses when the field is left out, if documented
    choices: type[enum.Enum] | None = None  # a CHOICE's values

    @property
    def integer(self) -> bool:
        return self.kind == WHOLE

    def range_text(self) -> str:
        lo = int(self.minimum) if self.integer else self.minimum
        hi = int(self.maximum) if self.integer else self.maximum
        kind = "a whole number" if self.integer else "a number"
        return f"{kind} from {lo} to {hi}"

    def rule(self) -> str:
        """What a value must be, naming the field: the one wording of every front end."""
        if self.choices is not None:
            return f"{self.label}: must be " + " or ".join(str(c.value) for c in self.choices)
        if self.kind == SWITCH:
            return f"{self.label}: must be true or false"
        return f"{self.label}: must be {self.range_text()}"

    def caption(self, value: Any) -> str:
        """``value`` in a caption under an image: "guidance 3.5", "steps 28", "seed 7"."""
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{self.short.lower()} {shown}"


PROMPT = FieldSpec(
    field="prompt",
    label="Prompt",
    short="Prompt",
    kind=TEXT,
    flag="PROMPT",
    help=f"What to draw, 1 to {PROMPT_MAX_CHARS} characters.",
    minimum=1,
    maximum=PROMPT_MAX_CHARS,
)
IMAGE_SIZE = FieldSpec(
    field="image_size",
    label="Image size",
    short="Size",
    kind=SIZE,
    flag="--size",
    help=(
        "A preset ("
        + ", ".join(p.value for p in SizePreset)
        + f") or a custom width×height, each {SIDE_MIN}–{SIDE_MAX} and a multiple of {SIDE_STEP}."
    ),
    default=SizePreset.LANDSCAPE_4_3,
    foreign="Size",
)
GUIDANCE_SCALE = FieldSpec(
    field="guidance_scale",
    label="Guidance scale",
    short="Guidance",
    kind=NUMBER,
    flag="--guidance-scale",
    help="How closely the image follows the prompt (higher = more literal).",
    minimum=1,
    maximum=20,
    step=0.5,
    unset="the server decides",
    api_default=3.5,
    foreign="CFG scale",
    sweep="2, 3.5, 5, 7",
)
NUM_INFERENCE_STEPS = FieldSpec(
    field="num_inference_steps",
    label="Steps",
    short="Steps",
    kind=WHOLE,
    flag="--steps",
    help="Denoising steps: more steps, more detail, slower.",
    minimum=1,
    maximum=50,
    unset="the server decides",
    api_default=28,
    foreign="Steps",
    sweep="12, 20, 28",
)
NUM_IMAGES = FieldSpec(
    field="num_images",
    label="Images",
    short="Images",
    kind=WHOLE,
    flag="--num-images",
    help="How many images to generate in one request.",
    minimum=1,
    maximum=4,
    default=1,
)
SEED = FieldSpec(
    field="seed",
    label="Seed",
    short="Seed",
    kind=WHOLE,
    flag="--seed",
    help="Same seed + prompt + model version gives the same image.",
    minimum=SEED_MIN,
    maximum=SEED_MAX,
    unset="a new random seed each time",
    foreign="Seed",
    sweep="random 4",
)
OUTPUT_FORMAT = FieldSpec(
    field="output_format",
    label="Output format",
    short="Format",
    kind=CHOICE,
    flag="--format",
    help="File format the API returns (PNG is lossless and larger).",
    default=OutputFormat.JPEG,
    choices=OutputFormat,
)
ENABLE_SAFETY_CHECKER = FieldSpec(
    field="enable_safety_checker",
    label="Safety checker",
    short="Safety",
    kind=SWITCH,
    flag="--no-safety-checker",
    help="Ask the API to flag (and blur) NSFW images.",
    default=True,
)
# The two sides of a custom IMAGE_SIZE (members of it, not request fields of their own).
WIDTH = FieldSpec(
    field="width",
    label="Width",
    short="Width",
    kind=WHOLE,
    flag="--width",
    help=f"Custom width in pixels, a multiple of {SIDE_STEP}.",
    minimum=SIDE_MIN,
    maximum=SIDE_MAX,
    default=1024,
    step=SIDE_STEP,
)
HEIGHT = FieldSpec(
    field="height",
    label="Height",
    short="Height",
    kind=WHOLE,
    flag="--height",
    help=f"Custom height in pixels, a multiple of {SIDE_STEP}.",
    minimum=SIDE_MIN,
    maximum=SIDE_MAX,
    default=768,
    step=SIDE_STEP,
)

# Every request field, in the order the form, the compare view and the details show them.
FIELDS: tuple[FieldSpec, ...] = (
    PROMPT,
    IMAGE_SIZE,
    GUIDANCE_SCALE,
    NUM_INFERENCE_STEPS,
    NUM_IMAGES,
    SEED,
    OUTPUT_FORMAT,
    ENABLE_SAFETY_CHECKER,
)
BY_FIELD: dict[str, FieldSpec] = {spec.field: spec for spec in FIELDS}
# What a preset may hold: every request field (the seed only when the user asks for it).
PRESET_FIELDS: tuple[str, ...] = tuple(spec.field for spec in FIELDS)
NUMBER_SPECS: tuple[FieldSpec, ...] = tuple(s for s in FIELDS if s.kind in (WHOLE, NUMBER))
SIDE_SPECS: tuple[FieldSpec, ...] = (WIDTH, HEIGHT)
# What a parameter sweep can vary (each image's look, not how many there are).
SWEEP_SPECS: tuple[FieldSpec, ...] = tuple(s for s in FIELDS if s.sweep)

# The API's documented defaults for the two values the form calls "Auto". FluxDesk sends
# them explicitly so a file always records the steps and guidance really used (other
# tools' readers need them; see core/interop/portable.py).
API_DEFAULT_GUIDANCE_SCALE: float = GUIDANCE_SCALE.api_default
API_DEFAULT_STEPS: int = NUM_INFERENCE_STEPS.api_default
DEFAULT_SIZE: SizePreset = IMAGE_SIZE.default
DEFAULT_FORMAT: OutputFormat = OUTPUT_FORMAT.default
DEFAULT_SAFETY_CHECKER: bool = ENABLE_SAFETY_CHECKER.default
PROMPT_HELP = PROMPT.help
SIZE_HELP = IMAGE_SIZE.help


def valid_seed(value: object) -> bool:
    """THE SEED RULE: a whole number (not a bool) from SEED_MIN to SEED_MAX."""
    return isinstance(value, int) and not isinstance(value, bool) and SEED_MIN <= value <= SEED_MAX


def random_seed() -> int:
    """A random seed under THE SEED RULE (the one source of random seeds)."""
    import secrets  # (lazily: not needed for the window's first frame)

    return SEED_MIN + secrets.randbelow(SEED_MAX - SEED_MIN + 1)
