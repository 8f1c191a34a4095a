# Sourced by the shell tests: TAP output and a scratch directory.
#   . "$(dirname "$0")/../tap.sh"
#   ok STATUS "what was checked"     (STATUS 0 = passed)
#   tap_done                          prints the plan, exits 1 if any failed
# $work is a fresh directory, removed when the test exits.
n=0 failed=0
ok() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
tap_done() {
    echo "1..$n"
    [ "$failed" = 0 ]
    exit
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
