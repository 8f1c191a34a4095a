# shellcheck shell=bash
# Sourced by the xen suite's tests: find the testbed and make sure it is up.
TESTBED=${XENLAB_TESTBED:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/testbed}

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

# Up the testbed unless it runs; exit 77 when this machine cannot have one.
ensure_testbed() {
    [ "$(id -u)" = 0 ] || skip "the testbed needs root (debootstrap, chroot, QEMU state in /var/cache)"
    if ! command -v qemu-system-x86_64 >/dev/null && ! command -v apt-get >/dev/null; then
        skip "no qemu-system-x86_64 and no apt-get to install it"
    fi
    if ! "$TESTBED" up --if-down; then
        command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 could not be installed"
        fail "the testbed did not come up (see the messages above)"
    fi
}
