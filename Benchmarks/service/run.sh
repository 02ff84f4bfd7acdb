#!/usr/bin/env bash
# The service benchmark: sessiond (release) on loopback, loaded by wrk on the same machine.
# Prints a Markdown table: requests/s, p50 and p99 latency, non-2xx answers.
# Usage: Benchmarks/service/run.sh   (from the repository root; `make bench` calls it)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/Benchmarks/service"
data="$root/Benchmarks/.data/service"
seconds=${SERVICE_SECONDS:-8}
connections=${SERVICE_CONNECTIONS:-32}

(cd "$root" && swift build -c release --product sessiond >/dev/null && swift build -c release --product sessionctl >/dev/null)
bin=$(cd "$root" && swift build -c release --show-bin-path)
rm -rf "$data" && mkdir -p "$data"
db="$data/sessions.sqlite"
# One demo user (scrypt N=2^10, password demo-password) for the load, one at the product's cost (N=2^15).
"$bin/sessionctl" demo seed --db "$db" --users 1 --sessions 0 --seed 7 >/dev/null 2>&1
printf 'bench-password\n' | "$bin/sessionctl" users add bench --password-stdin --db "$db" >/dev/null
cheap_user=$("$bin/sessionctl" audit list --db "$db" --json | python3 -c 'import json,sys; print(next(e["target"] for e in json.load(sys.stdin) if e["action"] == "user.add" and e["actor"] == "demo"))')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin/sessiond" --db "$db" --port "$port" --log-level error > "$data/sessiond.out" 2> "$data/sessiond.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$data/sessiond.out" 2>/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port"

# Refresh tokens to start the refresh load from: 4 per connection.
python3 - "$base" "$cheap_user" "$((connections * 4))" > "$data/tokens.txt" <<'PY'
import json, sys, urllib.request
base, user, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for _ in range(count):
    req = urllib.request.Request(base + "/auth/login", data=json.dumps({"username": user, "password": "demo-password"}).encode(),
                                 headers={"Content-Type": "application/json"})
    print(json.load(urllib.request.urlopen(req))["refresh_token"])
PY

# wrk's summary → "req/s p50 p99 non2xx"
measure() {
  local out
  out=$(wrk --latency "$@" 2>&1)
  python3 - "$out" <<'PY'
import re, sys
text = sys.argv[1]
def latency(label):
    m = re.search(r"^\s*" + label + r"\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not m: return "?"
    value, unit = float(m.group(1)), m.group(2)
    ms = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    return f"{ms:.2f} ms"
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
errors = re.search(r"Socket errors:.*", text)
print(f"{float(rps.group(1)):,.0f}" if rps else "?", latency("50%"), latency("99%"), bad.group(1) if bad else "0",
      "(" + errors.group(0) + ")" if errors else "", sep="|")
PY
}

echo "| request | connections | requests/s | p50 | p99 | non-2xx |"
echo "|---|---:|---:|---:|---:|---:|"
row() { local name=$1 conns=$2; shift 2; IFS='|' read -r rps p50 p99 bad note <<< "$(measure -t1 -c"$conns" -d"${seconds}s" "$@")"; echo "| $name | $conns | $rps | $p50 | $p99 | $bad $note |"; }
row "GET /.well-known/jwks.json" "$connections" "$base/.well-known/jwks.json"
# CPU seconds: sessiond's from /proc, the load generator's as this shell's waited-for children.
sessiond_cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$pid/stat"; }
children_cpu() { times > "$data/times"; tail -1 "$data/times" | python3 -c 'import re,sys; print(sum(float(m)*60+float(s) for m,s in re.findall(r"(\d+)m([\d.]+)s", sys.stdin.read())))' > "$data/cpu"; }
cpu_before=$(sessiond_cpu); children_cpu; load_before=$(cat "$data/cpu")
refresh_line=$(TOKENS="$data/tokens.txt" THREADS=1 row "POST /auth/refresh (rotation + ES256 access token)" "$connections" -s "$here/refresh.lua" "$base")
cpu_after=$(sessiond_cpu); children_cpu; load_after=$(cat "$data/cpu")
echo "$refresh_line"
# Four connections: a fifth login of one user in flight is refused (429) by the throttle's reservations.
BENCH_USER="$cheap_user" BENCH_PASSWORD=demo-password row "POST /auth/login (scrypt N=2^10)" 4 -s "$here/login.lua" "$base"
BENCH_USER=bench BENCH_PASSWORD=bench-password row "POST /auth/login (scrypt N=2^15, the default)" 4 -s "$here/login.lua" "$base"
refresh_rps=$(echo "$refresh_line" | awk -F'|' '{gsub(/[ ,]/, "", $4); print $4}')
echo
python3 - "$cpu_before" "$cpu_after" "$load_before" "$load_after" "$seconds" "$refresh_rps" <<'PY'
import sys
before, after, load_before, load_after, seconds, rps = map(float, sys.argv[1:])
served = rps * seconds
print(f"CPU during the refresh run: sessiond {(after - before) / seconds:.2f} cores ({(after - before) / served * 1e6:.0f} µs a refresh), "
      f"wrk {(load_after - load_before) / seconds:.2f} cores")
PY
# The store's group-committed rotations of the same run (jose-bench records them; measured here
# when this script runs on its own), so the figure reads as a ratio whatever the machine's load.
rate_file="$root/Benchmarks/.data/group-commit-rate"
if [ -z "$(find "$rate_file" -mmin -60 2>/dev/null)" ]; then
  (cd "$root/Benchmarks" && swift build -c release --product jose-bench >/dev/null 2>&1 && ./.build/release/jose-bench rotation >/dev/null)
fi
python3 - "$refresh_rps" "$(cat "$rate_file")" <<'PY'
import sys
rps, store = float(sys.argv[1]), float(sys.argv[2])
verdict = lambda ok: "met" if ok else "**missed**"
print(f"Targets: refresh ≥ 10,000 requests/s on 2 cores (wrk on the same cores): {rps:,.0f} — {verdict(rps >= 10_000)}; "
      f"÷ the store's group-committed rotations in this run ({store:,.0f}/s) ≥ 0.5: {rps / store:.2f} — {verdict(rps / store >= 0.5)}")
print(f"Keycloak's published sizing, 120 refresh requests/s per vCPU, is 240/s on these 2 vCPUs: sessiond does {rps / 240:.1f}× that")
PY
