#!/usr/bin/env python3
"""The XAPI host plugin driven as XAPI drives it, by an independent XML-RPC
implementation: Python's xmlrpc.client builds each methodCall
(dumps((session, args), methodname=fn)) and parses each methodResponse
(loads). TAP on stdout.

test-plugin.py PLUGIN request     hostile and malformed requests (unit)
test-plugin.py PLUGIN functions   every function over a temporary run store
                                  with the real xenlab CLI (component)
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

PLUGIN = sys.argv[1]
MODE = sys.argv[2] if len(sys.argv) > 2 else "request"
SRCDIR = os.environ.get("XENLAB_SRCDIR", "")
CLI = os.environ.get("XENLAB_CLI", "")
SEED = os.path.join(SRCDIR, "tests", "data", "seed")

n = 0
failed = 0
noisy = []   # calls that exited non-zero or wrote to stderr (a sanitizer report)


def ok(cond, name, diag=None):
    global n, failed
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, name))
    if not cond:
        failed += 1
        if diag is not None:
            for line in str(diag)[:2000].splitlines():
                print("# " + line)
    sys.stdout.flush()


def skip(name, why):
    global n
    n += 1
    print("ok %d - %s # SKIP %s" % (n, name, why))
    sys.stdout.flush()


# The backends this build has (meson's -Dlibxl/-Dlibvirt/-Dxapi).
BACKENDS = os.environ.get("XENLAB_BACKENDS", "libxl,libvirt,xapi").split(",")


def raw(xml, via_stdin=False, timeout=20):
    """Runs the plugin on request text; returns (exit, stdout, seconds)."""
    t = time.monotonic()
    if via_stdin:
        p = subprocess.run([PLUGIN], input=xml, capture_output=True, timeout=timeout)
    else:
        p = subprocess.run([PLUGIN, xml], capture_output=True, timeout=timeout)
    if p.returncode != 0 or p.stderr:
        noisy.append((p.returncode, p.stderr.decode("utf-8", "replace")[:300]))
    return p.returncode, p.stdout.decode("utf-8"), time.monotonic() - t


def parse(out):
    """The response struct, as xmlrpc.client reads it."""
    (resp,), method = xmlrpc.client.loads(out)
    assert method is None, "a methodResponse has no methodName"
    return resp


def call(fn, args=None, session="OpaqueRef:test-session", **kw):
    xml = xmlrpc.client.dumps((session, args or {}), methodname=fn)
    code, out, secs = raw(xml, **kw)
    resp = parse(out)
    return code, resp, secs


def success(resp):
    return resp.get("Status") == "Success" and isinstance(resp.get("Value"), str)


def failure(resp, *prefix):
    d = resp.get("ErrorDescription")
    return (resp.get("Status") == "Failure" and isinstance(d, list) and
            all(isinstance(x, str) for x in d) and tuple(d[:len(prefix)]) == prefix)


def bad_request(xml, name, via_stdin=False, limit=10.0):
    """A hostile request: a Failure response, exit 0, quickly, no crash."""
    try:
        code, out, secs = raw(xml, via_stdin=via_stdin)
        resp = parse(out)
        ok(code == 0 and failure(resp, "XENLAB_BAD_REQUEST") and secs < limit,
           "%s: Failure XENLAB_BAD_REQUEST in %.2fs" % (name, secs), (code, out[:500]))
    except Exception as e:  # a crash, a hang or an unparsable answer
        ok(False, name, repr(e))


def golden(actual, name, label):
    """Byte-for-byte against tests/xapi/golden/NAME; XENLAB_REGEN=1 rewrites it."""
    path = os.path.join(SRCDIR, "tests", "xapi", "golden", name)
    if os.environ.get("XENLAB_REGEN"):
        write(path, actual)
        ok(True, "%s (regenerated %s)" % (label, name))
        return
    want = open(path).read() if os.path.exists(path) else None
    ok(actual == want, "%s matches golden/%s" % (label, name), "got:\n" + actual)


def request_tests():
    # Responses byte for byte (XML-RPC request -> response golden files).
    if SRCDIR:
        os.environ["XENLAB_RUNS_DIR"] = "/nonexistent/xenlab-runs"
        for fn, args, name in (("no_such_fn", {"a": "b"}, "response-unknown-function.xml"),
                               ("status", {"id": 5}, "response-wrong-type.xml"),
                               ("status", {}, "response-missing-argument.xml"),
                               ("list_runs", {}, "response-list-runs-empty.xml")):
            golden(raw(xmlrpc.client.dumps(("OpaqueRef:s", args), methodname=fn))[1], name,
                   "%s %s: the response" % (fn, sorted(args)))
    # The happy path of the parser: an unknown function still parses.
    code, resp, _ = call("no_such_fn", {"a": "b"})
    ok(code == 0 and failure(resp, "UNKNOWN_XENAPI_PLUGIN_FUNCTION", "no_such_fn"),
       "unknown function: [UNKNOWN_XENAPI_PLUGIN_FUNCTION, name]", resp)
    xml = xmlrpc.client.dumps(("s", {}), methodname="no_such_fn")
    ok(raw(xml)[1] == raw(xml.encode(), via_stdin=True)[1], "argv and stdin give the same response")

    # Wrong types where strings are expected.
    code, resp, _ = call("status", {"id": 5})
    ok(failure(resp, "XENLAB_BAD_ARGUMENT", "id"), "an int argument: XENLAB_BAD_ARGUMENT naming it", resp)
    code, resp, _ = call("status", {"id": ["a"]})
    ok(failure(resp, "XENLAB_BAD_ARGUMENT", "id"), "an array argument: XENLAB_BAD_ARGUMENT naming it", resp)
    code, resp, _ = call("status", {"id": {"x": "y"}})
    ok(failure(resp, "XENLAB_BAD_ARGUMENT", "id"), "a struct argument: XENLAB_BAD_ARGUMENT naming it", resp)
    bad_request(xmlrpc.client.dumps((7, {}), methodname="list_runs"), "an int session")
    bad_request(xmlrpc.client.dumps(("s", "notastruct"), methodname="list_runs"), "arguments not a struct")
    bad_request(xmlrpc.client.dumps(("s", {"a": "1"}, "extra"), methodname="list_runs"), "three params")

    # Malformed XML and the wrong shapes.
    bad_request("", "empty request", via_stdin=True)
    bad_request("<methodCall><methodName>run", "truncated XML")
    bad_request("not xml at all", "not XML")
    bad_request("<methodResponse/>", "a methodResponse instead of a call")
    bad_request("<methodCall><methodName>run</methodName></methodCall>", "no params")
    bad_request("<methodCall><methodName>run</methodName><params/></methodCall>", "no session param")
    bad_request("<methodCall><methodName>r/../x</methodName><params><param><value>s</value></param>"
                "</params></methodCall>", "a method name with a slash")
    bad_request("<methodCall><methodName>run</methodName><params><param><value>s</value></param>"
                "<param><value><struct><member><name>a</name><value>1</value></member>"
                "<member><name>a</name><value>2</value></member></struct></value></param>"
                "</params></methodCall>", "an argument given twice")
    bad_request("<methodCall><methodName>run</methodName><params><param><value>s<b/></value></param>"
                "</params></methodCall>", "mixed content in a value")
    bad_request(b"<methodCall>\xff\xfe</methodCall>", "invalid UTF-8", via_stdin=True)

    # Bare <value>text</value> is a string in XML-RPC; XAPI may send it so.
    xml = ("<?xml version='1.0'?><methodCall><methodName>no_such_fn</methodName><params>"
           "<param><value>OpaqueRef:x</value></param><param><value><struct><member><name>k</name>"
           "<value>v</value></member></struct></value></param></params></methodCall>")
    code, out, _ = raw(xml)
    ok(failure(parse(out), "UNKNOWN_XENAPI_PLUGIN_FUNCTION"), "untyped <value> text is a string")

    # Hostile sizes and structures.
    huge = b"<methodCall><methodName>run</methodName><params><param><value><string>" + \
        b"A" * (10 << 20) + b"</string></value></param></params></methodCall>"
    bad_request(huge, "a 10 MiB request on stdin", via_stdin=True)
    bad_request(b"<methodCall>" + b"<value>" * 60000 + b"</value>" * 60000 + b"</methodCall>",
                "60000 nested elements (under the size bound)", via_stdin=True)
    bad_request("<methodCall><methodName>run</methodName><params><param><value>s</value></param>"
                "<param><value><struct>" +
                "".join("<member><name>k%d</name><value>v</value></member>" % i for i in range(100)) +
                "</struct></value></param></params></methodCall>",
                "100 arguments (more than 32)")
    laughs = ['<?xml version="1.0"?>', '<!DOCTYPE lolz [', '<!ENTITY lol "lol">']
    for i in range(1, 10):
        laughs.append('<!ENTITY lol%d "%s">' % (i, ("&lol%s;" % ("" if i == 1 else i - 1)) * 10))
    laughs.append(']>')
    laughs.append("<methodCall><methodName>&lol9;</methodName><params><param><value>&lol9;"
                  "</value></param></params></methodCall>")
    bad_request("\n".join(laughs), "billion laughs (entity expansion)", limit=5.0)
    utf16 = "\n".join(laughs).replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    bad_request(utf16.encode("utf-16"), "billion laughs in UTF-16 (past a byte-level DTD check)",
                via_stdin=True, limit=5.0)
    xxe = ('<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           "<methodCall><methodName>no_such_fn</methodName><params><param><value>&x;</value></param>"
           "</params></methodCall>")
    code, out, _ = raw(xxe)
    ok(failure(parse(out), "XENLAB_BAD_REQUEST") and "root:" not in out, "an external entity is refused", out)
    xxe2 = ('<?xml version="1.0"?><!DOCTYPE methodCall SYSTEM "http://127.0.0.1:9/x.dtd">'
            "<methodCall><methodName>no_such_fn</methodName><params><param><value>s</value></param>"
            "</params></methodCall>")
    bad_request(xxe2, "an external DTD is refused")

    code, resp, _ = call("x" * 65, {})
    ok(failure(resp, "XENLAB_BAD_REQUEST"), "a 65-character function name is refused", resp)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def make_run(runs, rid, finished=True, pid=None):
    """A run directory as the runner leaves it: the seed's results."""
    d = os.path.join(runs, rid)
    os.makedirs(d)
    shutil.copy(os.path.join(SRCDIR, "templates", "seed-vm-vs-container.json"), os.path.join(d, "spec.json"))
    with open(os.path.join(SEED, "results.jsonl")) as f:
        results = [line.strip() for line in f if line.strip()]
    write(os.path.join(d, "results.json"),
          '{"xenlab":"results/1","run":"%s","results":[%s]}\n' % (rid, ",".join(results)))
    ev = ['{"event":"run","state":"started","pid":%d,"t":1}' % (pid or 999999)]
    ev.append('{"event":"job","job":"xl-%s-vm1-1","arm":"vm1","replica":1,"state":"done","domain":7,"t":2}' % rid)
    ev.append('{"event":"job","job":"xl-%s-vm2-1","arm":"vm2","replica":1,"state":"failed",'
              '"reason":"boot timeout","t":3}' % rid)
    ev.append('{"event":"result","domain":7,"slot":0,"result":%s,"t":4}' % results[0])
    if finished:
        ev.append('{"event":"run","state":"finished","pid":%d,"t":5}' % (pid or 999999))
    write(os.path.join(d, "journal.jsonl"), "\n".join(ev) + "\n")
    return d


def cli(*args):
    return subprocess.run([CLI] + list(args), capture_output=True, timeout=60)


def function_tests(work):
    runs = os.path.join(work, "runs")
    state = os.path.join(work, "state")
    os.environ["XENLAB_RUNS_DIR"] = runs
    os.environ["XENLAB_STATE_DIR"] = state
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"

    code, resp, _ = call("list_runs")
    ok(success(resp) and resp["Value"] == "[]", "list_runs with no runs directory: []", resp)
    code, resp, _ = call("bases")
    ok(success(resp) and resp["Value"] == "[]", "bases with no registry: []", resp)

    # bases: one registered through the real CLI.
    img = os.path.join(work, "base.img")
    with open(img, "wb") as f:
        f.truncate(16 << 20)
    p = cli("base", "add", "tiny", img)
    if p.returncode == 0:
        code, resp, _ = call("bases")
        import json
        v = json.loads(resp["Value"]) if success(resp) else None
        ok(v and len(v) == 1 and v[0].get("name") == "tiny" and v[0].get("image") == img,
           "bases lists the base registered by xenlab base add", resp)
    else:
        ok(False, "xenlab base add tiny (for bases)", p.stderr)

    import json
    rid = "20260101-000000-abcd"
    make_run(runs, rid)
    code, resp, _ = call("status", {"id": rid})
    st = json.loads(resp["Value"]) if success(resp) else {}
    ok(st.get("id") == rid and st.get("finished") is True and st.get("running") is False,
       "status: a finished run is finished and not running", resp)
    jobs = {j["arm"]: j for j in st.get("jobs", [])}
    ok(jobs.get("vm1", {}).get("state") == "done" and jobs.get("vm1", {}).get("domain") == 7 and
       jobs.get("vm2", {}).get("state") == "failed" and jobs.get("vm2", {}).get("reason") == "boot timeout" and
       jobs.get("vm1", {}).get("results") == 1, "status: per-job state, domain, reason, results", st)
    with open(os.path.join(SEED, "results.jsonl")) as f:
        nres = sum(1 for line in f if line.strip())
    ok(st.get("results") == nres, "status: results counts results.json (%d)" % nres, st)

    for fmt in ("md", "csv", "json", "pts", "html"):
        code, resp, _ = call("report", {"id": rid, "format": fmt})
        want = cli("report", "--format", fmt, rid)
        ok(success(resp) and want.returncode == 0 and resp["Value"] == want.stdout.decode("utf-8"),
           "report format=%s is what xenlab report prints" % fmt, resp if not success(resp) else "differs")
    code, resp, _ = call("report", {"id": rid})
    want = cli("report", rid)
    ok(success(resp) and resp["Value"] == want.stdout.decode("utf-8"), "report without format: Markdown", resp)
    code, resp, _ = call("report", {"id": rid, "format": "docx"})
    ok(failure(resp, "XENLAB_BAD_ARGUMENT", "format"), "report format=docx: XENLAB_BAD_ARGUMENT format", resp)

    for fn in ("status", "report", "cancel"):
        code, resp, _ = call(fn, {"id": "20990101-000000-0000"})
        ok(failure(resp, "XENLAB_BAD_ARGUMENT", "id") and "no run" in resp["ErrorDescription"][2],
           "%s of an unknown id: XENLAB_BAD_ARGUMENT id, no run" % fn, resp)
        # A caller's id is quoted escaped: one line, no control characters.
        code, resp, _ = call(fn, {"id": "a\tb\nc\u0085d"})
        ok(failure(resp, "XENLAB_BAD_ARGUMENT") and resp["ErrorDescription"][2].startswith("no run a\\tb\\nc\\xc2\\x85d ")
           and resp["ErrorDescription"][1] == "id",
           "%s of an id with control characters: shown escaped" % fn, resp)
        code, resp, _ = call(fn, {"id": "../../etc"})
        ok(failure(resp, "XENLAB_BAD_ARGUMENT", "id"), "%s of ../../etc: XENLAB_BAD_ARGUMENT id" % fn, resp)
        code, resp, _ = call(fn, {})
        ok(failure(resp, "XENLAB_BAD_ARGUMENT", "id"), "%s without id: XENLAB_BAD_ARGUMENT id" % fn, resp)

    code, resp, _ = call("list_runs")
    v = json.loads(resp["Value"]) if success(resp) else []
    ok(len(v) == 1 and v[0]["id"] == rid and v[0]["finished"] is True and v[0]["guests"] == 2,
       "list_runs: the run, finished, 2 guests", resp)

    # A hostile journal (null fields) must not crash the plugin or hide the
    # other runs: every call still gets a methodResponse.
    bad = make_run(runs, "20260101-000000-0bad")
    with open(os.path.join(bad, "journal.jsonl"), "a") as f:
        f.write('{"event":"run","state":null}\n{"event":null}\n{"event":"run","state":5,"pid":null}\n')
    code, resp, _ = call("list_runs")
    v = json.loads(resp["Value"]) if success(resp) else []
    ok(code == 0 and len(v) == 2, "list_runs with a hostile journal line: both runs listed", resp)
    code, resp, _ = call("status", {"id": "20260101-000000-0bad"})
    ok(code == 0 and success(resp), "status of the run with hostile journal lines: a response", resp)
    code, resp, _ = call("cancel", {"id": "20260101-000000-0bad"})
    ok(code == 0 and failure(resp, "XENLAB_NOT_RUNNING"), "cancel of it: XENLAB_NOT_RUNNING, no crash", resp)
    shutil.rmtree(bad)

    # cancel
    code, resp, _ = call("cancel", {"id": rid})
    ok(failure(resp, "XENLAB_NOT_RUNNING", rid), "cancel of a finished run: XENLAB_NOT_RUNNING", resp)
    rid2 = "20260101-000000-beef"
    make_run(runs, rid2, finished=False, pid=os.getpid())
    code, resp, _ = call("cancel", {"id": rid2})
    ok(failure(resp, "XENLAB_NOT_RUNNING", rid2), "cancel when the journal's pid is not xenlab: refused", resp)
    # No live runner can be had without Xen: stand-ins whose command line is
    # "xenlab run --resume ID" (Python running a script called "run").
    write(os.path.join(work, "run"), "import time\ntime.sleep(60)\n")

    def stand_in(*args):
        p = subprocess.Popen([os.path.join(work, "xenlab"), "run"] + list(args), executable=sys.executable,
                             cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.2)
        return p

    def gone(p):
        try:
            return p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            return None

    # A decoy: another run's runner (or a reused pid) must not be signalled.
    rid4 = "20260101-000000-d00d"
    decoy = stand_in("--resume", "20260101-000000-0ther")
    make_run(runs, rid4, finished=False, pid=decoy.pid)
    code, resp, _ = call("status", {"id": rid4})
    ok(success(resp) and json.loads(resp["Value"])["running"] is False,
       "status: not running when the journal's pid is another run's 'xenlab run --resume'", resp)
    code, resp, _ = call("cancel", {"id": rid4})
    alive = decoy.poll() is None
    decoy.kill()
    decoy.wait()
    ok(failure(resp, "XENLAB_NOT_RUNNING", rid4) and alive,
       "cancel does not signal 'xenlab run --resume OTHERID' at the journal's pid", (resp, alive))

    rid3 = "20260101-000000-cafe"
    runner = stand_in("--resume", rid3)
    make_run(runs, rid3, finished=False, pid=runner.pid)
    code, resp, _ = call("status", {"id": rid3})
    ok(success(resp) and json.loads(resp["Value"])["running"] is True,
       "status: running while 'xenlab run --resume ID' has the journal's pid (stand-in)", resp)
    code, resp, _ = call("cancel", {"id": rid3})
    rc = gone(runner)
    ok(success(resp) and rc == -signal.SIGTERM,
       "cancel sends SIGTERM to the journal's 'xenlab run --resume ID' pid (stand-in: no live runner without Xen)",
       (resp, rc))
    shutil.rmtree(os.path.join(runs, rid3))

    # A runner started from the CLI ("xenlab run SPEC") is known by its open
    # journal: a stand-in that holds it (tail -f).
    make_run(runs, rid3, finished=False)
    journal = os.path.join(runs, rid3, "journal.jsonl")
    tail = subprocess.Popen([os.path.join(work, "xenlab"), "run", "-f", journal], executable=shutil.which("tail"),
                            cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.2)
    with open(journal) as f:
        text = f.read().replace("999999", str(tail.pid).rjust(6))
    with open(journal, "r+") as f:
        f.write(text)
    code, resp, _ = call("cancel", {"id": rid3})
    rc = gone(tail)
    ok(success(resp) and rc == -signal.SIGTERM,
       "cancel signals a 'xenlab run SPEC' pid that holds this run's journal open (stand-in)", (resp, rc))
    for r in (rid2, rid3, rid4):
        shutil.rmtree(os.path.join(runs, r))

    # run: the id comes back at once; the runner then fails (no such base).
    spec = ('{"name":"xapi-run-test","base":{"name":"no-such-base"},"trials":1,'
            '"benchmarks":[{"id":"nqueens","n":8}],"arms":[{"name":"a","vcpus":1,"memory":"256MiB"}]}')
    spec_path = os.path.join(work, "spec.json")
    write(spec_path, spec)
    started = []
    for label, arg in (("a spec path", spec_path), ("inline JSON", spec)):
        code, resp, secs = call("run", {"spec": arg, "parallel": "2"})
        v = json.loads(resp["Value"]) if success(resp) else {}
        d = v.get("dir", "")
        ok(success(resp) and secs < 5 and v.get("id") and d == os.path.join(runs, v["id"]) and
           os.path.isfile(os.path.join(d, "spec.json")) and os.path.isfile(os.path.join(d, "journal.jsonl")),
           "run with %s: the id at once (%.2fs) and its run directory exists" % (label, secs), resp)
        if v.get("id"):
            started.append(v)
    ok(len(started) == 2 and started[0]["id"] != started[1]["id"], "two runs get two ids")
    for v in started:
        with open(os.path.join(v["dir"], "journal.jsonl")) as f:
            evs = [json.loads(line) for line in f if line.endswith("\n")]
        ok(any(e.get("event") == "run" and e.get("state") == "launched" and e.get("pid") == v["pid"] for e in evs),
           "the journal names the runner's pid as soon as run returns (launched)", evs)
    # The runner journals its own pid, then stops (no XenStore or no base here).
    for v in started:
        deadline = time.monotonic() + 30
        st = {}
        while time.monotonic() < deadline:
            code, resp, _ = call("status", {"id": v["id"]})
            st = json.loads(resp["Value"]) if success(resp) else {}
            if st.get("pid") == v["pid"] and not st.get("running"):
                break
            time.sleep(0.2)
        log = ""
        if os.path.exists(v["log"]):
            with open(v["log"]) as f:
                log = f.read()
        ok(st.get("pid") == v["pid"] and st.get("running") is False and ("xenlab: run %s" % v["id"]) in log,
           "the detached runner journalled its pid, logged to runner.log and ended", (st, log))
    code, resp, _ = call("cancel", {"id": started[0]["id"]} if started else {})
    ok(failure(resp, "XENLAB_NOT_RUNNING") or failure(resp, "XENLAB_BAD_ARGUMENT"),
       "cancel of a run whose runner ended: XENLAB_NOT_RUNNING", resp)

    # A caller's libvirt URI: only one the administrator listed (qemu+ext
    # would run its command as root).
    tripwire = os.path.join(work, "tripwire.sh")
    write(tripwire, "#!/bin/sh\ntouch %s/tripped\n" % work)
    os.chmod(tripwire, 0o755)
    os.environ["XENLAB_XAPI_URIS_FILE"] = os.path.join(work, "xapi-uris")
    os.environ["XENLAB_XAPI_COMMANDS_FILE"] = os.path.join(work, "xapi-commands")
    cmd_spec = spec.replace('"benchmarks":[', '"benchmarks":[{"id":"command","name":"c","argv":["true"],'
                            '"metrics":[{"name":"t","how":"time"}]},')
    before = sorted(os.listdir(runs))
    bad = [
        ({}, "spec", "missing"),
        ({"spec": "relative/spec.json"}, "spec", "absolute"),
        ({"spec": "/nonexistent/spec.json"}, "spec", "/nonexistent/spec.json"),
        ({"spec": spec.replace('"vcpus":1', '"vcpus":0')}, "spec", "arms[0].vcpus"),
        ({"spec": "{not json"}, "spec", ""),
        ({"spec": spec_path, "backend": "hyperv"}, "backend", "hyperv"),
        ({"spec": spec_path, "parallel": "0"}, "parallel", "1 to 64"),
        ({"spec": spec_path, "parallel": "2x"}, "parallel", "1 to 64"),
        # A registered base is checked for the backends that clone one.
        ({"spec": spec_path, "backend": "libxl", "base": "no-such-base"}, "base", "no-such-base"),
        ({"spec": spec_path, "backend": "libvirt", "uri": "qemu+ext:///system?command=" + tripwire}, "uri",
         "not listed"),
        ({"spec": spec_path, "uri": "test:///default"}, "uri", "not listed"),
        # A command workload runs the caller's argv in the clones: only where
        # the administrator created /etc/xenlab/xapi-commands.
        ({"spec": cmd_spec}, "spec", "command workloads from XAPI are off on this host"),
    ]
    for args, arg, needle in bad:
        if args.get("backend", "libxl") not in BACKENDS and arg != "backend":
            skip("run %s: XENLAB_BAD_ARGUMENT %s (%s)" % (sorted(args.keys()), arg, needle),
                 "this build has no %s backend" % args.get("backend", "libxl"))
            continue
        code, resp, _ = call("run", args)
        ok(failure(resp, "XENLAB_BAD_ARGUMENT", arg) and needle in resp["ErrorDescription"][-1],
           "run %s: XENLAB_BAD_ARGUMENT %s (%s)" % (sorted(args.keys()), arg, needle or "parse error"), resp)
    ok(sorted(os.listdir(runs)) == before, "no run directory (or temporary spec) left by refused runs",
       (before, sorted(os.listdir(runs))))
    ok(not os.path.exists(os.path.join(work, "tripped")), "a caller's qemu+ext URI ran nothing")
    write(os.environ["XENLAB_XAPI_COMMANDS_FILE"], "")
    code, resp, _ = call("run", {"spec": cmd_spec})
    ok(success(resp), "a command workload once the administrator turned them on: accepted", resp)
    # Inputs copy dom0 files into the guests: never from a XAPI caller.
    before = sorted(os.listdir(runs))
    in_spec = cmd_spec.replace('"argv":["true"]', '"inputs":["/etc/shadow"],"argv":["true"]')
    code, resp, _ = call("run", {"spec": in_spec})
    ok(failure(resp, "XENLAB_BAD_ARGUMENT", "spec") and "inputs name dom0 files" in resp["ErrorDescription"][-1]
       and sorted(os.listdir(runs)) == before,
       "a command with inputs (here /etc/shadow): refused even with commands on, no run made", resp)
    del os.environ["XENLAB_XAPI_COMMANDS_FILE"]
    if "libvirt" not in BACKENDS:
        skip("run with a URI the administrator listed: accepted", "this build has no libvirt backend")
        skip("run with --parallel and a listed unsafe URI: a methodResponse, accepted",
             "this build has no libvirt backend")
        del os.environ["XENLAB_XAPI_URIS_FILE"]
        return
    write(os.environ["XENLAB_XAPI_URIS_FILE"], "test:///default\n")
    code, resp, _ = call("run", {"spec": spec_path, "backend": "libvirt", "uri": "test:///default"})
    ok(success(resp), "run with a URI the administrator listed: accepted", resp)
    # Every optional argument of the detached runner at once (--parallel, a
    # listed URI outside the safe set, so --allow-unsafe-uri too): its argv
    # holds them all (an ASan build caught a stack overflow here).
    write(os.environ["XENLAB_XAPI_URIS_FILE"], "test://%s/nonexistent.xml\n" % work)
    code, resp, _ = call("run", {"spec": spec_path, "backend": "libvirt", "parallel": "2",
                                 "uri": "test://%s/nonexistent.xml" % work})
    ok(code == 0 and success(resp), "run with --parallel and a listed unsafe URI: a methodResponse, accepted",
       (code, resp))
    del os.environ["XENLAB_XAPI_URIS_FILE"]


def main():
    if not os.access(PLUGIN, os.X_OK):
        print("1..0 # SKIP no plugin at %s" % PLUGIN)
        return 77
    if MODE == "request":
        request_tests()
    else:
        if not CLI or not SRCDIR:
            print("1..0 # SKIP XENLAB_CLI and XENLAB_SRCDIR are needed")
            return 77
        work = tempfile.mkdtemp(prefix="xenlab-xapi-")
        try:
            function_tests(work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    ok(not noisy, "every call exited 0 with nothing on stderr", noisy[:3])
    print("1..%d" % n)
    return 1 if failed else 0


sys.exit(main())
