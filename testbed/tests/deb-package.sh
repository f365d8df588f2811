#!/usr/bin/env bash
# The Debian package (deb-package/target/gk-guardian_VERSION_all.deb) as dpkg sees it, without installing it
# on this host: its control fields and dependencies, its conffiles, its maintainer scripts, and the tree it
# unpacks (dpkg-deb -x into testbed/target) — the distribution under /opt/gk-guardian with etc/ and data/
# linked to /etc/gk-guardian and /var/lib/gk-guardian, the unit in /lib/systemd/system naming programs the
# package ships and the user postinst creates. Installing, upgrading and removing it under a real systemd is
# testbed/systemd-proof.sh (README, "Install on Debian").
#   bash testbed/tests/deb-package.sh        (also run by the testbed's NamespaceScriptsIT)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
DEB=${DEB:-$(ls "$repo"/deb-package/target/gk-guardian_*_all.deb 2>/dev/null | head -1)}
[ -f "$DEB" ] || { echo "deb-package: no package under deb-package/target: run mvn install -DskipTests first" >&2; exit 1; }
mkdir -p "$repo/testbed/target"
work=$(mktemp -d "$repo/testbed/target/deb-package.XXXXXX")
trap 'rm -rf "$work"' EXIT

failures=0
check() {   # check DESCRIPTION COMMAND... : one line per expectation
    local what=$1; shift
    if "$@" > /dev/null 2>&1; then echo "ok    $what"; else echo "FAIL  $what"; failures=$((failures + 1)); fi
}
field() { dpkg-deb -f "$DEB" "$1"; }

echo "# $DEB ($(stat -c %s "$DEB") bytes)"
dpkg-deb -I "$DEB" | sed -n '/^ Package:/,/^ Description:/p'

# The version is the Maven version in Debian's form: 0.1.0-SNAPSHOT becomes 0.1.0~SNAPSHOT, which sorts
# before 0.1.0 as the snapshot does in Maven.
pom_version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$repo/pom.xml" | head -1)
check "Package is gk-guardian" test "$(field Package)" = gk-guardian
check "Version $(field Version) is the Maven version $pom_version in Debian's form" test "$(field Version)" = "${pom_version/-/\~}"
check "the file is named gk-guardian_VERSION_all.deb" test "$(basename "$DEB")" = "gk-guardian_$(field Version)_all.deb"
check "Architecture is all" test "$(field Architecture)" = all
check "Depends on a Java 17 runtime" grep -Eq '(^|, )default-jre-headless [^,|]*\| java17-runtime-headless(,|$)' <<< "$(field Depends)"
check "Depends on iproute2" grep -Eq '(^|, )iproute2(,|$)' <<< "$(field Depends)"
check "Depends on an arping (Habets' or iputils')" grep -Eq '(^|, )arping \| iputils-arping(,|$)' <<< "$(field Depends)"
check "Depends on adduser (postinst creates the user)" grep -Eq '(^|, )adduser(,|$)' <<< "$(field Depends)"
check "0.1.0~SNAPSHOT sorts before 0.1.0" dpkg --compare-versions "$(field Version)" lt "${pom_version%-SNAPSHOT}"

dpkg-deb -e "$DEB" "$work/control"
dpkg-deb -x "$DEB" "$work/root"
root=$work/root

# Conffiles: every file of /etc/gk-guardian, and nothing else.
sort "$work/control/conffiles" > "$work/conffiles"
(cd "$root" && find etc/gk-guardian -type f | sed 's|^|/|' | sort) > "$work/etc-files"
check "conffiles list every file of /etc/gk-guardian ($(wc -l < "$work/conffiles") files) and nothing else" \
    cmp -s "$work/conffiles" "$work/etc-files"
for f in org.gkguardian.guardian.cfg org.gkguardian.ipbinding.cfg org.gkguardian.lifecycle.cfg org.gkguardian.snmp.cfg \
         org.apache.karaf.command.acl.gkg.cfg mibs/GK-GUARDIAN-MIB.txt \
         mibs/GK-GUARDIAN-MIB.events.xml mibs/gk-guardian-zabbix-template.xml; do
    check "/etc/gk-guardian/$f is a conffile" grep -qx "/etc/gk-guardian/$f" "$work/conffiles"
done

# The tree.
check "/opt/gk-guardian/etc -> /etc/gk-guardian" test "$(readlink "$root/opt/gk-guardian/etc")" = /etc/gk-guardian
check "/opt/gk-guardian/data -> /var/lib/gk-guardian" test "$(readlink "$root/opt/gk-guardian/data")" = /var/lib/gk-guardian
for f in lock karaf.pid instances; do
    check "/opt/gk-guardian/$f (Karaf writes it in its base) -> /var/lib/gk-guardian/$f" test "$(readlink "$root/opt/gk-guardian/$f")" = "/var/lib/gk-guardian/$f"
done
check "/var/lib/gk-guardian is a directory closed to others" test "$(stat -c %a "$root/var/lib/gk-guardian")" = 750
# etc/ holds the secrets: closed to others in the package itself, before postinst runs.
check "every file under /etc/gk-guardian is 0640 and every directory 0750 in the package" test -z \
    "$(dpkg-deb -c "$DEB" | awk '$6 ~ /^[.]\/etc\/gk-guardian\// && $1 !~ /^l/ && $1 != "-rw-r-----" && $1 != "drwxr-x---"')"
check "no etc/ or data/ of the assembly under /opt besides the links" test -z "$(find "$root/opt/gk-guardian/etc" "$root/opt/gk-guardian/data" -maxdepth 0 ! -type l)"
check "every file belongs to root in the package" test -z "$(dpkg-deb -c "$DEB" | awk '$2 != "root/root"')"
for f in bin/karaf bin/client bin/gkg-node bin/gkg-release bin/setenv; do
    check "/opt/gk-guardian/$f is executable" test -x "$root/opt/gk-guardian/$f"
done
check "the bundles are in Karaf's system repository" test -n "$(find "$root/opt/gk-guardian/system/org/gkguardian" -name 'org.gkguardian.guardian-*.jar')"

# The unit: where systemd looks, naming what the package installs, as the user postinst creates.
unit=$root/lib/systemd/system/gk-guardian.service
check "the unit is /lib/systemd/system/gk-guardian.service" test -f "$unit"
check "the unit is not also a conffile under /etc/gk-guardian" test ! -e "$root/etc/gk-guardian/systemd/gk-guardian.service"
for key in ExecStart ExecStartPre ExecStopPost; do
    while read -r program; do
        check "$key program $program is in the package" test -x "$root$program"
    done < <(sed -n "s|^$key=[+@!-]*\(/opt/[^ ]*\).*|\1|p" "$unit")
done
user=$(sed -n 's/^User=//p' "$unit")
check "the unit runs as gk-guardian" test "$user" = gk-guardian
check "postinst creates the user gk-guardian" grep -Eq "adduser --system .* $user\$" "$work/control/postinst"
check "the unit keeps only CAP_NET_ADMIN and CAP_NET_RAW" grep -qx 'CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW' "$unit"
check "the unit may write /etc/gk-guardian despite ProtectSystem=full" grep -qx 'ReadWritePaths=-/etc/gk-guardian' "$unit"
check "what the node writes is closed to others (UMask=0027)" grep -qx 'UMask=0027' "$unit"
check "each start closes etc/ and data/ to others" grep -qx 'ExecStartPre=+/bin/chmod -R o-rwx /opt/gk-guardian/etc/ /opt/gk-guardian/data/' "$unit"
check "postinst gives etc/ and data/ to gk-guardian, closed to others" \
    grep -qx '    chmod -R o-rwx /etc/gk-guardian /var/lib/gk-guardian' "$work/control/postinst"

# Maintainer scripts: valid sh; prerm stops the service (its VIPs go with it).
for s in postinst prerm postrm; do
    check "$s is valid sh" sh -n "$work/control/$s"
done
check "prerm stops gk-guardian" grep -q 'systemctl stop gk-guardian.service' "$work/control/prerm"

echo "# installed size $(field Installed-Size) KiB, $(dpkg-deb -c "$DEB" | wc -l) entries"
if [ "$failures" != 0 ]; then echo "FAIL: $failures expectations broken"; exit 1; fi
echo "PASS: the package's layout, conffiles, dependencies and unit"
