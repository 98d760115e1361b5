#!/bin/sh
# Runs `slo-autoscaler validate` and checks its exit code and output.
# usage: run_validate.sh EXIT STDIN PATTERNS -- BINARY ARGS...
#   EXIT      expected exit code
#   STDIN     file fed to stdin, or "" for none
#   PATTERNS  '|'-separated fixed strings that must all appear in stdout+stderr ("" = none)
set -u
want_exit=$1 stdin=$2 patterns=$3
shift 4
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if [ -n "$stdin" ]; then
  "$@" <"$stdin" >"$out" 2>&1
else
  "$@" </dev/null >"$out" 2>&1
fi
got_exit=$?
cat "$out"
status=0
if [ "$got_exit" != "$want_exit" ]; then
  echo "FAIL: exit code $got_exit, want $want_exit"
  status=1
fi
if [ -n "$patterns" ]; then
  old_ifs=$IFS
  IFS='|'
  for p in $patterns; do
    if ! grep -qF -- "$p" "$out"; then
      echo "FAIL: output lacks: $p"
      status=1
    fi
  done
  IFS=$old_ifs
fi
exit $status
