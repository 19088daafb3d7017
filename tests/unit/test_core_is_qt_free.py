"""fluxdesk.core must never import Qt: the CLI, sandbox and tests rely on it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

QT_PACKAGES = {"PySide6", "shiboken6", "PyQt6", "PyQt5"}
CORE = Path(__file__).resolve().parents[2] / "fluxdesk" / "core"


def test_no_qt_import_statement_in_core() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in QT_PACKAGES]
    assert offenders == []


@pytest.mark.subprocess
def test_importing_all_of_core_loads_no_qt() -> None:
    modules = sorted(p.stem for p in CORE.glob("*.py") if p.stem != "__init__")
    code = (
        "import sys\n"
        + "".join(f"import fluxdesk.core.{m}\n" for m in modules)
        + "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        + "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
