#!/usr/bin/env bash
# vip-failover.sh with iputils' arping (Ubuntu's default, Debian package iputils-arping) instead of
# Habets' on both nodes: the duplicate address check (-D), the gratuitous ARPs (-U -I) and the VIP moves
# must work the same. iputils' binary is unpacked from its package under testbed/target (the host keeps
# its own arping), see testbed/lib/iputils-arping.sh.
#   bash testbed/tests/vip-failover-iputils.sh        (also run by the testbed's NamespaceScriptsIT)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/testbed/lib/iputils-arping.sh"
ARPING=$(iputils_arping)
export ARPING
echo "# arping: $ARPING ($("$ARPING" -V 2>&1 | head -1))"
exec bash "$repo/testbed/tests/vip-failover.sh"
