#!/usr/bin/env bash
# Builds the libFuzzer targets with `swiftc -sanitize=fuzzer,address`.
#
# Each target is compiled together with the JOSE module's sources into one module, so the
# parser code carries libFuzzer's coverage counters. (SwiftPM's `--sanitize=fuzzer`
# builds here link libFuzzer but lose the counters' registration: libFuzzer then runs
# blind, with no "Loaded 1 modules" line and no coverage growth.)
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p .build
sources=$(find ../Sources/JOSE -name "*.swift" | sort)
for target in FuzzToken FuzzJWK; do
  echo "building $target"
  swiftc -sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 -package-name sessions \
    -module-name "$target" -I ../Sources/COpenSSL $sources "Targets/$target.swift" \
    -lcrypto -o ".build/$target" 2>&1 | grep -v -E "Cannot export local symbol" || true
  test -x ".build/$target"
done
