#!/bin/sh
# Stands in for xe host-call-plugin in test-remote-argv: no XAPI here. It
# answers as xe does, from the golden files: the plugin's Value string on
# stdout and exit 0, or xe's failure text on stderr and exit 1. The argv it
# was given goes to $XE_ARGV_LOG, so the test sees what reached xe.
printf '%s\n' "$@" > "${XE_ARGV_LOG:-/dev/null}"
dir=$(dirname "$0")/golden
case " $* " in
*" fn=host_info "*) cat "$dir/xe-response-host-info.json" ;;
*" fn=status "*) cat "$dir/xe-response-status.json" ;;
*" fn=cancel "*) cat "$dir/xe-response-failure.txt" >&2; exit 1 ;;
*) echo "xe-standin: no golden answer for: $*" >&2; exit 1 ;;
esac
