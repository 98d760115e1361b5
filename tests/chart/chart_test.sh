#!/usr/bin/env bash
# tests/chart/chart_test.sh: the chart, manifest, RBAC and image checks, one per ctest test.
#
#   chart_test.sh SOURCE_DIR CHECK [ARG]
#
# CHECK is one of: lint, render, validator, values, crd, manifests, rbac, schema, notes, runtime-libs,
# python-unit. Uses SOURCE_DIR/.tools/bin/helm (scripts/install-deps.sh) and the validator in
# SOURCE_DIR/.tools/k8s-validator (scripts/install-validator.sh); no network.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
SRC="$(cd "$1" && pwd)"
CHECK="$2"
ARG="${3:-}"
CHART="$SRC/charts/slo-autoscaler"
HELM="$SRC/.tools/bin/helm"
MODULES="$SRC/.tools/k8s-validator/node_modules"
TOOL="$SRC/tests/chart/validator/chart_tool.mjs"
HERE="$SRC/tests/chart"
NS=slo-system   # the release namespace used by every render here

[ -x "$HELM" ] || { echo "FAIL: $HELM missing: run scripts/install-deps.sh"; exit 1; }
needs_validator() {
  [ -d "$MODULES/kubernetes-models" ] ||
    { echo "FAIL: $MODULES missing: run scripts/install-validator.sh"; exit 1; }
}
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# The values files every render check runs over: the defaults, then each ci/ file.
values_sets() {
  echo default
  for f in "$CHART"/ci/*-values.yaml; do echo "$f"; done
}
values_flag() { [ "$1" = default ] || printf -- '--values=%s' "$1"; }
label() { if [ "$1" = default ]; then echo "default values"; else basename "$1"; fi; }

case "$CHECK" in
  lint)
    while read -r v; do
      echo "== helm lint --strict ($(label "$v"))"
      # shellcheck disable=SC2046
      "$HELM" lint --strict "$CHART" --namespace "$NS" $(values_flag "$v")
    done < <(values_sets)
    ;;

  render)
    # Every object of every rendering is valid for its kind's Kubernetes schema (strict fields),
    # and every knob reaches the object it should (check_rendered.py).
    needs_validator
    node "$TOOL" to-json "$MODULES" "$CHART/values.yaml" > "$TMP/defaults.json"
    while read -r v; do
      echo "== helm template ($(label "$v"))"
      # shellcheck disable=SC2046
      "$HELM" template slo "$CHART" --namespace "$NS" $(values_flag "$v") > "$TMP/out.yaml"
      node "$TOOL" validate "$MODULES" --json-out "$TMP/out.json" "$TMP/out.yaml"
      if [ "$v" = default ]; then echo '[]' > "$TMP/override.json"
      else node "$TOOL" to-json "$MODULES" "$v" > "$TMP/override.json"; fi
      python3 "$HERE/check_rendered.py" "$TMP/out.json" "$TMP/defaults.json" "$TMP/override.json" "$NS"
    done < <(values_sets)
    ;;

  validator)
    # The validator itself rejects what it must (so a passing render check means something).
    needs_validator
    if node "$TOOL" validate "$MODULES" "$HERE/testdata/invalid-objects.yaml" 2> "$TMP/errors.txt"; then
      echo "FAIL: the validator accepted testdata/invalid-objects.yaml"; exit 1
    fi
    cat "$TMP/errors.txt"
    for want in "Deployment/typo: spec.template.spec.containers[0].securityContex: unknown field" \
                "Deployment/wrong-type: data/spec/replicas must be integer" \
                "ClusterRole/no-verbs: data/rules/0 must have required property verbs" \
                "ClusterRole/no-verbs: rules[0].verb: unknown field" \
                "ServiceMonitor/sm-typo: spec.endpoints[0].intervall: unknown field" \
                "Widget/unknown-kind: no schema for example.com/v1 Widget" \
                "Service/no-namespace: namespaced object without metadata.namespace"; do
      grep -qF -- "$want" "$TMP/errors.txt" || { echo "FAIL: want '$want'"; exit 1; }
    done
    [ "$(wc -l < "$TMP/errors.txt")" -eq 7 ] || { echo "FAIL: want exactly 7 errors"; exit 1; }
    echo "validator: rejects all 6 invalid objects for the right reasons"
    ;;

  values)
    # values.yaml: every key documented with "# --", in the closed schema, used by a template,
    # set away from its default by some ci/ file, and in the docs' values table.
    needs_validator
    node "$TOOL" values "$MODULES" "$CHART" "$SRC/README.md"
    ;;

  crd)
    # The chart ships manifests/crd byte for byte, and renders it unchanged but for labels.
    needs_validator
    crd=slo-autoscaler.io_inferenceautoscalers.yaml
    cmp "$SRC/manifests/crd/$crd" "$CHART/files/crd/$crd" ||
      { echo "FAIL: $CHART/files/crd/$crd differs from manifests/crd/$crd: run scripts/render-manifests.sh"; exit 1; }
    "$HELM" template slo "$CHART" --namespace "$NS" > "$TMP/out.yaml"
    node "$TOOL" crd "$MODULES" "$SRC/manifests/crd/$crd" "$TMP/out.yaml"
    "$HELM" template slo "$CHART" --namespace "$NS" --set crds.install=false > "$TMP/no-crd.yaml"
    if grep -q '^kind: CustomResourceDefinition' "$TMP/no-crd.yaml"; then
      echo "FAIL: crds.install=false still renders the CRD"; exit 1
    fi
    echo "crd: byte-identical copy, rendered unchanged, skipped with crds.install=false"
    ;;

  manifests)
    # manifests/rbac and manifests/deploy are the chart's rendering, and valid on their own.
    needs_validator
    HELM="$HELM" bash "$SRC/scripts/render-manifests.sh" --check
    node "$TOOL" validate "$MODULES" "$SRC"/manifests/rbac/*.yaml "$SRC"/manifests/deploy/*.yaml \
      "$SRC"/manifests/crd/*.yaml
    ;;

  rbac)
    # Least privilege: the rendered roles allow exactly the API calls the controller makes
    # (testdata request logs in the form of tests/apiserver's GET /_test/requests).
    needs_validator
    "$HELM" template slo "$CHART" --namespace "$NS" \
      --values "$HERE/testdata/rbac-cluster-values.yaml" > "$TMP/cluster.yaml"
    node "$TOOL" to-json "$MODULES" "$TMP/cluster.yaml" > "$TMP/cluster.json"
    echo "== cluster scope"
    python3 "$HERE/check_rbac.py" --rbac "$TMP/cluster.json" --per-permission \
      --service-account "$NS/slo-slo-autoscaler" --requests "$HERE/testdata/requests_cluster_scope.json"
    "$HELM" template slo "$CHART" --namespace "$NS" \
      --values "$CHART/ci/namespaced-scope-values.yaml" > "$TMP/namespaced.yaml"
    node "$TOOL" to-json "$MODULES" "$TMP/namespaced.yaml" > "$TMP/namespaced.json"
    echo "== namespaced scope"
    python3 "$HERE/check_rbac.py" --rbac "$TMP/namespaced.json" --per-permission \
      --service-account "$NS/slo-slo-autoscaler" --requests "$HERE/testdata/requests_namespaced_scope.json"
    echo "== namespaced roles must deny cluster-wide calls"
    if python3 "$HERE/check_rbac.py" --rbac "$TMP/namespaced.json" \
         --requests "$HERE/testdata/requests_cluster_scope.json" 2> "$TMP/denied.txt"; then
      echo "FAIL: namespaced-scope roles allowed cluster-wide requests"; exit 1
    fi
    grep -q 'DENIED: GET /api/v1/pods' "$TMP/denied.txt" ||
      { echo "FAIL: want a denial of the cluster-wide pod list"; cat "$TMP/denied.txt"; exit 1; }
    echo "rbac: ok"
    ;;

  schema)
    # values.schema.json and the templates refuse bad values with a message naming the key.
    fails_with() {  # fails_with EXPECTED_MESSAGE helm-args...
      local want="$1"; shift
      if "$HELM" template slo "$CHART" --namespace "$NS" "$@" > "$TMP/out" 2>&1; then
        echo "FAIL: rendered with $*"; exit 1
      fi
      grep -q -- "$want" "$TMP/out" || { echo "FAIL: $* : want '$want' in:"; cat "$TMP/out"; exit 1; }
      echo "refused ($*): $want"
    }
    fails_with "Additional property unknownKey is not allowed" --set unknownKey=1
    fails_with "Additional property promURL is not allowed" --set controller.promURL=http://x
    fails_with "controller.interval" --set controller.interval=fifteen
    fails_with "controller.logFormat" --set controller.logFormat=xml
    fails_with "controller.prometheusUrl" --set controller.prometheusUrl=prometheus:9090
    fails_with "namespaces.0" --set 'namespaces={Bad_NS}'
    fails_with "rbac.extraScaleTargets.0.resources.0" --set-json 'rbac.extraScaleTargets=[{"apiGroup":"x.io","resources":["*"]}]'
    fails_with "ports.metrics" --set ports.metrics=70000
    fails_with "replicaCount > 1 needs leaderElection.enabled=true" --set replicaCount=2 --set leaderElection.enabled=false
    fails_with "chart requires kubeVersion: >=1.26.0-0" --kube-version 1.25.0
    ;;

  notes)
    # NOTES.txt renders for every values set and tells how to create and read an autoscaler.
    cp -r "$CHART" "$TMP/chart"
    { echo '{{- define "test.notes" }}'; cat "$CHART/templates/NOTES.txt"; echo '{{- end }}'
      echo 'notes: {{ include "test.notes" . | toJson }}'; } > "$TMP/chart/templates/zz-notes-test.yaml"
    while read -r v; do
      # shellcheck disable=SC2046
      "$HELM" template slo "$TMP/chart" --namespace "$NS" $(values_flag "$v") \
        --show-only templates/zz-notes-test.yaml > "$TMP/notes.yaml"
      for want in "kind: InferenceAutoscaler" "kubectl apply -f chat.yaml" "slo-autoscaler audit --log -" \
                  "describe ias chat" "rollout status deployment/"; do
        grep -q -- "$want" "$TMP/notes.yaml" || { echo "FAIL: NOTES ($(label "$v")) lacks '$want'"; exit 1; }
      done
      echo "notes ok ($(label "$v"))"
    done < <(values_sets)
    ;;

  runtime-libs)
    # The Dockerfile's runtime stage installs the package of every library ARG (the binary) needs.
    python3 "$HERE/check_runtime_libs.py" "$ARG" "$SRC/Dockerfile"
    ;;

  python-unit)
    # The checkers' own tests (ARG: the unittest module).
    cd "$HERE" && python3 -m unittest -v "$ARG"
    ;;

  *)
    echo "unknown check $CHECK"; exit 2 ;;
esac
