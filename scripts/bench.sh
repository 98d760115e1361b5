#!/usr/bin/env bash
# `make bench`: every benchmark, each printing its own figures. Usage: scripts/bench.sh BUILD_DIR
# Timing figures are measured, never asserted: the machine may be shared and noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}

echo "== policies: one full Decide() and 10,000 targets (Google Benchmark)"
"$BUILD/bench/policies_bench" --benchmark_min_time=0.2

echo "== simulate: Azure traces, slo vs tuned baselines vs oracle"
bash scripts/bench-sim.sh "$BUILD"

echo "== audit: one million decision lines"
bash bench/audit_bench.sh "$BUILD" 1000000

echo "== controller: 1,000 autoscalers, one pass"
bash bench/controller_bench.sh "$BUILD"
