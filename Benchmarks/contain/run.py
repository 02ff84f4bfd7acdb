#!/usr/bin/env python3
"""Time to contain: sessiond (release, SQLite) with three demo-api verifiers following it;
20 incidents of each kind through `sessionctl incident --json`. For each: confirm → every
verifier applied (as the verifiers reported it to sessiond), and confirm → the first request
each demo-api refused with the compromised token (a prober per verifier, every 5 ms).
Prints a Markdown table (p50, p95, max; target p95 ≤ 1 s).

Usage: Benchmarks/contain/run.py BIN_DIR DATA_DIR [INCIDENTS]   (`make bench` calls it)"""
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

BIN, DATA = sys.argv[1], sys.argv[2]
COUNT = int(sys.argv[3]) if len(sys.argv) > 3 else 20
PASSWORD = "contain-password"
VERIFIERS = ["a", "b", "c"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ctl(*args, stdin=None):
    run = subprocess.run([os.path.join(BIN, "sessionctl"), *args, "--db", DB], input=stdin, capture_output=True, text=True)
    return run


def start(args, name):
    log = open(os.path.join(DATA, name + ".log"), "ab")
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log)
    deadline = time.time() + 30
    while time.time() < deadline:
        if b"listening" in proc.stdout.readline():
            return proc
    raise SystemExit(f"{name} did not start; see {log.name}")


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=10))


def status(api, token):
    req = urllib.request.Request(api + "/api/me", headers={"Authorization": "Bearer " + token})
    try:
        return urllib.request.urlopen(req, timeout=5).status
    except urllib.error.HTTPError as e:
        return e.code


def first_refusal(api, token, stop, out):
    """Probes `api` with `token` on one kept-alive connection until it is refused; records
    when (wall clock)."""
    host, port = api.rsplit("/", 1)[-1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        while not stop.is_set():
            connection.request("GET", "/api/me", headers={"Authorization": "Bearer " + token})
            response = connection.getresponse()
            response.read()
            if response.status == 401:
                out[api] = time.time()
                return
            time.sleep(0.005)
    finally:
        connection.close()


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * (len(ordered) - 1)))))]


shutil.rmtree(DATA, ignore_errors=True)
os.makedirs(DATA)
DB = os.path.join(DATA, "sessions.sqlite")
for i in range(COUNT * 2):
    assert ctl("users", "add", f"user{i}", "--password-stdin", stdin=PASSWORD + "\n").returncode == 0
port = free_port()
base = f"http://127.0.0.1:{port}"
procs = [start([os.path.join(BIN, "sessiond"), "--db", DB, "--port", str(port), "--log-level", "error"], "sessiond")]
apis = {}
try:
    for name in VERIFIERS:
        api_port = free_port()
        procs.append(start([os.path.join(BIN, "demo-api"), "--auth-server", base, "--port", str(api_port), "--instance", name], "demo-api-" + name))
        apis[name] = f"http://127.0.0.1:{api_port}"
    deadline = time.time() + 20
    while time.time() < deadline:
        rows = json.loads(ctl("services", "list", "--json").stdout or "[]")
        if len([r for r in rows if r["state"] == "live" and r["feed_seq"] is not None and len(r["kids"]) >= 2]) == len(VERIFIERS):
            break
        time.sleep(0.1)
    else:
        raise SystemExit("the verifiers did not report")

    results = {"user": [], "session": [], "key": []}
    total = COUNT * 3
    done = 0
    for kind in results:
        for i in range(COUNT):
            user = f"user{i if kind != 'session' else COUNT + i}"
            login = post(base + "/auth/login", {"username": user, "password": PASSWORD})
            token = login["access_token"]
            assert all(status(api, token) == 200 for api in apis.values())
            if kind == "key":
                keys = json.loads(ctl("keys", "list", "--json").stdout)
                target = next(k["kid"] for k in keys if k["state"] == "active")
            else:
                target = user if kind == "user" else login["session_id"]
            stop, refused = threading.Event(), {}
            probes = [threading.Thread(target=first_refusal, args=(api, token, stop, refused)) for api in apis.values()]
            for t in probes:
                t.start()
            out = ctl("incident", kind, target, "--reason", "bench", "--wait", "10", "--json")
            if not out.stdout:
                stop.set()
                raise SystemExit(f"{kind} incident {i}: sessionctl exited {out.returncode}: {out.stderr.strip()}")
            outcome = json.loads(out.stdout)["outcome"]
            for t in probes:
                t.join(10)
            stop.set()
            if out.returncode != 0 or len(refused) != len(apis):
                raise SystemExit(f"{kind} incident {i} not contained: {outcome['line']}; refused at {sorted(refused)}")
            started = outcome["started_at"]
            results[kind].append((outcome["contained_ms"], [(at - started) * 1000 for at in refused.values()]))
            done += 1
            print(f"\r  incidents {done}/{total}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
finally:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()

print(f"{COUNT} incidents of each kind, {len(VERIFIERS)} demo-api verifiers following one sessiond (SQLite), all on the same 2 cores.")
print()
print("| incident | measured | p50 | p95 | max | p95 ≤ 1 s |")
print("|---|---|---:|---:|---:|---|")
for kind, rows in results.items():
    applied = [r[0] for r in rows]
    refusals = [ms for r in rows for ms in r[1]]
    for label, values in (("confirm → every verifier applied (reported)", applied), ("confirm → first refused request, each verifier", refusals)):
        p95 = percentile(values, 95)
        print(f"| {kind} | {label} | {statistics.median(values):.0f} ms | {p95:.0f} ms | {max(values):.0f} ms | {'yes' if p95 <= 1000 else 'NO'} |")
