#!/bin/sh
# Install FluxDesk from the unpacked tarball (this file sits beside bin/ lib/ share/).
#
#   ./install.sh                    ~/.local            (default for a normal user)
#   sudo ./install.sh --system      /usr/local          (default when run as root)
#   ./install.sh --prefix DIR       DIR/bin, DIR/lib/fluxdesk, DIR/share/...
#   ./install.sh --uninstall [--system | --prefix DIR]
set -eu

SRC="$(cd "$(dirname "$0")" && pwd)"
if [ "$(id -u)" = 0 ]; then PREFIX=/usr/local; else PREFIX="$HOME/.local"; fi
ACTION=install

while [ $# -gt 0 ]; do
    case "$1" in
        --user) PREFIX="$HOME/.local"; shift ;;
        --system) PREFIX=/usr/local; shift ;;
        --prefix) PREFIX="$2"; shift 2 ;;
        --uninstall) ACTION=uninstall; shift ;;
        -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

SIZES="16 24 32 48 64 128 256 512"

refresh_caches() {
    command -v update-desktop-database >/dev/null 2>&1 &&
        update-desktop-database -q "$PREFIX/share/applications" 2>/dev/null || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$PREFIX/share/icons/hicolor/index.theme" ] &&
        gtk-update-icon-cache -q -t "$PREFIX/share/icons/hicolor" 2>/dev/null || true
}

if [ "$ACTION" = uninstall ]; then
    rm -rf "$PREFIX/lib/fluxdesk"
    rm -f "$PREFIX/bin/fluxdesk" "$PREFIX/share/applications/fluxdesk.desktop"
    for n in $SIZES; do rm -f "$PREFIX/share/icons/hicolor/${n}x${n}/apps/fluxdesk.png"; done
    refresh_caches
    echo "FluxDesk removed from $PREFIX (your library and settings are kept)."
    exit 0
fi

mkdir -p "$PREFIX/bin" "$PREFIX/lib" "$PREFIX/share/applications"
rm -rf "$PREFIX/lib/fluxdesk.new"
cp -R "$SRC/lib/fluxdesk" "$PREFIX/lib/fluxdesk.new"
rm -rf "$PREFIX/lib/fluxdesk"
mv "$PREFIX/lib/fluxdesk.new" "$PREFIX/lib/fluxdesk"
cp "$SRC/bin/fluxdesk" "$PREFIX/bin/fluxdesk"
chmod 0755 "$PREFIX/bin/fluxdesk"
for n in $SIZES; do
    d="$PREFIX/share/icons/hicolor/${n}x${n}/apps"
    mkdir -p "$d"
    cp "$SRC/share/icons/hicolor/${n}x${n}/apps/fluxdesk.png" "$d/fluxdesk.png"
done
# Absolute Exec= so the menu entry works even when $PREFIX/bin is not on the session PATH.
sed "s|^Exec=fluxdesk|Exec=$PREFIX/bin/fluxdesk|; s|^TryExec=fluxdesk|TryExec=$PREFIX/bin/fluxdesk|" \
    "$SRC/share/applications/fluxdesk.desktop" > "$PREFIX/share/applications/fluxdesk.desktop"
chmod 0644 "$PREFIX/share/applications/fluxdesk.desktop"
refresh_caches

echo "FluxDesk installed into $PREFIX"
case ":$PATH:" in
    *":$PREFIX/bin:"*) ;;
    *) echo "Note: $PREFIX/bin is not on your PATH; the menu entry works, or run $PREFIX/bin/fluxdesk" ;;
esac
