#!/usr/bin/env bash
# The peer benchmark: jsonwebtoken (Rust, ring), golang-jwt (Go) and libjwt (C), built offline
# from Debian's packages, beside SessionCore, the bare primitive and the raw OpenSSL baseline, on
# the same keys, claims and checks; one table per algorithm and Benchmarks/peers.svg.
# Usage: Benchmarks/peers/run.sh   (make bench calls it, after installing the peers' packages)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/Benchmarks/peers"
data="$root/Benchmarks/.data/peers"
mkdir -p "$data"
python3 "$here/keys.py" "$data/keys"
(cd "$here/go" && GO111MODULE=off GOPATH=/usr/share/gocode go build -o "$data/peer-go" .)
(cd "$here/rust" && cargo build --release --offline --quiet --target-dir "$data/rust")
cc -O2 -o "$data/peer-c" "$here/c/peer.c" -ljwt -lcrypto
{
  "$root/Benchmarks/.build/release/jose-bench" peers "$data/keys"
  "$data/rust/release/peer-jsonwebtoken" "$data/keys" | sed 's/^/jsonwebtoken /'
  "$data/peer-go" "$data/keys" | sed 's/^/golang-jwt /'
  "$data/peer-c" "$data/keys" | sed 's/^/libjwt /'
} > "$data/results.txt"
python3 "$here/report.py" "$data/results.txt" "$root/Benchmarks/peers.svg"
echo
echo "Picture: Benchmarks/peers.svg"
