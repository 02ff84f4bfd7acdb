#!/usr/bin/env bash
# The scale-out benchmark: sessiond (release) on PostgreSQL with one and with two instances,
# refresh over HTTP loaded by wrk on the same cores, beside pgbench running the bare rotation
# transaction (UPDATE the spent token, INSERT its successor, UPDATE the session's last use) at
# 16 clients on the same server, in the same run. Also the per-refresh costs the README's
# capacity section is computed from.
# Usage: BENCH_POSTGRES=<admin libpq URI> Benchmarks/postgres/run.sh   (make bench calls it)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/Benchmarks/postgres"
service="$root/Benchmarks/service"
data="$root/Benchmarks/.data/postgres-service"
seconds=${SERVICE_SECONDS:-8}
connections=${SERVICE_CONNECTIONS:-32}
admin=${BENCH_POSTGRES:?set BENCH_POSTGRES to an administrative libpq URI}

(cd "$root" && swift build -c release --product sessiond >/dev/null 2>&1 && swift build -c release --product sessionctl >/dev/null 2>&1)
bin=$(cd "$root" && swift build -c release --show-bin-path)
rm -rf "$data" && mkdir -p "$data"
uri_of() { python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit((p.scheme,p.netloc,"/"+sys.argv[2],p.query,p.fragment)))' "$admin" "$1"; }
fresh_db() { psql "$admin" -qAtX -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" 2>/dev/null; psql "$admin" -qAtX -c "CREATE DATABASE $1"; uri_of "$1"; }
export SESSION_KEK
SESSION_KEK=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')

# --- pgbench: the bare rotation transaction on our own schema, 100,000 sessions ------------------
pgb=$(fresh_db bench_pgbench)
"$bin/sessionctl" sessions list --db "$pgb" --limit 1 >/dev/null    # migrates: the same tables and indexes
psql "$pgb" -qAtX <<'SQL'
INSERT INTO sessions (id, user_name, client, ip, user_agent, created_at, last_used_at, expires_at, idle_expires_at)
  SELECT 's' || i, 'user' || (i % 500), 'web', '203.0.113.1', 'bench', 0, 0, 9e9, 9e9 FROM generate_series(1, 100000) i;
INSERT INTO refresh_tokens (hash, session_id, issued_at, issued_ip)
  SELECT sha256(int8send(i)), 's' || i, 0, '203.0.113.1' FROM generate_series(1, 100000) i;
VACUUM ANALYZE;
SQL
pgbench_tps=$(pgbench -n -c 16 -j 2 -T "$seconds" -f "$here/rotation.sql" "$pgb" 2>/dev/null | awk '/^tps = /{print $3}')

# --- sessiond on PostgreSQL, one and two instances ------------------------------------------------
db=$(fresh_db bench_service)
"$bin/sessionctl" demo seed --db "$db" --users 1 --sessions 0 --seed 7 >/dev/null 2>&1
cheap_user=$("$bin/sessionctl" audit list --db "$db" --json | python3 -c 'import json,sys; print(next(e["target"] for e in json.load(sys.stdin) if e["action"] == "user.add" and e["actor"] == "demo"))')
pids=()
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null; done; wait 2>/dev/null || true' EXIT
start_instance() {  # sets port and pid (no subshell: the trap must see every pid)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$bin/sessiond" --db "$db" --port "$port" --issuer http://bench.test --log-level error > "$data/sessiond-$port.out" 2> "$data/sessiond-$port.log" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do grep -q listening "$data/sessiond-$port.out" 2>/dev/null && break; sleep 0.1; done
}
start_instance; port1=$port; pid1=$pid
start_instance; port2=$port; pid2=$pid
tokens() {  # $1 base, $2 count
  python3 - "$1" "$cheap_user" "$2" <<'PY'
import json, sys, urllib.request
base, user, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for _ in range(count):
    req = urllib.request.Request(base + "/auth/login", data=json.dumps({"username": user, "password": "demo-password"}).encode(),
                                 headers={"Content-Type": "application/json"})
    print(json.load(urllib.request.urlopen(req))["refresh_token"])
PY
}
tokens "http://127.0.0.1:$port1" $((connections * 4)) > "$data/tokens1.txt"
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }
stat() { psql "$db" -qAtX -c "SELECT xact_commit, pg_current_wal_lsn() - '0/0' FROM pg_stat_database WHERE datname = current_database()"; }
wrk_run() {  # $1 port, $2 tokens, $3 connections → "rps|p50|p99|non2xx"
  TOKENS="$2" THREADS=1 wrk --latency -t1 -c"$3" -d"${seconds}s" -s "$service/refresh.lua" "http://127.0.0.1:$1" 2>&1 | python3 "$here/wrk_summary.py"
}

# A short warm-up on tokens of its own: the pool's connections and prepared statements exist after it.
tokens "http://127.0.0.1:$port1" 16 > "$data/warmup.txt"
TOKENS="$data/warmup.txt" THREADS=1 wrk -t1 -c8 -d2s -s "$service/refresh.lua" "http://127.0.0.1:$port1" > /dev/null 2>&1
echo "| sessiond instances on PostgreSQL | connections | refresh requests/s | p50 | p99 | non-2xx | sessiond CPU (cores) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
before=$(cpu_of "$pid1"); read -r tx0 wal0 <<< "$(stat | tr '|' ' ')"
IFS='|' read -r rps1 p50 p99 bad <<< "$(wrk_run "$port1" "$data/tokens1.txt" "$connections")"
after=$(cpu_of "$pid1"); read -r tx1 wal1 <<< "$(stat | tr '|' ' ')"
cores1=$(python3 -c "print(f'{($after - $before) / $seconds:.2f}')")
echo "| 1 | $connections | $rps1 | $p50 | $p99 | $bad | $cores1 |"
# Per-refresh costs of the one-instance run, for the capacity section.
python3 - "$rps1" "$seconds" "$before" "$after" "$tx0" "$tx1" "$wal0" "$wal1" > "$data/costs.txt" <<'PY'
import sys
rps, seconds, c0, c1, t0, t1, w0, w1 = (float(x.replace(",", "")) for x in sys.argv[1:])
served = rps * seconds
print(f"per refresh: sessiond {(c1 - c0) / served * 1e6:.0f} µs CPU, {(t1 - t0) / served:.2f} database transactions, {(w1 - w0) / served:.0f} WAL bytes")
PY
# Two instances: two wrk processes, half the connections each, at the same time, on fresh
# tokens (the first run spent its own).
tokens "http://127.0.0.1:$port1" $((connections * 2)) > "$data/tokens1b.txt"
tokens "http://127.0.0.1:$port2" $((connections * 2)) > "$data/tokens2.txt"
b1=$(cpu_of "$pid1"); b2=$(cpu_of "$pid2")
wrk_run "$port1" "$data/tokens1b.txt" $((connections / 2)) > "$data/two-1.txt" &
w1=$!
wrk_run "$port2" "$data/tokens2.txt" $((connections / 2)) > "$data/two-2.txt" &
w2=$!
wait $w1 $w2
a1=$(cpu_of "$pid1"); a2=$(cpu_of "$pid2")
IFS='|' read -r r1 q50 q99 bad1 < "$data/two-1.txt"
IFS='|' read -r r2 _ _ bad2 < "$data/two-2.txt"
rps2=$(python3 -c "print(f'{float(\"$r1\".replace(\",\",\"\")) + float(\"$r2\".replace(\",\",\"\")):,.0f}')")
cores2=$(python3 -c "print(f'{($a1 - $b1) / $seconds:.2f} + {($a2 - $b2) / $seconds:.2f}')")
echo "| 2 | $connections | $rps2 | $q50 | $q99 | $((bad1 + bad2)) | $cores2 |"
echo "| pgbench, bare rotation transaction | 16 clients | ${pgbench_tps%.*} tps | | | | |"
echo
cat "$data/costs.txt"
bytes=$(psql "$(uri_of bench_seed_1000000)" -qAtX -c "SELECT (pg_total_relation_size('sessions') + pg_total_relation_size('refresh_tokens')) / greatest(count(*), 1) FROM sessions" 2>/dev/null || echo "?")
echo "stored per session (1,000,000-session database, sessions + refresh tokens with their indexes): ${bytes} bytes"
python3 - "$rps2" "${pgbench_tps}" <<'PY'
import sys
two, bare = (float(x.replace(",", "")) for x in sys.argv[1:])
ratio = two / bare if bare else 0
print(f"\nTargets: two instances ≥ 0.8 × pgbench's bare rotation: {two:,.0f} / {bare:,.0f} = {ratio:.2f}× — {'met' if ratio >= 0.8 else '**missed**'}; "
      f"≥ 10 × Keycloak's published 120 refresh requests/s per vCPU (2 vCPUs: 2,400/s): {two / 240:.1f}× — {'met' if two >= 2400 else '**missed**'}")
PY
