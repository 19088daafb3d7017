#!/usr/bin/env bash
# Build FluxDesk.app and a compressed .dmg on macOS (run on the architecture you target:
# arm64 on Apple silicon runners, x86_64 on Intel ones; PyInstaller does not cross-build).
#
#   packaging/macos/build_dmg.sh [--venv DIR] [--skip-build]
#
# Produces dist/FluxDesk.app and dist/FluxDesk-<version>-macos-<arch>.dmg.
# Signing/notarisation: set FLUXDESK_CODESIGN_IDENTITY (e.g. "Developer ID Application: ...")
# and see SIGNING.md; without it the app is ad-hoc signed (runs locally, Gatekeeper warns).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV=""
BUILD=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --venv) VENV="$2"; shift 2 ;;
        --skip-build) BUILD=0; shift ;;
        *) echo "build_dmg.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

PY="${PYTHON:-python3}"
if [[ -n "$VENV" ]]; then
    [[ -x "$VENV/bin/python" ]] || "$PY" -m venv "$VENV"
    PY="$VENV/bin/python"
    "$PY" -m pip install --quiet --upgrade pip
    "$PY" -m pip install --quiet "$ROOT[bundle]" pyinstaller-hooks-contrib
fi

cd "$ROOT"
VERSION="$("$PY" packaging/_version.py)"
ARCH="$(uname -m)"
APP="dist/FluxDesk.app"
DMG="dist/FluxDesk-$VERSION-macos-$ARCH.dmg"

if [[ $BUILD == 1 ]]; then
    start=$(date +%s)
    "$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
        --distpath dist --workpath build/pyinstaller packaging/fluxdesk.spec
    echo "==> PyInstaller done in $(( $(date +%s) - start )) s"
fi
[[ -d "$APP" ]] || { echo "build_dmg.sh: $APP missing" >&2; exit 1; }
"$APP/Contents/MacOS/fluxdesk" --version

if [[ -n "${FLUXDESK_CODESIGN_IDENTITY:-}" ]]; then
    # PyInstaller signed the binaries with the identity; re-sign the bundle as a whole with
    # the hardened runtime (required for notarisation).
    codesign --force --deep --options runtime --timestamp \
        ${FLUXDESK_ENTITLEMENTS:+--entitlements "$FLUXDESK_ENTITLEMENTS"} \
        --sign "$FLUXDESK_CODESIGN_IDENTITY" "$APP"
    codesign --verify --strict --verbose=2 "$APP"
fi

# Staging folder: the app plus an /Applications link for drag-and-drop install.
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "FluxDesk $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO \
    -imagekey zlib-level=9 -ov "$DMG"
if [[ -n "${FLUXDESK_CODESIGN_IDENTITY:-}" ]]; then
    codesign --force --timestamp --sign "$FLUXDESK_CODESIGN_IDENTITY" "$DMG"
fi
hdiutil verify "$DMG"
echo "==> $DMG ($(du -h "$DMG" | cut -f1))"
