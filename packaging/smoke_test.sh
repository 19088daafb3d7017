#!/usr/bin/env bash
# Smoke-test a built Linux bundle, headless.
#
#   packaging/smoke_test.sh DIST_DIR
#
# DIST_DIR is either the bundle folder itself (containing the `fluxdesk` executable) or
# its parent (e.g. `dist`, containing `fluxdesk/fluxdesk`).
#
# 1. `fluxdesk --version` must print the version (from fluxdesk/__init__.py).
# 2. `fluxdesk --sandbox --smoke-test` under `xvfb-run -a`, with a throwaway FLUXDESK_HOME:
#    the app opens its window against the in-process offline sandbox, generates one image,
#    saves it to the library and exits 0. Killed after $SMOKE_TIMEOUT s (default 120).
# 3. Exactly one image file must exist under $FLUXDESK_HOME/library.
#
# Env: SMOKE_TIMEOUT (s, default 120), SMOKE_BUDGET (s the app should need, default 60;
# exceeding it only warns), KEEP_SMOKE_HOME=1 keeps the temp home for inspection.
# Needs: xvfb-run (Debian: xvfb xauth), coreutils timeout.
set -uo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 DIST_DIR" >&2
    exit 2
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -x "$1/fluxdesk" && -f "$1/fluxdesk" ]]; then
    BUNDLE="$(cd "$1" && pwd)"
elif [[ -x "$1/fluxdesk/fluxdesk" ]]; then
    BUNDLE="$(cd "$1/fluxdesk" && pwd)"
else
    echo "smoke_test: no fluxdesk executable in $1 or $1/fluxdesk" >&2
    exit 2
fi
EXE="$BUNDLE/fluxdesk"
TIMEOUT="${SMOKE_TIMEOUT:-120}"
BUDGET="${SMOKE_BUDGET:-60}"
command -v xvfb-run >/dev/null || { echo "smoke_test: xvfb-run missing (apt-get install xvfb xauth)" >&2; exit 2; }

SMOKE_HOME="$(mktemp -d "${TMPDIR:-/tmp}/fluxdesk-smoke.XXXXXX")"
cleanup() { [[ "${KEEP_SMOKE_HOME:-0}" == 1 ]] && echo "kept $SMOKE_HOME" || rm -rf "$SMOKE_HOME"; }
trap cleanup EXIT

# Isolate the app from this machine: its own home, no real API key, no user session bus
# (so no keyring prompt can block a headless run), no inherited Qt platform choice.
export FLUXDESK_HOME="$SMOKE_HOME"
unset FLUXDESK_API_KEY DBUS_SESSION_BUS_ADDRESS QT_QPA_PLATFORM WAYLAND_DISPLAY DISPLAY

fail() { echo "SMOKE FAIL: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# --- 1. --version -------------------------------------------------------------------------
expected=""
[[ -f "$HERE/_version.py" ]] && expected="$(python3 "$HERE/_version.py" 2>/dev/null || true)"
t0=$(now)
out="$(timeout 30 "$EXE" --version 2>&1)"; rc=$?
t1=$(now)
echo "--version -> '$out' (rc $rc, $(elapsed "$t0" "$t1") s)"
[[ $rc -eq 0 ]] || fail "--version exited $rc"
if [[ -n "$expected" ]]; then
    [[ "$out" == *"$expected"* ]] || fail "--version printed '$out', expected it to contain $expected"
else
    [[ "$out" =~ [0-9]+\.[0-9]+ ]] || fail "--version printed no version: '$out'"
fi

# --- 2. window + one sandbox generation, headless ----------------------------------------
echo "running: xvfb-run -a $EXE --sandbox --smoke-test (timeout ${TIMEOUT} s)"
t0=$(now)
# timeout runs inside xvfb-run so that xvfb-run always gets to stop its X server.
xvfb-run -a -s "-screen 0 1440x900x24 -nolisten tcp" \
    timeout --kill-after=10 "$TIMEOUT" "$EXE" --sandbox --smoke-test \
    > "$SMOKE_HOME/smoke.log" 2>&1
rc=$?
t1=$(now)
took="$(elapsed "$t0" "$t1")"
sed 's/^/  | /' "$SMOKE_HOME/smoke.log" | tail -n 40
if [[ $rc -eq 124 || $rc -eq 137 ]]; then
    fail "--smoke-test did not finish within ${TIMEOUT} s"
fi
[[ $rc -eq 0 ]] || fail "--smoke-test exited $rc after $took s"

# --- 3. exactly one image in the library --------------------------------------------------
mapfile -t images < <(find "$SMOKE_HOME/library" -type f \
    \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.webp' \) 2>/dev/null)
[[ ${#images[@]} -eq 1 ]] || fail "expected exactly 1 image under \$FLUXDESK_HOME/library, found ${#images[@]}: ${images[*]:-}"
echo "library image: ${images[0]#"$SMOKE_HOME/"} ($(stat -c %s "${images[0]}") bytes)"

if awk -v t="$took" -v b="$BUDGET" 'BEGIN { exit !(t > b) }'; then
    echo "WARNING: --smoke-test took $took s, more than the ${BUDGET} s budget" >&2
fi
echo "SMOKE OK: --smoke-test finished in $took s (bundle: $BUNDLE)"
