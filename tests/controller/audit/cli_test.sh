#!/usr/bin/env bash
# cli_test.sh BIN: `slo-autoscaler audit` end to end on the recorded fixtures and on hostile
# input (binary garbage, a 10 MB line, invalid UTF-8): exit codes, messages, no crash.
set -u
bin=$1
src=$(cd "$(dirname "$0")/../../.." && pwd)
fx="$src/tests/testdata/audit"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# check NAME WANT_RC GREP_STDOUT GREP_STDERR -- CMD...
check() {
  local name=$1 want=$2 out_re=$3 err_re=$4; shift 5
  "$@" > "$tmp/out" 2> "$tmp/err"
  local rc=$?
  local ok=1
  [ "$rc" = "$want" ] || ok=0
  if [ -n "$out_re" ] && ! grep -qE -- "$out_re" "$tmp/out"; then ok=0; fi
  if [ -n "$err_re" ] && ! grep -qE -- "$err_re" "$tmp/err"; then ok=0; fi
  if [ $ok = 1 ]; then
    echo "ok   $name"
  else
    echo "FAIL $name (exit $rc, want $want)"; echo "--- stdout"; head -20 "$tmp/out"
    echo "--- stderr"; head -20 "$tmp/err"; fails=$((fails + 1))
  fi
}

check "table of two replicas' logs" 0 '^2026-11-23T10:35:00.123Z serving/chat  7 → 6' \
  'read 156 lines from 2 inputs: 120 decisions; skipped 36' -- \
  "$bin" audit --log "$fx/controller-0.log" --log "$fx/controller-1.log"
check "gap and leader change inline" 0 '^! leaderChange: controller instance changed from controller-0 to controller-1' '' -- \
  "$bin" audit --log "$fx/controller-*.log" --target chat
check "why at a time of day" 0 '^  10:31:15 serving/chat 3 → 4: 48 req/s × 1.1 s = 52.8 busy slots' '' -- \
  "$bin" audit --log "$fx/controller-0.log" --log "$fx/controller-1.log" --why 10:31:20 --target serving/chat
check "stdin with kubectl timestamps" 0 'serving/embed' 'read 75 lines from 1 input: 75 decisions; nothing skipped' -- \
  bash -c "cat '$fx/controller-1.log' | '$bin' audit --log - --target embed --reason ScaleUp,ScaleDown"
check "summary" 0 '^serving/embed +25 ' '' -- "$bin" audit --log "$fx/rotated" --log "$fx/controller-1.log" --summary
check "json parses" 0 '' '' -- bash -c "'$bin' audit --log '$fx/rotated' --format json --actuated | python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d[\"decisions\"]) == 10, len(d[\"decisions\"])'"
check "summary json parses" 0 '' '' -- bash -c "'$bin' audit --log '$fx/rotated' --summary --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"targets\"][0][\"flaps\"] == 1'"
check "plot writes an svg" 0 '' '' -- bash -c "'$bin' audit --log '$fx/rotated' --plot '$tmp/p.svg' --quiet >/dev/null && grep -q '</svg>' '$tmp/p.svg'"
check "nothing matched is not an error" 0 '^no decisions matched$' '' -- \
  "$bin" audit --log "$fx/rotated" --target nobody
check "bad --since names the flag" 1 '' '^slo-autoscaler audit: --since "yesterday"' -- \
  "$bin" audit --log "$fx/rotated" --since yesterday
check "bad --why names the flag" 1 '' '--why "noon"' -- "$bin" audit --log "$fx/rotated" --why noon
check "unknown --reason names the flag" 1 '' '--reason "Sideways" is not a reason code' -- \
  "$bin" audit --log "$fx/rotated" --reason Sideways
check "unreadable file names it" 1 '' '--log /nonexistent/ctl.log' -- \
  "$bin" audit --log /nonexistent/ctl.log
check "bad --format value names the flag" 1 '' '--format: xml not in' -- "$bin" audit --log "$fx/rotated" --format xml
check "--why with --summary is a usage error" 2 '' 'excludes' -- \
  "$bin" audit --log "$fx/rotated" --why 10:31 --summary

# Hostile input: random bytes, a 10 MB line, invalid UTF-8, a deep nest, no final newline.
python3 - "$tmp/hostile.log" "$fx/rotated/ctl.log" <<'PY'
import random, sys
rng = random.Random(7)
good = open(sys.argv[2], "rb").read().splitlines()
with open(sys.argv[1], "wb") as f:
    f.write(good[0] + b"\n")
    f.write(bytes(rng.getrandbits(8) for _ in range(200000)) + b"\n")
    f.write(b'{"pad":"' + b"x" * (10 << 20) + b'"}\n')
    f.write(b'{"ts":"\xff\xfe","type":"ScalingDecision"}\n')
    f.write(b"[" * 100000 + b"\n")
    f.write(b"{" + b'"a":{' * 5000 + b"\n")
    f.write(good[1] + b"\n")
    f.write(good[2][:100])
PY
check "hostile input is counted, not fatal" 0 '^2026-11-23T10:35:15.123Z serving/chat' \
  'over-long' -- "$bin" audit --log "$tmp/hostile.log"
check "hostile input summary names kinds" 0 '' 'invalid UTF-8' -- "$bin" audit --log "$tmp/hostile.log" --summary
check "a directory of only garbage" 0 '^no decisions matched$' 'skipped' -- \
  bash -c "head -c 100000 /dev/urandom > '$tmp/g.bin'; '$bin' audit --log '$tmp/g.bin'"

[ $fails = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all checks passed"
