#!/usr/bin/env bash
# Runs each fuzz target for RUNS inputs (default 1,000,000), growing the corpus in
# Fuzz/corpus-*, and prints libFuzzer's final counts. A crash leaves a crash-* file in
# Fuzz/ and makes this script exit non-zero: turn it into a regression test.
set -uo pipefail
cd "$(dirname "$0")"
RUNS="${1:-1000000}"
status=0
for pair in token:FuzzToken jwk:FuzzJWK; do
  name="${pair%%:*}"; exe=".build/${pair##*:}"
  mkdir -p "corpus-$name"
  echo "== $name: $RUNS runs"
  "$exe" -runs="$RUNS" -max_len=8192 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    $( [ -f "$name.dict" ] && echo "-dict=$name.dict" ) "corpus-$name" "seeds/$name" > ".build/$name.log" 2>&1
  code=$?
  grep -E "Loaded 1 modules|stat::number_of_executed_units|stat::new_units_added|cov: .*DONE|^#[0-9]+ +DONE|ERROR|SUMMARY" ".build/$name.log"
  if [ $code -ne 0 ]; then echo "fuzz target $name failed (exit $code): see Fuzz/.build/$name.log"; status=1; fi
done
exit $status
