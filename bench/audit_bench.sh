#!/usr/bin/env bash
# bench/audit_bench.sh [BUILD_DIR] [LINES]: times `slo-autoscaler audit` on a generated decision
# log (default one million lines; target: each view under 10 s) and prints lines/s.
#
# The log is made from the recorded fixture decisions in tests/testdata/audit/rotated/ (the real
# schema, with models, notes, limits and SLO blocks), spread over 20 autoscalers, one decision
# per autoscaler every 15 s, with a spdlog text line every 100 lines. It is written to a
# temporary directory and removed at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
lines=${2:-1000000}
bin="$build/bin/slo-autoscaler"
[ -x "$bin" ] || { echo "audit_bench: $bin not built (make build)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log="$tmp/decisions.jsonl"

python3 - "$here/tests/testdata/audit/rotated" "$log" "$lines" <<'PY'
import json, os, sys, time
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
templates = []
for name in sorted(os.listdir(src)):
    for line in open(os.path.join(src, name), encoding="utf-8"):
        rec = json.loads(line)
        rec["ts"] = "\x00"
        rec["autoscaler"]["name"] = "\x01"
        parts = json.dumps(rec, ensure_ascii=False, separators=(",", ":")).split('"\\u0000"')
        head, tail = parts
        a, b = tail.split('"\\u0001"')
        templates.append((head, a, b))
t0 = 1795429800
targets = ["model-%02d" % i for i in range(20)]
with open(out, "w", encoding="utf-8") as f:
    buf = []
    for i in range(n):
        if i % 100 == 99:
            buf.append("[2026-11-23 10:30:00.000] [info] reconcile pass done\n")
            continue
        p, k = divmod(i, 20)
        t = t0 + p * 15
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % k
        head, a, b = templates[p % len(templates)]
        buf.append('%s"%s"%s"%s"%s\n' % (head, ts, a, targets[k], b))
        if len(buf) >= 10000:
            f.write("".join(buf))
            buf.clear()
    f.write("".join(buf))
PY
size=$(du -m "$log" | cut -f1)
echo "audit_bench: $lines lines, ${size} MB"

# Wall time is what a user waits; CPU time (user + sys) is what the code costs. On a shared
# machine the two differ, so both are printed.
run() {
  local label=$1; shift
  local t
  t=$( { TIMEFORMAT='%R %U %S'; time "$bin" audit --log "$log" --quiet "$@" > /dev/null; } 2>&1 )
  python3 -c "
wall, user, sys_ = map(float, '$t'.split())
cpu = user + sys_
print('audit_bench: %-30s wall %6.2f s  cpu %6.2f s  %10.0f lines/s (cpu)%s' % ('$label', wall,
      cpu, $lines / cpu, '' if cpu < 10 else '  (over the 10 s target)'))"
}
run "audit --summary" --summary
run "audit (table)"
run "audit --target model-07 --why" --target model-07 --why 1h
