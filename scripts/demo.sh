#!/usr/bin/env bash
# make demo: replay a shared Azure trace through `slo-autoscaler simulate` with this project's
# policy and the baselines, and print a comparison table. Usage: scripts/demo.sh BUILD_DIR
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-build}"
[[ "$build" = /* ]] || build="$repo/$build"
bin="$build/bin/slo-autoscaler"
if [[ ! -x "$bin" ]]; then
  echo "demo: $bin not found; run 'make build' first" >&2
  exit 1
fi
trace="$repo/../shared/traces/azure-llm-2023/AzureLLMInferenceTrace_conv.csv"
if [[ ! -f "$trace" ]]; then
  trace="$repo/sim/testdata/small_trace.csv"
  echo "demo: ../shared/traces not found; using the bundled $trace"
fi
rate_scale=10
out="$build/demo"
rm -rf "$out"
mkdir -p "$out"
echo "Simulating $(basename "$trace") at ${rate_scale}x its arrival rate (each request replicated ${rate_scale}x" \
     "within 10 s, keeping the trace's shape), embedded default InferenceAutoscaler (p99 TTFT <= 2 s, 16 slots/replica," \
     "120 s startup)."
start_ns=$(date +%s%N)
for policy in slo hpa keda kpa oracle; do
  "$bin" simulate --trace "$trace" --policy "$policy" --rate-scale "$rate_scale" \
    --rate-scale-mode replicate --seed 1 --out "$out/$policy" --quiet > "$out/$policy.txt"
done
end_ns=$(date +%s%N)
python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
rows = []
for p in ["slo", "hpa", "keda", "kpa", "oracle"]:
    with open(os.path.join(out, p, "summary.json")) as f:
        rows.append(json.load(f))
oracle = rows[-1]["gpuHours"]
target = rows[0]["slo"]["latencyPercentile"]
print()
print(f"{'policy':<8} {'attainment':>11} {'p99 (s)':>9} {'GPU-hours':>10} {'x oracle':>9} {'scale events':>13}")
for r in rows:
    flag = "" if r["sloAttainment"] * 100 >= target else "  (misses SLO)"
    print(f"{r['policy']:<8} {100*r['sloAttainment']:>10.2f}% {r['latencySeconds']['p99']:>9.2f} "
          f"{r['gpuHours']:>10.2f} {r['gpuHours']/oracle:>9.2f} {r['scaleEvents']:>13}{flag}")
print()
print(f"SLO: {r['slo']['latencyMetric']} <= {r['slo']['latencyThresholdSeconds']} s for "
      f"{target:g}% of requests; {rows[0]['requests']} requests; rate scale {rows[0]['rateScale']:g} "
      f"({rows[0]['rateScaleMode']}).")
PY
echo "Wall time: $(( (end_ns - start_ns) / 1000000 )) ms for 5 simulations."
echo "Pictures: $out/<policy>/timeline.svg (e.g. $out/slo/timeline.svg); decision logs:" \
     "$out/<policy>/decisions.jsonl (read them with: $bin audit --log $out/slo/decisions.jsonl)"
