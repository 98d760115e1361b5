{{/* Chart name, at most 63 characters (a DNS label). */}}
{{- define "slo-autoscaler.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of every resource: fullnameOverride, else the release name, with the chart name
appended unless the release name already contains it.
*/}}
{{- define "slo-autoscaler.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* name-version, for the helm.sh/chart label. */}}
{{- define "slo-autoscaler.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "slo-autoscaler.labels" -}}
helm.sh/chart: {{ include "slo-autoscaler.chart" . }}
{{ include "slo-autoscaler.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: controller
app.kubernetes.io/part-of: slo-autoscaler
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the controller pods (immutable once installed). */}}
{{- define "slo-autoscaler.selectorLabels" -}}
app.kubernetes.io/name: {{ include "slo-autoscaler.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Name of the ServiceAccount the controller runs as. */}}
{{- define "slo-autoscaler.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "slo-autoscaler.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Namespace of the leader-election Lease. */}}
{{- define "slo-autoscaler.leaseNamespace" -}}
{{- default .Release.Namespace .Values.leaderElection.namespace }}
{{- end }}

{{/*
RBAC rules for namespaced resources: what the controller reads and writes in a watched
namespace. Rendered into the ClusterRole (all namespaces) or into one Role per namespace.
README.md ("Installing slo-autoscaler in a cluster") explains each rule; tests/chart/check_rbac.py checks that each is used.
*/}}
{{- define "slo-autoscaler.namespacedRules" -}}
- apiGroups: ["slo-autoscaler.io"]
  resources: ["inferenceautoscalers"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["slo-autoscaler.io"]
  resources: ["inferenceautoscalers/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["apps"]
  resources: ["deployments/scale", "statefulsets/scale"]
  verbs: ["get", "patch", "update"]
{{- range .Values.rbac.extraScaleTargets }}
- apiGroups: [{{ .apiGroup | quote }}]
  resources: [{{ range $i, $r := .resources }}{{ if $i }}, {{ end }}{{ printf "%s/scale" $r | quote }}{{ end }}]
  verbs: ["get", "patch", "update"]
{{- end }}
{{- if .Values.rbac.clusterApi }}
- apiGroups: ["cluster.x-k8s.io"]
  resources: ["machinedeployments", "machinepools"]
  verbs: ["get"]
- apiGroups: ["cluster.x-k8s.io"]
  resources: ["machinedeployments/scale", "machinepools/scale"]
  verbs: ["get", "patch", "update"]
{{- end }}
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list"]
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["list"]
- apiGroups: ["keda.sh"]
  resources: ["scaledobjects"]
  verbs: ["list"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}

{{/* RBAC rules for cluster-scoped resources (always in a ClusterRole). */}}
{{- define "slo-autoscaler.clusterRules" -}}
- apiGroups: [""]
  resources: ["nodes"]
  verbs: ["list"]
{{- if .Values.rbac.karpenter }}
- apiGroups: ["karpenter.sh"]
  resources: ["nodepools"]
  verbs: ["get", "patch"]
{{- end }}
{{- end }}
