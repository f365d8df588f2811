#!/usr/bin/env bash
# iputils' arping without installing it: Debian's packages arping (Habets) and iputils-arping conflict, so
# the tests run iputils' binary from the package unpacked under testbed/target/iputils-arping (fetched
# once with apt-get download; the host's installed packages are never changed). Source this file.
#
#   source testbed/lib/iputils-arping.sh
#   IPUTILS_ARPING=$(iputils_arping) || exit 1

iputils_arping() {
    local cache bin deb
    cache="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/iputils-arping"
    bin=$cache/root/usr/bin/arping
    if [ ! -x "$bin" ]; then
        command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
            || { echo "iputils-arping: needs apt-get and dpkg-deb (Debian)" >&2; return 1; }
        mkdir -p "$cache"
        # apt-get download writes into the current directory; _apt may not write there (harmless warning).
        (cd "$cache" && rm -f iputils-arping_*.deb && apt-get download -qq iputils-arping 2>&1 | grep -v "unsandboxed" >&2
            [ "${PIPESTATUS[0]}" = 0 ]) \
            || { echo "iputils-arping: apt-get download iputils-arping failed (apt-get update first?)" >&2; return 1; }
        deb=$(ls "$cache"/iputils-arping_*.deb | head -1)
        rm -rf "$cache/root"
        dpkg-deb -x "$deb" "$cache/root" || return 1
    fi
    "$bin" -V 2>&1 | grep -q iputils || { echo "iputils-arping: $bin is not iputils' arping" >&2; return 1; }
    printf '%s\n' "$bin"
}
