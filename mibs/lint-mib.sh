#!/usr/bin/env bash
# Lints GK-GUARDIAN-MIB with smilint at the strictest level. smilint exits 0 even on errors, so
# any output at all fails: a clean MIB makes smilint -l 6 print nothing.
# Usage: lint-mib.sh MIB_DIR (as laid out by fetch-ietf-mibs.sh)
set -euo pipefail

dir=${1:?usage: lint-mib.sh MIB_DIR}
command -v smilint >/dev/null || { echo "ERROR: smilint not found: install the Debian package smitools" >&2; exit 1; }
findings=$(SMIPATH="$dir" smilint -l 6 -s "$dir/GK-GUARDIAN-MIB.txt" 2>&1)
if [[ -n "$findings" ]]; then
    echo "$findings" >&2
    echo "ERROR: smilint -l 6 reports findings on GK-GUARDIAN-MIB" >&2
    exit 1
fi
echo "smilint -l 6: GK-GUARDIAN-MIB is clean"
