"""Single source of the version for the packaging scripts: ``fluxdesk.__version__``.

Read with a regex (no import), so it works before the package's dependencies are installed.

    python packaging/_version.py            # prints e.g. 0.1.0
    python packaging/_version.py --tuple    # prints e.g. 0,1,0,0  (Windows file version)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INIT = ROOT / "fluxdesk" / "__init__.py"


def version() -> str:
    m = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', INIT.read_text(encoding="utf-8"), re.M)
    if not m:
        raise SystemExit(f"no __version__ in {INIT}")
    return m.group(1)


def version_tuple(v: str | None = None) -> tuple[int, int, int, int]:
    """``1.2.3rc1`` -> (1, 2, 3, 0): the numeric part, padded to four fields."""
    nums = [int(x) for x in re.findall(r"\d+", re.match(r"[\d.]+", v or version()).group(0))][:4]  # type: ignore[union-attr]
    return tuple(nums + [0] * (4 - len(nums)))  # type: ignore[return-value]


if __name__ == "__main__":
    if "--tuple" in sys.argv[1:]:
        print(",".join(map(str, version_tuple())))
    else:
        print(version())
