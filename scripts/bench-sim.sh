#!/usr/bin/env bash
# The simulator benchmark (called by `make bench` via scripts/bench.sh; usable alone):
# for each shared Azure trace, at a rate scale that needs tens of replicas, sweep each baseline's
# main knob, keep its cheapest setting with >= 99 % SLO attainment, and compare with `slo` at
# default settings and the clairvoyant oracle (cost ratios measured in the same run).
# Usage: scripts/bench-sim.sh BUILD_DIR [OUT_DIR]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-build}"
[[ "$build" = /* ]] || build="$repo/$build"
bin="$build/bin/slo-autoscaler"
out="${2:-$build/bench-sim}"
traces_dir="$repo/../shared/traces/azure-llm-2023"
if [[ ! -x "$bin" ]]; then
  echo "bench-sim: $bin not found; build first" >&2
  exit 1
fi
if [[ ! -d "$traces_dir" ]]; then
  echo "bench-sim: $traces_dir not found: the benchmark needs the shared Azure traces" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$out"
# mode, trace name, file, rate scale. overlay: X copies each shifted cyclically by a random
# offset (keeps the hour, flattens the shape); replicate: X copies of each request within 10 s
# (keeps the minute-scale shape: the code trace's on/off bursts, the conv trace's hump).
cases=("overlay conv AzureLLMInferenceTrace_conv.csv 20"
       "overlay code AzureLLMInferenceTrace_code.csv 100"
       "replicate conv AzureLLMInferenceTrace_conv.csv 20"
       "replicate code AzureLLMInferenceTrace_code.csv 30")
utils="0.5 0.6 0.7 0.8 0.9 0.95"
keda_thresholds="6 8 10 11.2 12 14 16"

run() {  # name trace scale policy dir [extra flags...]
  local dir="$1/$2"; shift 2
  local trace="$1" scale="$2" policy="$3"; shift 3
  local mode="${dir%/*}"; mode="${mode##*/}"; mode="${mode%%-*}"
  local t0 t1
  t0=$(date +%s%N)
  "$bin" simulate --trace "$trace" --policy "$policy" --rate-scale "$scale" \
    --rate-scale-mode "$mode" --seed 1 --out "$dir" --no-requests-csv --quiet "$@" > "$dir.txt"
  t1=$(date +%s%N)
  echo "$(( (t1 - t0) / 1000000 ))" > "$dir.wall_ms"
}

for c in "${cases[@]}"; do
  read -r mode name file scale <<< "$c"
  trace="$traces_dir/$file"
  base="$out/$mode-$name"
  mkdir -p "$base"
  echo "bench-sim: $name ($file) at rate scale ${scale}x ($mode)..." >&2
  run "$base" oracle "$trace" "$scale" oracle
  run "$base" slo "$trace" "$scale" slo
  for u in $utils; do
    run "$base" "hpa-$u" "$trace" "$scale" hpa --target-utilization "$u"
    run "$base" "kpa-$u" "$trace" "$scale" kpa --target-utilization "$u"
  done
  for k in $keda_thresholds; do
    run "$base" "keda-$k" "$trace" "$scale" keda --keda-threshold "$k"
  done
done

python3 - "$out" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
def load(d):
    with open(os.path.join(d, "summary.json")) as f:
        s = json.load(f)
    with open(d + ".wall_ms") as f:
        s["wall_ms"] = int(f.read())
    return s
report = {}
for tdir in sorted(glob.glob(os.path.join(out, "*/"))):
    name = os.path.basename(tdir.rstrip("/"))
    runs = {os.path.basename(d): load(d) for d in glob.glob(os.path.join(tdir, "*")) if os.path.isdir(d)}
    oracle, slo = runs["oracle"], runs["slo"]
    target = slo["slo"]["latencyPercentile"] / 100
    best = {}
    for base in ["hpa", "keda", "kpa"]:
        cands = [(k, r) for k, r in runs.items() if k.startswith(base + "-")]
        ok = [(k, r) for k, r in cands if r["sloAttainment"] >= target]
        pick = min(ok, key=lambda kr: kr[1]["gpuHours"]) if ok else max(cands, key=lambda kr: kr[1]["sloAttainment"])
        best[base] = (pick[0].split("-", 1)[1], pick[1], bool(ok))
    tuned = [v for v in best.values() if v[2]]
    best_base = min(tuned, key=lambda v: v[1]["gpuHours"]) if tuned else None
    print(f"\n### {name}: {slo['trace']} at rate scale {slo['rateScale']:g}x ({slo['rateScaleMode']}), "
          f"{slo['requests']} requests, SLO p{slo['slo']['latencyPercentile']:g} "
          f"{slo['slo']['latencyMetric']} <= {slo['slo']['latencyThresholdSeconds']:g} s\n")
    print("| policy | setting | attainment | p99 (s) | GPU-hours | x oracle | x best baseline | wall (s) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    def row(label, setting, r):
        bb = f"{r['gpuHours']/best_base[1]['gpuHours']:.2f}" if best_base else "n/a"
        print(f"| {label} | {setting} | {100*r['sloAttainment']:.2f}% | {r['latencySeconds']['p99']:.2f} | "
              f"{r['gpuHours']:.2f} | {r['gpuHours']/oracle['gpuHours']:.2f} | {bb} | {r['wall_ms']/1000:.2f} |")
    row("slo", "defaults", slo)
    knob = {"hpa": "target-utilization", "keda": "keda-threshold", "kpa": "target-utilization"}
    for base, (setting, r, ok) in best.items():
        row(base, f"{knob[base]} {setting}" + ("" if ok else " (none reaches target; best shown)"), r)
    row("oracle", "clairvoyant", oracle)
    verdict = {
        "attainment_ok": slo["sloAttainment"] >= target,
        "vs_oracle": slo["gpuHours"] / oracle["gpuHours"],
        "vs_best_baseline": slo["gpuHours"] / best_base[1]["gpuHours"] if best_base else None,
    }
    print(f"\nslo: attainment {'meets' if verdict['attainment_ok'] else 'MISSES'} the target; "
          f"{verdict['vs_oracle']:.2f}x the oracle's GPU-hours (goal <= 1.15); " +
          (f"{verdict['vs_best_baseline']:.2f}x the best-tuned baseline (goal <= 0.80)." if best_base else
           "no baseline setting reached the target."))
    print("\nAll sweep points (setting: attainment, GPU-hours):")
    for base in ["hpa", "keda", "kpa"]:
        pts = sorted(((k.split('-', 1)[1], r) for k, r in runs.items() if k.startswith(base + "-")),
                     key=lambda kr: float(kr[0]))
        print(f"- {base}: " + ", ".join(f"{k}: {100*r['sloAttainment']:.2f}% / {r['gpuHours']:.2f}" for k, r in pts))
    report[name] = {"runs": runs, "verdict": verdict}
with open(os.path.join(out, "report.json"), "w") as f:
    json.dump(report, f, indent=1, sort_keys=True)
print(f"\n(full results: {out}/report.json)")
PY
