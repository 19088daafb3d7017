#!/usr/bin/env bash
# Install everything the tests need, then run the whole check: ruff, mypy and pytest
# (unit, end-to-end against the loopback sandbox, real Qt windows under Xvfb, and the
# key store against a real Secret Service on a private D-Bus).
#
#   bash tests/run.sh            # everything
#   bash tests/run.sh -k cli     # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: Xvfb + Qt's xcb libraries, gnome-keyring + D-Bus, ImageMagick, exiftool
# (reads the standard metadata FluxDesk writes: tests/interop).
DEB_PACKAGES="python3-venv xvfb xauth xdotool gnome-keyring dbus imagemagick libegl1 libgl1
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libfontconfig1 libdbus-1-3 fonts-dejavu-core
  libimage-exiftool-perl"
if command -v dpkg >/dev/null 2>&1; then
  missing=$(for p in $DEB_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done | tr '\n' ' ')
  if [ -n "${missing// /}" ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "Installing Debian packages: $missing" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
fi

VENV=${FLUXDESK_VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[test]'

echo "== ruff" >&2
"$VENV/bin/ruff" check fluxdesk tests benchmarks packaging scripts
"$VENV/bin/ruff" format --check fluxdesk tests benchmarks packaging scripts
echo "== mypy" >&2
"$VENV/bin/mypy"
echo "== pytest" >&2
# The whole suite runs inside a throwaway Secret Service so the keyring tests use the real
# thing; nothing touches the user's own keyrings.
exec tests/tools/with-secret-service "$VENV/bin/python" -m pytest "$@"
