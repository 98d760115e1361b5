#!/usr/bin/env bash
# Installs the offline Kubernetes object validator used by tests/chart into .tools/k8s-validator:
# the npm packages kubernetes-models (JSON schemas derived from the upstream OpenAPI spec, compiled
# with ajv), @kubernetes-models/prometheus-operator (ServiceMonitor) and yaml, at the exact
# versions of tests/chart/validator/package-lock.json. Idempotent: does nothing when the installed
# lock file matches. Needs node and npm (npm registry only; nothing is fetched at test time).
set -euo pipefail
cd "$(dirname "$0")/.."

SRC=tests/chart/validator
DEST=.tools/k8s-validator
command -v npm >/dev/null || { echo "install-validator: npm is needed (apt-get install npm)"; exit 1; }

if [ -d "$DEST/node_modules/kubernetes-models" ] && cmp -s "$SRC/package-lock.json" "$DEST/package-lock.json"; then
  echo "install-validator: ok (up to date)"
  exit 0
fi
echo "install-validator: installing into $DEST"
rm -rf "$DEST"
mkdir -p "$DEST"
cp "$SRC/package.json" "$SRC/package-lock.json" "$DEST/"
if ! (cd "$DEST" && npm ci --no-audit --no-fund --ignore-scripts >npm-ci.log 2>&1); then
  echo "install-validator: npm ci failed in $DEST:" >&2
  tail -20 "$DEST/npm-ci.log" >&2
  rm -rf "$DEST"
  exit 1
fi
echo "install-validator: ok"
