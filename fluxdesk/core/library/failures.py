"""One-line messages for the library's environment failures (disk, permissions, locks).

A SQLite or OS error that is about the machine becomes a LibraryError with one of these
messages; anything else is a bug and passes through untouched.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

_ENV_SQLITE_CODES = {
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_READONLY",
    "SQLITE_CANTOPEN",
    "SQLITE_FULL",
    "SQLITE_IOERR",
    "SQLITE_CORRUPT",
    "SQLITE_NOTADB",
    "SQLITE_PERM",
    "SQLITE_PROTOCOL",
    "SQLITE_AUTH",
}
_ENV_SQLITE_WORDS = (
    "locked",
    "readonly",
    "read-only",
    "unable to open",
    "disk",
    "full",
    "malformed",
    "not a database",
    "i/o",
)


def sqlite_env_message(exc: sqlite3.Error, db: Path, busy_timeout_s: float) -> str | None:
    """A one-line message if ``exc`` is about the environment, None if it is a bug."""
    name = getattr(exc, "sqlite_errorname", "") or ""  # Python >= 3.11
    text = str(exc).lower()
    base = name.split("_")[0:2]
    code = "_".join(base)
    if not (code in _ENV_SQLITE_CODES or any(w in text for w in _ENV_SQLITE_WORDS)):
        return None
    if code in ("SQLITE_BUSY", "SQLITE_LOCKED") or "locked" in text:
        return (
            f"The library index {db} is locked by another program (waited {busy_timeout_s:g} s); try again."
        )
    if code in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "malformed" in text or "not a database" in text:
        return (
            f"The library index {db} is damaged ({exc}); delete it and run a reindex "
            "to rebuild it from the images."
        )
    if code == "SQLITE_FULL" or "full" in text:
        return f"The disk holding the library index {db} is full."
    if code in ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM") or "readonly" in text:
        return f"Cannot write the library index {db}: the folder or file is read-only ({exc})."
    return f"Cannot use the library index {db}: {exc}."


def os_message(exc: OSError, path: Path, action: str) -> str:
    if exc.errno == errno.ENOSPC:
        return f"Cannot {action} {path}: the disk is full."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Cannot {action} {path}: permission denied or read-only folder."
    return f"Cannot {action} {path}: {exc.strerror or exc}."
