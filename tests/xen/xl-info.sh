#!/bin/bash
# The testbed runs the Xen the project targets: xl info in dom0 reports Xen 4.17, and
# dom0's Xen tools are the same version as the host's libxen-dev (binaries built here
# link against the libraries dom0 has).
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/testbed-lib.sh"
ensure_testbed

info=$("$TESTBED" exec xl info) || bail "xl info failed in dom0"
echo "$info" | grep -E '^(xen_major|xen_minor|xen_extra|xen_caps|nr_cpus|total_memory)'
major=$(echo "$info" | awk -F': *' '$1 ~ /^xen_major/ { print $2 }')
minor=$(echo "$info" | awk -F': *' '$1 ~ /^xen_minor/ { print $2 }')
is "Xen major.minor" 4.17 "$major.$minor"

dom0_tools=$("$TESTBED" exec dpkg-query -W -f '${Version}' xen-utils-4.17) || bail "no xen-utils-4.17 in dom0"
echo "dom0 xen-utils-4.17: $dom0_tools"
if host=$(dpkg-query -W -f '${Version}' libxen-dev 2>/dev/null); then
    echo "host libxen-dev:     $host"
    is "dom0 tools match the host's libxen-dev" "$host" "$dom0_tools"
fi
list=$("$TESTBED" exec xl list) || bail "xl list failed in dom0"
check "xl list shows Domain-0" grep -q '^Domain-0 ' <<<"$list"
tap_done
