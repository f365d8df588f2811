#!/usr/bin/env bash
# vip-failover.sh with iputils' arping (Ubuntu's default, Debian package iputils-arping) on both nodes and
# the ARP packet socket off (arp.socket = false, the path of a JVM without CAP_NET_RAW): the duplicate
# address check (-D), the gratuitous ARPs (-U -I) and the VIP moves must work the same. iputils' binary is unpacked from its package under testbed/target (the host keeps
# its own arping), see testbed/lib/iputils-arping.sh.
#   bash testbed/tests/vip-failover-iputils.sh        (also run by the testbed's NamespaceScriptsIT)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/testbed/lib/iputils-arping.sh"
ARPING=$(iputils_arping)
ARP_SOCKET=false
export ARPING ARP_SOCKET
echo "# arping: $ARPING ($("$ARPING" -V 2>&1 | head -1))"
exec bash "$repo/testbed/tests/vip-failover.sh"
