"""The key store against a real Secret Service (gnome-keyring on a private D-Bus).

Run the suite through ``../shared/recipes/with-secret-service`` (tests/run.sh does). These
tests fail, not skip, when no Secret Service is there: CI must provide one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import keyring
import pytest

from fluxdesk.core.errors import KeyStoreError
from fluxdesk.core.keystore import ACCOUNT, KEY_ENV, SERVICE, KeySource, KeyStore

SECRET = "sk-test-0123456789abcdef"


@pytest.fixture
def store() -> Iterator[KeyStore]:
    backend = keyring.get_keyring()
    assert type(backend).__module__ == "keyring.backends.SecretService", (
        f"no Secret Service ({type(backend).__module__}); run the tests via tests/run.sh"
    )
    store = KeyStore(env={})
    store.delete()
    yield store
    store.delete()


def _cli(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != KEY_ENV}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "fluxdesk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
    )


def test_set_get_delete_in_the_real_secret_service(store: KeyStore) -> None:
    assert store.get() is None
    store.set(SECRET)
    assert store.get() == SECRET
    # It really is in the Secret Service, under our service name.
    import secretstorage

    connection = secretstorage.dbus_init()
    collection = secretstorage.get_default_collection(connection)
    items = list(collection.search_items({"service": SERVICE, "username": ACCOUNT}))
    assert [item.get_secret().decode() for item in items] == [SECRET]
    assert store.status().source is KeySource.KEYRING
    assert store.delete() is True
    assert store.get() is None
    assert store.delete() is False


def test_environment_overrides_the_keyring(store: KeyStore) -> None:
    store.set(SECRET)
    env_store = KeyStore(env={KEY_ENV: "from-env"})
    assert env_store.get() == "from-env"
    assert env_store.status().source is KeySource.ENVIRONMENT


def test_empty_or_multiline_keys_are_refused(store: KeyStore) -> None:
    for bad in ("", "   ", "abc def", "abc\ndef"):
        with pytest.raises(KeyStoreError):
            store.set(bad)
    assert store.get() is None


@pytest.mark.subprocess
def test_cli_key_set_status_delete_never_print_the_key(store: KeyStore) -> None:
    result = _cli("key", "set", stdin=SECRET + "\n")
    assert result.returncode == 0, result.stderr
    assert store.get() == SECRET
    status = _cli("key", "status")
    assert status.returncode == 0
    assert "keyring" in status.stdout.lower()
    for output in (result.stdout, result.stderr, status.stdout, status.stderr):
        assert SECRET not in output
    assert _cli("key", "delete").returncode == 0
    assert store.get() is None
    assert _cli("key", "status").returncode == 1


@pytest.mark.subprocess
def test_no_usable_backend_gives_clear_help_and_no_file(tmp_path: object) -> None:
    # Without a session bus the real keyring library finds no backend (fail.Keyring).
    env = {"DBUS_SESSION_BUS_ADDRESS": "", "FLUXDESK_HOME": str(tmp_path)}
    full_env = {k: v for k, v in os.environ.items() if k not in (KEY_ENV, "DBUS_SESSION_BUS_ADDRESS")}
    full_env["FLUXDESK_HOME"] = env["FLUXDESK_HOME"]
    for args in (["key", "status"], ["key", "set"]):
        result = subprocess.run(
            [sys.executable, "-m", "fluxdesk", *args],
            input=SECRET + "\n",
            capture_output=True,
            text=True,
            env=full_env,
            timeout=60,
        )
        assert result.returncode != 0
        text = result.stdout + result.stderr
        assert "FLUXDESK_API_KEY" in text and "fluxdesk key set" in text
        assert "Traceback" not in text
    # No plaintext fallback anywhere in FLUXDESK_HOME.
    from pathlib import Path

    for path in Path(str(tmp_path)).rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(errors="ignore")
