#!/usr/bin/env bash
# Lays out every MIB module that GK-GUARDIAN-MIB needs in one folder, for smilint and for the
# Net-SNMP tools (-M): SNMPv2-SMI, SNMPv2-TC, SNMPv2-CONF and SNMPv2-MIB from the npm package
# net-snmp (Debian ships no IETF base modules), INET-ADDRESS-MIB from ietf/ (npm lacks it), and
# GK-GUARDIAN-MIB itself.
# Usage: fetch-ietf-mibs.sh OUTPUT_DIR
set -euo pipefail

readonly NET_SNMP_VERSION=3.29.2
readonly NET_SNMP_SHA256=a89a7a7e29638b5353aa246563821172754ff1980bfc4b5dbd09dc1b217c6f04
readonly BASE_MODULES=(SNMPv2-SMI SNMPv2-TC SNMPv2-CONF SNMPv2-MIB)

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: fetch-ietf-mibs.sh OUTPUT_DIR}
mkdir -p "$out"

missing=0
for module in "${BASE_MODULES[@]}"; do
    [[ -s "$out/$module.txt" ]] || missing=1
done
if (( missing )); then
    command -v npm >/dev/null || { echo "ERROR: npm is needed to fetch the IETF base MIBs (package net-snmp@$NET_SNMP_VERSION)" >&2; exit 1; }
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && npm pack --silent "net-snmp@$NET_SNMP_VERSION" >/dev/null)
    tarball="$work/net-snmp-$NET_SNMP_VERSION.tgz"
    echo "$NET_SNMP_SHA256  $tarball" | sha256sum --check --quiet \
        || { echo "ERROR: net-snmp-$NET_SNMP_VERSION.tgz does not have the pinned SHA-256" >&2; exit 1; }
    members=()
    for module in "${BASE_MODULES[@]}"; do members+=("package/lib/mibs/$module.mib"); done
    tar -xzf "$tarball" -C "$work" "${members[@]}"
    for module in "${BASE_MODULES[@]}"; do
        cp "$work/package/lib/mibs/$module.mib" "$out/$module.txt"
    done
fi
cp "$here/ietf/INET-ADDRESS-MIB.txt" "$here/GK-GUARDIAN-MIB.txt" "$out/"
