#!/bin/bash
# The man pages cannot drift from the programs: every verb `xenlab --help`
# lists, every option each verb's --help and `xenlab-guest --help` print,
# and every top-level key the spec parser accepts, appear in the scdoc
# sources; the pages render (scdoc) when scdoc is installed.
. "$(dirname "$0")/../tap.sh"
X=${XENLAB_CLI:?} G=${XENLAB_GUEST:?} S=${XENLAB_SRCDIR:?}
page=$S/plugin/cli/xenlab.1.scd gpage=$S/guest-payload/xenlab-guest.1.scd spage=$S/common/xenlab-spec.5.scd
verbs=$("$X" --help | awk '/^commands:/ { on = 1; next } on && NF { print $1 }')
missing=
for v in $verbs; do
    grep -q "^\*$v\*" "$page" || missing="$missing $v"
done
ok $([ -z "$missing" ] && echo 0 || echo 1) "xenlab(1) has a section for every verb (${missing:-all $(echo $verbs | wc -w)})"
missing=
for v in $verbs; do
    for o in $("$X" "$v" --help 2>&1 | grep -o -- '--[a-z][a-z-]*' | sort -u); do
        [ "$o" = --help ] && continue
        grep -qF -- "*$o*" "$page" || missing="$missing $v:$o"
    done
done
ok $([ -z "$missing" ] && echo 0 || echo 1) "xenlab(1) names every option of every verb's --help (missing:${missing:- none})"
missing=
for o in $("$G" --help 2>&1 | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    grep -qF -- "*$o*" "$gpage" || missing="$missing $o"
done
ok $([ -z "$missing" ] && echo 0 || echo 1) "xenlab-guest(1) names every option of its --help (missing:${missing:- none})"
missing=
keys=$(sed -n '/top_keys\[\] = {/,/NULL };/p' "$S/common/spec.c" | grep -o '"[a-z_]*"' | tr -d '"')
for k in $keys; do
    grep -q "\*$k\*" "$spage" || missing="$missing $k"
done
ok $([ -n "$keys" ] && [ -z "$missing" ] && echo 0 || echo 1) "xenlab-spec(5) describes every top-level key (missing:${missing:- none})"
if command -v scdoc >/dev/null; then
    for p in "$page" "$gpage" "$spage"; do
        scdoc <"$p" >"$work/out" 2>"$work/err"
        ok $? "$(basename "$p") renders: $(head -c 200 "$work/err")"
    done
else
    echo "ok $((n += 1)) - the pages render # SKIP scdoc is not installed"
fi
tap_done
