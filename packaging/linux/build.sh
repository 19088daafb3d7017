#!/usr/bin/env bash
# Build the FluxDesk Linux bundle (one folder) and an installable tarball.
#
#   packaging/linux/build.sh [--venv DIR] [--dist DIR] [--work DIR] [--onefile] [--no-tarball]
#
#   --venv DIR     create DIR (python3 -m venv) if missing and pip-install FluxDesk and
#                  PyInstaller into it; without it, the current python (or $PYTHON) is used
#                  and must already have fluxdesk's dependencies and pyinstaller.
#   --dist DIR     output folder (default: <repo>/dist)
#   --work DIR     PyInstaller work folder (default: <repo>/build/pyinstaller)
#   --onefile      also build the single-file executable dist/fluxdesk-onefile
#   --no-tarball   only the one-folder bundle (what CI's smoke test needs)
#
# Produces:
#   <dist>/fluxdesk/                                 the one-folder bundle (run <dist>/fluxdesk/fluxdesk)
#   <dist>/FluxDesk-<version>-linux-<arch>.tar.gz    bin/ lib/ share/ + install.sh
#
# Fresh Debian/Ubuntu: apt-get install -y python3 python3-venv binutils
# (binutils gives `objdump`/`strip`, which PyInstaller uses on Linux.)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DIST="$ROOT/dist"
WORK="$ROOT/build/pyinstaller"
VENV=""
ONEFILE=0
TARBALL=1

while [[ $# -gt 0 ]]; do
    case "$1" in
        --venv) VENV="$2"; shift 2 ;;
        --dist) DIST="$2"; shift 2 ;;
        --work) WORK="$2"; shift 2 ;;
        --onefile) ONEFILE=1; shift ;;
        --no-tarball) TARBALL=0; shift ;;
        -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
mkdir -p "$DIST" "$WORK"
DIST="$(cd "$DIST" && pwd)"
WORK="$(cd "$WORK" && pwd)"

PY="${PYTHON:-python3}"
if [[ -n "$VENV" ]]; then
    if [[ ! -x "$VENV/bin/python" ]]; then
        echo "==> creating venv $VENV"
        "$PY" -m venv "$VENV"
    fi
    PY="$VENV/bin/python"
    echo "==> installing FluxDesk + PyInstaller into $VENV"
    "$PY" -m pip install --quiet --upgrade pip
    "$PY" -m pip install --quiet "$ROOT[bundle]" pyinstaller-hooks-contrib
fi

if ! "$PY" -c "import PyInstaller, fluxdesk, PySide6, keyring" 2>/dev/null; then
    echo "build.sh: $PY lacks pyinstaller/fluxdesk/PySide6/keyring; pass --venv DIR to set one up" >&2
    exit 1
fi
command -v objdump >/dev/null || { echo "build.sh: objdump missing (apt-get install binutils)" >&2; exit 1; }

VERSION="$("$PY" "$ROOT/packaging/_version.py")"
ARCH="$(uname -m)"
echo "==> FluxDesk $VERSION ($ARCH), python: $("$PY" -c 'import sys; print(sys.version.split()[0])')"

start=$(date +%s)
cd "$ROOT"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" packaging/fluxdesk.spec
if [[ $ONEFILE == 1 ]]; then
    FLUXDESK_ONEFILE=1 "$PY" -m PyInstaller --noconfirm --log-level WARN \
        --distpath "$WORK/onefile-dist" --workpath "$WORK/onefile" packaging/fluxdesk.spec
    mv -f "$WORK/onefile-dist/fluxdesk" "$DIST/fluxdesk-onefile"
fi
echo "==> PyInstaller done in $(( $(date +%s) - start )) s: $DIST/fluxdesk ($(du -sh "$DIST/fluxdesk" | cut -f1))"

"$DIST/fluxdesk/fluxdesk" --version

[[ $TARBALL == 1 ]] || exit 0

# --- tarball with an install layout -------------------------------------------------------
NAME="FluxDesk-$VERSION-linux-$ARCH"
STAGE="$WORK/stage/$NAME"
rm -rf "$WORK/stage"
mkdir -p "$STAGE/bin" "$STAGE/lib" "$STAGE/share/applications" "$STAGE/share/icons"
cp -a "$DIST/fluxdesk" "$STAGE/lib/fluxdesk"
cp -a "$ROOT/resources/icons/hicolor" "$STAGE/share/icons/hicolor"
install -m 0644 "$HERE/fluxdesk.desktop" "$STAGE/share/applications/fluxdesk.desktop"
install -m 0755 "$HERE/install.sh" "$STAGE/install.sh"
cat > "$STAGE/bin/fluxdesk" <<'EOF'
#!/bin/sh
# FluxDesk launcher: runs the bundle in ../lib/fluxdesk relative to this script.
here="$(dirname "$(readlink -f "$0")")"
exec "$here/../lib/fluxdesk/fluxdesk" "$@"
EOF
chmod 0755 "$STAGE/bin/fluxdesk"
cat > "$STAGE/README.txt" <<EOF
FluxDesk $VERSION for Linux ($ARCH)

Install for this user (~/.local):     ./install.sh
Install for everyone (/usr/local):    sudo ./install.sh --system
Install elsewhere:                    ./install.sh --prefix DIR
Uninstall:                            ./install.sh --uninstall [--system | --prefix DIR]
Run without installing:               ./bin/fluxdesk

Needs an X11 or Wayland session with the usual desktop libraries (libEGL, libxkbcommon,
fontconfig, xcb-cursor). The API key is kept in the desktop keyring (Secret Service:
GNOME Keyring or KWallet), or set FLUXDESK_API_KEY.
EOF
tar -C "$WORK/stage" -czf "$DIST/$NAME.tar.gz" "$NAME"
echo "==> $DIST/$NAME.tar.gz ($(du -sh "$DIST/$NAME.tar.gz" | cut -f1))"
echo "==> total $(( $(date +%s) - start )) s"
