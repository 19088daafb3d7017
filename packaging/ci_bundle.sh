#!/usr/bin/env bash
# CI entry point: build the one-folder Linux bundle and smoke-test it.
#
#   packaging/ci_bundle.sh [DIST_DIR]
#
# DIST_DIR defaults to a fresh temp folder (removed afterwards unless KEEP_DIST=1).
# Uses $PYTHON (default: python3 on PATH; it needs fluxdesk installed with its
# dependencies and pyinstaller). Typically ~20-30 s to build plus a few s to test.
# Extra checks: packaging/windows/version_info.txt in sync with fluxdesk.__version__, and,
# when the Secret Service recipe is available ($WITH_SECRET_SERVICE or
# ../shared/recipes/with-secret-service), that keyring in the bundle finds SecretService.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
PY="${PYTHON:-python3}"
start=$(date +%s)

if [[ $# -ge 1 ]]; then
    DIST="$1"
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/fluxdesk-build.XXXXXX")"
    trap 'rm -rf "$WORK"' EXIT
else
    TMP="$(mktemp -d "${TMPDIR:-/tmp}/fluxdesk-ci.XXXXXX")"
    DIST="$TMP/dist"
    WORK="$TMP/build"
    [[ "${KEEP_DIST:-0}" == 1 ]] || trap 'rm -rf "$TMP"' EXIT
fi

echo "== version_info.txt in sync"
"$PY" "$HERE/windows/gen_version_info.py" --check

echo "== build (one folder) -> $DIST"
PYTHON="$PY" bash "$HERE/linux/build.sh" --dist "$DIST" --work "$WORK" --no-tarball
echo "bundle size: $(du -sh "$DIST/fluxdesk" | cut -f1)"

echo "== keyring backend inside the bundle"
WSS="${WITH_SECRET_SERVICE:-$ROOT/tests/tools/with-secret-service}"
if [[ -x "$WSS" ]]; then
    out="$("$WSS" "$DIST/fluxdesk/fluxdesk" key status 2>/dev/null || true)"
    echo "  $out"
    [[ "$out" == *SecretService* ]] || { echo "FAIL: bundle did not find the SecretService keyring backend" >&2; exit 1; }
else
    echo "  skipped (no with-secret-service recipe at $WSS)"
fi

echo "== smoke test"
bash "$HERE/smoke_test.sh" "$DIST"
echo "== ci_bundle OK in $(( $(date +%s) - start )) s"
