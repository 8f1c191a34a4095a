#!/bin/bash
# The pts metric of a command workload: a Phoronix Test Suite composite.xml
# the command wrote, read by the real worker with libxml2. The file is the
# one xenlab's own PTS writer made of the seed (tests/data/seed, golden in
# report-cli), read back: values, PTS's identifier, description, unit and
# per-trial values; then every way a file or a spec can be wrong.
set -u
. "$(dirname "$0")/../tap.sh"
X=$XENLAB_CLI G=$XENLAB_GUEST S=$XENLAB_SRCDIR
T=$work
mkdir "$T/w"
cp "$S/tests/data/seed/report.pts.xml" "$T/composite.xml"

# run NAME METRIC_JSON [SOURCE]: a command that copies SOURCE (default the
# seed's composite) to composite.xml in its cwd, read by METRIC; the
# worker's output in $T/NAME.out.
run() {
    local src=${3:-$T/composite.xml}
    printf '{"name":"p","trials":1,"benchmarks":[{"id":"command","name":"%s","cwd":"%s","argv":["cp","%s","%s/composite.xml"],"metrics":[%s]}],"arms":[{"name":"vm1","vcpus":1,"memory":"1GiB"}]}\n' \
        "$1" "$T/w" "$src" "$T/w" "$2" > "$T/$1.json"
    "$X" spec plan "$T/$1.json" vm1 > "$T/$1.plan" 2> "$T/$1.err" || return 1
    "$G" run --plan "$T/$1.plan" --workdir "$T/w" > "$T/$1.out" 2>> "$T/$1.err"
    return 0
}
# field NAME PYTHON-EXPR over r, the one result.
field() {
    python3 - "$T/$1.out" "$2" <<'PY'
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{"xenlab":"result/')]
r = rs[0] if rs else {}
d = r.get("details", {})
ok = len(rs) == 1 and eval(sys.argv[2])
if not ok:
    print("# " + json.dumps(r)[:800])
sys.exit(0 if ok else 1)
PY
}

run nq '{"name":"t","how":"pts","file":"composite.xml","result":"xenlab/nqueens-0.1.0","unit":"s","better":"lower"}'
ok $? "spec plan and the worker take a pts metric ($(head -c 200 "$T/nq.err"))"
field nq 'r["status"] == "ok" and r["value"] == 445.80'
ok $? "the value is the last <Entry>'s (the system PTS added last): 445.80"
field nq 'd["pts_identifier"] == "xenlab/nqueens-0.1.0" and d["pts_title"] == "N-Queens (xenlab)" and d["pts_description"] == "Elapsed Time" and d["pts_scale"] == "Seconds" and d["pts_raw"] == "451.522:443.628:442.262"'
ok $? "details carry PTS's identifier, title, description, unit and its own trials"
field nq 'r["label"] == "nq t" and r["unit"] == "s" and r["variant"] == "nq-t"'
ok $? "the row keeps the spec's names: PTS's identity only in the details"

# What PTS produced keeps PTS's identity in xenlab's own PTS export (so
# merge-results lines it up); what xenlab measured never takes it.
cat > "$T/gzip.xml" <<'X'
<?xml version="1.0"?>
<PhoronixTestSuite><Result><Identifier>pts/compress-gzip-1.2.0</Identifier><Title>Gzip Compression</Title>
<Arguments>-9</Arguments><Description>Linux Source Tree Archiving To .tar.gz</Description><Scale>MB/s</Scale>
<Proportion>HIB</Proportion><Data><Entry><Identifier>guest</Identifier><Value>52.3</Value><RawString>52.1:52.5</RawString>
</Entry></Data></Result></PhoronixTestSuite>
X
run gz '{"name":"mbs","how":"pts","file":"composite.xml","result":"pts/compress-gzip-1.2.0","unit":"MB/s","better":"higher"}' "$T/gzip.xml"
field gz 'r["status"] == "ok" and r["value"] == 52.3 and d["pts_arguments"] == "-9"'
ok $? "a PTS-made result is read (52.3 MB/s, its arguments kept)"
cat "$T/gz.out" "$T/nq.out" > "$T/both.jsonl"
"$X" report "$T/both.jsonl" --format pts --output "$T/export.xml" 2> "$T/err"
python3 - "$T/export.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
rs = {r.findtext("Identifier"): r for r in ET.parse(sys.argv[1]).getroot().findall("Result")}
g = rs.get("pts/compress-gzip-1.2.0")
ok = (g is not None and g.findtext("Description") == "Linux Source Tree Archiving To .tar.gz"
      and g.findtext("Arguments") == "-9" and g.findtext("Scale") == "MB/s" and g.findtext("AppVersion") == "1.2.0"
      and g.findtext("Title") == "Gzip Compression"
      and "xenlab/command" in rs and not any(k.startswith("pts/") and k != "pts/compress-gzip-1.2.0" for k in rs))
if not ok:
    print("# " + repr(sorted(rs)))
sys.exit(0 if ok else 1)
PY
ok $? "xenlab's PTS export gives the PTS-made row PTS's identity and description, the rest xenlab's own"

run mem '{"name":"add","how":"pts","file":"composite.xml","result":"xenlab/memory-0.1.0","description":"Add - Floating Point","unit":"MB/s","better":"higher"}'
field mem 'r["status"] == "ok" and d["pts_description"] == "Add - Floating Point" and r["value"] > 0'
ok $? "description picks one of a test's results"

run miss '{"name":"t","how":"pts","file":"composite.xml","result":"pts/no-such-1.0.0","unit":"s","better":"lower"}'
field miss 'r["status"] == "failed" and r["error"].startswith("metric t: composite.xml: no result pts/no-such-1.0.0; it has ") and "xenlab/nqueens-0.1.0 (Elapsed Time)" in r["error"]'
ok $? "an identifier the file lacks fails the trial, naming what the file has"
run wrongdesc '{"name":"t","how":"pts","file":"composite.xml","result":"xenlab/nqueens-0.1.0","description":"Other","unit":"s","better":"lower"}'
field wrongdesc 'r["status"] == "failed" and "with description \"Other\"" in r["error"]'
ok $? "a description the file lacks fails the trial, naming it"
run dir '{"name":"t","how":"pts","file":"composite.xml","result":"xenlab/nqueens-0.1.0","unit":"s","better":"higher"}'
field dir 'r["status"] == "failed" and "says lower is better (LIB), the spec says higher" in r["error"]'
ok $? "a spec whose \"better\" contradicts PTS's Proportion fails the trial"
echo 'not xml <' > "$T/bad.xml"
run notxml '{"name":"t","how":"pts","file":"composite.xml","result":"x","unit":"s","better":"lower"}' "$T/bad.xml"
field notxml 'r["status"] == "failed" and "composite.xml: not well-formed XML" in r["error"]'
ok $? "a file that is not XML fails the trial"
printf '<?xml version="1.0"?>\n<results/>\n' > "$T/other.xml"
run other '{"name":"t","how":"pts","file":"composite.xml","result":"x","unit":"s","better":"lower"}' "$T/other.xml"
field other 'r["status"] == "failed" and "not a PTS result file" in r["error"]'
ok $? "XML that is not a PTS result file fails the trial"
# An external entity must not be read (no XXE), nor a value taken from it.
echo 123 > "$T/secret"
cat > "$T/xxe.xml" <<X
<?xml version="1.0"?>
<!DOCTYPE PhoronixTestSuite [ <!ENTITY e SYSTEM "file://$T/secret"> ]>
<PhoronixTestSuite><Result><Identifier>t/x</Identifier><Data><Entry><Value>&e;</Value></Entry></Data></Result></PhoronixTestSuite>
X
run xxe '{"name":"t","how":"pts","file":"composite.xml","result":"t/x","unit":"s","better":"lower"}' "$T/xxe.xml"
field xxe 'r["status"] == "failed" and "is not a number" in r["error"]'
ok $? "an external entity is not read: the value stays empty"
# Fields longer than any a spec may name, with leading blanks: cut, no crash.
python3 - "$T/long.xml" <<'PY'
import sys
open(sys.argv[1], "w").write('<?xml version="1.0"?>\n<PhoronixTestSuite><Result><Identifier>\n    ' + 'A' * 300 +
    '</Identifier><Title>\n   ' + 'T' * 300 + '</Title><Description>  ' + 'D' * 5000 +
    '</Description><Data><Entry><Value>1</Value></Entry></Data></Result></PhoronixTestSuite>\n')
PY
run long '{"name":"t","how":"pts","file":"composite.xml","result":"t/x","unit":"s","better":"lower"}' "$T/long.xml"
field long 'r["status"] == "failed" and "no result t/x; it has 1: AAAA" in r["error"]'
ok $? "over-long fields with leading blanks are cut, and the trial fails cleanly naming them"
# An entity bomb (11 levels of tenfold expansion) is refused, not expanded.
python3 - "$T/bomb.xml" <<'PY'
import sys
ents = '<!ENTITY a0 "lollollollollollollollollollol">\n' + ''.join(
    '<!ENTITY a%d "%s">\n' % (i, ('&a%d;' % (i - 1)) * 10) for i in range(1, 12))
open(sys.argv[1], "w").write('<?xml version="1.0"?>\n<!DOCTYPE PhoronixTestSuite [\n%s]>\n<PhoronixTestSuite><Result>'
    '<Identifier>t/x</Identifier><Description>&a11;</Description><Data><Entry><Value>1</Value></Entry></Data>'
    '</Result></PhoronixTestSuite>\n' % ents)
PY
run bomb '{"name":"t","how":"pts","file":"composite.xml","result":"t/x","unit":"s","better":"lower"}' "$T/bomb.xml"
field bomb 'r["status"] == "failed" and "not well-formed XML" in r["error"]'
ok $? "an entity-expansion bomb is refused as not well-formed, not expanded"
printf '<?xml version="1.0"?>\n<PhoronixTestSuite><Result><Identifier>t/x</Identifier><Data><Entry><Value>-5</Value></Entry></Data></Result></PhoronixTestSuite>\n' > "$T/neg.xml"
run neg '{"name":"t","how":"pts","file":"composite.xml","result":"t/x","unit":"s","better":"lower"}' "$T/neg.xml"
field neg 'r["status"] == "failed" and "is negative" in r["error"]'
ok $? "a negative value fails the trial as for every metric"
printf '{"name":"p","trials":1,"benchmarks":[{"id":"command","name":"gone","cwd":"%s","argv":["true"],"metrics":[{"name":"t","how":"pts","file":"composite.xml","result":"x","unit":"s","better":"lower"}]}],"arms":[{"name":"vm1","vcpus":1,"memory":"1GiB"}]}\n' "$T/w" > "$T/gone.json"
rm -f "$T/w/composite.xml"
"$X" spec plan "$T/gone.json" vm1 > "$T/gone.plan" && "$G" run --plan "$T/gone.plan" --workdir "$T/w" > "$T/gone.out" 2>/dev/null
field gone 'r["status"] == "failed" and r["error"].startswith("metric t: ") and "composite.xml" in r["error"]'
ok $? "a file the command did not write fails the trial naming it"
tap_done
