#!/usr/bin/env bash
# expect_exit.sh CODE CMD...: run CMD, pass when it exits with CODE and, for a non-zero CODE,
# prints a message on stderr.
want=$1; shift
err=$("$@" 2>&1 >/dev/null); got=$?
if [ "$got" != "$want" ]; then echo "exit $got, want $want: $*"; echo "$err"; exit 1; fi
if [ "$want" != 0 ] && [ -z "$err" ]; then echo "no message on stderr: $*"; exit 1; fi
exit 0
