#!/usr/bin/env bash
# bench/controller_bench.sh [BUILD_DIR] [COUNT]: the controller at scale.
#
# Starts the test API server with COUNT (default 1000) Deployments and InferenceAutoscalers, a
# fake exporter serving vLLM series for COUNT model_name values, and a real Prometheus scraping
# it; then runs `slo-autoscaler run --once` under /usr/bin/time -v (cold: the first pass writes
# every status) and a steady run of PASSES (default 2) more passes. Prints pass time, Prometheus
# queries per pass (one query per autoscaler per input would be COUNT x 5) and max RSS. The pass
# line reads "pass: N autoscalers, M scaled, Q Prometheus queries (observe time), pass time".
# Needs: python3, /usr/bin/prometheus, /usr/bin/time, kubectl (to apply the CRD YAML). Nothing is
# asserted: these are figures to read.
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$(cd "${1:-$SRC/build}" && pwd)"
COUNT="${2:-1000}"
PASSES="${PASSES:-2}"
BIN="$BUILD/bin/slo-autoscaler"
[ -x "$BIN" ] || { echo "missing $BIN: build it first"; exit 1; }
TMP="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

wait_line() {  # wait_line FILE REGEX: prints the first matching line (30 s deadline)
  for _ in $(seq 300); do
    if grep -m1 -E "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; return 1
}

python3 "$SRC/tests/apiserver/apiserver.py" --port 0 --namespace bench --history 100000 \
  > "$TMP/apiserver.out" 2>&1 &
PIDS+=($!)
API="$(wait_line "$TMP/apiserver.out" '^listening on ' | awk '{print $3}')"
cat > "$TMP/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: test, cluster: {server: "$API"}}]
users: [{name: test, user: {}}]
contexts: [{name: test, context: {cluster: test, user: test, namespace: default}}]
current-context: test
EOF
kubectl --kubeconfig "$TMP/kubeconfig" --cache-dir "$TMP/kcache" apply \
  -f "$SRC/manifests/crd/" > /dev/null
kubectl --kubeconfig "$TMP/kubeconfig" --cache-dir "$TMP/kcache" wait --for=condition=established \
  crd/inferenceautoscalers.slo-autoscaler.io > /dev/null
t0=$(date +%s.%N)
python3 "$SRC/bench/controller/bench_fleet.py" seed --apiserver "$API" --namespace bench --count "$COUNT"
echo "seeding took $(echo "$(date +%s.%N) - $t0" | bc) s"

python3 "$SRC/bench/controller/bench_fleet.py" export --port 0 --count "$COUNT" > "$TMP/exporter.out" 2>&1 &
PIDS+=($!)
EXPORTER_PORT="$(wait_line "$TMP/exporter.out" '^listening on ' | awk '{print $3}')"
PROM_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat > "$TMP/prometheus.yml" <<EOF
global: {scrape_interval: 2s, evaluation_interval: 2s}
scrape_configs:
- job_name: vllm
  static_configs: [{targets: ['127.0.0.1:$EXPORTER_PORT']}]
EOF
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn > "$TMP/prometheus.out" 2>&1 &
PIDS+=($!)
PROM="http://127.0.0.1:$PROM_PORT"
for _ in $(seq 600); do
  n="$(curl -s "$PROM/api/v1/query?query=count(vllm:num_requests_running)" |
       python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)' 2>/dev/null || echo 0)"
  [ "$n" = "$COUNT" ] && break
  sleep 0.5
done
echo "prometheus has $n of $COUNT model series; waiting one rate window (30 s) of samples"
sleep 30  # the presets' rate() needs samples over the window: a figure, not a readiness wait

run_args=(run --kubeconfig "$TMP/kubeconfig" --prometheus-url "$PROM" --prometheus-rate-window 30s
          --metrics-addr "" --health-addr "" --decision-log "$TMP/decisions.jsonl")
echo "== cold: one pass (--once), every status written for the first time"
/usr/bin/time -v "$BIN" "${run_args[@]}" --once > "$TMP/once.out" 2> "$TMP/once.err" || {
  cat "$TMP/once.err"; exit 1; }
grep -E 'pass: ' "$TMP/once.err" | sed 's/^.*pass: /pass: /'
grep -E 'Maximum resident set size' "$TMP/once.err" | sed 's/^\s*/controller /'
echo "decision lines: $(wc -l < "$TMP/decisions.jsonl")"
echo "reasons: $(python3 -c '
import collections, json, sys
c = collections.Counter(json.loads(l)["reason"] for l in open(sys.argv[1]))
print(", ".join(f"{k} {v}" for k, v in c.most_common()))' "$TMP/decisions.jsonl")"

echo "== steady: $PASSES more passes (--interval 5s, watch-fed cache, statuses already written)"
"$BIN" "${run_args[@]}" --interval 5s > "$TMP/steady.out" 2> "$TMP/steady.err" &
CPID=$!
PIDS+=($CPID)
for _ in $(seq 1800); do  # up to 15 min
  [ "$(grep -c 'pass: ' "$TMP/steady.err")" -ge "$PASSES" ] && break
  kill -0 "$CPID" 2>/dev/null || break
  sleep 0.5
done
rss_kb="$(awk '/VmHWM/ {print $2}' "/proc/$CPID/status" 2>/dev/null || echo '?')"
kill -TERM "$CPID"
wait "$CPID" || true
grep -E 'pass: ' "$TMP/steady.err" | sed 's/^.*pass: /pass: /' || true
echo "controller peak RSS (VmHWM): $rss_kb kB"
echo "(one query per autoscaler per input would be $((COUNT * 5)) queries per pass)"
