# shellcheck shell=bash
# Sourced by the xen suite's tests: TAP output (tests/tap.sh, which the dom0 halves
# source too), the testbed and a way to put files into its dom0.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../tap.sh
. "$here/../tap.sh"
TESTBED=${XENLAB_TESTBED:-$(cd "$here/../.." && pwd)/scripts/testbed}
lib=/usr/local/lib/xenlab-tests

skip() { echo "SKIP: $*"; exit 77; }

# Up the testbed unless it runs; exit 77 when this machine cannot have one.
ensure_testbed() {
    [ "$(id -u)" = 0 ] || skip "the testbed needs root (debootstrap, chroot, QEMU state in /var/cache)"
    if ! command -v qemu-system-x86_64 >/dev/null && ! command -v apt-get >/dev/null; then
        skip "no qemu-system-x86_64 and no apt-get to install it"
    fi
    if ! "$TESTBED" up --if-down; then
        command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 could not be installed"
        bail "the testbed did not come up (see the messages above)"
    fi
}

# to_dom0 FILE...: copies each FILE, and tap.sh, into $lib in dom0.
to_dom0() { local f; for f in "$here/../tap.sh" "$@"; do "$TESTBED" cp "$f" ":$lib/"; done; }
