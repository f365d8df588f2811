#!/usr/bin/env bash
# Generates the NMS integration (OpenNMS event definitions, Zabbix template) from GK-GUARDIAN-MIB as smidump reads
# it, so that it never drifts from the MIB; nms/CheckNmsIntegration.java checks the result against Net-SNMP's reading.
# Usage: generate-nms.sh MIB_DIR OUTPUT_DIR (MIB_DIR as laid out by fetch-ietf-mibs.sh)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: generate-nms.sh MIB_DIR OUTPUT_DIR}
out=${2:?usage: generate-nms.sh MIB_DIR OUTPUT_DIR}
command -v smidump >/dev/null || { echo "ERROR: smidump not found: install the Debian package smitools" >&2; exit 1; }
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
mkdir -p "$out"
SMIPATH="$dir" smidump -f xml "$dir/GK-GUARDIAN-MIB.txt" > "$out/GK-GUARDIAN-MIB.smidump.xml"
"$java" "$here/nms/GenerateNmsIntegration.java" "$out/GK-GUARDIAN-MIB.smidump.xml" "$out"
